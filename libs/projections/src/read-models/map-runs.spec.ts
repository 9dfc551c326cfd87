import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { hashDefinition, openInMemoryEventStore, openSqliteEventStore } from '@stepstone/event-store';
import { assertMapRunStory, assertQuotaFailureStory } from '../testing/map-run-story';
import { type MapRunRow, toMapRun } from './map-runs';
import { historyEvent } from '../testing/read-model-story';
import { createProjections } from './projections';

for (const [label, open] of [
  ['in memory', () => ({ store: openInMemoryEventStore(), cleanup: () => {} })],
  [
    'on the SQLite file',
    () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'stepstone-map-runs-'));
      return { store: openSqliteEventStore({ file: path.join(dir, 'stepstone.db') }), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
    },
  ],
] as const) {
  describe(`Map Run read models (${label})`, () => {
    it('follow a Distributed Map run: updated limits, counts by child, failure, redrive, children with AWS ARNs; a rebuild gives the same rows', async () => {
      const { store, cleanup } = open();
      const projections = await createProjections({ store, batchPauseMs: 0 });
      try {
        await assertMapRunStory(store, projections);
        const before = await projections.snapshot();
        assert.equal(before.read_map_runs.length, 1);
        assert.equal(before.read_map_run_executions.length, 3);
        await projections.rebuild();
        assert.deepEqual(await projections.snapshot(), before);
      } finally {
        await projections.close();
        await store.close();
        cleanup();
      }
    });

    it('count the children a paced redrive lets wait as pendingRedrive, by their unsuccessful status, until each starts', async () => {
      const { store, cleanup } = open();
      const projections = await createProjections({ store, batchPauseMs: 0 });
      try {
        await assertMapRunStory(store, projections, true);
        const before = await projections.snapshot();
        await projections.rebuild();
        assert.deepEqual(await projections.snapshot(), before);
      } finally {
        await projections.close();
        await store.close();
        cleanup();
      }
    });

    it('count a child that failed on its own history quota in failuresNotRedrivable, running and ended; a redrive leaves it failed', async () => {
      const { store, cleanup } = open();
      const projections = await createProjections({ store, batchPauseMs: 0 });
      try {
        await assertQuotaFailureStory(store, projections);
        const before = await projections.snapshot();
        await projections.rebuild();
        assert.deepEqual(await projections.snapshot(), before);
      } finally {
        await projections.close();
        await store.close();
        cleanup();
      }
    });

    it('count a Map Run whose items came in MapItemsRecorded batches: from the input with ItemBatcher, and from an ItemReader', async () => {
      const { store, cleanup } = open();
      const projections = await createProjections({ store, batchPauseMs: 0 });
      const account = 'arn:aws:states:us-east-1:123456789012';
      const definition = '{"StartAt":"Each","States":{}}';
      const hidden = (type: string, id: number, x: Record<string, unknown>) => ({ type, data: historyEvent(type, id, {}, { hidden: true, ...x }), metadata: { actor: 'engine' } });
      const iteration = (type: string, id: number) => ({
        type,
        data: historyEvent(type, id, { [`${type[0].toLowerCase()}${type.slice(1)}EventDetails`]: { index: 0, name: 'Each' } }, { hidden: true }),
        metadata: { actor: 'engine' },
      });
      const visible = (type: string, id: number, details: Record<string, unknown> = {}, x: Record<string, unknown> = {}) => ({ type, data: historyEvent(type, id, details, x), metadata: { actor: 'engine' } });
      const run = async (name: string, mapRunArn: string, stateStarted: Record<string, unknown>, batches: unknown[][]) => {
        const result = await store.append({
          streamId: `execution-fan:${name}`,
          expectedRevision: 'no_stream',
          chainSeed: hashDefinition(definition),
          events: [
            visible('ExecutionStarted', 1, { executionStartedEventDetails: { input: '{}' } }, { start: { executionArn: `${account}:execution:fan:${name}`, stateMachineArn: `${account}:stateMachine:fan`, name, type: 'STANDARD', definition } }),
            visible('MapStateEntered', 2, { stateEnteredEventDetails: { name: 'Each', input: '{}' } }),
            visible('MapStateStarted', 3, { mapStateStartedEventDetails: { length: 5 } }, { distributed: true, maxConcurrency: 0, ...stateStarted }),
            ...batches.map((batch, index) => hidden('MapItemsRecorded', -(index + 1), { items: JSON.stringify(batch) })),
            visible('MapRunStarted', 4, { mapRunStartedEventDetails: { mapRunArn } }),
            iteration('MapIterationStarted', -(batches.length + 1)),
            iteration('MapIterationSucceeded', -(batches.length + 2)),
          ],
        });
        assert.equal(await projections.waitForPosition(result.position, 10_000), true);
        return projections.getMapRun(mapRunArn);
      };
      try {
        // Five items from the input in batches of two (ItemBatcher): three children, recorded two then one.
        const batchedArn = `${account}:mapRun:fan/Each:batched`;
        const batched = await run('batched', batchedArn, { batchedItems: true, mapRun: { batcher: { maxItemsPerBatch: 2 } } }, [
          [{ Items: [1, 2] }, { Items: [3, 4] }],
          [{ Items: [5] }],
        ]);
        assert.deepEqual([batched?.executionCounts.total, batched?.executionCounts.succeeded, batched?.executionCounts.pending], [3, 1, 2]);
        // The first child processed two items.
        assert.deepEqual([batched?.itemCounts.total, batched?.itemCounts.succeeded, batched?.itemCounts.pending], [5, 2, 3]);
        // Five items an ItemReader read, recorded three then two, one child each.
        const readArn = `${account}:mapRun:fan/Each:read`;
        const read = await run('read', readArn, { items: '[]', mapRun: { reader: { source: { action: 'getObject', bucket: 'in', key: 'k' }, settings: {} } } }, [[1, 2, 3], [4, 5]]);
        assert.deepEqual([read?.executionCounts.total, read?.executionCounts.succeeded, read?.itemCounts.total], [5, 1, 5]);
        const before = await projections.snapshot();
        await projections.rebuild();
        assert.deepEqual(await projections.snapshot(), before);
      } finally {
        await projections.close();
        await store.close();
        cleanup();
      }
    });
  });
}

