import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signSigV4, verifySigV4 } from '../../apps/server/src/auth/sigv4';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { hmacSha256, sha256 } from '../../apps/console/src/sha256';
import { signRequest, type RequestToSign } from '../../apps/console/src/sigv4';

/**
 * The console's WebCrypto signer (apps/console/src/sigv4.ts) and the server's signer and
 * verifier (apps/server/src/auth/sigv4.ts) held to the same vectors: AWS's published signatures,
 * then requests where both must write the same Authorization and the server must accept the
 * console's, with WebCrypto and with the plain fallback (./sha256.ts) a page on plain HTTP uses.
 * Node's globalThis.crypto.subtle is the same WebCrypto API the browser has.
 */

const exampleKey = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

interface Vector {
  readonly name: string;
  readonly request: RequestToSign;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly scope: { readonly region: string; readonly service: string; readonly now: Date };
  readonly authorization: string;
}

const at20150830 = new Date('2015-08-30T12:36:00Z');
const vectors: Vector[] = [
  {
    // AWS's SigV4 test suite, get-vanilla.
    name: 'get-vanilla',
    request: { method: 'GET', url: '/', headers: { host: 'example.amazonaws.com' }, body: '' },
    credentials: exampleKey,
    scope: { region: 'us-east-1', service: 'service', now: at20150830 },
    authorization:
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
  },
  {
    // AWS's SigV4 test suite, get-vanilla-query-order-key-case: the query is sorted.
    name: 'get-vanilla-query-order-key-case',
    request: { method: 'GET', url: '/?Param2=value2&Param1=value1', headers: { host: 'example.amazonaws.com' }, body: '' },
    credentials: exampleKey,
    scope: { region: 'us-east-1', service: 'service', now: at20150830 },
    authorization:
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
  },
  {
    // AWS's SigV4 test suite, post-vanilla.
    name: 'post-vanilla',
    request: { method: 'POST', url: '/', headers: { host: 'example.amazonaws.com' }, body: '' },
    credentials: exampleKey,
    scope: { region: 'us-east-1', service: 'service', now: at20150830 },
    authorization:
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b',
  },
  {
    // IAM User Guide, "Signature Version 4 signing process": ListUsers (a header with spaces, a query).
    name: 'iam-list-users',
    request: {
      method: 'GET',
      url: '/?Action=ListUsers&Version=2010-05-08',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8', host: 'iam.amazonaws.com' },
      body: '',
    },
    credentials: exampleKey,
    scope: { region: 'us-east-1', service: 'iam', now: at20150830 },
    authorization:
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
  },
];

/** Requests the console and the server must sign alike: the sign-in itself, encodings, bodies. */
const sameAsServer: RequestToSign[] = [
  { method: 'POST', url: '/console/api/session', headers: { host: '127.0.0.1:8083', 'x-stepstone-console': '1' }, body: '' },
  { method: 'POST', url: '/', headers: { host: 'localhost', 'x-amz-target': 'AWSStepFunctions.ListStateMachines', 'content-type': 'application/x-amz-json-1.0' }, body: '{"maxResults":1,"name":"Grüße ✓"}' },
  { method: 'GET', url: '/audit?resource=arn%3Aaws%3Astates%3A%2A&limit=5&actor=a%20b&empty=', headers: { host: 'stepstone.example:443', 'x-custom': '  two   spaces  ' }, body: '' },
  { method: 'get', url: "/a path/with (parens)/and*stars!'", headers: { HOST: 'h' }, body: 'x'.repeat(1000) },
];

describe('SigV4: the console signer and the server agree', () => {
  for (const vector of vectors) {
    it(`both sign AWS's ${vector.name} vector as published`, async () => {
      const fromConsole = await signRequest(vector.request, vector.credentials, vector.scope, true);
      const fromFallback = await signRequest(vector.request, vector.credentials, vector.scope, false);
      const fromServer = signSigV4(vector.request, vector.credentials, vector.scope);
      assert.equal(fromConsole.authorization, vector.authorization);
      assert.equal(fromFallback.authorization, vector.authorization);
      assert.equal(fromServer.authorization, vector.authorization);
      assert.equal(fromConsole['x-amz-date'], '20150830T123600Z');
    });
  }

  for (const request of sameAsServer) {
    it(`writes the server's Authorization for ${request.method} ${request.url.slice(0, 40)}, and the server verifies it`, async () => {
      const credentials = { accessKeyId: 'AKIDSTEPSTONEADMIN', secretAccessKey: 'admin-secret-for-tests-0001' };
      const scope = { region: 'eu-west-1', service: 'states', now: new Date('2026-12-03T07:30:00Z') };
      const fromConsole = await signRequest(request, credentials, scope, true);
      assert.deepEqual(fromConsole, signSigV4(request, credentials, scope));
      assert.deepEqual(await signRequest(request, credentials, scope, false), fromConsole, 'the fallback signs alike');
      const headers = { ...Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value])), ...fromConsole };
      const verify = (secret: string, body = request.body) =>
        verifySigV4({ ...request, headers, body }, { region: 'eu-west-1', service: 'states', secretOf: () => secret, now: scope.now });
      assert.equal(verify(credentials.secretAccessKey), credentials.accessKeyId);
      assert.throws(() => verify('another-secret-entirely'), { name: 'InvalidSignatureException' });
      assert.throws(() => verify(credentials.secretAccessKey, `${request.body} `), { name: 'InvalidSignatureException' });
    });
  }
});

describe('the plain SHA-256 and HMAC fallback', () => {
  it("hashes FIPS 180-4's examples and agrees with node:crypto on every length around the block edges", () => {
    const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
    assert.equal(hex(sha256(new Uint8Array())), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(hex(sha256(new TextEncoder().encode('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    for (let length = 0; length < 200; length++) {
      const data = randomBytes(length);
      assert.equal(hex(sha256(data)), createHash('sha256').update(data).digest('hex'), `length ${length}`);
      const key = randomBytes(length % 100);
      assert.equal(hex(hmacSha256(key, data)), createHmac('sha256', key).update(data).digest('hex'), `HMAC, length ${length}`);
    }
  });
});
