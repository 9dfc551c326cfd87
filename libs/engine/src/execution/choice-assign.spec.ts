import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EngineBehaviour } from './behaviour';
import { pendingEffects } from './effects';
import type { ExecutionEvent } from './history-event';
import { given, startCommand } from './testing/decider-specification';

/**
 * A Choice's Assign: AWS's Developer Guide, "Choice workflow state": a rule's Assign "assigns
 * variables when this specific choice rule matches", and an Assign at the state level "applies
 * regardless of which choice rule matches". Where both name a variable the rule's value is
 * the one AWS records (LocalStack's AWS-validated test_assign_in_choice[CONDITION_TRUE],
 * 2024-11: ChoiceStateExited assignedVariables {"Assignment": "\"Condition assignment\""}).
 */

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:work';

function assignedOf(events: readonly ExecutionEvent[]): unknown {
  const exited = events.find((event) => event.type === 'ChoiceStateExited');
  assert.ok(exited, 'the Choice exited');
  const details = exited.stateExitedEventDetails as { assignedVariables?: Record<string, string> };
  return details.assignedVariables;
}

const jsonPathChoice = {
  Type: 'Choice',
  Choices: [{ Variable: '$.a', NumericEquals: 1, Assign: { picked: 'rule', fromRule: true }, Next: 'Done' }],
  Default: 'Done',
  Assign: { picked: 'state', fromState: true },
};
const jsonataChoice = {
  Type: 'Choice',
  Choices: [{ Condition: '{% $states.input.a = 1 %}', Assign: { picked: 'rule', fromRule: true }, Next: 'Done' }],
  Default: 'Done',
  Assign: { picked: 'state', fromState: true },
};

describe('decide: a Choice assigns its own Assign and the matched rule\'s (Choice workflow state page)', () => {
  for (const [language, choice] of [['JSONPath', jsonPathChoice], ['JSONata', jsonataChoice]] as const) {
    const definition = { QueryLanguage: language, StartAt: 'C', States: { C: choice, Done: { Type: 'Succeed' } } };

    it(`${language}: a matched rule's Assign is applied with the state's, the rule winning on a shared name`, async () => {
      await given().when(startCommand(definition, { a: 1 })).then(
        ['ExecutionStarted', 'ChoiceStateEntered', 'ChoiceStateExited', 'SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded'],
        (events) => assert.deepEqual(assignedOf(events), { picked: '"rule"', fromState: 'true', fromRule: 'true' }),
      );
    });

    it(`${language}: the Default applies the state's Assign alone`, async () => {
      await given().when(startCommand(definition, { a: 2 })).then(
        ['ExecutionStarted', 'ChoiceStateEntered', 'ChoiceStateExited', 'SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded'],
        (events) => assert.deepEqual(assignedOf(events), { picked: '"state"', fromState: 'true' }),
      );
    });
  }

  it('keeps the old assignment for an execution started before behaviour 16 (ChoiceAssignMerged)', async () => {
    const definition = (choice: Record<string, unknown>, language: string) => ({
      QueryLanguage: language,
      StartAt: 'Work',
      States: { Work: { Type: 'Task', Resource: FUNCTION_ARN, Next: 'C' }, C: choice, Done: { Type: 'Succeed' } },
    });
    const older = (events: readonly ExecutionEvent[]): ExecutionEvent[] =>
      events.map((event) => (event.type === 'ExecutionStarted' ? ({ ...event, x: { ...event.x, start: { ...event.x!.start!, behaviour: EngineBehaviour.StoppedWaitUnrecorded } } } as ExecutionEvent) : event));
    const expected = { JSONPath: { picked: '"state"', fromState: 'true' }, JSONata: { picked: '"rule"', fromRule: 'true' } };
    for (const [language, choice] of [['JSONPath', jsonPathChoice], ['JSONata', jsonataChoice]] as const) {
      const started = await given().when(startCommand(definition(choice, language), {})).then(['ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled']);
      const task = pendingEffects(started.state).find((effect) => effect.kind === 'task');
      assert.ok(task && task.kind === 'task');
      await given(older(started.events))
        .when({ type: 'CompleteTask', token: task.token, output: '{"a":1}' })
        .then(
          ['LambdaFunctionStarted', 'LambdaFunctionSucceeded', 'TaskStateExited', 'ChoiceStateEntered', 'ChoiceStateExited', 'SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded'],
          (events) => assert.deepEqual(assignedOf(events), expected[language], language),
        );
    }
  });
});
