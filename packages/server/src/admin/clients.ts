/**
 * `devicelogin-admin clients …`: register a public client, change it (name and its per-client
 * policy: device grant, deep links, scope limit, token lifetimes), show one, list. Changes apply
 * to running servers at once: clients are read per request.
 */
import type { ClientRecord } from '../store/store.js';
import {
  applyPolicy,
  lifetimeNote,
  parsePolicy,
  POLICY_FLAGS,
  POLICY_HELP,
  type ClientPolicyChanges,
} from './client-policy.js';
import {
  defineCommand,
  optionalString,
  requiredString,
  type CommandContext,
  type CommandGroup,
  type Column,
  type ParsedValues,
} from './command.js';
import { ConflictError, NotFoundError, UsageError } from './errors.js';

/** Options of `clients add`: the policy flags not given take their defaults (all on, no limit). */
export interface ClientsAddOptions extends ClientPolicyChanges {
  readonly clientId: string;
  readonly name: string;
}

/** Options of `clients set`: what is absent stays as it is. */
export interface ClientsSetOptions extends ClientPolicyChanges {
  readonly clientId: string;
  readonly name?: string;
}

/** Options of `clients show`. */
export interface ClientsShowOptions {
  readonly clientId: string;
}

/** A client as shown (`allowedScopes` as a list; a lifetime absent = the server's default). */
export interface ClientView {
  readonly clientId: string;
  readonly name: string;
  readonly allowedScopes: readonly string[];
  readonly deviceGrantEnabled: boolean;
  readonly deepLinkEnabled: boolean;
  readonly accessTokenLifetimeSeconds?: number;
  readonly refreshTokenLifetimeSeconds?: number;
  /** DPoP policy: `required` or `optional`. */
  readonly dpop: 'required' | 'optional';
}

const FLAGS = {
  'client-id': { type: 'string' },
  name: { type: 'string' },
  ...POLICY_FLAGS,
} as const;

function view(client: ClientRecord): ClientView {
  const { dpopRequired, ...rest } = client;
  return {
    ...rest,
    allowedScopes: client.allowedScopes.split(' ').filter((s) => s !== ''),
    dpop: dpopRequired === true ? 'required' : 'optional',
  };
}

function clientId(values: ParsedValues, command: string): string {
  const id = requiredString(values, 'client-id', command);
  if (!/^[\x21-\x7e]+$/.test(id)) throw new UsageError('--client-id must be visible ASCII without spaces', command);
  return id;
}

/** The policy part of the options (everything but the client id and name). */
function policyOf(options: ClientsSetOptions): ClientPolicyChanges {
  const {
    allowedScopes,
    deviceGrantEnabled,
    deepLinkEnabled,
    accessTokenLifetimeSeconds,
    refreshTokenLifetimeSeconds,
    dpopRequired,
  } = options;
  return {
    ...(allowedScopes === undefined ? {} : { allowedScopes }),
    ...(deviceGrantEnabled === undefined ? {} : { deviceGrantEnabled }),
    ...(deepLinkEnabled === undefined ? {} : { deepLinkEnabled }),
    ...(accessTokenLifetimeSeconds === undefined ? {} : { accessTokenLifetimeSeconds }),
    ...(refreshTokenLifetimeSeconds === undefined ? {} : { refreshTokenLifetimeSeconds }),
    ...(dpopRequired === undefined ? {} : { dpopRequired }),
  };
}

/** Stores the client, then says so (and warns about an MSAL-unfriendly lifetime). */
async function save(client: ClientRecord, verb: string, context: CommandContext): Promise<void> {
  await context.store.upsertClient(client);
  context.out.message(`${verb} client ${client.clientId}.`);
  const note = lifetimeNote(client);
  if (note !== undefined) context.out.message(note);
  context.out.result(view(client));
}

/** `clients add`: registers a public client. */
export const clientsAdd = defineCommand<ClientsAddOptions>({
  name: 'add',
  summary: 'register a public client',
  synopsis:
    '--client-id <id> --name <name> [--allowed-scopes "<scope> …"] [--no-device-grant] [--no-deep-link] [--access-token-lifetime <s>] [--refresh-token-lifetime <s>] [--dpop required|optional]',
  options: FLAGS,
  optionHelp: [
    ['--client-id <id>', 'the client_id'],
    ['--name <name>', 'shown to the user on the consent page'],
    ...POLICY_HELP,
  ],
  examples: [
    "devicelogin-admin clients add --client-id my-cli --name 'My CLI' --allowed-scopes 'openid offline_access api://demo/read'",
    "devicelogin-admin clients add --client-id kiosk --name 'Lobby kiosk' --no-deep-link --access-token-lifetime 600 --json",
  ],
  parse: (values) => ({
    clientId: clientId(values, 'clients add'),
    name: requiredString(values, 'name', 'clients add'),
    ...parsePolicy(values, 'clients add'),
  }),
  async run(options, context) {
    if ((await context.store.findClient(options.clientId)) !== undefined) {
      throw new ConflictError(`client ${options.clientId} exists already; use "clients set" to change it`);
    }
    const defaults: ClientRecord = {
      clientId: options.clientId,
      name: options.name,
      allowedScopes: '',
      deviceGrantEnabled: true,
      deepLinkEnabled: true,
    };
    await save(applyPolicy(defaults, policyOf(options), context.config, 'clients add'), 'Added', context);
  },
});

