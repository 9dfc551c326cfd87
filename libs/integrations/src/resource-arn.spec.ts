import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTaskResource } from './resource-arn';

describe('parseTaskResource', () => {
  const cases: Array<[string, unknown]> = [
    ['arn:aws:states:us-east-1:123456789012:activity:work', { kind: 'activity', activityArn: 'arn:aws:states:us-east-1:123456789012:activity:work' }],
    ['arn:aws:lambda:us-east-1:123456789012:function:f', { kind: 'lambda-function', functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f' }],
    ['arn:aws:lambda:us-east-1:123456789012:function:f:prod', { kind: 'lambda-function', functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f:prod' }],
    ['arn:aws:states:::lambda:invoke', { kind: 'integration', service: 'lambda', action: 'invoke', pattern: 'request-response' }],
    ['arn:aws:states:::sqs:sendMessage.waitForTaskToken', { kind: 'integration', service: 'sqs', action: 'sendMessage', pattern: 'waitForTaskToken' }],
    ['arn:aws:states:::states:startExecution.sync', { kind: 'integration', service: 'states', action: 'startExecution', pattern: 'sync' }],
    ['arn:aws:states:::states:startExecution.sync:2', { kind: 'integration', service: 'states', action: 'startExecution', pattern: 'sync:2' }],
    ['arn:aws-us-gov:states:::aws-sdk:s3:getObject', { kind: 'aws-sdk', service: 's3', action: 'getObject', pattern: 'request-response' }],
    ['arn:aws:states:::aws-sdk:sfn:startExecution.sync:2', { kind: 'aws-sdk', service: 'sfn', action: 'startExecution', pattern: 'sync:2' }],
    ['arn:aws:sns:us-east-1:123456789012:topic', { kind: 'unknown', resource: 'arn:aws:sns:us-east-1:123456789012:topic' }],
    ['arn:aws:states:::lambda', { kind: 'unknown', resource: 'arn:aws:states:::lambda' }],
  ];
  for (const [resource, expected] of cases) {
    it(`parses ${resource}`, () => assert.deepEqual(parseTaskResource(resource), expected));
  }
});
