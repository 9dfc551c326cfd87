import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pendingEffects } from './effects';
import type { ExecutionState } from './execution-state';
import { given, startCommand } from './testing/decider-specification';

/**
 * A catcher's own ResultPath, Assign or Output that cannot be applied. AWS's Developer Guide,
 * "Error handling in Step Functions": a catcher's ResultPath "works similarly to a ResultPath
 * field in a state's top level", and States.ResultPathMatchFailure is "A state's ResultPath
 * field cannot be applied to the input the state received". The state fails with that error
 * (no catcher of the same state routes it again); the decision used to throw, leaving the
 * execution running with nothing to decide.
 */

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:work';

function openToken(state: ExecutionState): string {
  const task = pendingEffects(state).find((effect) => effect.kind === 'task');
  assert.ok(task && task.kind === 'task', 'a task is open');
  return task.token;
}

const failingParallel = { Type: 'Parallel', End: true, Branches: [{ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'E', Cause: 'c' } } }] };

describe('decide: a catcher that cannot be applied fails the state (Error handling page)', () => {
  it("a Task catcher's ResultPath that does not fit the input fails the execution with States.ResultPathMatchFailure", async () => {
    const definition = {
      StartAt: 'T',
      States: {
        T: { Type: 'Task', Resource: FUNCTION_ARN, End: true, Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.a.b', Next: 'C' }] },
        C: { Type: 'Pass', End: true },
      },
    };
    const started = await given().when(startCommand(definition, { a: 'text' })).then(['ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled']);
    await given(started.events).when({ type: 'FailTask', token: openToken(started.state), error: 'E', cause: 'c' }).then(
      ['LambdaFunctionStarted', 'LambdaFunctionFailed', 'ExecutionFailed'],
      (_events, state) => {
        assert.equal(state.status, 'FAILED');
        assert.equal(state.error, 'States.ResultPathMatchFailure');
        assert.equal(state.cause, `An error occurred while executing the state 'T' (entered at the event id #2). Unable to apply ResultPath "$.a.b" to input "{"a":"text"}"`);
      },
    );
  });

  it("a Parallel catcher's ResultPath on an array input fails with States.ResultPathMatchFailure after one ParallelStateFailed", async () => {
    const definition = { StartAt: 'P', States: { P: { ...failingParallel, Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.err', Next: 'C' }] }, C: { Type: 'Pass', End: true } } };
    await given().when(startCommand(definition, [1])).then(
      ['ExecutionStarted', 'ParallelStateEntered', 'ParallelStateStarted', 'FailStateEntered', 'ParallelStateFailed', 'ExecutionFailed'],
      (_events, state) => assert.equal(state.error, 'States.ResultPathMatchFailure'),
    );
  });

  it("a JSONPath catcher's Assign whose path is not found fails with States.Runtime, past its own States.ALL", async () => {
    const definition = { StartAt: 'P', States: { P: { ...failingParallel, Catch: [{ ErrorEquals: ['States.ALL'], Assign: { 'x.$': '$.missing' }, Next: 'C' }] }, C: { Type: 'Pass', End: true } } };
    await given().when(startCommand(definition, {})).then(
      ['ExecutionStarted', 'ParallelStateEntered', 'ParallelStateStarted', 'FailStateEntered', 'ParallelStateFailed', 'ExecutionFailed'],
      (_events, state) => {
        assert.equal(state.error, 'States.Runtime');
        assert.match(state.cause ?? '', /The JSONPath '\$\.missing' specified for the field 'x\.\$' could not be found/);
      },
    );
  });

  it("a JSONata catcher's Output that returns nothing fails with States.QueryEvaluationError, recorded as EvaluationFailed", async () => {
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'P',
      States: { P: { ...failingParallel, Catch: [{ ErrorEquals: ['States.ALL'], Output: '{% $states.errorOutput.missing %}', Next: 'C' }] }, C: { Type: 'Pass', End: true } },
    };
    await given().when(startCommand(definition, {})).then(
      ['ExecutionStarted', 'ParallelStateEntered', 'ParallelStateStarted', 'FailStateEntered', 'ParallelStateFailed', 'EvaluationFailed', 'ExecutionFailed'],
      (_events, state) => assert.equal(state.error, 'States.QueryEvaluationError'),
    );
  });
});
