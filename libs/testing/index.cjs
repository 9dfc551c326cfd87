// `stepstone/testing` for plain JavaScript (node:test, Jest, Vitest): the TypeScript source loaded
// through tsx with the repository's tsconfig. Node's own require is used, not the caller's, so a
// test runner's module sandbox does not try to transform the sources: Jest replaces `module` in
// its sandbox, so the real one is taken from process.getBuiltinModule where Node has it (>= 20.16).
const { createRequire } = typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule('node:module') : require('node:module');
const path = require('node:path');

process.env.TSX_TSCONFIG_PATH ??= path.join(__dirname, '../../tsconfig.json');
const nodeRequire = createRequire(__filename);
nodeRequire('tsx/cjs/api').register();
module.exports = nodeRequire('./src/index.ts');
