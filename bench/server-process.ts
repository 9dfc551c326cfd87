/**
 * The real server as a child process, like test/support/server.ts, plus what a benchmark
 * needs: the pid (for RSS), extra node flags (--cpu-prof) and how long start-up took.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..');
/** USER_HZ: 100 on every Linux architecture Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;
const listeningLine = /stepstone listening on (http:\/\/\S+)/;

export interface ServerProcess {
  readonly endpoint: string;
  pid(): number;
  /** Resident set size of the server process in MiB (Linux /proc). */
  rssMiB(): number;
  /** CPU time (user + system) the server process used so far, in microseconds (Linux /proc). */
  cpuMicros(): number;
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts again on the same port and data directory; resolves with the seconds until it listened. */
  restart(): Promise<number>;
  output(): string;
}

export async function launchServer(dataDir: string, nodeFlags: readonly string[] = []): Promise<ServerProcess> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  let log = '';

  const launch = async (): Promise<number> => {
    log = '';
    const started = performance.now();
    const proc = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', 'apps/server/src/main.ts'], {
      cwd: repoRoot,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', STEPSTONE_DATA: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    await new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error(`server did not start within 120s:\n${log}`)), 120_000);
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
    return (performance.now() - started) / 1000;
  };

  const kill = async (signal: NodeJS.Signals = 'SIGTERM') => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    await exited;
  };

  await launch();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    pid: () => child?.pid ?? -1,
    rssMiB() {
      const status = readFileSync(`/proc/${child?.pid}/status`, 'utf8');
      const kib = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
      return kib / 1024;
    },
    cpuMicros() {
      // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised command): utime, stime in clock ticks.
      const fields = readFileSync(`/proc/${child?.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) * (1_000_000 / CLOCK_TICKS_PER_SECOND);
    },
    kill,
    restart: launch,
    output: () => log,
  };
}

function freePort(): Promise<number> {
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
