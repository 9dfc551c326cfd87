/**
 * The real server as a child process (test/support/server.ts), plus what a benchmark needs:
 * RSS and CPU time of the process, and how long a restart took.
 */
import { readFileSync } from 'node:fs';
import { startServer } from '../test/support/server';

/** USER_HZ: 100 on every Linux architecture Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

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

/** `repoRoot`: the checkout whose server to run (default this one). */
export async function launchServer(dataDir: string, nodeFlags: readonly string[] = [], env: Record<string, string> = {}, repoRoot?: string): Promise<ServerProcess> {
  // Recovery of 100,000 parked executions runs before the port opens: allow it time.
  const server = await startServer({ dataDir, nodeFlags, env, startTimeoutMs: 120_000, ...(repoRoot ? { repoRoot } : {}) });
  return {
    endpoint: server.endpoint,
    pid: server.pid,
    rssMiB() {
      const status = readFileSync(`/proc/${server.pid()}/status`, 'utf8');
      const kib = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
      return kib / 1024;
    },
    cpuMicros() {
      return processCpuMicros(server.pid());
    },
    kill: server.kill,
    async restart() {
      const started = performance.now();
      await server.restart();
      return (performance.now() - started) / 1000;
    },
    output: server.output,
  };
}

/** CPU time (user + system) a process used so far, in microseconds (Linux /proc); 0 once it is gone. */
export function processCpuMicros(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised command): utime, stime in clock ticks.
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * (1_000_000 / CLOCK_TICKS_PER_SECOND);
}
