import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { hashDefinition, openSqliteEventStore, verifyStore, type NewEvent, type SqliteEventStore } from '@stepstone/event-store';
import { createProjections } from '../read-models/projections';
import { stepstoneChainSeeds } from './chain-seeds';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const machineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:orders';
const runArn = 'arn:aws:states:us-east-1:123456789012:execution:orders:run-1';
const definition = '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}';
const alice = { actor: 'AKIDALICE', sourceIp: '10.0.0.1', requestId: 'r1' };
const bob = { actor: 'AKIDBOB', sourceIp: '10.0.0.2', requestId: 'r2' };

/** A store whose commits are stamped one minute apart from 2024-01-01T00:00Z. */
function openStore(): SqliteEventStore {
  const dir = mkdtempSync(path.join(tmpdir(), 'stepstone-audit-'));
  dirs.push(dir);
  let minute = 0;
  return openSqliteEventStore({ file: path.join(dir, 'stepstone.db'), now: () => new Date(Date.UTC(2024, 0, 1, 0, minute++)) });
}

const historyEvent = (type: string, id: number, details: Record<string, unknown> = {}, x: Record<string, unknown> = {}) => ({
  type,
  id,
  previousEventId: id - 1,
  timestamp: '2024-01-01T00:00:00.000Z',
  ...details,
  x: { v: 1, th: '0', ...x },
});

/** The story every test reads: create, update, start (with a first state), task results, stop, tag, delete. */
async function writeStory(store: SqliteEventStore): Promise<void> {
  const with_ = (metadata: Record<string, unknown>, ...events: Array<{ type: string; data: unknown }>): NewEvent[] => events.map((event) => ({ ...event, metadata }));
  await store.append({
    streamId: 'state-machine-orders',
    expectedRevision: 'no_stream',
    chainSeed: hashDefinition(definition),
    events: with_(alice, {
      type: 'StateMachineCreated',
      data: { v: 1, stateMachineArn: machineArn, name: 'orders', type: 'STANDARD', definition, roleArn: 'r', loggingConfiguration: { level: 'OFF', includeExecutionData: false }, tracingConfiguration: { enabled: false }, tags: [], creationDate: 'c', revisionId: 'rev-1' },
    }),
  });
  await store.append({
    streamId: 'state-machine-orders',
    expectedRevision: 0,
    events: with_(bob, { type: 'StateMachineUpdated', data: { v: 1, roleArn: 'r2', updateDate: 'u', revisionId: 'rev-2' } }),
  });
  await store.append({
    streamId: 'execution-orders:run-1',
    expectedRevision: 'no_stream',
    chainSeed: hashDefinition(definition),
    events: with_(
      alice,
      { type: 'ExecutionStarted', data: historyEvent('ExecutionStarted', 1, { executionStartedEventDetails: { input: '{}' } }, { start: { executionArn: runArn, stateMachineArn: machineArn, name: 'run-1', type: 'STANDARD', definition } }) },
      { type: 'TaskStateEntered', data: historyEvent('TaskStateEntered', 2, { stateEnteredEventDetails: { name: 'P', input: '{}' } }) },
    ),
  });
  // A task result an integration reported (the engine's), then one a worker sent through the API.
  await store.append({ streamId: 'execution-orders:run-1', expectedRevision: 1, events: [{ type: 'TaskFailed', data: historyEvent('TaskFailed', 3, { taskFailedEventDetails: { error: 'E1' } }), metadata: { actor: 'engine' } }] });
  await store.append({
    streamId: 'execution-orders:run-1',
    expectedRevision: 2,
    events: with_({ ...bob, requestId: 'r3' }, { type: 'TaskSucceeded', data: historyEvent('TaskSucceeded', 4, { taskSucceededEventDetails: { resource: 'activity', output: '{}' } }) }),
  });
  await store.append({
    streamId: 'execution-orders:run-1',
    expectedRevision: 3,
    events: with_(
      { ...alice, requestId: 'r4' },
      { type: 'TaskStateAborted', data: historyEvent('TaskStateAborted', 5) },
      { type: 'ExecutionAborted', data: historyEvent('ExecutionAborted', 6, { executionAbortedEventDetails: { error: 'Halt' } }) },
    ),
  });
  await store.append({ streamId: 'execution-orders:run-1', expectedRevision: 5, events: with_({ ...bob, requestId: 'r5' }, { type: 'ExecutionRedriven', data: historyEvent('ExecutionRedriven', 7, { executionRedrivenEventDetails: { redriveCount: 1 } }) }) });
  await store.append({ streamId: 'state-machine-orders', expectedRevision: 1, events: with_(alice, { type: 'StateMachineTagged', data: { v: 1, tags: [{ key: 'team', value: 'x' }] } }) });
  await store.append({ streamId: 'state-machine-orders', expectedRevision: 2, events: with_(bob, { type: 'StateMachineDeleted', data: { v: 1, deletionDate: 'd' } }) });
}

