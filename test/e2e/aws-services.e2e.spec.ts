import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { CreateStateMachineCommand, DescribeExecutionCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { sfnClient, startServer, type RunningServer } from '../support/server';
import { readBody } from '../support/helpers';

const roleArn = 'arn:aws:iam::123456789012:role/stepstone';
const queueUrl = 'http://127.0.0.1/123456789012/jobs';

/**
 * A stand-in for SQS, DynamoDB, EventBridge (AWS JSON protocols) and SNS (the query protocol),
 * speaking each wire format as the AWS SDK v3 clients expect it, on a real port.
 */
function startFakeAws(): Promise<{ server: Server; url: string; sqsMessages: string[]; table: Map<string, unknown> }> {
  const sqsMessages: string[] = [];
  const table = new Map<string, unknown>();
  const json = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID(), ...headers });
    response.end(JSON.stringify(body));
  };
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    const target = String(request.headers['x-amz-target'] ?? '');
    if (target.startsWith('AmazonSQS.')) {
      const input = JSON.parse(body) as { QueueUrl?: string; MessageBody?: string };
      if (input.QueueUrl !== queueUrl) {
        return json(response, 400, { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' }, { 'x-amzn-query-error': 'AWS.SimpleQueueService.NonExistentQueue;Sender' });
      }
      if (input.MessageBody === undefined) {
        return json(response, 400, { __type: 'com.amazonaws.sqs#MissingParameter', message: 'The request must contain the parameter MessageBody.' }, { 'x-amzn-query-error': 'MissingParameter;Sender' });
      }
      sqsMessages.push(input.MessageBody);
      return json(response, 200, { MessageId: randomUUID(), MD5OfMessageBody: createHash('md5').update(input.MessageBody).digest('hex') });
    }
    if (target.startsWith('DynamoDB_20120810.')) {
      const action = target.slice('DynamoDB_20120810.'.length);
      const input = JSON.parse(body) as { TableName: string; Item?: { id: { S: string } }; Key?: { id: { S: string } } };
      if (input.TableName !== 'items') {
        return json(response, 400, { __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException', message: 'Requested resource not found' });
      }
      if (action === 'PutItem') {
        table.set(input.Item!.id.S, input.Item);
        return json(response, 200, {});
      }
      if (action === 'GetItem') return json(response, 200, table.has(input.Key!.id.S) ? { Item: table.get(input.Key!.id.S) } : {});
      if (action === 'DeleteItem') {
        table.delete(input.Key!.id.S);
        return json(response, 200, {});
      }
    }
    if (target === 'AWSEvents.PutEvents') {
      const input = JSON.parse(body) as { Entries: Array<{ Source?: string }> };
      const entries = input.Entries.map((entry) =>
        entry.Source ? { EventId: randomUUID() } : { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.' },
      );
      return json(response, 200, { Entries: entries, FailedEntryCount: entries.filter((entry) => 'ErrorCode' in entry).length }, { 'content-type': 'application/x-amz-json-1.1' });
    }
    const form = new URLSearchParams(body);
    if (form.get('Action') === 'Publish') {
      response.setHeader('content-type', 'text/xml');
      if (form.get('TopicArn') !== 'arn:aws:sns:us-east-1:123456789012:alerts') {
        response.statusCode = 404;
        return response.end('<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>r-1</RequestId></ErrorResponse>');
      }
      return response.end(
        `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata></PublishResponse>`,
      );
    }
    response.writeHead(400).end('unknown request');
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      resolve({ server, url: `http://127.0.0.1:${port}`, sqsMessages, table });
    });
  });
}

