import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { acquirePostgres, createTestDatabase } from '../../../../test/support/postgres';
import type { RecordedEvent } from '../event-store';
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

/** The append function's arguments in migration 3; migration 4's overload adds the announced types. */
const VERSION_3_ARGUMENTS = 'text[], int[], int[], text[], int[], bigint[], int[], text[], text[], int[], int[], text[], text[], text[], text[], text[], text';
const VERSION_4_ARGUMENTS = `${VERSION_3_ARGUMENTS}, text[], text[]`;
/** Migration 5's overload is given the announcement, made by the client. */
const VERSION_5_ARGUMENTS = `${VERSION_3_ARGUMENTS}, text`;

async function rewindToVersion4(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP FUNCTION ${APPEND_FUNCTION}(${VERSION_5_ARGUMENTS})`);
    await client.query(`UPDATE stepstone_schema_versions SET version = 4 WHERE component = 'event-store'`);
  } finally {
    await client.end();
  }
}

async function rewindToVersion3(url: string): Promise<void> {
  await rewindToVersion4(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP FUNCTION ${APPEND_FUNCTION}(${VERSION_4_ARGUMENTS})`);
    await client.query(`UPDATE stepstone_schema_versions SET version = 3 WHERE component = 'event-store'`);
  } finally {
    await client.end();
  }
}

