import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAuthenticator } from './authenticator';
import path from 'node:path';
import { loadKeysFile, parseKeys } from './keys-file';
import { evaluatePolicy, parsePolicy } from './policy';

const machine = 'arn:aws:states:us-east-1:123456789012:stateMachine:orders';

describe('IAM policy evaluation', () => {
  const policy = parsePolicy(
    {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'states:*', Resource: '*' },
        { Effect: 'Deny', Action: ['states:Delete*', 'states:StopExecution'], Resource: 'arn:aws:states:*:*:stateMachine:ord?rs' },
        { Effect: 'Deny', Action: 'states:StopExecution', Resource: 'arn:aws:states:*:*:execution:orders:*' },
      ],
    },
    'policy',
  );

  it('allows by wildcard, lets an explicit Deny win, and denies what no statement allows', () => {
    assert.equal(evaluatePolicy(policy, 'states:StartExecution', machine), 'allow');
    assert.equal(evaluatePolicy(policy, 'states:DeleteStateMachine', machine), 'explicit-deny');
    assert.equal(evaluatePolicy(policy, 'states:DeleteStateMachine', `${machine}2`), 'allow');
    assert.equal(evaluatePolicy(policy, 'states:StopExecution', 'arn:aws:states:us-east-1:123456789012:execution:orders:run-1'), 'explicit-deny');
    assert.equal(evaluatePolicy(policy, 'stepstone:ReadAudit', '*'), 'implicit-deny');
  });

  it('matches actions case-insensitively and resources case-sensitively, as IAM does', () => {
    assert.equal(evaluatePolicy(policy, 'STATES:deletestatemachine', machine), 'explicit-deny');
    assert.equal(evaluatePolicy(policy, 'states:DeleteStateMachine', machine.replace('orders', 'ORDERS')), 'allow');
  });

  it('evaluates NotAction and NotResource', () => {
    const readOnly = parsePolicy({ Statement: { Effect: 'Allow', NotAction: ['states:Create*', 'states:Delete*', 'states:Start*'], NotResource: 'arn:aws:states:*:*:activity:*' } }, 'p');
    assert.equal(evaluatePolicy(readOnly, 'states:DescribeStateMachine', machine), 'allow');
    assert.equal(evaluatePolicy(readOnly, 'states:StartExecution', machine), 'implicit-deny');
    assert.equal(evaluatePolicy(readOnly, 'states:DescribeActivity', 'arn:aws:states:us-east-1:123456789012:activity:a'), 'implicit-deny');
  });

  it('refuses elements it cannot honour and malformed statements, naming the place', () => {
    assert.throws(() => parsePolicy({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: {} }] }, 'keys[0].policy'), /keys\[0\]\.policy\.Statement\[0\]: unsupported statement element 'Condition'/);
    assert.throws(() => parsePolicy({ Statement: [{ Effect: 'allow', Action: '*', Resource: '*' }] }, 'p'), /Effect must be 'Allow' or 'Deny'/);
    assert.throws(() => parsePolicy({ Statement: [{ Effect: 'Allow', Action: '*' }] }, 'p'), /exactly one of Resource or NotResource/);
    assert.throws(() => parsePolicy({ Statement: [] }, 'p'), /at least one statement/);
  });
});

describe('keys and the authenticator', () => {
  it('reads the documented example keys file the Docker image uses', () => {
    assert.deepEqual([...loadKeysFile(path.resolve(__dirname, '..', '..', '..', '..', 'docker', 'keys.json')).keys()], ['AKIDSTEPSTONEADMIN', 'AKIDSTEPSTONEREADER']);
  });

  const keys = parseKeys({
    keys: [
      { accessKeyId: 'AKIDSTEPSTONEADMIN', secretAccessKey: 'admin-secret-0000000', policy: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } },
      { accessKeyId: 'AKIDSTEPSTONEREAD1', secretAccessKey: 'reader-secret-000000', policy: { Statement: [{ Effect: 'Allow', Action: 'states:Describe*', Resource: '*' }] } },
    ],
  });

  it("refuses key ids that could pass for the audit trail's own actors, short secrets and duplicates", () => {
    assert.throws(() => parseKeys({ keys: [{ accessKeyId: 'engine', secretAccessKey: 'x'.repeat(20), policy: { Statement: { Effect: 'Allow', Action: '*', Resource: '*' } } }] }), /accessKeyId must be 16 to 128/);
    assert.throws(() => parseKeys({ keys: [{ accessKeyId: 'AKIDSTEPSTONEADMIN', secretAccessKey: 'short', policy: {} }] }), /secretAccessKey/);
    const key = { accessKeyId: 'AKIDSTEPSTONEADMIN', secretAccessKey: 'x'.repeat(20), policy: { Statement: { Effect: 'Allow', Action: '*', Resource: '*' } } };
    assert.throws(() => parseKeys({ keys: [key, key] }), /appears twice/);
  });

  it("denies with AWS's AccessDeniedException message", () => {
    const auth = createAuthenticator({ mode: 'sigv4', keys, region: 'us-east-1', account: '123456789012' });
    auth.authorize({ actor: 'AKIDSTEPSTONEREAD1', verified: true }, 'states:DescribeStateMachine', machine);
    assert.throws(
      () => auth.authorize({ actor: 'AKIDSTEPSTONEREAD1', verified: true }, 'states:StartExecution', machine),
      (error: Error) =>
        error.name === 'AccessDeniedException' &&
        error.message ===
          `User: arn:aws:iam::123456789012:user/AKIDSTEPSTONEREAD1 is not authorized to perform: states:StartExecution on resource: ${machine} because no identity-based policy allows the states:StartExecution action`,
    );
    // An identity that was never verified holds no key's permissions, whatever it is called.
    assert.throws(() => auth.authorize({ actor: 'AKIDSTEPSTONEADMIN', verified: false }, 'states:ListStateMachines', '*'), /AccessDenied|not authorized/);
  });

  it("with auth off, records a claimed key id as unverified and never as 'engine'", () => {
    const auth = createAuthenticator({ mode: 'none', keys: new Map(), region: 'us-east-1', account: '123456789012' });
    const claim = (authorization?: string) => auth.authenticate({ method: 'POST', url: '/', headers: authorization ? { authorization } : {}, body: '' });
    assert.deepEqual(claim('AWS4-HMAC-SHA256 Credential=engine/20240101/us-east-1/states/aws4_request, SignedHeaders=host, Signature=00'), { actor: 'unverified:engine', verified: false });
    assert.deepEqual(claim(), { actor: 'anonymous', verified: false });
    assert.deepEqual(claim('AWS4-HMAC-SHA256 Credential=a:b<c/x/y/z/aws4_request'), { actor: 'anonymous', verified: false });
  });
});
