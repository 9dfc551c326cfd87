import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteDatabase } from '@stepstone/event-store';
import { openInMemoryEventStore, openSqliteEventStore, type EventStore } from '@stepstone/event-store';
import { deletedArn, deletingArn, versionedArn as arn, writeVersionAliasStory } from '../testing/version-alias-story';
import { createProjections, type Projections } from './projections';

for (const [label, open] of [
  ['in memory', () => ({ store: openInMemoryEventStore(), cleanup: () => {} })],
  [
    'on the SQLite file',
    () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'stepstone-versions-'));
      return { store: openSqliteEventStore({ file: path.join(dir, 'stepstone.db') }), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
    },
  ],
] as const) {
  describe(`version and alias read models (${label})`, () => {
    let store: EventStore;
    let projections: Projections;
    let cleanup: () => void;

    before(async () => {
      ({ store, cleanup } = open());
      projections = await createProjections({ store });
      const head = await writeVersionAliasStory(store);
      assert.equal(await projections.waitForPosition(head, 5000), true);
    });

    after(async () => {
      await projections.close();
      await store.close();
      cleanup();
    });

    it('keeps the versions still present, newest first, each with its own definition', async () => {
      assert.deepEqual((await projections.listStateMachineVersions({ machine: 'm' })).items.map((v) => [v.version, v.definition, v.revisionId]), [
        [2, 'd2', 'rev-2'],
        [1, 'd1', undefined],
      ]);
      assert.equal(await projections.getStateMachineVersion(`${arn}:3`), undefined);
      assert.equal((await projections.getStateMachineVersion(`${arn}:1`))?.name, 'm');
      const page = await projections.listStateMachineVersions({ machine: 'm', maxResults: 1 });
      assert.equal(page.items[0].version, 2);
      assert.equal((await projections.listStateMachineVersions({ machine: 'm', maxResults: 1, nextToken: page.nextToken })).items[0].version, 1);
    });

    it('folds aliases created, updated and deleted', async () => {
      assert.deepEqual((await projections.listStateMachineAliases({ machine: 'm' })).items.map((a) => a.name), ['prod']);
      const prod = await projections.getStateMachineAlias(`${arn}:prod`);
      assert.equal(prod?.description, 'live');
      assert.equal(prod?.creationDate, '2024-01-01T00:00:10.000Z');
      assert.equal(prod?.updateDate, '2024-01-01T00:00:12.000Z');
      assert.deepEqual(prod?.routingConfiguration, [{ stateMachineVersionArn: `${arn}:1`, weight: 100 }]);
      assert.equal(await projections.getStateMachineAlias(`${arn}:beta`), undefined);
    });

    it('lists executions by version or alias and counts the running ones', async () => {
      assert.deepEqual((await projections.listExecutions({ stateMachineArn: arn, stateMachineVersionArn: `${arn}:1` })).items.map((e) => e.name), ['a']);
      assert.deepEqual(
        (await projections.listExecutions({ stateMachineArn: arn, stateMachineAliasArn: `${arn}:prod` })).items.map((e) => [e.stateMachineAliasArn, e.stateMachineVersionArn]),
        [[`${arn}:prod`, `${arn}:1`]],
      );
      assert.deepEqual((await projections.listExecutions({ stateMachineArn: arn, stateMachineVersionArn: `${arn}:2`, statusFilter: 'SUCCEEDED' })).items, []);
      assert.deepEqual(
        (await projections.listExecutions({ stateMachineArn: arn, stateMachineAliasArn: `${arn}:prod`, statusFilter: 'SUCCEEDED' })).items.map((e) => e.name),
        ['a'],
      );
      const all = (await projections.listExecutions({ stateMachineArn: arn })).items;
      assert.equal(all.length, 3);
      assert.equal(all.find((e) => e.name === 'c')?.stateMachineVersionArn, undefined);
      assert.equal(await projections.countRunningExecutions(arn), 2);
      assert.equal(await projections.countRunningExecutions(deletingArn), 1);
    });

    it('shows DELETING, and drops a deleted machine with its versions and aliases', async () => {
      assert.equal((await projections.getStateMachine(deletingArn))?.status, 'DELETING');
      assert.equal((await projections.getStateMachine(arn))?.status, 'ACTIVE');
      assert.equal(await projections.getStateMachine(deletedArn), undefined);
      assert.deepEqual((await projections.listStateMachineVersions({ machine: 'x' })).items, []);
      assert.deepEqual((await projections.listStateMachineAliases({ machine: 'x' })).items, []);
    });

    it('audits publishing and aliasing under the machine they act on', async () => {
      const published = (await projections.queryAudit({ action: 'PublishStateMachineVersion' })).entries;
      assert.deepEqual(published.map((entry) => entry.resource), [arn, arn, arn, deletedArn]);
      assert.equal((await projections.queryAudit({ action: 'UpdateStateMachineAlias', resource: arn })).entries.length, 1);
      assert.equal((await projections.queryAudit({ action: 'DeleteStateMachine', resource: deletingArn })).entries.length, 1);
    });

    it('rebuilds to the same rows', async () => {
      const before = await projections.snapshot();
      assert.equal(before.read_state_machine_versions.length, 2);
      assert.equal(before.read_state_machine_aliases.length, 1);
      await projections.rebuild();
      assert.deepEqual(await projections.snapshot(), before);
    });
  });
}

describe('version and alias read models on a SQLite file an older build wrote', () => {
  it('gain their tables and columns on open and replay the feed into them', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stepstone-versions-upgrade-'));
    const file = path.join(dir, 'stepstone.db');
    try {
      let store = openSqliteEventStore({ file });
      let projections = await createProjections({ store });
      const head = await writeVersionAliasStory(store);
      assert.equal(await projections.waitForPosition(head, 5000), true);
      const expected = await projections.snapshot();
      await projections.close();
      await store.close();

      // The file as a build before versions left it: checkpoint at the head, none of their tables or columns.
      const db = new SqliteDatabase(file);
      db.exec(`
        DROP TABLE read_state_machine_versions;
        DROP TABLE read_state_machine_aliases;
        DROP INDEX read_executions_by_version;
        DROP INDEX read_executions_by_alias;
        ALTER TABLE read_executions DROP COLUMN state_machine_version_arn;
        ALTER TABLE read_executions DROP COLUMN state_machine_alias_arn;
      `);
      assert.equal(db.prepare<[], number>('SELECT max(position) FROM projection_checkpoints').pluck().get(), head);
      db.close();

      store = openSqliteEventStore({ file });
      projections = await createProjections({ store });
      try {
        assert.equal(await projections.waitForPosition(head, 5000), true);
        assert.deepEqual(await projections.snapshot(), expected);
        assert.equal((await projections.listExecutions({ stateMachineArn: arn, stateMachineVersionArn: `${arn}:1` })).items.length, 1);
      } finally {
        await projections.close();
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
