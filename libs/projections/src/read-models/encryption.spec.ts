import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openInMemoryEventStore, openSqliteEventStore, SqliteDatabase, type EventStore } from '@stepstone/event-store';
import { customerKey, encryptedArn, olderArn, writeEncryptionStory } from '../testing/encryption-story';
import { createProjections, type Projections } from './projections';

for (const [label, open] of [
  ['in memory', () => ({ store: openInMemoryEventStore(), cleanup: () => {} })],
  [
    'on the SQLite file',
    () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'stepstone-encryption-'));
      return { store: openSqliteEventStore({ file: path.join(dir, 'stepstone.db') }), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
    },
  ],
] as const) {
  describe(`encryptionConfiguration in the read models (${label})`, () => {
    let store: EventStore;
    let projections: Projections;
    let cleanup: () => void;

    before(async () => {
      ({ store, cleanup } = open());
      projections = await createProjections({ store });
      assert.equal(await projections.waitForPosition(await writeEncryptionStory(store), 5000), true);
    });

    after(async () => {
      await projections.close();
      await store.close();
      cleanup();
    });

    it("follows the machine's updates, and an update of something else keeps it", async () => {
      const machine = await projections.getStateMachine(encryptedArn);
      assert.deepEqual(machine?.encryptionConfiguration, { type: 'AWS_OWNED_KEY' });
      assert.equal(machine?.definition, 'd1');
    });

    it('keeps on each version the configuration it was published with', async () => {
      assert.deepEqual((await projections.getStateMachineVersion(`${encryptedArn}:1`))?.encryptionConfiguration, customerKey);
      assert.deepEqual((await projections.getStateMachineVersion(`${encryptedArn}:2`))?.encryptionConfiguration, { type: 'AWS_OWNED_KEY' });
    });

    it('reads events written before it was kept as an AWS owned key', async () => {
      assert.deepEqual((await projections.getStateMachine(olderArn))?.encryptionConfiguration, { type: 'AWS_OWNED_KEY' });
      assert.deepEqual((await projections.getStateMachineVersion(`${olderArn}:1`))?.encryptionConfiguration, { type: 'AWS_OWNED_KEY' });
    });

    it('rebuilds to the same rows', async () => {
      const before = await projections.snapshot();
      assert.equal(before.read_state_machines.length, 2);
      await projections.rebuild();
      assert.deepEqual(await projections.snapshot(), before);
    });
  });
}

describe('encryptionConfiguration on a SQLite file an older build wrote', () => {
  it('gains its columns on open', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stepstone-encryption-upgrade-'));
    const file = path.join(dir, 'stepstone.db');
    try {
      let store = openSqliteEventStore({ file });
      let projections = await createProjections({ store });
      assert.equal(await projections.waitForPosition(await writeEncryptionStory(store), 5000), true);
      const expected = await projections.snapshot();
      await projections.close();
      await store.close();

      const db = new SqliteDatabase(file);
      db.exec('ALTER TABLE read_state_machines DROP COLUMN encryption_configuration; ALTER TABLE read_state_machine_versions DROP COLUMN encryption_configuration;');
      db.close();

      store = openSqliteEventStore({ file });
      projections = await createProjections({ store });
      await projections.rebuild();
      assert.deepEqual(await projections.snapshot(), expected);
      assert.deepEqual((await projections.getStateMachineVersion(`${encryptedArn}:1`))?.encryptionConfiguration, customerKey);
      await projections.close();
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