/** `clients set`: changes the fields given. */
export const clientsSet = defineCommand<ClientsSetOptions>({
  name: 'set',
  summary: "change a client's name or policy (device grant, deep links, scopes, token lifetimes)",
  synopsis:
    '--client-id <id> [--name <name>] [--allowed-scopes "<scope> …" | --no-scope-limit] [--[no-]device-grant] [--[no-]deep-link] [--access-token-lifetime <s|default>] [--refresh-token-lifetime <s|default>] [--dpop required|optional]',
  options: FLAGS,
  optionHelp: [['--client-id <id>', 'the client to change'], ['--name <name>', 'a new display name'], ...POLICY_HELP],
  examples: [
    'devicelogin-admin clients set --client-id my-cli --no-device-grant',
    "devicelogin-admin clients set --client-id my-cli --allowed-scopes 'api://demo/read' --no-deep-link",
    'devicelogin-admin clients set --client-id my-cli --access-token-lifetime 600 --refresh-token-lifetime 86400',
    'devicelogin-admin clients set --client-id my-cli --no-scope-limit --access-token-lifetime default',
  ],
  parse(values) {
    const id = clientId(values, 'clients set');
    const name = optionalString(values, 'name', 'clients set');
    const changes = { ...(name === undefined ? {} : { name }), ...parsePolicy(values, 'clients set') };
    if (Object.keys(changes).length === 0)
      throw new UsageError('nothing to change: give at least one option', 'clients set');
    return { clientId: id, ...changes };
  },
  async run(options, context) {
    const client = await context.store.findClient(options.clientId);
    if (client === undefined) throw new NotFoundError(`no client ${options.clientId}`);
    const renamed: ClientRecord = options.name === undefined ? client : { ...client, name: options.name };
    await save(applyPolicy(renamed, policyOf(options), context.config, 'clients set'), 'Changed', context);
  },
});

const lifetime = (seconds: number | undefined): string => (seconds === undefined ? 'default' : `${seconds} s`);

const CLIENT_COLUMNS: readonly Column<ClientView>[] = [
  { header: 'CLIENT ID', value: (c) => c.clientId },
  { header: 'NAME', value: (c) => c.name },
  { header: 'DEVICE GRANT', value: (c) => (c.deviceGrantEnabled ? 'yes' : 'no') },
  { header: 'DEEP LINK', value: (c) => (c.deepLinkEnabled ? 'yes' : 'no') },
  { header: 'ACCESS TOKEN', value: (c) => lifetime(c.accessTokenLifetimeSeconds) },
  { header: 'REFRESH TOKEN', value: (c) => lifetime(c.refreshTokenLifetimeSeconds) },
  { header: 'DPOP', value: (c) => c.dpop },
  { header: 'ALLOWED SCOPES', value: (c) => (c.allowedScopes.length === 0 ? '(any)' : c.allowedScopes.join(' ')) },
];

/** `clients show`: one client's record and policy. */
export const clientsShow = defineCommand<ClientsShowOptions>({
  name: 'show',
  summary: "show a client's name and policy",
  synopsis: '--client-id <id>',
  options: { 'client-id': { type: 'string' } },
  optionHelp: [['--client-id <id>', 'the client to show']],
  examples: [
    'devicelogin-admin clients show --client-id my-cli',
    'devicelogin-admin clients show --client-id my-cli --json',
  ],
  parse: (values) => ({ clientId: clientId(values, 'clients show') }),
  async run(options, context) {
    const client = await context.store.findClient(options.clientId);
    if (client === undefined) throw new NotFoundError(`no client ${options.clientId}`);
    context.out.record(view(client), CLIENT_COLUMNS);
  },
});

/** `clients list`. */
export const clientsList = defineCommand<Record<string, never>>({
  name: 'list',
  summary: 'list clients',
  synopsis: '',
  options: {},
  optionHelp: [],
  examples: [
    'devicelogin-admin clients list',
    'devicelogin-admin clients list --json --sqlite-path devicelogin.sqlite',
  ],
  parse: () => ({}),
  async run(_options, context) {
    context.out.list((await context.store.listClients()).map(view), CLIENT_COLUMNS);
  },
});

/** The `clients` group. */
export const clientsGroup: CommandGroup = {
  name: 'clients',
  summary: 'register, change and list public clients',
  commands: [clientsAdd, clientsSet, clientsShow, clientsList],
};
