import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatesError } from '../errors/states-error';
import { applyInputPath, applyOutputPath } from './input-output';

const statesError = (error: string, cause: string) => (e: unknown) =>
  e instanceof StatesError && e.error === error && e.cause === cause;

describe('applyInputPath / applyOutputPath', () => {
  const input = { a: { b: 1 }, list: [1, 2] };

  it('passes the input through when the path is absent or $', () => {
    assert.equal(applyInputPath(undefined, input), input);
    assert.equal(applyInputPath('$', input), input);
  });

  it('gives {} when the path is null (corpus: pass_result_null_input_output_paths)', () => {
    assert.deepEqual(applyInputPath(null, input), {});
    assert.deepEqual(applyOutputPath(null, input), {});
  });

  it('selects a node, reading $$ and $var when asked', () => {
    assert.deepEqual(applyInputPath('$.a', input), { b: 1 });
    assert.deepEqual(applyInputPath('$.list[*]', input), [1, 2]);
    assert.deepEqual(applyInputPath('$$.Execution.Input', input, { context: { Execution: { Input: { q: 1 } } } }), { q: 1 });
    assert.equal(applyOutputPath('$theAnswer', input, { variables: { theAnswer: 42 } }), 42);
  });

  it('fails with States.Runtime and AWS\'s message when InputPath selects nothing', () => {
    assert.throws(
      () => applyInputPath('$.NoSuchInputPath', { 'int-literal': 0 }),
      statesError('States.Runtime', "Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']"),
    );
  });

  it('fails with States.Runtime and AWS\'s message when OutputPath selects nothing', () => {
    assert.throws(
      () => applyOutputPath('$.a.missing', input),
      statesError('States.Runtime', "Invalid path '$.a.missing' : No results for path: $['a']['missing']"),
    );
  });
});
