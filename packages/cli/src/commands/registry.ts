import type { RunnableCommand } from '../command.js';
import { runnable } from '../command.js';

/** A command as the dispatcher knows it before loading it: a summary for `--help`, a lazy loader. */
export interface CommandEntry {
  readonly summary: string;
  load(): Promise<RunnableCommand>;
}

/** Every command. Each module is imported only when its command runs (fast `devicelogin token`). */
export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  login: {
    summary: 'sign in with a device code (URL, code, QR, countdown on stderr)',
    load: async () => runnable((await import('./login/login.js')).loginCommand),
  },
  token: {
    summary: 'print an access token from the cache, refreshing silently',
    load: async () => runnable((await import('./token/token.js')).tokenCommand),
  },
  api: {
    summary: 'call a web API with the bearer token and print the body',
    load: async () => runnable((await import('./api/api.js')).apiCommand),
  },
  accounts: {
    summary: 'list the signed-in accounts',
    load: async () => runnable((await import('./accounts/accounts.js')).accountsCommand),
  },
  logout: {
    summary: 'sign out of one account, or all (revoking at the provider)',
    load: async () => runnable((await import('./logout/logout.js')).logoutCommand),
  },
  status: {
    summary: 'config file, token storage, accounts and token expiry',
    load: async () => runnable((await import('./status/status.js')).statusCommand),
  },
  config: {
    summary: 'profiles and settings: config set | get | list | unset',
    load: async () => runnable((await import('./config/config.js')).configCommand),
  },
  'kubectl-credential': {
    summary: 'kubectl exec credential plugin (ExecCredential JSON on stdout)',
    load: async () => runnable((await import('./kubectl/kubectl-credential.js')).kubectlCredentialCommand),
  },
  'git-credential': {
    summary: 'git credential helper (get | store | erase); installed as git-credential-devicelogin',
    load: async () => runnable((await import('./git/git-credential.js')).gitCredentialCommand),
  },
};
