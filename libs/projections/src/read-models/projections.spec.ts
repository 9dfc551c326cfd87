import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openInMemoryEventStore, openSqliteEventStore, type EventStore, type NewEvent } from '@stepstone/event-store';
import { createProjections, type Projections } from './projections';
import { stateMachineEventProblem, stateMachineStreamId, type StateMachineEvent } from '../events/state-machine-events';
import { assertNameSearchAndCounts, writeNamedExecutions } from '../testing/read-model-story';

const arn = (name: string) => `arn:aws:states:us-east-1:123456789012:stateMachine:${name}`;
const executionArn = (machine: string, name: string) => `arn:aws:states:us-east-1:123456789012:execution:${machine}:${name}`;

function created(name: string, second: number): StateMachineEvent {
  return {
    type: 'StateMachineCreated',
    data: {
      v: 1,
      stateMachineArn: arn(name),
      name,
      type: 'STANDARD',
      definition: '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}',
      roleArn: 'arn:aws:iam::123456789012:role/r',
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
      tags: [{ key: 'team', value: 'a' }],
      creationDate: `2024-01-01T00:00:${String(second).padStart(2, '0')}.000Z`,
      revisionId: `rev-${name}`,
    },
  };
}

/** Execution events as the engine stores them: AWS's history shape plus `x`. */
function executionStarted(machine: string, name: string, second: number): NewEvent {
  return {
    type: 'ExecutionStarted',
    data: {
      type: 'ExecutionStarted',
      id: 1,
      previousEventId: 0,
      timestamp: `2024-01-02T00:00:${String(second).padStart(2, '0')}.000Z`,
      executionStartedEventDetails: { input: `{"n":${second}}`, inputDetails: { truncated: false } },
      x: { v: 1, th: '0', start: { executionArn: executionArn(machine, name), stateMachineArn: arn(machine), name, type: 'STANDARD', definition: '{}' } },
    },
  };
}

function executionSucceeded(second: number): NewEvent {
  return {
    type: 'ExecutionSucceeded',
    data: {
      type: 'ExecutionSucceeded',
      id: 2,
      previousEventId: 1,
      timestamp: `2024-01-02T00:01:${String(second).padStart(2, '0')}.000Z`,
      executionSucceededEventDetails: { output: '{"ok":true}', outputDetails: { truncated: false } },
      x: { v: 1, th: '0' },
    },
  };
}

async function seed(store: EventStore): Promise<number> {
  let position = 0;
  const appendMachine = async (name: string, events: StateMachineEvent[], expected: number | 'no_stream') =>
    (position = (await store.append({ streamId: stateMachineStreamId(name), expectedRevision: expected, events })).position);
  await appendMachine('alpha', [created('alpha', 1)], 'no_stream');
  await appendMachine('beta', [created('beta', 2)], 'no_stream');
  await appendMachine('gone', [created('gone', 3), { type: 'StateMachineDeleted', data: { v: 1, deletionDate: '2024-01-01T00:00:04.000Z' } }], 'no_stream');
  await appendMachine(
    'alpha',
    [
      { type: 'StateMachineUpdated', data: { v: 1, definition: '{"changed":true}', updateDate: '2024-01-01T00:00:05.000Z', revisionId: 'rev-2' } },
      { type: 'StateMachineTagged', data: { v: 1, tags: [{ key: 'env', value: 'dev' }, { key: 'team', value: 'b' }] } },
      { type: 'StateMachineUntagged', data: { v: 1, tagKeys: ['env'] } },
    ],
    0,
  );
  for (let i = 1; i <= 5; i += 1) {
    const streamId = `execution-alpha:run-${i}`;
    const events = i % 2 === 0 ? [executionStarted('alpha', `run-${i}`, i), executionSucceeded(i)] : [executionStarted('alpha', `run-${i}`, i)];
    position = (await store.append({ streamId, expectedRevision: 'no_stream', events })).position;
  }
  return position;
}

