import { existsSync, readFileSync } from 'node:fs';
import { runDefinition, RunDefinitionError, type ExecutionResult } from '@stepstone/testing';
import { ExitCode, parseCommandLine, UsageError, withUsage } from '../cli-support';

const USAGE = 'run <definition.json> [--input FILE|JSON] [--mock-config FILE --test-case NAME] [--functions FILE] [--store DIR] [--json]';

const HELP = `Usage: stepstone ${USAGE}

Runs a state machine in this process on the real engine, no server needed. Waits and retries
run on real time. Prints each state as it is entered and left; exit 0 when the execution
succeeds, 1 when it fails (with its error and cause).

  --input FILE|JSON     the execution input (a file, or JSON text); default {}
  --mock-config FILE    Step Functions Local's mock configuration, used with --test-case
  --test-case NAME      the test case whose mocked responses answer the tasks
  --functions FILE      local Lambda functions (the format of STEPSTONE_LOCAL_FUNCTIONS)
  --store DIR           keep the history in DIR/stepstone.db (default: in memory)
  --json                print the result and its history as JSON`;

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return ExitCode.ok;
  }
  return withUsage(USAGE, async () => {
    const { values, positionals } = parseCommandLine({
      args: argv,
      allowPositionals: true,
      options: {
        input: { type: 'string' },
        'mock-config': { type: 'string' },
        'test-case': { type: 'string' },
        functions: { type: 'string' },
        store: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    if (positionals.length !== 1) throw new UsageError('stepstone run: give exactly one definition file');
    const file = positionals[0];
    if (!existsSync(file)) throw new UsageError(`stepstone run: no such file '${file}'`);
    if ((values['test-case'] === undefined) !== (values['mock-config'] === undefined)) throw new UsageError('stepstone run: --mock-config and --test-case go together');
    const input = inputOf(values.input);
    if (!input.ok) {
      console.error(`InvalidExecutionInput: ${input.message}`);
      return ExitCode.failed;
    }
    const live = values.json ? undefined : liveDisplay(process.stdout.isTTY === true);
    let result: ExecutionResult;
    try {
      result = await runDefinition({
        definition: readFileSync(file, 'utf8'),
        input: input.value,
        clock: 'real',
        ...(values['mock-config'] !== undefined ? { mockConfig: values['mock-config'], testCase: values['test-case'] } : {}),
        ...(values.functions !== undefined ? { functionsFile: values.functions } : {}),
        // A kept store holds every run: each gets its own execution name.
        ...(values.store !== undefined ? { storeDir: values.store, executionName: `run-${new Date().toISOString().replace(/[:.]/g, '-')}` } : {}),
        ...(live ? { onEvents: live } : {}),
      });
    } catch (error) {
      if (error instanceof RunDefinitionError) {
        console.error(`${error.error}: ${error.message}`);
        return ExitCode.failed;
      }
      const failure = error instanceof Error ? error : new Error(String(error));
      console.error(`${failure.name}: ${failure.message.split('\n')[0]}`);
      return ExitCode.failed;
    }
    if (values.json) {
      const { history, status, output, error, cause, executionArn } = result;
      console.log(JSON.stringify({ executionArn, status, output, error, cause, history }, null, 2));
    } else {
      if (values.store !== undefined) console.log(`execution ${result.executionArn}`);
    }
    if (values.json) {
      // printed above
    } else if (result.status === 'SUCCEEDED') {
      console.log(`SUCCEEDED ${result.outputText ?? 'null'}`);
    } else {
      console.error(`${result.status} ${result.error ?? ''}: ${result.cause ?? ''}`);
    }
    return result.status === 'SUCCEEDED' ? ExitCode.ok : ExitCode.failed;
  });
}

function inputOf(flag: string | undefined): { ok: true; value: unknown } | { ok: false; message: string } {
  if (flag === undefined) return { ok: true, value: {} };
  const text = flag.trimStart().startsWith('{') || flag.trimStart().startsWith('[') || !existsSync(flag) ? flag : readFileSync(flag, 'utf8');
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: `Invalid execution input: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** One line per state entered and left; on a TTY, the state being run is shown with its elapsed time. */
function liveDisplay(tty: boolean): (events: readonly Record<string, unknown>[]) => void {
  const enteredAt = new Map<string, number>();
  return (events) => {
    for (const event of events) {
      const type = String(event.type);
      const at = Date.parse(String(event.timestamp));
      if (type.endsWith('StateEntered')) {
        const name = (event.stateEnteredEventDetails as { name: string }).name;
        enteredAt.set(name, at);
        process.stdout.write(tty ? `\x1b[2K\r▶ ${name}` : `entered ${name}\n`);
      } else if (type.endsWith('StateExited')) {
        const name = (event.stateExitedEventDetails as { name: string }).name;
        const ms = at - (enteredAt.get(name) ?? at);
        process.stdout.write(tty ? `\x1b[2K\r✔ ${name} (${ms} ms)\n` : `left ${name} ${ms}ms\n`);
      } else if (type.endsWith('Failed') && event.executionFailedEventDetails === undefined) {
        const details = Object.values(event).find((value) => typeof value === 'object' && value !== null && 'error' in value) as { error?: string } | undefined;
        process.stdout.write(`${tty ? '\x1b[2K\r✖ ' : ''}${type} ${details?.error ?? ''}\n`);
      }
    }
  };
}
