// Child process of the crash test: rewrites the whole cache forever, one generation after the
// other, and prints each generation number once its update has resolved. The test kills it
// with SIGKILL at a random point. Generation g holds `entries` accounts `a<k>`, each with
// generation g and a filler of exactly `filler` characters, and Meta { generation: g }.
// argv[2]: JSON { path, entries, filler, keyBase64? }. Warnings go to stderr. It prints "ready"
// once loaded and starts writing when a line arrives on stdin.
import { Buffer } from 'node:buffer';
import { once } from 'node:events';
import process from 'node:process';
import { URL } from 'node:url';

const dist = new URL('../../../../dist/cache/', import.meta.url);
const { createFilePersistence } = await import(new URL('file-persistence.js', dist).href);
const { staticKeyProvider } = await import(new URL('key-provider.js', dist).href);

const config = JSON.parse(process.argv[2]);
const persistence = createFilePersistence({
  path: config.path,
  encryption:
    config.keyBase64 === undefined
      ? 'plaintext'
      : { keyProvider: staticKeyProvider(Buffer.from(config.keyBase64, 'base64')) },
  onWarning: (warning) => process.stderr.write(`warning ${warning.code}\n`),
});

function generation(g) {
  const accounts = {};
  for (let k = 0; k < config.entries; k += 1) {
    accounts[`a${k}`] = {
      home_account_id: `a${k}`,
      environment: 'login.example.test',
      realm: 'tenant',
      local_account_id: `a${k}`,
      username: `a${k}@example.test`,
      authority_type: 'MSSTS',
      generation: g,
      filler: `${g}:${k}:`.padEnd(config.filler, '.'),
    };
  }
  return {
    Account: accounts,
    IdToken: {},
    AccessToken: {},
    RefreshToken: {},
    AppMetadata: {},
    Meta: { generation: g },
  };
}

process.stdout.write('ready\n');
await once(process.stdin, 'data');
for (;;) {
  let written = 0;
  await persistence.update((cache) => {
    written = (cache.Meta?.generation ?? 0) + 1;
    return generation(written);
  });
  process.stdout.write(`${written}\n`);
}
