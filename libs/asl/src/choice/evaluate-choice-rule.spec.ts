import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateChoiceRule, findMatchingChoiceRule, selectChoice, type ChoiceRule } from './evaluate-choice-rule';
import { COMPARISON_OPERATOR_NAMES } from './comparison-operators';
import { StatesError } from '../errors/states-error';

const scope = { context: { Execution: { Name: 'exec-1' } }, variables: { limit: 10, user: { name: 'ana' } } };
const holds = (rule: ChoiceRule, input: unknown): boolean => evaluateChoiceRule(rule, input, scope);

describe('Choice comparison operators (JSONPath)', () => {
  const valid: ReadonlyArray<[string, ChoiceRule, unknown, boolean]> = [
    ['StringEquals matches an equal string', { Variable: '$.v', StringEquals: 'Hello' }, { v: 'Hello' }, true],
    ['StringEquals is false, not an error, on a number', { Variable: '$.v', StringEquals: '0' }, { v: 0 }, false],
    ['StringEquals does not trim whitespace', { Variable: '$.v', StringEquals: '     ' }, { v: ' ' }, false],
    ['StringLessThan orders by code unit', { Variable: '$.v', StringLessThan: 'AB' }, { v: 'A' }, true],
    ['StringGreaterThan is strict', { Variable: '$.v', StringGreaterThan: '' }, { v: '' }, false],
    ['StringLessThanEquals holds on equal strings', { Variable: '$.v', StringLessThanEquals: '' }, { v: '' }, true],
    ['StringGreaterThanEquals holds on a longer prefix-sharing string', { Variable: '$.v', StringGreaterThanEquals: 'A' }, { v: 'AB' }, true],
    ['StringEqualsPath compares two input values', { Variable: '$.v', StringEqualsPath: '$.w' }, { v: 'x', w: 'x' }, true],
    ['NumericEquals treats 0 and 0.0 as equal', { Variable: '$.v', NumericEquals: 0.0 }, { v: 0 }, true],
    ['NumericEquals is false on a numeric string', { Variable: '$.v', NumericEquals: 1 }, { v: '1' }, false],
    ['NumericEquals is false on a boolean', { Variable: '$.v', NumericEquals: 1 }, { v: true }, false],
    ['NumericLessThan compares ints with floats', { Variable: '$.v', NumericLessThan: 1 }, { v: 0.5 }, true],
    ['NumericGreaterThanEquals holds on equality', { Variable: '$.v', NumericGreaterThanEquals: 1 }, { v: 1.0 }, true],
    ['NumericLessThanEqualsPath reads the bound from the input', { Variable: '$.v', NumericLessThanEqualsPath: '$.w' }, { v: 1, w: 0 }, false],
    ['NumericGreaterThanPath is false when the bound is not a number', { Variable: '$.v', NumericGreaterThanPath: '$.w' }, { v: 1, w: '0' }, false],
    ['BooleanEquals matches false with false', { Variable: '$.v', BooleanEquals: false }, { v: false }, true],
    ['BooleanEquals is false on 0', { Variable: '$.v', BooleanEquals: false }, { v: 0 }, false],
    ['BooleanEquals is false on the string "true"', { Variable: '$.v', BooleanEquals: true }, { v: 'true' }, false],
    ['BooleanEqualsPath compares two booleans', { Variable: '$.v', BooleanEqualsPath: '$.w' }, { v: true, w: true }, true],
    ['TimestampEquals compares instants across offsets', { Variable: '$.v', TimestampEquals: '2012-10-09T18:00:55Z' }, { v: '2012-10-09T19:00:55+01:00' }, true],
    ['TimestampEquals is false on a timestamp without zone', { Variable: '$.v', TimestampEquals: '2012-10-09T19:00:55Z' }, { v: '2012-10-09T19:00:55' }, false],
    ['TimestampEquals is false on a number', { Variable: '$.v', TimestampEquals: '2012-10-09T19:00:55Z' }, { v: 1 }, false],
    ['TimestampLessThan sees nanoseconds', { Variable: '$.v', TimestampLessThan: '2012-10-09T19:00:55.000000002Z' }, { v: '2012-10-09T19:00:55.000000001Z' }, true],
    ['TimestampGreaterThan is strict', { Variable: '$.v', TimestampGreaterThan: '2012-10-09T19:00:55Z' }, { v: '2012-10-09T19:00:55Z' }, false],
    ['TimestampLessThanEquals holds on equality', { Variable: '$.v', TimestampLessThanEquals: '2012-10-09T19:00:55Z' }, { v: '2012-10-09T19:00:55Z' }, true],
    ['TimestampGreaterThanEqualsPath reads the bound from the input', { Variable: '$.v', TimestampGreaterThanEqualsPath: '$.w' }, { v: '2012-10-09T19:00:55Z', w: '2012-10-09T19:00:56Z' }, false],
    ['StringMatches expands * over any run', { Variable: '$.v', StringMatches: 'log-*.txt' }, { v: 'log-2024-01.txt' }, true],
    ['StringMatches treats \\* as a literal asterisk', { Variable: '$.v', StringMatches: 'a\\*b' }, { v: 'a*b' }, true],
    ['StringMatches does not expand an escaped asterisk', { Variable: '$.v', StringMatches: 'a\\*b' }, { v: 'axb' }, false],
    ['StringMatches is false on a number', { Variable: '$.v', StringMatches: '*' }, { v: 1 }, false],
    ['IsNull holds on null only', { Variable: '$.v', IsNull: true }, { v: null }, true],
    ['IsNull: false holds on an empty string', { Variable: '$.v', IsNull: false }, { v: '' }, true],
    ['IsPresent holds on a null value', { Variable: '$.v', IsPresent: true }, { v: null }, true],
    ['IsPresent is false, not an error, on a missing field', { Variable: '$.missing', IsPresent: true }, {}, false],
    ['IsPresent: false holds on a missing nested field', { Variable: '$.a.b.c', IsPresent: false }, {}, true],
    ['IsNumeric: false is false on 0', { Variable: '$.v', IsNumeric: false }, { v: 0 }, false],
    ['IsNumeric is false on a numeric string', { Variable: '$.v', IsNumeric: true }, { v: '1' }, false],
    ['IsString holds on an ISO date string', { Variable: '$.v', IsString: true }, { v: '2023-02-24' }, true],
    ['IsBoolean is false on 0', { Variable: '$.v', IsBoolean: true }, { v: 0 }, false],
    ['IsTimestamp holds on an RFC3339 timestamp with offset', { Variable: '$.v', IsTimestamp: true }, { v: '2012-10-09T19:00:55+01:00' }, true],
    ['IsTimestamp is false on a date alone', { Variable: '$.v', IsTimestamp: true }, { v: '2023-02-24' }, false],
    ['Variable reads workflow variables', { Variable: '$limit', NumericEquals: 10 }, {}, true],
    ['Variable reads nested workflow variables', { Variable: '$user.name', StringEquals: 'ana' }, {}, true],
    ['Variable reads the context object', { Variable: '$$.Execution.Name', StringEquals: 'exec-1' }, {}, true],
    ['Variable reads array items', { Variable: "$.list[1]['k']", StringEquals: 'b' }, { list: [{ k: 'a' }, { k: 'b' }] }, true],
    ['And needs every rule', { And: [{ Variable: '$.v', NumericGreaterThanEquals: 20 }, { Variable: '$.v', NumericLessThan: 30 }] }, { v: 22 }, true],
    ['And fails on one false rule', { And: [{ Variable: '$.v', NumericGreaterThanEquals: 20 }, { Variable: '$.v', NumericLessThan: 30 }] }, { v: 30 }, false],
    ['Or needs one rule', { Or: [{ Variable: '$.v', StringEquals: 'a' }, { Variable: '$.v', StringEquals: 'b' }] }, { v: 'b' }, true],
    ['Not negates its rule', { Not: { Variable: '$.type', StringEquals: 'Private' } }, { type: 'Public' }, true],
    ['Not around IsPresent tolerates a missing field', { Not: { Variable: '$.flag', IsPresent: true } }, {}, true],
  ];
  for (const [name, rule, input, expected] of valid) {
    it(name, () => assert.equal(holds(rule, input), expected));
  }

  it('knows every operator AWS documents, with its Path variant', () => {
    for (const base of ['String', 'Numeric', 'Timestamp']) {
      for (const op of ['Equals', 'LessThan', 'GreaterThan', 'LessThanEquals', 'GreaterThanEquals']) {
        assert.ok(COMPARISON_OPERATOR_NAMES.includes(`${base}${op}`));
        assert.ok(COMPARISON_OPERATOR_NAMES.includes(`${base}${op}Path`));
      }
    }
    for (const name of ['BooleanEquals', 'BooleanEqualsPath', 'StringMatches', 'IsNull', 'IsPresent', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp']) {
      assert.ok(COMPARISON_OPERATOR_NAMES.includes(name), name);
    }
  });
});

describe('Choice rule errors (JSONPath)', () => {
  const runtimeError = (cause: string) => (error: unknown) =>
    error instanceof StatesError && error.error === 'States.Runtime' && error.cause === cause;

  const conditionPath = (path: string) => runtimeError(`Invalid path '${path}': The choice state's condition path references an invalid value.`);

  it('fails with States.Runtime when Variable matches nothing', () => {
    assert.throws(() => holds({ Variable: '$.type', StringEquals: 'Private' }, {}), conditionPath('$.type'));
  });
  it('fails on a missing Variable even for type tests', () => {
    assert.throws(() => holds({ Variable: '$.v', IsNull: true }, {}), conditionPath('$.v'));
  });
  it('says the same of a missing intermediate property, a missing variable and a missing context field', () => {
    assert.throws(() => holds({ Variable: '$.a.b', NumericEquals: 1 }, {}), conditionPath('$.a.b'));
    assert.throws(() => holds({ Variable: '$undefinedVar', StringEquals: 'a' }, {}), conditionPath('$undefinedVar'));
    assert.throws(() => holds({ Variable: '$$.Execution.Nope', StringEquals: 'a' }, {}), conditionPath('$$.Execution.Nope'));
  });
  it('fails when the ...Path operand matches nothing', () => {
    assert.throws(() => holds({ Variable: '$.v', NumericEqualsPath: '$.w' }, { v: 1 }), conditionPath('$.w'));
  });
  it('does not fail on operands of the wrong type: the rule does not hold', () => {
    assert.equal(holds({ Variable: '$.v', NumericEqualsPath: '$.w' }, { v: 1, w: 'x' }), false);
    assert.equal(holds({ Variable: '$.v', NumericLessThanEqualsPath: '$.w' }, { v: 8, w: { value: 8 } }), false);
  });
  it('fails inside And when a nested Variable matches nothing', () => {
    assert.throws(() => holds({ And: [{ Variable: '$.v', NumericEquals: 1 }] }, {}), StatesError);
  });
  it('rejects a rule without an operator', () => {
    assert.throws(() => holds({ Variable: '$.v' }, { v: 1 }), StatesError);
  });
});

describe('Choice rules against AWS evidence (JSONPath)', () => {
  // AWS's Choice page (Developer Guide, "Choice Rules", also in the 2023 awsdocs copy,
  // doc_source/amazon-states-language-choice-state.md): "the corresponding value must be of the
  // appropriate type ... Step Functions doesn't attempt to match a numeric field to a string
  // value". LocalStack's AWS-validated test_numeric_equals_path (01-03-2023) and
  // test_boolean_equals_path (22-06-2023) record every such rule taking the Default branch: a
  // Variable of the wrong type never matches, and never fails the execution.
  const wrongTypes: readonly unknown[] = [null, '', ' ', [], [''], {}, { A: 0 }, false, true];
  it('a Variable of the wrong type does not hold against a numeric ...Path operand (test_numeric_equals_path, AWS 2023-03-01)', () => {
    for (const variable of wrongTypes) {
      for (const value of [0, 0.0, 1, 1.0]) {
        assert.equal(holds({ Variable: '$.Variable', NumericEqualsPath: '$.Value' }, { Variable: variable, Value: value }), false, JSON.stringify(variable));
      }
    }
  });
  it('a Variable of the wrong type does not hold against a boolean ...Path operand (test_boolean_equals_path, AWS 2023-06-22)', () => {
    for (const variable of [null, 0, 1.1, '', 'HelloWorld', '2023-02-24', [], [''], {}, { A: 0 }]) {
      for (const value of [true, false]) {
        assert.equal(holds({ Variable: '$.Variable', BooleanEqualsPath: '$.Value' }, { Variable: variable, Value: value }), false, JSON.stringify(variable));
      }
    }
  });
  it('a ...Path operand of the wrong type does not hold either, as the Choice page says', () => {
    // A re:Post report ("Step Functions Choice type coerces non-numeric values to 0 for numeric
    // path choices") describes AWS reading a non-numeric NumericGreaterThanEqualsPath operand as
    // 0; it calls that a bug against this documented rule, and no recording shows it, so the
    // documented rule stands.
    assert.equal(holds({ Variable: '$.key', NumericGreaterThanEqualsPath: '$.find' }, { key: 0, find: 'ABC' }), false);
    assert.equal(holds({ Variable: '$.num1', NumericEqualsPath: '$.str2' }, { num1: 1, str2: '1' }), false);
    assert.equal(holds({ Variable: '$.num1', StringEqualsPath: '$.num2' }, { num1: 1, num2: 1 }), false);
  });
  it('a Variable, or a ...Path operand, that matches nothing fails with States.Runtime (Choice page: "the execution fails")', () => {
    // The Choice page: "If the state input doesn't contain the $.type field, the execution fails
    // and an error is displayed in the execution history". The wording for a missing operand is
    // quoted from AWS in a Choice-failure fixture of ManageIQ/floe ("Target missing -> ...").
    const failsOn = (path: string) => (error: unknown) =>
      error instanceof StatesError && error.error === 'States.Runtime' && error.cause === `Invalid path '${path}': The choice state's condition path references an invalid value.`;
    assert.throws(() => holds({ Variable: '$.num1', NumericEqualsPath: '$.missing' }, { num1: 1 }), failsOn('$.missing'));
    assert.throws(() => holds({ Variable: '$.type', StringEquals: 'Private' }, { value: 22 }), failsOn('$.type'));
  });
});

describe('selectChoice', () => {
  const state = {
    Choices: [
      { Not: { Variable: '$.type', StringEquals: 'Private' }, Next: 'Public' },
      { Variable: '$.value', NumericEquals: 0, Next: 'ValueIsZero' },
      { And: [{ Variable: '$.value', NumericGreaterThanEquals: 20 }, { Variable: '$.value', NumericLessThan: 30 }], Next: 'ValueInTwenties' },
    ],
    Default: 'DefaultState',
  };
  it('takes the first matching rule (the AWS docs example)', () => {
    assert.equal(selectChoice(state, { type: 'Private', value: 22 }, scope), 'ValueInTwenties');
    assert.equal(selectChoice(state, { type: 'Public', value: 0 }, scope), 'Public');
  });
  it('falls back to Default', () => {
    assert.equal(selectChoice(state, { type: 'Private', value: 3 }, scope), 'DefaultState');
  });
  it('returns undefined when nothing matches and there is no Default', () => {
    assert.equal(selectChoice({ Choices: state.Choices }, { type: 'Private', value: 3 }, scope), undefined);
  });
  it('exposes the matched rule so the engine can apply its Assign', () => {
    const rule = { Variable: '$.v', BooleanEquals: true, Next: 'Yes', Assign: { seen: true } };
    assert.equal(findMatchingChoiceRule({ Choices: [rule] }, { v: true }, scope), rule);
  });
});
