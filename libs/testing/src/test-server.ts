import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The real server in a child process, on a free port (the OS picks it: PORT=0) with a store in
 * a temporary folder, for tests that use the AWS SDK. The test closes it.
 */

const BIN = join(__dirname, '../../../bin/stepstone.mjs');
const LISTENING = /stepstone listening on (http:\/\/\S+)/;

export interface TestServer {
  /** `http://127.0.0.1:<port>`: the SDK's `endpoint`. */
  readonly endpoint: string;
  readonly dataDir: string;
  /** Stops the server and removes its temporary store. */
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Keep the store here instead of a temporary folder (not removed on close). */
  readonly dataDir?: string;
  /** 'fast' (default): Waits and retries' backoff do not sleep. */
  readonly clock?: 'fast' | 'real';
  /** Step Functions Local's mock configuration file. */
  readonly mockConfigFile?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly startTimeoutMs?: number;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'stepstone-test-'));
  const env: Record<string, string | undefined> = {
    ...process.env,
    ...options.env,
    PORT: '0',
    // The gRPC API too takes a free port unless the caller names one: test servers run side by side.
    STEPSTONE_GRPC_PORT: options.env?.STEPSTONE_GRPC_PORT ?? '0',
    HOST: '127.0.0.1',
    STEPSTONE_DATA: dataDir,
    ...(options.clock !== 'real' ? { STEPSTONE_CLOCK: 'fast' } : {}),
    ...(options.mockConfigFile ? { STEPSTONE_MOCK_CONFIG: options.mockConfigFile } : {}),
  };
  const child = spawn(process.execPath, [BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const cleanUp = () => {
    if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
  };
  let log = '';
  try {
    const endpoint = await new Promise<string>((resolve, reject) => {
      const limit = options.startTimeoutMs ?? 30_000;
      const timer = setTimeout(() => reject(new Error(`stepstone did not start within ${limit} ms:\n${log}`)), limit);
      const onData = (chunk: Buffer) => {
        log += chunk.toString('utf8');
        const match = LISTENING.exec(log);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`stepstone exited before listening (code ${code}, signal ${signal}):\n${log}`));
      });
    });
    return {
      endpoint,
      dataDir,
      async close() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
        cleanUp();
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    cleanUp();
    throw error;
  }
}
