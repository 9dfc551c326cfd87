import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePath, evaluateReference, isJsonPathNotFound, splitReference } from './evaluate-path';
import { formatNormalizedPath, parsePath, JsonPathSyntaxError } from './path-parser';
import { StatesError } from '../errors/states-error';

const data = {
  a: { b: { c: 1 }, 'x y': 2, n: null },
  items: [{ k: 0 }, { k: 1 }, { k: 2 }, { k: 3 }],
  users: [
    { year: 1997, status: 0 },
    { year: 1998, status: 1 },
  ],
};

describe('evaluatePath', () => {
  it('returns the whole document for $', () => {
    assert.deepEqual(evaluatePath('$', data), data);
  });

  it('follows dotted and bracketed names', () => {
    assert.equal(evaluatePath('$.a.b.c', data), 1);
    assert.equal(evaluatePath("$['a']['x y']", data), 2);
    assert.equal(evaluatePath('$["a"].b["c"]', data), 1);
    assert.equal(evaluatePath('$.a.n', data), null);
  });

  it("reads a dot before a bracket as a separator: $.abc.['def ghi'] (Developer Guide, Using JSONPath paths)", () => {
    const doc = { abc: { 'def ghi': [{ a: 1 }, { a: 2 }] } };
    assert.deepEqual(evaluatePath("$.abc.['def ghi']", doc), [{ a: 1 }, { a: 2 }]);
    assert.equal(evaluatePath("$.abc.['def ghi'][1].a", doc), 2);
    assert.deepEqual(evaluatePath("$.abc.['def ghi'][?(@.a > 1)]", doc), [{ a: 2 }]);
    assert.equal(parsePath("$.abc.['def ghi']").definite, true);
  });

  it('indexes arrays, counting negative indexes from the end', () => {
    assert.deepEqual(evaluatePath('$.items[0]', data), { k: 0 });
    assert.deepEqual(evaluatePath('$.items[-1]', data), { k: 3 });
    assert.equal(evaluatePath('$.items[2].k', data), 2);
  });

  it('supports length() on arrays', () => {
    assert.equal(evaluatePath('$.items.length()', data), 4);
  });

  it('keeps backslashes in quoted names except before the quote (corpus ESCAPE_SEQUENCES_JSONPATH)', () => {
    const doc = { 'Test\\""Name"': 'Value"\\', "it's": 1 };
    assert.equal(evaluatePath(`$['Test\\""Name"']`, doc), 'Value"\\');
    assert.equal(evaluatePath("$['it\\'s']", doc), 1);
  });

  it('fails with States.Runtime, not a library error, on a filter it cannot run or a path it cannot parse', () => {
    // An unquoted word in a filter is an undefined name to the library ("FooBar is not defined").
    assert.throws(() => evaluatePath('$.items[?(@.k == FooBar)]', data), (error: unknown) => {
      assert.ok(error instanceof StatesError);
      assert.equal(error.error, 'States.Runtime');
      assert.match(error.cause, /^Invalid path '\$\.items\[\?\(@\.k == FooBar\)\]' : /);
      return true;
    });
    assert.throws(() => evaluateReference('$[(@.length-1)].bar', { input: [], context: {}, variables: {} }), (error: unknown) => error instanceof StatesError && error.error === 'States.Runtime');
  });

  it('throws JsonPathNotFoundError when a definite path selects nothing', () => {
    for (const path of ['$.missing', '$.a.b.missing', '$.items[10]', '$.a.n.x', '$.a[0]', '$.items.k']) {
      assert.throws(() => evaluatePath(path, data), isJsonPathNotFound, path);
    }
  });

  it('returns every match of an indefinite path as an array', () => {
    assert.deepEqual(evaluatePath('$.items[*].k', data), [0, 1, 2, 3]);
    assert.deepEqual(evaluatePath('$.items[1:3]', data), [{ k: 1 }, { k: 2 }]);
    assert.deepEqual(evaluatePath('$.items[:1]', data), [{ k: 0 }]);
    assert.deepEqual(evaluatePath('$.items[-2:]', data), [{ k: 2 }, { k: 3 }]);
    assert.deepEqual(evaluatePath('$.items[0,2].k', data), [0, 2]);
    assert.deepEqual(evaluatePath("$.a['n','x y']", data), [null, 2]);
    assert.deepEqual(evaluatePath('$.a.b.*', data), [1]);
  });

  it('returns an empty array when an indefinite path matches nothing (corpus: wildcard_or_slice_with_no_input)', () => {
    for (const path of ['$[*]', '$.items[*]', '$.item.items[1:5]', '$.items[1:].itemValue']) {
      assert.deepEqual(evaluatePath(path, {}), [], path);
    }
  });

  it('evaluates filters and deep scan', () => {
    assert.deepEqual(evaluatePath('$.users[?(@.status == 0)]', data), [{ year: 1997, status: 0 }]);
    assert.deepEqual(evaluatePath('$.users[?(@.year > 1997)].status', data), [1]);
    assert.deepEqual(evaluatePath('$..k', data), [0, 1, 2, 3]);
  });

  it('refuses a filter that calls a method, which the filter library would run (a backtracking regex, a 100-million-character string)', () => {
    for (const path of [
      '$.users[?(@.name.match(/(a+)+$/))]',
      '$.users[?(@.name.repeat(100000000).length > 1)]',
      "$.users[?(@.name.constructor.constructor('return process')())]",
      '$.users[?((@.year)(1))]',
      '$.users[?(@.tags.length(1) > 2)]',
    ]) {
      assert.throws(() => parsePath(path), /function calls are not supported in filters/, path);
    }
  });

  it("accepts Jayway's functions named without arguments, and parentheses that group", () => {
    for (const path of ['$.users[?(@.tags.length() > 2)]', '$.users[?((@.year > 1) && !(@.status == 0))]', "$.users[?(@.name == 'a(b)')]"]) {
      assert.doesNotThrow(() => parsePath(path), path);
    }
  });

  it('rejects malformed paths with JsonPathSyntaxError', () => {
    for (const path of ['a.b', '$.', '$[', "$['a", '$[x]', '$.a]']) {
      assert.throws(() => parsePath(path), JsonPathSyntaxError, path);
    }
  });

  it('prints the normalised path AWS shows in causes', () => {
    assert.equal(formatNormalizedPath(parsePath('$.a.b[0]')), "$['a']['b'][0]");
  });
});

