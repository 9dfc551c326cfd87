export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  /** Directory holding `stepstone.db`. */
  readonly dataDir: string;
  readonly databaseFile: string;
  readonly region: string;
  readonly account: string;
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
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    dataDir,
    databaseFile: `${dataDir.replace(/[\\/]+$/, '')}/stepstone.db`,
    region: env.STEPSTONE_REGION ?? 'us-east-1',
    account: env.STEPSTONE_ACCOUNT ?? '123456789012',
    ...(env.STEPSTONE_CRASH_POINT ? { crashPoint: parseCrashPoint(env.STEPSTONE_CRASH_POINT) } : {}),
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
