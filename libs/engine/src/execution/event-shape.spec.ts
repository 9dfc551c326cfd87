import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { assertExecutionEvents, executionEventProblem, MalformedEventError } from './event-shape';
import type { RecordedDecision } from './testing/stream-fixtures/drive';
import { given, startCommand } from './testing/decider-specification';

const STREAMS = path.join(__dirname, 'testing', 'stream-fixtures', 'streams');
const storedEvents = readdirSync(STREAMS)
  .filter((file) => file.endsWith('.json'))
  .flatMap((file) => (JSON.parse(readFileSync(path.join(STREAMS, file), 'utf8')) as { decisions: RecordedDecision[] }).decisions.flatMap((decision) => decision.events));

const passChain = { StartAt: 'Only', States: { Only: { Type: 'Pass', End: true } } };

async function startedEvents(): Promise<Array<Record<string, unknown>>> {
  const { events } = await given().when(startCommand(passChain, { a: 1 })).then(['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
  return events.map((event) => JSON.parse(JSON.stringify(event)) as Record<string, unknown>);
}

describe('the append path refuses malformed execution events', () => {
  it('accepts every event of the golden streams (what the engine has written)', () => {
    assert.ok(storedEvents.length > 100);
    for (const event of storedEvents) assert.equal(executionEventProblem(event.type, event.data), undefined, `${event.type}: ${JSON.stringify(event.data).slice(0, 200)}`);
  });

  it('accepts what the decider decides today', async () => {
    assert.doesNotThrow(() => assertExecutionEvents(JSON.parse(JSON.stringify([])) as []));
    const events = await startedEvents();
    for (const event of events) assert.equal(executionEventProblem(String(event.type), event), undefined);
  });

  const mutations: ReadonlyArray<readonly [string, number, (event: Record<string, unknown>) => void, RegExp]> = [
    ['an unknown type', 1, (event) => (event.type = 'PassStateWandered'), /data\.type|unknown/],
    ['a string id', 0, (event) => (event.id = '1'), /id/],
    ['a negative previousEventId', 1, (event) => (event.previousEventId = -1), /previousEventId/],
    ['a timestamp that is not ISO', 2, (event) => (event.timestamp = 'yesterday'), /timestamp/],
    ['no engine internals', 1, (event) => delete event.x, /x is not/],
    ['an unknown schema version', 1, (event) => ((event.x as Record<string, unknown>).v = 2), /x\.v/],
    ['an object as the execution name', 0, (event) => (((event.x as Record<string, unknown>).start as Record<string, unknown>).name = { n: 1 }), /x\.start\.name/],
    ['an unknown execution type', 0, (event) => (((event.x as Record<string, unknown>).start as Record<string, unknown>).type = 'BATCH'), /x\.start\.type/],
    ['input that is not JSON text', 1, (event) => ((event.stateEnteredEventDetails as Record<string, unknown>).input = { a: 1 }), /input/],
    ['a state exit without output', 2, (event) => delete (event.stateExitedEventDetails as Record<string, unknown>).output, /output/],
    ['details that are a list', 3, (event) => (event.executionSucceededEventDetails = []), /not an object/],
  ];
  for (const [what, index, mutate, message] of mutations) {
    it(`refuses ${what}`, async () => {
      const events = await startedEvents();
      mutate(events[index]);
      assert.throws(
        () => assertExecutionEvents(events.map((event, at) => (at === index ? event : event)) as Array<{ type: string }>),
        (error: unknown) => error instanceof MalformedEventError && message.test(error.message),
      );
    });
  }
});
