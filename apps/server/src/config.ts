export interface ServerConfig {
  readonly port: number;
  /** The gRPC API's port (`STEPSTONE_GRPC_PORT`, default 8084; 0 = any free port), on `host`. */
  readonly grpcPort: number;
  readonly host: string;
  /** Directory holding `stepstone.db`. */
  readonly dataDir: string;
  readonly databaseFile: string;
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
  const grpcPort = Number(env.STEPSTONE_GRPC_PORT ?? 8084);
  if (!Number.isInteger(grpcPort) || grpcPort < 0 || grpcPort > 65535) {
    throw new Error(`STEPSTONE_GRPC_PORT must be an integer port number, got '${env.STEPSTONE_GRPC_PORT}'`);
  }
  const clock = env.STEPSTONE_CLOCK ?? 'system';
  if (clock !== 'system' && clock !== 'fast') throw new Error(`STEPSTONE_CLOCK must be 'system' or 'fast', got '${clock}'`);
  return {
    clock,
    port,
    grpcPort,
    host: env.HOST ?? '127.0.0.1',
    dataDir,
    databaseFile: `${dataDir.replace(/[\\/]+$/, '')}/stepstone.db`,
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
