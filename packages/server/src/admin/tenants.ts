/**
 * `devicelogin-admin tenants list`: the configured tenants (tenants are configuration, not store
 * data), with their `tid`, MFA policy and how many users each has; tenants that only users name
 * are listed too, marked unconfigured (their users cannot sign in). `tenants set` changes a
 * tenant's policy (store data): whether MFA (TOTP) is required.
 */
import { tenantId } from '../tokens/tenant-id.js';
import { defineCommand, requiredString, type CommandGroup, type Column } from './command.js';
import { UsageError } from './errors.js';

/** A tenant as listed. */
export interface TenantView {
  readonly tenant: string;
  /** The `tid` claim (a UUID derived from the name). */
  readonly tid: string;
  readonly configured: boolean;
  readonly users: number;
  readonly disabledUsers: number;
  /** `required`: every user uses TOTP (enrolling at the next sign-in); `optional`: enrolled users only. */
  readonly mfa: MfaPolicy;
}

/** A tenant's MFA policy as the command line spells it. */
export type MfaPolicy = 'required' | 'optional';

const COLUMNS: readonly Column<TenantView>[] = [
  { header: 'TENANT', value: (t) => t.tenant },
  { header: 'CONFIGURED', value: (t) => (t.configured ? 'yes' : 'no (its users cannot sign in)') },
  { header: 'USERS', value: (t) => String(t.users) },
  { header: 'DISABLED', value: (t) => String(t.disabledUsers) },
  { header: 'MFA', value: (t) => t.mfa },
  { header: 'TID', value: (t) => t.tid },
];

/** `tenants list`. */
export const tenantsList = defineCommand<Record<string, never>>({
  name: 'list',
  summary: 'list tenants (from the configuration) with their tid and user counts',
  synopsis: '',
  options: {},
  optionHelp: [],
  examples: ['devicelogin-admin tenants list --config server.json', 'devicelogin-admin tenants list --json'],
  parse: () => ({}),
  async run(_options, context) {
    const users = await context.store.listUsers();
    const configured = context.config.tenants.filter((t) => t !== 'common');
    const names = [...new Set([...configured, ...users.map((u) => u.tenant)])];
    const rows: TenantView[] = [];
    for (const tenant of names) {
      const members = users.filter((u) => u.tenant === tenant);
      const policy = await context.store.findTenantPolicy(tenant);
      rows.push({
        tenant,
        tid: tenantId(tenant),
        configured: configured.includes(tenant),
        users: members.length,
        disabledUsers: members.filter((u) => u.disabled).length,
        mfa: policy?.mfaRequired === true ? 'required' : 'optional',
      });
    }
    context.out.list(rows, COLUMNS);
  },
});

// --- MFA policy ---
/** Options of `tenants set`. */
export interface TenantsSetOptions {
  readonly tenant: string;
  readonly mfa: MfaPolicy;
}

/** `tenants set`: a tenant's MFA policy. */
export const tenantsSet = defineCommand<TenantsSetOptions>({
  name: 'set',
  summary: "set a tenant's policy: MFA (TOTP) required or optional",
  synopsis: '--tenant <name> --mfa required|optional',
  options: { tenant: { type: 'string' }, mfa: { type: 'string' } },
  optionHelp: [
    ['--tenant <name>', 'one of the configured tenants'],
    [
      '--mfa required|optional',
      'required: users without TOTP enrol at their next sign-in; optional (default): only enrolled users are asked',
    ],
  ],
  examples: [
    'devicelogin-admin tenants set --tenant contoso --mfa required',
    'devicelogin-admin tenants set --config server.json --tenant contoso --mfa optional --json',
  ],
  parse: (values) => {
    const mfa = requiredString(values, 'mfa', 'tenants set');
    if (mfa !== 'required' && mfa !== 'optional') {
      throw new UsageError(`--mfa must be required or optional, not "${mfa}"`, 'tenants set');
    }
    return { tenant: requiredString(values, 'tenant', 'tenants set'), mfa };
  },
  async run(options, context) {
    const tenants = context.config.tenants.filter((t) => t !== 'common');
    if (!tenants.includes(options.tenant)) {
      throw new UsageError(
        `tenant ${options.tenant} is not configured (tenants: ${tenants.join(', ')}); add it to "tenants" in the config file first`,
        'tenants set',
      );
    }
    await context.store.setTenantPolicy({ tenant: options.tenant, mfaRequired: options.mfa === 'required' });
    context.out.message(
      options.mfa === 'required'
        ? `MFA is now required in tenant ${options.tenant}: users without TOTP enrol at their next sign-in.`
        : `MFA is now optional in tenant ${options.tenant}: only users who enrolled are asked for a code.`,
    );
    if (options.mfa === 'required' && context.config.mfaEncryptionSecret === undefined) {
      context.out.message(
        'Note: no mfaEncryptionSecret is configured, so TOTP secrets will be stored unencrypted (docs/security.md).',
      );
    }
    context.out.result({ tenant: options.tenant, mfa: options.mfa });
  },
});

/** The `tenants` group. */
export const tenantsGroup: CommandGroup = {
  name: 'tenants',
  summary: 'list tenants, set their MFA policy',
  commands: [tenantsList, tenantsSet],
};
