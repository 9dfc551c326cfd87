import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

/**
 * The example projects under examples/ (node:test, Jest, Vitest) install the root package
 * (`file:../..`) and test a state machine with stepstone/testing. Installs come from the npm
 * cache when it has them (--prefer-offline) and are kept in each example's node_modules, so
 * only a fresh clone pays for them.
 */
const examples = path.resolve(__dirname, '..', '..', 'examples');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function npmIn(dir: string, args: string[], timeout: number) {
  // Without NODE_TEST_CONTEXT: the example's own node --test would otherwise think it is nested in ours and skip its files.
  const { NODE_TEST_CONTEXT: _nested, ...env } = process.env;
  const result = spawnSync(npm, args, { cwd: dir, encoding: 'utf8', timeout, env: { ...env, CI: '1', NO_COLOR: '1', FORCE_COLOR: '0' } });
  return { code: result.status, output: `${result.stdout}${result.stderr}`, error: result.error };
}

const cases: { name: string; passed: RegExp }[] = [
  // Node 20 and 22 report TAP when the output is not a terminal; Node 24 always reports `spec` by default.
  { name: 'testing-node-test', passed: /(?:#|ℹ) pass 2\n(?:#|ℹ) fail 0/ },
  { name: 'testing-jest', passed: /Tests:\s+2 passed, 2 total/ },
  { name: 'testing-vitest', passed: /Tests\s+2 passed \(2\)/ },
];

describe('testing library examples', () => {
  for (const { name, passed } of cases) {
    test(`${name}: installs and its tests pass`, { timeout: 600_000 }, () => {
      const dir = path.join(examples, name);
      if (!existsSync(path.join(dir, 'node_modules', 'stepstone'))) {
        const install = npmIn(dir, ['install', '--no-audit', '--no-fund', '--prefer-offline'], 540_000);
        assert.equal(install.code, 0, `npm install in ${name} failed:\n${install.output}`);
      }
      const run = npmIn(dir, ['test'], 120_000);
      assert.equal(run.code, 0, `npm test in ${name} failed:\n${run.output}`);
      assert.match(run.output, passed);
    });
  }
});
