/**
 * Starts a bundled bin with V8's code cache, so a CLI that runs for 30 ms does not spend 6 of
 * them compiling its own 110 KB bundle every time (bench/cli-startup; Node 20 has no
 * `module.enableCompileCache`, which does the same from Node 22).
 *
 * The first run compiles as usual and, when it exits, saves V8's cached data (functions compiled
 * during the run included) under the user's cache directory; later runs hand it to V8, which
 * checks it against the source, V8 version and flags and silently recompiles when it does not
 * match. The file name carries the Node version, architecture and the bundle's size and mtime, so
 * a rebuilt or upgraded CLI never even tries a stale one. A cache that cannot be read or written
 * costs nothing but the saving: it is an optimisation only. `DEVICELOGIN_NO_COMPILE_CACHE=1`
 * turns it off.
 *
 * Bundled as CommonJS by scripts/bundle.mjs: this runs before anything else and must stay tiny
 * (no ESM loader).
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script, constants } from 'node:vm';

/** Where cached data lives: `$XDG_CACHE_HOME/devicelogin/v8` or `~/.cache/devicelogin/v8`. */
export function compileCacheDir(env: NodeJS.ProcessEnv): string {
  const base =
    env['XDG_CACHE_HOME'] !== undefined && env['XDG_CACHE_HOME'] !== ''
      ? env['XDG_CACHE_HOME']
      : join(homedir(), '.cache');
  return join(base, 'devicelogin', 'v8');
}

/** The cache file of one build of one bundle on this Node version. */
export function compileCacheFile(dir: string, bundle: string, size: number, mtimeMs: number): string {
  const name = bundle.split(/[\\/]/).pop() ?? 'bundle';
  return join(dir, `${name}-${process.version}-${process.arch}-${size}-${Math.trunc(mtimeMs)}.v8`);
}

function readOptional(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes the cache atomically (temporary file, then rename); any failure only loses the saving. */
function save(file: string, data: Buffer): void {
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, data, { mode: 0o600 });
    renameSync(temporary, file);
  } catch {
    // An optimisation only: a read-only or full disk must not break the command.
  }
}

/** Runs the CommonJS bundle at `bundle` as the main program, with V8's code cache when allowed. */
export function launch(bundle: string, env: NodeJS.ProcessEnv = process.env): void {
  const disabled = env['DEVICELOGIN_NO_COMPILE_CACHE'] === '1';
  const source = readFileSync(bundle, 'utf8').replace(/^#!.*/, '');
  const stats = statSync(bundle);
  const file = compileCacheFile(compileCacheDir(env), bundle, stats.size, stats.mtimeMs);
  const cachedData = disabled ? undefined : readOptional(file);
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    // Resolves any `import()` as in a main module. The bundles have none (scripts/bundle.mjs):
    // on Node 20, functions restored from `cachedData` lose this callback.
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    ...(cachedData === undefined ? {} : { cachedData }),
  });
  if (!disabled && (cachedData === undefined || script.cachedDataRejected === true)) {
    // At exit, so the functions the run compiled are in the cache too.
    process.once('beforeExit', () => save(file, script.createCachedData()));
  }
  const wrapper = script.runInThisContext() as (
    exports: object,
    require: NodeJS.Require,
    module: { exports: object },
    filename: string,
    dirname: string,
  ) => void;
  const bundleModule = { exports: {} };
  wrapper.call(
    bundleModule.exports,
    bundleModule.exports,
    createRequire(bundle),
    bundleModule,
    bundle,
    dirname(bundle),
  );
}
