import { hostname } from 'node:os';
import pg from 'pg';
import { PROJECTOR_LEASE } from '@stepstone/event-store';
import { acquirePostgres, createTestDatabase } from '../support/postgres';
import { startServer, type RunningServer } from '../support/server';

/** The shard count the server uses (apps/server/src/infrastructure/cluster.ts). */
export { SHARD_COUNT } from '../../apps/server/src/infrastructure/cluster';

export class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(`${type}: ${message}`);
  }
}

export interface ClusterProcess {
  readonly server: RunningServer;
  /** Its id in the leases table (host:port, see clusterProcessId). */
  readonly owner: string;
  alive: boolean;
}

export interface TestCluster {
  readonly processes: readonly ClusterProcess[];
  /** A client on the cluster's database, to read the leases table. */
  readonly db: pg.Client;
  /** One AWS JSON call to one process; AWS errors throw ApiError, anything else means the process is unreachable. */
  call(member: ClusterProcess, action: string, body: unknown, timeoutMs?: number): Promise<any>;
  /** Shard → owner of every lease that is held and not lapsed. */
  leases(): Promise<Map<number, string>>;
  /** The holder of the projector's lease (it applies the read models), when held and not lapsed. */
  projector(): Promise<string | undefined>;
  /** Starts one more process on the same database (it joins the others); disposed with them. */
  join(): Promise<ClusterProcess>;
  dispose(): Promise<void>;
}

/** `count` server processes on one fresh PostgreSQL database (a real cluster on 127.0.0.1). */
export async function startCluster(count: number, env: Record<string, string>): Promise<TestCluster> {
  const postgres = await acquirePostgres();
  const database = await createTestDatabase(postgres.url);
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  const processes: ClusterProcess[] = [];
  const startProcess = async (): Promise<ClusterProcess> => {
    const server = await startServer({ env: { ...env, STEPSTONE_STORE: 'postgres', STEPSTONE_POSTGRES_URL: database.url } });
    const member = { server, owner: `${hostname()}:${new URL(server.endpoint).port}`, alive: true };
    processes.push(member);
    return member;
  };
  try {
    // One after the other: the first one creates the tables.
    for (let index = 0; index < count; index += 1) await startProcess();
  } catch (error) {
    await Promise.all(processes.map((member) => member.server.dispose()));
    await db.end();
    await database.drop();
    await postgres.release();
    throw error;
  }
  return {
    processes,
    db,
      async call(member, action, body, timeoutMs = 10_000) {
      const response = await fetch(member.server.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${action}` },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      const json = text === '' ? {} : JSON.parse(text);
      if (response.status !== 200) throw new ApiError(String(json.__type), String(json.message));
      return json;
    },
    async leases() {
      const result = await db.query<{ shard: number; owner: string }>('SELECT shard, owner FROM stepstone_shard_leases WHERE shard >= 0 AND owner IS NOT NULL AND expires_at > now()');
      return new Map(result.rows.map((row) => [row.shard, row.owner]));
    },
    async projector() {
      const result = await db.query<{ owner: string }>('SELECT owner FROM stepstone_shard_leases WHERE shard = $1 AND owner IS NOT NULL AND expires_at > now()', [PROJECTOR_LEASE]);
      return result.rows[0]?.owner;
    },
    join: startProcess,
    async dispose() {
      // A process a test left stopped (SIGSTOP) must run again to hear SIGTERM.
      for (const member of processes) signal(member, 'SIGCONT');
      await Promise.all(processes.map((member) => member.server.dispose()));
      await db.end().catch(() => {});
      await database.drop().catch(() => {});
      await postgres.release();
    },
  };
}

/** Sends a signal to a running process without waiting for it (SIGSTOP, SIGCONT). */
export function signal(member: ClusterProcess, name: NodeJS.Signals): void {
  const pid = member.server.pid();
  if (pid > 0 && member.server.running()) process.kill(pid, name);
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 100 ms until it holds; false when `timeoutMs` passed first. */
export async function until(condition: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await pause(100);
  }
  return false;
}
