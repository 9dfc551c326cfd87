import assert from 'node:assert/strict';
import { hashDefinition, type EventStore, type NewEvent } from '@stepstone/event-store';
import type { Projections } from '../read-models/projections';

// A short history touching every read model (state machines, executions, audit), shared by the
// read-model specs on SQLite and on PostgreSQL. Not exported from the lib's index.

export const machineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:orders';
export const runArn = 'arn:aws:states:us-east-1:123456789012:execution:orders:run-1';
export const definition = '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}';
const alice = { actor: 'AKIDALICE', sourceIp: '10.0.0.1', requestId: 'r1' };
const bob = { actor: 'AKIDBOB', sourceIp: '10.0.0.2', requestId: 'r2' };

export const historyEvent = (type: string, id: number, details: Record<string, unknown> = {}, x: Record<string, unknown> = {}) => ({
  type,
  id,
  previousEventId: id - 1,
  timestamp: '2024-01-01T00:00:00.000Z',
  ...details,
  x: { v: 1, th: '0', ...x },
});

/** The story every test reads: create, update, start (with a first state), task results, stop, tag, delete. */
export async function writeStory(store: EventStore): Promise<void> {
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


export const namesMachineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:names';
export const otherMachineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:other';

/**
 * Executions for the console's name search and counts: started in this order (so listed newest
 * first in reverse), `succeeded` ones closed. `_` is allowed in AWS names, `%` and `\` are not.
 */
export const namedExecutions = [
  { machine: 'names', name: 'Order_1', succeeded: true },
  { machine: 'names', name: 'order-2', succeeded: false },
  { machine: 'names', name: 'ORDERLY', succeeded: true },
  { machine: 'names', name: 'border', succeeded: false },
  { machine: 'names', name: 'other', succeeded: false },
  { machine: 'other', name: 'order-9', succeeded: true },
] as const;

export async function writeNamedExecutions(store: EventStore): Promise<void> {
  for (const { machine, name, succeeded } of namedExecutions) {
    const executionArn = `arn:aws:states:us-east-1:123456789012:execution:${machine}:${name}`;
    const stateMachineArn = `arn:aws:states:us-east-1:123456789012:stateMachine:${machine}`;
    const started = { type: 'ExecutionStarted', data: historyEvent('ExecutionStarted', 1, { executionStartedEventDetails: { input: '{}' } }, { start: { executionArn, stateMachineArn, name, type: 'STANDARD', definition } }) };
    const closed = { type: 'ExecutionSucceeded', data: historyEvent('ExecutionSucceeded', 2, { executionSucceededEventDetails: { output: '{}' } }) };
    await store.append({ streamId: `execution-${machine}:${name}`, expectedRevision: 'no_stream', chainSeed: hashDefinition(definition), events: succeeded ? [started, closed] : [started] });
  }
}

/** What the console's name search and counts answer over `writeNamedExecutions`, on any backend. */
export async function assertNameSearchAndCounts(projections: Projections): Promise<void> {
  const names = async (nameContains: string, more: { statusFilter?: 'RUNNING' | 'SUCCEEDED'; stateMachineArn?: string } = {}) =>
    (await projections.listExecutions({ stateMachineArn: more.stateMachineArn ?? namesMachineArn, nameContains, ...(more.statusFilter ? { statusFilter: more.statusFilter } : {}) })).items.map(
      (execution) => execution.name,
    );
  assert.deepEqual(await names('ORDER'), ['border', 'ORDERLY', 'order-2', 'Order_1'], 'case-insensitive, anywhere in the name, newest first');
  assert.deepEqual(await names('r_'), ['Order_1'], '_ matches itself, not any character');
  assert.deepEqual(await names('%'), [], '% matches itself, not any text');
  assert.deepEqual(await names('\\'), [], 'the escape character is escaped too');
  assert.deepEqual(await names('order', { statusFilter: 'SUCCEEDED' }), ['ORDERLY', 'Order_1']);
  assert.deepEqual(await names('order', { statusFilter: 'RUNNING' }), ['border', 'order-2']);
  assert.deepEqual(await names('order', { stateMachineArn: otherMachineArn }), ['order-9'], 'one state machine only');
  assert.deepEqual(await names('zzz'), []);
  const first = await projections.listExecutions({ stateMachineArn: namesMachineArn, nameContains: 'order', maxResults: 3 });
  assert.deepEqual(first.items.map((execution) => execution.name), ['border', 'ORDERLY', 'order-2']);
  assert.ok(first.nextToken);
  const second = await projections.listExecutions({ stateMachineArn: namesMachineArn, nameContains: 'order', maxResults: 3, nextToken: first.nextToken });
  assert.deepEqual(second.items.map((execution) => execution.name), ['Order_1']);
  assert.equal(second.nextToken, undefined);

  assert.deepEqual(await projections.countExecutionsByStatus(), [
    { stateMachineArn: namesMachineArn, status: 'RUNNING', count: 3 },
    { stateMachineArn: namesMachineArn, status: 'SUCCEEDED', count: 2 },
    { stateMachineArn: otherMachineArn, status: 'SUCCEEDED', count: 1 },
  ]);
}