describe('projections on the SQLite store', () => {
  let dir: string;
  let store: ReturnType<typeof openSqliteEventStore>;
  let projections: Projections;
  let head: number;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'stepstone-projections-'));
    store = openSqliteEventStore({ file: path.join(dir, 'stepstone.db') });
    projections = await createProjections({ store });
    head = await seed(store);
    assert.equal(await projections.waitForPosition(head, 5000), true);
  });

  after(async () => {
    await projections.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('folds created, updated, tagged, untagged and deleted state machines', async () => {
    const alpha = await projections.getStateMachine(arn('alpha'));
    assert.equal(alpha?.definition, '{"changed":true}');
    assert.equal(alpha?.updateDate, '2024-01-01T00:00:05.000Z');
    assert.equal(alpha?.revisionId, 'rev-2');
    assert.deepEqual(alpha?.tags, [{ key: 'team', value: 'b' }]);
    assert.equal(await projections.getStateMachine(arn('gone')), undefined);
    assert.deepEqual(
      (await projections.listStateMachines()).items.map((m) => m.name),
      ['alpha', 'beta'],
    );
  });

  it('pages state machines with maxResults and nextToken', async () => {
    const first = await projections.listStateMachines({ maxResults: 1 });
    assert.deepEqual(first.items.map((m) => m.name), ['alpha']);
    assert.ok(first.nextToken);
    const second = await projections.listStateMachines({ maxResults: 1, nextToken: first.nextToken });
    assert.deepEqual(second.items.map((m) => m.name), ['beta']);
    assert.equal(second.nextToken, undefined);
  });

  it('lists executions newest first, filtered by status and paged', async () => {
    const all = await projections.listExecutions({ stateMachineArn: arn('alpha') });
    assert.deepEqual(all.items.map((e) => e.name), ['run-5', 'run-4', 'run-3', 'run-2', 'run-1']);
    const succeeded = await projections.listExecutions({ stateMachineArn: arn('alpha'), statusFilter: 'SUCCEEDED' });
    assert.deepEqual(succeeded.items.map((e) => e.name), ['run-4', 'run-2']);
    const page1 = await projections.listExecutions({ stateMachineArn: arn('alpha'), maxResults: 2 });
    const page2 = await projections.listExecutions({ stateMachineArn: arn('alpha'), maxResults: 2, nextToken: page1.nextToken });
    const page3 = await projections.listExecutions({ stateMachineArn: arn('alpha'), maxResults: 2, nextToken: page2.nextToken });
    assert.deepEqual([...page1.items, ...page2.items, ...page3.items].map((e) => e.name), ['run-5', 'run-4', 'run-3', 'run-2', 'run-1']);
    assert.equal(page3.nextToken, undefined);
  });

  it('describes an execution with its input, output and dates', async () => {
    const run = await projections.describeExecution(executionArn('alpha', 'run-2'));
    assert.deepEqual(run, {
      executionArn: executionArn('alpha', 'run-2'),
      stateMachineArn: arn('alpha'),
      name: 'run-2',
      type: 'STANDARD',
      status: 'SUCCEEDED',
      startDate: '2024-01-02T00:00:02.000Z',
      stopDate: '2024-01-02T00:01:02.000Z',
      input: '{"n":2}',
      output: '{"ok":true}',
      redriveCount: 0,
    });
  });

  it('reopens a redriven execution: RUNNING again, closing fields cleared, redrive count and date kept', async () => {
    const { position } = await store.append({
      streamId: 'execution-alpha:run-2',
      expectedRevision: 'any',
      events: [
        {
          type: 'ExecutionRedriven',
          data: { type: 'ExecutionRedriven', id: 3, previousEventId: 2, timestamp: '2024-01-03T00:00:00.000Z', executionRedrivenEventDetails: { redriveCount: 1 }, x: { v: 1, th: '0' } },
        },
      ],
    });
    assert.equal(await projections.waitForPosition(position), true);
    head = position; // the later checkpoint and rebuild specs include this event
    const redriven = await projections.describeExecution(executionArn('alpha', 'run-2'));
    assert.equal(redriven?.status, 'RUNNING');
    assert.equal(redriven?.stopDate, undefined);
    assert.equal(redriven?.output, undefined);
    assert.equal(redriven?.redriveCount, 1);
    assert.equal(redriven?.redriveDate, '2024-01-03T00:00:00.000Z');
  });

  it('rejects a pagination token it did not issue', async () => {
    await assert.rejects(projections.listExecutions({ stateMachineArn: arn('alpha'), nextToken: 'not-a-token' }), { name: 'InvalidPageTokenError' });
  });

  it('keeps its checkpoint in the same file and resumes from it', async () => {
    assert.equal(projections.position(), head);
    const reopened = await createProjections({ store, name: 'read-models' });
    try {
      assert.equal(reopened.position(), head);
    } finally {
      await reopened.close();
    }
  });

  it('rebuilds from position zero into identical tables', async () => {
    const before = await projections.snapshot();
    assert.equal(before.read_executions.length, 5);
    await projections.rebuild();
    assert.equal(projections.position(), head);
    assert.deepEqual(await projections.snapshot(), before);
  });

  it('waitForPosition resolves once a later append is applied', async () => {
    const appended = await store.append({ streamId: stateMachineStreamId('delta'), expectedRevision: 'no_stream', events: [created('delta', 9)] });
    assert.equal(await projections.waitForPosition(appended.position, 5000), true);
    assert.equal((await projections.getStateMachine(arn('delta')))?.name, 'delta');
  });
});

