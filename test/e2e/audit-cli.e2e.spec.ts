import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  TagResourceCommand,
  UpdateStateMachineCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { SqliteDatabase } from '@stepstone/event-store';
import { openServerStore, rawCall, sfnClient, startServer, TEST_STORE, type RunningServer, CLI_ENTRY } from '../support/server';

/**
 * The audit trail end to end: a real server (auth off) records who did what (SDK calls signed
 * by AKIDSTEPSTONETEST as 'unverified:AKIDSTEPSTONETEST', since nothing checks the signature;
 * an unsigned call as 'anonymous'); `GET /audit` and the `stepstone` CLI
 * (spawned as `node --import tsx apps/cli/src/main.ts`) read the SQLite file it wrote;
 * rows edited or deleted by hand in that file are caught by `stepstone verify`.
 */

const repoRoot = path.resolve(__dirname, '..', '..');
const roleArn = 'arn:aws:iam::123456789012:role/stepstone';
const smArn = (name: string) => `arn:aws:states:us-east-1:123456789012:stateMachine:${name}`;
const exArn = (machine: string, name: string) => `arn:aws:states:us-east-1:123456789012:execution:${machine}:${name}`;
const definitionV1 = JSON.stringify({
  StartAt: 'Greet',
  States: {
    Greet: { Type: 'Pass', Parameters: { 'greeting.$': "States.Format('Hello, {}!', $.name)" }, Assign: { 'who.$': '$.greeting' }, Next: 'Count' },
    Count: { Type: 'Pass', Result: 1, ResultPath: '$.count', Assign: { count: 1 }, End: true },
  },
});
const definitionV2 = definitionV1.replace('"Result":1', '"Result":2').replace('"count":1', '"count":2');
const waitDefinition = JSON.stringify({ StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: 3600, End: true } } });
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The variables that point the CLI at the server's store (PostgreSQL in the suite's second pass). */
let cliEnv: NodeJS.ProcessEnv = process.env;

