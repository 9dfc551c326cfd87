#!/usr/bin/env node
// Builds the web console (apps/console) into apps/console/dist with Vite, unless the build is
// already up to date (a stamp holds a hash of the sources and the lock file). Run by `npm ci`
// (postinstall), so `npm ci && npm start` serves the console with no step of the user's.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const consoleDir = join(root, 'apps', 'console');
const dist = join(consoleDir, 'dist');
const stampFile = join(dist, '.build-stamp');

if (!existsSync(join(consoleDir, 'index.html'))) {
  // e.g. a Docker layer that installs from package.json alone, before the sources are copied.
  console.log('build-console: no console sources here; skipped');
  process.exit(0);
}

function files(dir, found = []) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files(path, found);
    else found.push(path);
  }
  return found;
}

const hash = createHash('sha256');
for (const file of [join(consoleDir, 'index.html'), ...files(join(consoleDir, 'src')), join(root, 'package-lock.json'), new URL(import.meta.url).pathname]) {
  hash.update(file.slice(root.length)).update(readFileSync(file));
}
const stamp = hash.digest('hex');
if (!process.argv.includes('--force') && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
  console.log('build-console: up to date');
  process.exit(0);
}

let vite;
try {
  vite = await import('vite');
} catch {
  console.warn('build-console: vite is not installed; the console is not built');
  process.exit(0);
}
await vite.build({
  root: consoleDir,
  base: '/console/',
  configFile: false,
  logLevel: 'warn',
  // esbuild's own JSX transform: no Babel plugin needed.
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: dist,
    emptyOutDir: true,
    chunkSizeWarningLimit: 3000,
    reportCompressedSize: false,
    rollupOptions: {
      // React Flow marks itself "use client" for server-rendering frameworks; meaningless here.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
writeFileSync(stampFile, stamp);
console.log(`build-console: built ${dist}`);
