import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateJsonataExpression, type JsonataEnv } from './evaluate-jsonata';
import { seededRandom } from './java-random';
import { StatesError } from '../errors/states-error';

const env: JsonataEnv = {
  now: new Date('2024-05-06T07:08:09.123Z'),
  random: () => 0.25,
  uuid: () => '3f1c2a9e-0b7d-4c1e-9a55-1d2e3f4a5b6c',
  hash: (algorithm, data) => `${algorithm}(${data})`,
};
const evaluate = (expression: string, input: unknown = {}) =>
  evaluateJsonataExpression(expression, { states: { input, context: {} }, variables: {} }, env, 'Output');
const failsWith = (pattern: RegExp) => (error: unknown) => {
  assert.ok(error instanceof StatesError);
  assert.equal(error.error, 'States.QueryEvaluationError');
  assert.match(error.cause, pattern);
  return true;
};

describe('$partition', () => {
  it('splits an array into chunks, the last one shorter', async () => {
    assert.deepEqual(await evaluate('$partition([1,2,3,4,5,6,7,8,9], 4)'), [[1, 2, 3, 4], [5, 6, 7, 8], [9]]);
  });
  it('keeps a single chunk as an array of arrays (intrinsic_functions exec_hist_resp_1)', async () => {
    assert.deepEqual(await evaluate('$partition([0], 2)'), [[0]]);
  });
  it('returns an empty array for an empty array', async () => {
    assert.deepEqual(await evaluate('$partition($states.input.a, 2)', { a: [] }), []);
  });
  it('rejects a chunk size of zero', async () => {
    await assert.rejects(evaluate('$partition([1], 0)'), failsWith(/threw an error during evaluation\. .*positive integer/));
  });
});

describe('$range', () => {
  it('includes the end when the step lands on it', async () => {
    assert.deepEqual(await evaluate('$range(0, 9, 3)'), [0, 3, 6, 9]);
  });
  it('stops before the end otherwise', async () => {
    assert.deepEqual(await evaluate('$range(0, 10, 3)'), [0, 3, 6, 9]);
  });
  it('collapses a single value to that value, as AWS does for $range(1, 9, 9)', async () => {
    assert.equal(await evaluate('$range(1, 9, 9)'), 1);
  });
  it('counts down with a negative step', async () => {
    assert.deepEqual(await evaluate('$range(3, 1, -1)'), [3, 2, 1]);
  });
  it('rejects a zero step', async () => {
    await assert.rejects(evaluate('$range(0, 3, 0)'), failsWith(/must not be zero/));
  });
  it('rejects more than 1000 items for executions before behaviour 15', async () => {
    await assert.rejects(evaluate('$range(0, 1000, 1)'), failsWith(/more than 1000/));
  });
  describe('as AWS was measured (floci-io/floci#2676, 2026-08-28; rangeAsAws, behaviour 15)', () => {
    const asAws = (expression: string) =>
      evaluateJsonataExpression(expression, { states: { input: {}, context: {} }, variables: {} }, { ...env, rangeAsAws: true }, 'Output');
    it('cuts non-integer arguments toward zero: $range(-1.7, 2, 1) is [-1,0,1,2]', async () => {
      assert.deepEqual(await asAws('$range(-1.7, 2, 1)'), [-1, 0, 1, 2]);
      assert.deepEqual(await asAws('$range(1.9, 4.2, 1)'), [1, 2, 3, 4]);
    });
    it('has no 1000-item ceiling: $count($range(1, 200000, 1)) is 200000', async () => {
      assert.equal(await asAws('$count($range(1, 200000, 1))'), 200000);
    });
    it("stops at the evaluation's sequence bound, as a bound, not a JSONata error", async () => {
      await assert.rejects(asAws('$count($range(0, 2000000, 1))'), failsWith(/was stopped: \$range would build more than 1000000 items\.$/));
    });
    it('reads a step between -1 and 1 as zero', async () => {
      await assert.rejects(asAws('$range(0, 3, 0.5)'), failsWith(/must not be zero/));
    });
  });
});

describe('$hash', () => {
  it('delegates to the supplied hash with the algorithm', async () => {
    assert.equal(await evaluate("$hash('abc', 'SHA-256')"), 'SHA-256(abc)');
  });
  it('rejects an algorithm AWS does not list', async () => {
    await assert.rejects(evaluate("$hash('abc', 'SHA-3')"), failsWith(/'SHA-3' is not supported/));
  });
  it('requires a string', async () => {
    await assert.rejects(evaluate("$hash(1, 'MD5')"), failsWith(/T0410/));
  });
});

describe('$random, $uuid, $shuffle', () => {
  it('draws $random() from the supplied source', async () => {
    assert.equal(await evaluate('$random()'), 0.25);
  });
  it('makes $random(seed) reproducible (java.util.Random)', async () => {
    assert.equal(await evaluate('$random(42)'), 0.7275636800328681);
    assert.equal(seededRandom(0), 0.730967787376657);
  });
  it('takes $uuid() from the supplied source', async () => {
    assert.equal(await evaluate('$uuid()'), '3f1c2a9e-0b7d-4c1e-9a55-1d2e3f4a5b6c');
  });
  it('shuffles with the supplied randomness, deterministically', async () => {
    const a = await evaluate('$shuffle([1,2,3,4])');
    const b = await evaluate('$shuffle([1,2,3,4])');
    assert.deepEqual(a, b);
    assert.deepEqual([...(a as number[])].sort(), [1, 2, 3, 4]);
  });
});

describe('$parse', () => {
  const cases: ReadonlyArray<[string, unknown]> = [
    ['{"Arg1": 1, "Arg2": []}', { Arg1: 1, Arg2: [] }],
    ['[1, 2, "HelloWorld"]', [1, 2, 'HelloWorld']],
    ['"HelloWorld"', 'HelloWorld'],
    ['1.1', 1.1],
    ['true', true],
    ['-0', 0],
  ];
  for (const [text, value] of cases) {
    it(`parses ${text}`, async () => assert.deepStrictEqual(await evaluate('$parse($states.input.s)', { s: text }), value));
  }
  it('rejects text that is not JSON', async () => {
    await assert.rejects(evaluate('$parse($states.input.s)', { s: '{nope' }), failsWith(/could not parse/));
  });
});
