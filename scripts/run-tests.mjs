#!/usr/bin/env node
// Runs every *.spec.ts under libs/, apps/ and test/ with Node's test runner (through tsx),
// shows the spec reporter, and ends with one line: `N passed, N failed[, N skipped]`.
// `--unit` leaves out the suites that start the real server (test/e2e, test/crash, test/console, test/cluster);
// `--unit-e2e` keeps libs/, apps/ and test/e2e, once, on SQLite (what CI runs again on Node 22).
// PostgreSQL: the whole run shares one private cluster on 127.0.0.1 (test/support/with-postgres.ts
// starts and stops it); the e2e and crash suites then run a second time on it
// (STEPSTONE_TEST_STORE=postgres, test/support/server.ts). test/cluster runs once, in the first pass:
// its servers are on PostgreSQL already (the shared cluster, STEPSTONE_TEST_POSTGRES_URL).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const unitOnly = process.argv.includes('--unit');
const unitAndE2e = process.argv.includes('--unit-e2e');
// How many spec files run at once. The suites that measure time or race processes against each
// other (crash, cluster, race, hardening: load, starvation, fuzz budgets) run one file at a
// time, with the cores to themselves. The rest (unit specs, and e2e files that mostly wait on
// their servers) run two at a time, which keeps CI within its time budget on 2 cores.
// STEPSTONE_TEST_CONCURRENCY overrides the second figure.
const SHARED_CONCURRENCY = process.env.STEPSTONE_TEST_CONCURRENCY ?? '2';
const ALONE_PREFIXES = ['test/crash/', 'test/cluster/', 'test/race/', 'test/hardening/'];
// A spec file that runs longer than this is cancelled, its process killed, and counted as failed
// (Node's --test-timeout, which under --test applies to each file): a test that hangs (a task that
// never comes, a server that never answers) fails the run in minutes instead of stalling CI. The
// TAP files under .tmp/ give each file's duration_ms. No --test-force-exit: on Node 20 it exits
// before the TAP reporter has written its summary, which this script counts from.
const FILE_TIMEOUT_MS = Number(process.env.STEPSTONE_TEST_FILE_TIMEOUT_MS ?? 600_000);

if (!process.env.STEPSTONE_TEST_POSTGRES_URL) {
  // Re-run this script inside a private PostgreSQL cluster, stopped however the run ends.
  const wrapped = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/support/with-postgres.ts', process.execPath, new URL(import.meta.url).pathname, ...process.argv.slice(2)],
    { cwd: root, stdio: 'inherit' },
  );
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => wrapped.kill(signal));
  wrapped.on('exit', (code) => process.exit(code ?? 1));
} else {
  await runPasses();
}

function findSpecs(dir, found = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'fixtures' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findSpecs(path, found);
    else if (name.endsWith('.spec.ts')) found.push(relative(root, path));
  }
  return found;
}

async function runPasses() {
  const specs = ['libs', 'apps', 'test']
    .flatMap((dir) => findSpecs(join(root, dir)))
    .filter((file) => !(unitOnly && (isServerSuite(file) || file.startsWith('test/cluster'))))
    .filter((file) => !unitAndE2e || !file.startsWith('test/') || file.startsWith('test/e2e'))
    .sort();
  // store-selection picks its stores itself: once is enough. The browser suite (test/console)
  // runs once too: the console's API it reads runs on both stores in test/e2e/console-api.
  const postgresSpecs = unitAndE2e
    ? []
    : specs.filter((file) => isServerSuite(file) && !file.endsWith('store-selection.e2e.spec.ts') && !file.startsWith('test/console'));

  mkdirSync(join(root, '.tmp'), { recursive: true });
  const totals = { passed: 0, failed: 0, skipped: 0 };
  let ok = true;
  const passes = [{ name: 'sqlite', specs, env: {} }];
  if (!unitOnly && postgresSpecs.length > 0) passes.push({ name: 'postgres', specs: postgresSpecs, env: { STEPSTONE_TEST_STORE: 'postgres' } });
  for (const pass of passes) {
    if (pass.name !== 'sqlite') console.log(`\n== the server suites again, on PostgreSQL (${pass.specs.length} files)`);
    const alone = pass.specs.filter((file) => ALONE_PREFIXES.some((prefix) => file.startsWith(prefix)));
    const shared = pass.specs.filter((file) => !alone.includes(file));
    const tapBase = pass.name === 'sqlite' ? 'test-results' : `test-results-${pass.name}`;
    for (const [group, files, concurrency] of [['shared', shared, SHARED_CONCURRENCY], ['alone', alone, '1']]) {
      if (files.length === 0) continue;
      const result = await runNodeTest(files, concurrency, pass.env, join(root, '.tmp', `${tapBase}-${group}.tap`));
      totals.passed += result.passed;
      totals.failed += result.failed;
      totals.skipped += result.skipped;
      ok &&= result.code === 0;
    }
  }
  console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
  process.exit(ok && totals.failed === 0 && totals.passed > 0 ? 0 : 1);
}

function isServerSuite(file) {
  return file.startsWith('test/e2e') || file.startsWith('test/crash') || file.startsWith('test/console');
}

function runNodeTest(specs, concurrency, env, tapFile) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, `--test-timeout=${FILE_TIMEOUT_MS}`, '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tapFile}`, ...specs],
      { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } },
    );
    child.on('exit', (code) => {
      const tap = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
      const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
      // A run that ended without its summary (the runner killed, the reporter cut short) is a
      // failure, not a run of nothing.
      const summarised = /^# pass \d+$/m.test(tap);
      if (!summarised) console.log(`!! ${relative(root, tapFile)} has no summary: the test runner ended early (exit ${code})`);
      const failed = count('fail') + count('cancelled') + (summarised ? 0 : 1);
      resolve({ code, passed: count('pass'), failed, skipped: count('skipped') + count('todo') });
    });
  });
}
