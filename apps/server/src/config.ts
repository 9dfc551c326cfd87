import { isIP } from 'node:net';
import { storeSelectionFromEnv, type StoreSelection } from '@stepstone/event-store';

export interface ServerConfig {
  readonly port: number;
  /** The gRPC API's port (`STEPSTONE_GRPC_PORT`, default 8084; 0 = any free port), on `host`. */
  readonly grpcPort: number;
  readonly host: string;
  /** Directory holding `stepstone.db`. */
  readonly dataDir: string;
  readonly databaseFile: string;
  /** `STEPSTONE_STORE` (sqlite, the default; postgres; kurrentdb) and where that store is. */
  readonly store: StoreSelection;
  /** Root of the local object store Distributed Maps read and write (bucket = subfolder). */
  readonly objectStoreDir: string;
  /** 'system', or 'fast' for tests: timers move a virtual clock to their deadline instead of sleeping. */
  readonly clock: 'system' | 'fast';
  readonly region: string;
  readonly account: string;
  /** Longest GetActivityTask long poll (AWS: 60 s). `STEPSTONE_ACTIVITY_POLL_SECONDS`. */
  readonly activityPollSeconds: number;
  /** The environment integrations read their endpoints and local functions from. */
  readonly integrationEnv: NodeJS.ProcessEnv;
  /**
   * Step Functions Local's mock configuration file, for `<arn>#<TestCase>` executions:
   * `STEPSTONE_MOCK_CONFIG`, else Step Functions Local's own `SFN_MOCK_CONFIG`.
   */
  readonly mockConfigFile?: string;
  /** `STEPSTONE_AUTH`: 'none' (default, loopback only) or 'sigv4' with keys from `STEPSTONE_KEYS_FILE`. */
  readonly auth: { readonly mode: 'none' | 'sigv4'; readonly keysFile?: string };
  /** `STEPSTONE_CONSOLE_SESSION_HOURS`: how long a console sign-in lasts (default 12). */
  readonly consoleSessionHours: number;
  /** `STEPSTONE_LOG_LEVEL`: the request logger's level (pino's names); default 'info'. */
  readonly logLevel: LogLevel;
  /**
   * `STEPSTONE_LEASE_TTL_SECONDS` (default 10): how long a process's shard leases last unless
   * renewed, on the postgres store (several processes). A process that dies loses its shards this
   * long after its last renewal; renewals run every third of it.
   */
  readonly leaseTtlSeconds: number;
  /**
   * Test-only fault injection (`STEPSTONE_CRASH_POINT=after-append:<probability>`): after an
   * execution's append is durable and before its effects run, the process SIGKILLs itself with
   * that probability. The crash test uses it to land exactly between append and effect.
   */
  readonly crashPoint?: CrashPoint;
}

