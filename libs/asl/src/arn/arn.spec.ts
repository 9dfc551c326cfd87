import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arnField, describeTaskResource, integrationPatternOfResource, isExecutionArn, lambdaFunctionNameOf, parseTaskResource, splitStatesArn } from './arn';

describe('parseTaskResource', () => {
  const cases: Array<[string, unknown]> = [
    ['arn:aws:states:us-east-1:123456789012:activity:work', { kind: 'activity', activityArn: 'arn:aws:states:us-east-1:123456789012:activity:work' }],
    ['arn:aws:lambda:us-east-1:123456789012:function:f', { kind: 'lambda-function', functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f', functionName: 'f' }],
    ['arn:aws:lambda:us-east-1:123456789012:function:f:prod', { kind: 'lambda-function', functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f:prod', functionName: 'f' }],
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

describe('describeTaskResource: resourceType and resource as Task* events report them', () => {
  const cases: Array<[string, { resourceType: string; resource: string }]> = [
    ['arn:aws:states:::lambda:invoke', { resourceType: 'lambda', resource: 'invoke' }],
    ['arn:aws:states:::sqs:sendMessage.waitForTaskToken', { resourceType: 'sqs', resource: 'sendMessage.waitForTaskToken' }],
    ['arn:aws:states:::aws-sdk:s3:getObject', { resourceType: 'aws-sdk:s3', resource: 'getObject' }],
    ['arn:aws:states:::states:startExecution.sync:2', { resourceType: 'states', resource: 'startExecution.sync:2' }],
    ['arn:aws:states:::lambda', { resourceType: 'unknown', resource: 'arn:aws:states:::lambda' }],
    ['https://example.com', { resourceType: 'unknown', resource: 'https://example.com' }],
  ];
  for (const [resource, expected] of cases) {
    it(`describes ${resource}`, () => assert.deepEqual(describeTaskResource(resource), expected));
  }
});

describe('ARN fields', () => {
  const machine = 'arn:aws:states:eu-west-1:123456789012:stateMachine:orders:prod';
  it('reads one field without splitting, the fallback when there are too few', () => {
    assert.equal(arnField(machine, 3), 'eu-west-1');
    assert.equal(arnField(machine, 6), 'orders');
    assert.equal(arnField(machine, 7), 'prod');
    assert.equal(arnField('arn:aws:states', 6), 'arn:aws:states');
    assert.equal(arnField('arn:aws:states', 6, 'none'), 'none');
  });
  it('accepts a Step Functions ARN only with a region and a 12-digit account', () => {
    assert.deepEqual(splitStatesArn(machine), ['arn', 'aws', 'states', 'eu-west-1', '123456789012', 'stateMachine', 'orders', 'prod']);
    assert.equal(splitStatesArn('arn:aws:states:eu-west-1:1234:stateMachine:orders'), undefined);
    assert.equal(splitStatesArn('arn:aws:lambda:eu-west-1:123456789012:function:f'), undefined);
  });
  it('knows execution ARNs, STANDARD and EXPRESS', () => {
    assert.ok(isExecutionArn('arn:aws:states:us-east-1:123456789012:execution:m:e'));
    assert.ok(isExecutionArn('arn:aws:states:us-east-1:123456789012:express:m:e'));
    assert.ok(!isExecutionArn('arn:aws:states:us-east-1:123456789012:stateMachine:m'));
  });
  it('gives the pattern of unparsable resources by their suffix', () => {
    assert.equal(integrationPatternOfResource('arn:aws:states:::unknown.waitForTaskToken'), 'waitForTaskToken');
    assert.equal(integrationPatternOfResource('arn:aws:lambda:us-east-1:123456789012:function:f'), 'request-response');
  });
  it('names the Lambda function of a reference', () => {
    assert.equal(lambdaFunctionNameOf('arn:aws:lambda:us-east-1:123456789012:function:f:prod'), 'f');
    assert.equal(lambdaFunctionNameOf('123456789012:function:g'), 'g');
    assert.equal(lambdaFunctionNameOf('h:alias'), 'h');
  });
});
