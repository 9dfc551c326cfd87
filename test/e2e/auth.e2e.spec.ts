import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { CreateStateMachineCommand, DeleteStateMachineCommand, DescribeStateMachineCommand, ListStateMachinesCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { signSigV4 } from '../../apps/server/src/auth/sigv4';
import { status } from '@grpc/grpc-js';
import { GrpcCallError, grpcTestClient } from '../support/grpc-client';
import { startServer, type RunningServer } from '../support/server';

const run = promisify(execFile);

const admin = { accessKeyId: 'AKIDSTEPSTONEADMIN', secretAccessKey: 'admin-secret-for-tests-0001' };
const reader = { accessKeyId: 'AKIDSTEPSTONEREADER', secretAccessKey: 'reader-secret-for-tests-001' };
const keysFile = {
  keys: [
    { ...admin, policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } },
    {
      ...reader,
      policy: {
        Statement: [
          { Effect: 'Allow', Action: ['states:Describe*', 'states:List*', 'states:DeleteStateMachine'], Resource: '*' },
          { Effect: 'Deny', Action: 'states:DeleteStateMachine', Resource: 'arn:aws:states:*:*:stateMachine:guarded*' },
        ],
      },
    },
  ],
};
const definition = JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } });
const roleArn = 'arn:aws:iam::123456789012:role/test';
const machineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:guarded';

