import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateJsonataExpression, evaluateRequiredJsonataExpression, type JsonataEnv } from './evaluate-jsonata';
import { StatesError } from '../errors/states-error';

const env: JsonataEnv = {
  now: new Date('2024-05-06T07:08:09.123Z'),
  random: () => 0.25,
  uuid: () => '3f1c2a9e-0b7d-4c1e-9a55-1d2e3f4a5b6c',
  hash: (algorithm, data) => `${algorithm}(${data})`,
};
const bindings = {
  states: { input: { items: [1, 2, 3], name: 'ana' }, context: { Execution: { Name: 'exec-1' } }, result: { ok: true } },
  variables: { limit: 2, user: { name: 'bo' } },
};
const evaluate = (expression: string) => evaluateJsonataExpression(expression, bindings, env);

const queryError = (cause: string) => (error: unknown) => {
  assert.ok(error instanceof StatesError);
  assert.equal(error.error, 'States.QueryEvaluationError');
  assert.equal(error.cause, cause);
  return true;
};

describe('evaluateJsonataExpression, against AWS evidence', () => {
  // floci-io/floci#2783 (2026-08-30) reports AWS measured with TestState in us-east-1:
  // `[1/0]` answers ["Infinity"] and `{'k': 1/0}` answers {"k":"Infinity"}; a bare 1/0 or -1/0
  // evaluates too. JSON's own serialisation would make the number null.
  it('keeps an infinite number as the text AWS gives it when infinityAsText is set', async () => {
    const aws = { ...env, infinityAsText: true };
    assert.deepEqual(await evaluateJsonataExpression('[1/0]', bindings, aws), ['Infinity']);
    assert.deepEqual(await evaluateJsonataExpression("{'k': 1/0}", bindings, aws), { k: 'Infinity' });
    assert.equal(await evaluateJsonataExpression('-1/0', bindings, aws), '-Infinity');
    assert.equal(await evaluateJsonataExpression('1e308 * 10', bindings, aws), 'Infinity');
  });
  it('leaves it a number (null once serialised) without infinityAsText, as older executions decide', async () => {
    assert.deepEqual(await evaluate('[1/0]'), [Infinity]);
  });
  // The same report's quotes of AWS's causes for a function given the wrong type, as jsonata-js words them.
  it("words a function's type error as AWS does (floci-io/floci#2668, #2783)", async () => {
    await assert.rejects(evaluateJsonataExpression('$sum(["a"])', bindings, env, 'Output/r'), queryError(
      `The JSONata expression '$sum(["a"])' specified for the field 'Output/r' threw an error during evaluation. T0412: Argument 1 of function "sum" must be an array of "numbers"`,
    ));
    await assert.rejects(evaluateJsonataExpression('$abs("a")', bindings, env, 'Output/r'), queryError(
      `The JSONata expression '$abs("a")' specified for the field 'Output/r' threw an error during evaluation. T0410: Argument 1 of function "abs" does not match function signature`,
    ));
  });
  it('refuses $eval with T1006 and a bad $formatNumber picture with D3086, as AWS does (floci-io/floci#2737)', async () => {
    await assert.rejects(evaluate('$eval("1+1")'), (error: unknown) => error instanceof StatesError && error.cause.includes('T1006: '));
    await assert.rejects(evaluate('$formatNumber(1, "x")'), (error: unknown) => error instanceof StatesError && error.cause.includes('D3086: '));
  });
});

