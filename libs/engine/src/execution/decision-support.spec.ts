import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatesError } from './language';
import { ChildHistoryLimitReached, HistoryLimitReached, toFailure } from './decision-support';

describe('toFailure', () => {
  it("keeps a StatesError's name and cause", () => {
    assert.deepEqual(toFailure(new StatesError('States.Runtime', 'bad path')), { error: 'States.Runtime', cause: 'bad path', evaluation: true });
  });

  it('fails the state with States.Runtime on a built-in error, which would otherwise leave the execution RUNNING', () => {
    assert.deepEqual(toFailure(new TypeError("Cannot read properties of undefined (reading 'x')")), {
      error: 'States.Runtime',
      cause: "Cannot read properties of undefined (reading 'x')",
      evaluation: true,
    });
    assert.equal(toFailure(new RangeError('Maximum call stack size exceeded')).error, 'States.Runtime');
  });

  it("lets the engine's own signals through", () => {
    assert.throws(() => toFailure(new HistoryLimitReached()), HistoryLimitReached);
    assert.throws(() => toFailure(new ChildHistoryLimitReached('child-1')), ChildHistoryLimitReached);
    assert.throws(() => toFailure('not an error'));
  });
});