describe('STEPSTONE_AUTH=sigv4 against the real server', () => {
  let server: RunningServer;
  let dir: string;

  const client = (credentials: { accessKeyId: string; secretAccessKey: string }, systemClockOffset = 0) =>
    new SFNClient({ endpoint: server.endpoint, region: 'us-east-1', credentials, disableHostPrefix: true, maxAttempts: 1, systemClockOffset });

  /** A request signed with our signer, for what the SDK does not send (GET /audit, PUT /mock-config). */
  const signedFetch = async (method: string, urlPath: string, credentials?: typeof admin, body = '') => {
    const url = new URL(urlPath, server.endpoint);
    const headers: Record<string, string> = { host: url.host, 'content-type': 'application/json' };
    const auth = credentials ? signSigV4({ method, url: `${url.pathname}${url.search}`, headers, body }, credentials, { region: 'us-east-1', service: 'states', now: new Date() }) : {};
    const response = await fetch(url, { method, headers: { ...headers, ...auth }, ...(method === 'GET' ? {} : { body }) });
    return { status: response.status, json: (await response.json()) as any };
  };

  const rejects = async (promise: Promise<unknown>, name: string, message?: RegExp) =>
    assert.rejects(promise, (error: any) => {
      assert.equal(error.name, name, `expected ${name}, got ${error.name}: ${error.message}`);
      if (message) assert.match(error.message, message);
      return true;
    });

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'stepstone-auth-'));
    writeFileSync(path.join(dir, 'keys.json'), JSON.stringify(keysFile));
    server = await startServer({ env: { STEPSTONE_AUTH: 'sigv4', STEPSTONE_KEYS_FILE: path.join(dir, 'keys.json') } });
  });

  after(async () => {
    await server?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves a correctly signed SDK client and records the verified key id as the actor', async () => {
    const created = await client(admin).send(new CreateStateMachineCommand({ name: 'guarded', definition, roleArn }));
    assert.equal(created.stateMachineArn, machineArn);
    await client(admin).send(new StartExecutionCommand({ stateMachineArn: machineArn, name: 'first' }));
    const audit = await signedFetch('GET', '/audit?action=CreateStateMachine', admin);
    assert.equal(audit.status, 200, JSON.stringify(audit.json));
    assert.deepEqual(audit.json.entries.map((entry: any) => [entry.actor, entry.resource]), [[admin.accessKeyId, machineArn]]);
  });

  it('answers InvalidSignatureException for a wrong secret and UnrecognizedClientException for an unknown key', async () => {
    await rejects(client({ ...admin, secretAccessKey: 'not-the-secret-at-all-0000' }).send(new ListStateMachinesCommand({})), 'InvalidSignatureException', /signature we calculated does not match/);
    await rejects(client({ accessKeyId: 'AKIDNOBODYKNOWSTHIS', secretAccessKey: 'whatever-whatever-00' }).send(new ListStateMachinesCommand({})), 'UnrecognizedClientException', /security token included in the request is invalid/);
  });

  it("answers AccessDeniedException in AWS's words for an action the key's policy does not allow, or explicitly denies", async () => {
    await client(reader).send(new DescribeStateMachineCommand({ stateMachineArn: machineArn }));
    await rejects(
      client(reader).send(new StartExecutionCommand({ stateMachineArn: machineArn, name: 'not-mine' })),
      'AccessDeniedException',
      new RegExp(`^User: arn:aws:iam::123456789012:user/${reader.accessKeyId} is not authorized to perform: states:StartExecution on resource: ${machineArn} because no identity-based policy allows the states:StartExecution action$`),
    );
    await rejects(client(reader).send(new DeleteStateMachineCommand({ stateMachineArn: machineArn })), 'AccessDeniedException', /with an explicit deny in an identity-based policy$/);
    // Nothing the denied calls asked for happened.
    const audit = await signedFetch('GET', '/audit', admin);
    assert.deepEqual(audit.json.entries.map((entry: any) => entry.action), ['CreateStateMachine', 'StartExecution']);
  });

  it('refuses a skewed clock (the SDK signing 10 minutes behind) with InvalidSignatureException', async () => {
    await rejects(client(admin, -10 * 60_000).send(new ListStateMachinesCommand({})), 'InvalidSignatureException', /^Signature expired: \d{8}T\d{6}Z is now earlier than/);
    await rejects(client(admin, 10 * 60_000).send(new ListStateMachinesCommand({})), 'InvalidSignatureException', /^Signature not yet current/);
  });

  it('refuses an unsigned request, a forged Authorization header and a replayed signature over another body', async () => {
    const post = (headers: Record<string, string>, body: string) =>
      fetch(server.endpoint, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.StartExecution', ...headers }, body }).then(async (response) => ({
        status: response.status,
        json: (await response.json()) as any,
      }));
    const body = JSON.stringify({ stateMachineArn: machineArn, name: 'forged' });
    const unsigned = await post({}, body);
    assert.deepEqual([unsigned.status, unsigned.json.__type], [403, 'MissingAuthenticationToken']);
    const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const forged = await post(
      { 'x-amz-date': date, authorization: `AWS4-HMAC-SHA256 Credential=${admin.accessKeyId}/${date.slice(0, 8)}/us-east-1/states/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'ab'.repeat(32)}` },
      body,
    );
    assert.deepEqual([forged.status, forged.json.__type], [400, 'InvalidSignatureException']);
    const url = new URL(server.endpoint);
    const headers = { host: url.host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.StartExecution' };
    const signed = signSigV4({ method: 'POST', url: '/', headers, body: JSON.stringify({ stateMachineArn: machineArn, name: 'signed-name' }) }, admin, { region: 'us-east-1', service: 'states', now: new Date() });
    const replayed = await post(signed, body);
    assert.deepEqual([replayed.status, replayed.json.__type], [400, 'InvalidSignatureException']);
    const audit = await signedFetch('GET', '/audit?action=StartExecution', admin);
    assert.deepEqual(audit.json.entries.map((entry: any) => entry.resource), [`${machineArn.replace('stateMachine', 'execution')}:first`]);
  });

  it('guards GET /audit and PUT /mock-config with the same keys', async () => {
    assert.equal((await signedFetch('GET', '/audit')).json.__type, 'MissingAuthenticationToken');
    const denied = await signedFetch('GET', '/audit', reader);
    assert.equal(denied.json.__type, 'AccessDeniedException');
    assert.match(denied.json.message, /not authorized to perform: stepstone:ReadAudit on resource: \*/);
    const mocks = JSON.stringify({ StateMachines: {}, MockedResponses: {} });
    assert.equal((await signedFetch('PUT', '/mock-config', undefined, mocks)).status, 403);
    assert.equal((await signedFetch('PUT', '/mock-config', reader, mocks)).json.__type, 'AccessDeniedException');
    assert.equal((await signedFetch('PUT', '/mock-config', admin, mocks)).status, 200);
  });

  it('guards the gRPC API with the same keys and policies: signed calls pass, others get AWS\'s error names as UNAUTHENTICATED / PERMISSION_DENIED', async () => {
    const signer = (credentials: typeof admin) => (methodPath: string, authority: string) =>
      signSigV4({ method: 'POST', url: methodPath, headers: { host: authority }, body: '' }, credentials, { region: 'us-east-1', service: 'states', now: new Date() });
    const grpcError = async (promise: Promise<unknown>, name: string, code: status) => {
      const error = await promise.then(() => assert.fail(`expected ${name}`), (failure: unknown) => failure);
      assert.ok(error instanceof GrpcCallError, String(error));
      assert.equal(error.name, name, error.message);
      assert.equal(error.code, code);
    };
    const asAdmin = grpcTestClient(server.grpcAddress, signer(admin));
    const asReader = grpcTestClient(server.grpcAddress, signer(reader));
    const anonymous = grpcTestClient(server.grpcAddress);
    const forged = grpcTestClient(server.grpcAddress, signer({ ...admin, secretAccessKey: 'not-the-secret-at-all-0000' }));
    // Signed for another method: a signature cannot be replayed on a different RPC.
    const replayed = grpcTestClient(server.grpcAddress, (_path, authority) => signer(admin)('/stepstone.v1.StateMachines/ListStateMachines', authority));
    try {
      const listed = await asAdmin.call('ListStateMachines', {});
      assert.ok((listed.stateMachines as Array<{ name: string }>).some((machine) => machine.name === 'guarded'));
      assert.equal((await asReader.call('DescribeStateMachine', { stateMachineArn: machineArn })).name, 'guarded');
      await grpcError(asReader.call('StartExecution', { stateMachineArn: machineArn }), 'AccessDeniedException', status.PERMISSION_DENIED);
      await grpcError(anonymous.call('ListStateMachines', {}), 'MissingAuthenticationToken', status.UNAUTHENTICATED);
      await grpcError(forged.call('ListStateMachines', {}), 'InvalidSignatureException', status.UNAUTHENTICATED);
      await grpcError(replayed.call('DescribeStateMachine', { stateMachineArn: machineArn }), 'InvalidSignatureException', status.UNAUTHENTICATED);
      // Streams too: the reader may not watch (no states:GetExecutionHistory), nobody may without a signature.
      await grpcError(asReader.stream('WatchExecution', { executionArn: `${machineArn.replace(':stateMachine:', ':execution:')}:first` }).next(), 'AccessDeniedException', status.PERMISSION_DENIED);
      await grpcError(anonymous.stream('WatchExecutions', { stateMachineArn: machineArn }).next(), 'MissingAuthenticationToken', status.UNAUTHENTICATED);
      const started = await asAdmin.call('StartExecution', { stateMachineArn: machineArn, name: 'over-grpc' });
      const watch = asAdmin.stream('WatchExecution', { executionArn: started.executionArn as string });
      const first = await watch.next();
      assert.equal(first?.type, 'ExecutionStarted');
      watch.cancel();
    } finally {
      for (const client of [asAdmin, asReader, anonymous, forged, replayed]) client.close();
    }
  });

  it('serves boto3 with the right key and refuses it with a wrong secret', async () => {
    const script = [
      'import boto3, botocore, json, sys',
      'c = boto3.client("stepfunctions", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3], config=botocore.config.Config(retries={"max_attempts": 1}))',
      'try:',
      '    print(json.dumps({"names": [m["name"] for m in c.list_state_machines()["stateMachines"]]}))',
      'except botocore.exceptions.ClientError as e:',
      '    print(json.dumps({"error": e.response["Error"]["Code"]}))',
    ].join('\n');
    const boto = async (secret: string) => JSON.parse((await run('python3', ['-c', script, server.endpoint, admin.accessKeyId, secret])).stdout);
    assert.deepEqual(await boto(admin.secretAccessKey), { names: ['guarded'] });
    assert.deepEqual(await boto('wrong-secret-wrong-secret'), { error: 'InvalidSignatureException' });
  });

  it('serves the AWS CLI with the right key and refuses an unknown one', async () => {
    const aws = (accessKeyId: string, secret: string) =>
      run('aws', ['stepfunctions', 'list-state-machines', '--endpoint-url', server.endpoint, '--output', 'json'], {
        env: { ...process.env, AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secret, AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '', AWS_MAX_ATTEMPTS: '1' },
      });
    const listed = JSON.parse((await aws(admin.accessKeyId, admin.secretAccessKey)).stdout);
    assert.deepEqual(listed.stateMachines.map((machine: any) => machine.name), ['guarded']);
    await assert.rejects(aws('AKIDNOBODYKNOWSTHIS', 'whatever-whatever-00'), (error: any) => /UnrecognizedClientException/.test(error.stderr));
  });
});
