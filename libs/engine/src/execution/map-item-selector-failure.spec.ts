import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedEnv, given, startCommand } from './testing/decider-specification';

/**
 * A Map evaluates ItemSelector as each iteration starts: with MaxConcurrency, a later item's is
 * evaluated when an earlier iteration ends, outside the Map's own evaluation. Its failure fails
 * the Map as a failure on the first items does (Retry, Catch), its running iterations aborted,
 * where the error used to leave the decision and the execution stayed RUNNING for good.
 */

const SELECTOR = { 'k.$': '$$.Map.Item.Value.k' };
const ITEMS = { items: [{ k: 1 }, { k: 2 }, {}] };
const CAUSE =
  "An error occurred while executing the state 'Fan' (entered at the event id #2). The JSONPath '$$.Map.Item.Value.k' specified for the field 'k.$' could not be found in the input '{\"items\":[{\"k\":1},{\"k\":2},{}]}'";

function mapOf(processor: unknown, fields: Record<string, unknown> = {}) {
  return {
    StartAt: 'Fan',
    States: {
      Fan: { Type: 'Map', ItemsPath: '$.items', ItemSelector: SELECTOR, ItemProcessor: processor, End: true, ...fields },
      Caught: { Type: 'Succeed' },
    },
  };
}

const PASS = { StartAt: 'Each', States: { Each: { Type: 'Pass', End: true } } };
const NAP = { StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 10, End: true } } };

describe("a Map whose ItemSelector fails on a later item", () => {
  it('fails the execution with the selector\'s error once the earlier iterations have run (MaxConcurrency 1)', async () => {
    await given()
      .when(startCommand(mapOf(PASS, { MaxConcurrency: 1 }), ITEMS))
      .then(
        [
          'ExecutionStarted', 'MapStateEntered', 'MapStateStarted',
          'MapIterationStarted', 'PassStateEntered', 'PassStateExited', 'MapIterationSucceeded',
          'MapIterationStarted', 'PassStateEntered', 'PassStateExited', 'MapIterationSucceeded',
          'ExecutionFailed',
        ],
        (_events, state) => {
          assert.equal(state.error, 'States.Runtime');
          assert.equal(state.cause, CAUSE);
        },
      );
  });

  it("aborts the iterations still running and lets the Map's Catch take a JSONata selector's failure (MaxConcurrency 2)", async () => {
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Map',
          Items: '{% $states.input.items %}',
          ItemSelector: { k: '{% $states.context.Map.Item.Value.k %}' },
          ItemProcessor: NAP,
          MaxConcurrency: 2,
          Catch: [{ ErrorEquals: ['States.QueryEvaluationError'], Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Succeed' },
      },
    };
    const started = await given()
      .when(startCommand(definition, ITEMS))
      .then(['ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'MapIterationStarted', 'MapIterationStarted', 'WaitStateEntered', 'WaitStateEntered']);
    const first = started.state.threads['0'].cursor!.children!.running[0];
    const enteredEventId = started.state.threads[first].cursor!.enteredEventId;
    await given(started.events)
      .when({ type: 'FireTimer', threadId: first, enteredEventId }, fixedEnv('2024-01-01T00:00:10.000Z'))
      .then(
        ['WaitStateExited', 'MapIterationSucceeded', 'WaitStateAborted', 'MapIterationAborted', 'MapStateExited', 'SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded'],
        (_events, state) => {
          assert.equal(state.status, 'SUCCEEDED');
          assert.match(state.output ?? '', /specified for the field 'ItemSelector\/k' returned nothing \(undefined\)/);
        },
      );
  });

  it('fails a redrive again the same way, instead of throwing out of it', async () => {
    const failed = await given().when(startCommand(mapOf(PASS, { MaxConcurrency: 1 }), ITEMS)).then(
      [
        'ExecutionStarted', 'MapStateEntered', 'MapStateStarted',
        'MapIterationStarted', 'PassStateEntered', 'PassStateExited', 'MapIterationSucceeded',
        'MapIterationStarted', 'PassStateEntered', 'PassStateExited', 'MapIterationSucceeded',
        'ExecutionFailed',
      ],
    );
    await given(failed.events)
      .when({ type: 'RedriveExecution' })
      .then(['ExecutionRedriven', 'ExecutionFailed'], (_events, state) => {
        assert.equal(state.error, 'States.Runtime');
      });
  });
});
