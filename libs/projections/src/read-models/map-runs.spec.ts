import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openInMemoryEventStore, openSqliteEventStore } from '@stepstone/event-store';
import { assertMapRunStory } from '../testing/map-run-story';
import { type MapRunRow, toMapRun } from './map-runs';
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
