import assert from 'node:assert/strict';
import { hashDefinition, type EventStore } from '@stepstone/event-store';
import type { Projections } from '../read-models/projections';
import { historyEvent } from './read-model-story';

// A Distributed Map's run as the engine records it (hidden iteration events, the internal
// MapRunUpdated, a redrive), shared by the Map Run read-model specs on SQLite and PostgreSQL.
// Not exported from the lib's index.

const account = 'arn:aws:states:us-east-1:123456789012';
export const mapMachineArn = `${account}:stateMachine:fan`;
export const mapExecutionArn = `${account}:execution:fan:run-1`;
export const mapRunArn = `${account}:mapRun:fan/Each:11111111-2222-3333-4444-555555555555`;
const definition = '{"StartAt":"Each","States":{}}';
const stream = 'execution-fan:run-1';

const at = (second: number) => `2024-01-01T00:00:${String(second).padStart(2, '0')}.000Z`;
const event = (type: string, id: number, second: number, details: Record<string, unknown> = {}, x: Record<string, unknown> = {}) => ({
  type,
  data: { ...historyEvent(type, id, details, x), timestamp: at(second) },
  metadata: { actor: 'engine' },
});
/** Hidden events (Distributed Map iterations) are numbered -1, -2, ... */
const iteration = (type: string, hiddenId: number, second: number, index: number, fields: Record<string, unknown> = {}) => {
  const field = `${type[0].toLowerCase()}${type.slice(1)}EventDetails`;
  return event(type, -hiddenId, second, { [field]: { index, name: 'Each' } }, { hidden: true, ...fields });
};

/**
 * Three items, MaxConcurrency 1 then 3 by UpdateMapRun; item 0 succeeds, item 1 fails, item 2
 * is aborted; the execution fails and is redriven: items 1 and 2 run again and succeed.
 * `afterStage` is called with the store's head after each stage: running, failed, redriven, succeeded.
 * `paced`: the redrive lets the children wait (MapRunRedriven's `x.redriveIndices`, engine
 * behaviour MapRedriveConcurrency): item 1 starts at once, item 2 only once item 1 succeeded.
 */
export type MapRunStage = 'running' | 'failed' | 'redriven' | 'succeeded';

export async function writeMapRunStory(
  store: EventStore,
  afterStage: (stage: MapRunStage, position: number) => Promise<void> = async () => {},
  paced = false,
): Promise<void> {
  let revision = -1;
  const append = async (...events: ReturnType<typeof event>[]) => {
    const result = await store.append({
      streamId: stream,
      expectedRevision: revision < 0 ? 'no_stream' : revision,
      ...(revision < 0 ? { chainSeed: hashDefinition(definition) } : {}),
      events,
    });
    revision += events.length;
    return result.position;
  };
  await append(
    event('ExecutionStarted', 1, 0, { executionStartedEventDetails: { input: '[1,2,3]' } }, { start: { executionArn: mapExecutionArn, stateMachineArn: mapMachineArn, name: 'run-1', type: 'STANDARD', definition } }),
    event('MapStateEntered', 2, 0, { stateEnteredEventDetails: { name: 'Each', input: '[1,2,3]' } }),
    event('MapStateStarted', 3, 1, { mapStateStartedEventDetails: { length: 3 } }, { items: '[1,2,3]', maxConcurrency: 1, toleratedFailureCount: 0, distributed: true }),
    event('MapRunStarted', 4, 1, { mapRunStartedEventDetails: { mapRunArn } }),
    iteration('MapIterationStarted', 1, 1, 0),
  );
  await afterStage('running', await append(
    event('MapRunUpdated', -2, 2, {}, { hidden: true, mapRunArn, maxConcurrency: 3, toleratedFailurePercentage: 40 }),
    iteration('MapIterationStarted', 3, 2, 1),
    iteration('MapIterationStarted', 4, 2, 2),
    iteration('MapIterationSucceeded', 5, 3, 0),
  ));
  await afterStage('failed', await append(
    iteration('MapIterationAborted', 6, 4, 2),
    iteration('MapIterationFailed', 7, 4, 1, { error: 'Broken' }),
    event('MapRunFailed', 5, 4, { mapRunFailedEventDetails: { error: 'Broken' } }),
    event('MapStateFailed', 6, 4),
    event('ExecutionFailed', 7, 4, { executionFailedEventDetails: { error: 'Broken' } }),
  ));
  await afterStage('redriven', await append(
    event('ExecutionRedriven', 8, 5, { executionRedrivenEventDetails: { redriveCount: 1 } }),
    event('MapRunRedriven', 9, 5, { mapRunRedrivenEventDetails: { mapRunArn, redriveCount: 1 } }, paced ? { redriveIndices: [1, 2] } : {}),
    iteration('MapIterationStarted', 8, 5, 1),
  ));
  await afterStage('succeeded', await append(
    iteration('MapIterationSucceeded', 9, 6, 1),
    ...(paced ? [iteration('MapIterationStarted', 11, 6, 2)] : []),
    iteration('MapIterationSucceeded', 10, 6, 2),
    event('MapRunSucceeded', 10, 6),
    event('MapStateSucceeded', 11, 6),
    event('ExecutionSucceeded', 12, 6, { executionSucceededEventDetails: { output: '[]' } }),
  ));
}

