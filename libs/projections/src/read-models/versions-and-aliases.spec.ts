import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openInMemoryEventStore, type EventStore } from '@stepstone/event-store';
import { stateMachineStreamId, type StateMachineEvent } from '../events/state-machine-events';
import { createProjections, type Projections } from './projections';

const arn = 'arn:aws:states:us-east-1:123456789012:stateMachine:m';
const logging = { level: 'OFF', includeExecutionData: false } as const;

function published(version: number, definition: string): StateMachineEvent {
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

function started(name: string, details: Record<string, string>, status?: 'ExecutionSucceeded') {
  const start = {
    type: 'ExecutionStarted',
    data: {
      type: 'ExecutionStarted',
      id: 1,
      previousEventId: 0,
      timestamp: '2024-01-02T00:00:00.000Z',
      executionStartedEventDetails: { input: '{}', inputDetails: { truncated: false }, ...details },
      x: { v: 1, th: '0', start: { executionArn: `arn:aws:states:us-east-1:123456789012:execution:m:${name}`, stateMachineArn: arn, name, type: 'STANDARD', definition: '{}' } },
    },
  };
  const end = { type: 'ExecutionSucceeded', data: { type: 'ExecutionSucceeded', id: 2, previousEventId: 1, timestamp: '2024-01-02T00:00:01.000Z', executionSucceededEventDetails: { output: '{}' } } };
  return status ? [start, end] : [start];
}

describe('version and alias read models', () => {
  let store: EventStore;
  let projections: Projections;

  before(async () => {
    store = openInMemoryEventStore();
    projections = createProjections({ store });
    const machine: StateMachineEvent[] = [
      {
        type: 'StateMachineCreated',
        data: {
          v: 1,
          stateMachineArn: arn,
          name: 'm',
          type: 'STANDARD',
          definition: 'd0',
          roleArn: 'arn:aws:iam::123456789012:role/r',
          loggingConfiguration: logging,
          tracingConfiguration: { enabled: false },
          tags: [],
          creationDate: '2024-01-01T00:00:00.000Z',
          revisionId: 'rev-1',
        },
      },
      published(1, 'd1'),
      published(2, 'd2'),
      published(3, 'd3'),
      { type: 'StateMachineVersionDeleted', data: { v: 1, version: 3, deletionDate: '2024-01-01T00:00:09.000Z' } },
      { type: 'StateMachineAliasCreated', data: { v: 1, name: 'prod', stateMachineAliasArn: `${arn}:prod`, routingConfiguration: [{ stateMachineVersionArn: `${arn}:1`, weight: 100 }], creationDate: '2024-01-01T00:00:10.000Z' } },
      { type: 'StateMachineAliasCreated', data: { v: 1, name: 'beta', stateMachineAliasArn: `${arn}:beta`, routingConfiguration: [{ stateMachineVersionArn: `${arn}:2`, weight: 100 }], creationDate: '2024-01-01T00:00:11.000Z' } },
      { type: 'StateMachineAliasUpdated', data: { v: 1, name: 'prod', description: 'live', updateDate: '2024-01-01T00:00:12.000Z' } },
      { type: 'StateMachineAliasDeleted', data: { v: 1, name: 'beta', deletionDate: '2024-01-01T00:00:13.000Z' } },
    ];
    await store.append({ streamId: stateMachineStreamId('m'), expectedRevision: 'no_stream', events: machine });
    await store.append({ streamId: 'execution-m:a', expectedRevision: 'no_stream', events: started('a', { stateMachineVersionArn: `${arn}:1`, stateMachineAliasArn: `${arn}:prod` }, 'ExecutionSucceeded') });
    await store.append({ streamId: 'execution-m:b', expectedRevision: 'no_stream', events: started('b', { stateMachineVersionArn: `${arn}:2` }) });
    const head = (await store.append({ streamId: 'execution-m:c', expectedRevision: 'no_stream', events: started('c', {}) })).position;
    assert.equal(await projections.waitForPosition(head, 5000), true);
  });

  after(async () => {
    projections.close();
    await store.close();
  });

  it('keeps the versions still present, newest first, each with its own definition', () => {
    assert.deepEqual(projections.listStateMachineVersions({ machine: 'm' }).items.map((v) => [v.version, v.definition, v.revisionId]), [
      [2, 'd2', 'rev-2'],
      [1, 'd1', undefined],
    ]);
    assert.equal(projections.getStateMachineVersion(`${arn}:3`), undefined);
    const page = projections.listStateMachineVersions({ machine: 'm', maxResults: 1 });
    assert.equal(page.items[0].version, 2);
    assert.equal(projections.listStateMachineVersions({ machine: 'm', maxResults: 1, nextToken: page.nextToken }).items[0].version, 1);
  });

  it('folds aliases created, updated and deleted', () => {
    assert.deepEqual(projections.listStateMachineAliases({ machine: 'm' }).items.map((a) => a.name), ['prod']);
    const prod = projections.getStateMachineAlias(`${arn}:prod`);
    assert.equal(prod?.description, 'live');
    assert.equal(prod?.updateDate, '2024-01-01T00:00:12.000Z');
    assert.deepEqual(prod?.routingConfiguration, [{ stateMachineVersionArn: `${arn}:1`, weight: 100 }]);
  });

  it('lists executions by version or alias and counts the running ones', () => {
    assert.deepEqual(projections.listExecutions({ stateMachineArn: arn, stateMachineVersionArn: `${arn}:1` }).items.map((e) => e.name), ['a']);
    assert.deepEqual(projections.listExecutions({ stateMachineArn: arn, stateMachineAliasArn: `${arn}:prod` }).items.map((e) => e.stateMachineAliasArn), [`${arn}:prod`]);
    assert.deepEqual(projections.listExecutions({ stateMachineArn: arn, stateMachineVersionArn: `${arn}:2`, statusFilter: 'SUCCEEDED' }).items, []);
    assert.equal(projections.listExecutions({ stateMachineArn: arn }).items.length, 3);
    assert.equal(projections.countRunningExecutions(arn), 2);
  });

  it('rebuilds to the same rows', async () => {
    const before = projections.snapshot();
    await projections.rebuild();
    assert.deepEqual(projections.snapshot(), before);
  });
});
