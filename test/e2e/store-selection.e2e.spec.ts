import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateStateMachineCommand, DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { acquirePostgres, createTestDatabase } from '../support/postgres';
import { sfnClient, startServer, CLI_ENTRY, SERVER_ENTRY } from '../support/server';

const repoRoot = path.resolve(__dirname, '..', '..');

/** Runs the server with `env` and expects it to exit on its own; returns its exit code, output and run time. */
async function runUntilExit(env: Record<string, string>, timeoutMs = 20_000): Promise<{ code: number | null; output: string; ms: number }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'stepstone-store-'));
  const started = performance.now();
  try {
    const child = spawn(process.execPath, [...SERVER_ENTRY], {
      cwd: repoRoot,
      env: { ...process.env, PORT: '0', STEPSTONE_GRPC_PORT: '0', HOST: '127.0.0.1', STEPSTONE_DATA: dataDir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the server did not exit within ${timeoutMs} ms:\n${output}`));
      }, timeoutMs);
      child.once('exit', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    return { code, output, ms: performance.now() - started };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...CLI_ENTRY, ...args], { cwd: repoRoot, env }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr });
    });
  });
}

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

describe('store selection: a store that cannot be used is one line and exit 1', () => {
  it('an unreachable PostgreSQL', async () => {
    const port = await closedPort();
    const { code, output } = await runUntilExit({ STEPSTONE_STORE: 'postgres', STEPSTONE_POSTGRES_URL: `postgres://stepstone:secret@127.0.0.1:${port}/stepstone` });
    assert.equal(code, 1);
    const lines = output.trim().split('\n');
    assert.equal(lines.length, 1, output);
    assert.match(lines[0], new RegExp(`^stepstone: cannot open the postgres store at postgres://stepstone:\\*\\*\\*@127\\.0\\.0\\.1:${port}/stepstone: .*ECONNREFUSED`));
    assert.doesNotMatch(output, /secret/, 'the password is never printed');
  });

  it('a URL that is not a postgres:// URL, a missing URL, an unknown store', async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ STEPSTONE_STORE: 'postgres', STEPSTONE_POSTGRES_URL: 'host=127.0.0.1 dbname=x' }, /^stepstone: STEPSTONE_POSTGRES_URL must be a postgres:\/\/ or postgresql:\/\/ URL/],
      [{ STEPSTONE_STORE: 'postgres' }, /^stepstone: STEPSTONE_STORE=postgres needs STEPSTONE_POSTGRES_URL/],
      [{ STEPSTONE_STORE: 'mysql' }, /^stepstone: STEPSTONE_STORE must be 'sqlite', 'postgres' or 'kurrentdb', got 'mysql'/],
      [{ STEPSTONE_STORE: 'kurrentdb' }, /^stepstone: STEPSTONE_STORE=kurrentdb needs KURRENTDB_CONNECTION_STRING/],
    ];
    // One after another: four servers loading at once on a loaded 2-core machine took longer
    // than the limit before any of them reached its configuration check.
    const results = [];
    for (const [env] of cases) results.push(await runUntilExit(env));
    results.forEach(({ code, output }, index) => {
      assert.equal(code, 1, output);
      assert.equal(output.trim().split('\n').length, 1, output);
      assert.match(output.trim(), cases[index][1]);
    });
  });
});

describe('store selection: KurrentDB', () => {
  it('needs STEPSTONE_POSTGRES_URL too: its position index and read models live in PostgreSQL', async () => {
    const { code, output } = await runUntilExit({ STEPSTONE_STORE: 'kurrentdb', KURRENTDB_CONNECTION_STRING: 'kurrentdb://127.0.0.1:2113?tls=false' });
    assert.equal(code, 1, output);
    assert.equal(output.trim().split('\n').length, 1, output);
    assert.match(output.trim(), /^stepstone: STEPSTONE_STORE=kurrentdb also needs STEPSTONE_POSTGRES_URL/);
  });

  it('a connection string that is not KurrentDB’s: one line naming the variable, before connecting to anything', async () => {
    const { code, output } = await runUntilExit({
      STEPSTONE_STORE: 'kurrentdb',
      KURRENTDB_CONNECTION_STRING: 'http://127.0.0.1:2113',
      // Nothing listens here: the connection string is refused before PostgreSQL is tried.
      STEPSTONE_POSTGRES_URL: 'postgres://postgres@127.0.0.1:1/none',
    });
    assert.equal(code, 1, output);
    assert.equal(output.trim().split('\n').length, 1, output);
    assert.match(output.trim(), /^stepstone: cannot open the kurrentdb store at http:\/\/127\.0\.0\.1:2113\/: KURRENTDB_CONNECTION_STRING: /);
  });
});

