import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signSigV4, verifySigV4, type SignableRequest, type VerifyOptions } from './sigv4';

const exampleSecret = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';

/** AWS's published example (IAM User Guide, "Signature Version 4 signing process": ListUsers). */
const iamListUsers: SignableRequest = {
  method: 'GET',
  url: '/?Action=ListUsers&Version=2010-05-08',
  headers: {
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    host: 'iam.amazonaws.com',
    'x-amz-date': '20150830T123600Z',
    authorization:
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
  },
  body: '',
};
const iamOptions: VerifyOptions = {
  region: 'us-east-1',
  service: 'iam',
  secretOf: (id) => (id === 'AKIDEXAMPLE' ? exampleSecret : undefined),
  now: new Date('2015-08-30T12:36:00Z'),
};

/** AWS's published example (Amazon S3 API reference, "Examples: Signature calculations": GET Object). */
const s3GetObject: SignableRequest = {
  method: 'GET',
  url: '/test.txt',
  headers: {
    host: 'examplebucket.s3.amazonaws.com',
    range: 'bytes=0-9',
    'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'x-amz-date': '20130524T000000Z',
    authorization:
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
  },
  body: '',
};

function errorName(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
  return 'no error';
}

describe('verifySigV4', () => {
  it("verifies AWS's published IAM ListUsers example", () => {
    assert.equal(verifySigV4(iamListUsers, iamOptions), 'AKIDEXAMPLE');
  });

  it("verifies AWS's published S3 GET Object example", () => {
    // The S3 examples' secret differs from IAM's by one character ('/' for '+').
    const options = { region: 'us-east-1', service: 's3', secretOf: () => 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', now: new Date('2013-05-24T00:00:00Z') };
    assert.equal(verifySigV4(s3GetObject, options), 'AKIAIOSFODNN7EXAMPLE');
  });

  it('refuses a signature one hex digit off, a changed header, a changed query and a wrong secret', () => {
    const auth = String(iamListUsers.headers.authorization);
    const flipped = auth.slice(0, -1) + (auth.endsWith('7') ? '8' : '7');
    assert.match(errorName(() => verifySigV4({ ...iamListUsers, headers: { ...iamListUsers.headers, authorization: flipped } }, iamOptions)), /^InvalidSignatureException: The request signature we calculated/);
    assert.match(errorName(() => verifySigV4({ ...iamListUsers, headers: { ...iamListUsers.headers, 'content-type': 'text/plain' } }, iamOptions)), /^InvalidSignatureException/);
    assert.match(errorName(() => verifySigV4({ ...iamListUsers, url: '/?Action=DeleteUser&Version=2010-05-08' }, iamOptions)), /^InvalidSignatureException/);
    assert.match(errorName(() => verifySigV4(iamListUsers, { ...iamOptions, secretOf: () => 'another-secret-entirely' })), /^InvalidSignatureException/);
  });

  it('refuses an unknown key id with UnrecognizedClientException, and a session token likewise', () => {
    assert.equal(errorName(() => verifySigV4(iamListUsers, { ...iamOptions, secretOf: () => undefined })), 'UnrecognizedClientException: The security token included in the request is invalid.');
    assert.match(errorName(() => verifySigV4({ ...iamListUsers, headers: { ...iamListUsers.headers, 'x-amz-security-token': 'x' } }, iamOptions)), /^UnrecognizedClientException/);
  });

  it('answers MissingAuthenticationToken without an Authorization header and IncompleteSignature for a partial one', () => {
    const { authorization: _dropped, ...unsigned } = iamListUsers.headers;
    assert.match(errorName(() => verifySigV4({ ...iamListUsers, headers: unsigned }, iamOptions)), /^MissingAuthenticationToken/);
    assert.equal(
      errorName(() => verifySigV4({ ...iamListUsers, headers: { ...iamListUsers.headers, authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request' } }, iamOptions)),
      "IncompleteSignature: Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.",
    );
    assert.match(errorName(() => verifySigV4({ ...iamListUsers, headers: { ...iamListUsers.headers, authorization: 'Bearer abc' } }, iamOptions)), /^IncompleteSignature/);
  });

  it('refuses a credential scoped to another service or region', () => {
    assert.equal(errorName(() => verifySigV4(iamListUsers, { ...iamOptions, service: 'states' })), "InvalidSignatureException: Credential should be scoped to correct service: 'states'.");
    assert.match(errorName(() => verifySigV4(iamListUsers, { ...iamOptions, region: 'eu-west-1' })), /^InvalidSignatureException: Credential should be scoped to a valid region/);
  });

  it('allows 5 minutes of clock skew either way and no more, with AWS messages', () => {
    const at = (iso: string) => ({ ...iamOptions, now: new Date(iso) });
    assert.equal(verifySigV4(iamListUsers, at('2015-08-30T12:41:00Z')), 'AKIDEXAMPLE');
    assert.equal(verifySigV4(iamListUsers, at('2015-08-30T12:31:00Z')), 'AKIDEXAMPLE');
    assert.equal(
      errorName(() => verifySigV4(iamListUsers, at('2015-08-30T12:41:01Z'))),
      'InvalidSignatureException: Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T124101Z - 5 min.)',
    );
    assert.equal(
      errorName(() => verifySigV4(iamListUsers, at('2015-08-30T12:30:59Z'))),
      'InvalidSignatureException: Signature not yet current: 20150830T123600Z is still later than 20150830T123559Z (20150830T123059Z + 5 min.)',
    );
  });

  it('binds the body: a changed body or a mismatching x-amz-content-sha256 fails', () => {
    const now = new Date('2024-01-02T03:04:05Z');
    const request = { method: 'POST', url: '/', headers: { host: '127.0.0.1:8083', 'x-amz-target': 'AWSStepFunctions.ListStateMachines' }, body: '{"maxResults":1}' };
    const signed = signSigV4(request, { accessKeyId: 'AKIDSTEPSTONE0001', secretAccessKey: 'secret-secret-secret' }, { region: 'us-east-1', service: 'states', now });
    const options = { region: 'us-east-1', service: 'states', secretOf: () => 'secret-secret-secret', now };
    assert.equal(verifySigV4({ ...request, headers: { ...request.headers, ...signed } }, options), 'AKIDSTEPSTONE0001');
    assert.match(errorName(() => verifySigV4({ ...request, body: '{"maxResults":2}', headers: { ...request.headers, ...signed } }, options)), /^InvalidSignatureException: The request signature/);
    assert.match(
      errorName(() => verifySigV4({ ...request, headers: { ...request.headers, ...signed, 'x-amz-content-sha256': '0'.repeat(64) } }, options)),
      /^InvalidSignatureException: The provided 'x-amz-content-sha256' header does not match/,
    );
  });

  it('signs and verifies a GET with an encoded query the way the SDKs order it', () => {
    const now = new Date('2024-01-02T03:04:05Z');
    const request = { method: 'GET', url: '/audit?resource=arn%3Aaws%3Astates%3A%2A&limit=5&actor=a%20b', headers: { host: 'localhost' }, body: '' };
    const signed = signSigV4(request, { accessKeyId: 'AKIDSTEPSTONE0001', secretAccessKey: 'secret-secret-secret' }, { region: 'us-east-1', service: 'states', now });
    const options = { region: 'us-east-1', service: 'states', secretOf: () => 'secret-secret-secret', now };
    // The same parameters in another order and encoding are the same canonical query.
    assert.equal(verifySigV4({ ...request, url: '/audit?limit=5&actor=a%20b&resource=arn:aws:states:*', headers: { ...request.headers, ...signed } }, options), 'AKIDSTEPSTONE0001');
    assert.match(errorName(() => verifySigV4({ ...request, url: '/audit?limit=6&actor=a%20b&resource=arn:aws:states:*', headers: { ...request.headers, ...signed } }, options)), /^InvalidSignatureException/);
  });
});
