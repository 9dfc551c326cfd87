import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateStateMachineCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { signSigV4 } from '../../apps/server/src/auth/sigv4';
import { startServer, TEST_STORE, type RunningServer } from '../support/server';

/**
 * The console's sign-in with STEPSTONE_AUTH=sigv4: one signed request gives a session cookie,
 * every console call is then authorised with the key's policy as the AWS action it stands for,
 * and calls that change something need the CSRF header besides the cookie.
 */

const admin = { accessKeyId: 'AKIDSTEPSTONEADMIN', secretAccessKey: 'admin-secret-for-tests-0001' };
const reader = { accessKeyId: 'AKIDSTEPSTONEREADER', secretAccessKey: 'reader-secret-for-tests-001' };
const keysFile = {
  keys: [
    { ...admin, policy: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } },
    {
      ...reader,
      policy: {
        Statement: [
          { Effect: 'Allow', Action: ['states:Describe*', 'states:List*', 'states:GetExecutionHistory'], Resource: '*' },
          { Effect: 'Deny', Action: 'states:*', Resource: ['arn:aws:states:*:*:stateMachine:secret*', 'arn:aws:states:*:*:execution:secret*'] },
        ],
      },
    },
  ],
};
const definition = JSON.stringify({ StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: 1, End: true } } });
const roleArn = 'arn:aws:iam::123456789012:role/test';
const smArn = (name: string) => `arn:aws:states:us-east-1:123456789012:stateMachine:${name}`;
const exArn = (machine: string, name: string) => `arn:aws:states:us-east-1:123456789012:execution:${machine}:${name}`;
const CSRF = { 'x-stepstone-console': '1' };

