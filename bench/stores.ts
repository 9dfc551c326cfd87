/**
 * The durable 10-Pass chain on the SQLite store and on the PostgreSQL store, in the same run:
 * executions/s to a terminal status (32 concurrent SDK clients over HTTP, as part 2 of
 * bench/run.ts) and CPU per execution of the Stepstone server process, plus, on PostgreSQL, of
 * the database's own processes (every backend of the cluster, from pg_stat_activity, read in
 * /proc), since that work moved out of the server process with the store.
 *
 *   node --import tsx bench/stores.ts [--executions 2000] [--runs 3] [--json FILE]
 *
 * PostgreSQL is a private cluster on 127.0.0.1 (test/support/postgres.ts: Debian's binaries,
 * initdb in a temporary directory, fsync off as in the tests). The stores take turns, one
 * server each for the whole run, after a warm-up of each; figures are medians of the runs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createTestDatabase, startPostgresCluster } from '../test/support/postgres';
import { measureThroughput, type ThroughputResult } from './durable';
import { launchServer, processCpuMicros, type ServerProcess } from './server-process';
import { benchClient } from './sfn';
import { figure, formatFigure, type Figure } from './stats';

const argv = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = argv.indexOf(name);
  return at >= 0 ? Number(argv[at + 1]) : fallback;
};
const executions = option('--executions', 2_000);
const runs = option('--runs', 3);
const jsonAt = argv.indexOf('--json');
const jsonFile = jsonAt >= 0 ? argv[jsonAt + 1] : undefined;
const CLIENTS = 32;

interface StoreUnderTest {
  readonly name: 'sqlite' | 'postgres';
  readonly server: ServerProcess;
  /** CPU µs of the database's own processes so far (0 for SQLite, which runs inside the server). */
  readonly databaseCpuMicros: () => Promise<number>;
  /** PostgreSQL's counters of committed transactions and written rows (pg_stat_database). */
  readonly databaseWork?: () => Promise<DatabaseWork>;
}

interface DatabaseWork {
  readonly transactions: number;
  readonly rowsWritten: number;
}

