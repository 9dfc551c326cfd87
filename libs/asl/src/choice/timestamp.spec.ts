import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareInstants, isTimestamp, parseTimestamp } from './timestamp';

describe('parseTimestamp', () => {
  const accepted = [
    '2016-03-14T01:59:00Z',
    '2012-10-09T19:00:55+01:00',
    '2012-10-09T19:00:55-05:30',
    '2016-03-05T21:29:29.243167252Z',
    '2024-02-29T00:00:00Z',
    '2016-03-14T01:59Z',
  ];
  for (const text of accepted) it(`accepts ${text}`, () => assert.ok(isTimestamp(text)));

  const rejected = [
    '2012-10-09T19:00:55',
    '2023-02-24',
    '2016-12-05 21:29:29Z',
    '05-12-2016T21:29:29Z',
    '2016-13-05T21:29:29Z',
    '2016-12-05T25:29:29Z',
    '2023-02-29T00:00:00Z',
    '2016-03-05T21:29:29.1234567891Z',
    '2012-10-09T19:00:55+19:00',
    '',
  ];
  for (const text of rejected) it(`rejects ${JSON.stringify(text)}`, () => assert.equal(isTimestamp(text), false));

  it('rejects non-strings', () => {
    assert.equal(isTimestamp(0), false);
    assert.equal(isTimestamp(null), false);
  });

  it('reads the epoch second', () => {
    assert.deepEqual(parseTimestamp('1970-01-01T00:00:00Z'), { epochSecond: 0, nano: 0 });
    assert.deepEqual(parseTimestamp('2016-03-14T01:59:00Z'), { epochSecond: 1457920740, nano: 0 });
  });

  it('applies the offset', () => {
    const a = parseTimestamp('2012-10-09T19:00:55+01:00');
    const b = parseTimestamp('2012-10-09T18:00:55Z');
    assert.ok(a && b);
    assert.equal(compareInstants(a, b), 0);
  });
});
