import { ExitCode, formatTable, parseCommandLine, withUsage } from '../cli-support';
import { AwsCommandError, checkExecutionArn, DEFAULT_ENDPOINT, loadExecution, stateDurations } from '../execution-source';

const USAGE = 'history|timeline <executionArn> [--endpoint URL | --data DIR] [--json]';

const HELP = (command: string) => `Usage: stepstone ${command} <executionArn> [--endpoint URL | --data DIR] [--json]

${command === 'history' ? "Prints the execution's history events (GetExecutionHistory): id, time, type, state." : 'Prints each state the execution entered, with its type, start time and duration.'}
Reads from a server (--endpoint, default ${DEFAULT_ENDPOINT}) or a store folder (--data DIR,
the folder holding stepstone.db).`;

export function commandFor(command: 'history' | 'timeline') {
  return async (argv: string[]): Promise<number> => {
    if (argv.includes('--help') || argv.includes('-h')) {
      console.log(HELP(command));
      return ExitCode.ok;
    }
    return withUsage(USAGE, async () => {
      const { values, positionals } = parseCommandLine({
        args: argv,
        allowPositionals: true,
        options: { endpoint: { type: 'string' }, data: { type: 'string' }, json: { type: 'boolean', default: false } },
      });
      try {
        const arn = checkExecutionArn(positionals[0]);
        const loaded = await loadExecution(arn, { ...(values.endpoint ? { endpoint: values.endpoint } : {}), ...(values.data ? { data: values.data } : {}) });
        if (command === 'history') {
          if (values.json) console.log(JSON.stringify(loaded.history, null, 2));
          else {
            const rows = loaded.history.map((event) => [String(event.id), String(event.timestamp), String(event.type), stateName(event)]);
            console.log(formatTable(['ID', 'TIME', 'TYPE', 'STATE'], rows));
          }
        } else {
          const durations = stateDurations(loaded.steps);
          if (values.json) console.log(JSON.stringify(durations, null, 2));
          else console.log(formatTable(['STATE', 'TYPE', 'ENTERED', 'DURATION'], durations.map((row) => [row.name, row.type, row.enteredAt, row.ms === undefined ? '-' : `${row.ms} ms`])));
        }
        return ExitCode.ok;
      } catch (error) {
        if (error instanceof AwsCommandError) {
          console.error(`${error.errorName}: ${error.message}`);
          return ExitCode.failed;
        }
        throw error;
      }
    });
  };
}

function stateName(event: Record<string, unknown>): string {
  const details = (event.stateEnteredEventDetails ?? event.stateExitedEventDetails) as { name?: string } | undefined;
  return details?.name ?? '';
}

export const run = commandFor('history');
