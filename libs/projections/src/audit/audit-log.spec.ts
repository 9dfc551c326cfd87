import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { hashDefinition, openSqliteEventStore, verifyStore, type SqliteEventStore } from '@stepstone/event-store';
import { createProjections } from '../read-models/projections';
import { definition, historyEvent, machineArn, runArn, writeStory } from '../testing/read-model-story';
import { stepstoneChainSeeds } from './chain-seeds';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A store whose commits are stamped one minute apart from 2024-01-01T00:00Z. */
function openStore(): SqliteEventStore {
  const dir = mkdtempSync(path.join(tmpdir(), 'stepstone-audit-'));
  dirs.push(dir);
  let minute = 0;
  return openSqliteEventStore({ file: path.join(dir, 'stepstone.db'), now: () => new Date(Date.UTC(2024, 0, 1, 0, minute++)) });
}

describe('audit read model', () => {
  it('keeps one row per API action, with the caller, the ARN acted on and when', async () => {
    const store = openStore();
    const projections = await createProjections({ store });
    try {
      await writeStory(store);
      assert.ok(await projections.waitForPosition(await store.headPosition()));
      const { entries, nextPosition } = await projections.queryAudit({});
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
      await projections.close();
      await store.close();
    }
  });

  it('filters by time range, actor, resource (exact or prefix*) and action, and pages', async () => {
    const store = openStore();
    const projections = await createProjections({ store });
    try {
      await writeStory(store);
      await projections.waitForPosition(await store.headPosition());
      const actions = async (query: Parameters<typeof projections.queryAudit>[0]) => (await projections.queryAudit(query)).entries.map((entry) => entry.action);
      assert.deepEqual(await actions({ actor: 'AKIDBOB' }), ['UpdateStateMachine', 'SendTaskSuccess', 'RedriveExecution', 'DeleteStateMachine']);
      assert.deepEqual(await actions({ since: '2024-01-01T00:02:00.000Z', until: '2024-01-01T00:05:00.000Z' }), ['StartExecution', 'SendTaskSuccess']);
      assert.deepEqual(await actions({ resource: runArn }), ['StartExecution', 'SendTaskSuccess', 'StopExecution', 'RedriveExecution']);
      assert.deepEqual((await actions({ resource: 'arn:aws:states:us-east-1:123456789012:execution:orders:*' })).length, 4);
      assert.deepEqual(await actions({ resource: 'arn:aws:states:us-east-1:123456789012:execution:order_:*' }), [], 'no LIKE wildcards');
      assert.deepEqual(await actions({ action: 'StopExecution', actor: 'AKIDBOB' }), []);
      const first = await projections.queryAudit({ limit: 3 });
      assert.equal(first.entries.length, 3);
      const second = await projections.queryAudit({ limit: 3, afterPosition: first.nextPosition });
      assert.deepEqual(second.entries.map((entry) => entry.action), ['SendTaskSuccess', 'StopExecution', 'RedriveExecution']);
    } finally {
      await projections.close();
      await store.close();
    }
  });

  it('is rebuilt from position zero with identical rows', async () => {
    const store = openStore();
    const projections = await createProjections({ store });
    try {
      await writeStory(store);
      await projections.waitForPosition(await store.headPosition());
      const before = await projections.snapshot();
      assert.equal(before.read_audit.length, 8);
      store.database.prepare('DELETE FROM read_audit WHERE action = ?').run('StartExecution');
      await projections.rebuild();
      assert.deepEqual(await projections.snapshot(), before);
    } finally {
      await projections.close();
      await store.close();
    }
  });

  it('fills the audit table of a file whose read models an older build wrote (replays from zero)', async () => {
    const store = openStore();
    try {
      const first = await createProjections({ store });
      await writeStory(store);
      await first.waitForPosition(await store.headPosition());
      const expected = await first.snapshot();
      await first.close();
      store.database.exec('DROP TABLE read_audit');
      const reopened = await createProjections({ store });
      await reopened.waitForPosition(await store.headPosition());
      assert.deepEqual(await reopened.snapshot(), expected);
      await reopened.close();
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
