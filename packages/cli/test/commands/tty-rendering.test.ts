/**
 * The same run on a terminal and off it (the test IO's `tty`), both renderings asserted: styles
 * (bold, colour, dim) only on a terminal and never with NO_COLOR or TERM=dumb, the same text
 * once the styles are removed; the credential helpers sign in only when stderr is a terminal;
 * and the error boundary (boundary.ts) rendering what a run threw. Runs are direct
 * (`run(options, context)`), against the real server (signed-in-fixture.ts).
 */
import { describe, expect, it } from 'vitest';
/* eslint-disable no-control-regex -- the tests look for ANSI escape sequences */
import { fakeClock } from '@devicelogin/test-utils';
import { accountsCommand } from '../../src/commands/accounts/accounts.js';
import { gitCredentialCommand, type GitCredentialOptions } from '../../src/commands/git/git-credential.js';
import { kubectlCredentialCommand } from '../../src/commands/kubectl/kubectl-credential.js';
import { statusCommand } from '../../src/commands/status/status.js';
import { tokenCommand, type TokenOptions } from '../../src/commands/token/token.js';
import { reportFailure } from '../../src/boundary.js';
import type { CliContext } from '../../src/context.js';
import { EXIT } from '../../src/exit-codes.js';
import { main } from '../../src/main.js';
import { testContext, type TestContext, type TestContextOptions } from '../support/cli-env.js';
import { restoreCache, targetArgs, USER, USER_CODE } from '../support/cli-server.js';
import {
  ANSI_STYLE,
  loginCommandFor,
  rejectionOf,
  sgr,
  targetFlags,
  withoutStyles,
} from '../support/command-options.js';
import { useSignedInFixture } from '../support/signed-in-fixture.js';

const fixture = useSignedInFixture();

