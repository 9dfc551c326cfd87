import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rawCall, startServer, type RunningServer } from '../support/server';

const ROLE = 'arn:aws:iam::123456789012:role/r';
const PASS = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
const nested = (depth: number, open: string, close: string, leaf: string) => open.repeat(depth) + leaf + close.repeat(depth);

/** Raw bytes: fetch would re-encode a string, so invalid UTF-8 needs a Buffer. */
async function rawBytes(endpoint: string, target: string, body: Buffer): Promise<{ status: number; json: any }> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${target}` },
    body,
  });
  return { status: response.status, json: JSON.parse(await response.text()) };
}

describe('hostile requests get a 400 with AWS error name, and the service goes on', () => {
  let server: RunningServer;
  let machineArn: string;
  const call = (action: string, body: string) => rawCall(server.endpoint, `AWSStepFunctions.${action}`, body);
  const expect400 = async (action: string, body: string, name: string, message?: RegExp) => {
    const { status, json } = await call(action, body);
    assert.equal(status, 400, `${action} ${body.slice(0, 80)} answered ${status} ${JSON.stringify(json)}`);
    assert.equal(json.__type, name, JSON.stringify(json));
    if (message) assert.match(json.message, message);
  };

  before(async () => {
    server = await startServer();
    const created = await call('CreateStateMachine', JSON.stringify({ name: 'target', definition: PASS, roleArn: ROLE }));
    machineArn = created.json.stateMachineArn;
  });
  after(async () => server?.dispose());

  it('a `constructor` key does not switch validation off', async () => {
    await expect400('StartExecution', JSON.stringify({ constructor: {}, stateMachineArn: machineArn, input: 7 }), 'ValidationException', /'input'.*string/);
    await expect400('CreateStateMachine', JSON.stringify({ constructor: 1, name: 5, definition: PASS, roleArn: ROLE }), 'ValidationException', /'name'/);
    for (const key of ['__proto__', 'prototype', 'toString', 'hasOwnProperty', 'valueOf']) {
      await expect400('StartExecution', `{"${key}":{},"stateMachineArn":${JSON.stringify(machineArn)},"name":{}}`, 'ValidationException', /'name'/);
    }
  });

  it('a `__proto__` member does not pollute Object.prototype of the server', async () => {
    await call('ListStateMachines', '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}');
    const listed = await call('ListStateMachines', '{}');
    assert.equal(listed.status, 200);
    assert.equal(listed.json.polluted, undefined);
  });

  it('invalid UTF-8 bytes in a body are a SerializationException', async () => {
    const body = Buffer.concat([Buffer.from('{"name":"a'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(`","definition":${JSON.stringify(PASS)},"roleArn":"${ROLE}"}`)]);
    const { status, json } = await rawBytes(server.endpoint, 'CreateStateMachine', body);
    assert.equal(status, 400);
    assert.equal(json.__type, 'SerializationException');
  });

  it('null members are absent members, as the AWS JSON protocol reads them', async () => {
    await expect400('UpdateStateMachine', JSON.stringify({ stateMachineArn: machineArn, definition: null }), 'MissingRequiredParameter');
    const listed = await call('ListActivities', '{"maxResults":null}');
    assert.equal(listed.status, 200, JSON.stringify(listed.json));
    await expect400('StartExecution', '{"stateMachineArn":null}', 'ValidationException', /Value null at 'stateMachineArn'/);
  });

  it('input nested 10,000 deep is InvalidExecutionInput', async () => {
    const input = nested(10_000, '[', ']', '1');
    await expect400('StartExecution', JSON.stringify({ stateMachineArn: machineArn, input }), 'InvalidExecutionInput');
  });

  it('definitions nested very deep are InvalidDefinition', async () => {
    const create = (name: string, definition: string) => expect400('CreateStateMachine', JSON.stringify({ name, definition, roleArn: ROLE }), 'InvalidDefinition');
    const leaf = '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}';
    await create('deep-parallel', nested(3000, '{"StartAt":"X","States":{"X":{"Type":"Parallel","End":true,"Branches":[', ']}}}', leaf));
    const rule = nested(5000, '{"And":[', ']}', '{"Variable":"$.a","IsPresent":true}');
    await create('deep-and', `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[${rule.slice(0, -1)},"Next":"E"}],"Default":"E"},"E":{"Type":"Succeed"}}}`);
    const intrinsic = nested(5000, 'States.Array(', ')', '1');
    await create('deep-intrinsic', JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'x.$': intrinsic }, End: true } } }));
    await create('deep-result', `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true,"Result":${nested(10_000, '[', ']', '1')}}}}`);
  });

  it('a Wait longer than AWS allows is InvalidDefinition', async () => {
    const wait = { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 99_999_999_999_999, End: true } } };
    await expect400('CreateStateMachine', JSON.stringify({ name: 'long-wait', definition: JSON.stringify(wait), roleArn: ROLE }), 'InvalidDefinition');
  });

  it('names holding lone surrogates or control characters are InvalidName', async () => {
    for (const name of ['a\ud800b', 'x\udc00', 'tab\there', 'nul\u0000']) {
      await expect400('CreateStateMachine', JSON.stringify({ name, definition: PASS, roleArn: ROLE }), 'InvalidName');
      await expect400('StartExecution', JSON.stringify({ stateMachineArn: machineArn, name }), 'InvalidName');
    }
  });

  it('a lone surrogate in input is InvalidExecutionInput', async () => {
    await expect400('StartExecution', JSON.stringify({ stateMachineArn: machineArn, input: '{"a":"\ud800"}' }), 'InvalidExecutionInput');
  });

  // Found by the fuzz test (fuzz.e2e.spec.ts): error messages quoted the value with String(),
  // which overflows the stack on a deep list and throws on an object whose toString is not a function.
  it('an enum member holding a list nested 20,000 deep is a ValidationException', async () => {
    const deep = nested(20_000, '[', ']', '');
    await expect400('ListExecutions', `{"stateMachineArn":${JSON.stringify(machineArn)},"statusFilter":${deep}}`, 'ValidationException', /statusFilter/);
    await expect400('ValidateStateMachineDefinition', `{"definition":${JSON.stringify(PASS)},"severity":${deep}}`, 'ValidationException', /severity/);
    await expect400('CreateStateMachine', `{"name":"deep-type","definition":${JSON.stringify(PASS)},"roleArn":"${ROLE}","type":${deep}}`, 'ValidationException', /type/);
  });

  it('a tag key or value that is a list or a structure is a ValidationException', async () => {
    const deep = nested(20_000, '[', ']', '');
    await expect400('CreateActivity', `{"name":"tagged","tags":[{"key":${deep}}]}`, 'ValidationException', /tags\.member\.key/);
    await expect400('CreateActivity', '{"name":"tagged","tags":[{"key":{"toString":1}}]}', 'ValidationException', /tags\.member\.key/);
    await expect400('TagResource', `{"resourceArn":${JSON.stringify(machineArn)},"tags":[{"key":"k","value":{"toString":1}}]}`, 'ValidationException', /tags\.member\.value/);
  });

  it('answers normally afterwards', async () => {
    const described = await call('DescribeStateMachine', JSON.stringify({ stateMachineArn: machineArn }));
    assert.equal(described.status, 200);
    assert.equal(described.json.name, 'target');
  });
});
