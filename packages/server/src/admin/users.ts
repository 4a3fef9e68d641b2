/**
 * `devicelogin-admin users …`: add a user, set a password, disable or enable, list, revoke the
 * user's tokens. Passwords are read from standard input or a prompt (password.ts), stored as
 * scrypt hashes, never shown.
 */
import { randomUUID } from 'node:crypto';
import { hashPassword } from '../crypto.js';
import type { UserRecord } from '../store/store.js';
import {
  defineCommand,
  isoTime,
  optionalBoolean,
  optionalString,
  requiredString,
  type CommandContext,
  type CommandGroup,
  type DefinedCommand,
  type Column,
  type ParsedValues,
} from './command.js';
import { ConflictError, NotFoundError, UsageError } from './errors.js';
import { readNewPassword } from './password.js';
import { userByName } from './user-by-name.js';

/** Options of `users add`. */
export interface UsersAddOptions {
  readonly tenant: string;
  readonly username: string;
  readonly displayName: string;
}

/** Options of the commands naming one existing user. */
export interface UserRef {
  readonly tenant: string;
  readonly username: string;
}

/** Options of `users list`. */
export interface UsersListOptions {
  readonly tenant: string | undefined;
}

/** A user as shown: never the password hash. */
export interface UserView {
  readonly tenant: string;
  readonly username: string;
  readonly displayName: string;
  readonly disabled: boolean;
  readonly id: string;
}

const USER_FLAGS = {
  tenant: { type: 'string' },
  username: { type: 'string' },
} as const;

const USER_HELP = [
  ['--tenant <name>', "the user's tenant (one of the configured tenants)"],
  ['--username <name>', 'the sign-in name (matched in any letter case)'],
] as const;

function view(user: UserRecord): UserView {
  return {
    tenant: user.tenant,
    username: user.username,
    displayName: user.displayName,
    disabled: user.disabled,
    id: user.id,
  };
}

function parseRef(command: string): (values: ParsedValues) => UserRef {
  return (values) => ({
    tenant: requiredString(values, 'tenant', command),
    username: requiredString(values, 'username', command),
  });
}

async function existing(context: CommandContext, ref: UserRef): Promise<UserRecord> {
  const user = await context.store.findUser(ref.tenant, ref.username);
  if (user === undefined) throw new NotFoundError(`no user ${ref.username} in tenant ${ref.tenant}`);
  return user;
}

/** `users add`: creates a user; the password comes from stdin or the prompt. */
export const usersAdd = defineCommand<UsersAddOptions>({
  name: 'add',
  summary: 'add a user (password from standard input, or prompted without echo)',
  synopsis: '--tenant <name> --username <name> --display-name <name>',
  options: { ...USER_FLAGS, 'display-name': { type: 'string' } },
  optionHelp: [...USER_HELP, ['--display-name <name>', 'the name shown to clients (`name` claim)']],
  examples: [
    "devicelogin-admin users add --tenant contoso --username ada@contoso.example --display-name 'Ada Lovelace'",
    'printf \'%s\' "$PASSWORD" | devicelogin-admin users add --config server.json --tenant contoso --username bob@contoso.example --display-name Bob',
  ],
  parse: (values) => ({
    ...parseRef('users add')(values),
    displayName: requiredString(values, 'display-name', 'users add'),
  }),
  async run(options, context) {
    const tenants = context.config.tenants.filter((t) => t !== 'common');
    if (!tenants.includes(options.tenant)) {
      throw new UsageError(
        `tenant ${options.tenant} is not configured (tenants: ${tenants.join(', ')}); add it to "tenants" in the config file first`,
        'users add',
      );
    }
    const clash = await context.store.findUser(options.tenant, options.username);
    if (clash !== undefined) {
      throw new ConflictError(
        `tenant ${options.tenant} already has a user ${clash.username}; use "users set-password" to change its password`,
      );
    }
    const password = await readNewPassword(context.stdin, context.stderr, options.username);
    const user: UserRecord = {
      id: randomUUID(),
      tenant: options.tenant,
      username: options.username,
      displayName: options.displayName,
      passwordHash: await hashPassword(password),
      disabled: false,
    };
    await context.store.upsertUser(user);
    context.out.message(`Added user ${user.username} to tenant ${user.tenant} (id ${user.id}).`);
    context.out.result(view(user));
  },
});

/** `users set-password`: replaces a user's password. */
export const usersSetPassword = defineCommand<UserRef>({
  name: 'set-password',
  summary: "replace a user's password (from standard input, or prompted without echo)",
  synopsis: '--tenant <name> --username <name>',
  options: USER_FLAGS,
  optionHelp: USER_HELP,
  examples: [
    'devicelogin-admin users set-password --tenant contoso --username ada@contoso.example',
    'devicelogin-admin users set-password --tenant contoso --username ada@contoso.example < new-password.txt',
  ],
  parse: parseRef('users set-password'),
  async run(options, context) {
    const user = await existing(context, options);
    const password = await readNewPassword(context.stdin, context.stderr, user.username);
    await context.store.upsertUser({ ...user, passwordHash: await hashPassword(password) });
    context.out.message(`Password of ${user.username} (tenant ${user.tenant}) replaced.`);
    context.out.result(view(user));
  },
});

