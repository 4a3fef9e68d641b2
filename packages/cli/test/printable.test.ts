import * as client from '@devicelogin/client';
import { toOAuthError } from '@devicelogin/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportFailure } from '../src/boundary.js';
import { printable } from '../src/render/printable.js';
import { cliHome, testContext, type CliHome } from './support/cli-env.js';

// What a server says reaches the terminal without its control characters: an error answer with
// an escape sequence (here one that would set the terminal's title and clear the screen) is
// printed with `?` in their place.

let home: CliHome;
beforeAll(async () => {
  home = await cliHome();
});
afterAll(() => home.remove());

const HOSTILE = 'bad\u001b]0;pwned\u0007\u001b[2J\r\u009bX';

describe('printable', () => {
  it('replaces control characters but keeps line feeds and tabs', () => {
    expect(printable(HOSTILE)).toBe('bad?]0;pwned??[2J??X');
    expect(printable('a\tb\nc')).toBe('a\tb\nc');
  });

  it("the error boundary prints a server's error without them, on a terminal too", () => {
    const response = toOAuthError({ error: HOSTILE, error_description: `described ${HOSTILE}` }, 400, null);
    const test = testContext(home, { tty: true });
    reportFailure(
      new client.ServerError(`The server answered ${HOSTILE}.`, { status: 400, response }),
      test.context,
      true,
    );
    const err = test.io.stderrText();
    expect(err).toContain('bad?]0;pwned');
    // The only escape sequences left are the boundary's own colours (SGR: ESC [ … m).
    // eslint-disable-next-line no-control-regex -- control characters are what is looked for
    expect(err.replace(/\u001b\[[0-9;]*m/g, '')).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });
});