async function rewindToVersion2(url: string): Promise<void> {
  await rewindToVersion3(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP FUNCTION ${APPEND_FUNCTION}(${VERSION_3_ARGUMENTS})`);
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

// Migration 4 adds the append function that announces each commit in its NOTIFY, beside migration
// 3's (kept for processes of the previous build during a rolling upgrade). A v3 database is made
// by dropping the new overload, which is what v3 had.
describe('PostgreSQL event store: upgrade of a database written before migration 4', () => {
  it("opens, announces its commits, and a commit by migration 3's function still reaches a follower through the feed", async () => {
    const database = await createTestDatabase((await clusterReady).url);
    try {
      const first = await openPostgresEventStore({ connectionString: database.url });
      await first.append({ streamId: 'execution-a', expectedRevision: 'no_stream', events: [{ type: 'ExecutionStarted', data: {} }] });
      await first.close();
      await rewindToVersion3(database.url);

      const announcements = { types: ['ExecutionSucceeded'], payloadTypes: ['ActivityScheduled'] };
      const writer = await openPostgresEventStore({ connectionString: database.url, announcements });
      const follower = await openPostgresEventStore({ connectionString: database.url, announcements });
      const received: RecordedEvent[] = [];
      const subscription = follower.subscribe(1, (batch) => void received.push(...batch), {
        payloadTypes: ['ActivityScheduled'],
        latestPerStream: { types: ['ExecutionSucceeded'] },
      });
      const previousBuild = new pg.Client({ connectionString: database.url });
      await previousBuild.connect();
      try {
        await writer.append({ streamId: 'execution-a', expectedRevision: 0, events: [{ type: 'ActivityScheduled', data: { input: '{}' } }] });
        await waitUntil(() => received.length === 1);
        // What a process of the previous build sends: migration 3's function, which notifies the head alone.
        const answer = await previousBuild.query<{ o_statuses: number[] }>(
          `SELECT o_statuses FROM ${APPEND_FUNCTION}($1::text[], $2::int[], $3::int[], $4::text[], $5::int[], $6::bigint[], $7::int[], $8::text[], $9::text[],
                                                   $10::int[], $11::int[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17)`,
          [['execution-b'], [-1], [null], [null], [null], [null], [1], ['h1'], ['ExecutionSucceeded'], [1, 1], [0, 1], ['ExecutionStarted', 'ExecutionSucceeded'], ['{}', '{}'], ['{}', '{}'], ['h0', 'h1'], ['', 'h0'], new Date(0).toISOString()],
        );
        assert.deepEqual(answer.rows[0].o_statuses, [0]);
        await writer.append({ streamId: 'execution-a', expectedRevision: 1, events: [{ type: 'ExecutionSucceeded', data: {} }] });
        await waitUntil(() => received.length === 3);
        assert.deepEqual(
          received.map((event) => [event.position, event.streamId, event.type]),
          [
            [2, 'execution-a', 'ActivityScheduled'],
            [4, 'execution-b', 'ExecutionSucceeded'],
            [5, 'execution-a', 'ExecutionSucceeded'],
          ],
        );
        assert.deepEqual(received[0].data, { input: '{}' });
      } finally {
        subscription.close();
        await previousBuild.end();
        await writer.close();
        await follower.close();
      }
    } finally {
      await database.drop();
    }
  });
});

// Migration 5 adds the overload given its announcement by the client (events numbered within the
// commit), beside migration 4's. A process of the previous build announces with absolute
// positions; this build reads both, and the previous build reads this build's commits from the feed.
describe('PostgreSQL event store: upgrade of a database written before migration 5', () => {
  it("opens, announces its commits, and a follower of this build takes migration 4's announcements too", async () => {
    const database = await createTestDatabase((await clusterReady).url);
    try {
      const first = await openPostgresEventStore({ connectionString: database.url });
      await first.append({ streamId: 'execution-a', expectedRevision: 'no_stream', events: [{ type: 'ExecutionStarted', data: {} }] });
      await first.close();
      await rewindToVersion4(database.url);

      const announcements = { types: ['ExecutionSucceeded'], payloadTypes: ['ActivityScheduled'] };
      const writer = await openPostgresEventStore({ connectionString: database.url, announcements });
      const follower = await openPostgresEventStore({ connectionString: database.url, announcements });
      const received: RecordedEvent[] = [];
      const subscription = follower.subscribe(1, (batch) => void received.push(...batch), {
        payloadTypes: ['ActivityScheduled'],
        latestPerStream: { types: ['ExecutionSucceeded'] },
      });
      const previousBuild = new pg.Client({ connectionString: database.url });
      await previousBuild.connect();
      const payloads: string[] = [];
      await previousBuild.query('LISTEN stepstone_appended');
      previousBuild.on('notification', (message) => payloads.push(message.payload ?? ''));
      try {
        await writer.append({ streamId: 'execution-a', expectedRevision: 0, events: [{ type: 'ActivityScheduled', data: { input: '{}' } }] });
        await waitUntil(() => received.length === 1 && payloads.length === 1);
        // This build's commit: the announced events numbered from 1 within the commit.
        assert.deepEqual(JSON.parse(payloads[0]), { f: 2, l: 2, t: JSON.parse(payloads[0]).t, a: 'ExecutionSucceeded|ActivityScheduled', d: [[1, 'execution-a', 1, 'ActivityScheduled', '{"input":"{}"}']] });
        // What a process of the previous build sends: migration 4's function, absolute positions.
        const answer = await previousBuild.query<{ o_statuses: number[] }>(
          `SELECT o_statuses FROM ${APPEND_FUNCTION}($1::text[], $2::int[], $3::int[], $4::text[], $5::int[], $6::bigint[], $7::int[], $8::text[], $9::text[],
                                                   $10::int[], $11::int[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17,
                                                   $18::text[], $19::text[])`,
          [
            ['execution-b'], [-1], [null], [null], [null], [null], [1], ['h1'], ['ExecutionSucceeded'], [1, 1], [0, 1], ['ActivityScheduled', 'ExecutionSucceeded'],
            ['{"input":"b"}', '{}'], ['{}', '{}'], ['h0', 'h1'], ['', 'h0'], new Date(0).toISOString(), announcements.types, announcements.payloadTypes,
          ],
        );
        assert.deepEqual(answer.rows[0].o_statuses, [0]);
        await writer.append({ streamId: 'execution-a', expectedRevision: 1, events: [{ type: 'PassStateEntered', data: {} }, { type: 'ExecutionSucceeded', data: {} }] });
        await waitUntil(() => received.length === 4);
        assert.deepEqual(
          received.map((event) => [event.position, event.streamId, event.type]),
          [
            [2, 'execution-a', 'ActivityScheduled'],
            [3, 'execution-b', 'ActivityScheduled'],
            [4, 'execution-b', 'ExecutionSucceeded'],
            [6, 'execution-a', 'ExecutionSucceeded'],
          ],
        );
        assert.deepEqual(received[1].data, { input: 'b' });
        const head = await follower.headPosition();
        assert.equal(head, 6);
      } finally {
        subscription.close();
        await previousBuild.end();
        await writer.close();
        await follower.close();
      }
    } finally {
      await database.drop();
    }
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > timeoutMs) assert.fail('timed out waiting for the subscription');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
