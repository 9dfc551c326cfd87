import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QueueDoesNotExist, SQSServiceException } from '@aws-sdk/client-sqs';
import { awsServiceFailure, javaV2ServiceName } from './service-errors';

const metadata = { httpStatusCode: 400, requestId: 'req-1' };

describe('AWS SDK errors as a Task sees them', () => {
  it('spells services as the Java SDK v2 does', () => {
    assert.equal(javaV2ServiceName('DynamoDB'), 'DynamoDb');
    assert.equal(javaV2ServiceName('SFN'), 'Sfn');
    assert.equal(javaV2ServiceName('S3'), 'S3');
    assert.equal(javaV2ServiceName('SecretsManager'), 'SecretsManager');
    assert.equal(javaV2ServiceName('SQS'), 'Sqs');
    assert.equal(javaV2ServiceName('EventBridge'), 'EventBridge');
  });

  it('optimized integrations: <Prefix>.<Name>Exception for a modeled error, with the Java SDK v1 cause', () => {
    const error = new QueueDoesNotExist({ message: 'The specified queue does not exist.', $metadata: metadata });
    const failure = awsServiceFailure('sqs', error, 'optimized');
    assert.equal(failure.error, 'SQS.QueueDoesNotExistException');
    assert.equal(failure.causeText, 'The specified queue does not exist. (Service: AmazonSQS; Status Code: 400; Error Code: QueueDoesNotExist; Request ID: req-1; Proxy: null)');
  });

  it('optimized integrations: an unmodeled error code is the service base exception', () => {
    const error = new SQSServiceException({ name: 'MissingParameter', $fault: 'client', message: 'The request must contain the parameter MessageBody.', $metadata: metadata });
    assert.equal(awsServiceFailure('sqs', error, 'optimized').error, 'SQS.AmazonSQSException');
  });

  it('aws-sdk integrations: <Service>.<Name>Exception and <Service>.<Service>Exception, with the v2 cause', () => {
    const modeled = awsServiceFailure('sqs', new QueueDoesNotExist({ message: 'gone', $metadata: metadata }), 'aws-sdk', 'SQS');
    assert.equal(modeled.error, 'Sqs.QueueDoesNotExistException');
    assert.equal(modeled.causeText, 'gone (Service: Sqs, Status Code: 400, Request ID: req-1)');
    const unmodeled = awsServiceFailure('sqs', new SQSServiceException({ name: 'Odd', $fault: 'client', message: 'odd', $metadata: metadata }), 'aws-sdk', 'SQS');
    assert.equal(unmodeled.error, 'Sqs.SqsException');
  });

  it('a request that got no answer is SdkClientException', () => {
    const failure = awsServiceFailure('sqs', new Error('getaddrinfo ENOTFOUND nowhere'), 'optimized');
    assert.equal(failure.error, 'SQS.SdkClientException');
    assert.equal(failure.causeText, 'Unable to execute HTTP request: getaddrinfo ENOTFOUND nowhere');
  });
});
