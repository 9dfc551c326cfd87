import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isRfc3339Timestamp } from './timestamp-syntax';

describe('isRfc3339Timestamp', () => {
  const valid = ['2016-03-14T01:59:00Z', '2016-03-14T01:59:00.5Z', '2016-03-14T01:59:00+01:00', '2024-02-29T00:00:00Z'];
  const invalid = ['2016-12-05T21:29:29', '2016-13-05T21:29:29Z', '2016-03-14 01:59:00Z', '2016-03-14t01:59:00z', '2023-02-29T00:00:00Z', "{% '2016-03-14T01:59:00Z' %}"];
  for (const t of valid) test(`accepts ${t}`, () => assert.equal(isRfc3339Timestamp(t), true));
  for (const t of invalid) test(`rejects ${t}`, () => assert.equal(isRfc3339Timestamp(t), false));
});