describe('store selection: PostgreSQL', () => {
  let cluster: { readonly url: string; release(): Promise<void> } | undefined;
  before(async () => {
    cluster = await acquirePostgres();
  });
  after(async () => {
    await cluster?.release();
  });

  it('kurrentdb with its index on this PostgreSQL and no KurrentDB listening: one line, exit 1, within the connect deadline', async () => {
    const database = await createTestDatabase(cluster!.url);
    try {
      const port = await closedPort();
      const { code, output, ms } = await runUntilExit({
        STEPSTONE_STORE: 'kurrentdb',
        KURRENTDB_CONNECTION_STRING: `kurrentdb://admin:secret@127.0.0.1:${port}?tls=false`,
        STEPSTONE_POSTGRES_URL: database.url,
      });
      assert.equal(code, 1, output);
      const lines = output.trim().split('\n');
      assert.equal(lines.length, 1, output);
      assert.match(lines[0], new RegExp(`^stepstone: cannot open the kurrentdb store at kurrentdb://admin:\\*\\*\\*@127\\.0\\.0\\.1:${port}: KurrentDB \\(KURRENTDB_CONNECTION_STRING\\): `));
      assert.doesNotMatch(output, /secret/, 'the password is never printed');
      assert.ok(ms < 15_000, `exited after ${ms} ms`);
    } finally {
      await database.drop();
    }
  });

  it('logs the store it uses and runs an execution on it', async () => {
    const database = await createTestDatabase(cluster!.url);
    const server = await startServer({ env: { STEPSTONE_STORE: 'postgres', STEPSTONE_POSTGRES_URL: database.url } });
    try {
      assert.match(server.output(), /stepstone listening on http:\/\/127\.0\.0\.1:\d+ \(store: postgres postgres:\/\/postgres@127\.0\.0\.1:\d+\/stepstone_test_/);
      const client = sfnClient(server.endpoint);
      const machine = await client.send(
        new CreateStateMachineCommand({
          name: 'on-postgres',
          roleArn: 'arn:aws:iam::123456789012:role/stepstone',
          definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: { ok: true }, End: true } } }),
        }),
      );
      const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: machine.stateMachineArn, input: '{}' }));
      let described = await client.send(new DescribeExecutionCommand({ executionArn }));
      for (let attempt = 0; described.status === 'RUNNING' && attempt < 100; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        described = await client.send(new DescribeExecutionCommand({ executionArn }));
      }
      assert.equal(described.status, 'SUCCEEDED');
      assert.equal(described.output, '{"ok":true}');

      // `stepstone verify` reads the same store through the same variables.
      const cliEnv = { ...process.env, STEPSTONE_STORE: 'postgres', STEPSTONE_POSTGRES_URL: database.url };
      const verified = await runCli(['verify'], cliEnv);
      assert.equal(verified.code, 0, verified.output);
      assert.match(verified.output, /verified 2 streams, \d+ events: OK/);
    } finally {
      await server.dispose();
      await database.drop();
    }
  });
  it('two server processes on one database: Describe on one right after Start on the other sees the execution', async () => {
    const database = await createTestDatabase(cluster!.url);
    const env = { STEPSTONE_STORE: 'postgres', STEPSTONE_POSTGRES_URL: database.url };
    const [first, second] = await Promise.all([startServer({ env }), startServer({ env })]);
    try {
      const a = sfnClient(first.endpoint);
      const b = sfnClient(second.endpoint);
      const machine = await a.send(
        new CreateStateMachineCommand({
          name: 'shared',
          roleArn: 'arn:aws:iam::123456789012:role/stepstone',
          definition: JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 30, End: true } } }),
        }),
      );
      for (let index = 0; index < 5; index += 1) {
        const [starter, describer] = index % 2 === 0 ? [a, b] : [b, a];
        const { executionArn } = await starter.send(new StartExecutionCommand({ stateMachineArn: machine.stateMachineArn, name: `run-${index}`, input: `{"i":${index}}` }));
        const described = await describer.send(new DescribeExecutionCommand({ executionArn }));
        assert.equal(described.status, 'RUNNING');
        assert.equal(described.input, `{"i":${index}}`);
      }
    } finally {
      await Promise.all([first.dispose(), second.dispose()]);
      await database.drop();
    }
  });
});
