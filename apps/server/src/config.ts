import { storeSelectionFromEnv, type StoreSelection } from '@stepstone/event-store';

export interface ServerConfig {
  readonly port: number;
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
  /** Step Functions Local's mock configuration file (`STEPSTONE_MOCK_CONFIG`), for `<arn>#<TestCase>` executions. */
  readonly mockConfigFile?: string;
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

/** Reads the server's configuration from the environment (the only place that does). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const dataDir = env.STEPSTONE_DATA ?? './data';
  const port = Number(env.PORT ?? 8083);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be an integer port number, got '${env.PORT}'`);
  const clock = env.STEPSTONE_CLOCK ?? 'system';
  if (clock !== 'system' && clock !== 'fast') throw new Error(`STEPSTONE_CLOCK must be 'system' or 'fast', got '${clock}'`);
  const databaseFile = `${dataDir.replace(/[\\/]+$/, '')}/stepstone.db`;
  return {
    clock,
    port,
    host: env.HOST ?? '127.0.0.1',
    dataDir,
    databaseFile,
    store: storeSelectionFromEnv(env, databaseFile),
    objectStoreDir: env.STEPSTONE_OBJECT_STORE_DIR ?? `${dataDir.replace(/[\\/]+$/, '')}/objects`,
    region: env.STEPSTONE_REGION ?? 'us-east-1',
    account: env.STEPSTONE_ACCOUNT ?? '123456789012',
    ...(env.STEPSTONE_CRASH_POINT ? { crashPoint: parseCrashPoint(env.STEPSTONE_CRASH_POINT) } : {}),
    activityPollSeconds: Number(env.STEPSTONE_ACTIVITY_POLL_SECONDS ?? 60),
    integrationEnv: env,
    ...(env.STEPSTONE_MOCK_CONFIG ? { mockConfigFile: env.STEPSTONE_MOCK_CONFIG } : {}),
  };
}

function parseCrashPoint(text: string): CrashPoint {
  const match = /^after-append:(\d*\.?\d+)$/.exec(text.trim());
  const probability = match ? Number(match[1]) : Number.NaN;
  if (!(probability >= 0 && probability <= 1)) {
    throw new Error(`STEPSTONE_CRASH_POINT must be 'after-append:<probability between 0 and 1>', got '${text}'`);
  }
  return { at: 'after-append', probability };
}
