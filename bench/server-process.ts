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
  /** The kernel's counts for the process so far (Linux /proc): read and write calls, context switches. */
  kernelCounters(): KernelCounters;
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
    kernelCounters() {
      return kernelCountersOf(server.pid());
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

export interface KernelCounters {
  /** read(2)-family calls: each socket read is one (a request, a query's answer, a NOTIFY). */
  readonly reads: number;
  /** write(2)-family calls: each socket write is one (a response, a query sent). */
  readonly writes: number;
  /** Times the process gave up the CPU to wait (it had nothing to do: a wake-up follows). */
  readonly voluntarySwitches: number;
  /** Times the scheduler took the CPU from the process (another was due on a busy core). */
  readonly involuntarySwitches: number;
  /** CPU time in the kernel on the process's behalf (system calls, its sockets), in microseconds. */
  readonly systemCpuMicros: number;
}

/** The kernel's counts for a process (Linux /proc/<pid>/io and status); zeros once it is gone. */
export function kernelCountersOf(pid: number): KernelCounters {
  let io: string;
  let status: string;
  let stat: string;
  try {
    io = readFileSync(`/proc/${pid}/io`, 'utf8');
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return { reads: 0, writes: 0, voluntarySwitches: 0, involuntarySwitches: 0, systemCpuMicros: 0 };
  }
  const count = (text: string, pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
  return {
    reads: count(io, /^syscr:\s+(\d+)/m),
    writes: count(io, /^syscw:\s+(\d+)/m),
    voluntarySwitches: count(status, /^voluntary_ctxt_switches:\s+(\d+)/m),
    involuntarySwitches: count(status, /^nonvoluntary_ctxt_switches:\s+(\d+)/m),
    systemCpuMicros: Number(statFields(stat)[12]) * (1_000_000 / CLOCK_TICKS_PER_SECOND),
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
  const fields = statFields(stat);
  return (Number(fields[11]) + Number(fields[12])) * (1_000_000 / CLOCK_TICKS_PER_SECOND);
}

/** The fields of /proc/<pid>/stat after the parenthesised command: [11] utime and [12] stime, in clock ticks. */
function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
}