function setDisabled(disabled: boolean): DefinedCommand<UserRef> {
  const name = disabled ? 'disable' : 'enable';
  return defineCommand<UserRef>({
    name,
    summary: disabled
      ? 'disable a user: no sign-in, and its refresh tokens stop working'
      : 'enable a disabled user again',
    synopsis: '--tenant <name> --username <name>',
    options: USER_FLAGS,
    optionHelp: USER_HELP,
    examples: [`devicelogin-admin users ${name} --tenant contoso --username ada@contoso.example`],
    parse: parseRef(`users ${name}`),
    async run(options, context) {
      const user = await existing(context, options);
      const changed = { ...user, disabled };
      if (user.disabled !== disabled) await context.store.upsertUser(changed);
      context.out.message(
        `${user.username} (tenant ${user.tenant}) ${user.disabled === disabled ? 'was already' : 'is now'} ${name}d.`,
      );
      context.out.result(view(changed));
    },
  });
}

/** `users disable`. */
export const usersDisable = setDisabled(true);
/** `users enable`. */
export const usersEnable = setDisabled(false);

const USER_COLUMNS: readonly Column<UserView>[] = [
  { header: 'TENANT', value: (u) => u.tenant },
  { header: 'USERNAME', value: (u) => u.username },
  { header: 'DISPLAY NAME', value: (u) => u.displayName },
  { header: 'DISABLED', value: (u) => (u.disabled ? 'yes' : 'no') },
  { header: 'ID', value: (u) => u.id },
];

/** `users list`: every user, or those of one tenant. */
export const usersList = defineCommand<UsersListOptions>({
  name: 'list',
  summary: 'list users (never their passwords)',
  synopsis: '[--tenant <name>]',
  options: { tenant: { type: 'string' } },
  optionHelp: [['--tenant <name>', 'only this tenant']],
  examples: ['devicelogin-admin users list', 'devicelogin-admin users list --tenant contoso --json'],
  parse: (values) => ({ tenant: optionalString(values, 'tenant', 'users list') }),
  async run(options, context) {
    const users = await context.store.listUsers(options.tenant);
    context.out.list(users.map(view), USER_COLUMNS);
  },
});

// --- MFA ---
/** `users reset-mfa`: removes a user's TOTP enrolment and recovery codes (a lost phone). */
export const usersResetMfa = defineCommand<UserRef>({
  name: 'reset-mfa',
  summary: "remove a user's TOTP enrolment and recovery codes (they enrol again if the tenant requires MFA)",
  synopsis: '--tenant <name> --username <name>',
  options: USER_FLAGS,
  optionHelp: USER_HELP,
  examples: ['devicelogin-admin users reset-mfa --tenant contoso --username ada@contoso.example'],
  parse: parseRef('users reset-mfa'),
  async run(options, context) {
    const user = await existing(context, options);
    const removed = await context.store.deleteTotpEnrolment(user.id);
    context.out.message(
      removed
        ? `TOTP of ${user.username} (tenant ${user.tenant}) removed, with its recovery codes.`
        : `${user.username} (tenant ${user.tenant}) had no TOTP enrolment; nothing changed.`,
    );
    context.out.result({ ...view(user), mfaReset: removed });
  },
});

// --- Detect and remediate ---
/** Options of `users revoke`. */
export interface UsersRevokeOptions {
  readonly username: string;
  /** Needed only when several tenants have the username. */
  readonly tenant: string | undefined;
  /** Keep the refresh tokens: only access tokens issued until now are refused. */
  readonly accessOnly: boolean;
}

/** `users revoke`: ends a user's sessions (or only its current access tokens). */
export const usersRevoke = defineCommand<UsersRevokeOptions>({
  name: 'revoke',
  summary: "revoke a user's tokens: refresh tokens at once, access tokens at their next use (a claims challenge)",
  synopsis: '<username> [--tenant <name>] [--access-only]',
  positional: 'username',
  options: { username: { type: 'string' }, tenant: { type: 'string' }, 'access-only': { type: 'boolean' } },
  optionHelp: [
    ['<username>', 'the user (matched in any letter case); or --username <name>'],
    ['--tenant <name>', "the user's tenant, needed when several tenants have the name"],
    [
      '--access-only',
      'keep the refresh tokens: clients get new access tokens silently through the claims challenge (after a role change)',
    ],
  ],
  examples: [
    'devicelogin-admin users revoke ada@contoso.example',
    'devicelogin-admin users revoke ada@contoso.example --tenant contoso --access-only --json',
  ],
  parse: (values) => ({
    username: requiredString(values, 'username', 'users revoke'),
    tenant: optionalString(values, 'tenant', 'users revoke'),
    accessOnly: optionalBoolean(values, 'access-only') ?? false,
  }),
  async run(options, context) {
    const user = await userByName(context, options.username, options.tenant, 'users revoke');
    const result = await context.store.revokeUserTokens(user.id, context.clock.now(), {
      refresh: !options.accessOnly,
    });
    const validAfter = isoTime(result.validAfter * 1000);
    const who = `${user.username} (tenant ${user.tenant})`;
    context.out.message(
      options.accessOnly
        ? `Access tokens of ${who} issued so far are refused from their next use, with a claims ` +
            'challenge; its refresh tokens are kept, so clients get new access tokens without signing in again.'
        : `Revoked the tokens of ${who}: ${result.refreshTokensRevoked} refresh token(s)` +
            (result.codesCancelled > 0 ? `, ${result.codesCancelled} approved code(s) not yet redeemed` : '') +
            '; access tokens issued so far are dead from their next use. ' +
            'The user must sign in again.',
    );
    context.out.result({
      ...view(user),
      accessOnly: options.accessOnly,
      validAfter,
      refreshTokensRevoked: result.refreshTokensRevoked,
      codesCancelled: result.codesCancelled,
    });
  },
});

/** The `users` group. */
export const usersGroup: CommandGroup = {
  name: 'users',
  summary: 'add users, set passwords, disable, reset MFA, list, revoke their tokens',
  commands: [usersAdd, usersSetPassword, usersDisable, usersEnable, usersResetMfa, usersList, usersRevoke],
};