async function main(): Promise<void> {
  const loadAtStart = os.loadavg()[0];
  const cluster = await startPostgresCluster();
  const database = await createTestDatabase(cluster.url);
  const dataDirs = [mkdtempSync(path.join(os.tmpdir(), 'stepstone-bench-sqlite-')), mkdtempSync(path.join(os.tmpdir(), 'stepstone-bench-pg-'))];
  const servers: ServerProcess[] = [];
  const observer = new pg.Client({ connectionString: database.url });
  try {
    await observer.connect();
    const sqlite = await launchServer(dataDirs[0]);
    servers.push(sqlite);
    const postgres = await launchServer(dataDirs[1], [], { STEPSTONE_STORE: 'postgres', STEPSTONE_POSTGRES_URL: database.url });
    servers.push(postgres);
    const stores: StoreUnderTest[] = [
      { name: 'sqlite', server: sqlite, databaseCpuMicros: async () => 0 },
      {
        name: 'postgres',
        server: postgres,
        databaseCpuMicros: async () => {
          // Every process of the cluster but this observer's backend: the server's connections,
          // WAL writer, checkpointer… (the postmaster only forks; its own CPU is negligible).
          const own = (await observer.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
          const pids = (await observer.query<{ pid: number }>('SELECT pid FROM pg_stat_activity')).rows.map((row) => row.pid).filter((pid) => pid !== own);
          return pids.reduce((sum, pid) => sum + processCpuMicros(pid), 0);
        },
        databaseWork: async () => {
          // Backends report their counters on a timer (PostgreSQL 15+: within a second): wait for it.
          await new Promise((resolve) => setTimeout(resolve, 1500));
          await observer.query('SELECT pg_stat_clear_snapshot()');
          const row = (
            await observer.query<{ xact_commit: string; written: string }>(
              'SELECT xact_commit, tup_inserted + tup_updated + tup_deleted AS written FROM pg_stat_database WHERE datname = current_database()',
            )
          ).rows[0];
          return { transactions: Number(row.xact_commit), rowsWritten: Number(row.written) };
        },
      },
    ];
    const results = new Map<string, { throughput: number[]; serverCpu: number[]; databaseCpu: number[] }>(
      stores.map((store) => [store.name, { throughput: [], serverCpu: [], databaseCpu: [] }]),
    );
    const work: DatabaseWork[] = [];
    const measure = async (store: StoreUnderTest, label: string, count: number): Promise<{ result: ThroughputResult; databaseCpuPerExec: number }> => {
      const client = benchClient(store.server.endpoint, CLIENTS);
      try {
        const workBefore = await store.databaseWork?.();
        const before = await store.databaseCpuMicros();
        const result = await measureThroughput(client, `chain-${label}`, count, CLIENTS, store.server.cpuMicros);
        const databaseCpuPerExec = ((await store.databaseCpuMicros()) - before) / count;
        const workAfter = await store.databaseWork?.();
        if (workBefore && workAfter) {
          work.push({ transactions: (workAfter.transactions - workBefore.transactions) / count, rowsWritten: (workAfter.rowsWritten - workBefore.rowsWritten) / count });
        }
        return { result, databaseCpuPerExec };
      } finally {
        client.destroy();
      }
    };
    for (const store of stores) await measure(store, 'warm-up', Math.round(executions / 4));
    for (let run = 0; run < runs; run += 1) {
      // Alternate which store goes first, so neither always runs on a machine the other just heated.
      for (const store of run % 2 === 0 ? stores : [...stores].reverse()) {
        const { result, databaseCpuPerExec } = await measure(store, `run-${run}`, executions);
        const figures = results.get(store.name)!;
        figures.throughput.push(result.execPerSec);
        figures.serverCpu.push(result.serverCpuMicrosPerExec);
        figures.databaseCpu.push(databaseCpuPerExec);
        console.error(
          `  ${store.name} run ${run + 1}: ${result.execPerSec.toFixed(0)} exec/s, server ${result.serverCpuMicrosPerExec.toFixed(0)} µs/exec, database ${databaseCpuPerExec.toFixed(0)} µs/exec`,
        );
      }
    }
    const summary = Object.fromEntries(
      [...results].map(([name, figures]) => [name, { execPerSec: figure(figures.throughput), serverCpuMicrosPerExec: figure(figures.serverCpu), databaseCpuMicrosPerExec: figure(figures.databaseCpu) }]),
    ) as Record<'sqlite' | 'postgres', { execPerSec: Figure; serverCpuMicrosPerExec: Figure; databaseCpuMicrosPerExec: Figure }>;
    const ratio = summary.postgres.serverCpuMicrosPerExec.median / summary.sqlite.serverCpuMicrosPerExec.median;
    const lines = [
      `${executions} executions per run, ${runs} runs, ${CLIENTS} clients; ${os.cpus().length} cores, Node ${process.version}, load average ${loadAtStart.toFixed(2)} at the start`,
      '',
      '| Durable 10-Pass chain | SQLite | PostgreSQL |',
      '|---|---:|---:|',
      `| executions/s to terminal | ${formatFigure(summary.sqlite.execPerSec)} | ${formatFigure(summary.postgres.execPerSec)} |`,
      `| server CPU per execution | ${formatFigure(summary.sqlite.serverCpuMicrosPerExec)} µs | ${formatFigure(summary.postgres.serverCpuMicrosPerExec)} µs |`,
      `| database processes' CPU per execution | (in the server) | ${formatFigure(summary.postgres.databaseCpuMicrosPerExec)} µs |`,
      `| PostgreSQL transactions / rows written per execution | | ${figure(work.map((w) => w.transactions)).median.toFixed(2)} / ${figure(work.map((w) => w.rowsWritten)).median.toFixed(1)} |`,
      '',
      `server CPU per execution, PostgreSQL / SQLite: ${ratio.toFixed(2)}× (target: within 2×)`,
    ];
    console.log(lines.join('\n'));
    if (jsonFile) {
      writeFileSync(jsonFile, JSON.stringify({ date: new Date().toISOString(), executions, runs, clients: CLIENTS, loadAtStart, node: process.version, summary, ratio }, null, 2));
    }
  } finally {
    await observer.end().catch(() => {});
    for (const server of servers) await server.kill('SIGKILL').catch(() => {});
    await database.drop().catch(() => {});
    await cluster.stop();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
