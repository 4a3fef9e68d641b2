import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./msal-device-code.child.mjs', import.meta.url));

/** One line the child printed (see msal-device-code.child.mjs). */
export interface ChildMessage {
  readonly userCode?: string;
  readonly account?: { readonly username?: string; readonly homeAccountId?: string; readonly environment?: string };
  readonly scopes?: readonly string[];
  /**
   * `causes`: msal-node's verbose log lines on the failed metadata request; `tlsError`: the error
   * code global fetch meets on the same server.
   */
  readonly error?: {
    readonly name?: string;
    readonly errorCode?: string;
    readonly causes?: readonly string[];
    readonly tlsError?: string;
  };
}

/** How the child ended. */
export interface ChildRun {
  readonly exitCode: number | null;
  readonly messages: readonly ChildMessage[];
  readonly stderr: string;
}

/** What the child needs. */
export interface MsalChildOptions {
  /** e.g. `https://127.0.0.1:<port>/contoso`. */
  readonly authority: string;
  readonly clientId: string;
  readonly scope: string;
  /** A temporary directory for the approval flag. */
  readonly dir: string;
  /** `NODE_EXTRA_CA_CERTS` for the child; omitted when undefined. */
  readonly extraCaCerts: string | undefined;
  /** Called with the user code while the child waits; the child polls once it resolves. */
  readonly onUserCode: (userCode: string) => Promise<void>;
}

/**
 * Runs msal-node's device code sign-in in a child process (a fresh Node, so NODE_EXTRA_CA_CERTS
 * applies). Its environment holds only PATH and NODE_EXTRA_CA_CERTS: no proxy variable nor a
 * NODE_EXTRA_CA_CERTS of the test runner's own leaks in.
 */
export async function runMsalChild(options: MsalChildOptions): Promise<ChildRun> {
  const flag = join(options.dir, 'approved');
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '' };
  if (options.extraCaCerts !== undefined) env['NODE_EXTRA_CA_CERTS'] = options.extraCaCerts;
  const host = new URL(options.authority).host;
  const child = spawn(process.execPath, [CHILD, options.authority, host, options.clientId, options.scope, flag], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  const messages: ChildMessage[] = [];
  try {
    for await (const line of createInterface({ input: child.stdout })) {
      const message = JSON.parse(line) as ChildMessage;
      messages.push(message);
      if (message.userCode !== undefined) {
        await options.onUserCode(message.userCode);
        await writeFile(flag, 'approved\n');
      }
    }
  } catch (error) {
    child.kill(); // it would otherwise wait 15 s for an approval that is not coming
    await exited.catch(() => undefined);
    throw error;
  }
  return { exitCode: await exited, messages, stderr };
}
