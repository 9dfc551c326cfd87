import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openPostgresEventStore, openSqliteEventStore, type EventStore } from '@stepstone/event-store';
import { acquirePostgres, createTestDatabase } from '../../../../test/support/postgres';
import { assertNameSearchAndCounts, definition, historyEvent, machineArn, runArn, writeNamedExecutions, writeStory } from '../testing/read-model-story';
import { assertMapRunStory, assertQuotaFailureStory } from '../testing/map-run-story';
import { customerKey, encryptedArn, olderArn, writeEncryptionStory } from '../testing/encryption-story';
import { deletingArn, versionedArn, writeVersionAliasStory } from '../testing/version-alias-story';
import { createProjections, type Projections } from './projections';

// The read models on PostgreSQL against the same on the SQLite file: one set of queries
// (read-model-statements.ts), two dialects, the same rows.
let cluster: { readonly url: string; release(): Promise<void> } | undefined;
before(async () => {
  cluster = await acquirePostgres();
});
after(async () => {
  await cluster?.release();
});

/** Commits stamped one minute apart from 2024-01-01T00:00Z, so both stores record the same times. */
const minuteClock = () => {
  let minute = 0;
  return () => new Date(Date.UTC(2024, 0, 1, 0, minute++));
};

async function caughtUp(store: EventStore, projections: Projections): Promise<void> {
  assert.equal(await projections.waitForPosition(await store.headPosition(), 10_000), true);
}

