import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson } from './hash-chain';

/**
 * The plainest canonical writer there is: keys sorted with Array.prototype.sort, everything
 * else as JSON.stringify does it. canonicalJson must agree with it on every input, whichever
 * of its paths (native JSON.stringify for subtrees already in order, or its own writer) it takes.
 */
function reference(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') value = (value as { toJSON: () => unknown }).toJSON();
  if (value instanceof Number || value instanceof String || value instanceof Boolean) value = value.valueOf();
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => reference(item) ?? 'null').join(',')}]`;
  const members = Object.keys(value)
    .sort()
    .flatMap((key) => {
      const text = reference((value as Record<string, unknown>)[key]);
      return text === undefined ? [] : [`${JSON.stringify(key)}:${text}`];
    });
  return `{${members.join(',')}}`;
}

/** A small deterministic generator (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ['a', 'b', 'type', 'id', 'Z', '10', '9', '0', 'é', '\u{1F600}', 'quote"key', 'input', 'inputDetails', ''];

function generate(next: () => number, depth: number): unknown {
  const pick = Math.floor(next() * (depth > 3 ? 6 : 10));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return next() < 0.5;
    case 2:
      return [0, -0, 1.5, -7, 1e21, Number.NaN, Number.POSITIVE_INFINITY][Math.floor(next() * 7)];
    case 3:
      return ['', 'plain', 'with "quotes" and \\ and \n', '{"json":"text"}', '\u2028', '\uD800'][Math.floor(next() * 6)];
    case 4:
      return undefined;
    case 5:
      return new Date(Math.floor(next() * 1e12));
    case 6:
    case 7: {
      // Keys in ascending order or shuffled: both paths get exercised.
      const keys = KEYS.filter(() => next() < 0.4);
      if (next() < 0.5) keys.sort();
      const object: Record<string, unknown> = {};
      for (const key of keys) object[key] = generate(next, depth + 1);
      return object;
    }
    default:
      return Array.from({ length: Math.floor(next() * 4) }, () => generate(next, depth + 1));
  }
}

describe('canonicalJson', () => {
  it('sorts keys by UTF-16 code units at every depth, integer-like keys included', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null }, 10: 'ten', 9: 'nine' }), '{"10":"ten","9":"nine","a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
  });

  it('follows JSON.stringify for everything but key order: toJSON, undefined, non-finite numbers, boxed primitives', () => {
    assert.equal(
      canonicalJson({ when: new Date(0), gone: undefined, list: [undefined, () => 1, Number.NaN], boxed: new String('s'), n: new Number(2) }),
      '{"boxed":"s","list":[null,null,null],"n":2,"when":"1970-01-01T00:00:00.000Z"}',
    );
    assert.equal(canonicalJson(undefined), 'null');
    assert.equal(canonicalJson({ toJSON: () => ({ b: 1, a: 2 }) }), '{"a":2,"b":1}', 'what toJSON returns is sorted too');
  });

  it('takes only own enumerable keys: a class instance or an object with a prototype is written by its own keys', () => {
    class Point {
      constructor(
        readonly y: number,
        readonly x: number,
      ) {}
    }
    const child = Object.create({ inherited: true }) as Record<string, unknown>;
    child.b = 1;
    child.a = 2;
    assert.equal(canonicalJson({ p: new Point(1, 2), child }), '{"child":{"a":2,"b":1},"p":{"x":2,"y":1}}');
  });

  it('refuses cycles and bigints with a TypeError naming the problem, in order or not', () => {
    const ordered: Record<string, unknown> = { a: 1 };
    ordered.b = ordered;
    assert.throws(() => canonicalJson(ordered), { name: 'TypeError', message: /cycle/ });
    const shuffled: Record<string, unknown> = { z: 1 };
    shuffled.a = { back: shuffled };
    assert.throws(() => canonicalJson(shuffled), { name: 'TypeError', message: /cycle/ });
    assert.throws(() => canonicalJson({ a: 1n }), { name: 'TypeError', message: /bigint/ });
    assert.throws(() => canonicalJson({ z: [1n], a: 1 }), { name: 'TypeError', message: /bigint/ });
  });

  it('writes deeply nested data the same way on both sides of the depth where it stops using JSON.stringify', () => {
    let deep: unknown = { leaf: true, a: [1] };
    for (let depth = 0; depth < 80; depth += 1) deep = depth % 2 ? { next: deep } : [deep];
    assert.equal(canonicalJson(deep), reference(deep));
  });

  it('agrees with a plain reference writer on 5,000 generated values', () => {
    const next = random(20261125);
    for (let index = 0; index < 5_000; index += 1) {
      const value = generate(next, 0);
      assert.equal(canonicalJson(value), reference(value) ?? 'null', `value #${index}: ${String(reference(value))}`);
    }
  });
});
