import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openInMemoryEventStore, openSqliteEventStore } from '@stepstone/event-store';
import { assertMapRunStory } from '../testing/map-run-story';
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
