/**
 * `devicelogin-admin clients …`: register a public client, change it (name, scopes, device grant,
 * deep links), list. Changes apply to running servers at once: clients are read per request.
 */
import type { ClientRecord } from '../store/store.js';
import {
  defineCommand,
  optionalBoolean,
  optionalString,
  requiredString,
  type CommandGroup,
  type Column,
  type ParsedValues,
} from './command.js';
import { ConflictError, NotFoundError, UsageError } from './errors.js';

/** Options of `clients add`. */
export interface ClientsAddOptions {
  readonly clientId: string;
  readonly name: string;
  /** Space-separated; empty = any scope the server knows. */
  readonly allowedScopes: string;
  readonly deviceGrantEnabled: boolean;
  readonly deepLinkEnabled: boolean;
}

/** Options of `clients set`: what is absent stays as it is. */
export interface ClientsSetOptions {
  readonly clientId: string;
  readonly name?: string;
  readonly allowedScopes?: string;
  readonly deviceGrantEnabled?: boolean;
  readonly deepLinkEnabled?: boolean;
}

/** A client as shown (`allowedScopes` as a list). */
export interface ClientView {
  readonly clientId: string;
  readonly name: string;
  readonly allowedScopes: readonly string[];
  readonly deviceGrantEnabled: boolean;
  readonly deepLinkEnabled: boolean;
}

const FLAGS = {
  'client-id': { type: 'string' },
  name: { type: 'string' },
  'allowed-scopes': { type: 'string' },
  'device-grant': { type: 'boolean' },
  'deep-link': { type: 'boolean' },
} as const;

function view(client: ClientRecord): ClientView {
  return { ...client, allowedScopes: client.allowedScopes.split(' ').filter((s) => s !== '') };
}

function clientId(values: ParsedValues, command: string): string {
  const id = requiredString(values, 'client-id', command);
  if (!/^[\x21-\x7e]+$/.test(id)) throw new UsageError('--client-id must be visible ASCII without spaces', command);
  return id;
}

/** `--allowed-scopes "a b"` → `a b` (whitespace or commas separate); `""` = any scope. */
function scopes(values: ParsedValues): string | undefined {
  const raw = values['allowed-scopes'];
  return typeof raw === 'string'
    ? raw
        .split(/[\s,]+/)
        .filter((s) => s !== '')
        .join(' ')
    : undefined;
}

const SCOPES_HELP = [
  '--allowed-scopes "<scope> …"',
  'scopes it may request, separated by spaces; "" = any scope the server knows',
] as const;

/** `clients add`: registers a public client. */
export const clientsAdd = defineCommand<ClientsAddOptions>({
  name: 'add',
  summary: 'register a public client',
  synopsis: '--client-id <id> --name <name> [--allowed-scopes "<scope> …"] [--no-device-grant] [--no-deep-link]',
  options: FLAGS,
  optionHelp: [
    ['--client-id <id>', 'the client_id'],
    ['--name <name>', 'shown to the user on the consent page'],
    SCOPES_HELP,
    ['--no-device-grant', 'registered, but the device code flow refused for now'],
    ['--no-deep-link', 'never send verification_uri_complete (the link carrying the user code)'],
  ],
  examples: [
    "devicelogin-admin clients add --client-id my-cli --name 'My CLI' --allowed-scopes 'openid offline_access api://demo/read'",
    "devicelogin-admin clients add --client-id kiosk --name 'Lobby kiosk' --no-deep-link --json",
  ],
  parse: (values) => ({
    clientId: clientId(values, 'clients add'),
    name: requiredString(values, 'name', 'clients add'),
    allowedScopes: scopes(values) ?? '',
    deviceGrantEnabled: optionalBoolean(values, 'device-grant') ?? true,
    deepLinkEnabled: optionalBoolean(values, 'deep-link') ?? true,
  }),
  async run(options, context) {
    if ((await context.store.findClient(options.clientId)) !== undefined) {
      throw new ConflictError(`client ${options.clientId} exists already; use "clients set" to change it`);
    }
    const client: ClientRecord = { ...options };
    await context.store.upsertClient(client);
    context.out.message(`Added client ${client.clientId}.`);
    context.out.result(view(client));
  },
});

/** `clients set`: changes the fields given. */
export const clientsSet = defineCommand<ClientsSetOptions>({
  name: 'set',
  summary: "change a client's name, scopes, device grant or deep links",
  synopsis:
    '--client-id <id> [--name <name>] [--allowed-scopes "<scope> …"] [--device-grant | --no-device-grant] [--deep-link | --no-deep-link]',
  options: FLAGS,
  optionHelp: [
    ['--client-id <id>', 'the client to change'],
    ['--name <name>', 'a new display name'],
    SCOPES_HELP,
    ['--device-grant, --no-device-grant', 'allow or refuse the device code flow'],
    ['--deep-link, --no-deep-link', 'send verification_uri_complete or not'],
  ],
  examples: [
    'devicelogin-admin clients set --client-id my-cli --no-device-grant',
    "devicelogin-admin clients set --client-id my-cli --allowed-scopes 'openid api://demo/read' --deep-link",
  ],
  parse(values) {
    const id = clientId(values, 'clients set');
    const name = optionalString(values, 'name', 'clients set');
    const allowedScopes = scopes(values);
    const deviceGrantEnabled = optionalBoolean(values, 'device-grant');
    const deepLinkEnabled = optionalBoolean(values, 'deep-link');
    const changes = {
      ...(name === undefined ? {} : { name }),
      ...(allowedScopes === undefined ? {} : { allowedScopes }),
      ...(deviceGrantEnabled === undefined ? {} : { deviceGrantEnabled }),
      ...(deepLinkEnabled === undefined ? {} : { deepLinkEnabled }),
    };
    if (Object.keys(changes).length === 0)
      throw new UsageError('nothing to change: give at least one option', 'clients set');
    return { clientId: id, ...changes };
  },
  async run(options, context) {
    const client = await context.store.findClient(options.clientId);
    if (client === undefined) throw new NotFoundError(`no client ${options.clientId}`);
    const changed: ClientRecord = { ...client, ...options };
    await context.store.upsertClient(changed);
    context.out.message(`Changed client ${changed.clientId}.`);
    context.out.result(view(changed));
  },
});

const CLIENT_COLUMNS: readonly Column<ClientView>[] = [
  { header: 'CLIENT ID', value: (c) => c.clientId },
  { header: 'NAME', value: (c) => c.name },
  { header: 'DEVICE GRANT', value: (c) => (c.deviceGrantEnabled ? 'yes' : 'no') },
  { header: 'DEEP LINK', value: (c) => (c.deepLinkEnabled ? 'yes' : 'no') },
  { header: 'ALLOWED SCOPES', value: (c) => (c.allowedScopes.length === 0 ? '(any)' : c.allowedScopes.join(' ')) },
];

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
  commands: [clientsAdd, clientsSet, clientsList],
};
