import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isValidIntrinsicCall, isValidJsonPath } from './path-syntax';

describe('isValidJsonPath', () => {
  const valid = ['$', '$$', '$.a', '$.a.b', '$$.Execution.Input', '$var', '$var.x[0]', '$[*]', '$.a[1:]', '$.a[:1]', '$.a[0:10:2]', '$.a[-1]', '$.a[1,2]', "$['x y']", "$['a','b']", '$.a..b', '$.a.*', '$.a[?(@.s == 0)]', '$.delivery-partner', '$.a.length()', "$.abc.['def ghi']"];
  // `$.abc.['def ghi']` is the Developer Guide's own example (Using JSONPath paths).
  // `$[(@.length-1)]` is a script expression, which Jayway (AWS's JSONPath) does not have and the engine cannot run.
  const invalid = ['', 'a', '.a', '$.', '$.a[', '$.a[x]', '$.a[?(@.s == 0]', 'States.Array()', '$.a]', '$[(@.length-1)].bar'];
  for (const path of valid) test(`accepts ${path}`, () => assert.equal(isValidJsonPath(path), true));
  for (const path of invalid) test(`rejects ${JSON.stringify(path)}`, () => assert.equal(isValidJsonPath(path), false));
});

describe('isValidIntrinsicCall: nesting (Developer Guide, Intrinsic functions: "You can nest up to 10 intrinsic functions within a field")', () => {
  const nested = (depth: number) => 'States.Array('.repeat(depth) + '1' + ')'.repeat(depth);
  test('accepts calls nested 10 deep', () => assert.equal(isValidIntrinsicCall(nested(10)), true));
  test('rejects calls nested 11 deep', () => assert.equal(isValidIntrinsicCall(nested(11)), false));
  test("accepts the page's nine-function myArn field (with as many {} as arguments)", () => {
    const myArn =
      "States.Format('{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))";
    assert.equal(isValidIntrinsicCall(myArn), true);
  });
});

describe('isValidIntrinsicCall', () => {
  const valid = [
    'States.UUID()',
    'States.Array()',
    "States.Array('a', 1, -2.5, true, null, $.x)",
    "States.Format('{} and \\{literal\\} \\' \\\\', $.a)",
    "States.StringToJson('{\"a\": 1}')",
    "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), States.MathAdd(States.ArrayLength($.a), -1))",
    'States.ArrayGetItem($.a[1,2], 0)',
    "States.MathAdd($.a , 1) ",
  ];
  const invalid = [
    'States.Nope()',
    'States.Format(',
    "States.Format('unterminated)",
    "States.Format('bad \\\" escape')",
    'States.Array(1,)',
    'States.Array(1) trailing',
    'States.Array(foo)',
    // Leading blanks: AWS's linter rejects them (awslabs/statelint, states-array-invocation-leftpad.json).
    " States.Array('Foo', $.xyz, 'Bar', 2.3)",
    '\tStates.UUID()',
  ];
  for (const call of valid) test(`accepts ${call}`, () => assert.equal(isValidIntrinsicCall(call), true));
  for (const call of invalid) test(`rejects ${call}`, () => assert.equal(isValidIntrinsicCall(call), false));
});
