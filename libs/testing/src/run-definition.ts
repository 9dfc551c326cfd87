import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDefinition } from '@stepstone/asl';
import {
  createExecutionRunner,
  createFastClock,
  toHistoryEvent,
  type ExecutionEvent,
  type ExecutionState,
  type TaskDispatcher,
  type TaskOutcome,
  type TaskRequest,
} from '@stepstone/engine';
import { openInMemoryEventStore, openSqliteEventStore, type EventStore } from '@stepstone/event-store';
import {
  awsEndpointsFromEnv,
  createActivityTaskQueue,
  createAwsServiceCaller,
  createLambdaInvoker,
  createRoutingTaskDispatcher,
  loadMockConfig,
  mockedOutcomeOf,
  parseMockConfig,
  type MockConfig,
} from '@stepstone/integrations';

/**
 * Runs a definition in this process on the real engine (the server's runner and integrations),
 * with no server: what `stepstone run` and the testing library share.
 */

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';

/** A task handler: returns the task's result (any JSON value), or throws to fail the task. */
export type TaskHandler = (input: unknown, context: { stateName: string; resource: string; invocation: number }) => unknown;

/** Thrown by a handler to fail its task with an error name Retry and Catch match on. */
export class TaskError extends Error {
  constructor(
    readonly error: string,
    override readonly cause = '',
  ) {
    super(`${error}: ${cause}`);
    this.name = 'TaskError';
  }
}

export interface RunDefinitionOptions {
  /** The definition: an object, its JSON text, or a file path ending in .json / .asl.json. */
  readonly definition: object | string;
  readonly input?: unknown;
  /** Handlers by state name (checked first) and by resource ARN. */
  readonly states?: Readonly<Record<string, TaskHandler>>;
  readonly resources?: Readonly<Record<string, TaskHandler>>;
  /** Step Functions Local's mock configuration (object or file) and the test case to use. */
  readonly mockConfig?: object | string;
  readonly testCase?: string;
  /** STEPSTONE_LOCAL_FUNCTIONS' file: Lambda functions run in this process. */
  readonly functionsFile?: string;
  /** 'virtual' (default): Waits, retries' backoff and timeouts take no real time. */
  readonly clock?: 'virtual' | 'real';
  /** A folder for a SQLite file (stepstone.db); default an in-memory store. */
  readonly storeDir?: string;
  readonly stateMachineName?: string;
  readonly executionName?: string;
  /** Called with each batch of events as it is appended (for a live display). */
  readonly onEvents?: (events: readonly Record<string, unknown>[]) => void;
}

export interface ExecutionResult {
  readonly executionArn: string;
  readonly status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  readonly output?: unknown;
  readonly outputText?: string;
  readonly error?: string;
  readonly cause?: string;
  /** GetExecutionHistory's events, in order. */
  readonly history: readonly Record<string, unknown>[];
  /** How many times the state was entered (retries of a Task do not re-enter it). */
  entered(stateName: string): number;
  /** The names of the states entered, in order. */
  path(): string[];
}

/** Why a run did not start: AWS's error name and message (InvalidDefinition, InvalidExecutionInput...). */
export class RunDefinitionError extends Error {
  constructor(
    readonly error: string,
    message: string,
  ) {
    super(message);
    this.name = error;
  }
}

export function readDefinitionText(definition: object | string): string {
  if (typeof definition !== 'string') return JSON.stringify(definition);
  return definition.trimStart().startsWith('{') ? definition : readFileSync(definition, 'utf8');
}

