import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { acquirePostgres, createTestDatabase } from '../../../../test/support/postgres';
import type { EventStore } from '../event-store';
import { describeEventStoreContract } from '../testing/event-store-contract';
import { verifyStore } from '../verify-store';
import { openKurrentDbEventStore } from './kurrentdb-event-store';

// The contract against a real KurrentDB, whenever KURRENTDB_CONNECTION_STRING names one (e.g.
// `docker compose up kurrentdb` and kurrentdb://127.0.0.1:2113?tls=false). Without it every test
// is reported SKIPPED with the reason, never passed. The position index lives in a PostgreSQL
// database of its own per test (the private cluster on 127.0.0.1); the KurrentDB streams of each
// test live under a namespace of their own, so tests share one KurrentDB without seeing each other.
const connectionString = process.env.KURRENTDB_CONNECTION_STRING;
const skip = connectionString
  ? undefined
  : 'no KurrentDB reachable: KURRENTDB_CONNECTION_STRING is not set (this machine has no Docker engine and no KurrentDB package)';

// Also without KurrentDB: the opening tests need a PostgreSQL that answers.
let cluster: { readonly url: string; release(): Promise<void> } | undefined;
const clusterReady = acquirePostgres().then((acquired) => (cluster = acquired));
before(() => clusterReady);
after(async () => {
  await clusterReady.catch(() => {});
  await cluster?.release();
});

/** A fresh store: a new PostgreSQL database for its index and a new namespace in KurrentDB. */
async function freshStore() {
  const database = await createTestDatabase((await clusterReady).url);
  const namespace = `t${randomUUID().replace(/-/g, '')}-`;
  const open = () => openKurrentDbEventStore({ connectionString: connectionString!, postgresUrl: database.url, namespace });
  return { database, open };
}

describeEventStoreContract(
  'kurrentdb',
  async () => {
    const { database, open } = await freshStore();
    return { store: await open(), reopen: open, cleanup: database.drop };
  },
  skip ? { skip } : {},
);

describe('KurrentDB event store: two store instances on one KurrentDB and one index', () => {
  it('appending to different streams from both: one gap-free global order, identical for both readers', { skip: skip ?? false }, async () => {
    const { database, open } = await freshStore();
    const a: EventStore = await open();
    const b: EventStore = await open();
    try {
      const write = async (store: EventStore, prefix: string) => {
        for (let index = 0; index < 20; index += 1) {
          await store.append({ streamId: `${prefix}-${index % 3}`, expectedRevision: 'any', events: [{ type: 'E', data: { index } }, { type: 'F', data: {} }] });
        }
      };
      await Promise.all([write(a, 'a'), write(b, 'b')]);
      const feedA = await a.readAll({ fromPosition: 0 });
      assert.deepEqual(
        feedA.map((event) => event.position),
        Array.from({ length: 80 }, (_, index) => index + 1),
      );
      assert.deepEqual(await b.readAll({ fromPosition: 0 }), feedA);
      for (let index = 0; index < feedA.length; index += 2) assert.deepEqual([feedA[index].type, feedA[index + 1].type], ['E', 'F']);
      assert.deepEqual((await verifyStore(a)).breaks, []);
    } finally {
      await a.close();
      await b.close();
      await database.drop();
    }
  });
});

describe('KurrentDB event store: opening', () => {
  it('fails fast, naming KurrentDB, when nothing listens at the address', async () => {
    const postgres = await createTestDatabase((await clusterReady).url);
    const started = performance.now();
    try {
      await assert.rejects(
        openKurrentDbEventStore({ connectionString: 'kurrentdb://127.0.0.1:1?tls=false', postgresUrl: postgres.url, connectTimeoutMs: 2000 }),
        /^Error: KurrentDB \(KURRENTDB_CONNECTION_STRING\): .*[Uu]navailable/,
      );
      assert.ok(performance.now() - started < 5000);
    } finally {
      await postgres.drop();
    }
  });

  it('fails fast, naming PostgreSQL, when its index database does not answer', async () => {
    await assert.rejects(
      openKurrentDbEventStore({ connectionString: 'kurrentdb://127.0.0.1:1?tls=false', postgresUrl: 'postgres://postgres@127.0.0.1:1/none', connectTimeoutMs: 2000 }),
      /^Error: PostgreSQL \(STEPSTONE_POSTGRES_URL\): .*ECONNREFUSED/,
    );
  });

  it('refuses a connection string that is not KurrentDB’s, before connecting to anything', async () => {
    await assert.rejects(
      openKurrentDbEventStore({ connectionString: 'http://127.0.0.1:2113', postgresUrl: 'postgres://postgres@127.0.0.1:1/none' }),
      /^Error: KURRENTDB_CONNECTION_STRING: .*expected kurrentdb:\/\//,
    );
  });
});
