import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import { openEventStore, storeSelectionFromEnv, type EventStore } from '@stepstone/event-store';
import { createTestDatabase, TEST_POSTGRES_URL_ENV } from './postgres';

const repoRoot = path.resolve(__dirname, '..', '..');
const listeningLine = /stepstone listening on (http:\/\/\S+)/;

/**
 * The store the e2e suites run the server on: `STEPSTONE_TEST_STORE=postgres` (set by
 * scripts/run-tests.mjs for its second pass) gives each server a fresh database on the cluster
 * named by STEPSTONE_TEST_POSTGRES_URL; otherwise the embedded SQLite file in its data folder.
 */
/**
 * How tests start the server and the CLI: the package's `stepstone` command (bin/stepstone.mjs),
 * which runs the runtime bundle it keeps fresh, as `npm start` and `npx stepstone` do.
 * Arguments to node, relative to the repository root (the children's cwd).
 */
export const SERVER_ENTRY: readonly string[] = ['bin/stepstone.mjs', 'serve'];
export const CLI_ENTRY: readonly string[] = ['bin/stepstone.mjs'];

export const TEST_STORE: 'sqlite' | 'postgres' = process.env.STEPSTONE_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

export interface RunningServer {
  readonly endpoint: string;
  /** `127.0.0.1:<port>` of the gRPC API (STEPSTONE_GRPC_PORT), kept across restarts. */
  readonly grpcAddress: string;
  readonly dataDir: string;
  /** The variables that select the server's store (empty on SQLite): pass them to the CLI. */
  readonly storeEnv: Readonly<Record<string, string>>;
  /** The running process's pid, -1 when it is not running. */
  pid(): number;
  /** Everything the process wrote to stdout and stderr so far (for failure messages). */
  output(): string;
  /** Stops the process with `signal` and waits for it to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts a new process on the same port and data directory (after `kill`). */
  restart(): Promise<void>;
  /** Whether the process is alive (it may have died on its own, e.g. at a crash point). */
  running(): boolean;
  /** Resolves when the current process exits, however it ends. */
  exited(): Promise<void>;
  /** Kills the process if running and removes the data directory. */
  dispose(): Promise<void>;
}

export interface StartServerOptions {
  readonly dataDir?: string;
  readonly env?: Record<string, string>;
  /** Flags for node before the entry point (a benchmark's `--cpu-prof`). */
  readonly nodeFlags?: readonly string[];
  /** How long start-up (recovery included) may take; default 30 s. */
  readonly startTimeoutMs?: number;
  /** The checkout to run the server of (a benchmark's before/after); default this repository. */
  readonly repoRoot?: string;
}

/** Starts the real server (`node bin/stepstone.mjs serve`) on a free port. */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'stepstone-e2e-'));
  const port = await freePort();
  const database = TEST_STORE === 'postgres' && options.env?.STEPSTONE_STORE === undefined ? await createTestDatabase(postgresUrl()) : undefined;
  const storeEnv: Record<string, string> = database ? { STEPSTONE_STORE: 'postgres', STEPSTONE_POSTGRES_URL: database.url } : {};
  let grpcPort = await freePort();
  while (grpcPort === port) grpcPort = await freePort();
  let child: ChildProcess | undefined;
  let exit: Promise<void> = Promise.resolve();
  let log = '';

  const launch = async () => {
    log = '';
    const proc = spawn(process.execPath, [...(options.nodeFlags ?? []), ...SERVER_ENTRY], {
      cwd: options.repoRoot ?? repoRoot,
      // Request logs (one line per request at info) only when a test asks: the output is kept in memory.
      env: { ...process.env, STEPSTONE_LOG_LEVEL: 'warn', ...storeEnv, ...options.env, PORT: String(port), STEPSTONE_GRPC_PORT: String(grpcPort), HOST: '127.0.0.1', STEPSTONE_DATA: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    exit = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      const startTimeoutMs = options.startTimeoutMs ?? 30_000;
      const timeout = setTimeout(() => reject(new Error(`server did not start within ${startTimeoutMs / 1000}s:\n${log}`)), startTimeoutMs);
      const onData = (chunk: Buffer) => {
        log += chunk.toString('utf8');
        if (listeningLine.test(log)) {
          clearTimeout(timeout);
          resolve();
        }
      };
      proc.stdout?.on('data', onData);
      proc.stderr?.on('data', onData);
      proc.once('exit', (code, signal) => {
        clearTimeout(timeout);
        reject(new Error(`server exited before listening (code ${code}, signal ${signal}):\n${log}`));
      });
    });
  };

  const kill = async (signal: NodeJS.Signals = 'SIGTERM') => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    await exited;
  };

  try {
    await launch();
  } catch (error) {
    await database?.drop();
    throw error;
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    dataDir,
    storeEnv,
    pid: () => child?.pid ?? -1,
    output: () => log,
    running: () => child !== undefined && child.exitCode === null && child.signalCode === null,
    exited: () => exit,
    kill,
    restart: launch,
    async dispose() {
      await kill('SIGTERM');
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
      await database?.drop();
    },
  };
}

function postgresUrl(): string {
  const url = process.env[TEST_POSTGRES_URL_ENV];
  if (!url) throw new Error(`STEPSTONE_TEST_STORE=postgres needs ${TEST_POSTGRES_URL_ENV} (run through scripts/run-tests.mjs or test/support/with-postgres.ts)`);
  return url;
}

/** Opens the store a (stopped or running) server writes, to inspect what it stored. */
export function openServerStore(server: RunningServer): Promise<EventStore> {
  return openEventStore(storeSelectionFromEnv(server.storeEnv, path.join(server.dataDir, 'stepstone.db')));
}

export function freePort(): Promise<number> {
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

/**
 * An SDK client for the server. `disableHostPrefix`: StartSyncExecution carries AWS's
 * `sync-` host prefix, which would turn `127.0.0.1` into a host that does not resolve.
 */
export function sfnClient(endpoint: string): SFNClient {
  return new SFNClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDSTEPSTONETEST', secretAccessKey: 'secret' },
    disableHostPrefix: true,
    maxAttempts: 1,
  });
}

/** A raw AWS JSON 1.0 call, for what the SDK cannot send (unknown actions, malformed bodies). */
export async function rawCall(endpoint: string, target: string, body: string): Promise<{ status: number; headers: Headers; json: any }> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target },
    body,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text === '' ? undefined : JSON.parse(text) };
}
