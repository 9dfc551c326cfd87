#!/usr/bin/env node
// The package's `stepstone` command. It runs the runtime bundle, dist/stepstone.cjs
// (scripts/build-runtime.mjs: the CLI and the server in one CommonJS file), rebuilt first when
// any source is newer, so an edited checkout never runs stale code. Where esbuild is missing, or
// with STEPSTONE_FROM_SOURCES=1, it runs the TypeScript sources through tsx instead (its CommonJS
// and ESM hooks, as `node --import tsx` installs them, with the repository's tsconfig and its
// @stepstone/* paths whatever the current folder is).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ensureRuntimeBundle, RUNTIME_BUNDLE } from '../scripts/build-runtime.mjs';

const require = createRequire(import.meta.url);
if (process.env.STEPSTONE_FROM_SOURCES !== '1' && (await ensureRuntimeBundle())) {
  require(RUNTIME_BUNDLE);
} else {
  const { register: registerCjs } = await import('tsx/cjs/api');
  const { register: registerEsm } = await import('tsx/esm/api');
  const tsconfig = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
  process.env.TSX_TSCONFIG_PATH ??= tsconfig;
  registerCjs();
  registerEsm({ tsconfig });
  require('../apps/cli/src/main.ts');
}
