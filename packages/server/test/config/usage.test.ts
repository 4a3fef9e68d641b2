import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFIG_FIELDS, CONFIG_FIELD_NAMES, envName, fieldSources, flagName } from '../../src/config/fields.js';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

describe('devicelogin-server --help', () => {
  it('prints the usage on stdout and exits 0, listing every flag with its variable, and no secret field', () => {
    const run = spawnSync(process.execPath, [MAIN, '--help'], { encoding: 'utf8', env: { PATH: process.env['PATH'] } });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^Usage: /);
    for (const field of CONFIG_FIELD_NAMES) {
      const flag = new RegExp(`--${flagName(field)} VALUE +${envName(field)}\\n`);
      if (fieldSources(CONFIG_FIELDS[field]) === 'all') expect(run.stdout).toMatch(flag);
      else expect(run.stdout).not.toMatch(flag);
    }
    expect(run.stdout).toContain('docs/configuration.md');
  });
});