export interface CrashPoint {
  readonly at: 'after-append';
  readonly probability: number;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A configuration the server refuses to start with: reported in one line, exit code 1. */
export class StartupRefusal extends Error {
  override readonly name = 'StartupRefusal';
}

/** Reads the server's configuration from the environment (the only place that does). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const dataDir = env.STEPSTONE_DATA ?? './data';
  const port = Number(env.PORT ?? 8083);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be an integer port number, got '${env.PORT}'`);
  const grpcPort = Number(env.STEPSTONE_GRPC_PORT ?? 8084);
  if (!Number.isInteger(grpcPort) || grpcPort < 0 || grpcPort > 65535) {
    throw new Error(`STEPSTONE_GRPC_PORT must be an integer port number, got '${env.STEPSTONE_GRPC_PORT}'`);
  }
  const clock = env.STEPSTONE_CLOCK ?? 'system';
  if (clock !== 'system' && clock !== 'fast') throw new Error(`STEPSTONE_CLOCK must be 'system' or 'fast', got '${clock}'`);
  const databaseFile = `${dataDir.replace(/[\\/]+$/, '')}/stepstone.db`;
  const host = env.HOST ?? '127.0.0.1';
  const auth = authConfig(env, host);
  const logLevel = (env.STEPSTONE_LOG_LEVEL ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new StartupRefusal(`STEPSTONE_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got '${env.STEPSTONE_LOG_LEVEL}'`);
  }
  const mockConfigFile = env.STEPSTONE_MOCK_CONFIG || env.SFN_MOCK_CONFIG;
  const consoleSessionHours = Number(env.STEPSTONE_CONSOLE_SESSION_HOURS ?? 12);
  if (!(Number.isFinite(consoleSessionHours) && consoleSessionHours > 0)) {
    throw new StartupRefusal(`STEPSTONE_CONSOLE_SESSION_HOURS must be a positive number of hours, got '${env.STEPSTONE_CONSOLE_SESSION_HOURS}'`);
  }
  const leaseTtlSeconds = Number(env.STEPSTONE_LEASE_TTL_SECONDS ?? 10);
  if (!Number.isFinite(leaseTtlSeconds) || leaseTtlSeconds < 1) {
    throw new StartupRefusal(`STEPSTONE_LEASE_TTL_SECONDS must be a number of seconds of at least 1, got '${env.STEPSTONE_LEASE_TTL_SECONDS}'`);
  }
  return {
    clock,
    port,
    grpcPort,
    host,
    dataDir,
    databaseFile,
    store: storeSelectionFromEnv(env, databaseFile),
    objectStoreDir: env.STEPSTONE_OBJECT_STORE_DIR ?? `${dataDir.replace(/[\\/]+$/, '')}/objects`,
    region: env.STEPSTONE_REGION ?? 'us-east-1',
    account: env.STEPSTONE_ACCOUNT ?? '123456789012',
    ...(env.STEPSTONE_CRASH_POINT ? { crashPoint: parseCrashPoint(env.STEPSTONE_CRASH_POINT) } : {}),
    activityPollSeconds: Number(env.STEPSTONE_ACTIVITY_POLL_SECONDS ?? 60),
    integrationEnv: env,
    ...(mockConfigFile ? { mockConfigFile } : {}),
    auth,
    consoleSessionHours,
    logLevel: logLevel as LogLevel,
    leaseTtlSeconds,
  };
}

/**
 * Without authentication anyone who reaches the port controls every workflow, so with auth off
 * the server listens only on a loopback address unless the operator says otherwise.
 */
function authConfig(env: NodeJS.ProcessEnv, host: string): ServerConfig['auth'] {
  const mode = env.STEPSTONE_AUTH ?? 'none';
  if (mode !== 'none' && mode !== 'sigv4') throw new StartupRefusal(`STEPSTONE_AUTH must be 'none' or 'sigv4', got '${mode}'`);
  if (mode === 'sigv4') {
    if (!env.STEPSTONE_KEYS_FILE) throw new StartupRefusal('STEPSTONE_AUTH=sigv4 needs STEPSTONE_KEYS_FILE (a JSON file of access keys and their policies)');
    return { mode, keysFile: env.STEPSTONE_KEYS_FILE };
  }
  if (!isLoopback(host) && env.STEPSTONE_ALLOW_INSECURE !== '1') {
    throw new StartupRefusal(
      `refusing to listen on ${host} without authentication: set STEPSTONE_AUTH=sigv4 and STEPSTONE_KEYS_FILE, or STEPSTONE_ALLOW_INSECURE=1 to accept unauthenticated callers`,
    );
  }
  return { mode };
}

/** 127.0.0.0/8, ::1 (and its IPv4-mapped form) and `localhost`. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./i.test(bare);
  return false;
}

function parseCrashPoint(text: string): CrashPoint {
  const match = /^after-append:(\d*\.?\d+)$/.exec(text.trim());
  const probability = match ? Number(match[1]) : Number.NaN;
  if (!(probability >= 0 && probability <= 1)) {
    throw new Error(`STEPSTONE_CRASH_POINT must be 'after-append:<probability between 0 and 1>', got '${text}'`);
  }
  return { at: 'after-append', probability };
}