describe('console sign-in with STEPSTONE_AUTH=sigv4', { timeout: 120_000 }, () => {
  let server: RunningServer;
  let dir: string;

  /** Signs `POST /console/api/session` as the console's page does, and returns the session cookie. */
  const signIn = async (credentials: typeof admin, extraHeaders: Record<string, string> = CSRF) => {
    const url = new URL('/console/api/session', server.endpoint);
    const headers = { host: url.host, ...extraHeaders };
    const signed = signSigV4({ method: 'POST', url: url.pathname, headers, body: '' }, credentials, { region: 'us-east-1', service: 'states', now: new Date() });
    const { host: _host, ...sent } = headers;
    const response = await fetch(url, { method: 'POST', headers: { ...sent, ...signed } });
    const setCookie = response.headers.get('set-cookie') ?? '';
    return { status: response.status, json: (await response.json()) as any, setCookie, cookie: setCookie.split(';')[0] };
  };

  const call = async (method: string, urlPath: string, options: { cookie?: string; headers?: Record<string, string>; body?: string } = {}) => {
    const response = await fetch(new URL(urlPath, server.endpoint), {
      method,
      headers: { ...(options.cookie ? { cookie: options.cookie } : {}), ...options.headers },
      ...(options.body !== undefined ? { body: options.body } : {}),
    });
    const text = await response.text();
    return { status: response.status, json: text === '' ? undefined : (JSON.parse(text) as any), headers: response.headers };
  };

  const awsCall = (cookie: string | undefined, action: string, request: object, headers: Record<string, string> = CSRF) =>
    call('POST', '/console/api/aws', { cookie, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${action}`, ...headers }, body: JSON.stringify(request) });

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'stepstone-console-auth-'));
    writeFileSync(path.join(dir, 'keys.json'), JSON.stringify(keysFile));
    server = await startServer({ env: { STEPSTONE_AUTH: 'sigv4', STEPSTONE_KEYS_FILE: path.join(dir, 'keys.json') } });
    const client = new SFNClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: admin, maxAttempts: 1 });
    await client.send(new CreateStateMachineCommand({ name: 'orders', definition, roleArn }));
    await client.send(new CreateStateMachineCommand({ name: 'secret-payroll', definition, roleArn }));
    await client.send(new StartExecutionCommand({ stateMachineArn: smArn('orders'), name: 'first' }));
    await client.send(new StartExecutionCommand({ stateMachineArn: smArn('secret-payroll'), name: 'hidden' }));
  });

  after(async () => {
    await server?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves the console page without credentials, and says sign-in is needed: 401 {authRequired: true} with the signing scope', async () => {
    const page = await fetch(`${server.endpoint}/console/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<div id="root">/);
    const redirect = await fetch(`${server.endpoint}/`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    assert.equal(redirect.status, 302, 'a browser at / is sent to the console even with auth on');
    const session = await call('GET', '/console/api/session');
    assert.equal(session.status, 401);
    assert.deepEqual(
      { ...session.json, message: undefined },
      { __type: 'MissingAuthenticationToken', message: undefined, authRequired: true, actor: 'anonymous', signingRegion: 'us-east-1', signingService: 'states' },
    );
  });

  it('refuses every console API call and the event stream without a session, with AWS error names', async () => {
    for (const urlPath of ['/console/api/counts', `/console/api/timeline?executionArn=${encodeURIComponent(exArn('orders', 'first'))}`, '/console/api/events', `/console/api/executions?stateMachineArn=${encodeURIComponent(smArn('orders'))}&name=f`]) {
      const refused = await call('GET', urlPath);
      assert.deepEqual([refused.status, refused.json.__type, refused.json.authRequired], [401, 'MissingAuthenticationToken', true], urlPath);
    }
    const aws = await awsCall(undefined, 'ListStateMachines', {});
    assert.deepEqual([aws.status, aws.json.__type], [401, 'MissingAuthenticationToken']);
    const forged = await awsCall('stepstone_console_session=' + 'A'.repeat(43), 'ListStateMachines', {});
    assert.deepEqual([forged.status, forged.json.__type], [401, 'ExpiredTokenException'], 'a token the server never issued');
    // The SigV4-only endpoint does not take the cookie's place either way round.
    const unsignedLogin = await call('POST', '/console/api/session', { headers: CSRF });
    assert.deepEqual([unsignedLogin.status, unsignedLogin.json.__type], [403, 'MissingAuthenticationToken']);
  });

  it('refuses a sign-in signed with a wrong secret (InvalidSignatureException) or an unknown key, and sets no cookie', async () => {
    const wrong = await signIn({ ...admin, secretAccessKey: 'not-the-secret-at-all-0000' });
    assert.deepEqual([wrong.status, wrong.json.__type], [400, 'InvalidSignatureException']);
    assert.equal(wrong.setCookie, '');
    const unknown = await signIn({ accessKeyId: 'AKIDNOBODYKNOWSTHIS', secretAccessKey: 'whatever-whatever-00' });
    assert.deepEqual([unknown.status, unknown.json.__type], [400, 'UnrecognizedClientException']);
    const withoutHeader = await signIn(admin, {});
    assert.deepEqual([withoutHeader.status, withoutHeader.json.__type, withoutHeader.setCookie], [403, 'AccessDeniedException', '']);
  });

  it('signs in a reader: an HttpOnly SameSite=Strict cookie that lists and reads, but StartExecution is AccessDeniedException', async () => {
    const login = await signIn(reader);
    assert.equal(login.status, 200, JSON.stringify(login.json));
    assert.equal(login.json.actor, reader.accessKeyId);
    assert.ok(Date.parse(login.json.expiresAt) > Date.now() + 11 * 3_600_000, 'the 12-hour default');
    assert.match(login.setCookie, /^stepstone_console_session=[A-Za-z0-9_-]{43}; Path=\/console; Max-Age=43200; HttpOnly; SameSite=Strict$/);
    const cookie = login.cookie;
    const session = await call('GET', '/console/api/session', { cookie });
    assert.deepEqual([session.status, session.json.actor, session.json.authRequired], [200, reader.accessKeyId, true]);

    const listed = await awsCall(cookie, 'ListStateMachines', {});
    assert.equal(listed.status, 200, JSON.stringify(listed.json));
    assert.deepEqual(listed.json.stateMachines.map((machine: any) => machine.name).sort(), ['orders', 'secret-payroll']);
    assert.equal((await awsCall(cookie, 'DescribeStateMachine', { stateMachineArn: smArn('orders') })).status, 200);
    const denied = await awsCall(cookie, 'DescribeStateMachine', { stateMachineArn: smArn('secret-payroll') });
    assert.match(denied.json.message, /with an explicit deny/);
    const start = await awsCall(cookie, 'StartExecution', { stateMachineArn: smArn('orders'), name: 'by-reader' });
    assert.equal(start.json.__type, 'AccessDeniedException');
    assert.match(start.json.message, new RegExp(`^User: arn:aws:iam::123456789012:user/${reader.accessKeyId} is not authorized to perform: states:StartExecution on resource: ${smArn('orders')} because no identity-based policy allows the states:StartExecution action$`));

    // The console's own reads, authorised as the AWS action each stands for.
    const counts = await call('GET', '/console/api/counts', { cookie });
    assert.deepEqual(Object.keys(counts.json.counts), [smArn('orders')], 'no counts of a machine whose executions the key may not list');
    assert.equal((await call('GET', `/console/api/timeline?executionArn=${encodeURIComponent(exArn('orders', 'first'))}`, { cookie })).status, 200);
    const hiddenTimeline = await call('GET', `/console/api/timeline?executionArn=${encodeURIComponent(exArn('secret-payroll', 'hidden'))}`, { cookie });
    assert.equal(hiddenTimeline.json.__type, 'AccessDeniedException');
    assert.match(hiddenTimeline.json.message, /states:GetExecutionHistory on resource: .*execution:secret-payroll:hidden/);
    const hiddenSearch = await call('GET', `/console/api/executions?stateMachineArn=${encodeURIComponent(smArn('secret-payroll'))}&name=h`, { cookie });
    assert.match(hiddenSearch.json.message, /states:ListExecutions on resource: .*stateMachine:secret-payroll/);
    const hiddenStream = await call('GET', `/console/api/events?stateMachineArn=${encodeURIComponent(smArn('secret-payroll'))}`, { cookie });
    assert.equal(hiddenStream.json.__type, 'AccessDeniedException');
  });

  it('lets the admin start an execution from the console, recorded in the audit trail as the admin key', async () => {
    const { cookie } = await signIn(admin);
    const started = await awsCall(cookie, 'StartExecution', { stateMachineArn: smArn('orders'), name: 'from-console' });
    assert.equal(started.status, 200, JSON.stringify(started.json));
    assert.equal(started.json.executionArn, exArn('orders', 'from-console'));
    const url = new URL('/audit?action=StartExecution', server.endpoint);
    const headers = { host: url.host };
    const signed = signSigV4({ method: 'GET', url: `${url.pathname}${url.search}`, headers, body: '' }, admin, { region: 'us-east-1', service: 'states', now: new Date() });
    const audit = (await (await fetch(url, { headers: signed })).json()) as any;
    const entry = audit.entries.find((candidate: any) => candidate.resource === exArn('orders', 'from-console'));
    assert.equal(entry?.actor, admin.accessKeyId);
  });

  it('needs the CSRF header besides the cookie for a console call that changes something', async () => {
    const { cookie } = await signIn(admin);
    const noHeader = await awsCall(cookie, 'StartExecution', { stateMachineArn: smArn('orders'), name: 'csrf' }, {});
    assert.deepEqual([noHeader.status, noHeader.json.__type], [403, 'AccessDeniedException']);
    assert.match(noHeader.json.message, /x-stepstone-console: 1/);
    const wrongValue = await awsCall(cookie, 'StartExecution', { stateMachineArn: smArn('orders'), name: 'csrf' }, { 'x-stepstone-console': 'yes' });
    assert.equal(wrongValue.status, 403);
    const described = await awsCall(cookie, 'DescribeExecution', { executionArn: exArn('orders', 'csrf') });
    assert.equal(described.json.__type, 'ExecutionDoesNotExist', 'nothing was started');
  });

  it('streams only to a session allowed to read the stream, and only the executions it may list', async () => {
    const { cookie } = await signIn(reader);
    const abort = new AbortController();
    try {
      const response = await fetch(`${server.endpoint}/console/api/events`, { headers: { cookie }, signal: abort.signal });
      assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
      const reader_ = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      await reader_.read();
      const client = new SFNClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: admin, maxAttempts: 1 });
      await client.send(new StartExecutionCommand({ stateMachineArn: smArn('secret-payroll'), name: 'streamed-hidden' }));
      await client.send(new StartExecutionCommand({ stateMachineArn: smArn('orders'), name: 'streamed' }));
      const deadline = Date.now() + 15_000;
      while (!text.includes(exArn('orders', 'streamed')) && Date.now() < deadline) {
        const { value, done } = await reader_.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      assert.match(text, /execution:orders:streamed/);
      assert.doesNotMatch(text, /secret-payroll/);
    } finally {
      abort.abort();
    }
  });

  it(
    'keeps a session to the process that signed in: another process on the same PostgreSQL asks to sign in again',
    { skip: TEST_STORE === 'postgres' ? false : 'one SQLite data folder has one server; on PostgreSQL several share the store' },
    async () => {
      const { cookie } = await signIn(reader);
      const other = await startServer({ env: { ...server.storeEnv, STEPSTONE_AUTH: 'sigv4', STEPSTONE_KEYS_FILE: path.join(dir, 'keys.json') } });
      try {
        const elsewhere = await fetch(`${other.endpoint}/console/api/counts`, { headers: { cookie } });
        assert.equal(elsewhere.status, 401);
        assert.equal(((await elsewhere.json()) as any).__type, 'ExpiredTokenException');
        assert.equal((await call('GET', '/console/api/counts', { cookie })).status, 200, 'still good where it was made');
      } finally {
        await other.dispose();
      }
    },
  );

  it('signs out: the cookie is cleared and the session no longer works', async () => {
    const { cookie } = await signIn(reader);
    assert.equal((await call('GET', '/console/api/counts', { cookie })).status, 200);
    const withoutHeader = await call('DELETE', '/console/api/session', { cookie });
    assert.equal(withoutHeader.status, 403);
    assert.equal((await call('GET', '/console/api/counts', { cookie })).status, 200, 'a cross-site DELETE did not sign out');
    const out = await call('DELETE', '/console/api/session', { cookie, headers: CSRF });
    assert.equal(out.status, 204);
    assert.match(out.headers.get('set-cookie') ?? '', /^stepstone_console_session=; Path=\/console; Max-Age=0; HttpOnly; SameSite=Strict$/);
    const after = await call('GET', '/console/api/counts', { cookie });
    assert.deepEqual([after.status, after.json.__type], [401, 'ExpiredTokenException']);
    assert.equal((await call('GET', '/console/api/session', { cookie })).json.__type, 'ExpiredTokenException');
  });
});

