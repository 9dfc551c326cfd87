import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatesError } from '../errors/states-error';
import type { IntrinsicEnv } from '../intrinsics/evaluate-intrinsic';
import { evaluateFieldExpression, evaluatePayloadTemplate } from './payload-template';

const env: IntrinsicEnv = { random: () => 0, uuid: () => 'uuid-1', hash: () => 'hash' };
const scope = {
  input: { x: 1, items: [{ v: 'a' }, { v: 'b' }], users: [{ status: 0 }, { status: 1 }] },
  context: { Execution: { Name: 'exec-1' } },
  variables: { greeting: 'hi' },
};

describe('evaluatePayloadTemplate', () => {
  it('copies literal values and evaluates keys ending in .$', () => {
    const template = {
      literal: 'text',
      path: '$.not-evaluated',
      'x.$': '$.x',
      'name.$': '$$.Execution.Name',
      'greet.$': '$greeting',
      'id.$': 'States.UUID()',
      'all.$': '$',
    };
    assert.deepEqual(evaluatePayloadTemplate(template, scope, env), {
      literal: 'text',
      path: '$.not-evaluated',
      x: 1,
      name: 'exec-1',
      greet: 'hi',
      id: 'uuid-1',
      all: scope.input,
    });
  });

  it('recurses into nested objects and arrays', () => {
    const template = { outer: { 'inner.$': '$.items[*].v' }, list: [{ 'x.$': '$.x' }, 2, 'three'] };
    assert.deepEqual(evaluatePayloadTemplate(template, scope, env), {
      outer: { inner: ['a', 'b'] },
      list: [{ x: 1 }, 2, 'three'],
    });
  });

  it('returns filter results as arrays (corpus: pass_regex_json_path_base)', () => {
    assert.deepEqual(evaluatePayloadTemplate({ 'f.$': '$.users[?(@.status == 0)]' }, scope, env), {
      f: [{ status: 0 }],
    });
  });

  it('does not mutate the template', () => {
    const template = { a: { 'b.$': '$.x' } };
    evaluatePayloadTemplate(template, scope, env);
    assert.deepEqual(template, { a: { 'b.$': '$.x' } });
  });

  it('fails with States.Runtime naming the field and the input when a path selects nothing', () => {
    assert.throws(
      () => evaluatePayloadTemplate({ 'value.$': '$.no_such_jsonpath' }, { ...scope, input: { 'int-literal': 0 } }, env),
      (e: unknown) =>
        e instanceof StatesError &&
        e.error === 'States.Runtime' &&
        e.cause ===
          "The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be found in the input '{\"int-literal\":0}'",
    );
  });

  it('fails with States.Runtime for a $$ path that selects nothing', () => {
    assert.throws(
      () => evaluatePayloadTemplate({ 'value.$': '$$.Execution.Input.nope' }, scope, env),
      (e: unknown) => e instanceof StatesError && e.error === 'States.Runtime' && e.cause.includes("'$$.Execution.Input.nope'"),
    );
  });
});

describe('evaluateFieldExpression', () => {
  it('names fields such as ErrorPath in its messages', () => {
    assert.throws(
      () => evaluateFieldExpression('$.ErrorX', { ...scope, input: { Error: 'e' } }, env, 'ErrorPath'),
      (e: unknown) =>
        e instanceof StatesError &&
        e.cause === "The JSONPath '$.ErrorX' specified for the field 'ErrorPath' could not be found in the input '{\"Error\":\"e\"}'",
    );
  });

  it('evaluates an intrinsic call in a path field', () => {
    assert.equal(evaluateFieldExpression("States.Format('{}!', $.x)", scope, env, 'CausePath'), '1!');
  });
});
