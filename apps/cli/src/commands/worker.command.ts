import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import {
  GetActivityTaskCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';

/**
 * `stepstone worker --activity <arn> [--endpoint URL] [--worker-name NAME] [--heartbeat SECONDS]
 *  [--max-tasks N] -- <command> [args…]`
 *
 * The shell-script replacement: polls the activity (GetActivityTask), runs the command once per
 * task with the task input on stdin, and reports back:
 * - exit 0: stdout is the result (JSON; empty stdout is `null`) → SendTaskSuccess; stdout that
 *   is not JSON fails the task with `States.TaskFailed`.
 * - non-zero exit (or a signal): SendTaskFailure with the last 32 KiB of stderr as the cause and
 *   the error `States.TaskFailed`, unless the command names its error on its last stderr line
 *   as `stepstone-error: <Name>` (so a Catch can match `<Name>`).
 * While the command runs the worker sends SendTaskHeartbeat every `--heartbeat` seconds
 * (default 10); when the task is gone (TaskTimedOut, TaskDoesNotExist) the command is killed.
 */
export const WORKER_USAGE =
  'usage: stepstone worker --activity <activity-arn> [--endpoint URL] [--worker-name NAME] [--heartbeat SECONDS] [--max-tasks N] -- <command> [args...]';

/** The cause of a failure is limited to 32768 characters by SendTaskFailure. */
const MAX_CAUSE_CHARS = 32_768;
/** SendTaskSuccess takes at most 256 KiB of output. */
const MAX_OUTPUT_BYTES = 262_144;
const ERROR_LINE = /^stepstone-error:\s*([A-Za-z][\w.-]{0,255})\s*$/;

interface WorkerOptions {
  readonly activityArn: string;
  readonly endpoint: string;
  readonly workerName: string;
  readonly heartbeatSeconds: number;
  readonly maxTasks?: number;
  readonly command: readonly string[];
}

export function parseWorkerArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): WorkerOptions | string {
  const separator = argv.indexOf('--');
  const flags = separator >= 0 ? argv.slice(0, separator) : argv;
  const command = separator >= 0 ? argv.slice(separator + 1) : [];
  const values: Record<string, string> = {};
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i];
    const [name, inline] = flag.split('=', 2) as [string, string | undefined];
    if (!['--activity', '--endpoint', '--worker-name', '--heartbeat', '--max-tasks'].includes(name)) return `unknown option '${flag}'`;
    const value = inline ?? flags[++i];
    if (value === undefined) return `option '${name}' needs a value`;
    values[name] = value;
  }
  if (!values['--activity']) return "missing '--activity <activity-arn>'";
  if (command.length === 0) return "missing the command after '--'";
  const heartbeatSeconds = Number(values['--heartbeat'] ?? 10);
  if (!(heartbeatSeconds > 0)) return "'--heartbeat' must be a positive number of seconds";
  const maxTasks = values['--max-tasks'] === undefined ? undefined : Number(values['--max-tasks']);
  if (maxTasks !== undefined && !(Number.isInteger(maxTasks) && maxTasks > 0)) return "'--max-tasks' must be a positive integer";
  return {
    activityArn: values['--activity'],
    endpoint: values['--endpoint'] ?? env.STEPSTONE_ENDPOINT ?? 'http://127.0.0.1:8083',
    workerName: values['--worker-name'] ?? `${hostname()}-${process.pid}`.slice(0, 80),
    heartbeatSeconds,
    ...(maxTasks !== undefined ? { maxTasks } : {}),
    command,
  };
}

export interface CommandResult {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly spawnError?: string;
}

/** Runs the command with `input` on stdin; `cancel` kills it (the task is no longer ours). */
export function runCommand(command: readonly string[], input: string): { done: Promise<CommandResult>; cancel(): void } {
  const child = spawn(command[0], command.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-MAX_CAUSE_CHARS);
  });
  child.stdin.on('error', () => undefined); // a command that ignores stdin may close it early
  child.stdin.end(input);
  const done = new Promise<CommandResult>((resolve) => {
    child.once('error', (error) => resolve({ exitCode: null, signal: null, stdout, stderr, spawnError: error.message }));
    child.once('close', (exitCode, signal) => resolve({ exitCode, signal, stdout, stderr }));
  });
  return { done, cancel: () => void child.kill('SIGTERM') };
}

