// Runs `stepstone worker` in its own process for the e2e suites, until apps/cli/src/main.ts
// dispatches the `worker` subcommand: `node --import tsx test/support/run-worker.ts <args…>`.
import { run } from '../../apps/cli/src/commands/worker.command';

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
