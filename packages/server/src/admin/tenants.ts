/**
 * `devicelogin-admin tenants list`: the configured tenants (tenants are configuration, not store
 * data), with their `tid` and how many users each has; tenants that only users name are listed
 * too, marked unconfigured (their users cannot sign in).
 */
import { tenantId } from '../tokens/tenant-id.js';
import { defineCommand, type CommandGroup, type Column } from './command.js';

/** A tenant as listed. */
export interface TenantView {
  readonly tenant: string;
  /** The `tid` claim (a UUID derived from the name). */
  readonly tid: string;
  readonly configured: boolean;
  readonly users: number;
  readonly disabledUsers: number;
}

const COLUMNS: readonly Column<TenantView>[] = [
  { header: 'TENANT', value: (t) => t.tenant },
  { header: 'CONFIGURED', value: (t) => (t.configured ? 'yes' : 'no (its users cannot sign in)') },
  { header: 'USERS', value: (t) => String(t.users) },
  { header: 'DISABLED', value: (t) => String(t.disabledUsers) },
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
    const rows = names.map((tenant): TenantView => {
      const members = users.filter((u) => u.tenant === tenant);
      return {
        tenant,
        tid: tenantId(tenant),
        configured: configured.includes(tenant),
        users: members.length,
        disabledUsers: members.filter((u) => u.disabled).length,
      };
    });
    context.out.list(rows, COLUMNS);
  },
});

/** The `tenants` group. */
export const tenantsGroup: CommandGroup = {
  name: 'tenants',
  summary: 'list tenants',
  commands: [tenantsList],
};
