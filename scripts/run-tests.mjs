#!/usr/bin/env node
// Runs every *.spec.ts under libs/, apps/ and test/ with Node's test runner (through tsx),
// shows the spec reporter, and ends with one line: `N passed, N failed[, N skipped]`.
// `--unit` leaves out the suites that start the real server (test/e2e, test/crash, test/console).
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const unitOnly = process.argv.includes('--unit');

function findSpecs(dir, found = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'fixtures' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findSpecs(path, found);
    else if (name.endsWith('.spec.ts')) found.push(relative(root, path));
  }
  return found;
}

const specs = ['libs', 'apps', 'test']
  .flatMap((dir) => findSpecs(join(root, dir)))
  .filter((file) => !(unitOnly && (file.startsWith('test/e2e') || file.startsWith('test/crash') || file.startsWith('test/console'))))
  .sort();

mkdirSync(join(root, '.tmp'), { recursive: true });
const tapFile = join(root, '.tmp', 'test-results.tap');
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tapFile}`, ...specs],
  { cwd: root, stdio: 'inherit' },
);
child.on('exit', (code) => {
  const tap = readFileSync(tapFile, 'utf8');
  const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
  const passed = count('pass');
  const failed = count('fail') + count('cancelled');
  const skipped = count('skipped') + count('todo');
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(code === 0 && failed === 0 && passed > 0 ? 0 : 1);
});
