import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateJsonataField, evaluateJsonataTemplate, isJsonataTemplate, jsonataTemplateExpression } from './template';
import { jsonataUnexpectedTypeError } from './jsonata-errors';
import type { JsonataEnv } from './evaluate-jsonata';

const env: JsonataEnv = { now: new Date('2024-01-01T00:00:00Z'), random: () => 0.5, uuid: () => 'u', hash: () => 'h' };
const bindings = { states: { input: { a: 1, list: [1, 2] }, context: {} }, variables: { v: 'x' } };

describe('isJsonataTemplate', () => {
  const cases: ReadonlyArray<[unknown, boolean]> = [
    ['{% $v %}', true],
    ['{%$v%}', true],
    [' {% $v %}', false],
    ['{% $v %} ', false],
    ['prefix {% $v %}', false],
    ['{%}', false],
    [1, false],
  ];
  for (const [value, expected] of cases) it(`says ${JSON.stringify(value)} is ${expected ? '' : 'not '}a template`, () => assert.equal(isJsonataTemplate(value), expected));
  it('extracts the trimmed expression', () => assert.equal(jsonataTemplateExpression('{%  $v  %}'), '$v'));
});

describe('evaluateJsonataTemplate', () => {
  it('evaluates expressions inside objects and arrays and keeps literals', async () => {
    const value = { x: '{% $states.input.a + 1 %}', y: ['{% $v %}', 'plain', 3, null, true], z: { deep: '{% $states.input.list %}' } };
    assert.deepStrictEqual(await evaluateJsonataTemplate(value, bindings, env), { x: 2, y: ['x', 'plain', 3, null, true], z: { deep: [1, 2] } });
  });
  it('treats a string that only contains {% as a literal', async () => {
    assert.equal(await evaluateJsonataTemplate('a {% b %}', bindings, env), 'a {% b %}');
  });
  it('names the field when a top-level expression returns nothing', async () => {
    await assert.rejects(evaluateJsonataTemplate('{% $doesNotExist %}', bindings, env, 'Output'), {
      error: 'States.QueryEvaluationError',
      cause: "The JSONata expression '$doesNotExist' specified for the field 'Output' returned nothing (undefined).",
    });
  });
  it('names the nested field path when a member returns nothing (Arguments/FunctionName)', async () => {
    await assert.rejects(evaluateJsonataField('Arguments', { FunctionName: '{% $doesNotExist %}' }, bindings, env), {
      error: 'States.QueryEvaluationError',
      cause: "The JSONata expression '$doesNotExist' specified for the field 'Arguments/FunctionName' returned nothing (undefined).",
    });
  });
});

describe('jsonataUnexpectedTypeError', () => {
  it("words a type mismatch as AWS does for Items", () => {
    const error = jsonataUnexpectedTypeError("{'foo': 'bar'}", 'Items', 'array', { foo: 'bar' });
    assert.equal(error.error, 'States.QueryEvaluationError');
    assert.equal(
      error.cause,
      `The JSONata expression '{'foo': 'bar'}' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'object' for value: {"foo":"bar"}`,
    );
  });
});