describe('AWS service integrations through the real server and SDK v3 clients', () => {
  let fake: Awaited<ReturnType<typeof startFakeAws>>;
  let server: RunningServer;
  let sfn: SFNClient;
  let counter = 0;

  before(async () => {
    fake = await startFakeAws();
    server = await startServer({
      env: {
        // Per-service variables win over the shared one; SNS only has the shared one.
        STEPSTONE_ENDPOINT_SQS: fake.url,
        STEPSTONE_ENDPOINT_DYNAMODB: fake.url,
        STEPSTONE_ENDPOINT_EVENTBRIDGE: fake.url,
        STEPSTONE_AWS_ENDPOINT: fake.url,
        AWS_ACCESS_KEY_ID: 'AKIDLOCAL',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_REGION: 'us-east-1',
      },
    });
    sfn = sfnClient(server.endpoint);
  });

  after(async () => {
    sfn?.destroy();
    await server?.dispose();
    await new Promise((resolve) => fake?.server.close(resolve));
  });

  async function run(resource: string, parameters: unknown): Promise<{ status: string; output: any; error?: string; cause?: string }> {
    const definition = { StartAt: 'T', States: { T: { Type: 'Task', Resource: resource, Parameters: parameters, End: true } } };
    const machine = await sfn.send(new CreateStateMachineCommand({ name: `svc${++counter}`, definition: JSON.stringify(definition), roleArn }));
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: machine.stateMachineArn, input: '{}' }));
    const deadline = Date.now() + 15_000;
    for (;;) {
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
      if (described.status !== 'RUNNING' || Date.now() > deadline) {
        return {
          status: described.status!,
          output: described.output === undefined ? undefined : JSON.parse(described.output),
          ...(described.error !== undefined ? { error: described.error } : {}),
          ...(described.cause !== undefined ? { cause: described.cause } : {}),
        };
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('sqs:sendMessage sends a JSON MessageBody as its text and returns MessageId, MD5OfMessageBody and SdkHttpMetadata', async () => {
    const result = await run('arn:aws:states:::sqs:sendMessage', { QueueUrl: queueUrl, MessageBody: { order: 1 } });
    assert.equal(result.status, 'SUCCEEDED', result.cause);
    assert.equal(typeof result.output.MessageId, 'string');
    assert.equal(result.output.MD5OfMessageBody, createHash('md5').update('{"order":1}').digest('hex'));
    assert.equal(result.output.SdkHttpMetadata.HttpStatusCode, 200);
    assert.ok(fake.sqsMessages.includes('{"order":1}'));
  });

  it('SDK errors surface as AWS names them: SQS.QueueDoesNotExistException, SQS.AmazonSQSException for an unmodeled code', async () => {
    const missingQueue = await run('arn:aws:states:::sqs:sendMessage', { QueueUrl: 'http://127.0.0.1/123456789012/nope', MessageBody: 'x' });
    assert.equal(missingQueue.status, 'FAILED');
    assert.equal(missingQueue.error, 'SQS.QueueDoesNotExistException');
    assert.match(missingQueue.cause!, /^The specified queue does not exist\. \(Service: AmazonSQS; Status Code: 400; Error Code: AWS\.SimpleQueueService\.NonExistentQueue; Request ID: [^;]+; Proxy: null\)$/);

    const noBody = await run('arn:aws:states:::sqs:sendMessage', { QueueUrl: queueUrl });
    assert.equal(noBody.error, 'SQS.AmazonSQSException');
    assert.match(noBody.cause!, /^The request must contain the parameter MessageBody\. \(Service: AmazonSQS; Status Code: 400; Error Code: MissingParameter;/);
  });

  it('dynamodb putItem, getItem and deleteItem; a missing table is DynamoDB.ResourceNotFoundException', async () => {
    const put = await run('arn:aws:states:::dynamodb:putItem', { TableName: 'items', Item: { id: { S: 'a' }, data: { S: 'hello' } } });
    assert.equal(put.status, 'SUCCEEDED', put.cause);
    const got = await run('arn:aws:states:::dynamodb:getItem', { TableName: 'items', Key: { id: { S: 'a' } } });
    assert.deepEqual(got.output.Item, { id: { S: 'a' }, data: { S: 'hello' } });
    assert.equal(got.output.SdkHttpMetadata.HttpStatusCode, 200);
    await run('arn:aws:states:::dynamodb:deleteItem', { TableName: 'items', Key: { id: { S: 'a' } } });
    assert.equal(fake.table.has('a'), false);

    const missing = await run('arn:aws:states:::dynamodb:putItem', { TableName: 'other', Item: { id: { S: 'a' } } });
    assert.equal(missing.error, 'DynamoDB.ResourceNotFoundException');
    assert.match(missing.cause!, /^Requested resource not found \(Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ResourceNotFoundException;/);
  });

  it('events:putEvents returns Entries; a failed entry fails the task with EventBridge.FailedEntry', async () => {
    const ok = await run('arn:aws:states:::events:putEvents', { Entries: [{ Source: 'app', DetailType: 't', Detail: { a: 1 } }] });
    assert.equal(ok.status, 'SUCCEEDED', ok.cause);
    assert.equal(ok.output.FailedEntryCount, 0);
    assert.equal(ok.output.SdkHttpMetadata, undefined);
    const failed = await run('arn:aws:states:::events:putEvents', { Entries: [{ DetailType: 't', Detail: '{}' }] });
    assert.equal(failed.error, 'EventBridge.FailedEntry');
    assert.equal(JSON.parse(failed.cause!).Entries[0].ErrorCode, 'InvalidArgument');
  });

  it('sns:publish through the shared endpoint; an unknown topic is SNS.NotFoundException', async () => {
    const ok = await run('arn:aws:states:::sns:publish', { TopicArn: 'arn:aws:sns:us-east-1:123456789012:alerts', Message: { level: 'warn' } });
    assert.equal(ok.status, 'SUCCEEDED', ok.cause);
    assert.equal(typeof ok.output.MessageId, 'string');
    const missing = await run('arn:aws:states:::sns:publish', { TopicArn: 'arn:aws:sns:us-east-1:123456789012:nope', Message: 'x' });
    assert.equal(missing.error, 'SNS.NotFoundException');
    assert.match(missing.cause!, /^Topic does not exist \(Service: AmazonSNS; Status Code: 404; Error Code: NotFound;/);
  });

  it('aws-sdk:<service>:<action> loads the installed client: results without $metadata, errors as <Service>.<Exception>', async () => {
    const sent = await run('arn:aws:states:::aws-sdk:sqs:sendMessage', { QueueUrl: queueUrl, MessageBody: 'plain' });
    assert.equal(sent.status, 'SUCCEEDED', sent.cause);
    assert.deepEqual(Object.keys(sent.output).sort(), ['MD5OfMessageBody', 'MessageId']);
    const missing = await run('arn:aws:states:::aws-sdk:dynamodb:getItem', { TableName: 'other', Key: { id: { S: 'a' } } });
    assert.equal(missing.error, 'DynamoDb.ResourceNotFoundException');
    assert.match(missing.cause!, /^Requested resource not found \(Service: DynamoDb, Status Code: 400, Request ID: [^)]+\)$/);
  });

  it('aws-sdk with a client that is not installed fails with a clear States.TaskFailed', async () => {
    const result = await run('arn:aws:states:::aws-sdk:codecommit:getRepository', { RepositoryName: 'x' });
    assert.equal(result.status, 'FAILED');
    assert.equal(result.error, 'States.TaskFailed');
    assert.match(result.cause!, /'@aws-sdk\/client-codecommit' is not installed/);
  });
});
