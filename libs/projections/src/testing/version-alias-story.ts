import type { EventStore } from '@stepstone/event-store';
import { stateMachineStreamId, type StateMachineEvent } from '../events/state-machine-events';

// Versions, aliases and executions started through them, shared by the read-model specs on
// SQLite and on PostgreSQL. Not exported from the lib's index.

const account = 'arn:aws:states:us-east-1:123456789012';
export const versionedArn = `${account}:stateMachine:m`;
/** A machine DeleteStateMachine left DELETING (an execution still runs). */
export const deletingArn = `${account}:stateMachine:d`;
/** A machine deleted with its version and alias. */
export const deletedArn = `${account}:stateMachine:x`;
const logging = { level: 'OFF', includeExecutionData: false } as const;

function created(arn: string, name: string): StateMachineEvent {
  return {
    type: 'StateMachineCreated',
    data: {
      v: 1,
      stateMachineArn: arn,
      name,
      type: 'STANDARD',
      definition: 'd0',
      roleArn: 'arn:aws:iam::123456789012:role/r',
      loggingConfiguration: logging,
      tracingConfiguration: { enabled: false },
      tags: [],
      creationDate: '2024-01-01T00:00:00.000Z',
      revisionId: 'rev-1',
    },
  };
}

function published(arn: string, version: number, definition: string): StateMachineEvent {
  return {
    type: 'StateMachineVersionPublished',
    data: {
      v: 1,
      version,
      stateMachineVersionArn: `${arn}:${version}`,
      type: 'STANDARD',
      definition,
      roleArn: 'arn:aws:iam::123456789012:role/r',
      loggingConfiguration: logging,
      tracingConfiguration: { enabled: false },
      sourceRevisionId: `rev-${version}`,
      ...(version > 1 ? { revisionId: `rev-${version}` } : {}),
      creationDate: `2024-01-01T00:00:0${version}.000Z`,
    },
  };
}

function aliasCreated(arn: string, name: string, version: number, second: number): StateMachineEvent {
  return {
    type: 'StateMachineAliasCreated',
    data: {
      v: 1,
      name,
      stateMachineAliasArn: `${arn}:${name}`,
      routingConfiguration: [{ stateMachineVersionArn: `${arn}:${version}`, weight: 100 }],
      creationDate: `2024-01-01T00:00:${second}.000Z`,
    },
  };
}

/** An execution's ExecutionStarted (and ExecutionSucceeded when `ended`), as the engine stores them. */
function started(machineArn: string, name: string, details: Record<string, string>, ended = false) {
  const machine = machineArn.slice(machineArn.lastIndexOf(':') + 1);
  const start = {
    type: 'ExecutionStarted',
    data: {
      type: 'ExecutionStarted',
      id: 1,
      previousEventId: 0,
      timestamp: '2024-01-02T00:00:00.000Z',
      executionStartedEventDetails: { input: '{}', inputDetails: { truncated: false }, ...details },
      x: { v: 1, th: '0', start: { executionArn: `${account}:execution:${machine}:${name}`, stateMachineArn: machineArn, name, type: 'STANDARD', definition: '{}' } },
    },
  };
  const end = {
    type: 'ExecutionSucceeded',
    data: { type: 'ExecutionSucceeded', id: 2, previousEventId: 1, timestamp: '2024-01-02T00:00:01.000Z', executionSucceededEventDetails: { output: '{}' } },
  };
  return ended ? [start, end] : [start];
}

/**
 * Machine `m`: versions 1–3 published, 3 deleted; aliases prod (updated) and beta (deleted);
 * executions a (version 1 through prod, ended), b (version 2, running), c (the machine, running).
 * Machine `d`: DELETING while its execution runs. Machine `x`: a version and an alias, then deleted.
 */
export async function writeVersionAliasStory(store: EventStore): Promise<number> {
  const arn = versionedArn;
  await store.append({
    streamId: stateMachineStreamId('m'),
    expectedRevision: 'no_stream',
    events: [
      created(arn, 'm'),
      published(arn, 1, 'd1'),
      published(arn, 2, 'd2'),
      published(arn, 3, 'd3'),
      { type: 'StateMachineVersionDeleted', data: { v: 1, version: 3, deletionDate: '2024-01-01T00:00:09.000Z' } },
      aliasCreated(arn, 'prod', 1, 10),
      aliasCreated(arn, 'beta', 2, 11),
      { type: 'StateMachineAliasUpdated', data: { v: 1, name: 'prod', description: 'live', updateDate: '2024-01-01T00:00:12.000Z' } },
      { type: 'StateMachineAliasDeleted', data: { v: 1, name: 'beta', deletionDate: '2024-01-01T00:00:13.000Z' } },
    ] satisfies StateMachineEvent[],
  });
  await store.append({
    streamId: 'execution-m:a',
    expectedRevision: 'no_stream',
    events: started(arn, 'a', { stateMachineVersionArn: `${arn}:1`, stateMachineAliasArn: `${arn}:prod` }, true),
  });
  await store.append({ streamId: 'execution-m:b', expectedRevision: 'no_stream', events: started(arn, 'b', { stateMachineVersionArn: `${arn}:2` }) });
  await store.append({ streamId: 'execution-m:c', expectedRevision: 'no_stream', events: started(arn, 'c', {}) });

  await store.append({ streamId: stateMachineStreamId('d'), expectedRevision: 'no_stream', events: [created(deletingArn, 'd')] });
  await store.append({ streamId: 'execution-d:r', expectedRevision: 'no_stream', events: started(deletingArn, 'r', {}) });
  await store.append({
    streamId: stateMachineStreamId('d'),
    expectedRevision: 0,
    events: [{ type: 'StateMachineDeletionRequested', data: { v: 1, requestDate: '2024-01-03T00:00:00.000Z' } }] satisfies StateMachineEvent[],
  });

  const head = await store.append({
    streamId: stateMachineStreamId('x'),
    expectedRevision: 'no_stream',
    events: [
      created(deletedArn, 'x'),
      published(deletedArn, 1, 'x1'),
      aliasCreated(deletedArn, 'live', 1, 20),
      { type: 'StateMachineDeleted', data: { v: 1, deletionDate: '2024-01-04T00:00:00.000Z' } },
    ] satisfies StateMachineEvent[],
  });
  return head.position;
}
