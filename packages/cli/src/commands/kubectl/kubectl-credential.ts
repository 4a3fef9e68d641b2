import { parseCommandLine, expectPositionals, TARGET_HELP, TARGET_OPTIONS, targetFlagsOf } from '../../args.js';
import type { Command } from '../../command.js';
import type { TargetFlags } from '../../config/target.js';
import { EXIT } from '../../exit-codes.js';
import { openSession } from '../../session.js';
import { acquireToken } from '../token/acquire.js';
import { requireBearer } from '../token/bearer-only.js';
import { execCredential, parseExecInfo } from './exec-credential.js';

/** Options of `devicelogin kubectl-credential`. */
export interface KubectlCredentialOptions {
  readonly target: TargetFlags;
  readonly account: string | undefined;
  /** `--no-interactive`: never sign in, even when kubectl allows it. */
  readonly neverInteractive: boolean;
}

const help = `devicelogin kubectl-credential — kubectl exec credential plugin

Usage: devicelogin kubectl-credential [--profile P | --authority URL --client-id ID] [--scopes …]

Writes a client.authentication.k8s.io/v1 ExecCredential (the access token and its expiry) on
stdout, as kubelogin does. When a sign-in is needed and kubectl allows interaction
(KUBERNETES_EXEC_INFO spec.interactive, or stderr is a terminal when kubectl does not say), the
device code is shown on stderr; otherwise it exits 4 with the login command on stderr.

${TARGET_HELP}

Options:
      --account A         the account when several are signed in
      --no-interactive    never sign in here; exit 4 instead

kubeconfig (~/.kube/config):
  users:
  - name: devicelogin
    user:
      exec:
        apiVersion: client.authentication.k8s.io/v1
        command: devicelogin
        args: [kubectl-credential, --profile, aks]
        interactiveMode: IfAvailable

Examples:
  kubectl get pods            (kubectl runs the plugin)
  devicelogin kubectl-credential --profile aks | jq .status.expirationTimestamp

Exit codes: 0 credential written, 1 the server refused or answered unexpectedly, 2 usage, 3 declined
or expired, 4 sign-in needed, 5 network, 6 token storage, 130 Ctrl+C.`;

/** `devicelogin kubectl-credential`. */
export const kubectlCredentialCommand: Command<KubectlCredentialOptions> = {
  help,
  parse(args) {
    const { values, positionals } = parseCommandLine('kubectl-credential', args, {
      ...TARGET_OPTIONS,
      account: { type: 'string' },
      'no-interactive': { type: 'boolean', default: false },
    });
    expectPositionals('kubectl-credential', positionals, 0);
    return { target: targetFlagsOf(values), account: values.account, neverInteractive: values['no-interactive'] };
  },
  async run(options, context) {
    const info = parseExecInfo(context.env['KUBERNETES_EXEC_INFO']);
    const interactive = !options.neverInteractive && (info.interactive ?? context.io.stderrIsTTY);
    const session = await openSession(context, options.target, { write: interactive });
    const result = await acquireToken(context, session, {
      account: options.account,
      interactive,
      display: { json: false, qr: true },
    });
    requireBearer(result, 'kubectl', session);
    const credential = execCredential(info.apiVersion, interactive, result.accessToken, result.expiresOn);
    context.io.stdout.write(`${JSON.stringify(credential)}\n`);
    return EXIT.ok;
  },
};
