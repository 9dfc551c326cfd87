import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { TaskFailure } from '../task-failure';
import { createAwsServiceCaller } from './aws-service-call';

describe('aws-sdk service names', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stepstone-sdk-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const caller = createAwsServiceCaller({ region: 'us-east-1', endpointFor: () => 'http://127.0.0.1:9' });

  it('never become a module path: a service holding ../ loads nothing', async () => {
    const planted = path.join(dir, 'planted.js');
    writeFileSync(planted, 'globalThis.__stepstonePlanted = true; exports.EvilClient = class { send() { return {}; } }; exports.RunCommand = class {};');
    const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
    const fromScope = path.relative(path.join(repoRoot, 'node_modules', '@aws-sdk'), planted.slice(0, -3));
    for (const service of [`x/../../${fromScope}`, `../${fromScope}`, planted, 'sfn/../../../etc', 'SQS', 'a b', '']) {
      await assert.rejects(caller.callSdk(service, 'run', {}), (error: unknown) => error instanceof TaskFailure && /not a known AWS service/.test(error.causeText), service);
    }
    assert.equal((globalThis as { __stepstonePlanted?: boolean }).__stepstonePlanted, undefined);
  });
});