/** What to tell Step Functions about a finished command. */
export function outcomeOf(result: CommandResult): { kind: 'success'; output: string } | { kind: 'failure'; error: string; cause: string } {
  if (result.spawnError !== undefined) return { kind: 'failure', error: 'States.TaskFailed', cause: result.spawnError };
  if (result.exitCode === 0) {
    const text = result.stdout.trim();
    if (text === '') return { kind: 'success', output: 'null' };
    if (Buffer.byteLength(text, 'utf8') > MAX_OUTPUT_BYTES) {
      return { kind: 'failure', error: 'States.DataLimitExceeded', cause: `The command's output is larger than ${MAX_OUTPUT_BYTES} bytes, the SendTaskSuccess limit` };
    }
    try {
      JSON.parse(text);
      return { kind: 'success', output: text };
    } catch {
      return { kind: 'failure', error: 'States.TaskFailed', cause: `The command's output is not JSON: ${text.slice(0, 1000)}` };
    }
  }
  const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
  const named = ERROR_LINE.exec(lines[lines.length - 1] ?? '');
  const how = result.signal ? `killed by ${result.signal}` : `exited with code ${result.exitCode}`;
  const tail = result.stderr.trim();
  const cause = tail === '' ? `The command ${how}` : tail;
  return { kind: 'failure', error: named ? named[1] : 'States.TaskFailed', cause: cause.slice(-MAX_CAUSE_CHARS) };
}

function isGone(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  return name === 'TaskTimedOut' || name === 'TaskDoesNotExist' || name === 'InvalidToken';
}

export async function run(argv: string[]): Promise<number> {
  const options = parseWorkerArgs(argv);
  if (typeof options === 'string') {
    process.stderr.write(`stepstone worker: ${options}\n${WORKER_USAGE}\n`);
    return 2;
  }
  const hasCredentials = process.env.AWS_ACCESS_KEY_ID !== undefined || process.env.AWS_PROFILE !== undefined;
  const client = new SFNClient({
    endpoint: options.endpoint,
    region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    // A local endpoint does not check signatures; real AWS needs the usual credentials.
    ...(hasCredentials ? {} : { credentials: { accessKeyId: 'stepstone', secretAccessKey: 'stepstone' } }),
  });
  const stopping = new AbortController();
  const stop = () => stopping.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stderr.write(`stepstone worker ${options.workerName} polling ${options.activityArn} at ${options.endpoint}\n`);
  let handled = 0;
  try {
    while (!stopping.signal.aborted && (options.maxTasks === undefined || handled < options.maxTasks)) {
      let task: { taskToken?: string; input?: string };
      try {
        task = await client.send(new GetActivityTaskCommand({ activityArn: options.activityArn, workerName: options.workerName }), {
          abortSignal: stopping.signal,
        });
      } catch (error) {
        if (stopping.signal.aborted) break;
        const name = (error as { name?: string })?.name;
        if (name === 'ActivityDoesNotExist' || name === 'InvalidArn' || name === 'ValidationException') {
          process.stderr.write(`stepstone worker: ${name}: ${(error as Error).message}\n`);
          return 1;
        }
        process.stderr.write(`stepstone worker: GetActivityTask failed (${name}); retrying in 1 s\n`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      if (!task.taskToken) continue;
      handled++;
      await performTask(client, options, task.taskToken, task.input ?? '{}');
    }
    return 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    client.destroy();
  }
}

async function performTask(client: SFNClient, options: WorkerOptions, taskToken: string, input: string): Promise<void> {
  const command = runCommand(options.command, input);
  let gone = false;
  const heartbeat = setInterval(() => {
    client.send(new SendTaskHeartbeatCommand({ taskToken })).catch((error: unknown) => {
      if (!isGone(error)) return;
      gone = true;
      command.cancel();
    });
  }, options.heartbeatSeconds * 1000);
  const result = await command.done.finally(() => clearInterval(heartbeat));
  if (gone) {
    process.stderr.write('stepstone worker: the task closed while the command ran (timed out or stopped); result dropped\n');
    return;
  }
  const outcome = outcomeOf(result);
  try {
    if (outcome.kind === 'success') await client.send(new SendTaskSuccessCommand({ taskToken, output: outcome.output }));
    else await client.send(new SendTaskFailureCommand({ taskToken, error: outcome.error, cause: outcome.cause }));
  } catch (error) {
    process.stderr.write(`stepstone worker: reporting the result failed: ${(error as Error).name}: ${(error as Error).message}\n`);
  }
}
