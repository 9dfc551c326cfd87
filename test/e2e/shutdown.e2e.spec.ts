import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { CreateStateMachineCommand, DescribeStateMachineCommand, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { sfnClient } from '../support/server';

const repoRoot = path.resolve(__dirname, '..', '..');
const roleArn = 'arn:aws:iam::123456789012:role/r';

interface Launched {
  readonly child: ChildProcess;
  readonly endpoint: string;
  readonly dataDir: string;
  output(): string;
  /** Exit code and signal, once the process has exited. */
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Starts `command` (node main.ts, or npm start) in its own process group on a free port. */
async function launch(command: string, args: string[], dataDir?: string): Promise<Launched> {
  const dir = dataDir ?? mkdtempSync(path.join(tmpdir(), 'stepstone-stop-'));
  if (!dataDir) dirs.push(dir);
  // Output goes to a file, not a pipe: after npm exits, the server still writes how it stopped.
  const logFile = path.join(dir, 'server.log');
  const out = openSync(logFile, 'w');
  const child = spawn(command, args, {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', STEPSTONE_GRPC_PORT: '0', HOST: '127.0.0.1', STEPSTONE_DATA: dir, STEPSTONE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', out, out],
    detached: true,
  });
  closeSync(out);
  const log = () => readFileSync(logFile, 'utf8');
  let exited = false;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    }),
  );
  let endpoint: string | undefined;
  for (let waited = 0; endpoint === undefined; waited += 100) {
    if (exited || waited > 60_000) throw new Error(`no listening line:\n${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    endpoint = /stepstone listening on (http:\/\/\S+)/.exec(log())?.[1];
  }
  return { child, endpoint, dataDir: dir, output: log, exit };
}

/** The pid of the node process running the server under `root` (npm → sh → node bin/stepstone.mjs serve). */
function serverPidUnder(root: number): number {
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const runsServer = argv.includes('apps/server/src/main.ts') || (argv.includes('serve') && argv.some((arg) => arg.endsWith('bin/stepstone.mjs')));
    if (path.basename(argv[0]) === 'node' && runsServer) return pid;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (children !== '') queue.push(...children.split(' ').map(Number));
    }
  }
  throw new Error(`no server process under ${root}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The store was closed: SQLite removes the WAL file when the last connection closes. */
function assertStoreClosed(dataDir: string): void {
  const wal = path.join(dataDir, 'stepstone.db-wal');
  assert.ok(!existsSync(wal) || statSync(wal).size === 0, `a WAL of ${existsSync(wal) ? statSync(wal).size : 0} bytes was left behind`);
}

describe('stopping the server', () => {
  it('node main.ts: SIGTERM drains the in-flight request, closes the store and exits 0; the store reopens intact', async () => {
    const server = await launch(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts']);
    const sfn = sfnClient(server.endpoint);
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: 'slow',
        type: 'EXPRESS',
        roleArn,
        definition: JSON.stringify({ StartAt: 'Pause', States: { Pause: { Type: 'Wait', Seconds: 2, Next: 'Done' }, Done: { Type: 'Pass', Result: 'finished', End: true } } }),
      }),
    );
    const inFlight = sfn.send(new StartSyncExecutionCommand({ stateMachineArn }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    server.child.kill('SIGTERM');
    const result = await inFlight;
    assert.equal(result.status, 'SUCCEEDED');
    assert.equal(result.output, '"finished"');
    assert.deepEqual(await server.exit, { code: 0, signal: null }, server.output());
    assert.match(server.output(), /SIGTERM received, finishing in-flight requests and closing the store[\s\S]*stepstone: stopped/);
    assertStoreClosed(server.dataDir);
    sfn.destroy();

    const reopened = await launch(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], server.dataDir);
    const again = sfnClient(reopened.endpoint);
    assert.equal((await again.send(new DescribeStateMachineCommand({ stateMachineArn }))).name, 'slow');
    again.destroy();
    reopened.child.kill('SIGINT');
    assert.deepEqual(await reopened.exit, { code: 0, signal: null }, reopened.output());
    assertStoreClosed(server.dataDir);
  });

  // npm's own exit status is npm's: 0 when the server exits 0, but npm 11 ends itself with 143 on a
  // SIGTERM it receives (forwarding nothing) and with 130 after a SIGINT it received.
  for (const [who, signal, npmExit, reason] of [
    ['node', 'SIGTERM', { code: 0, signal: null }, 'SIGTERM received'],
    ['npm', 'SIGTERM', { code: null, signal: 'SIGTERM' }, 'npm \\(pid \\d+\\) exited'],
    ['the whole process group (a terminal’s Ctrl-C)', 'SIGINT', undefined, 'SIGINT received'],
  ] as const) {
    it(`npm start: ${signal} to ${who} stops the server cleanly (drain, store closed, exit 0)`, async () => {
      const server = await launch('npm', ['start', '--silent']);
      const npmPid = server.child.pid as number;
      const nodePid = serverPidUnder(npmPid);
      if (who === 'npm') process.kill(npmPid, signal);
      else if (who === 'node') process.kill(nodePid, signal);
      else process.kill(-npmPid, signal);
      const exit = await server.exit;
      if (npmExit) assert.deepEqual(exit, npmExit, server.output());
      for (let waited = 0; alive(nodePid) && waited < 15_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
      assert.ok(!alive(nodePid), `the server process outlived npm:\n${server.output()}`);
      assert.match(server.output(), new RegExp(`stepstone: ${reason}, finishing in-flight requests and closing the store[\\s\\S]*stepstone: stopped`));
      assertStoreClosed(server.dataDir);
    });
  }
});
