import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EngineBehaviour } from './behaviour';
import type { ExecutionCommand } from './commands';
import { given, startCommand } from './testing/decider-specification';

/** A JSONata Pass whose Output holds `expression`. */
function passOutput(expression: string) {
  return { QueryLanguage: 'JSONata', StartAt: 'E', States: { E: { Type: 'Pass', Output: { r: `{% ${expression} %}` }, End: true } } };
}

describe('JSONata results as AWS gives them (behaviour 15)', () => {
  // floci-io/floci#2783 (2026-08-30), AWS measured with TestState: `[1/0]` answers
  // ["Infinity"] and `{'k': 1/0}` answers {"k":"Infinity"}.
  it('keeps an infinite number as the text "Infinity" in Output', async () => {
    for (const [expression, expected] of [['[1/0]', ['Infinity']], ["{'k': 1/0}", { k: 'Infinity' }], ['-1/0', '-Infinity']] as const) {
      await given()
        .when(startCommand(passOutput(expression)))
        .then(['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'], (_events, state) => {
          assert.deepEqual(JSON.parse(state.output!), { r: expected }, expression);
        });
    }
  });

  it('keeps writing null for an execution started with behaviour 14', async () => {
    await given()
      .when({ ...startCommand(passOutput('[1/0]')), behaviour: EngineBehaviour.StoppedWaitUnrecorded } as ExecutionCommand)
      .then(['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'], (_events, state) => {
        assert.deepEqual(JSON.parse(state.output!), { r: [null] });
      });
  });

  // floci-io/floci#2676 (2026-08-28), AWS measured: $range(-1.7, 2, 1) is [-1,0,1,2] and
  // $count($range(1, 200000, 1)) is 200000.
  it('reads $range as AWS does: arguments cut toward zero, no 1000-item ceiling', async () => {
    await given()
      .when(startCommand(passOutput('[$range(-1.7, 2, 1), $count($range(1, 200000, 1))]')))
      .then(['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'], (_events, state) => {
        assert.deepEqual(JSON.parse(state.output!), { r: [-1, 0, 1, 2, 200000] });
      });
    await given()
      .when({ ...startCommand(passOutput('$count($range(1, 200000, 1))')), behaviour: EngineBehaviour.StoppedWaitUnrecorded } as ExecutionCommand)
      .then(['ExecutionStarted', 'PassStateEntered', 'EvaluationFailed', 'ExecutionFailed'], (_events, state) => {
        assert.match(state.cause ?? '', /cannot generate more than 1000 items$/);
      });
  });
});
