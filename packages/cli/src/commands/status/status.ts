import { parseCommandLine, expectPositionals } from '../../args.js';
import type { Command } from '../../command.js';
import { configFilePath } from '../../config/paths.js';
import type { CliContext } from '../../context.js';
import { EXIT } from '../../exit-codes.js';
import { formatRemaining } from '../../render/countdown.js';
import { styleFor } from '../../render/style.js';
import { keyringPolicy, loadConfig } from '../../session.js';
import { openCache } from '../../store/cache-session.js';
import type { StorageKind } from '../../store/storage.js';
import { summarizeCache, type AccountSummary } from './cache-summary.js';

/** Options of `devicelogin status`. */
export interface StatusOptions {
  readonly json: boolean;
}

const help = `devicelogin status — where things are and who is signed in

Usage: devicelogin status [--json]

Shows the config file and default profile, how the token cache is stored (OS keyring, or a
plaintext 0600 file), and each signed-in account with its access tokens' scopes and expiry and
whether a refresh token is cached. Never prints a token.

Options:
      --json              the same as one JSON object on stdout

Examples:
  devicelogin status
  devicelogin status --json | jq '.accounts | length'

Exit codes: 0 at least one account, 1 other error (e.g. an unreadable config file), 2 usage (an
invalid config value or DEVICELOGIN_* variable), 4 none signed in, 6 token storage.`;

const STORAGE_TEXT: Record<StorageKind, string> = {
  keyring: 'encrypted file, key in the OS keyring',
  'plaintext-file': 'plaintext file (mode 0600): no OS keyring',
  none: 'no token cache yet',
};

function describeAccount(context: CliContext, summary: AccountSummary): string {
  const style = styleFor(context.io.stdoutIsTTY, context.env);
  const { account } = summary;
  const lines = [
    `  ${style.bold(account.username || account.homeAccountId)}${account.tenantId === '' ? '' : ` (${account.tenantId})`} on ${account.environment}`,
  ];
  for (const token of summary.accessTokens) {
    const left = token.expiresOn.getTime() - context.clock.now();
    const state = left > 0 ? `valid for ${formatRemaining(left)}` : style.yellow('expired');
    lines.push(`    access token (${token.clientId}): ${token.scopes} — ${state}`);
  }
  lines.push(
    `    refresh token: ${summary.hasRefreshToken ? 'yes' : style.yellow('no (sign in again when the access token expires)')}`,
  );
  return lines.join('\n');
}

/** `devicelogin status`. */
export const statusCommand: Command<StatusOptions> = {
  help,
  parse(args) {
    const { values, positionals } = parseCommandLine('status', args, { json: { type: 'boolean', default: false } });
    expectPositionals('status', positionals, 0);
    return { json: values.json };
  },
  async run(options, context) {
    const config = await loadConfig(context);
    const { policy } = keyringPolicy(context, config);
    const { app, storage } = await openCache(context);
    const accounts = await app.getAccounts(); // loads the cache first
    const summaries = summarizeCache(app.getTokenCache().serialize(), accounts);
    const configPath = configFilePath(context.env, context.homeDir);
    const code = summaries.length === 0 ? EXIT.interactionRequired : EXIT.ok;
    if (options.json) {
      const status = {
        config_file: configPath,
        default_profile: config['default-profile'] ?? null,
        profiles: Object.keys(config.profiles ?? {}),
        keyring_policy: policy,
        token_cache: { path: storage.path, storage: storage.kind },
        accounts: summaries.map((s) => ({
          username: s.account.username,
          tenant_id: s.account.tenantId,
          environment: s.account.environment,
          home_account_id: s.account.homeAccountId,
          access_tokens: s.accessTokens.map((t) => ({
            client_id: t.clientId,
            scopes: t.scopes,
            expires_on: t.expiresOn.toISOString(),
          })),
          refresh_token: s.hasRefreshToken,
        })),
      };
      context.io.stdout.write(`${JSON.stringify(status)}\n`);
      return code;
    }
    const profiles = Object.keys(config.profiles ?? {});
    const out = [
      `Config file:   ${configPath}${profiles.length === 0 ? ' (no profiles)' : ` (profiles: ${profiles.join(', ')}; default: ${config['default-profile'] ?? 'none'})`}`,
      `Token cache:   ${storage.path}`,
      `               ${STORAGE_TEXT[storage.kind]}${policy === 'required' ? ' (keyring required)' : ''}`,
      summaries.length === 0 ? 'Not signed in. Sign in with: devicelogin login' : 'Signed in:',
      ...summaries.map((summary) => describeAccount(context, summary)),
    ];
    context.io.stdout.write(`${out.join('\n')}\n`);
    return code;
  },
};
