import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EngineBehaviour } from './behaviour';
import type { ExecutionCommand } from './commands';
import { given, startCommand } from './testing/decider-specification';

/** A JSONata Pass whose Output holds `expression`. */
function passOutput(expression: string) {
  return { QueryLanguage: 'JSONata', StartAt: 'E', States: { E: { Type: 'Pass', Output: { r: `{% ${expression} %}` }, End: true } } };
}

describe('JSONata results as AWS gives them (behaviour 18)', () => {
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
});
