import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EngineBehaviour } from './behaviour';
import { pendingEffects } from './effects';
import type { ExecutionCommand } from './commands';
import type { ExecutionEvent } from './history-event';
import { given, startCommand } from './testing/decider-specification';

/** The decider specs' clock: 2024-01-01T00:00:00Z. */
const NOW_MS = Date.parse('2024-01-01T00:00:00.000Z');
const DAY_MS = 86_400_000;

function waitOn(field: 'SecondsPath' | 'TimestampPath' | 'Timestamp', value: string) {
  return { StartAt: 'Nap', States: { Nap: { Type: 'Wait', [field]: value, End: true } } };
}

function daysAhead(days: number): string {
  return new Date(NOW_MS + days * DAY_MS).toISOString();
}

describe('Wait: values out of range (issue 14 §3)', () => {
  it('fails with States.Runtime when SecondsPath references a negative value (AWS, recorded)', async () => {
    await given()
      .when(startCommand(waitOn('SecondsPath', '$.input.waitSeconds'), { input: { waitSeconds: -1 } }))
      .then(['ExecutionStarted', 'WaitStateEntered', 'ExecutionFailed'], (_events, state) => {
        assert.equal(state.error, 'States.Runtime');
        assert.equal(
          state.cause,
          "An error occurred while executing the state 'Nap' (entered at the event id #2). The SecondsPath parameter references a negative value: $.input.waitSeconds == -1",
        );
      });
  });

  it('waits until a timestamp 24,855 days ahead, and refuses one 24,856 days ahead (AWS, recorded)', async () => {
    await given()
      .when(startCommand(waitOn('TimestampPath', '$.start_at'), { start_at: daysAhead(24_855) }))
      .then(['ExecutionStarted', 'WaitStateEntered'], (_events, state) => {
        assert.deepEqual(pendingEffects(state).filter((effect) => effect.kind === 'timer').map((effect) => effect.kind === 'timer' && effect.wakeAt), [daysAhead(24_855)]);
      });
    await given()
      .when(startCommand(waitOn('TimestampPath', '$.start_at'), { start_at: daysAhead(24_856) }))
      .then(['ExecutionStarted', 'WaitStateEntered', 'ExecutionFailed'], (_events, state) => {
        assert.equal(state.error, 'States.Runtime');
        assert.equal(state.cause, "An error occurred while executing the state 'Nap' (entered at the event id #2). Wait state delay is too long.");
      });
  });

  it('refuses a delay over 2^31 - 1 seconds however it is given: a literal Timestamp, a SecondsPath', async () => {
    for (const [definition, input] of [
      [waitOn('Timestamp', '2100-01-01T00:00:00Z'), {}],
      [waitOn('SecondsPath', '$.s'), { s: 2 ** 31 }],
    ] as const) {
      await given()
        .when(startCommand(definition, input))
        .then(['ExecutionStarted', 'WaitStateEntered', 'ExecutionFailed'], (_events, state) => {
          assert.match(state.cause ?? '', /Wait state delay is too long\.$/);
        });
    }
    await given()
      .when(startCommand(waitOn('SecondsPath', '$.s'), { s: 2 ** 31 - 1 }))
      .then(['ExecutionStarted', 'WaitStateEntered']);
  });

  it('keeps the old behaviour for an execution started before the check (behaviour version 2)', async () => {
    const definition = {
      StartAt: 'Work',
      States: {
        Work: { Type: 'Task', Resource: 'arn:aws:states:us-east-1:123456789012:activity:a', Next: 'Nap' },
        Nap: { Type: 'Wait', SecondsPath: '$.s', End: true },
      },
    };
    const started = await given().when(startCommand(definition, {})).then(['ExecutionStarted', 'TaskStateEntered', 'ActivityScheduled']);
    const task = pendingEffects(started.state).find((effect) => effect.kind === 'task');
    assert.ok(task && task.kind === 'task');
    const olderStart = (events: readonly ExecutionEvent[]): ExecutionEvent[] =>
      events.map((event) => (event.type === 'ExecutionStarted' ? ({ ...event, x: { ...event.x, start: { ...event.x!.start!, behaviour: EngineBehaviour.BoundedDecisions } } } as ExecutionEvent) : event));
    const complete = { type: 'CompleteTask', token: task.token, output: '{"s":-1}' } as const;
    await given(olderStart(started.events))
      .when(complete)
      .then(['ActivityStarted', 'ActivitySucceeded', 'TaskStateExited', 'WaitStateEntered']);
    await given(started.events)
      .when(complete)
      .then(['ActivityStarted', 'ActivitySucceeded', 'TaskStateExited', 'WaitStateEntered', 'ExecutionFailed']);
  });

  describe('a JSONata Seconds past the documented range (Wait page: "an integer in the stated range", 0 to 99999999)', () => {
    const jsonataWait = { QueryLanguage: 'JSONata', StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: '{% $states.input.s %}', End: true } } };

    it('waits 99999999 seconds, and fails on 100000000 with States.QueryEvaluationError', async () => {
      await given()
        .when(startCommand(jsonataWait, { s: 99_999_999 }))
        .then(['ExecutionStarted', 'WaitStateEntered']);
      await given()
        .when(startCommand(jsonataWait, { s: 100_000_000 }))
        .then(['ExecutionStarted', 'WaitStateEntered', 'EvaluationFailed', 'ExecutionFailed'], (_events, state) => {
          assert.equal(state.error, 'States.QueryEvaluationError');
          assert.equal(state.cause, "An error occurred while executing the state 'Nap' (entered at the event id #2). The Seconds field must be an integer from 0 to 99999999: 100000000");
        });
    });

    it('keeps waiting for an execution started before the check (behaviour version 14)', async () => {
      await given()
        .when({ ...startCommand(jsonataWait, { s: 100_000_000 }), behaviour: EngineBehaviour.StoppedWaitUnrecorded } as ExecutionCommand)
        .then(['ExecutionStarted', 'WaitStateEntered']);
    });
  });
});