export async function runDefinition(options: RunDefinitionOptions): Promise<ExecutionResult> {
  const definition = readDefinitionText(options.definition);
  const parsed = parseDefinition(definition);
  if (!parsed.ok) throw new RunDefinitionError('InvalidDefinition', parsed.message);
  const input = JSON.stringify(options.input ?? {});
  const machineName = options.stateMachineName ?? 'local';
  const name = options.executionName ?? 'run';
  const stateMachineArn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${machineName}`;
  const executionArn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${machineName}:${name}`;
  const mocks = mockConfigOf(options.mockConfig);
  if (options.testCase !== undefined && mocks === undefined) throw new RunDefinitionError('ValidationException', 'a test case needs a mock configuration');

  const clock = options.clock === 'real' ? undefined : createFastClock();
  if (options.storeDir) mkdirSync(options.storeDir, { recursive: true });
  const store: EventStore = options.storeDir ? openSqliteEventStore({ file: join(options.storeDir, 'stepstone.db') }) : openInMemoryEventStore();
  let finish: (state: ExecutionState) => void = () => undefined;
  const finished = new Promise<ExecutionState>((resolve) => (finish = resolve));
  const runner = createExecutionRunner({
    store,
    taskDispatcher: handlerDispatcher(options, mocks),
    ...(clock ? { now: clock.now, advanceClock: clock.advanceTo } : {}),
    onAppended: (arn: string, events: readonly ExecutionEvent[], state: ExecutionState) => {
      if (arn !== executionArn) return;
      options.onEvents?.(events.map((event) => toHistoryEvent(event)));
      if (state.status !== 'RUNNING') finish(state);
    },
  });
  try {
    const outcome = await runner.start({
      executionArn,
      stateMachineArn,
      name,
      executionType: 'STANDARD',
      definition,
      input,
      roleArn: `arn:aws:iam::${ACCOUNT}:role/stepstone`,
      ...(options.testCase !== undefined ? { testCase: options.testCase } : {}),
    });
    if (outcome.kind === 'conflict') throw new RunDefinitionError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    // The runner's timers do not hold the process open (a server never wants them to); a run does.
    const keepAlive = setInterval(() => undefined, 60_000);
    const state = await finished.finally(() => clearInterval(keepAlive));
    const history = ((await runner.history(executionArn)) ?? []).map((event) => toHistoryEvent(event));
    return resultOf(executionArn, state, history);
  } finally {
    await runner.close();
    await store.close();
  }
}

function resultOf(executionArn: string, state: ExecutionState, history: readonly Record<string, unknown>[]): ExecutionResult {
  const entered = history
    .filter((event) => String(event.type).endsWith('StateEntered'))
    .map((event) => (event.stateEnteredEventDetails as { name: string }).name);
  const outputText = state.output ?? undefined;
  return {
    executionArn,
    status: state.status as ExecutionResult['status'],
    ...(outputText !== undefined ? { outputText, output: JSON.parse(outputText) as unknown } : {}),
    ...(state.error !== undefined ? { error: state.error } : {}),
    ...(state.cause !== undefined ? { cause: state.cause } : {}),
    history,
    entered: (stateName) => entered.filter((name) => name === stateName).length,
    path: () => [...entered],
  };
}

function mockConfigOf(config: object | string | undefined): MockConfig | undefined {
  if (config === undefined) return undefined;
  return typeof config === 'string' && !config.trimStart().startsWith('{') ? loadMockConfig(config) : parseMockConfig(config);
}

/** Handlers first, then the mock configuration, then the server's dispatcher (Lambda, AWS services, HTTP). */
function handlerDispatcher(options: RunDefinitionOptions, mocks: MockConfig | undefined): TaskDispatcher {
  const routed = createRoutingTaskDispatcher({
    mocks: (request) => (mocks ? mockedOutcomeOf(mocks, request) : undefined),
    activities: createActivityTaskQueue(),
    lambda: createLambdaInvoker({ remote: false, region: REGION, account: ACCOUNT, ...(options.functionsFile ? { localFunctionsFile: options.functionsFile } : {}) }),
    aws: createAwsServiceCaller(awsEndpointsFromEnv(process.env, REGION)),
  });
  return {
    ...routed,
    async dispatch(request: TaskRequest): Promise<TaskOutcome | undefined> {
      const handler = options.states?.[request.stateName] ?? options.resources?.[request.resource];
      if (!handler) return routed.dispatch(request);
      try {
        const result = await handler(request.parameters, { stateName: request.stateName, resource: request.resource, invocation: request.invocation });
        return { kind: 'succeeded', output: JSON.stringify(result ?? null) };
      } catch (error) {
        if (error instanceof TaskError) return { kind: 'failed', error: error.error, cause: error.cause };
        const failure = error instanceof Error ? error : new Error(String(error));
        return { kind: 'failed', error: failure.name === 'Error' ? 'States.TaskFailed' : failure.name, cause: failure.message };
      }
    },
  };
}
