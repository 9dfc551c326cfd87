import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatesError } from '../errors/states-error';
import { applyResultPath } from './result-path';

const isResultPathFailure = (e: unknown) => e instanceof StatesError && e.error === 'States.ResultPathMatchFailure';

describe('applyResultPath', () => {
  const input = { comment: 'x', nested: { keep: true }, list: [1, 2] };

  it('replaces the input with the result when absent or $', () => {
    assert.equal(applyResultPath(undefined, input, 'r'), 'r');
    assert.equal(applyResultPath('$', input, 'r'), 'r');
  });

  it('discards the result when null', () => {
    assert.equal(applyResultPath(null, input, 'r'), input);
  });

  it('writes the result at the path in a copy, creating missing objects', () => {
    const out = applyResultPath('$.a.b', input, 'r');
    assert.deepEqual(out, { ...input, a: { b: 'r' } });
    assert.deepEqual(applyResultPath('$.nested.added', input, 1), { ...input, nested: { keep: true, added: 1 } });
    assert.deepEqual(applyResultPath("$['comment']", input, 2), { ...input, comment: 2 });
    assert.deepEqual(applyResultPath('$.list[1]', input, 9), { ...input, list: [1, 9] });
    assert.deepEqual(input, { comment: 'x', nested: { keep: true }, list: [1, 2] }, 'input unchanged');
  });

  it("writes through a dot before a bracket: $.abc.['def ghi'] (Developer Guide, Using JSONPath paths)", () => {
    assert.deepEqual(applyResultPath("$.abc.['def ghi']", { abc: {} }, 1), { abc: { 'def ghi': 1 } });
  });

  it('fails with States.ResultPathMatchFailure when a step goes through a non-object', () => {
    assert.throws(() => applyResultPath('$.x', 'a string', 1), isResultPathFailure);
    assert.throws(() => applyResultPath('$.comment.y', input, 1), isResultPathFailure);
    assert.throws(() => applyResultPath('$.list.y', input, 1), isResultPathFailure);
    assert.throws(() => applyResultPath('$.list[5]', input, 1), isResultPathFailure);
  });

  it('fails with States.ResultPathMatchFailure for paths that are not reference paths', () => {
    assert.throws(() => applyResultPath('$.list[*]', input, 1), isResultPathFailure);
    assert.throws(() => applyResultPath('$$.Execution', input, 1), isResultPathFailure);
  });

  it('names the path and the input in the cause', () => {
    assert.throws(
      () => applyResultPath('$.x.y', { x: 'hello' }, 1),
      (e: unknown) => e instanceof StatesError && e.cause === 'Unable to apply ResultPath "$.x.y" to input "{"x":"hello"}"',
    );
  });
});