describe('evaluateJsonataExpression', () => {
  it('binds $states.input, $states.context and $states.result', async () => {
    assert.equal(await evaluate('$states.input.name'), 'ana');
    assert.equal(await evaluate('$states.context.Execution.Name'), 'exec-1');
    assert.equal(await evaluate('$states.result.ok'), true);
  });
  it('binds workflow variables as $name', async () => {
    assert.equal(await evaluate('$limit + 1'), 3);
    assert.equal(await evaluate('$user.name'), 'bo');
  });
  it('does not let a variable named states shadow $states', async () => {
    const result = await evaluateJsonataExpression('$states.input.name', { ...bindings, variables: { states: 'x' } }, env);
    assert.equal(result, 'ana');
  });
  it('resolves to undefined when nothing matches', async () => {
    assert.equal(await evaluate('$states.input.missing'), undefined);
  });
  it('returns plain arrays, not JSONata sequences', async () => {
    const result = await evaluateJsonataExpression('$states.input.list.v', { ...bindings, states: { input: { list: [{ v: 1 }, { v: 2 }] }, context: {} } }, env);
    assert.deepStrictEqual(result, [1, 2]);
  });
  it('binds $now() to the execution time, not the wall clock', async () => {
    assert.equal(await evaluate('$now()'), '2024-05-06T07:08:09.123Z');
    assert.equal(await evaluate('$millis()'), Date.parse('2024-05-06T07:08:09.123Z'));
  });
  it('formats $now() with a picture string', async () => {
    assert.equal(await evaluate("$now('[Y0001]-[M01]-[D01]')"), '2024-05-06');
  });
  it('makes $toMillis and $fromMillis round-trip the bound time', async () => {
    assert.equal(await evaluate('$fromMillis($millis())'), '2024-05-06T07:08:09.123Z');
  });
  it('evaluates JSONata regular expressions with escapes (jsonata/ BASE_SINGLE_QUOTE)', async () => {
    assert.equal(await evaluate("$contains('hello$world', /^hello\\$/)"), true);
    assert.equal(await evaluate("$contains('hello$world', /^hello\\ /)"), false);
  });
  it('caches compiled expressions without leaking one evaluation into another', async () => {
    const expression = '$limit * 2';
    const [a, b] = await Promise.all([
      evaluateJsonataExpression(expression, { ...bindings, variables: { limit: 1 } }, env),
      evaluateJsonataExpression(expression, { ...bindings, variables: { limit: 5 } }, env),
    ]);
    assert.deepEqual([a, b], [2, 10]);
  });
  it('gives each evaluation its own clock', async () => {
    const later = { ...env, now: new Date('2030-01-01T00:00:00.000Z') };
    const [a, b] = await Promise.all([
      evaluateJsonataExpression('$now()', bindings, env),
      evaluateJsonataExpression('$now()', bindings, later),
    ]);
    assert.deepEqual([a, b], ['2024-05-06T07:08:09.123Z', '2030-01-01T00:00:00.000Z']);
  });
});

