/**
 * 1, 2 and 3 server processes on one PostgreSQL, in the same run and on the same workload: the
 * durable 10-Pass chain, 32 concurrent SDK clients spread round-robin over the processes'
 * endpoints. For each process count: aggregate executions/s to a terminal status, and CPU per
 * execution of every Stepstone server process together, plus the database's own processes.
 *
 *   node --import tsx bench/cluster.ts [--executions 1000] [--runs 3] [--json FILE]
 *                                      [--processes 1,2,3] [--cpu-prof-dir DIR] [--against DIR]
 *                                      [--rate N]
 *
 * `--against DIR` runs the same process counts of another checkout's server as well (e.g. the
 * commit before a change, from `git worktree add` or `git archive`, with node_modules), all
 * taking turns in the same run: a before/after table from one invocation, on one machine load.
 *
 * `--rate N` starts N executions per second in all (default: as fast as the clients go): CPU per
 * execution at a load the machine carries without queueing, rather than at saturation.
 *
 * Besides CPU, each run counts the servers' read and write system calls and context switches per
 * execution (/proc): what coordination adds shows there as round trips and wake-ups.
 *
 * `--cpu-prof-dir DIR` starts every server with `node --cpu-prof` into DIR (one file per process,
 * written when it exits: the servers are then stopped with SIGTERM, not SIGKILL).
 *
 * PostgreSQL is a private cluster on 127.0.0.1 (test/support/postgres.ts: Debian's binaries,
 * initdb in a temporary directory, fsync off as in the tests), or the one a wrapper shares
 * (STEPSTONE_TEST_POSTGRES_URL, test/support/with-postgres.ts). Each process count gets a
 * database of its own and keeps its servers for the whole run; the counts take turns (the order
 * rotates each run), after a warm-up of each, once every count's leases are spread evenly. The
 * warm-up gives every process the same number of executions (a quarter of a run's), whatever the
 * count: each process compiles its hot code (V8's JIT) on its own, and a warm-up split three ways
 * left three processes a third as warm as one, which the figures counted as coordination.
 * Figures are medians of the runs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import pg from 'pg';
import { SHARD_COUNT } from '../apps/server/src/infrastructure/cluster';
import { acquirePostgres, createTestDatabase } from '../test/support/postgres';
import { createMachine } from './durable';
import { launchServer, processCpuMicros, type KernelCounters, type ServerProcess } from './server-process';
import { benchClient, listAll, waitUntilNoneRunning } from './sfn';
import { figure, formatFigure, type Figure } from './stats';
import { DURABLE_WORKLOAD } from './workloads';

const argv = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = argv.indexOf(name);
  return at >= 0 ? Number(argv[at + 1]) : fallback;
};
const executions = option('--executions', 1_000);
const runs = option('--runs', 3);
const rate = option('--rate', 0);
const jsonAt = argv.indexOf('--json');
const jsonFile = jsonAt >= 0 ? argv[jsonAt + 1] : undefined;
const profileAt = argv.indexOf('--cpu-prof-dir');
const profileDir = profileAt >= 0 ? path.resolve(argv[profileAt + 1]) : undefined;
const processesAt = argv.indexOf('--processes');
const CLIENTS = 32;
const PROCESS_COUNTS: readonly number[] = processesAt >= 0 ? argv[processesAt + 1].split(',').map(Number) : [1, 2, 3];
const againstAt = argv.indexOf('--against');
/** The checkouts whose servers run: this one (undefined), then `--against`'s. */
const CHECKOUTS: ReadonlyArray<string | undefined> = againstAt >= 0 ? [undefined, path.resolve(argv[againstAt + 1])] : [undefined];
/** Shorter than the default 10 s so that the leases settle quickly; renewals cost a query per TTL/3. */
const LEASE_TTL_SECONDS = 5;
const SETTLE_TIMEOUT_MS = 60_000;
const RUN_TIMEOUT_MS = 180_000;

interface Deployment {
  readonly processes: number;
  /** The checkout its servers run (undefined: this one). */
  readonly checkout: string | undefined;
  readonly label: string;
  readonly databaseName: string;
  readonly databaseUrl: string;
  readonly servers: ServerProcess[];
  readonly clients: SFNClient[];
  readonly drop: () => Promise<void>;
}

