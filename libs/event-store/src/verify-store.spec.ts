import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SqliteDatabase } from './sqlite/sqlite-driver';
import { computeEventHash, hashDefinition } from './hash-chain';
import { plainRecord } from './internal/recorded-event';
import { openSqliteEventStore } from './sqlite/sqlite-event-store';
import { StoreBreakReason, verifyStore } from './verify-store';

const scratch: string[] = [];
after(async () => {
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

/** A store file with two seeded streams: 'a' (4 events) and 'b' (2 events), interleaved. */
async function seededFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'stepstone-verify-'));
  scratch.push(dir);
  const file = join(dir, 'stepstone.db');
  const store = openSqliteEventStore({ file });
  const events = (...names: string[]) => names.map((name) => ({ type: name, data: { name }, metadata: { actor: 'engine' } }));
  await store.append({ streamId: 'a', expectedRevision: 'no_stream', chainSeed: hashDefinition('def-a'), events: events('A0', 'A1') });
  await store.append({ streamId: 'b', expectedRevision: 'no_stream', chainSeed: hashDefinition('def-b'), events: events('B0') });
  await store.append({ streamId: 'a', expectedRevision: 1, events: events('A2', 'A3') });
  await store.append({ streamId: 'b', expectedRevision: 0, events: events('B1') });
  await store.close();
  return file;
}

/** Runs SQL on the file behind the store's back, as someone with write access to it could. */
function tamper(file: string, sql: string, ...params: unknown[]): void {
  const db = new SqliteDatabase(file);
  try {
    assert.equal(db.prepare(sql).run(...params).changes, 1, `tampering changed one row: ${sql}`);
  } finally {
    db.close();
  }
}

async function verifyFile(file: string, streamIds?: string[]) {
  const store = openSqliteEventStore({ file });
  try {
    const seeds = { a: [hashDefinition('def-a')], b: [hashDefinition('def-b')] } as Record<string, string[]>;
    return await verifyStore(store, { ...(streamIds ? { streamIds } : {}), expectedSeeds: async (streamId) => seeds[streamId] });
  } finally {
    await store.close();
  }
}

describe('verifyStore', () => {
  it('finds nothing wrong in an untouched store', async () => {
    const result = await verifyFile(await seededFile());
    assert.deepEqual(result, { streams: 2, events: 6, breaks: [] });
  });

  it('reports an event whose data was edited in the file: stream, revision, expected and found hash', async () => {
    const file = await seededFile();
    tamper(file, `UPDATE events SET data = '{"name":"forged"}' WHERE stream_id = 'a' AND revision = 2`);
    const { breaks } = await verifyFile(file);
    assert.equal(breaks.length, 1);
    const [broken] = breaks;
    assert.equal(broken.streamId, 'a');
    assert.equal(broken.revision, 2);
    assert.equal(broken.reason, StoreBreakReason.HashMismatch);
    assert.equal(broken.found, broken.event?.hash);
    assert.equal(broken.expected, computeEventHash({ ...plainRecord(broken.event!), data: { name: 'forged' } }));
    assert.notEqual(broken.expected, broken.found);
  });

  it('reports an edit of the metadata (who caused the event) too', async () => {
    const file = await seededFile();
    tamper(file, `UPDATE events SET metadata = '{"actor":"someone-else"}' WHERE stream_id = 'b' AND revision = 0`);
    const { breaks } = await verifyFile(file, ['b']);
    assert.deepEqual(
      breaks.map((broken) => [broken.streamId, broken.revision, broken.reason]),
      [['b', 0, 'hash-mismatch']],
    );
  });

  it('reports a deleted event in the middle of a stream as a revision gap, and the hole in global positions', async () => {
    const file = await seededFile();
    tamper(file, `DELETE FROM events WHERE stream_id = 'a' AND revision = 1`);
    const { breaks } = await verifyFile(file);
    assert.deepEqual(
      breaks.map((broken) => [broken.streamId, broken.revision, broken.reason, broken.expected, broken.found]),
      [
        ['b', 0, 'position-gap', 'position 2', 'position 3'],
        ['a', 2, 'revision-gap', '1', '2'],
      ],
    );
  });

  it('reports a deleted last event through the stream head the store keeps', async () => {
    const file = await seededFile();
    tamper(file, `DELETE FROM events WHERE stream_id = 'a' AND revision = 3`);
    const { breaks } = await verifyFile(file, ['a']);
    assert.deepEqual(
      breaks.map((broken) => [broken.streamId, broken.revision, broken.reason, broken.expected, broken.found]),
      [['a', 3, 'missing-events', 'revisions 0..3', 'revisions 0..2']],
    );
  });

  it('reports a deleted first event, and a chain re-linked by hand that no longer starts at its definition', async () => {
    const file = await seededFile();
    tamper(file, `DELETE FROM events WHERE stream_id = 'b' AND revision = 0`);
    assert.deepEqual(
      (await verifyFile(file, ['b'])).breaks.map((broken) => [broken.revision, broken.reason, broken.expected, broken.found]),
      [[0, 'revision-gap', '0', '1']],
    );

    // Someone who knows the formula rewrites stream a from a forged definition, recomputing
    // every hash: each link holds, but the first no longer names the definition's hash.
    const forged = await seededFile();
    const db = new SqliteDatabase(forged);
    const rows = db.prepare(`SELECT * FROM events WHERE stream_id = 'a' ORDER BY revision`).all() as Array<Record<string, any>>;
    let previous = hashDefinition('forged definition');
    for (const row of rows) {
      const hash = computeEventHash({ previousHash: previous, streamId: 'a', revision: row.revision, type: row.type, data: JSON.parse(row.data), metadata: JSON.parse(row.metadata) });
      db.prepare('UPDATE events SET hash = ?, previous_hash = ? WHERE position = ?').run(hash, previous, row.position);
      previous = hash;
    }
    db.close();
    const { breaks } = await verifyFile(forged, ['a']);
    assert.deepEqual(
      breaks.map((broken) => [broken.revision, broken.reason, broken.expected, broken.found]),
      [[0, 'seed-mismatch', hashDefinition('def-a'), hashDefinition('forged definition')]],
    );
  });

  it('reports a stream the caller names that has no events', async () => {
    const { breaks } = await verifyFile(await seededFile(), ['nowhere']);
    assert.deepEqual(
      breaks.map((broken) => [broken.streamId, broken.reason]),
      [['nowhere', 'missing-events']],
    );
  });
});
