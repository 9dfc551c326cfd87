import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ANY_ONE, ANY_RUN, matchesWildcard, stringMatches } from './string-matches';

describe('StringMatches', () => {
  const cases: ReadonlyArray<[string, string, string, boolean]> = [
    ['matches a literal string exactly', 'abc', 'abc', true],
    ['is anchored at both ends', 'xabcx', 'abc', false],
    ['lets * match the empty run', 'ab', 'a*b', true],
    ['lets * match across several characters', 'a123b', 'a*b', true],
    ['allows several wildcards', 'log-2024-01.txt', '*-*.txt', true],
    ['treats \\* as a literal asterisk', 'a*b', 'a\\*b', true],
    ['does not expand \\*', 'axb', 'a\\*b', false],
    ['treats \\\\ as a literal backslash', 'a\\b', 'a\\\\b', true],
    ['gives regex characters no meaning', 'a.b', 'a.b', true],
    ['does not treat . as any character', 'axb', 'a.b', false],
    ['does not treat ? as a wildcard', 'ab', 'a?', false],
    ['lets * match newlines', 'a\nb', 'a*b', true],
  ];
  for (const [name, value, pattern, expected] of cases) {
    it(name, () => assert.equal(stringMatches(value, pattern), expected));
  }
});

describe('StringMatches on hostile patterns', () => {
  it('answers at once where a backtracking regex takes minutes (10 stars, 2,000 characters, no match)', () => {
    // `^[\s\S]*a[\s\S]*a…b$` against 60 a's took 4 s with 6 stars, and grows by the length per star.
    assert.equal(stringMatches('a'.repeat(2_000), `${'*a'.repeat(10)}*b`), false);
    assert.equal(stringMatches(`${'a'.repeat(2_000)}b`, `${'*a'.repeat(10)}*b`), true);
  });
  it('agrees with the anchored regex reading of the pattern on small strings', () => {
    const toRegex = (pattern: string) => new RegExp(`^${Array.from(pattern, (c) => (c === '*' ? '[\\s\\S]*' : c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))).join('')}$`, 'u');
    fc.assert(
      fc.property(fc.stringMatching(/^[ab]{0,8}$/), fc.stringMatching(/^[ab*]{0,6}$/), (value, pattern) => {
        assert.equal(stringMatches(value, pattern), toRegex(pattern).test(value), `${JSON.stringify(value)} ~ ${JSON.stringify(pattern)}`);
      }),
      { seed: 7, numRuns: 2_000 },
    );
  });
});

describe('matchesWildcard with ANY_ONE', () => {
  it('lets ? take exactly one character, a code point', () => {
    assert.equal(matchesWildcard('ab', ['a', ANY_ONE]), true);
    assert.equal(matchesWildcard('a', ['a', ANY_ONE]), false);
    assert.equal(matchesWildcard('a😀', ['a', ANY_ONE]), true);
    assert.equal(matchesWildcard('states:StartExecution', Array.from('states:*Execution', (c) => (c === '*' ? ANY_RUN : c))), true);
  });
});
