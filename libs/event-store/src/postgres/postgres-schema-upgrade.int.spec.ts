import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { acquirePostgres, createTestDatabase } from '../../../../test/support/postgres';
import { verifyStore } from '../verify-store';
import { openPostgresEventStore } from './postgres-event-store';
import { APPEND_FUNCTION, STREAMS_TABLE } from './postgres-schema';

// A database written before migration 3 must open with today's code: the streams table gains
// each stream's last event type from the events already there (listStreamHeads relies on it for
// takeover), and appends go on from the stored heads. A v2 database is made by writing with
// today's store and then taking migration 3 back out, which is exactly what v2 had on disk: the
// same events and streams tables without last_type, and no append function.

let cluster: { readonly url: string; release(): Promise<void> } | undefined;
const clusterReady = acquirePostgres().then((acquired) => (cluster = acquired));
before(() => clusterReady);
after(async () => {
  await clusterReady.catch(() => {});
  await cluster?.release();
});

async function rewindToVersion2(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP FUNCTION ${APPEND_FUNCTION}`);
    await client.query(`ALTER TABLE ${STREAMS_TABLE} DROP COLUMN last_type`);
    await client.query(`UPDATE stepstone_schema_versions SET version = 2 WHERE component = 'event-store'`);
  } finally {
    await client.end();
  }
}

describe('PostgreSQL event store: upgrade of a database written before migration 3', () => {
  it('back-fills each stream\'s last event type and appends on from the stored heads', async () => {
    const database = await createTestDatabase((await clusterReady).url);
    try {
      const writer = await openPostgresEventStore({ connectionString: database.url });
      await writer.append({ streamId: 'execution-a', expectedRevision: 'no_stream', events: [{ type: 'ExecutionStarted', data: { n: 1 } }, { type: 'PassStateEntered', data: { n: 2 } }] });
      await writer.append({ streamId: 'execution-b', expectedRevision: 'no_stream', events: [{ type: 'ExecutionStarted', data: { n: 1 } }] });
      await writer.append({ streamId: 'execution-b', expectedRevision: 0, events: [{ type: 'ExecutionSucceeded', data: { n: 2 } }] });
      await writer.append({ streamId: 'other-c', expectedRevision: 'no_stream', events: [{ type: 'Something', data: {} }] });
      await writer.close();

      await rewindToVersion2(database.url);

      const upgraded = await openPostgresEventStore({ connectionString: database.url });
      try {
        assert.ok(upgraded.listStreamHeads, 'the PostgreSQL store lists stream heads');
        const heads = (await upgraded.listStreamHeads('execution-')).map((head) => ({ ...head }));
        heads.sort((left, right) => left.streamId.localeCompare(right.streamId));
        assert.deepEqual(heads, [
          { streamId: 'execution-a', revision: 1, lastType: 'PassStateEntered' },
          { streamId: 'execution-b', revision: 1, lastType: 'ExecutionSucceeded' },
        ]);
        // The stored heads (revision and hash) carry on: the expected revision is checked and the
        // hash chain continues unbroken across the upgrade.
        await assert.rejects(upgraded.append({ streamId: 'execution-a', expectedRevision: 0, events: [{ type: 'Late', data: {} }] }));
        await upgraded.append({ streamId: 'execution-a', expectedRevision: 1, events: [{ type: 'ExecutionSucceeded', data: { n: 3 } }] });
        assert.equal((await upgraded.listStreamHeads('execution-a')).at(0)?.lastType, 'ExecutionSucceeded');
        const report = await verifyStore(upgraded);
        assert.deepEqual(report.breaks, []);
        assert.equal(report.events, 6);
      } finally {
        await upgraded.close();
      }
    } finally {
      await database.drop();
    }
  });
});
