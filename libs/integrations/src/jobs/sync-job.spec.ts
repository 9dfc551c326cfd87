import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TaskProgress } from '@stepstone/engine';
import { IntegrationPattern } from '../resource-arn';
import { TaskFailure } from '../task-failure';
import { idempotencyTokenOf, runJobTask, type JobIntegration, type JobProgress, type SyncJobHooks } from './sync-job';

/** A job that reports the scripted progress, one entry per describe call, and records every call. */
function scriptedJob(script: JobProgress[]) {
  const calls: string[] = [];
  let describes = 0;
  const job: JobIntegration = {
    service: 'test',
    action: 'startThing',
    packageSuffix: 'test',
    async start(_send, parameters, context) {
      calls.push(`start recovering=${context.recovering}`);
      return { JobId: 'job-1', Echo: parameters.Name };
    },
    async describe(_send, started) {
      calls.push(`describe ${String(started.JobId)}`);
      const progress = script[Math.min(describes, script.length - 1)];
      describes++;
      if (progress === undefined) throw new Error('no script');
      return progress;
    },
    async stop(_send, started) {
      calls.push(`stop ${String(started.JobId)}`);
    },
  };
  return { job, calls };
}

/** A fake clock: sleeps resolve at once and add to `now`. */
function hooksWith(overrides: Partial<SyncJobHooks> = {}) {
  const clock = { now: 0, sleeps: [] as number[] };
  const reports: TaskProgress[] = [];
  const hooks: SyncJobHooks = {
    pollIntervalMs: 2000,
    sleep: async (ms) => {
      clock.sleeps.push(ms);
      clock.now += ms;
    },
    report: async (progress) => {
      reports.push(progress);
      return true;
    },
    submittedOutput: async () => undefined,
    taskStarted: async () => false,
    taskOpen: async () => true,
    ended: () => new Promise<void>(() => undefined),
    stopping: () => false,
    ...overrides,
  };
  return { hooks, clock, reports };
}

const send = async () => ({});