describe('evaluateReference', () => {
  const scope = {
    input: { x: 1 },
    context: { Execution: { Input: { y: 2 } } },
    variables: { answer: 42, obj: { list: [10, 20] } },
  };

  it('reads $ from the input, $$ from the context object and $name from variables', () => {
    assert.equal(evaluateReference('$.x', scope), 1);
    assert.equal(evaluateReference('$$.Execution.Input.y', scope), 2);
    assert.equal(evaluateReference('$answer', scope), 42);
    assert.equal(evaluateReference('$obj.list[1]', scope), 20);
    assert.deepEqual(evaluateReference('$$', scope), scope.context);
  });

  it('treats an undefined variable as a path that selects nothing', () => {
    assert.throws(() => evaluateReference('$nope', scope), isJsonPathNotFound);
    assert.throws(() => evaluateReference('$obj.missing', scope), isJsonPathNotFound);
  });

  it('splits references by prefix', () => {
    assert.deepEqual(splitReference('$'), { root: 'input', path: '$' });
    assert.deepEqual(splitReference('$$.a'), { root: 'context', path: '$.a' });
    assert.deepEqual(splitReference('$v[0]'), { root: 'variable', name: 'v', path: '$[0]' });
    assert.equal(splitReference('States.UUID()'), undefined);
  });
});