describe("the console's name search and counts on the SQLite store", () => {
  it('find names containing a text whatever its case, % and _ literal, and count executions per machine and status', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stepstone-projections-'));
    const store = openSqliteEventStore({ file: path.join(dir, 'stepstone.db') });
    const projections = await createProjections({ store });
    try {
      assert.deepEqual(await projections.countExecutionsByStatus(), [], 'no executions, no counts');
      await writeNamedExecutions(store);
      assert.equal(await projections.waitForPosition(await store.headPosition(), 5000), true);
      await assertNameSearchAndCounts(projections);
    } finally {
      await projections.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('projections batching commits once caught up', () => {
  it('let commits made during the pause share one batch, and end the pause for a reader at once', async () => {
    const store = openInMemoryEventStore();
    const batches: number[] = [];
    // Count the batches handed to the projections.
    const subscribe = store.subscribe.bind(store);
    store.subscribe = (fromPosition, onEvents, options) =>
      subscribe(
        fromPosition,
        (events) => {
          batches.push(events.length);
          return onEvents(events);
        },
        options,
      );
    const projections = await createProjections({ store, batchPauseMs: 60_000 });
    try {
      const first = await store.append({ streamId: 'execution-alpha:one', expectedRevision: 'no_stream', events: [executionStarted('alpha', 'one', 1)] });
      assert.equal(await projections.waitForPosition(first.position, 5000), true);
      // Now paused for a minute: three commits gather, and a reader's wait ends the pause.
      let position = first.position;
      for (const name of ['two', 'three', 'four']) {
        position = (await store.append({ streamId: `execution-alpha:${name}`, expectedRevision: 'no_stream', events: [executionStarted('alpha', name, 2)] })).position;
      }
      const waited = performance.now();
      assert.equal(await projections.waitForPosition(position, 5000), true);
      assert.ok(performance.now() - waited < 1000, 'the reader did not wait for the pause to end');
      assert.deepEqual(batches, [1, 3]);
      assert.deepEqual(
        (await projections.listExecutions({ stateMachineArn: arn('alpha') })).items.map((e) => e.name).sort(),
        ['four', 'one', 'three', 'two'],
      );
    } finally {
      await projections.close();
      await store.close();
    }
  });
});

describe('projections on the in-memory store', () => {
  it('keep their tables in an in-memory SQLite database and rebuild identically', async () => {
    const store = openInMemoryEventStore();
    const projections = await createProjections({ store });
    try {
      const head = await seed(store);
      assert.equal(await projections.waitForPosition(head, 5000), true);
      const before = await projections.snapshot();
      assert.equal(before.read_state_machines.length, 2);
      await projections.rebuild();
      assert.deepEqual(await projections.snapshot(), before);
    } finally {
      await projections.close();
      await store.close();
    }
  });
});

describe('an event the read models cannot apply', () => {
  it('is recorded and skipped; every other stream is still projected', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stepstone-projections-'));
    const store = openSqliteEventStore({ file: path.join(dir, 'stepstone.db') });
    const logged: unknown[] = [];
    const projections = await createProjections({ store, onError: (error) => logged.push(error) });
    try {
      await store.append({ streamId: stateMachineStreamId('before'), expectedRevision: 'no_stream', events: [created('before', 1)] });
      // Written past the edge's checks, as the issue's `constructor` bypass once did.
      const broken = { type: 'StateMachineCreated', data: { v: 1, name: 'broken', tags: 'not a list', creationDate: 5 } } as unknown as StateMachineEvent;
      await store.append({ streamId: stateMachineStreamId('broken'), expectedRevision: 'no_stream', events: [broken] });
      const { position } = await store.append({ streamId: stateMachineStreamId('after'), expectedRevision: 'no_stream', events: [created('after', 3)] });
      assert.equal(await projections.waitForPosition(position, 5000), true);
      assert.equal((await projections.getStateMachine(arn('before')))?.name, 'before');
      assert.equal((await projections.getStateMachine(arn('after')))?.name, 'after');
      assert.deepEqual((await projections.listStateMachines()).items.map((machine) => machine.name), ['after', 'before']);
      const failures = await projections.failures();
      assert.equal(failures.length, 1);
      assert.equal(failures[0].streamId, stateMachineStreamId('broken'));
      assert.equal(failures[0].type, 'StateMachineCreated');
      assert.equal(logged.length, 1);
    } finally {
      await projections.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the append path checks state machine events', () => {
  it('accepts what the server appends and refuses a wrongly typed field', () => {
    const good = created('fine', 1);
    assert.equal(stateMachineEventProblem(good.type, good.data), undefined);
    assert.equal(stateMachineEventProblem('StateMachineTagged', { v: 1, tags: [{ key: 'a', value: 'b' }] }), undefined);
    assert.match(stateMachineEventProblem('StateMachineCreated', { ...good.data, tags: 'not a list' }) ?? '', /tags/);
    assert.match(stateMachineEventProblem('StateMachineCreated', { ...good.data, name: 5 }) ?? '', /name/);
    assert.match(stateMachineEventProblem('StateMachineUpdated', { v: 1, updateDate: 'x', revisionId: 'r', definition: {} }) ?? '', /definition/);
    assert.match(stateMachineEventProblem('StateMachineUntagged', { v: 1, tagKeys: [1] }) ?? '', /tagKeys/);
    assert.match(stateMachineEventProblem('StateMachineDeleted', { v: 2, deletionDate: 'x' }) ?? '', /v is not 1/);
    assert.match(stateMachineEventProblem('StateMachineRenamed', { v: 1 }) ?? '', /unknown/);
  });
});

describe('read models catching up a backlog', () => {
  it('apply it in transactions with turns of the event loop between them, not in one piece', async () => {
    const store = openInMemoryEventStore();
    for (let index = 0; index < 3_000; index++) {
      await store.append({ streamId: `execution-orders:run-${index}`, expectedRevision: 'no_stream', events: [executionStarted('orders', `run-${index}`, 1)] });
    }
    const head = await store.headPosition();
    let turns = 0;
    let ticking = true;
    const tick = () => {
      turns += 1;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const projections = await createProjections({ store, batchPauseMs: 0 });
    try {
      assert.equal(await projections.waitForPosition(head, 30_000), true);
      ticking = false;
      // 3,000 events start in transactions of 50 (resized to ~20 ms each, at most 2,000): other work ran between them.
      assert.ok(turns >= 3, `turns of the event loop during the catch-up: ${turns}`);
      assert.equal((await projections.listExecutions({ stateMachineArn: arn('orders'), maxResults: 1_000 })).items.length, 1_000);
    } finally {
      ticking = false;
      await projections.close();
      await store.close();
    }
  });
});
