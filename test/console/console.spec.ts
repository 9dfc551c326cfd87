import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateStateMachineCommand, DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { sfnClient, startServer, type RunningServer } from '../support/server';

const repoRoot = path.resolve(__dirname, '..', '..');
const screenshots = path.join(__dirname, 'screenshots');
const CHROMIUM = '/usr/bin/chromium';

/** Debian's chromium, never a downloaded browser; the flags keep it off this machine's closed network. */
async function launchBrowser(userDataDir: string, extraArgs: readonly string[] = []): Promise<BrowserContext> {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/install-test-deps.sh (it installs Debian's chromium)`);
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}

const definition = {
  Comment: 'Orders: every state type the console draws',
  StartAt: 'Validate',
  States: {
    Validate: { Type: 'Pass', Next: 'Route' },
    Route: {
      Type: 'Choice',
      Choices: [{ And: [{ Variable: '$.fail', IsPresent: true }, { Variable: '$.fail', BooleanEquals: true }], Next: 'Reject' }],
      Default: 'Prepare',
    },
    Prepare: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'Price', States: { Price: { Type: 'Pass', Result: 42, End: true } } },
        { StartAt: 'Pause', States: { Pause: { Type: 'Wait', SecondsPath: '$.wait', End: true } } },
      ],
      ResultPath: '$.prepared',
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Reject' }],
      Next: 'Ship',
    },
    Ship: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: { StartAt: 'Pack', States: { Pack: { Type: 'Pass', End: true } } },
      ResultPath: '$.shipped',
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
    Reject: { Type: 'Fail', Error: 'OrderRejected', Cause: 'The order asked to fail' },
  },
};
const stateNames = ['Validate', 'Route', 'Prepare', 'Price', 'Pause', 'Ship', 'Pack', 'Done', 'Reject'];

