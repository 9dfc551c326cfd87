import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The env var a wrapper (scripts/run-tests.mjs) sets to share one running cluster with every spec. */
export const TEST_POSTGRES_URL_ENV = 'STEPSTONE_TEST_POSTGRES_URL';

/** A private PostgreSQL cluster: its own data directory, listening only on 127.0.0.1. */
export interface PostgresCluster {
  /** libpq URL of the `postgres` database, e.g. postgres://postgres@127.0.0.1:5999/postgres. */
  readonly url: string;
  readonly port: number;
  /** Stops the server (immediate shutdown) and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

/** Where Debian puts the server binaries: the newest /usr/lib/postgresql/<major>/bin. */
export function findPostgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((name) => /^\d+$/.test(name) && existsSync(path.join(root, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return majors.length > 0 ? path.join(root, majors[0], 'bin') : undefined;
}

/**
 * initdb + pg_ctl in a temporary directory, on a free port of 127.0.0.1, trust authentication
 * (only local TCP is open). PostgreSQL refuses to run as root, so as root (CI) the binaries run as
 * the `postgres` user through `runuser`. fsync is off: the cluster is thrown away afterwards.
 */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): run scripts/install-test-deps.sh');
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(tmpdir(), 'stepstone-pg-'));
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  if (asRoot) {
    const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gids = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (ids.status !== 0) throw new Error('running as root but there is no `postgres` user to run PostgreSQL as');
    chownSync(dir, Number(ids.stdout.trim()), Number(gids.stdout.trim()));
  }
  const exec = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args], { cwd: dir }) : run(path.join(bin, tool), args, { cwd: dir });

  let started = false;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      if (started) await exec('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-w', '-t', '30']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    await exec('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    const port = await freePort();
    const serverOptions = [
      `-p ${port}`,
      "-c listen_addresses='127.0.0.1'",
      // Unix socket in the private directory, not /var/run/postgresql.
      `-c unix_socket_directories='${dir}'`,
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=200',
    ].join(' ');
    started = true;
    await exec('pg_ctl', ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', serverOptions]).catch((error: unknown) => {
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
      throw new Error(`pg_ctl start failed: ${String(error)}\n${log}`);
    });
    return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, stop };
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
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

/**
 * The cluster a spec uses: the shared one named by STEPSTONE_TEST_POSTGRES_URL when the runner
 * started it, else a private one for this spec file (stopped by `release`).
 */
export async function acquirePostgres(): Promise<{ readonly url: string; release(): Promise<void> }> {
  const shared = process.env[TEST_POSTGRES_URL_ENV];
  if (shared) return { url: shared, release: async () => {} };
  const cluster = await startPostgresCluster();
  return { url: cluster.url, release: cluster.stop };
}

/** `url` with its database replaced by `database`. */
export function databaseUrl(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

let databaseCounter = 0;

/**
 * A fresh, empty database on the cluster at `url` (one per test keeps tests apart), and how to
 * drop it. `pg` is loaded here, not at the top, so specs that never touch PostgreSQL do not load it.
 */
export async function createTestDatabase(url: string): Promise<{ readonly url: string; drop(): Promise<void> }> {
  const { default: pg } = await import('pg');
  const name = `stepstone_test_${process.pid}_${Date.now().toString(36)}_${(databaseCounter += 1)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE template0`);
  } finally {
    await admin.end();
  }
  return {
    url: databaseUrl(url, name),
    async drop() {
      const dropper = new pg.Client({ connectionString: url });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}