describe('audit read model', () => {
  it('keeps one row per API action, with the caller, the ARN acted on and when', async () => {
    const store = openStore();
    const projections = createProjections({ store });
    try {
      await writeStory(store);
      assert.ok(await projections.waitForPosition(await store.headPosition()));
      const { entries, nextPosition } = projections.queryAudit({});
      assert.equal(nextPosition, undefined);
      assert.deepEqual(
        entries.map((entry) => [entry.actor, entry.action, entry.resource, entry.time]),
        [
          ['AKIDALICE', 'CreateStateMachine', machineArn, '2024-01-01T00:00:00.000Z'],
          ['AKIDBOB', 'UpdateStateMachine', machineArn, '2024-01-01T00:01:00.000Z'],
          ['AKIDALICE', 'StartExecution', runArn, '2024-01-01T00:02:00.000Z'],
          ['AKIDBOB', 'SendTaskSuccess', runArn, '2024-01-01T00:04:00.000Z'],
          ['AKIDALICE', 'StopExecution', runArn, '2024-01-01T00:05:00.000Z'],
          ['AKIDBOB', 'RedriveExecution', runArn, '2024-01-01T00:06:00.000Z'],
          ['AKIDALICE', 'TagResource', machineArn, '2024-01-01T00:07:00.000Z'],
          ['AKIDBOB', 'DeleteStateMachine', machineArn, '2024-01-01T00:08:00.000Z'],
        ],
      );
      const stop = entries.find((entry) => entry.action === 'StopExecution');
      assert.deepEqual(stop && { sourceIp: stop.sourceIp, requestId: stop.requestId, eventType: stop.eventType, details: stop.details }, {
        sourceIp: '10.0.0.1',
        requestId: 'r4',
        eventType: 'ExecutionAborted',
        details: { error: 'Halt' },
      });
      assert.deepEqual(entries[1].details, { changed: ['roleArn'] });
    } finally {
      projections.close();
      await store.close();
    }
  });

  it('filters by time range, actor, resource (exact or prefix*) and action, and pages', async () => {
    const store = openStore();
    const projections = createProjections({ store });
    try {
      await writeStory(store);
      await projections.waitForPosition(await store.headPosition());
      const actions = (query: Parameters<typeof projections.queryAudit>[0]) => projections.queryAudit(query).entries.map((entry) => entry.action);
      assert.deepEqual(actions({ actor: 'AKIDBOB' }), ['UpdateStateMachine', 'SendTaskSuccess', 'RedriveExecution', 'DeleteStateMachine']);
      assert.deepEqual(actions({ since: '2024-01-01T00:02:00.000Z', until: '2024-01-01T00:05:00.000Z' }), ['StartExecution', 'SendTaskSuccess']);
      assert.deepEqual(actions({ resource: runArn }), ['StartExecution', 'SendTaskSuccess', 'StopExecution', 'RedriveExecution']);
      assert.deepEqual(actions({ resource: 'arn:aws:states:us-east-1:123456789012:execution:orders:*' }).length, 4);
      assert.deepEqual(actions({ resource: 'arn:aws:states:us-east-1:123456789012:execution:order_:*' }), [], 'no LIKE wildcards');
      assert.deepEqual(actions({ action: 'StopExecution', actor: 'AKIDBOB' }), []);
      const first = projections.queryAudit({ limit: 3 });
      assert.equal(first.entries.length, 3);
      const second = projections.queryAudit({ limit: 3, afterPosition: first.nextPosition });
      assert.deepEqual(second.entries.map((entry) => entry.action), ['SendTaskSuccess', 'StopExecution', 'RedriveExecution']);
    } finally {
      projections.close();
      await store.close();
    }
  });

  it('is rebuilt from position zero with identical rows', async () => {
    const store = openStore();
    const projections = createProjections({ store });
    try {
      await writeStory(store);
      await projections.waitForPosition(await store.headPosition());
      const before = projections.snapshot();
      assert.equal(before.read_audit.length, 8);
      store.database.prepare('DELETE FROM read_audit WHERE action = ?').run('StartExecution');
      await projections.rebuild();
      assert.deepEqual(projections.snapshot(), before);
    } finally {
      projections.close();
      await store.close();
    }
  });

  it('fills the audit table of a file whose read models an older build wrote (replays from zero)', async () => {
    const store = openStore();
    try {
      const first = createProjections({ store });
      await writeStory(store);
      await first.waitForPosition(await store.headPosition());
      const expected = first.snapshot();
      first.close();
      store.database.exec('DROP TABLE read_audit');
      const reopened = createProjections({ store });
      await reopened.waitForPosition(await store.headPosition());
      assert.deepEqual(reopened.snapshot(), expected);
      reopened.close();
    } finally {
      await store.close();
    }
  });
});

describe('stepstoneChainSeeds', () => {
  it('accepts the chains Stepstone writes and rejects an execution whose definition its state machine never held', async () => {
    const store = openStore();
    try {
      await writeStory(store);
      assert.deepEqual((await verifyStore(store, { expectedSeeds: stepstoneChainSeeds(store) })).breaks, []);
      await store.append({
        streamId: 'execution-orders:forged',
        expectedRevision: 'no_stream',
        chainSeed: hashDefinition('{"other":true}'),
        events: [{ type: 'ExecutionStarted', data: historyEvent('ExecutionStarted', 1, {}, { start: { executionArn: `${runArn}x`, stateMachineArn: machineArn, name: 'x', type: 'STANDARD', definition: '{"other":true}' } }) }],
      });
      const { breaks } = await verifyStore(store, { expectedSeeds: stepstoneChainSeeds(store) });
      assert.deepEqual(
        breaks.map((broken) => [broken.streamId, broken.reason, broken.expected, broken.found]),
        [['execution-orders:forged', 'seed-mismatch', hashDefinition(definition), hashDefinition('{"other":true}')]],
      );
    } finally {
      await store.close();
    }
  });
});
