import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createArns } from './arns';
import { iamResourceOf } from './iam-resource';

const arns = createArns('us-east-1', '123456789012');
const mapRunArn = 'arn:aws:states:us-east-1:123456789012:mapRun:fan/Each:11111111-2222-3333-4444-555555555555';
const executionArn = 'arn:aws:states:us-east-1:123456789012:execution:fan:run-1';

describe('iamResourceOf: the Map Run actions', () => {
  it('authorises DescribeMapRun, UpdateMapRun and ListExecutions by mapRunArn on the Map Run, ListMapRuns on the execution', () => {
    assert.equal(iamResourceOf('DescribeMapRun', { mapRunArn }, arns), mapRunArn);
    assert.equal(iamResourceOf('UpdateMapRun', { mapRunArn, maxConcurrency: 2 }, arns), mapRunArn);
    assert.equal(iamResourceOf('ListExecutions', { mapRunArn }, arns), mapRunArn);
    assert.equal(iamResourceOf('ListMapRuns', { executionArn }, arns), executionArn);
  });
});
