import { createProjections } from '@stepstone/projections';
import { ExitCode, openDataStore, parseCommandLine, UsageError, withUsage } from '../cli-support';

const usage = 'projections rebuild | status [--data DIR]';

/**
 * `stepstone projections rebuild`: empties every read model (state machines, executions,
 * audit) and replays the whole feed from position zero into them; `status` shows how far the
 * read models are and lists the events they skipped (exit code 1 when there are any). Best run with the server stopped: while it runs, its reads see the tables
 * emptied until the rebuild catches up.
 */
export async function run(argv: string[]): Promise<number> {
  return withUsage(usage, async () => {
    const { values, positionals } = parseCommandLine({
      args: argv,
      options: { data: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      console.log(`Usage: stepstone ${usage}`);
      return ExitCode.ok;
    }
    const [action, ...extra] = positionals;
    if (action !== 'rebuild' && action !== 'status') throw new UsageError(action === undefined ? 'Missing the action (rebuild or status)' : `Unknown action '${action}'`);
    if (extra.length > 0) throw new UsageError(`Unexpected argument '${extra[0]}'`);

    const store = await openDataStore(values.data);
    const projections = await createProjections({ store });
    try {
      const head = await store.headPosition();
      if (action === 'status') {
        console.log(`read models at position ${projections.position()} of ${head}`);
        const failures = await projections.failures();
        if (failures.length === 0) {
          console.log('no skipped events');
          return ExitCode.ok;
        }
        // One line per event the read models skipped (recorded by whichever process met it).
        console.log(`${failures.length} skipped event${failures.length === 1 ? '' : 's'}:`);
        for (const failure of failures) {
          console.log(`  #${failure.position} ${failure.type} on ${failure.streamId} at ${failure.recordedAt}: ${failure.message}`);
        }
        return ExitCode.failed;
      }
      const started = Date.now();
      await projections.rebuild();
      if (projections.position() !== head) {
        console.error(`rebuild stopped at position ${projections.position()} of ${head}`);
        return ExitCode.failed;
      }
      const counts = Object.entries(await projections.snapshot()).map(([table, rows]) => `${table}=${rows.length}`);
      console.log(`rebuilt read models from position 0 to ${head} in ${Date.now() - started} ms: ${counts.join(', ')}`);
      return ExitCode.ok;
    } finally {
      await projections.close();
      await store.close();
    }
  });
}
