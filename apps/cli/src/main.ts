import { shutdownTelemetry, startTelemetry } from '@stepstone/telemetry';
import { runCli } from './command-table';

// `stepstone <command> ...`: see command-table.ts. Commands print their own output; an
// unexpected failure prints its stack and exits 1. OpenTelemetry is on when OTEL_* says so.
startTelemetry({ serviceName: 'stepstone-cli' });
runCli(process.argv.slice(2), { out: (text) => console.log(text), err: (text) => console.error(text) })
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exitCode = 1;
    },
  )
  .finally(() => shutdownTelemetry());
