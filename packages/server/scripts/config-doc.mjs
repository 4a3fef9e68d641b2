// Writes docs/configuration.md from the built server package (renderConfigurationDoc in
// src/config/doc.ts: the field table and DEFAULTS). Run through `npm run docs:config`, which
// builds first; test/config/doc.test.ts fails while the file differs from the generated text.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderConfigurationDoc } from '../dist/config/doc.js';

const target = fileURLToPath(new URL('../../../docs/configuration.md', import.meta.url));
await writeFile(target, renderConfigurationDoc());
console.error(`wrote ${target}`);
