import { shutdownTelemetry, startTelemetry } from '@stepstone/telemetry';
import { UnreadableStoreError } from './cli-support';
import { runCli } from './command-table';

// `stepstone <command> ...`: see command-table.ts. Commands print their own output; a store
// that cannot be read is one line, any other unexpected failure prints its stack; both exit 1.
// OpenTelemetry is on when OTEL_* says so. Not for `serve`: the server starts its own (service
// "stepstone") and flushes it when it stops, whereas this command's promise settles as soon as
// the server's module is loaded.
const argv = process.argv.slice(2);
const cliTelemetry = argv[0] !== 'serve';
if (cliTelemetry) startTelemetry({ serviceName: 'stepstone-cli' });
runCli(argv, { out: (text) => console.log(text), err: (text) => console.error(text) })
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      // A file damaged past its header fails on a later read, with SQLite's own code.
      const sqliteCode = (error as { code?: unknown } | undefined)?.code;
      if (error instanceof UnreadableStoreError) console.error(`stepstone: ${error.message}`);
      else if (typeof sqliteCode === 'string' && sqliteCode.startsWith('SQLITE_')) console.error(`stepstone: the store cannot be read (${sqliteCode}): ${(error as Error).message}`);
      else console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exitCode = 1;
    },
  )
  .finally(() => (cliTelemetry ? shutdownTelemetry() : undefined));
