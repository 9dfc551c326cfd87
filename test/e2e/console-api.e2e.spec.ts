import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { CreateStateMachineCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { eventually } from '../support/helpers';
import { rawCall, sfnClient, startServer, TEST_STORE, type RunningServer, CLI_ENTRY } from '../support/server';

/**
 * The console's own API (/console/api) and the redirect of a browser's GET /, against the real
 * server: counts and the name search read the read models; the timeline is `stepstone replay`'s
 * answer; live changes are server-sent events from the store's subscription.
 */

const repoRoot = path.resolve(__dirname, '..', '..');
const roleArn = 'arn:aws:iam::123456789012:role/stepstone';
const smArn = (name: string) => `arn:aws:states:us-east-1:123456789012:stateMachine:${name}`;
const exArn = (machine: string, name: string) => `arn:aws:states:us-east-1:123456789012:execution:${machine}:${name}`;
const definition = JSON.stringify({
  StartAt: 'Check',
  States: {
    Check: { Type: 'Choice', Choices: [{ Variable: '$.ok', BooleanEquals: false, Next: 'Nope' }], Default: 'Greet' },
    Greet: { Type: 'Pass', Parameters: { 'greeting.$': "States.Format('Hello, {}!', $.name)" }, ResultPath: '$.greeting', Assign: { 'who.$': '$.greeting' }, Next: 'Hold' },
    Hold: { Type: 'Wait', SecondsPath: '$.wait', End: true },
    Nope: { Type: 'Fail', Error: 'Nope', Cause: 'asked to fail' },
  },
});

async function getJson(url: string): Promise<{ status: number; json: any }> {
  const response = await fetch(url);
  return { status: response.status, json: await response.json() };
}

describe('console API', { timeout: 120_000 }, () => {
  let server: RunningServer;
  let client: SFNClient;

  before(async () => {
    server = await startServer();
    client = sfnClient(server.endpoint);
    await client.send(new CreateStateMachineCommand({ name: 'greeter', definition, roleArn }));
    await client.send(new CreateStateMachineCommand({ name: 'other', definition, roleArn }));
    for (const [name, input] of [
      ['alpha-1', { ok: true, name: 'Ada', wait: 0 }],
      ['Beta-2', { ok: true, name: 'Bo', wait: 0 }],
      ['ALPHA-3', { ok: false }],
    ] as const) {
      await client.send(new StartExecutionCommand({ stateMachineArn: smArn('greeter'), name, input: JSON.stringify(input) }));
    }
  });

  after(async () => {
    await server?.dispose();
  });

  it('sends a browser asking for / to the console and keeps the AWS answers at /', async () => {
    const browser = await fetch(`${server.endpoint}/`, { headers: { accept: 'text/html,application/xhtml+xml' }, redirect: 'manual' });
    assert.equal(browser.status, 302);
    assert.equal(browser.headers.get('location'), '/console/');
    const plain = await fetch(`${server.endpoint}/`);
    assert.equal(plain.status, 400);
    assert.equal(((await plain.json()) as { __type: string }).__type, 'UnknownOperationException');
    const listed = await rawCall(server.endpoint, 'AWSStepFunctions.ListStateMachines', '{}');
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.json.stateMachines.map((machine: any) => machine.name), ['greeter', 'other']);
    const page = await fetch(`${server.endpoint}/console/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<div id="root">/);
  });

  it('counts executions per state machine and status', async () => {
    const { json } = await eventually(
      () => getJson(`${server.endpoint}/console/api/counts`),
      ({ json }) => json.counts[smArn('greeter')]?.RUNNING === undefined,
    );
    assert.deepEqual(json.counts, { [smArn('greeter')]: { FAILED: 1, SUCCEEDED: 2 } });
  });

  it('searches executions by part of their name, case-insensitively, with the status filter', async () => {
    const url = (query: string) => `${server.endpoint}/console/api/executions?stateMachineArn=${encodeURIComponent(smArn('greeter'))}&${query}`;
    const all = await getJson(url('name=alpha'));
    assert.equal(all.status, 200);
    assert.deepEqual(all.json.executions.map((execution: any) => execution.name).sort(), ['ALPHA-3', 'alpha-1']);
    const failed = await getJson(url('name=ALPHA&statusFilter=FAILED'));
    assert.deepEqual(failed.json.executions.map((execution: any) => execution.name), ['ALPHA-3']);
    const paged = await getJson(url('name=a&maxResults=1'));
    assert.equal(paged.json.executions.length, 1);
    const second = await getJson(url(`name=a&maxResults=1&nextToken=${paged.json.nextToken}`));
    assert.notEqual(second.json.executions[0].name, paged.json.executions[0].name);
    assert.equal((await getJson(url('name=%25'))).json.executions.length, 0, '% is text, not a wildcard');
    const badStatus = await getJson(url('name=a&statusFilter=DONE'));
    assert.equal(badStatus.status, 400);
    assert.equal(badStatus.json.__type, 'ValidationException');
    const missing = await getJson(`${server.endpoint}/console/api/executions?stateMachineArn=${encodeURIComponent(smArn('nope'))}&name=a`);
    assert.equal(missing.json.__type, 'StateMachineDoesNotExist');
  });

  it("serves the timeline exactly as `stepstone replay --json` prints it", async () => {
    const arn = exArn('greeter', 'alpha-1');
    const { status, json } = await getJson(`${server.endpoint}/console/api/timeline?executionArn=${encodeURIComponent(arn)}`);
    assert.equal(status, 200);
    assert.equal(json.status, 'SUCCEEDED');
    const greetExited = json.steps.find((step: any) => step.type === 'PassStateExited');
    assert.deepEqual(greetExited.variables, { who: 'Hello, Ada!' });
    const { stdout } = await promisify(execFile)(process.execPath, [...CLI_ENTRY, 'replay', arn, '--json', '--data', server.dataDir], {
      cwd: repoRoot,
      // On PostgreSQL the CLI reads the server's database, named by these variables.
      env: { ...process.env, ...server.storeEnv },
    });
    assert.deepEqual(json, JSON.parse(stdout));
    const upTo = await getJson(`${server.endpoint}/console/api/timeline?executionArn=${encodeURIComponent(arn)}&toEventId=3`);
    assert.deepEqual(upTo.json.steps.map((step: any) => step.eventId), [1, 2, 3]);
    assert.equal(upTo.json.status, 'RUNNING');
  });

  it('rejects bad timeline requests with AWS error names', async () => {
    const cases: Array<[string, string]> = [
      ['', 'ValidationException'],
      ['executionArn=nope', 'InvalidArn'],
      [`executionArn=${encodeURIComponent(exArn('greeter', 'never-ran'))}`, 'ExecutionDoesNotExist'],
      [`executionArn=${encodeURIComponent(exArn('greeter', 'alpha-1'))}&toEventId=0`, 'ValidationException'],
    ];
    for (const [query, type] of cases) {
      const { status, json } = await getJson(`${server.endpoint}/console/api/timeline?${query}`);
      assert.equal(status, 400, query);
      assert.equal(json.__type, type, query);
    }
  });

  it("streams an execution's events as they are stored, and only that execution's", async () => {
    const arn = exArn('greeter', 'live');
    const abort = new AbortController();
    const response = await fetch(`${server.endpoint}/console/api/events?executionArn=${encodeURIComponent(arn)}`, { signal: abort.signal });
    assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    await reader.read(); // the opening comment: subscribed
    await client.send(new StartExecutionCommand({ stateMachineArn: smArn('other'), name: 'live', input: '{"ok":true,"name":"X","wait":0}' }));
    await client.send(new StartExecutionCommand({ stateMachineArn: smArn('greeter'), name: 'live', input: '{"ok":true,"name":"Y","wait":1}' }));
    const deadline = Date.now() + 15_000;
    while (!text.includes('ExecutionSucceeded') && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    abort.abort();
    const messages = text
      .split('\n\n')
      .filter((block) => block.includes('data: '))
      .map((block) => ({ id: Number(/^id: (\d+)$/m.exec(block)?.[1]), data: JSON.parse(/^data: (.*)$/m.exec(block)![1]) }));
    assert.ok(messages.length >= 5, text);
    assert.deepEqual([...new Set(messages.map((message) => message.data.executionArn))], [arn], 'the other machine\'s execution is left out');
    assert.equal(messages[0].data.type, 'ExecutionStarted');
    assert.equal(messages.at(-1)!.data.type, 'ExecutionSucceeded');
    assert.ok(messages.every((message, index) => index === 0 || message.id > messages[index - 1].id), 'ids are increasing store positions');
  });

  it(
    'streams the events of an execution another server process runs on the same PostgreSQL database, and counts it',
    { skip: TEST_STORE === 'postgres' ? false : 'one SQLite data folder has one server; on PostgreSQL several share the store' },
    async () => {
      const other = await startServer({ env: { ...server.storeEnv } });
      const abort = new AbortController();
      try {
        const arn = exArn('greeter', 'elsewhere');
        const response = await fetch(`${server.endpoint}/console/api/events?stateMachineArn=${encodeURIComponent(smArn('greeter'))}`, { signal: abort.signal });
        const reader = response.body!.getReader();
        const decoder = new TextDecoder();
        let text = '';
        await reader.read(); // the opening comment: subscribed
        await sfnClient(other.endpoint).send(new StartExecutionCommand({ stateMachineArn: smArn('greeter'), name: 'elsewhere', input: '{"ok":false}' }));
        const deadline = Date.now() + 15_000;
        while (!text.includes('"ExecutionFailed"') && Date.now() < deadline) {
          const { value, done } = await reader.read();
          if (done) break;
          text += decoder.decode(value, { stream: true });
        }
        const changes = text
          .split('\n\n')
          .filter((block) => block.includes('data: '))
          .map((block) => JSON.parse(/^data: (.*)$/m.exec(block)![1]) as { type: string; executionArn?: string });
        assert.deepEqual(
          changes.filter((change) => change.executionArn === arn).map((change) => change.type).filter((type) => type.startsWith('Execution')),
          ['ExecutionStarted', 'ExecutionFailed'],
          text,
        );
        const { json } = await getJson(`${server.endpoint}/console/api/counts`);
        assert.equal(json.counts[smArn('greeter')].FAILED, 2, 'ALPHA-3 and elsewhere');
      } finally {
        abort.abort();
        await other.dispose();
      }
    },
  );

  // Last: it stops the server.
  it('shuts down on SIGTERM while a browser holds an event stream open', async () => {
    const response = await fetch(`${server.endpoint}/console/api/events`);
    const reader = response.body!.getReader();
    await reader.read();
    const stopped = server.kill('SIGTERM').then(() => 'stopped' as const);
    const timeout = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 15_000).unref());
    assert.equal(await Promise.race([stopped, timeout]), 'stopped');
    assert.equal((await reader.read()).done, true, 'the stream is ended, not cut');
  });
});