interface RunFigures {
  readonly execPerSec: number;
  readonly serverCpuMicrosPerExec: number;
  readonly databaseCpuMicrosPerExec: number;
  /** read and write system calls per execution, all server processes. */
  readonly syscallsPerExec: number;
  /** Context switches per execution (voluntary: wake-ups; involuntary: preemptions), all server processes. */
  readonly switchesPerExec: number;
  /** The share of the servers' CPU spent in the kernel. */
  readonly systemShare: number;
  /** µs per execution of each server process, in start order. */
  readonly perProcess: string;
}

const countersOf = (servers: readonly ServerProcess[]): KernelCounters =>
  servers
    .map((server) => server.kernelCounters())
    .reduce((sum, each) => ({
      reads: sum.reads + each.reads,
      writes: sum.writes + each.writes,
      voluntarySwitches: sum.voluntarySwitches + each.voluntarySwitches,
      involuntarySwitches: sum.involuntarySwitches + each.involuntarySwitches,
      systemCpuMicros: sum.systemCpuMicros + each.systemCpuMicros,
    }));

async function main(): Promise<void> {
  const loadAtStart = os.loadavg()[0];
  const postgres = await acquirePostgres();
  const dataDirs: string[] = [];
  const deployments: Deployment[] = [];
  const observer = new pg.Client({ connectionString: postgres.url });
  try {
    await observer.connect();
    for (const [checkout, processes] of CHECKOUTS.flatMap((tree) => PROCESS_COUNTS.map((count) => [tree, count] as const))) {
      const database = await createTestDatabase(postgres.url);
      const servers: ServerProcess[] = [];
      const deployment: Deployment = {
        processes,
        checkout,
        label: checkout === undefined ? String(processes) : `${processes} (${path.basename(checkout)})`,
        databaseName: new URL(database.url).pathname.slice(1),
        databaseUrl: database.url,
        servers,
        clients: [],
        drop: database.drop,
      };
      deployments.push(deployment);
      // One after the other: the first one creates the tables.
      for (let index = 0; index < processes; index += 1) {
        const dataDir = mkdtempSync(path.join(os.tmpdir(), 'stepstone-bench-cluster-'));
        dataDirs.push(dataDir);
        servers.push(
          await launchServer(
            dataDir,
            profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [],
            {
              STEPSTONE_STORE: 'postgres',
              STEPSTONE_POSTGRES_URL: database.url,
              STEPSTONE_LEASE_TTL_SECONDS: String(LEASE_TTL_SECONDS),
            },
            checkout,
          ),
        );
      }
      const perEndpoint = Math.ceil(CLIENTS / processes);
      deployment.clients.push(...servers.map((server) => benchClient(server.endpoint, perEndpoint)));
    }
    for (const deployment of deployments) await settle(deployment);

    /** CPU µs of the database's processes serving this deployment: its backends and the cluster's background processes. */
    const databaseCpuMicros = async (deployment: Deployment) => {
      const own = (await observer.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      const pids = (
        await observer.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 OR datname IS NULL', [deployment.databaseName])
      ).rows
        .map((row) => row.pid)
        .filter((pid) => pid !== own);
      return pids.reduce((sum, pid) => sum + processCpuMicros(pid), 0);
    };
    const serverCpuMicros = (deployment: Deployment) => deployment.servers.reduce((sum, server) => sum + server.cpuMicros(), 0);

    const measure = async (deployment: Deployment, label: string, count: number): Promise<RunFigures> => {
      const [first] = deployment.clients;
      const stateMachineArn = await createMachine(first, `chain-${label}`, DURABLE_WORKLOAD.definition);
      const input = JSON.stringify(DURABLE_WORKLOAD.input);
      let next = 0;
      const serverBefore = serverCpuMicros(deployment);
      const eachBefore = deployment.servers.map((server) => server.cpuMicros());
      const countersBefore = countersOf(deployment.servers);
      const databaseBefore = await databaseCpuMicros(deployment);
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CLIENTS }, async (_, caller) => {
          const client = deployment.clients[caller % deployment.clients.length];
          while (next < count) {
            const index = next++;
            if (rate > 0) {
              const due = started + (index * 1000) / rate - performance.now();
              if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
            }
            await client.send(new StartExecutionCommand({ stateMachineArn, name: `t${index}`, input }));
          }
        }),
      );
      // The read models are shared (one projector applies them): asking the first process sees all executions.
      await waitUntilNoneRunning(first, stateMachineArn, RUN_TIMEOUT_MS);
      const seconds = (performance.now() - started) / 1000;
      const serverCpu = serverCpuMicros(deployment) - serverBefore;
      const counters = countersOf(deployment.servers);
      const each = deployment.servers.map((server, index) => ((server.cpuMicros() - eachBefore[index]) / count).toFixed(0));
      const databaseCpu = (await databaseCpuMicros(deployment)) - databaseBefore;
      const succeeded = (await listAll(first, stateMachineArn, 'SUCCEEDED')).length;
      if (succeeded !== count) throw new Error(`bench: ${succeeded} of ${count} executions SUCCEEDED with ${deployment.processes} processes`);
      return {
        execPerSec: count / seconds,
        serverCpuMicrosPerExec: serverCpu / count,
        databaseCpuMicrosPerExec: databaseCpu / count,
        syscallsPerExec: (counters.reads - countersBefore.reads + counters.writes - countersBefore.writes) / count,
        switchesPerExec: (counters.voluntarySwitches - countersBefore.voluntarySwitches + counters.involuntarySwitches - countersBefore.involuntarySwitches) / count,
        systemShare: (counters.systemCpuMicros - countersBefore.systemCpuMicros) / Math.max(serverCpu, 1),
        perProcess: each.join(' + '),
      };
    };

    for (const deployment of deployments) await measure(deployment, 'warm-up', Math.round(executions / 4) * deployment.processes);
    const results = new Map<string, RunFigures[]>(deployments.map((deployment) => [deployment.label, []]));
    for (let run = 0; run < runs; run += 1) {
      // Rotate which process count goes first, so none always runs on a machine another just heated.
      const order = deployments.map((_, index) => deployments[(index + run) % deployments.length]);
      for (const deployment of order) {
        const figures = await measure(deployment, `run-${run}`, executions);
        results.get(deployment.label)!.push(figures);
        console.error(
          `  ${deployment.label} process(es) run ${run + 1}: ${figures.execPerSec.toFixed(0)} exec/s, servers ${figures.serverCpuMicrosPerExec.toFixed(0)} µs/exec (${figures.perProcess}), database ${figures.databaseCpuMicrosPerExec.toFixed(0)} µs/exec, ${figures.syscallsPerExec.toFixed(2)} syscalls and ${figures.switchesPerExec.toFixed(2)} switches/exec, ${(figures.systemShare * 100).toFixed(0)}% in the kernel`,
        );
      }
    }

    const summary = new Map<string, { execPerSec: Figure; serverCpuMicrosPerExec: Figure; databaseCpuMicrosPerExec: Figure; syscallsPerExec: Figure; switchesPerExec: Figure; systemPercent: Figure }>(
      [...results].map(([processes, figures]) => [
        processes,
        {
          execPerSec: figure(figures.map((f) => f.execPerSec)),
          serverCpuMicrosPerExec: figure(figures.map((f) => f.serverCpuMicrosPerExec)),
          databaseCpuMicrosPerExec: figure(figures.map((f) => f.databaseCpuMicrosPerExec)),
          syscallsPerExec: figure(figures.map((f) => f.syscallsPerExec)),
          switchesPerExec: figure(figures.map((f) => f.switchesPerExec)),
          systemPercent: figure(figures.map((f) => f.systemShare * 100)),
        },
      ]),
    );
    type Summary = NonNullable<ReturnType<typeof summary.get>>;
    const labels = deployments.map((deployment) => deployment.label);
    const row = (label: string, pick: (s: Summary) => Figure, unit = '', digits = 0) =>
      `| ${label} | ${labels.map((key) => `${formatFigure(pick(summary.get(key)!), digits)}${unit}`).join(' | ')} |`;
    const ratios = (checkout: string | undefined) => {
      const of = (processes: number) => summary.get(deployments.find((d) => d.checkout === checkout && d.processes === processes)?.label ?? '');
      const [one, two, three] = [of(1), of(2), of(3)];
      const where = checkout === undefined ? '' : ` (${path.basename(checkout)})`;
      return [
        ...(one && three
          ? [`server CPU per execution, 3 processes / 1 process${where}: ${(three.serverCpuMicrosPerExec.median / one.serverCpuMicrosPerExec.median).toFixed(2)}× (target: within 1.20×)`]
          : []),
        ...(one && two ? [`aggregate executions/s, 2 processes / 1 process${where}: ${(two.execPerSec.median / one.execPerSec.median).toFixed(2)}× (target: not below 1.00×)`] : []),
      ];
    };
    const lines = [
      `${executions} executions per run${rate > 0 ? ` started at ${rate}/s` : ''}, ${runs} runs, ${CLIENTS} clients spread over the processes; lease TTL ${LEASE_TTL_SECONDS} s; ${os.cpus().length} cores, Node ${process.version}, load average ${loadAtStart.toFixed(2)} at the start, ${os.loadavg()[0].toFixed(2)} at the end`,
      '',
      `| Durable 10-Pass chain on one PostgreSQL | ${deployments.map((d) => `${d.processes} process${d.processes === 1 ? '' : 'es'}${d.checkout === undefined ? '' : ` (${path.basename(d.checkout)})`}`).join(' | ')} |`,
      `|---|${labels.map(() => '---:').join('|')}|`,
      row('aggregate executions/s to terminal', (s) => s.execPerSec),
      row('CPU per execution, all server processes', (s) => s.serverCpuMicrosPerExec, ' µs'),
      row("CPU per execution, the database's processes", (s) => s.databaseCpuMicrosPerExec, ' µs'),
      row('read + write system calls per execution, all server processes', (s) => s.syscallsPerExec, '', 2),
      row('context switches per execution, all server processes', (s) => s.switchesPerExec, '', 2),
      row("the servers' CPU spent in the kernel", (s) => s.systemPercent, ' %'),
      '',
      ...CHECKOUTS.flatMap(ratios),
    ];
    console.log(lines.join('\n'));
    if (jsonFile) {
      writeFileSync(
        jsonFile,
        JSON.stringify({ date: new Date().toISOString(), executions, runs, clients: CLIENTS, loadAtStart, node: process.version, summary: Object.fromEntries(summary) }, null, 2),
      );
    }
  } finally {
    for (const deployment of deployments) deployment.clients.forEach((client) => client.destroy());
    await observer.end().catch(() => {});
    // A profiled process writes its profile when it exits: stop those cleanly.
    for (const deployment of deployments) for (const server of deployment.servers) await server.kill(profileDir ? 'SIGTERM' : 'SIGKILL').catch(() => {});
    for (const deployment of deployments) await deployment.drop().catch(() => {});
    await postgres.release();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  }
}

/** Waits until every shard is held, spread evenly over the deployment's processes. */
async function settle(deployment: Deployment): Promise<void> {
  const deadline = performance.now() + SETTLE_TIMEOUT_MS;
  const fairShare = Math.floor(SHARD_COUNT / deployment.processes);
  for (;;) {
    const client = new pg.Client({ connectionString: deployment.databaseUrl });
    await client.connect();
    try {
      const held = await client.query<{ owner: string; shards: string }>(
        'SELECT owner, count(*) AS shards FROM stepstone_shard_leases WHERE shard >= 0 AND owner IS NOT NULL AND expires_at > now() GROUP BY owner',
      );
      const counts = held.rows.map((row) => Number(row.shards));
      const total = counts.reduce((sum, count) => sum + count, 0);
      if (counts.length === deployment.processes && total === SHARD_COUNT && counts.every((count) => count >= fairShare)) return;
    } finally {
      await client.end();
    }
    if (performance.now() > deadline) throw new Error(`bench: the leases of ${deployment.processes} processes did not settle in ${SETTLE_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
