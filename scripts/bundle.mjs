// Bundles @devicelogin/client (with @devicelogin/protocol inlined) into one ESM file.
// Why: Node's ESM loader costs ~0.5 ms per module; the client is ~40 small modules, so one file
// cuts its import cost several-fold (bench/startup, docs/architecture.md). tsc still emits the
// per-file output and the .d.ts the package's types point to. jose, undici and @napi-rs/keyring
// stay external: they are loaded lazily, only when needed.
//
// Then the CLI: its two bins, each one minified CommonJS file with the client inlined (qrcode
// stays external and lazy). Measured with bench/dist/cli-startup.bench.js on a cache hit: one
// module instead of ~40; CommonJS skips the ESM loader and the builtins' ESM facades (~7 ms of CPU);
// minified, the file parses faster (see the README's performance section).
//
// Outputs are written only when they changed, each through a temporary file renamed over the old
// one: a build (`npm start` runs one) never truncates a bundle another process is loading, and an
// unchanged bundle keeps its mtime (the launcher's code cache is keyed on it).
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';

// Paths (entry points, outputs, the source paths esbuild writes into comments and maps) are taken
// from the repository, whatever the working directory: the same sources give the same bytes.
const root = fileURLToPath(new URL('..', import.meta.url));

/** What every bundle shares: one file for Node 20 with its imports inlined. */
const common = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning' };
/** The CLI's CommonJS files (`.cjs`), next to each other. */
const cliFiles = { ...common, format: 'cjs', outdir: 'packages/cli/dist/bundle', outExtension: { '.js': '.cjs' } };

/** esbuild's build, its files written by {@link writeChanged} instead of by esbuild. */
async function build(options, mode = 0o644) {
  const result = await esbuild({ ...options, absWorkingDir: root, write: false });
  for (const file of result.outputFiles) await writeChanged(file.path, file.contents, mode);
}

/** Writes `contents` to `path` unless it already holds them: a new file, renamed into place. */
async function writeChanged(path, contents, mode) {
  const existing = await readFile(path).catch(() => undefined);
  if (existing !== undefined && Buffer.compare(existing, contents) === 0) return;
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await rm(temporary, { force: true }); // a leftover of a killed build
  // `wx`: created here, never through a file or link already there; the mode set whatever the umask.
  await writeFile(temporary, contents, { flag: 'wx' });
  await chmod(temporary, mode);
  await rename(temporary, path);
}

const external = ['jose', 'undici', '@napi-rs/keyring'];

await build({
  entryPoints: ['packages/client/dist/index.js'],
  outfile: 'packages/client/dist/bundle/index.js',
  ...common,
  format: 'esm',
  sourcemap: true,
  external,
});

const cliBins = {
  'devicelogin-main': 'packages/cli/dist/bin.js',
  'git-credential-devicelogin-main': 'packages/cli/dist/git-credential-bin.js',
};
await build({
  entryPoints: cliBins,
  ...cliFiles,
  // One file per bin, no code splitting: measured, splitting the commands into lazy chunks cost
  // more CPU (≈ +30 ms user time for `devicelogin token`) than compiling the unused ones saved.
  // Commands are still evaluated lazily (esbuild keeps the dynamic imports as lazy inits).
  sourcemap: true,
  external: [...external, 'qrcode'],
  minify: true,
  // CommonJS has no import.meta: the two createRequire(import.meta.url) calls get this file's path
  // (createRequire takes a path as well as a URL; node:url would cost ~1.5 ms to load).
  define: { 'import.meta.url': '__filename' },
  // No `import()` left in the bundle: the lazy externals (jose, undici, qrcode, the keyring) are
  // `require`d inside a promise instead (Node ≥ 20.19 requires ES modules such as jose). The
  // launcher runs the bundle from V8's code cache, and on Node 20 a function restored from a
  // vm.Script code cache loses the script's dynamic-import callback: `import()` there throws
  // ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING (the silent refresh of a second run did).
  supported: { 'dynamic-import': false },
});

// The bins themselves: tiny launchers that run those bundles with V8's code cache
// (packages/cli/src/launcher/compile-cache.ts; ~8 ms less per run, bench/cli-startup).
const launchers = {
  devicelogin: 'packages/cli/dist/launcher/devicelogin.js',
  'git-credential-devicelogin': 'packages/cli/dist/launcher/git-credential-devicelogin.js',
};
await build(
  {
    entryPoints: launchers,
    ...cliFiles,
    define: { 'import.meta.dirname': '__dirname' },
  },
  0o755,
);
