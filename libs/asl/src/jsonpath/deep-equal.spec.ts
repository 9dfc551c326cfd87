import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { distinctJsonValues, jsonEqualityKey, jsonEquals } from './deep-equal';

describe('jsonEqualityKey', () => {
  it('is shared by two JSON values exactly when jsonEquals holds', () => {
    const small = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom(null, true, false, 0, -0, 1, 1.5, '', 'a', '1'),
        fc.array(tie('value'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('value'), { maxKeys: 3 }),
      ),
    })).value;
    fc.assert(
      fc.property(small, small, (a, b) => {
        assert.equal(jsonEqualityKey(a) === jsonEqualityKey(b), jsonEquals(a, b), `${JSON.stringify(a)} / ${JSON.stringify(b)}`);
      }),
      { seed: 11, numRuns: 3_000 },
    );
  });

  it('ignores key order and has no text for what is not JSON', () => {
    assert.equal(jsonEqualityKey({ b: 1, a: [2, { d: 3, c: 4 }] }), jsonEqualityKey({ a: [2, { c: 4, d: 3 }], b: 1 }));
    assert.equal(jsonEqualityKey(undefined), undefined);
    assert.equal(jsonEqualityKey({ f: () => 1 }), undefined);
  });
});

describe('distinctJsonValues', () => {
  it('keeps first occurrences in order, JSON by value and other values by identity', () => {
    const f = () => 1;
    assert.deepEqual(distinctJsonValues([3, { a: 1, b: 2 }, 3, { b: 2, a: 1 }, f, f, [1], [1]]), [3, { a: 1, b: 2 }, f, [1]]);
  });
  it('takes one pass: 100,000 distinct numbers', () => {
    assert.equal(distinctJsonValues(Array.from({ length: 100_000 }, (_, i) => i)).length, 100_000);
  });
});