describe('read models on PostgreSQL', () => {
  it('hold the same rows as on SQLite, answer the same, and rebuild to the same tables', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stepstone-read-models-'));
    const database = await createTestDatabase(cluster!.url);
    const sqliteStore = openSqliteEventStore({ file: path.join(dir, 'stepstone.db'), now: minuteClock() });
    const postgresStore = await openPostgresEventStore({ connectionString: database.url, now: minuteClock() });
    const onSqlite = await createProjections({ store: sqliteStore });
    const onPostgres = await createProjections({ store: postgresStore });
    try {
      await writeStory(sqliteStore);
      await writeStory(postgresStore);
      await caughtUp(sqliteStore, onSqlite);
      await caughtUp(postgresStore, onPostgres);

      const expected = await onSqlite.snapshot();
      assert.equal(expected.read_audit.length, 8);
      assert.equal(expected.read_executions.length, 1);
      assert.deepEqual(await onPostgres.snapshot(), expected);

      assert.deepEqual(await onPostgres.describeExecution(runArn), await onSqlite.describeExecution(runArn));
      assert.equal((await onPostgres.describeExecution(runArn))?.redriveCount, 1);
      assert.deepEqual(await onPostgres.listExecutions({ stateMachineArn: machineArn }), await onSqlite.listExecutions({ stateMachineArn: machineArn }));
      for (const query of [{}, { actor: 'AKIDBOB' }, { resource: `${runArn.slice(0, -5)}*` }, { limit: 3, afterPosition: 2 }]) {
        assert.deepEqual(await onPostgres.queryAudit(query), await onSqlite.queryAudit(query), JSON.stringify(query));
      }
      assert.equal((await onPostgres.queryAudit({ resource: 'arn:aws:states:us-east-1:123456789012:execution:order_:*' })).entries.length, 0, 'no LIKE wildcards');

      await onPostgres.rebuild();
      await onSqlite.rebuild();
      assert.deepEqual(await onPostgres.snapshot(), expected);
      assert.deepEqual(await onSqlite.snapshot(), expected);
      assert.equal(onPostgres.position(), await postgresStore.headPosition());
    } finally {
      await onSqlite.close();
      await onPostgres.close();
      await sqliteStore.close();
      await postgresStore.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hold the same versions, aliases and version columns as on SQLite, and rebuild to them', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stepstone-read-models-'));
    const database = await createTestDatabase(cluster!.url);
    const sqliteStore = openSqliteEventStore({ file: path.join(dir, 'stepstone.db'), now: minuteClock() });
    const postgresStore = await openPostgresEventStore({ connectionString: database.url, now: minuteClock() });
    const onSqlite = await createProjections({ store: sqliteStore });
    const onPostgres = await createProjections({ store: postgresStore });
    try {
      await writeVersionAliasStory(sqliteStore);
      await writeVersionAliasStory(postgresStore);
      await caughtUp(sqliteStore, onSqlite);
      await caughtUp(postgresStore, onPostgres);

      const expected = await onSqlite.snapshot();
      assert.equal(expected.read_state_machine_versions.length, 2);
      assert.equal(expected.read_state_machine_aliases.length, 1);
      assert.deepEqual(await onPostgres.snapshot(), expected);

      for (const request of [
        { stateMachineArn: versionedArn },
        { stateMachineArn: versionedArn, stateMachineVersionArn: `${versionedArn}:1` },
        { stateMachineArn: versionedArn, stateMachineAliasArn: `${versionedArn}:prod`, statusFilter: 'SUCCEEDED' as const },
      ]) {
        assert.deepEqual(await onPostgres.listExecutions(request), await onSqlite.listExecutions(request), JSON.stringify(request));
      }
      assert.deepEqual(await onPostgres.listStateMachineVersions({ machine: 'm', maxResults: 1 }), await onSqlite.listStateMachineVersions({ machine: 'm', maxResults: 1 }));
      assert.deepEqual(await onPostgres.listStateMachineAliases({ machine: 'm' }), await onSqlite.listStateMachineAliases({ machine: 'm' }));
      assert.deepEqual(await onPostgres.getStateMachineVersion(`${versionedArn}:2`), await onSqlite.getStateMachineVersion(`${versionedArn}:2`));
      assert.equal(await onPostgres.countRunningExecutions(versionedArn), 2);
      assert.equal((await onPostgres.getStateMachine(deletingArn))?.status, 'DELETING');

      await onPostgres.rebuild();
      await onSqlite.rebuild();
      assert.deepEqual(await onPostgres.snapshot(), expected);
      assert.deepEqual(await onSqlite.snapshot(), expected);
    } finally {
      await onSqlite.close();
      await onPostgres.close();
      await sqliteStore.close();
      await postgresStore.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
      }
    });

  it("answer the console's name search and counts as on SQLite", async () => {
    const database = await createTestDatabase(cluster!.url);
    const store = await openPostgresEventStore({ connectionString: database.url, now: minuteClock() });
    const projections = await createProjections({ store });
    try {
      assert.deepEqual(await projections.countExecutionsByStatus(), [], 'no executions, no counts');
      await writeNamedExecutions(store);
      await caughtUp(store, projections);
      await assertNameSearchAndCounts(projections);
    } finally {
      await projections.close();
      await store.close();
      await database.drop();
    }
  });

  it('are shared by two processes on one database: each event applied once, read-your-writes on both', async () => {
    const database = await createTestDatabase(cluster!.url);
    const storeA = await openPostgresEventStore({ connectionString: database.url, now: minuteClock() });
    const storeB = await openPostgresEventStore({ connectionString: database.url, now: minuteClock() });
    const projectionsA = await createProjections({ store: storeA });
    const projectionsB = await createProjections({ store: storeB });
    try {
      await writeStory(storeA);
      // B reads what A wrote as soon as B's read models reach the head B sees.
      await caughtUp(storeB, projectionsB);
      assert.equal((await projectionsB.describeExecution(runArn))?.status, 'RUNNING');
      await caughtUp(storeA, projectionsA);
      const snapshot = await projectionsA.snapshot();
      assert.deepEqual(await projectionsB.snapshot(), snapshot);
      assert.equal(snapshot.read_audit.length, 8);
      assert.deepEqual(
        snapshot.read_audit.map((row) => (row as { position: number }).position),
        [...new Set(snapshot.read_audit.map((row) => (row as { position: number }).position))],
      );
    } finally {
      await projectionsA.close();
      await projectionsB.close();
      await storeA.close();
      await storeB.close();
      await database.drop();
    }
  });

  it('a follower applies nothing and answers once the projector announces the checkpoint; awkward values survive the inlined writes', async () => {
    const database = await createTestDatabase(cluster!.url);
    const storeA = await openPostgresEventStore({ connectionString: database.url, now: minuteClock() });
    const storeB = await openPostgresEventStore({ connectionString: database.url, now: minuteClock() });
    const follower = await createProjections({ store: storeB, applying: false });
    let projector: Projections | undefined;
    try {
      await writeStory(storeA);
      // Quotes, a backslash, a placeholder-like `$1`, a NUL-free control character and non-BMP text.
      const input = JSON.stringify({ text: "it's \\ $1 ; -- \u0001 🦀 ''" });
      const awkwardArn = 'arn:aws:states:us-east-1:123456789012:execution:orders:awk\'ward-$2';
      await storeA.append({
        streamId: "execution-orders:awk'ward-$2",
        expectedRevision: 'no_stream',
        events: [
          {
            type: 'ExecutionStarted',
            data: historyEvent('ExecutionStarted', 1, { executionStartedEventDetails: { input } }, { start: { executionArn: awkwardArn, stateMachineArn: machineArn, name: "awk'ward-$2", type: 'STANDARD', definition } }),
            metadata: { actor: "O'Brien", sourceIp: '10.0.0.3', requestId: 'r3' },
          },
        ],
      });
      const head = await storeB.headPosition();
      assert.equal(await follower.waitForPosition(head, 300), false, 'nobody applies yet: the follower waits');
      assert.equal(await follower.describeExecution(runArn), undefined);
      projector = await createProjections({ store: storeA });
      // Within the follower's 1 s re-read: the announcement (NOTIFY) is what wakes it.
      assert.equal(await follower.waitForPosition(head, 900), true, "the projector's announcement reaches the follower");
      assert.equal(follower.position(), head);
      assert.equal((await follower.describeExecution(runArn))?.status, 'RUNNING');
      const awkward = await follower.describeExecution(awkwardArn);
      assert.equal(awkward?.input, input);
      assert.equal(awkward?.name, "awk'ward-$2");
      assert.ok((await follower.queryAudit({ actor: "O'Brien" })).entries.length > 0, 'the audit row kept its quoted actor');
      // Roles change hands: the follower takes over from the stored checkpoint and goes on.
      await projector.setApplying(false);
      await follower.setApplying(true);
      await storeA.append({ streamId: 'execution-orders:run-1', expectedRevision: 'any', events: [{ type: 'ExecutionSucceeded', data: historyEvent('ExecutionSucceeded', 9, { executionSucceededEventDetails: { output: '{}' } }) }] });
      const after = await storeA.headPosition();
      assert.equal(await follower.waitForPosition(after, 10_000), true);
      assert.equal(await projector.waitForPosition(after, 10_000), true, 'the former projector now follows the new one');
      assert.equal((await projector.describeExecution(runArn))?.status, 'SUCCEEDED');
    } finally {
      await projector?.close();
      await follower.close();
      await storeA.close();
      await storeB.close();
      await database.drop();
    }
  });

  it('hold the same encryptionConfiguration on machines and versions as on SQLite (migration 8), and rebuild to them', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stepstone-encryption-'));
    const database = await createTestDatabase(cluster!.url);
    const sqliteStore = openSqliteEventStore({ file: path.join(dir, 'stepstone.db'), now: minuteClock() });
    const postgresStore = await openPostgresEventStore({ connectionString: database.url, now: minuteClock() });
    const onSqlite = await createProjections({ store: sqliteStore });
    const onPostgres = await createProjections({ store: postgresStore });
    try {
      await writeEncryptionStory(sqliteStore);
      await writeEncryptionStory(postgresStore);
      await caughtUp(sqliteStore, onSqlite);
      await caughtUp(postgresStore, onPostgres);

      const expected = await onSqlite.snapshot();
      assert.deepEqual(await onPostgres.snapshot(), expected);
      assert.deepEqual((await onPostgres.getStateMachineVersion(`${encryptedArn}:1`))?.encryptionConfiguration, customerKey);
      assert.deepEqual((await onPostgres.getStateMachine(encryptedArn))?.encryptionConfiguration, { type: 'AWS_OWNED_KEY' });
      assert.deepEqual((await onPostgres.getStateMachine(olderArn))?.encryptionConfiguration, { type: 'AWS_OWNED_KEY' });

      await onPostgres.rebuild();
      await onSqlite.rebuild();
      assert.deepEqual(await onPostgres.snapshot(), expected);
      assert.deepEqual(await onSqlite.snapshot(), expected);
    } finally {
      await onSqlite.close();
      await onPostgres.close();
      await sqliteStore.close();
      await postgresStore.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('count a child that failed on its own history quota as on SQLite (migration 7) and rebuild to the same rows', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stepstone-map-runs-'));
    const database = await createTestDatabase(cluster!.url);
    const sqliteStore = openSqliteEventStore({ file: path.join(dir, 'stepstone.db'), now: minuteClock() });
    const postgresStore = await openPostgresEventStore({ connectionString: database.url, now: minuteClock() });
    const onSqlite = await createProjections({ store: sqliteStore, batchPauseMs: 0 });
    const onPostgres = await createProjections({ store: postgresStore, batchPauseMs: 0 });
    try {
      await assertQuotaFailureStory(sqliteStore, onSqlite);
      await assertQuotaFailureStory(postgresStore, onPostgres);
      const expected = await onSqlite.snapshot();
      assert.deepEqual((await onPostgres.snapshot()).read_map_run_executions, expected.read_map_run_executions);
      await onPostgres.rebuild();
      assert.deepEqual((await onPostgres.snapshot()).read_map_run_executions, expected.read_map_run_executions);
    } finally {
      await onSqlite.close();
      await onPostgres.close();
      await sqliteStore.close();
      await postgresStore.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const paced of [false, true]) it(`follow a Map Run as on SQLite (migrations 4 and 6${paced ? ', a paced redrive' : ''}) and rebuild to the same rows`, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stepstone-map-runs-'));
    const database = await createTestDatabase(cluster!.url);
    const sqliteStore = openSqliteEventStore({ file: path.join(dir, 'stepstone.db'), now: minuteClock() });
    const postgresStore = await openPostgresEventStore({ connectionString: database.url, now: minuteClock() });
    const onSqlite = await createProjections({ store: sqliteStore, batchPauseMs: 0 });
    const onPostgres = await createProjections({ store: postgresStore, batchPauseMs: 0 });
    try {
      await assertMapRunStory(sqliteStore, onSqlite, paced);
      await assertMapRunStory(postgresStore, onPostgres, paced);
      const expected = await onSqlite.snapshot();
      assert.equal(expected.read_map_runs.length, 1);
      assert.deepEqual((await onPostgres.snapshot()).read_map_runs, expected.read_map_runs);
      assert.deepEqual((await onPostgres.snapshot()).read_map_run_executions, expected.read_map_run_executions);
      await onPostgres.rebuild();
      assert.deepEqual((await onPostgres.snapshot()).read_map_run_executions, expected.read_map_run_executions);
      assert.deepEqual((await onPostgres.snapshot()).read_map_runs, expected.read_map_runs);
    } finally {
      await onSqlite.close();
      await onPostgres.close();
      await sqliteStore.close();
      await postgresStore.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