const counts = (fields: Partial<Record<'pending' | 'running' | 'succeeded' | 'failed' | 'aborted' | 'resultsWritten' | 'pendingRedrive' | 'failuresNotRedrivable', number>>) => ({
  pending: 0, running: 0, succeeded: 0, failed: 0, timedOut: 0, aborted: 0, total: 3, resultsWritten: 0, failuresNotRedrivable: 0, pendingRedrive: 0, ...fields,
});

/**
 * The story's Map Run at each stage and at the end, as every store's read models must answer.
 * Shared by the SQLite and PostgreSQL specs.
 */
export async function assertMapRunStory(store: EventStore, projections: Projections, paced = false): Promise<void> {
  const read = async (position: number) => {
    assert.equal(await projections.waitForPosition(position, 10_000), true);
    return projections.getMapRun(mapRunArn);
  };
  await writeMapRunStory(store, async (stage, position) => {
    const run = await read(position);
    if (stage === 'running') {
      // UpdateMapRun's limits; the two children it let start run, the first succeeded.
      assert.equal(run?.status, 'RUNNING');
      assert.equal(run?.stopDate, undefined);
      assert.deepEqual([run?.maxConcurrency, run?.toleratedFailurePercentage, run?.toleratedFailureCount], [3, 40, 0]);
      assert.deepEqual(run?.executionCounts, counts({ running: 2, succeeded: 1 }));
      assert.deepEqual(run?.itemCounts, run?.executionCounts);
    } else if (stage === 'failed') {
      assert.equal(run?.status, 'FAILED');
      assert.equal(run?.stopDate, '2024-01-01T00:00:04.000Z');
      assert.deepEqual(run?.executionCounts, counts({ succeeded: 1, failed: 1, aborted: 1, resultsWritten: 2 }));
      assert.equal(run?.redriveCount, 0);
    } else if (stage === 'redriven') {
      // The failed and the aborted child run again (paced: the aborted one waits, still aborted).
      assert.equal(run?.status, 'RUNNING');
      assert.equal(run?.stopDate, undefined);
      assert.equal(run?.redriveCount, 1);
      assert.equal(run?.redriveDate, '2024-01-01T00:00:05.000Z');
      assert.deepEqual(run?.executionCounts, paced ? counts({ succeeded: 1, running: 1, aborted: 1, pendingRedrive: 1 }) : counts({ succeeded: 1, running: 2 }));
      assert.deepEqual(run?.itemCounts, run?.executionCounts);
    }
  }, paced);
  const run = await projections.getMapRun(mapRunArn);
  assert.deepEqual(run, {
    mapRunArn,
    executionArn: mapExecutionArn,
    stateMachineArn: `${mapMachineArn}/Each`,
    status: 'SUCCEEDED',
    startDate: '2024-01-01T00:00:01.000Z',
    stopDate: '2024-01-01T00:00:06.000Z',
    maxConcurrency: 3,
    toleratedFailurePercentage: 40,
    toleratedFailureCount: 0,
    itemCounts: counts({ succeeded: 3, resultsWritten: 3 }),
    executionCounts: counts({ succeeded: 3, resultsWritten: 3 }),
    redriveCount: 1,
    redriveDate: '2024-01-01T00:00:05.000Z',
    redrivesChildren: false,
  });
  assert.deepEqual((await projections.listMapRuns({ executionArn: mapExecutionArn })).items, [run]);
  assert.deepEqual((await projections.listMapRuns({ executionArn: 'arn:aws:states:us-east-1:123456789012:execution:fan:other' })).items, []);
  assert.equal(await projections.getMapRun(`${mapRunArn}0`), undefined);

  const children = (await projections.listMapRunExecutions({ mapRunArn })).items;
  assert.deepEqual(children.map((child) => child.status), ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
  // The redriven children (the failed and the aborted one) say so.
  assert.deepEqual(children.map((child) => child.redriveCount ?? 0).sort(), [0, 1, 1]);
  for (const child of children) {
    assert.equal(child.mapRunArn, mapRunArn);
    assert.equal(child.stateMachineArn, `${mapMachineArn}/Each`);
    assert.equal(child.executionArn, `arn:aws:states:us-east-1:123456789012:execution:fan/Each:${child.name}`);
    assert.match(child.name, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  }
  assert.equal(new Set(children.map((child) => child.name)).size, 3);
  const page = await projections.listMapRunExecutions({ mapRunArn, maxResults: 2 });
  assert.equal(page.items.length, 2);
  const rest = await projections.listMapRunExecutions({ mapRunArn, maxResults: 2, nextToken: page.nextToken });
  assert.equal(rest.items.length, 1);
  assert.equal(rest.nextToken, undefined);
}


export const quotaMapRunArn = `${account}:mapRun:quota/Each:66666666-7777-8888-9999-000000000000`;
const quotaExecutionArn = `${account}:execution:quota:run-1`;

/**
 * Three items, one failure tolerated: item 0 fails on its own history quota (MapIterationFailed
 * with `x.notRedrivable`, engine behaviour QuotaFailuresKept), item 1's failure fails the Map Run
 * and item 2 is aborted. The redrive runs items 1 and 2 again and leaves item 0 failed
 * (MapRunRedriven's `x.keptFailed`): DescribeMapRun counts it in failuresNotRedrivable, and it
 * never waits to be redriven. Shared by the SQLite and PostgreSQL specs.
 */
export async function assertQuotaFailureStory(store: EventStore, projections: Projections): Promise<void> {
  const definition = '{"StartAt":"Each","States":{}}';
  let revision = -1;
  const append = async (...events: ReturnType<typeof event>[]) => {
    const result = await store.append({ streamId: 'execution-quota:run-1', expectedRevision: revision < 0 ? 'no_stream' : revision, ...(revision < 0 ? { chainSeed: hashDefinition(definition) } : {}), events });
    revision += events.length;
    assert.equal(await projections.waitForPosition(result.position, 10_000), true);
    return projections.getMapRun(quotaMapRunArn);
  };
  const quota = { error: 'States.Runtime', cause: 'The execution reached the maximum number of history events (25000).', notRedrivable: true };
  let run = await append(
    event('ExecutionStarted', 1, 0, { executionStartedEventDetails: { input: '[1,2,3]' } }, { start: { executionArn: quotaExecutionArn, stateMachineArn: `${account}:stateMachine:quota`, name: 'run-1', type: 'STANDARD', definition } }),
    event('MapStateEntered', 2, 0, { stateEnteredEventDetails: { name: 'Each', input: '[1,2,3]' } }),
    event('MapStateStarted', 3, 1, { mapStateStartedEventDetails: { length: 3 } }, { items: '[1,2,3]', maxConcurrency: 0, toleratedFailureCount: 1, distributed: true }),
    event('MapRunStarted', 4, 1, { mapRunStartedEventDetails: { mapRunArn: quotaMapRunArn } }),
    iteration('MapIterationStarted', 1, 1, 0),
    iteration('MapIterationStarted', 2, 1, 1),
    iteration('MapIterationStarted', 3, 1, 2),
    iteration('MapIterationFailed', 25_001, 2, 0, quota),
  );
  // Running: the quota failure already cannot be redriven.
  assert.deepEqual(run?.executionCounts, counts({ running: 2, failed: 1, failuresNotRedrivable: 1 }));
  run = await append(
    iteration('MapIterationAborted', 25_002, 3, 2),
    iteration('MapIterationFailed', 25_003, 3, 1, { error: 'Broken' }),
    event('MapRunFailed', 5, 3, { mapRunFailedEventDetails: { error: 'States.ExceedToleratedFailureThreshold' } }),
    event('MapStateFailed', 6, 3),
    event('ExecutionFailed', 7, 3, { executionFailedEventDetails: { error: 'States.ExceedToleratedFailureThreshold' } }),
  );
  // A redrive of the failed parent would run items 1 and 2 again, not item 0.
  assert.deepEqual(run?.executionCounts, counts({ failed: 2, aborted: 1, resultsWritten: 2, failuresNotRedrivable: 1 }));
  assert.equal(run?.redrivesChildren, true);
  const children = (await projections.listMapRunExecutions({ mapRunArn: quotaMapRunArn })).items.sort((a, b) => a.index - b.index);
  assert.deepEqual(children.map((child) => [child.index, child.status, child.notRedrivable ?? false]), [[0, 'FAILED', true], [1, 'FAILED', false], [2, 'ABORTED', false]]);
  assert.equal((await projections.getMapRunExecution(children[0].executionArn))?.notRedrivable, true);
  run = await append(
    event('ExecutionRedriven', 8, 4, { executionRedrivenEventDetails: { redriveCount: 1 } }),
    event('MapRunRedriven', 9, 4, { mapRunRedrivenEventDetails: { mapRunArn: quotaMapRunArn, redriveCount: 1 } }, { redriveIndices: [1, 2], keptFailed: [0] }),
  );
  // Items 1 and 2 wait to be redriven; item 0 does not.
  assert.deepEqual(run?.executionCounts, counts({ failed: 2, aborted: 1, pendingRedrive: 2, failuresNotRedrivable: 1 }));
  run = await append(
    iteration('MapIterationStarted', 25_004, 5, 1),
    iteration('MapIterationStarted', 25_005, 5, 2),
    iteration('MapIterationSucceeded', 25_006, 6, 1),
    iteration('MapIterationSucceeded', 25_007, 6, 2),
    event('MapRunSucceeded', 10, 6),
    event('MapStateSucceeded', 11, 6),
    event('ExecutionSucceeded', 12, 6, { executionSucceededEventDetails: { output: '[]' } }),
  );
  // Item 0's failure was tolerated: the Map Run succeeded, and it is left for good.
  assert.deepEqual(run?.executionCounts, counts({ succeeded: 2, failed: 1, resultsWritten: 3, failuresNotRedrivable: 1 }));
  assert.equal(run?.redrivesChildren, false);
}
