import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { EngineBehaviour, behaviourOf, decidesWith } from './behaviour';
import { decideAndEvolve } from './decide';
import { createFoldScope, evolve, evolveOwned } from './evolve';
import { type ExecutionState, initialExecutionState } from './execution-state';
import { type ExecutionEvent, isHistoryEvent, toHistoryEvent } from './history-event';
import type { RecordedDecision } from './testing/stream-fixtures/drive';
import { fixedEnv } from './testing/decider-specification';

/**
 * Stored streams outlive the code that wrote them (STYLE.md, Events): each fixture under
 * testing/stream-fixtures/streams was written by an earlier engine (generate.ts) and is never
 * rewritten. Today's code must fold it to the same state and the same AWS history, and decide
 * the same events from every point of it.
 */
interface StreamFixture {
  readonly name: string;
  readonly decisions: readonly RecordedDecision[];
  readonly state: unknown;
  readonly history: readonly unknown[];
}

const STREAMS = path.join(__dirname, 'testing', 'stream-fixtures', 'streams');
const fixtures: StreamFixture[] = readdirSync(STREAMS)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => JSON.parse(readFileSync(path.join(STREAMS, file), 'utf8')) as StreamFixture);

/** What a store gives back: JSON, without the in-memory extras of a live object. */
function asStored<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value));
}

/**
 * A start is decided again by the behaviour version the stream recorded (the command names it,
 * as only a replay does); a stream written before versions were recorded has none, which reads
 * as EngineBehaviour.Initial, and the decided start then records Initial where the stored one
 * recorded nothing. The comparison puts the stored version (or none) in its place.
 */
function withoutRecordedBehaviour(decided: ExecutionEvent[], stored: RecordedDecision['events']): ExecutionEvent[] {
  return decided.map((event, index) => {
    const start = event.x.start;
    if (event.type !== 'ExecutionStarted' || !start) return event;
    assert.equal(start.behaviour, behaviourOf(stored[index]?.data.x.start), 'the start is decided by the recorded behaviour');
    const { behaviour: _recorded, ...rest } = start;
    const storedVersion = stored[index]?.data.x.start?.behaviour;
    return { ...event, x: { ...event.x, start: storedVersion === undefined ? rest : { ...rest, behaviour: storedVersion } } };
  });
}

function storedEvents(fixture: StreamFixture): ExecutionEvent[] {
  return fixture.decisions.flatMap((decision) => decision.events.map((stored) => stored.data));
}

describe('stored-stream fixtures', () => {
  it('has a fixture for every state type, Map and Parallel, retries, callbacks, redrive, both query languages', () => {
    const types = new Set<string>(fixtures.flatMap((fixture) => storedEvents(fixture).map((event) => event.type)));
    for (const type of [
      'PassStateEntered', 'ChoiceStateEntered', 'WaitStateEntered', 'SucceedStateEntered', 'FailStateEntered', 'TaskStateEntered',
      'ParallelStateStarted', 'MapStateStarted', 'MapRunStarted', 'TaskSubmitted', 'ActivityStarted', 'TaskTimedOut',
      'ExecutionRedriven', 'MapRunUpdated', 'MapRunRedriven', 'ExecutionAborted', 'ExecutionTimedOut', 'EvaluationFailed', 'LambdaFunctionFailed',
      'MapItemsRecorded',
    ]) {
      assert.ok(types.has(type), `some fixture records ${type}`);
    }
    assert.ok(fixtures.some((fixture) => fixture.name.startsWith('jsonata-')), 'a JSONata fixture');
  });

  it('reads every stored stream as a behaviour version: the recorded one, or Initial where none was recorded', () => {
    for (const fixture of fixtures) {
      const start = storedEvents(fixture)[0].x.start;
      assert.equal(behaviourOf(start), start?.behaviour ?? EngineBehaviour.Initial, fixture.name);
      assert.ok(decidesWith(start, EngineBehaviour.Initial), fixture.name);
    }
    assert.ok(fixtures.some((fixture) => storedEvents(fixture)[0].x.start?.behaviour === EngineBehaviour.Initial), 'a stream that recorded its version');
    assert.ok(fixtures.some((fixture) => storedEvents(fixture)[0].x.start?.behaviour === undefined), 'a stream from before versions');
    // Both forms of a Distributed Map's items: all in MapStateStarted/MapRunStarted, and in MapItemsRecorded batches.
    const withItemsIn = (type: string) => fixtures.some((fixture) => storedEvents(fixture).some((event) => event.type === type && event.x.distributed !== false && event.x.items !== undefined && event.x.items !== '[]'));
    assert.ok(withItemsIn('MapRunStarted'), 'an ItemReader\'s items in MapRunStarted (before BatchedItems)');
    assert.ok(fixtures.some((fixture) => storedEvents(fixture)[0].x.start?.behaviour === EngineBehaviour.BatchedItems), 'a stream written with BatchedItems');
  });

  for (const fixture of fixtures) {
    describe(fixture.name, () => {
      const events = storedEvents(fixture);

      it('folds to the stored state, with evolve and with the runner\'s in-place fold', () => {
        assert.deepEqual(asStored(events.reduce(evolve, initialExecutionState)), fixture.state);
        const scope = createFoldScope();
        let owned: ExecutionState = initialExecutionState;
        for (const event of asStored(events) as ExecutionEvent[]) owned = evolveOwned(owned, event, scope);
        assert.deepEqual(asStored(owned), fixture.state);
      });

      it('gives the stored GetExecutionHistory', () => {
        assert.deepEqual(asStored(events.filter(isHistoryEvent).map((event) => toHistoryEvent(event))), fixture.history);
      });

      it('decides the same events at every step of the stream', async () => {
        let state: ExecutionState = initialExecutionState;
        for (const [index, decision] of fixture.decisions.entries()) {
          // A start is decided as the engine that wrote the stream decided it.
          const command = decision.command.type === 'StartExecution' ? { ...decision.command, behaviour: behaviourOf(decision.events[0]?.data.x.start) } : decision.command;
          const decided = await decideAndEvolve(state, command, fixedEnv(decision.now));
          assert.deepEqual(
            withoutRecordedBehaviour(asStored(decided.events) as ExecutionEvent[], decision.events),
            asStored(decision.events.map((stored) => stored.data)),
            `decision ${index} (${decision.command.type})`,
          );
          // Continue from the stored events, as a runner that reloaded the stream would.
          state = (asStored(decision.events.map((stored) => stored.data)) as ExecutionEvent[]).reduce(evolve, state);
        }
      });
    });
  }
});
