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

  // LocalStack's snapshot test_catch_states_runtime (AWS, 2023-11-23): OutputPath
  // '$.no.such.result.path' on a Lambda's {} fails at the first property missing on the way.
  it('names the first missing property when a path stops before its last step', () => {
    assert.throws(
      () => applyOutputPath('$.no.such.result.path', {}),
      statesError('States.Runtime', "Invalid path '$.no.such.result.path' : Missing property in path $['no']"),
    );
    assert.throws(
      () => applyInputPath('$.a.gone.deeper', input),
      statesError('States.Runtime', "Invalid path '$.a.gone.deeper' : Missing property in path $['a']['gone']"),
    );
  });

  it('keeps "No results for path" when the step that fails is not a missing property of an object', () => {
    assert.throws(
      () => applyInputPath('$.list[5].x', input),
      statesError('States.Runtime', "Invalid path '$.list[5].x' : No results for path: $['list'][5]['x']"),
    );
  });
});
