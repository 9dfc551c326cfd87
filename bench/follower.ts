/**
 * What a process pays for the executions other processes run: three server processes on one
 * PostgreSQL, every execution started through one that is not the projector (16 SDK clients), and
 * the CPU per execution of each process. The other two only follow the store (their shards'
 * executions, ends, activity tasks), one of them also applying the read models, so their figures
 * are the cost of following, free of the machine's contention that bench/cluster.ts charges to
 * the process count.
 *
 *   node --import tsx bench/follower.ts [--executions 1000] [--runs 3] [--against DIR]
 *
 * `--against DIR` also runs another checkout's servers (before/after), taking turns in one run.
 * The durable 10-Pass chain: one append per execution, by the process that started it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import pg from 'pg';
import { acquirePostgres, createTestDatabase } from '../test/support/postgres';
import { createMachine } from './durable';
import { launchServer, type ServerProcess } from './server-process';
import { benchClient, waitUntilNoneRunning } from './sfn';
import { figure, formatFigure } from './stats';
import { DURABLE_WORKLOAD } from './workloads';

const argv = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = argv.indexOf(name);
  return at >= 0 ? Number(argv[at + 1]) : fallback;
};
const executions = option('--executions', 1_000);
const runs = option('--runs', 3);
const againstAt = argv.indexOf('--against');
const CHECKOUTS: ReadonlyArray<string | undefined> = againstAt >= 0 ? [undefined, path.resolve(argv[againstAt + 1])] : [undefined];
const CLIENTS = 16;
const PROCESSES = 3;
/** Longer than a lease round (TTL/3) so that the leases are spread before the warm-up. */
const LEASE_TTL_SECONDS = 5;
const SETTLE_MS = 12_000;

interface Deployment {
  readonly label: string;
  readonly servers: ServerProcess[];
  /** Made once the projector is known (undefined before). */
  client: ReturnType<typeof benchClient> | undefined;
  stateMachineArn: string;
  /** Which of `servers` the clients call. */
  serving: number;
  readonly databaseUrl: string;
  readonly drop: () => Promise<void>;
  /** Which of `servers` holds the projector's lease (read once the leases settled). */
  projector: number;
  /** Per run: µs per execution of each server. */
  readonly figures: number[][];
}

async function main(): Promise<void> {
  const loadAtStart = os.loadavg()[0];
  const postgres = await acquirePostgres();
  const dataDirs: string[] = [];
  const deployments: Deployment[] = [];
  try {
    for (const checkout of CHECKOUTS) {
      const database = await createTestDatabase(postgres.url);
      const servers: ServerProcess[] = [];
      for (let index = 0; index < PROCESSES; index += 1) {
        const dataDir = mkdtempSync(path.join(os.tmpdir(), 'stepstone-bench-follower-'));
        dataDirs.push(dataDir);
        const env = { STEPSTONE_STORE: 'postgres', STEPSTONE_POSTGRES_URL: database.url, STEPSTONE_LEASE_TTL_SECONDS: String(LEASE_TTL_SECONDS) };
        servers.push(await launchServer(dataDir, [], env, checkout));
      }
      deployments.push({
        label: checkout === undefined ? 'this checkout' : path.basename(checkout),
        servers,
        client: undefined,
        stateMachineArn: '',
        databaseUrl: database.url,
        drop: database.drop,
        projector: -1,
        serving: 0,
        figures: [],
      });
    }
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    for (const deployment of deployments) {
      // The projector's lease is row -1; a process's id ends with its port.
      const reader = new pg.Client({ connectionString: deployment.databaseUrl });
      await reader.connect();
      const owner = (await reader.query<{ owner: string | null }>('SELECT owner FROM stepstone_shard_leases WHERE shard = -1')).rows[0]?.owner ?? '';
      await reader.end();
      deployment.projector = deployment.servers.findIndex((server) => owner.endsWith(`:${new URL(server.endpoint).port}`));
      // The API goes to a process that is not the projector, so the projector only follows.
      deployment.serving = deployment.projector === 0 ? 1 : 0;
      deployment.client = benchClient(deployment.servers[deployment.serving].endpoint, CLIENTS);
      deployment.stateMachineArn = await createMachine(deployment.client, 'chain', DURABLE_WORKLOAD.definition);
    }
    const input = JSON.stringify(DURABLE_WORKLOAD.input);
    const run = async (deployment: Deployment, name: string, count: number) => {
      const client = deployment.client!;
      let next = 0;
      const before = deployment.servers.map((server) => server.cpuMicros());
      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          while (next < count) {
            const index = next++;
            await client.send(new StartExecutionCommand({ stateMachineArn: deployment.stateMachineArn, name: `${name}-${index}`, input }));
          }
        }),
      );
      await waitUntilNoneRunning(client, deployment.stateMachineArn, 180_000);
      return deployment.servers.map((server, index) => (server.cpuMicros() - before[index]) / count);
    };
    for (const deployment of deployments) await run(deployment, 'warm-up', Math.round(executions / 2));
    for (let round = 0; round < runs; round += 1) {
      for (const deployment of round % 2 === 0 ? deployments : [...deployments].reverse()) {
        const each = await run(deployment, `run-${round}`, executions);
        deployment.figures.push(each);
        console.error(`  ${deployment.label} run ${round + 1}: µs per execution: ${each.map((micros, index) => `${roleOf(deployment, index)} ${micros.toFixed(0)}`).join(', ')}`);
      }
    }
    console.log(
      [
        `${executions} executions per run, ${runs} runs, all started through one of ${PROCESSES} processes by ${CLIENTS} clients; ${os.cpus().length} cores, Node ${process.version}, load average ${loadAtStart.toFixed(2)} at the start, ${os.loadavg()[0].toFixed(2)} at the end`,
        '',
        `| CPU per execution started elsewhere | ${deployments.map((deployment) => deployment.label).join(' | ')} |`,
        `|---|${deployments.map(() => '---:').join('|')}|`,
        ...[0, 1, 2].map(
          (index) =>
            `| process ${index + 1} | ${deployments.map((d) => `${roleOf(d, index)}: ${formatFigure(figure(d.figures.map((each) => each[index])))} µs`).join(' | ')} |`,
        ),
      ].join('\n'),
    );
  } finally {
    for (const deployment of deployments) {
      deployment.client?.destroy();
      for (const server of deployment.servers) await server.kill('SIGKILL').catch(() => {});
      await deployment.drop().catch(() => {});
    }
    await postgres.release();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  }
}

function roleOf(deployment: Deployment, index: number): string {
  return index === deployment.serving ? 'serving the API' : index === deployment.projector ? 'following, projector' : 'following';
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
