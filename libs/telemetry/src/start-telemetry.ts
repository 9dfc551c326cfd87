import type * as OpenTelemetrySdk from '@opentelemetry/sdk-node';

/** The standard OTEL_* variables that switch telemetry on; without any of them it stays off. */
const ENABLING_VARIABLES = [
  'OTEL_TRACES_EXPORTER',
  'OTEL_METRICS_EXPORTER',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
] as const;

export interface TelemetryHandle {
  /** Flushes what is buffered and stops the exporters. */
  shutdown(): Promise<void>;
}

export interface StartTelemetryOptions {
  /** `service.name` when OTEL_SERVICE_NAME does not set one. */
  readonly serviceName: string;
  /** Address the Prometheus scrape endpoint binds to when OTEL_EXPORTER_PROMETHEUS_HOST is unset. */
  readonly prometheusHost?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** The SDK this process started: there is one global set of providers per process. */
let active: TelemetryHandle | undefined;

/** Whether the environment asks for telemetry at all (and does not disable it). */
export function telemetryRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  if ((env.OTEL_SDK_DISABLED ?? '').toLowerCase() === 'true') return false;
  return ENABLING_VARIABLES.some((name) => (env[name] ?? '').trim() !== '');
}

/**
 * Starts the OpenTelemetry Node SDK, configured entirely by the standard OTEL_* variables
 * (exporters, OTLP protocol http/protobuf, http/json or grpc, endpoints, headers, sampling).
 * Off unless one of them is set: then the API stays a no-op and costs nothing. Must run before
 * the first tracer or meter is taken, so the global providers are in place.
 */
export function startTelemetry(options: StartTelemetryOptions): TelemetryHandle | undefined {
  const env = options.env ?? process.env;
  if (!telemetryRequested(env)) return undefined;
  env.OTEL_SERVICE_NAME ??= options.serviceName;
  // The Prometheus exporter binds every interface by default; stay where the server listens.
  if (options.prometheusHost !== undefined) env.OTEL_EXPORTER_PROMETHEUS_HOST ??= options.prometheusHost;
  if (active) return active;
  const sdk = new (loadSdk().NodeSDK)({ instrumentations: [] });
  sdk.start();
  active = {
    shutdown: async () => {
      active = undefined;
      await sdk.shutdown();
    },
  };
  return active;
}

/**
 * The SDK is loaded only when telemetry is asked for: with its exporters it is the largest
 * module tree the server has, and loading it took most of the server's start-up time even
 * when telemetry stayed off. `require` keeps `startTelemetry` synchronous, so the providers are
 * in place before the first tracer or meter is taken.
 */
function loadSdk(): typeof OpenTelemetrySdk {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@opentelemetry/sdk-node') as typeof OpenTelemetrySdk;
}

/** Flushes and stops the telemetry `startTelemetry` started in this process, if any. */
export async function shutdownTelemetry(): Promise<void> {
  await active?.shutdown();
}
