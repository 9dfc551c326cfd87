import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stringMatches } from './string-matches';

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
