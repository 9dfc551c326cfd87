import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import jsonata from 'jsonata';
import { evaluateJsonataExpression, type JsonataEnv } from './evaluate-jsonata';
import { StatesError } from '../errors/states-error';

const env: JsonataEnv = { now: new Date('2024-05-06T07:08:09.123Z'), random: () => 0.25, uuid: () => 'u', hash: (algorithm, data) => `${algorithm}(${data})` };
const bindings = { states: { input: { text: 'Hat 12-x, hat 34-; HAT\nline two 56' }, context: {} }, variables: {} };

/** Plain JSON as evaluateJsonataExpression gives it: undefined array members (a group that took no part) dropped. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== undefined).map(plain);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, plain(member)]));
  return value;
}

/** JSONata on V8's own RegExp: what the linear engine must agree with on ordinary patterns. */
async function withNativeRegExp(expression: string): Promise<unknown> {
  return plain((await jsonata(expression).evaluate(undefined, bindings)) ?? null);
}

describe('JSONata regular expressions on the linear-time engine', () => {
  const ordinary = [
    '$match($states.input.text, /(\\d+)-(x)?/)',
    '$match($states.input.text, /hat/i)',
    '$match($states.input.text, /^\\w+/m)',
    '$match($states.input.text, /h(a)t/, 1)',
    '$contains($states.input.text, /\\d{2}-x/)',
    '$contains($states.input.text, /zzz/)',
    '$replace($states.input.text, /(\\d+)-/, "<$1>")',
    '$replace($states.input.text, /hat/i, "cap", 2)',
    '$split($states.input.text, /[,;]\\s*/)',
    '$split("a1b22c333", /\\d+/)',
    '($states.input.text ~> /two/).start',
    '$match("😀ab 12", /\\d+/)',
  ];
  for (const expression of ordinary) {
    it(`agrees with V8's RegExp: ${expression}`, async () => {
      assert.deepEqual((await evaluateJsonataExpression(expression, bindings, env)) ?? null, await withNativeRegExp(expression));
    });
  }

  it('answers at once on a pattern that backtracks exponentially', async () => {
    // V8's RegExp takes ~0.6 s on 26 characters here, and doubles with each further one.
    assert.equal(await evaluateJsonataExpression(`$contains("${'a'.repeat(5_000)}!", /(a+)+$/)`, bindings, env), false);
    assert.equal(await evaluateJsonataExpression(`$replace("${'a'.repeat(40)}!", /(a|aa)+$/, "x")`, bindings, env), `${'a'.repeat(40)}!`);
  });

  it('refuses lookaround and backreferences with States.QueryEvaluationError', async () => {
    for (const pattern of ['(?=a)a', '(a)\\1']) {
      await assert.rejects(evaluateJsonataExpression(`$match("aa", /${pattern}/)`, bindings, env), (error: unknown) => {
        assert.ok(error instanceof StatesError);
        assert.equal(error.error, 'States.QueryEvaluationError');
        assert.match(error.cause ?? '', /Unsupported regular expression/);
        return true;
      });
    }
  });

  it('still refuses a pattern that matches the empty string in $match (JSONata D1004)', async () => {
    await assert.rejects(evaluateJsonataExpression('$match("abc", /x*/)', bindings, env), StatesError);
  });
});
