/**
 * The exit codes each `--help` lists, against `EXIT` (which a boundary test keeps in step with
 * docs/cli.md's table): the general help lists them all, each command those it can exit with.
 */
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/commands/registry.js';
import { EXIT } from '../src/exit-codes.js';
import { GENERAL_HELP } from '../src/help.js';
import { testContext, cliHome } from './support/cli-env.js';
import { main } from '../src/main.js';

/** The codes of a help's "Exit codes: 0 …, 2 …, …" paragraph (each item starts with its code). */
function listedCodes(help: string): number[] {
  const start = help.indexOf('Exit codes:');
  expect(start, 'an "Exit codes:" paragraph').toBeGreaterThan(-1);
  const paragraph = help.slice(start + 'Exit codes:'.length).split('\n\n')[0]!;
  // An item starts the paragraph or follows ", "; its code is followed by a space (not "4xx").
  return [...paragraph.matchAll(/(?:^|,)\s+(\d+) /g)].map((match) => Number(match[1])).sort((a, b) => a - b);
}

const ALL = [...new Set(Object.values(EXIT))].sort((a, b) => a - b);

/** What each command can exit with (docs/cli.md). */
const EXPECTED: Record<string, number[]> = {
  login: [0, 1, 2, 3, 5, 6, 130],
  token: [0, 1, 2, 3, 4, 5, 6, 130],
  api: [0, 1, 2, 3, 4, 5, 6, 7, 8, 130],
  accounts: [0, 1, 2, 6],
  logout: [0, 1, 2, 6, 9, 130],
  status: [0, 1, 2, 4, 6],
  config: [0, 1, 2],
  'kubectl-credential': [0, 1, 2, 3, 4, 5, 6, 130],
  'git-credential': [0, 1, 2, 3, 4, 5, 6, 130],
};

describe('exit codes in --help', () => {
  it('devicelogin --help lists every exit code, 9 included', () => {
    expect(listedCodes(GENERAL_HELP)).toEqual(ALL);
  });

  it("each command's --help lists the codes it can exit with, all of them EXIT values", async () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(COMMANDS).sort());
    for (const [name, entry] of Object.entries(COMMANDS)) {
      const codes = listedCodes((await entry.load()).help);
      expect(codes, name).toEqual(EXPECTED[name]);
      for (const code of codes) expect(ALL, `${name}: ${code}`).toContain(code);
    }
  });
});

describe('logout --help', () => {
  it('lists the app options without --scopes (accepted, said to be ignored); login lists --scopes', async () => {
    const home = await cliHome();
    try {
      const logout = testContext(home);
      expect(await main(['logout', '--help'], logout.context)).toBe(EXIT.ok);
      const help = logout.io.stdoutText();
      expect(help).toContain('      --client-id ID ');
      expect(help).not.toContain('      --scopes ');
      expect(help).toContain(
        '(--scopes is accepted, so that the same app options work with every command, and ignored.)',
      );
      const login = testContext(home);
      expect(await main(['login', '--help'], login.context)).toBe(EXIT.ok);
      expect(login.io.stdoutText()).toContain('      --scopes "A B"      scopes to request');
      expect(login.io.stdoutText()).toContain('"openid profile offline_access"');
    } finally {
      await home.remove();
    }
  });
});
