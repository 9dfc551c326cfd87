import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { selectChoiceJsonata } from './select-choice-jsonata';
import { StatesError } from '../errors/states-error';

const env = { now: new Date('2024-01-01T00:00:00Z'), random: () => 0.5, uuid: () => 'u', hash: () => 'h' };
const bindings = (input: unknown, variables: Record<string, unknown> = {}) => ({ states: { input, context: {} }, variables });

describe('selectChoiceJsonata', () => {
  const state = {
    Choices: [
      { Condition: '{% $states.input.result.done %}', Next: 'FinishTrue', Output: 'taken' },
      { Condition: '{% $not($states.input.result.done) %}', Next: 'FinishFalse' },
    ],
    Default: 'Fallback',
  };

  it('takes the first rule whose Condition is true and returns it', async () => {
    const selection = await selectChoiceJsonata(state, bindings({ result: { done: true } }), env);
    assert.equal(selection?.next, 'FinishTrue');
    assert.equal(selection?.rule, state.Choices[0]);
  });
  it('evaluates later rules when earlier ones are false', async () => {
    assert.equal((await selectChoiceJsonata(state, bindings({ result: { done: false } }), env))?.next, 'FinishFalse');
  });
  it('accepts a literal boolean Condition', async () => {
    assert.deepEqual(await selectChoiceJsonata({ Choices: [{ Condition: true, Next: 'Yes' }] }, bindings({}), env), {
      next: 'Yes',
      rule: { Condition: true, Next: 'Yes' },
    });
  });
  it('reads workflow variables', async () => {
    const s = { Choices: [{ Condition: "{% $type = 'local' %}", Next: 'Local' }] };
    assert.equal((await selectChoiceJsonata(s, bindings({}, { type: 'local' }), env))?.next, 'Local');
  });
  it('takes the Default without a rule when nothing matches', async () => {
    const s = { Choices: [{ Condition: '{% false %}', Next: 'No' }], Default: 'Other' };
    assert.deepEqual(await selectChoiceJsonata(s, bindings({}), env), { next: 'Other' });
  });
  it('returns undefined when nothing matches and there is no Default', async () => {
    assert.equal(await selectChoiceJsonata({ Choices: [{ Condition: false, Next: 'No' }] }, bindings({}), env), undefined);
  });
  it('fails with States.QueryEvaluationError on a non-boolean Condition', async () => {
    const s = { Choices: [{ Condition: "{% 'yes' %}", Next: 'No' }] };
    await assert.rejects(selectChoiceJsonata(s, bindings({}), env), (error: unknown) => {
      assert.ok(error instanceof StatesError);
      assert.equal(error.error, 'States.QueryEvaluationError');
      assert.equal(
        error.cause,
        `The JSONata expression ''yes'' specified for the field 'Condition' returned an unexpected result type. Expected 'boolean', but was 'string' for value: "yes"`,
      );
      return true;
    });
  });
  it('fails when the Condition returns nothing', async () => {
    const s = { Choices: [{ Condition: '{% $states.input.missing %}', Next: 'No' }] };
    await assert.rejects(selectChoiceJsonata(s, bindings({}), env), {
      error: 'States.QueryEvaluationError',
      cause: "The JSONata expression '$states.input.missing' specified for the field 'Condition' returned nothing (undefined).",
    });
  });
});
