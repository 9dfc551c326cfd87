#!/usr/bin/env node
// Bundles the `stepstone` command (the CLI and, behind `serve`, the server) into
// dist/stepstone.cjs with esbuild: one CommonJS file, packages left in node_modules. Loading it
// costs about half the CPU of running the TypeScript sources through tsx's loader hooks, and a
// server starts that much sooner (npm start, every test that starts one).
//
// bin/stepstone.mjs calls `ensureRuntimeBundle()` and rebuilds when any source is newer than the
// bundle, so an edited checkout never runs stale code; `npm ci` builds it (postinstall).
// `node scripts/build-runtime.mjs` builds it by hand.
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const RUNTIME_BUNDLE = join(root, 'dist', 'stepstone.cjs');
/** Everything the bundle is made of: a change to any of these makes it stale. */
const SOURCE_DIRS = ['apps/cli/src', 'apps/server/src', 'libs'].map((dir) => join(root, dir));
const SOURCE_FILES = ['tsconfig.json', 'package-lock.json', 'scripts/build-runtime.mjs'].map((file) => join(root, file));

function newestSourceTime() {
  let newest = 0;
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) if (existsSync(dir)) visit(dir);
  for (const file of SOURCE_FILES) if (existsSync(file)) newest = Math.max(newest, statSync(file).mtimeMs);
  return newest;
}

/** True when the bundle exists and no source is newer. */
export function runtimeBundleIsFresh() {
  return existsSync(RUNTIME_BUNDLE) && statSync(RUNTIME_BUNDLE).mtimeMs >= newestSourceTime();
}

/** Builds the bundle (in a folder of its own, then renamed: processes building at once never see half a file). */
export async function buildRuntimeBundle() {
  const esbuild = await import('esbuild');
  const buildDir = join(root, 'dist', `.build-${process.pid}`);
  const temporary = join(buildDir, 'stepstone.cjs');
  await esbuild.build({
    entryPoints: [join(root, 'apps/cli/src/main.ts')],
    outfile: temporary,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Packages stay in node_modules (native modules, optional ones, the AWS SDK clients loaded by name).
    packages: 'external',
    tsconfig: join(root, 'tsconfig.json'),
    // Class and function names are part of behaviour (Nest's injection tokens, error names).
    keepNames: true,
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  renameSync(`${temporary}.map`, `${RUNTIME_BUNDLE}.map`);
  renameSync(temporary, RUNTIME_BUNDLE);
  rmSync(buildDir, { recursive: true, force: true });
}

/** Builds the bundle unless it is fresh. Returns false (the caller runs the sources) when esbuild is missing. */
export async function ensureRuntimeBundle() {
  if (runtimeBundleIsFresh()) return true;
  try {
    await buildRuntimeBundle();
    return true;
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND') return false;
    throw error;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (!existsSync(join(root, 'apps/cli/src/main.ts'))) {
    // e.g. a Docker layer that installs from package.json alone, before the sources are copied.
    console.log('build-runtime: no sources here; skipped');
  } else {
    await buildRuntimeBundle();
    console.log(`build-runtime: built ${RUNTIME_BUNDLE}`);
  }
}
