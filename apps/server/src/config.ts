export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  /** Directory holding `stepstone.db`. */
  readonly dataDir: string;
  readonly databaseFile: string;
  readonly region: string;
  readonly account: string;
  /** Longest GetActivityTask long poll (AWS: 60 s). `STEPSTONE_ACTIVITY_POLL_SECONDS`. */
  readonly activityPollSeconds: number;
  /** The environment integrations read their endpoints and local functions from. */
  readonly integrationEnv: NodeJS.ProcessEnv;
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
    activityPollSeconds: Number(env.STEPSTONE_ACTIVITY_POLL_SECONDS ?? 60),
    integrationEnv: env,
  };
}
