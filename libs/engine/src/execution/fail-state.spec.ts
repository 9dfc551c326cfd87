import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { given, startCommand } from './testing/decider-specification';

function jsonataFail(fields: Record<string, unknown>) {
  return { QueryLanguage: 'JSONata', StartAt: 'Stop', States: { Stop: { Type: 'Fail', ...fields } } };
}

describe('a JSONata Fail state', () => {
  it('fails the execution with the Error and Cause its expressions give (corpus: test_fail_error_jsonata, test_fail_cause_jsonata)', async () => {
    await given()
      .when(startCommand(jsonataFail({ Error: '{% $states.input.error %}', Cause: '{% $states.input.cause %}' }), { error: 'Exception', cause: 'why' }))
      .then(['ExecutionStarted', 'FailStateEntered', 'ExecutionFailed'], (_events, state) => {
        assert.equal(state.error, 'Exception');
        assert.equal(state.cause, 'why');
      });
  });

  // The Fail page asks for "a custom string"; what AWS does with another result is not documented.
  for (const [field, expression, type, shown] of [
    ['Error', '{% $states.input.items %}', 'array', '[1,2]'],
    ['Cause', '{% $sum($states.input.items) %}', 'number', '3'],
    ['Error', '{% null %}', 'null', 'null'],
  ] as const) {
    it(`fails with States.QueryEvaluationError when its ${field} gives no string (${type}), where the event it made was refused and the execution hung`, async () => {
      await given()
        .when(startCommand(jsonataFail({ [field]: expression }), { items: [1, 2] }))
        .then(['ExecutionStarted', 'FailStateEntered', 'EvaluationFailed', 'ExecutionFailed'], (_events, state) => {
          assert.equal(state.error, 'States.QueryEvaluationError');
          assert.equal(
            state.cause,
            `An error occurred while executing the state 'Stop' (entered at the event id #2). The JSONata expression '${expression.slice(3, -3)}' specified for the field '${field}' returned an unexpected result type. Expected 'string', but was '${type}' for value: ${shown}`,
          );
        });
    });
  }
});
