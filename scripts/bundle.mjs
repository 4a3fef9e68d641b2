// Bundles @devicelogin/client (with @devicelogin/protocol inlined) into one ESM file.
// Why: Node's ESM loader costs ~0.5 ms per module; the client is ~40 small modules, so one file
// cuts its import cost several-fold (bench/startup, docs/architecture.md). tsc still emits the
// per-file output and the .d.ts the package's types point to. jose, undici and @napi-rs/keyring
// stay external: they are loaded lazily, only when needed.
import { build } from 'esbuild';

await build({
  entryPoints: ['packages/client/dist/index.js'],
  outfile: 'packages/client/dist/bundle/index.js',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  external: ['jose', 'undici', '@napi-rs/keyring'],
  logLevel: 'warning',
});
