import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openInMemoryEventStore, type EventStore } from '@stepstone/event-store';
import { stateMachineStreamId } from '@stepstone/projections';
import { decideAndAppend } from './decide-and-append';
import { createStateMachineLoader } from './state-machine-stream';

const NAME = 'orders';
const created = {
  v: 1,
  stateMachineArn: `arn:aws:states:us-east-1:123456789012:stateMachine:${NAME}`,
  name: NAME,
  type: 'STANDARD',
  definition: '{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}',
  roleArn: 'arn:aws:iam::123456789012:role/r',
  loggingConfiguration: { level: 'OFF', includeExecutionData: false },
  tracingConfiguration: { enabled: false },
  tags: [],
  creationDate: '2026-12-03T00:00:00.000Z',
  revisionId: 'r1',
} as const;
const updated = (definition: string, revisionId: string) => ({ v: 1, definition, updateDate: '2026-12-03T00:00:01.000Z', revisionId }) as const;

/** The store, counting the revision lookups a start pays (a round trip each on PostgreSQL). */
function countingStore(store: EventStore): { store: EventStore; lookups: () => number } {
  let lookups = 0;
  const counted = Object.create(store) as EventStore;
  counted.streamRevision = (streamId) => {
    lookups += 1;
    return store.streamRevision(streamId);
  };
  return { store: counted, lookups: () => lookups };
}

describe('the state machine loader of the start path', () => {
  it('sees a change made through this process at once, and one made elsewhere once the recheck time has passed', async () => {
    const inner = openInMemoryEventStore();
    const { store, lookups } = countingStore(inner);
    let clock = 0;
    const load = createStateMachineLoader(store, { recheckAfterMs: 200, now: () => clock });
    await decideAndAppend(store, NAME, {}, () => ({ events: [{ type: 'StateMachineCreated', data: created }], result: undefined }));

    assert.equal((await load(NAME)).state?.definition, created.definition);
    assert.equal((await load(NAME)).state?.definition, created.definition);
    assert.equal(lookups(), 1, 'the second start within the recheck time reads nothing');

    // Through this process (decide-and-append.ts): the very next start loads the new definition.
    const second = '{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}';
    await decideAndAppend(store, NAME, {}, () => ({ events: [{ type: 'StateMachineUpdated', data: updated(second, 'r2') }], result: undefined }));
    assert.equal((await load(NAME)).state?.definition, second);

    // Another process sharing the store: not announced here, seen after the recheck time.
    const third = '{"StartAt":"C","States":{"C":{"Type":"Pass","End":true}}}';
    await inner.append({ streamId: stateMachineStreamId(NAME), expectedRevision: 1, events: [{ type: 'StateMachineUpdated', data: updated(third, 'r3') }] });
    clock += 199;
    assert.equal((await load(NAME)).state?.definition, second, 'within the recheck time: the machine as last checked (AWS: eventually consistent)');
    clock += 1;
    assert.equal((await load(NAME)).state?.definition, third);
    const before = lookups();
    clock += 500;
    assert.equal((await load(NAME)).state?.definition, third);
    assert.equal(lookups(), before + 1, 'a recheck that finds the same revision reads the revision alone');
  });

  it('keeps no machine that does not exist: its creation is seen by the next start', async () => {
    const store = openInMemoryEventStore();
    const load = createStateMachineLoader(store, { recheckAfterMs: 60_000, now: () => 0 });
    assert.equal((await load(NAME)).state, undefined);
    await store.append({ streamId: stateMachineStreamId(NAME), expectedRevision: 'no_stream', events: [{ type: 'StateMachineCreated', data: created }] });
    assert.equal((await load(NAME)).state?.name, NAME);
  });
});

describe('the state machine loader under concurrent starts', () => {
  it('shares one check among the starts that arrive while it runs', async () => {
    const inner = openInMemoryEventStore();
    const { store, lookups } = countingStore(inner);
    let clock = 0;
    const load = createStateMachineLoader(store, { recheckAfterMs: 200, now: () => clock });
    await inner.append({ streamId: stateMachineStreamId(NAME), expectedRevision: 'no_stream', events: [{ type: 'StateMachineCreated', data: created }] });
    await load(NAME);
    clock += 1_000;
    const before = lookups();
    const loaded = await Promise.all(Array.from({ length: 32 }, () => load(NAME)));
    assert.equal(lookups(), before + 1, '32 starts in flight after the recheck time: one revision lookup');
    assert.ok(loaded.every((machine) => machine.state?.definition === created.definition));

    // A change made here while a check runs is not hidden by that check.
    clock += 1_000;
    const second = '{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}';
    const stale = load(NAME);
    await decideAndAppend(store, NAME, {}, () => ({ events: [{ type: 'StateMachineUpdated', data: updated(second, 'r2') }], result: undefined }));
    const fresh = load(NAME);
    await stale;
    assert.equal((await fresh).state?.definition, second);
  });
});