describe('failuresNotRedrivable: the unsuccessful children a redrive of the parent would not run again', () => {
  const row = (status: string, executionStatus: string): MapRunRow => ({
    map_run_arn: 'arn:aws:states:us-east-1:123456789012:mapRun:machine/Each:run',
    status,
    start_date: '2026-01-01T00:00:00.000Z',
    stop_date: status === 'RUNNING' ? null : '2026-01-01T00:01:00.000Z',
    max_concurrency: 0,
    tolerated_failure_percentage: 0,
    tolerated_failure_count: 0,
    item_total: 6,
    execution_total: 6,
    batch_sizes: null,
    redrive_count: 0,
    redrive_date: null,
    execution_arn: 'arn:aws:states:us-east-1:123456789012:execution:machine:parent',
    state_machine_arn: 'arn:aws:states:us-east-1:123456789012:stateMachine:machine',
    execution_status: executionStatus,
  });
  const byStatus = [
    { status: 'SUCCEEDED', count: 3 },
    { status: 'FAILED', count: 1 },
    { status: 'TIMED_OUT', count: 1 },
    { status: 'ABORTED', count: 1 },
  ];
  const notRedrivable = (status: string, executionStatus: string) => {
    const run = toMapRun(row(status, executionStatus), byStatus);
    assert.equal(run.itemCounts.failuresNotRedrivable, run.executionCounts.failuresNotRedrivable);
    assert.equal(run.executionCounts.pendingRedrive, 0);
    return run.executionCounts.failuresNotRedrivable;
  };

  it('a failed Map Run of a failed, timed-out or aborted parent can be redriven: none', () => {
    assert.equal(notRedrivable('FAILED', 'FAILED'), 0);
    assert.equal(notRedrivable('FAILED', 'TIMED_OUT'), 0);
    assert.equal(notRedrivable('ABORTED', 'ABORTED'), 0);
  });

  it('a Map Run that succeeded with tolerated failures leaves them for good', () => {
    assert.equal(notRedrivable('SUCCEEDED', 'SUCCEEDED'), 3);
    assert.equal(notRedrivable('SUCCEEDED', 'FAILED'), 3);
  });

  it('a failed Map Run whose failure was caught or retried (the parent runs on or succeeded) leaves them too', () => {
    assert.equal(notRedrivable('FAILED', 'SUCCEEDED'), 3);
    assert.equal(notRedrivable('FAILED', 'RUNNING'), 3);
  });

  it('a running Map Run has none yet', () => {
    assert.equal(notRedrivable('RUNNING', 'RUNNING'), 0);
  });
});
