/**
 * Stepstone's side of the in-process part as it ships: bench/inprocess.ts bundled by esbuild
 * with the options of the runtime bundle (scripts/build-runtime.mjs, what `stepstone serve`
 * and the container run), not loaded module by module through tsx. The peer is measured as
 * its published bundle too. Under tsx every call into another module goes through the getter
 * of that module's CommonJS exports, a few percent of the Retry loop's profile each
 * (bench/README.md); `--sources` keeps the old way.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

type InProcess = typeof import('./inprocess');

const ROOT = path.join(__dirname, '..');
/** Inside the repository (dist/ is ignored by git), so the bundle's require of the peer finds node_modules. */
const OUT_DIR = path.join(ROOT, 'dist', 'bench');

export async function loadBundledInProcess(): Promise<InProcess> {
  const esbuild = await import('esbuild');
  mkdirSync(OUT_DIR, { recursive: true });
  // One file per process: two benches at once never load each other's half-written bundle.
  const outfile = path.join(OUT_DIR, `inprocess-${process.pid}.cjs`);
  await esbuild.build({
    entryPoints: [path.join(__dirname, 'inprocess.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    tsconfig: path.join(ROOT, 'tsconfig.json'),
    keepNames: true,
    logLevel: 'warning',
  });
  try {
    return createRequire(__filename)(outfile) as InProcess;
  } finally {
    rmSync(outfile, { force: true }); // loaded: the file is not needed any more
  }
}
