/**
 * docs/configuration.md is generated (`npm run docs:config`): it must equal what
 * renderConfigurationDoc() produces from the field table and DEFAULTS, and Prettier must leave it
 * as it is (so `npm run lint` and this test agree).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/config/defaults.js';
import { CONFIGURATION_EXAMPLE, renderConfigurationDoc } from '../../src/config/doc.js';
import { CONFIG_FIELD_NAMES, envName } from '../../src/config/fields.js';
import { checkConfigFile } from '../../src/config/check-file.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const DOC = join(ROOT, 'docs', 'configuration.md');

describe('docs/configuration.md', () => {
  const generated = renderConfigurationDoc();

  it('is the generated text (run `npm run docs:config` after changing fields.ts or DEFAULTS)', () => {
    expect(readFileSync(DOC, 'utf8')).toBe(generated);
  });

  it('is left unchanged by Prettier', async () => {
    const options = await prettier.resolveConfig(DOC);
    expect(await prettier.format(generated, { ...options, filepath: DOC })).toBe(generated);
  });

  it('documents every field with its default and variable', () => {
    for (const field of CONFIG_FIELD_NAMES) expect(generated).toContain(`| \`${field}\``);
    expect(generated).toContain(`\`${JSON.stringify(DEFAULTS.refreshTokenTtlSeconds)}\``);
    expect(generated).toContain(`\`${envName('sqlitePath')}\``);
    expect(generated).toContain('`--sqlite-path <value>`');
    expect(generated).not.toContain('`--cookie-secret <value>`');
  });

  it('shows an example the loader accepts', () => {
    expect(() => checkConfigFile(JSON.parse(JSON.stringify(CONFIGURATION_EXAMPLE)), 'example')).not.toThrow();
  });
});
