/**
 * docs/providers/ has one page per built-in provider profile, titled with the profile's display
 * name and quoting its flowNotEnabledHint (what to enable at the provider) verbatim.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROVIDER_PROFILES } from '@devicelogin/client';

const PROVIDERS = join(dirname(fileURLToPath(import.meta.url)), '..', 'providers');

describe('docs/providers/', () => {
  it('has a page for every profile, and only for those', () => {
    const pages = readdirSync(PROVIDERS)
      .filter((f) => f.endsWith('.md'))
      .map((f) => f.slice(0, -'.md'.length))
      .sort();
    expect(pages).toEqual(Object.keys(PROVIDER_PROFILES).sort());
  });

  it.each(Object.values(PROVIDER_PROFILES).map((p) => [p.name, p] as const))('%s', (name, profile) => {
    const page = readFileSync(join(PROVIDERS, `${name}.md`), 'utf8');
    expect(page.split('\n')[0]).toBe(`# ${profile.displayName} (\`${name}\`)`);
    expect(page).toContain(`> ${profile.flowNotEnabledHint}`);
  });
});