const context = (options: TestContextOptions = {}) => testContext(fixture.home, options);
const signedIn = () => restoreCache(fixture.home, fixture.cache);
/** The bold user code on a terminal, followed by a blank line (sign-in.ts). */
const TTY_USER_CODE = /\n\n {4}\u001b\[1m(\S+)\u001b\[22m\n\n/;

/** A context whose clock reads two hours from now: the cached access token has expired. */
function later(test: TestContext): CliContext {
  return { ...test.context, clock: fakeClock(Date.now() + 2 * 3600_000) };
}

describe('status on a terminal and off it', () => {
  it('bold account and yellow "expired" on a terminal; otherwise the same text without styles', async () => {
    await signedIn();
    const render = async (options: TestContextOptions) => {
      const test = context(options);
      expect(await statusCommand.run({ json: false }, later(test))).toBe(EXIT.ok);
      expect(test.io.stderrText()).toBe('');
      return test.io.stdoutText();
    };
    const plain = await render({});
    expect(plain).not.toMatch(ANSI_STYLE);
    expect(plain).toMatch(new RegExp(`\n  ${USER.username} \\(`));
    expect(plain).toMatch(/ — expired\n/);

    const terminal = await render({ tty: true });
    expect(terminal).toContain(`\n  ${sgr.bold(USER.username)} (`);
    expect(terminal).toContain(` — ${sgr.yellow('expired')}\n`);
    expect(withoutStyles(terminal)).toBe(plain);
    // no-color.org: set and not empty. An empty NO_COLOR does not turn colour off.
    expect(await render({ tty: true, env: { NO_COLOR: '1' } })).toBe(plain);
    expect(await render({ tty: true, env: { TERM: 'dumb' } })).toBe(plain);
    expect(await render({ tty: true, env: { NO_COLOR: '' } })).toBe(terminal);
  });
});

describe('accounts on a terminal and off it', () => {
  it('the same aligned table on stdout either way, never styled (data, for scripts)', async () => {
    await signedIn();
    const outputs: string[] = [];
    for (const tty of [false, true]) {
      const test = context({ tty });
      expect(await accountsCommand.run({ json: false }, test.context)).toBe(EXIT.ok);
      outputs.push(test.io.stdoutText());
      expect(test.io.stderrText()).toBe('');
    }
    expect(outputs[0]).toMatch(
      new RegExp(`^USERNAME +TENANT +HOST +HOME ACCOUNT ID\n${USER.username} +\\S+ +\\S+ +\\S+\n$`),
    );
    expect(outputs[1]).toBe(outputs[0]);
  });

  it('none signed in: the same note on stderr either way', async () => {
    const notes: string[] = [];
    for (const tty of [false, true]) {
      const test = context({ tty });
      expect(await accountsCommand.run({ json: false }, test.context)).toBe(EXIT.ok);
      notes.push(test.io.stderrText());
    }
    expect(notes).toStrictEqual([
      'No accounts are signed in. Sign in with: devicelogin login\n',
      'No accounts are signed in. Sign in with: devicelogin login\n',
    ]);
  });
});

describe('the error boundary on a terminal and off it', () => {
  const tokenOptions = (): TokenOptions => ({
    target: targetFlags(fixture.server),
    account: undefined,
    json: false,
    interactive: false,
    forceRefresh: false,
  });

  /** What `token` (not signed in) threw, rendered by the boundary in `options`' terminal. */
  async function rendered(options: TestContextOptions, debug = false) {
    const test = context(options);
    const error = await rejectionOf(tokenCommand.run(tokenOptions(), test.context));
    const exit = reportFailure(error, test.context, debug);
    return { exit, err: test.io.stderrText(), out: test.io.stdoutText() };
  }

  it('a red "error:" on a terminal; plain off it and with NO_COLOR; the hint on its own line', async () => {
    const message = `Not signed in to ${fixture.server.url}/contoso.`;
    const hint = `Sign in with: ${loginCommandFor(fixture.server)}`;
    expect(await rendered({ tty: true })).toStrictEqual({
      exit: EXIT.interactionRequired,
      err: `${sgr.red('error:')} ${message}\n${hint}\n`,
      out: '',
    });
    expect(await rendered({})).toStrictEqual({
      exit: EXIT.interactionRequired,
      err: `error: ${message}\n${hint}\n`,
      out: '',
    });
    expect((await rendered({ tty: true, env: { NO_COLOR: '1' } })).err).toBe(`error: ${message}\n${hint}\n`);
  });

  it('main on a terminal renders exactly that: parse, run and the boundary', async () => {
    const direct = await rendered({ tty: true });
    const test = context({ tty: true });
    expect(await main(['token', ...targetArgs(fixture.server)], test.context)).toBe(direct.exit);
    expect(test.io.stderrText()).toBe(direct.err);
  });

  it('--debug: the stack after the hint, dim on a terminal, plain off it', async () => {
    const terminal = await rendered({ tty: true }, true);
    const [, stack] = /\n(\u001b\[2mSignInNeededError: [^]*)$/.exec(terminal.err) ?? [];
    expect(stack).toMatch(/\n\s+at /);
    expect(stack?.endsWith('\u001b[22m\n')).toBe(true);
    const plain = await rendered({}, true);
    expect(plain.err).toMatch(/\nSign in with: .*\nSignInNeededError: Not signed in [^]*\n\s+at /);
    expect(plain.err).not.toMatch(ANSI_STYLE);
  });

  it('Ctrl+C: "Cancelled." on its own line, unstyled either way, exit 130', async () => {
    for (const tty of [true, false]) {
      const test = context({ tty });
      test.interrupt();
      const error = await rejectionOf(tokenCommand.run(tokenOptions(), test.context));
      expect(reportFailure(error, test.context, false)).toBe(EXIT.cancelled);
      expect(test.io.stderrText()).toBe('\nCancelled.\n');
    }
  });
});

describe('a sign-in on a terminal and off it (token, interactive)', () => {
  const interactive = (): TokenOptions => ({
    target: targetFlags(fixture.server),
    account: undefined,
    json: false,
    interactive: true,
    forceRefresh: false,
  });

  it('terminal: bold URL and code, a QR code, a dim countdown, green "Signed in as"; stdout the same', async () => {
    const test = context({ tty: true });
    const exit = tokenCommand.run(interactive(), test.context);
    const [, code] = await test.io.waitForStderr(TTY_USER_CODE);
    await test.io.waitForStderr(/\u001b\[2mWaiting for you to sign in… code expires in 1[45]:\d\d\u001b\[22m/);
    await fixture.server.signInAndApprove(code!);
    expect(await exit).toBe(EXIT.ok);
    const err = test.io.stderrText();
    expect(err).toContain(
      `To sign in, open ${sgr.bold(`${fixture.server.url}/device`)} in a browser and enter the code:\n`,
    );
    expect(err).toMatch(/[▀▄█]/);
    expect(err).toContain(`Or scan this code with a phone; it opens ${fixture.server.url}/device?user_code=${code}\n`);
    expect(err).toContain('\r\u001b[2K'); // the countdown line is erased when the sign-in ends
    expect(err).toContain(`${sgr.green('Signed in as')} ${sgr.bold(USER.username)} (contoso)\n`);
    expect(test.io.stdoutText()).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+\n$/);
  });

  it('off a terminal: plain lines only, no QR, one countdown line; stdout the same', async () => {
    const test = context();
    const exit = tokenCommand.run(interactive(), test.context);
    const [, code] = await test.io.waitForStderr(USER_CODE);
    await fixture.server.signInAndApprove(code!);
    expect(await exit).toBe(EXIT.ok);
    const err = test.io.stderrText();
    expect(err).not.toMatch(ANSI_STYLE);
    expect(err).not.toMatch(/[▀▄█\r]/);
    expect(err).toContain(
      `To sign in, open ${fixture.server.url}/device in a browser and enter the code ${code}\n` +
        `(or open ${fixture.server.url}/device?user_code=${code})\n` +
        'Waiting for the sign-in; the code expires in ',
    );
    expect(err.match(/Waiting for the sign-in/g)).toHaveLength(1);
    expect(err).toContain(`Signed in as ${USER.username} (contoso)\n`);
    expect(test.io.stdoutText()).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+\n$/);
  });
});

describe('credential helpers: a sign-in only when stderr is a terminal', () => {
  it('kubectl-credential (kubectl does not say): terminal → device code, then the credential; else exit 4', async () => {
    const options = { target: targetFlags(fixture.server), account: undefined, neverInteractive: false };
    const off = context();
    const error = await rejectionOf(kubectlCredentialCommand.run(options, off.context));
    expect(error).toMatchObject({ name: 'SignInNeededError', exitCode: EXIT.interactionRequired });
    expect(off.io.stdoutText() + off.io.stderrText()).toBe('');

    const on = context({ tty: true });
    const exit = kubectlCredentialCommand.run(options, on.context);
    const [, code] = await on.io.waitForStderr(TTY_USER_CODE);
    await fixture.server.signInAndApprove(code!);
    expect(await exit).toBe(EXIT.ok);
    expect(JSON.parse(on.io.stdoutText())).toMatchObject({ kind: 'ExecCredential', spec: { interactive: true } });
  });

  it('git-credential get: terminal → device code, then the answer; neverInteractive → exit 4 silently', async () => {
    const options = (neverInteractive: boolean): GitCredentialOptions => ({
      action: 'get',
      target: targetFlags(fixture.server),
      account: undefined,
      username: undefined,
      neverInteractive,
    });
    const stdin = 'protocol=https\nhost=git.example\n\n';
    const never = context({ tty: true, stdin });
    const error = await rejectionOf(gitCredentialCommand.run(options(true), never.context));
    expect(error).toMatchObject({ name: 'SignInNeededError', exitCode: EXIT.interactionRequired });
    expect(never.io.stdoutText() + never.io.stderrText()).toBe('');

    const on = context({ tty: true, stdin });
    const exit = gitCredentialCommand.run(options(false), on.context);
    const [, code] = await on.io.waitForStderr(TTY_USER_CODE);
    await fixture.server.signInAndApprove(code!);
    expect(await exit).toBe(EXIT.ok);
    expect(on.io.stdoutText()).toMatch(
      new RegExp(`^username=${USER.username}\npassword=ey[\\w.-]+\npassword_expiry_utc=\\d+\n$`),
    );
  });
});