describe('web console (Debian chromium against the real server)', { timeout: 240_000 }, () => {
  let server: RunningServer;
  let context: BrowserContext;
  let page: Page;
  let stateMachineArn: string;
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'stepstone-chromium-'));
  const shot = async (name: string) => {
    const file = path.join(screenshots, `${name}.png`);
    await page.screenshot({ path: file });
    console.log(`screenshot: ${path.relative(repoRoot, file)}`);
  };
  /** Whether this build draws graphs (libs/asl's buildStateGraph is part of it). */
  const graphDrawn = async () => (await page.locator('[data-testid=state-graph]').count()) > 0;

  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    // The console is built at install; this is a no-op unless its sources changed since.
    execFileSync(process.execPath, ['scripts/build-console.mjs'], { cwd: repoRoot, stdio: 'inherit' });
    server = await startServer();
    context = await launchBrowser(userDataDir);
    page = await context.newPage();
    const created = await sfnClient(server.endpoint).send(
      new CreateStateMachineCommand({ name: 'orders', definition: JSON.stringify(definition), roleArn: 'arn:aws:iam::123456789012:role/test' }),
    );
    stateMachineArn = created.stateMachineArn!;
  });

  after(async () => {
    await context?.close();
    await server?.dispose();
    rmSync(userDataDir, { recursive: true, force: true });
  });

  it('redirects a browser from / to the console and lists the machine created through the SDK', async () => {
    await page.goto(`${server.endpoint}/`);
    assert.equal(new URL(page.url()).pathname, '/console/');
    await page.getByRole('link', { name: 'orders' }).click();
    await page.getByRole('heading', { name: 'orders' }).waitFor();
    const definitionText = await page.getByLabel('Definition').textContent();
    assert.match(definitionText ?? '', /"StartAt": "Validate"/);
    // Highlighted: keys are spans of their own.
    assert.ok((await page.locator('pre.json .json-key').count()) > 10);
  });

  it('draws the graph with every state as text', async (t) => {
    await page.goto(`${server.endpoint}/console/#/state-machines/${encodeURIComponent(stateMachineArn)}/graph`);
    await page.getByRole('heading', { name: 'orders' }).waitFor();
    await page.locator('[data-testid=state-graph], .notice').first().waitFor();
    if (!(await graphDrawn())) return t.skip("this build has no state graph model (libs/asl's buildStateGraph has not landed)");
    for (const name of stateNames) await page.locator(`[data-testid=state-graph] [data-state="${name}"]`).waitFor();
    const graph = page.getByTestId('state-graph');
    assert.equal(await graph.locator('.react-flow__edge.edge-catch').count(), 1, 'the Parallel\'s Catch');
    assert.equal(await graph.locator('.react-flow__edge.edge-default').count(), 1, "the Choice's Default");
    await graph.getByText('($.fail IsPresent true) And ($.fail BooleanEquals true)').waitFor();
    await graph.getByText('catch States.ALL').waitFor();
    // Parallel branches and the Map's processor are boxes inside their state's box.
    assert.equal(await graph.locator('.react-flow__node[data-id="Prepare"] > [data-state="Prepare"]').count(), 1);
    const pricePosition = await graph.locator('[data-state="Price"]').boundingBox();
    const preparePosition = await graph.locator('[data-state="Prepare"]').boundingBox();
    assert.ok(pricePosition && preparePosition && pricePosition.y > preparePosition.y && pricePosition.y + pricePosition.height < preparePosition.y + preparePosition.height);
    await shot('state-machine-graph');
  });

  it('starts an execution from the console and watches it finish live', async () => {
    await page.goto(`${server.endpoint}/console/#/state-machines/${encodeURIComponent(stateMachineArn)}/graph`);
    await page.getByRole('button', { name: 'Start execution' }).click();
    await page.getByLabel('Execution name').fill('from-console');
    const input = page.getByLabel('Execution input');
    await input.fill('{"wait": 2, "items": [1, 2');
    await page.getByText('Invalid JSON').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Start', exact: true }).isDisabled(), true, 'invalid JSON is not sent');
    await input.fill('{"wait": 2, "items": [1, 2, 3]}');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    const status = page.getByTestId('execution-status');
    await status.filter({ hasText: 'RUNNING' }).waitFor({ timeout: 10_000 });
    // No reload from here on: the page changes on the server-sent events alone.
    await status.filter({ hasText: 'SUCCEEDED' }).waitFor({ timeout: 30_000 });
    assert.match(page.url(), /#\/executions\//);
    await page.getByRole('table', { name: 'States' }).getByText('Ship').waitFor();
    await shot('execution-succeeded');
  });

  it('steps through the timeline to a state and reads its input', async () => {
    const executionArn = stateMachineArn.replace(':stateMachine:', ':execution:') + ':from-console';
    await page.goto(`${server.endpoint}/console/#/executions/${encodeURIComponent(executionArn)}/timeline`);
    const label = page.getByTestId('timeline-step');
    await label.waitFor();
    assert.match((await label.textContent()) ?? '', /#1 ExecutionStarted/);
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    for (let step = 0; step < 40 && !/ShipStateEntered|MapStateEntered \[Ship\]/.test((await label.textContent()) ?? ''); step += 1) {
      await page.keyboard.press('ArrowRight');
    }
    assert.match((await label.textContent()) ?? '', /MapStateEntered \[Ship\]/);
    const details = page.getByRole('complementary', { name: 'Step details' });
    await details.getByRole('heading', { name: 'Ship' }).waitFor();
    const input = JSON.parse((await details.getByLabel('Input').textContent()) ?? 'null');
    assert.deepEqual(input.items, [1, 2, 3]);
    assert.deepEqual(input.prepared, [42, { wait: 2, items: [1, 2, 3] }]);
    // The graph shows the execution as it stood at this step, not as it ended.
    assert.equal(await page.locator('[data-testid=state-graph] [data-state="Ship"]').getAttribute('data-outcome'), 'running');
    assert.equal(await page.locator('[data-testid=state-graph] [data-state="Done"]').getAttribute('data-outcome'), 'not-reached');
    assert.equal(await page.locator('[data-testid=state-graph] [data-state="Pause"]').getAttribute('data-outcome'), 'succeeded');
    await page.keyboard.press('ArrowLeft');
    assert.doesNotMatch((await label.textContent()) ?? '', /\[Ship\]/);
    await page.keyboard.press('ArrowRight');
    await shot('timeline');
    // Open one Map iteration: the scrubber then steps through that iteration's events alone.
    await page.getByLabel('Branch or iteration').selectOption({ label: 'Ship iteration 1' });
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    for (let step = 0; step < 5 && !/PassStateExited \[Pack\]/.test((await label.textContent()) ?? ''); step += 1) await page.keyboard.press('ArrowRight');
    assert.match((await label.textContent()) ?? '', /PassStateExited \[Pack\]/);
    assert.equal(JSON.parse((await details.getByLabel('Input').textContent()) ?? 'null'), 2, "the second item is iteration 1's input");
  });

  it('creates a state machine from pasted JSON, showing the validation diagnostics inline', async () => {
    await page.goto(`${server.endpoint}/console/#/`);
    await page.getByRole('button', { name: 'Create state machine' }).click();
    await page.getByLabel('State machine name').fill('pasted');
    const editor = page.getByLabel('Definition');
    await editor.fill(JSON.stringify({ StartAt: 'One', States: { One: { Type: 'Pass', Next: 'Two' } } }, null, 2));
    await page.getByRole('button', { name: 'Validate and create' }).click();
    const diagnostics = page.getByRole('list', { name: 'Diagnostics' });
    await diagnostics.waitFor();
    assert.match((await diagnostics.textContent()) ?? '', /Two/);
    await shot('create-diagnostics');
    await editor.fill(JSON.stringify({ StartAt: 'One', States: { One: { Type: 'Pass', End: true } } }, null, 2));
    await page.getByRole('button', { name: 'Validate and create' }).click();
    await page.getByRole('heading', { name: 'pasted' }).waitFor();
    await page.locator('[data-testid=state-graph] [data-state="One"]').waitFor();
  });

  it('stops a running execution from the console', async () => {
    const { executionArn } = await sfnClient(server.endpoint).send(new StartExecutionCommand({ stateMachineArn, name: 'long', input: '{"wait": 3600, "items": []}' }));
    await page.goto(`${server.endpoint}/console/#/executions/${encodeURIComponent(executionArn!)}/graph`);
    await page.getByTestId('execution-status').filter({ hasText: 'RUNNING' }).waitFor();
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByTestId('execution-status').filter({ hasText: 'ABORTED' }).waitFor({ timeout: 10_000 });
  });

  it("shows a failed execution's error and colours the failed state", async () => {
    const client = sfnClient(server.endpoint);
    const started = await client.send(new StartExecutionCommand({ stateMachineArn, name: 'rejected', input: '{"fail": true}' }));
    for (let tries = 0; tries < 100; tries += 1) {
      if ((await client.send(new DescribeExecutionCommand({ executionArn: started.executionArn }))).status !== 'RUNNING') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await page.goto(`${server.endpoint}/console/#/executions/${encodeURIComponent(started.executionArn!)}/graph`);
    await page.getByTestId('execution-status').filter({ hasText: 'FAILED' }).waitFor();
    const error = page.getByTestId('execution-error');
    assert.match((await error.textContent()) ?? '', /OrderRejected.*The order asked to fail/);
    const states = page.getByRole('table', { name: 'States' });
    await states.getByRole('row', { name: /Reject failed/ }).waitFor();
    await states.getByRole('row', { name: /Route succeeded/ }).waitFor();
    if (await graphDrawn()) {
      assert.equal(await page.locator('[data-testid=state-graph] [data-state="Reject"]').getAttribute('data-outcome'), 'failed');
      assert.equal(await page.locator('[data-testid=state-graph] [data-state="Prepare"]').getAttribute('data-outcome'), 'not-reached');
    }
    await shot('execution-failed');
    await page.getByRole('link', { name: /Events/ }).click();
    await page.getByLabel('Event type filter').selectOption('FailStateEntered');
    assert.equal(await page.getByRole('table', { name: 'Event history' }).locator('tbody tr').count(), 1);
  });

  it('lists executions with a status filter and a name search, and shows new ones live', async () => {
    await page.goto(`${server.endpoint}/console/#/state-machines/${encodeURIComponent(stateMachineArn)}/executions`);
    const table = page.getByRole('table', { name: 'Executions' });
    await table.getByRole('link', { name: 'from-console' }).waitFor();
    await page.getByLabel('Status filter').selectOption('FAILED');
    await table.getByRole('link', { name: 'rejected' }).waitFor();
    await table.getByRole('link', { name: 'from-console' }).waitFor({ state: 'detached' });
    await page.getByLabel('Status filter').selectOption('');
    await page.getByLabel('Search by name').fill('CONSOLE');
    await table.getByRole('link', { name: 'rejected' }).waitFor({ state: 'detached' });
    await table.getByRole('link', { name: 'from-console' }).waitFor();
    await page.getByLabel('Search by name').fill('');
    // Started elsewhere (the SDK): the open page shows it without a reload.
    await sfnClient(server.endpoint).send(new StartExecutionCommand({ stateMachineArn, name: 'arrives-live', input: '{"wait": 0, "items": [1]}' }));
    await table.getByRole('link', { name: 'arrives-live' }).waitFor({ timeout: 10_000 });
    await shot('executions');
  });
});

describe('web console sign-in with STEPSTONE_AUTH=sigv4 (Debian chromium)', { timeout: 120_000 }, () => {
  const admin = { accessKeyId: 'AKIDSTEPSTONEADMIN', secretAccessKey: 'admin-secret-for-browser-01' };
  const reader = { accessKeyId: 'AKIDSTEPSTONEREADER', secretAccessKey: 'reader-secret-for-browser1' };
  let server: RunningServer;
  let context: BrowserContext;
  let page: Page;
  const dir = mkdtempSync(path.join(tmpdir(), 'stepstone-console-sigv4-'));

  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    execFileSync(process.execPath, ['scripts/build-console.mjs'], { cwd: repoRoot, stdio: 'inherit' });
    writeFileSync(
      path.join(dir, 'keys.json'),
      JSON.stringify({
        keys: [
          { ...admin, policy: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } },
          { ...reader, policy: { Statement: [{ Effect: 'Allow', Action: ['states:Describe*', 'states:List*', 'states:GetExecutionHistory'], Resource: '*' }] } },
        ],
      }),
    );
    server = await startServer({ env: { STEPSTONE_AUTH: 'sigv4', STEPSTONE_KEYS_FILE: path.join(dir, 'keys.json') } });
    const client = new SFNClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: admin, maxAttempts: 1 });
    await client.send(new CreateStateMachineCommand({ name: 'signed-orders', definition: JSON.stringify(definition), roleArn: 'arn:aws:iam::123456789012:role/test' }));
    context = await launchBrowser(path.join(dir, 'chromium'));
    page = await context.newPage();
  });

  after(async () => {
    await context?.close();
    await server?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the sign-in form, refuses a wrong secret, signs in with a real key and lists the state machines', async () => {
    await page.goto(`${server.endpoint}/console/`);
    const form = page.getByRole('form', { name: 'Sign in' });
    await form.waitFor();
    assert.equal(await page.getByRole('table', { name: 'State machines' }).count(), 0, 'nothing but the form before signing in');
    await page.getByLabel('Access key ID').fill(admin.accessKeyId);
    await page.getByLabel('Secret access key').fill('not-the-secret-at-all-0000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'InvalidSignatureException' }).waitFor();
    await page.getByLabel('Secret access key').fill(admin.secretAccessKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('table', { name: 'State machines' }).getByRole('link', { name: 'signed-orders' }).waitFor();
    assert.equal(await page.getByTestId('signed-in-as').textContent(), admin.accessKeyId);
    // The cookie is HttpOnly: the page's scripts cannot read it.
    assert.equal(await page.evaluate('document.cookie'), '');
    await shot(page, 'signed-in');
    // A reload keeps the session.
    await page.reload();
    await page.getByRole('link', { name: 'signed-orders' }).waitFor();
  });

  it('signs out back to the form, and a reader cannot start an execution from the console', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('form', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Access key ID').fill(reader.accessKeyId);
    await page.getByLabel('Secret access key').fill(reader.secretAccessKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'signed-orders' }).click();
    await page.getByRole('heading', { name: 'signed-orders' }).waitFor();
    await page.getByRole('button', { name: 'Start execution' }).click();
    await page.getByLabel('Execution input').fill('{"wait": 0, "items": []}');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page.getByText(/AccessDeniedException/).waitFor();
  });

  it('signs in on a plain-HTTP page of another host, where the browser withholds WebCrypto', async () => {
    // stepstone.test resolves to the server, so the page is http://stepstone.test:<port>: not a secure context.
    const insecure = await launchBrowser(path.join(dir, 'chromium-insecure'), ['--host-resolver-rules=MAP stepstone.test 127.0.0.1']);
    try {
      const other = await insecure.newPage();
      await other.goto(server.endpoint.replace('127.0.0.1', 'stepstone.test') + '/console/');
      assert.equal(await other.evaluate('window.isSecureContext'), false);
      assert.equal(await other.evaluate('typeof globalThis.crypto.subtle'), 'undefined');
      await other.getByLabel('Access key ID').fill(admin.accessKeyId);
      await other.getByLabel('Secret access key').fill(admin.secretAccessKey);
      await other.getByRole('button', { name: 'Sign in' }).click();
      await other.getByRole('link', { name: 'signed-orders' }).waitFor();
    } finally {
      await insecure.close();
    }
  });
});

async function shot(page: Page, name: string): Promise<void> {
  const file = path.join(screenshots, `${name}.png`);
  await page.screenshot({ path: file });
  console.log(`screenshot: ${path.relative(repoRoot, file)}`);
}
