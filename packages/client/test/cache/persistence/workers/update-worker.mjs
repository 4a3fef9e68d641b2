// Child process of the persistence tests: `chains` concurrent chains of `update` calls, `count`
// in all, each adding the account `<id>-<n>` and incrementing a shared counter section.
// argv[2]: JSON { path, id, count, chains, keyBase64?, waitForGo? }. With waitForGo it prints
// "ready" and starts when a line arrives on stdin. Prints one JSON line { done, warnings, writes } at the end
// (writes: how many locked read-modify-write cycles it made).
import { Buffer } from 'node:buffer';
import { once } from 'node:events';
import process from 'node:process';
import { URL } from 'node:url';

const dist = new URL('../../../../dist/cache/', import.meta.url);
const { createFilePersistence } = await import(new URL('file-persistence.js', dist).href);
const { staticKeyProvider } = await import(new URL('key-provider.js', dist).href);

const config = JSON.parse(process.argv[2]);
const warnings = [];
let writes = 0;
const persistence = createFilePersistence({
  path: config.path,
  encryption:
    config.keyBase64 === undefined
      ? 'plaintext'
      : { keyProvider: staticKeyProvider(Buffer.from(config.keyBase64, 'base64')) },
  onWarning: (warning) => warnings.push(warning.code),
  logger: (_level, message) => {
    if (message.startsWith('Token cache written')) writes += 1;
  },
});

if (config.waitForGo) {
  process.stdout.write('ready\n');
  await once(process.stdin, 'data');
}

let next = 0;
async function chain() {
  while (next < config.count) {
    const key = `${config.id}-${next++}`;
    await persistence.update((cache) => {
      cache.Account[key] = {
        home_account_id: key,
        environment: 'login.example.test',
        realm: 'tenant',
        local_account_id: key,
        username: `${key}@example.test`,
        authority_type: 'MSSTS',
      };
      const counter = cache.Counter ?? { total: 0 };
      counter.total += 1;
      cache.Counter = counter;
      return cache;
    });
  }
}

await Promise.all(Array.from({ length: config.chains }, chain));
process.stdout.write(`${JSON.stringify({ done: true, warnings, writes })}\n`);