describe('console session lifetime', { timeout: 60_000 }, () => {
  it('expires after STEPSTONE_CONSOLE_SESSION_HOURS', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stepstone-console-ttl-'));
    writeFileSync(path.join(dir, 'keys.json'), JSON.stringify(keysFile));
    // 2 seconds.
    const server = await startServer({ env: { STEPSTONE_AUTH: 'sigv4', STEPSTONE_KEYS_FILE: path.join(dir, 'keys.json'), STEPSTONE_CONSOLE_SESSION_HOURS: String(2 / 3600) } });
    try {
      const url = new URL('/console/api/session', server.endpoint);
      const signed = signSigV4({ method: 'POST', url: url.pathname, headers: { host: url.host, ...CSRF }, body: '' }, admin, { region: 'us-east-1', service: 'states', now: new Date() });
      const login = await fetch(url, { method: 'POST', headers: { ...CSRF, ...signed } });
      const setCookie = login.headers.get('set-cookie') ?? '';
      assert.match(setCookie, /Max-Age=2;/);
      const cookie = setCookie.split(';')[0];
      assert.equal((await fetch(url, { headers: { cookie } })).status, 200);
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      const expired = await fetch(url, { headers: { cookie } });
      assert.equal(expired.status, 401);
      assert.equal(((await expired.json()) as any).__type, 'ExpiredTokenException');
    } finally {
      await server.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
