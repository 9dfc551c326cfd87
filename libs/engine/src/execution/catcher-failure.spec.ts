import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { given, startCommand } from './testing/decider-specification';

/**
 * A catcher's own Output, Assign or ResultPath can fail. AWS's pages do not say what happens
 * then; the state fails with that error (it names no catcher again, which would fail the same
 * way), where the error used to escape the decision and leave the execution RUNNING for good.
 */

const FAILING_BRANCH = [{ StartAt: 'Boom', States: { Boom: { Type: 'Fail', Error: 'Custom' } } }];

function caughtParallel(catcher: Record<string, unknown>, queryLanguage?: 'JSONata') {
  return {
    ...(queryLanguage ? { QueryLanguage: queryLanguage } : {}),
    StartAt: 'Fan',
    States: {
      Fan: { Type: 'Parallel', Branches: FAILING_BRANCH, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught', ...catcher }], End: true },
      Caught: { Type: 'Succeed' },
    },
  };
}

describe("a catcher whose own fields fail fails its state", () => {
  it("fails with States.ResultPathMatchFailure when the catcher's ResultPath cannot be applied to the input", async () => {
    await given()
      .when(startCommand(caughtParallel({ ResultPath: '$.a.b' }), { a: 'text' }))
      .then(['ExecutionStarted', 'ParallelStateEntered', 'ParallelStateStarted', 'FailStateEntered', 'ParallelStateFailed', 'ExecutionFailed'], (_events, state) => {
        assert.equal(state.status, 'FAILED');
        assert.equal(state.error, 'States.ResultPathMatchFailure');
        assert.equal(state.cause, `An error occurred while executing the state 'Fan' (entered at the event id #2). Unable to apply ResultPath "$.a.b" to input "{"a":"text"}"`);
      });
  });

  it("fails with States.QueryEvaluationError, recorded as EvaluationFailed, when the catcher's JSONata Output throws", async () => {
    await given()
      .when(startCommand(caughtParallel({ Output: '{% $error("boom") %}' }, 'JSONata')))
      .then(
        ['ExecutionStarted', 'ParallelStateEntered', 'ParallelStateStarted', 'FailStateEntered', 'ParallelStateFailed', 'EvaluationFailed', 'ExecutionFailed'],
        (events, state) => {
          assert.equal(state.error, 'States.QueryEvaluationError');
          const evaluation = events.find((event) => event.type === 'EvaluationFailed') as { evaluationFailedEventDetails?: Record<string, unknown> } | undefined;
          assert.deepEqual(evaluation?.evaluationFailedEventDetails, {
            cause: `An error occurred while executing the state 'Fan' (entered at the event id #2). The JSONata expression '$error("boom")' specified for the field 'Output' threw an error during evaluation. D3137: boom`,
            error: 'States.QueryEvaluationError',
            location: 'Output',
            state: 'Fan',
          });
        },
      );
  });

  it("fails with States.QueryEvaluationError when the catcher's JSONata Assign throws", async () => {
    await given()
      .when(startCommand(caughtParallel({ Assign: { x: '{% $error("boom") %}' } }, 'JSONata')))
      .then(['ExecutionStarted', 'ParallelStateEntered', 'ParallelStateStarted', 'FailStateEntered', 'ParallelStateFailed', 'EvaluationFailed', 'ExecutionFailed'], (_events, state) => {
        assert.match(state.cause ?? '', /specified for the field 'Assign\/x' threw an error during evaluation/);
      });
  });
});
