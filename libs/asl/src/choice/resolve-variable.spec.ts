import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveReferencePath } from './resolve-variable';

const scope = { context: { Map: { Item: { Index: 2 } } }, variables: { v: { list: [1, 2] }, nothing: null } };
const input = { a: { b: [10, 20] }, 'odd key': 1, nil: null };

describe('resolveReferencePath', () => {
  const found: ReadonlyArray<[string, unknown]> = [
    ['$', input],
    ['$.a.b', [10, 20]],
    ['$.a.b[1]', 20],
    ["$['odd key']", 1],
    ['$["odd key"]', 1],
    ['$.nil', null],
    ['$$.Map.Item.Index', 2],
    ['$v.list[0]', 1],
    ['$nothing', null],
  ];
  for (const [path, value] of found) {
    it(`resolves ${path}`, () => assert.deepEqual(resolveReferencePath(path, input, scope), { found: true, value }));
  }

  it('reports a missing leaf in Jayway bracket form', () => {
    assert.deepEqual(resolveReferencePath('$.a.c', input, scope), { found: false, message: "No results for path: $['a']['c']" });
  });
  it('reports a missing intermediate property by its prefix', () => {
    assert.deepEqual(resolveReferencePath('$.x.y', input, scope), { found: false, message: "Missing property in path $['x']" });
  });
  it('reports an index past the end', () => {
    assert.deepEqual(resolveReferencePath('$.a.b[5]', input, scope), { found: false, message: "No results for path: $['a']['b'][5]" });
  });
  it('finds nothing for an undefined variable', () => {
    assert.equal(resolveReferencePath('$unknown', input, scope).found, false);
  });
  it('finds nothing for a path it cannot parse', () => {
    assert.equal(resolveReferencePath('a.b', input, scope).found, false);
  });
});