function stepstone(...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...CLI_ENTRY, ...args], { cwd: repoRoot, env: cliEnv }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function untilDone(sfn: SFNClient, executionArn: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (status !== 'RUNNING' || Date.now() > deadline) return status ?? 'UNKNOWN';
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('audit trail, verify, replay and rebuild over a real server and the stepstone CLI', () => {
  let server: RunningServer;
  let sfn: SFNClient;
  let dbFile: string;
  const data = () => ['--data', server.dataDir];

  before(async () => {
    server = await startServer();
    cliEnv = { ...process.env, ...server.storeEnv };
    dbFile = path.join(server.dataDir, 'stepstone.db');
    sfn = sfnClient(server.endpoint);
    await sfn.send(new CreateStateMachineCommand({ name: 'audited', definition: definitionV1, roleArn }));
    await sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('audited'), name: 'before-update', input: '{"name":"Ada"}' }));
    assert.equal(await untilDone(sfn, exArn('audited', 'before-update')), 'SUCCEEDED');
    await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: smArn('audited'), definition: definitionV2 }));
    await sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('audited'), name: 'after-update', input: '{"name":"Grace"}' }));
    assert.equal(await untilDone(sfn, exArn('audited', 'after-update')), 'SUCCEEDED');
    await sfn.send(new CreateStateMachineCommand({ name: 'waiter', definition: waitDefinition, roleArn }));
    await sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('waiter'), name: 'held', input: '{}' }));
    await sfn.send(new StopExecutionCommand({ executionArn: exArn('waiter', 'held'), error: 'Operator.Stop' }));
    await sfn.send(new TagResourceCommand({ resourceArn: smArn('audited'), tags: [{ key: 'team', value: 'audit' }] }));
    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: smArn('waiter') }));
    // No Authorization header: the caller is 'anonymous'.
    const anonymous = await rawCall(
      server.endpoint,
      'AWSStepFunctions.CreateStateMachine',
      JSON.stringify({ name: 'anon', definition: waitDefinition, roleArn }),
    );
    assert.equal(anonymous.status, 200);
  });

  after(async () => {
    sfn?.destroy();
    await server?.dispose();
  });

  it('records on every event who caused it, and starts each chain at the hash of its definition', async () => {
    const store = await openServerStore(server);
    try {
      const rows = await store.readAll({ fromPosition: 0 });
      for (const row of rows) {
        const metadata = row.metadata;
        if (metadata.actor === 'engine') {
          assert.deepEqual(metadata, { actor: 'engine' }, `${row.streamId}#${row.revision}`);
        } else {
          assert.match(String(metadata.actor), /^(unverified:AKIDSTEPSTONETEST|anonymous)$/, `${row.streamId}#${row.revision}`);
          assert.equal(metadata.sourceIp, '127.0.0.1', `${row.streamId}#${row.revision}`);
          assert.match(String(metadata.requestId), /^[0-9a-f-]{36}$/, `${row.streamId}#${row.revision}`);
        }
      }
      const first = (streamId: string) => rows.find((row) => row.streamId === streamId && row.revision === 0)!;
      assert.equal(first('execution-audited:after-update').metadata.actor, 'unverified:AKIDSTEPSTONETEST');
      assert.equal(first('state-machine-anon').metadata.actor, 'anonymous');
      assert.equal(first('state-machine-audited').previousHash, sha256(definitionV1));
      assert.equal(first('execution-audited:before-update').previousHash, sha256(definitionV1));
      assert.equal(first('execution-audited:after-update').previousHash, sha256(definitionV2));
      const aborted = rows.find((row) => row.type === 'ExecutionAborted')!;
      assert.equal(aborted.metadata.actor, 'unverified:AKIDSTEPSTONETEST');
    } finally {
      await store.close();
    }
  });

  it('GET /audit answers who did what and when, filtered, with 400 and a precise message for bad parameters', async () => {
    const response = await fetch(`${server.endpoint}/audit`);
    assert.equal(response.status, 200);
    const { entries } = (await response.json()) as { entries: Array<Record<string, any>> };
    assert.deepEqual(
      entries.map((entry) => [entry.actor, entry.action, entry.resource]),
      [
        ['unverified:AKIDSTEPSTONETEST', 'CreateStateMachine', smArn('audited')],
        ['unverified:AKIDSTEPSTONETEST', 'StartExecution', exArn('audited', 'before-update')],
        ['unverified:AKIDSTEPSTONETEST', 'UpdateStateMachine', smArn('audited')],
        ['unverified:AKIDSTEPSTONETEST', 'StartExecution', exArn('audited', 'after-update')],
        ['unverified:AKIDSTEPSTONETEST', 'CreateStateMachine', smArn('waiter')],
        ['unverified:AKIDSTEPSTONETEST', 'StartExecution', exArn('waiter', 'held')],
        ['unverified:AKIDSTEPSTONETEST', 'StopExecution', exArn('waiter', 'held')],
        ['unverified:AKIDSTEPSTONETEST', 'TagResource', smArn('audited')],
        ['unverified:AKIDSTEPSTONETEST', 'DeleteStateMachine', smArn('waiter')],
        ['anonymous', 'CreateStateMachine', smArn('anon')],
      ],
    );
    for (const entry of entries) {
      assert.equal(entry.sourceIp, '127.0.0.1');
      assert.ok(!Number.isNaN(Date.parse(entry.time)) && entry.time.endsWith('Z'), entry.time);
    }

    const query = async (params: string) => ((await (await fetch(`${server.endpoint}/audit?${params}`)).json()) as { entries: Array<Record<string, any>> }).entries;
    assert.deepEqual((await query('actor=anonymous')).map((entry) => entry.resource), [smArn('anon')]);
    assert.deepEqual((await query(`resource=${encodeURIComponent(exArn('waiter', 'held'))}`)).map((entry) => entry.action), ['StartExecution', 'StopExecution']);
    assert.equal((await query(`since=${encodeURIComponent(entries[9].time)}`)).length >= 1, true);
    assert.deepEqual(await query('until=2000-01-01T00:00:00Z'), []);
    const paged = (await (await fetch(`${server.endpoint}/audit?limit=4`)).json()) as { entries: unknown[]; nextToken?: string };
    assert.equal(paged.entries.length, 4);
    const rest = (await (await fetch(`${server.endpoint}/audit?nextToken=${paged.nextToken}`)).json()) as { entries: unknown[] };
    assert.equal(rest.entries.length, 6);

    const bad = await fetch(`${server.endpoint}/audit?since=last-tuesday&limit=5000`);
    assert.equal(bad.status, 400);
    assert.deepEqual(await bad.json(), {
      __type: 'ValidationException',
      message:
        "2 validation errors detected: 'since' must be an ISO 8601 timestamp (e.g. 2024-01-31T12:00:00Z), got 'last-tuesday'; 'limit' must be an integer from 1 to 1000, got '5000'",
    });
    const unknown = await fetch(`${server.endpoint}/audit?who=me`);
    assert.equal(unknown.status, 400);
    assert.match(((await unknown.json()) as { message: string }).message, /^Unknown query parameter 'who'/);
  });

  it('stepstone audit prints the same trail from the data folder (table or JSON) as from the server', async () => {
    const table = await stepstone('audit', ...data());
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^TIME\s+ACTOR\s+SOURCE IP\s+ACTION\s+RESOURCE$/);
    assert.equal(lines.length, 11);
    assert.match(lines[7], /unverified:AKIDSTEPSTONETEST\s+127\.0\.0\.1\s+StopExecution\s+arn:aws:states:us-east-1:123456789012:execution:waiter:held$/);

    const fromFile = await stepstone('audit', '--json', '--resource', `${smArn('audited')}*`, ...data());
    const fromServer = await stepstone('audit', '--json', '--resource', `${smArn('audited')}*`, '--endpoint', server.endpoint);
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.equal(fromServer.code, 0, fromServer.stderr);
    assert.deepEqual(JSON.parse(fromFile.stdout), JSON.parse(fromServer.stdout));
    assert.deepEqual(
      (JSON.parse(fromFile.stdout) as Array<{ action: string }>).map((entry) => entry.action),
      ['CreateStateMachine', 'UpdateStateMachine', 'TagResource'],
    );

    const wrong = await stepstone('audit', '--since', 'soon', ...data());
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /--since must be an ISO 8601 timestamp \(e\.g\. 2024-01-31T12:00:00Z\), got 'soon'/);
  });

  it('stepstone replay rebuilds an execution step by step, up to an event id', async () => {
    const arn = exArn('audited', 'after-update');
    const text = await stepstone('replay', arn, ...data());
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /#3 {2}PassStateExited {2}\[Greet\]/);
    assert.match(text.stdout, /variables: \{"who":"Hello, Grace!","count":2\}/);
    assert.match(text.stdout, /status after event 6: SUCCEEDED/);

    const json = await stepstone('replay', arn, '--to', '3', '--json', ...data());
    assert.equal(json.code, 0, json.stderr);
    const replay = JSON.parse(json.stdout) as { status: string; steps: Array<Record<string, any>> };
    assert.equal(replay.status, 'RUNNING');
    assert.deepEqual(
      replay.steps.map((step) => [step.eventId, step.type, step.stateName ?? null]),
      [
        [1, 'ExecutionStarted', null],
        [2, 'PassStateEntered', 'Greet'],
        [3, 'PassStateExited', 'Greet'],
      ],
    );
    assert.deepEqual(JSON.parse(replay.steps[2].output), { greeting: 'Hello, Grace!' });
    assert.deepEqual(replay.steps[2].variables, { who: 'Hello, Grace!' });

    const missing = await stepstone('replay', exArn('audited', 'never'), ...data());
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /ExecutionDoesNotExist/);
  });

  it('stepstone verify passes on what the server wrote, while it runs', async () => {
    const all = await stepstone('verify', '--all', ...data());
    assert.equal(all.code, 0, all.stdout + all.stderr);
    assert.match(all.stdout, /^verified 6 streams, \d+ events: OK$/m);
    const one = await stepstone('verify', exArn('audited', 'after-update'), smArn('audited'), ...data());
    assert.equal(one.code, 0, one.stdout + one.stderr);
    assert.match(one.stdout, /^verified 2 streams, \d+ events: OK$/m);
  });

  it('stepstone projections rebuild reproduces every read-model table exactly', { skip: TEST_STORE === 'postgres' ? 'edits the SQLite file by hand (on PostgreSQL: the contract suite tampers, projections-postgres.int.spec.ts rebuilds)' : false }, async () => {
    await server.kill('SIGTERM');
    const snapshot = () => {
      const db = new SqliteDatabase(dbFile, { readonly: true });
      try {
        // Every table but the store's own: read models and their checkpoints, whoever added them.
        const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('events', 'streams') ORDER BY name").pluck().all() as string[];
        return Object.fromEntries(tables.map((table) => [table, db.prepare(`SELECT * FROM ${table} ORDER BY 1`).all()]));
      } finally {
        db.close();
      }
    };
    const before = snapshot();
    for (const table of ['projection_checkpoints', 'read_audit', 'read_executions', 'read_state_machines']) assert.ok(table in before, table);
    assert.equal(before.read_audit.length, 10);
    assert.equal(before.read_executions.length, 3);
    // Damage the read models, so only a real replay from position zero restores them.
    const db = new SqliteDatabase(dbFile);
    db.prepare('DELETE FROM read_executions').run();
    db.prepare("UPDATE read_audit SET actor = 'mallory'").run();
    db.close();
    assert.notDeepEqual(snapshot(), before);

    const rebuilt = await stepstone('projections', 'rebuild', ...data());
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    assert.match(rebuilt.stdout, /^rebuilt read models from position 0 to \d+ in \d+ ms: read_state_machines=2, read_executions=3, read_state_machine_versions=0, read_state_machine_aliases=0, read_map_runs=0, read_map_run_executions=0, read_audit=10$/m);
    assert.deepEqual(snapshot(), before);
  });

  it('stepstone verify catches a row edited by hand in the SQLite file, and a deleted row', { skip: TEST_STORE === 'postgres' ? 'edits the SQLite file by hand (on PostgreSQL: the contract suite tampers, projections-postgres.int.spec.ts rebuilds)' : false }, async () => {
    const arn = exArn('audited', 'after-update');
    const db = new SqliteDatabase(dbFile);
    const row = db.prepare(`SELECT position, data FROM events WHERE stream_id = 'execution-audited:after-update' AND revision = 2`).get() as { position: number; data: string };
    db.prepare('UPDATE events SET data = ? WHERE position = ?').run(row.data.replace('Hello, Grace!', 'Hello, Mallory!'), row.position);
    db.close();

    const edited = await stepstone('verify', arn, ...data());
    assert.equal(edited.code, 1, edited.stdout + edited.stderr);
    assert.match(edited.stdout, new RegExp(`^BROKEN execution-audited:after-update at revision 2, event id 3, PassStateExited, position ${row.position}: hash-mismatch$`, 'm'));
    const [, expected, found] = /expected ([0-9a-f]{64})\n {2}found {4}([0-9a-f]{64})/.exec(edited.stdout) ?? [];
    assert.ok(expected && found && expected !== found, edited.stdout);
    assert.match(edited.stdout, /^verified 1 stream, 6 events: 1 broken link$/m);
    const json = await stepstone('verify', '--all', '--json', ...data());
    assert.equal(json.code, 1);
    assert.deepEqual(
      (JSON.parse(json.stdout) as { breaks: Array<Record<string, unknown>> }).breaks.map((broken) => [broken.streamId, broken.revision, broken.eventId, broken.reason]),
      [['execution-audited:after-update', 2, 3, 'hash-mismatch']],
    );

    const restore = new SqliteDatabase(dbFile);
    restore.prepare('UPDATE events SET data = ? WHERE position = ?').run(row.data, row.position);
    const deleted = restore.prepare(`SELECT position FROM events WHERE stream_id = 'execution-audited:before-update' AND revision = 1`).get() as { position: number };
    restore.prepare('DELETE FROM events WHERE position = ?').run(deleted.position);
    restore.close();

    const afterDelete = await stepstone('verify', ...data());
    assert.equal(afterDelete.code, 1, afterDelete.stdout);
    assert.match(afterDelete.stdout, new RegExp(`^BROKEN execution-audited:before-update at revision \\d+, event id \\d+, \\w+, position ${deleted.position + 1}: position-gap\n {2}expected position ${deleted.position}\n {2}found {4}position ${deleted.position + 1}$`, 'm'));
    assert.match(afterDelete.stdout, /^BROKEN execution-audited:before-update at revision 2, event id 3, PassStateExited, position \d+: revision-gap\n {2}expected 1\n {2}found {4}2$/m);
    assert.match(afterDelete.stdout, /: 2 broken links$/m);
    assert.doesNotMatch(afterDelete.stdout, /after-update/, 'the restored row verifies again');
  });
});