describe('.sync job poll loop', () => {
  it('request-response answers the start call only', async () => {
    const { job, calls } = scriptedJob([{ state: 'running' }]);
    const { hooks, reports } = hooksWith();
    const end = await runJobTask(job, send, IntegrationPattern.RequestResponse, { Name: 'x' }, 'token-1', hooks);
    assert.deepEqual(end, { kind: 'result', output: { JobId: 'job-1', Echo: 'x' } });
    assert.deepEqual(calls, ['start recovering=false']);
    assert.deepEqual(reports, []);
  });

  it('reports started then submitted with the start answer, polls every interval until the job succeeds', async () => {
    const { job, calls } = scriptedJob([{ state: 'running' }, { state: 'running' }, { state: 'succeeded', output: { Status: 'SUCCEEDED' } }]);
    const { hooks, clock, reports } = hooksWith();
    const end = await runJobTask(job, send, IntegrationPattern.Sync, { Name: 'x' }, 'token-1', hooks);
    assert.deepEqual(end, { kind: 'result', output: { Status: 'SUCCEEDED' } });
    assert.deepEqual(reports, [{ kind: 'started' }, { kind: 'submitted', output: JSON.stringify({ JobId: 'job-1', Echo: 'x' }) }]);
    assert.deepEqual(calls, ['start recovering=false', 'describe job-1', 'describe job-1', 'describe job-1']);
    assert.deepEqual(clock.sleeps, [2000, 2000]);
    assert.equal(clock.now, 4000);
  });

  it('fails with States.TaskFailed and the description as cause', async () => {
    const { job } = scriptedJob([{ state: 'running' }, { state: 'failed', cause: '{"Status":"FAILED"}' }]);
    const { hooks } = hooksWith();
    await assert.rejects(runJobTask(job, send, IntegrationPattern.Sync, {}, 'token-1', hooks), (error: TaskFailure) => {
      assert.equal(error.error, 'States.TaskFailed');
      assert.equal(error.causeText, '{"Status":"FAILED"}');
      return true;
    });
  });

  it('a task whose job was submitted before a restart resumes polling that job and starts none', async () => {
    const { job, calls } = scriptedJob([{ state: 'succeeded', output: { done: true } }]);
    const { hooks, reports } = hooksWith({ submittedOutput: async () => JSON.stringify({ JobId: 'job-from-before' }), taskStarted: async () => true });
    const end = await runJobTask(job, send, IntegrationPattern.Sync, {}, 'token-1', hooks);
    assert.deepEqual(end, { kind: 'result', output: { done: true } });
    assert.deepEqual(calls, ['describe job-from-before']);
    assert.deepEqual(reports, []);
  });

  it('a task started before a crash but never submitted starts again as recovering (no second TaskStarted)', async () => {
    const { job, calls } = scriptedJob([{ state: 'succeeded', output: {} }]);
    const { hooks, reports } = hooksWith({ taskStarted: async () => true });
    await runJobTask(job, send, IntegrationPattern.Sync, {}, 'token-1', hooks);
    assert.deepEqual(calls[0], 'start recovering=true');
    assert.deepEqual(reports.map((report) => report.kind), ['submitted']);
  });

  it('stops the job when the task closes while it runs (StopExecution, a timeout) and completes nothing', async () => {
    const { job, calls } = scriptedJob([{ state: 'running' }]);
    let polls = 0;
    const { hooks } = hooksWith({ taskOpen: async () => ++polls < 3 });
    const end = await runJobTask(job, send, IntegrationPattern.Sync, {}, 'token-1', hooks);
    assert.deepEqual(end, { kind: 'abandoned' });
    assert.deepEqual(calls, ['start recovering=false', 'describe job-1', 'describe job-1', 'stop job-1']);
  });

  it('wakes from a sleep as soon as the execution ends, without waiting for the interval', async () => {
    const { job, calls } = scriptedJob([{ state: 'running' }]);
    let end!: () => void;
    const ended = new Promise<void>((resolve) => (end = resolve));
    let open = true;
    const { hooks } = hooksWith({
      pollIntervalMs: 3_600_000,
      sleep: () => new Promise<void>(() => undefined), // an hour: never in this test
      ended: () => ended,
      taskOpen: async () => open,
    });
    const running = runJobTask(job, send, IntegrationPattern.Sync, {}, 'token-1', hooks);
    await new Promise((resolve) => setImmediate(resolve));
    open = false;
    end();
    assert.deepEqual(await running, { kind: 'abandoned' });
    assert.deepEqual(calls, ['start recovering=false', 'describe job-1', 'stop job-1']);
  });

  it('leaves the job running when the process shuts down (the next process resumes it)', async () => {
    const { job, calls } = scriptedJob([{ state: 'running' }]);
    let rounds = 0;
    const { hooks } = hooksWith({ stopping: () => ++rounds > 2 });
    assert.deepEqual(await runJobTask(job, send, IntegrationPattern.Sync, {}, 'token-1', hooks), { kind: 'abandoned' });
    assert.ok(!calls.includes('stop job-1'));
  });

  it('retries a describe that got no answer, and fails on an answered error', async () => {
    let attempt = 0;
    const { job } = scriptedJob([]);
    const flaky: JobIntegration = {
      ...job,
      async describe() {
        attempt++;
        if (attempt === 1) throw new TaskFailure('Batch.SdkClientException', 'Unable to execute HTTP request: ECONNREFUSED');
        if (attempt === 2) return { state: 'succeeded', output: 'ok' };
        throw new Error('unreachable');
      },
    };
    assert.deepEqual(await runJobTask(flaky, send, IntegrationPattern.Sync, {}, 't', hooksWith().hooks), { kind: 'result', output: 'ok' });
    const denied: JobIntegration = {
      ...job,
      async describe() {
        throw new TaskFailure('Batch.ClientException', 'access denied');
      },
    };
    await assert.rejects(runJobTask(denied, send, IntegrationPattern.Sync, {}, 't', hooksWith().hooks), /Batch.ClientException/);
  });

  it('derives one idempotency token per task token, within ECS clientToken limits', () => {
    assert.equal(idempotencyTokenOf('abc'), idempotencyTokenOf('abc'));
    assert.notEqual(idempotencyTokenOf('abc'), idempotencyTokenOf('abd'));
    assert.match(idempotencyTokenOf('abc'), /^[0-9a-f]{64}$/);
  });
});
