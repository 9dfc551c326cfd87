#!/usr/bin/env node
// The package's `stepstone` command: the TypeScript CLI run through tsx (its CommonJS and ESM
// hooks, as `node --import tsx` installs them), with the repository's tsconfig and its
// @stepstone/* paths whatever the current folder is.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { register as registerCjs } from 'tsx/cjs/api';
import { register as registerEsm } from 'tsx/esm/api';

const tsconfig = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
process.env.TSX_TSCONFIG_PATH ??= tsconfig;
registerCjs();
registerEsm({ tsconfig });
createRequire(import.meta.url)('../apps/cli/src/main.ts');