describe('evaluateJsonataExpression errors', () => {
  it('maps a JSONata failure to States.QueryEvaluationError with code and message', async () => {
    await assert.rejects(
      evaluateJsonataExpression('$randomSeeded($states.input.name)', bindings, env, 'Output/FunctionResult'),
      queryError(
        "The JSONata expression '$randomSeeded($states.input.name)' specified for the field 'Output/FunctionResult' threw an error during evaluation. T1006: Attempted to invoke a non-function",
      ),
    );
  });
  it('does not offer $eval (AWS: use $parse)', async () => {
    await assert.rejects(
      evaluateJsonataExpression("$eval('1')", bindings, env, 'Output'),
      queryError("The JSONata expression '$eval('1')' specified for the field 'Output' threw an error during evaluation. T1006: Attempted to invoke a non-function"),
    );
  });
  it('reports syntax errors the same way', async () => {
    await assert.rejects(evaluateJsonataExpression('1 +', bindings, env, 'Output'), (error: unknown) => {
      assert.ok(error instanceof StatesError);
      assert.match(error.cause, /^The JSONata expression '1 \+' specified for the field 'Output' threw an error during evaluation\. S0207: /);
      return true;
    });
  });
  it('reports type errors with their code', async () => {
    await assert.rejects(evaluateJsonataExpression("1 + 'a'", bindings, env, 'Output'), (error: unknown) => {
      assert.ok(error instanceof StatesError);
      assert.match(error.cause, /threw an error during evaluation\. T2002: /);
      return true;
    });
  });
  it('rejects a function result as an unsupported result type', async () => {
    await assert.rejects(
      evaluateJsonataExpression('$fn := function($x){$x}', bindings, env, 'Items'),
      queryError("The JSONata expression '$fn := function($x){$x}' specified for the field 'Items' returned an unsupported result type."),
    );
  });
  it('requires a value when asked to', async () => {
    await assert.rejects(
      evaluateRequiredJsonataExpression('$doesNotExist', bindings, env, 'Output'),
      queryError("The JSONata expression '$doesNotExist' specified for the field 'Output' returned nothing (undefined)."),
    );
  });

  it('sorts 200,000 items, by default and by a comparator, and orders by ^() (jsonata merges with copies without the postinstall patch)', async () => {
    // Unpatched, $sort([1..200000]) exhausted a 4 GB heap: every merge step copied the rest of a half.
    const sorted = (await evaluate('$sort($reverse([1..200000]))')) as number[];
    assert.equal(sorted.length, 200_000);
    assert.ok(sorted.every((value, index) => value === index + 1));
    assert.deepEqual(await evaluate('$sort([3, 1, 2, 1], function($l, $r) { $l < $r })'), [3, 2, 1, 1]);
    assert.deepEqual(await evaluate('[{"k": 2, "i": 0}, {"k": 1, "i": 1}, {"k": 2, "i": 2}]^(k).i'), [1, 0, 2]);
    const ordered = (await evaluate('[1..50000].{"k": 50000 - $}^(k).k')) as number[];
    assert.equal(ordered[0], 0);
    assert.equal(ordered[49_999], 49_999);
  });

  it('finds distinct values in one pass, as JSONata answers them', async () => {
    assert.deepEqual(await evaluate('$distinct([1, 2, 1, {"a": 1, "b": 2}, {"b": 2, "a": 1}, [1], [1]])'), [1, 2, { a: 1, b: 2 }, [1]]);
    assert.deepEqual(await evaluate('$distinct([7, 7])'), [7]);
    // A sequence (a path's matches) of one distinct value is that value, as JSONata's own gives.
    assert.equal(await evaluate('$distinct($states.input.items[$ < 3].($ * 0 + 5))'), 5);
    assert.equal(await evaluate('$count($distinct([1..100000]))'), 100_000);
  });

  it('spreads and takes wildcards in one pass, with the shapes JSONata gives (postinstall patch)', async () => {
    // Unpatched, each item copied the whole result: $spread of 20,000 objects took 9.7 s.
    const many = { ...bindings, states: { ...bindings.states, input: { arr: Array.from({ length: 20_000 }, (_, k) => ({ k })), obj: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, [i]])) } } };
    assert.equal(await evaluateJsonataExpression('$count($spread($states.input.arr))', many, env), 20_000);
    assert.equal(await evaluateJsonataExpression('$count($states.input.obj.*)', many, env), 20_000);
    // Shapes recorded from jsonata 2.2.2 as published: a one-item result is unwrapped only where concat never ran.
    const shapes: readonly [string, unknown][] = [
      ['$spread([{"a":1, "c": 3}])', [{ a: 1 }, { c: 3 }]],
      ['$spread([{"a":1}])', [{ a: 1 }]],
      ['$spread({"a":1})', { a: 1 }],
      ['$spread([1, {"a": 2}])', [1, { a: 2 }]],
      ['{"a":[1]}.*', [1]],
      ['{"a":1}.*', 1],
      ['{"a":[]}.*', []],
      ['{"a":[1,2], "b":[3]}.*', [1, 2, 3]],
    ];
    for (const [expression, expected] of shapes) assert.deepEqual(await evaluate(expression), expected, expression);
  });
});

