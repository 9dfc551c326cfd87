import { parseDefinition } from '@stepstone/asl';
import type { DecisionEnv, ExecutionCommand, InspectedField, TestStateHooks } from './commands';
import { decideAndEvolve, startExecution } from './decide';
import { Decision } from './decision';
import { pendingEffects } from './effects';
import { type ExecutionState, initialExecutionState, ROOT_THREAD, type ThreadState } from './execution-state';
import type { ExecutionEvent } from './history-event';
import { findState } from './test-state-definition';
import { checkContext, checkMock, checkStateConfiguration, TestStateRejected, type TestStateRequest } from './test-state-request';

export type TestStateStatus = 'SUCCEEDED' | 'FAILED' | 'RETRIABLE' | 'CAUGHT_ERROR';

/** AWS's InspectionData: every value is JSON text, as the API returns it. */
export interface TestStateInspectionData {
  input?: string;
  afterArguments?: string;
  afterInputPath?: string;
  afterParameters?: string;
  result?: string;
  afterResultSelector?: string;
  afterResultPath?: string;
  afterItemsPath?: string;
  afterItemSelector?: string;
  afterItemBatcher?: string;
  maxConcurrency?: number;
  toleratedFailureCount?: number;
  toleratedFailurePercentage?: number;
  variables?: string;
  errorDetails?: { catchIndex?: number; retryIndex?: number; retryBackoffIntervalSeconds?: number };
  request?: Readonly<Record<string, string>>;
  response?: Readonly<Record<string, string>>;
}

export interface TestStateResult {
  readonly status: TestStateStatus;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly nextState?: string;
  readonly inspectionData?: TestStateInspectionData;
}

/** What a Task without a mock is performed by: the integrations an execution would use. */
export type TestStateTaskOutcome = (
  | { readonly kind: 'succeeded'; readonly output: string }
  | { readonly kind: 'failed' | 'timed_out'; readonly error?: string; readonly cause?: string }
) & {
  /** An HTTP Task's request and response, shown at TRACE. */
  readonly http?: { readonly request: Readonly<Record<string, string>>; readonly response: Readonly<Record<string, string>> };
};

export interface TestStateTask {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly stateName: string;
  readonly token: string;
  readonly resource: string;
  readonly parameters: unknown;
  /** The inspection level asked for: an integration records the HTTP exchange only at TRACE. */
  readonly inspectionLevel: 'INFO' | 'DEBUG' | 'TRACE';
}

export interface TestStateEnv extends Omit<DecisionEnv, 'testState'> {
  /** Where the throw-away execution says it runs (`$$.Execution.Id`, `$$.StateMachine.Id`). */
  readonly region: string;
  readonly accountId: string;
  readonly performTask?: (task: TestStateTask) => Promise<TestStateTaskOutcome | undefined>;
}

/**
 * The name a lone state runs under when the definition is one state, not a machine: AWS's
 * (`$$.State.Name` and definition-error paths such as `/States/StateName/Branches` in LocalStack's
 * AWS-validated test_state_configuration and test_state_mock_validation snapshots).
 */
const LONE_STATE_NAME = 'StateName';
const MACHINE_NAME = 'TestStateMachine';
/** Enough for any one state: a retry started in the same decision is the most it may need. */
const MAX_STEPS = 8;

/**
 * AWS's TestState (the enhanced API of November 2025): one state run in isolation through
 * the same decider as an execution — the state modules under states/, the compiled
 * definition, the one home for retry, catch and result processing. The state runs inside a
 * throw-away execution whose machine holds the state and, for each state it can go to, a
 * Succeed state standing in for it (so the definition validates as AWS validates it). The
 * execution stops when the tested state leaves: its Exited event names `nextState`. Nothing
 * is stored; the events are read once and dropped.
 */
export async function testState(request: TestStateRequest, env: TestStateEnv): Promise<TestStateResult> {
  const plan = planTest(request);
  const stateMachineArn = `arn:aws:states:${env.region}:${env.accountId}:stateMachine:${MACHINE_NAME}`;
  // AWS runs the state in an Express execution: its context has an `:express:` Id and no
  // RedriveCount (test_map_state_failure_count[*-BASE_MAP_STATE], AWS-validated 2025-11-18).
  const executionArn = `arn:aws:states:${env.region}:${env.accountId}:express:${MACHINE_NAME}:${plan.name}`;
  const recorded = new Map<InspectedField, unknown>();
  let rootEntries = 0;
  const hooks: TestStateHooks = {
    // The tested state is the only one that runs: its Exited event names where it goes next.
    mayEnter: (threadId) => threadId !== ROOT_THREAD || ++rootEntries === 1,
    inspect: (field, value, state) => {
      if (state.threads[ROOT_THREAD]?.cursor?.name === plan.name && !recorded.has(field)) recorded.set(field, value);
    },
    ...(plan.context ? { context: plan.context } : {}),
    // AWS's $$ names the tested state StateName, even one picked by stateName, and shows a null
    // RoleArn when none was given (test_state_with_variables[base_expressions], AWS-validated 2026-02-24).
    shown: { stateName: LONE_STATE_NAME, roleArn: request.roleArn ?? null },
    ...(plan.children ? { children: plan.children } : {}),
    ...(request.stateConfiguration?.mapItemReaderData !== undefined ? { itemReaderData: request.stateConfiguration.mapItemReaderData } : {}),
  };
  const decisionEnv: DecisionEnv = { now: env.now, random: env.random, uuid: env.uuid, hash: env.hash, testState: hooks };
  const start: Extract<ExecutionCommand, { type: 'StartExecution' }> = {
    type: 'StartExecution',
    executionArn,
    stateMachineArn,
    name: plan.name,
    executionType: 'EXPRESS',
    definition: JSON.stringify(plan.machine),
    input: plan.inputText,
    roleArn: request.roleArn ?? `arn:aws:iam::${env.accountId}:role/TestStateRole`,
  };
  const d = new Decision(initialExecutionState, decisionEnv);
  startExecution(d, start);
  // The caller's variables are in scope before the state is entered, as a state before it would have set them.
  (d.state.threads[ROOT_THREAD] as { variables: Readonly<Record<string, unknown>> }).variables = plan.variables;
  await d.drain();
  const events: ExecutionEvent[] = [...d.events];
  let state = d.current;
  let retryCountsSet = false;
  const exchanges: NonNullable<TestStateTaskOutcome['http']>[] = [];
  for (let step = 0; step < MAX_STEPS && state.status === 'RUNNING' && !retried(events); step++) {
    const command = await nextCommand(state, request, env, executionArn, stateMachineArn, exchanges);
    if (!command) break;
    if (!retryCountsSet && request.stateConfiguration?.retrierRetryCount !== undefined && (command.type === 'FailTask' || command.type === 'TimeOutTask')) {
      state = withRetryCounts(state, request.stateConfiguration.retrierRetryCount);
      retryCountsSet = true;
    }
    const when = command.type === 'FireTimer' ? { ...decisionEnv, now: new Date(Date.parse(wakeAtOf(state, command.threadId) ?? env.now.toISOString())) } : decisionEnv;
    const decided = await decideAndEvolve(state, command, when);
    events.push(...decided.events);
    state = decided.state;
  }
  const result = resultOf(plan, request, events, recorded);
  if (request.inspectionLevel !== 'TRACE' || exchanges.length === 0 || !result.inspectionData) return result;
  return { ...result, inspectionData: { ...result.inspectionData, request: exchanges[0].request, response: exchanges[0].response } };
}

interface TestPlan {
  readonly name: string;
  readonly kind: string;
  readonly language: 'JSONPath' | 'JSONata';
  readonly machine: Record<string, unknown>;
  readonly inputText: string;
  readonly input: unknown;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly context?: Record<string, unknown>;
  readonly children?: TestStateHooks['children'];
}

/** Checks the request as AWS does (names and messages from AWS's recorded answers) and builds the throw-away machine. */
function planTest(request: TestStateRequest): TestPlan {
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.definition);
  } catch (error) {
    throw new TestStateRejected('InvalidDefinition', `Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: ${(error as Error).message}'`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TestStateRejected('InvalidDefinition', "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The definition must be a JSON object'");
  }
  const definition = parsed as Record<string, any>;
  const isMachine = typeof definition.States === 'object' && definition.States !== null;
  let name: string;
  let stateDefinition: Record<string, any>;
  let queryLanguage: unknown;
  if (request.stateName !== undefined) {
    if (!isMachine) throw new TestStateRejected('ValidationException', 'The stateName parameter requires a state machine definition with States.');
    checkDefinition(request.definition);
    const found = findState(definition, request.stateName);
    // AWS's answer, recorded (LocalStack's test_base_state_name_validation_failures).
    if (!found) throw new TestStateRejected('ValidationException', 'State not found in definition');
    name = request.stateName;
    stateDefinition = found as Record<string, any>;
    queryLanguage = definition.QueryLanguage;
  } else {
    name = LONE_STATE_NAME;
    stateDefinition = definition;
  }
  const machine = {
    ...(queryLanguage !== undefined ? { QueryLanguage: queryLanguage } : {}),
    StartAt: name,
    States: { ...standIns(stateDefinition, name), [name]: stateDefinition },
  };
  // A lone state is checked inside the machine it runs in (its Next targets are the stand-ins).
  if (request.stateName === undefined) checkDefinition(JSON.stringify(machine));
  const kind = String(stateDefinition.Type);
  const inputText = request.input ?? '{}';
  let input: unknown;
  try {
    input = JSON.parse(inputText);
  } catch (error) {
    throw new TestStateRejected('InvalidExecutionInput', `Invalid State Machine Execution Input: '${(error as Error).message}'`);
  }
  const variables = parseObject(request.variables, 'variables') ?? {};
  const context = parseObject(request.context, 'context');
  checkStateConfiguration(request, stateDefinition, kind);
  const language = (stateDefinition.QueryLanguage ?? queryLanguage) === 'JSONata' ? 'JSONata' : 'JSONPath';
  const children = checkMock(request, stateDefinition, kind);
  if (context) checkContext(context, stateDefinition, kind);
  return { name, kind, language, machine, inputText, input, variables, context, children };
}

function checkDefinition(text: string): void {
  const result = parseDefinition(text);
  if (!result.ok) throw new TestStateRejected('InvalidDefinition', result.message);
}

/** A Succeed state for each state the tested one can go to (Next, Choices, Default, Catch). */
function standIns(state: Record<string, any>, name: string): Record<string, unknown> {
  const targets = new Set<string>();
  const add = (target: unknown) => {
    if (typeof target === 'string' && target !== name) targets.add(target);
  };
  add(state.Next);
  add(state.Default);
  for (const choice of Array.isArray(state.Choices) ? state.Choices : []) add(choice?.Next);
  for (const catcher of Array.isArray(state.Catch) ? state.Catch : []) add(catcher?.Next);
  return Object.fromEntries([...targets].map((target) => [target, { Type: 'Succeed' }]));
}

function parseObject(text: string | undefined, field: 'variables' | 'context'): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TestStateRejected('ValidationException', `The ${field} parameter is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TestStateRejected('ValidationException', `The ${field} parameter must be a JSON object.`);
  }
  return value as Record<string, unknown>;
}

/** What the throw-away execution waits for, answered at once: a task (mock or integration), a Wait's timer. */
async function nextCommand(
  state: ExecutionState,
  request: TestStateRequest,
  env: TestStateEnv,
  executionArn: string,
  stateMachineArn: string,
  exchanges: Array<NonNullable<TestStateTaskOutcome['http']>>,
): Promise<ExecutionCommand | undefined> {
  for (const effect of pendingEffects(state)) {
    if (effect.kind === 'task') {
      const mock = request.mock;
      if (mock?.result !== undefined) return { type: 'CompleteTask', token: effect.token, output: mock.result };
      if (mock?.errorOutput !== undefined) return { type: 'FailTask', token: effect.token, error: mock.errorOutput.error, cause: mock.errorOutput.cause };
      if (!env.performTask) {
        return { type: 'FailTask', token: effect.token, error: 'States.Runtime', cause: `No integration can run the resource '${effect.resource}' here; give a mock.` };
      }
      const outcome = await env.performTask({
        executionArn,
        stateMachineArn,
        stateName: effect.stateName,
        token: effect.token,
        resource: effect.resource,
        parameters: JSON.parse(effect.parameters),
        inspectionLevel: request.inspectionLevel ?? 'INFO',
      });
      if (!outcome) return undefined;
      if (outcome.http) exchanges.push(outcome.http);
      if (outcome.kind === 'succeeded') return { type: 'CompleteTask', token: effect.token, output: outcome.output };
      if (outcome.kind === 'failed') return { type: 'FailTask', token: effect.token, error: outcome.error, cause: outcome.cause };
      return { type: 'TimeOutTask', token: effect.token, error: outcome.error, cause: outcome.cause };
    }
    // A Wait does not wait here: its timer fires at once, at its deadline.
    if (effect.kind === 'timer' && state.threads[effect.threadId]?.cursor?.phase === 'wait') {
      return { type: 'FireTimer', threadId: effect.threadId, enteredEventId: effect.enteredEventId };
    }
  }
  return undefined;
}

function wakeAtOf(state: ExecutionState, threadId: string): string | undefined {
  return state.threads[threadId]?.cursor?.wakeAt;
}

/** stateConfiguration.retrierRetryCount: the tested state's retriers have already retried that often. */
function withRetryCounts(state: ExecutionState, count: number): ExecutionState {
  const root = state.threads[ROOT_THREAD];
  const cursor = root?.cursor;
  if (!root || !cursor) return state;
  const retriers = (root.states[cursor.name]?.Retry as unknown[] | undefined)?.length ?? 0;
  const thread: ThreadState = { ...root, cursor: { ...cursor, retryCounts: Array.from({ length: retriers }, () => count) } };
  return { ...state, threads: { ...state.threads, [ROOT_THREAD]: thread } };
}

/** A failure of the tested state that its Retry takes: the answer is RETRIABLE, whatever follows. */
function retried(events: readonly ExecutionEvent[]): boolean {
  return events.some((event) => event.x.th === ROOT_THREAD && event.x.retry !== undefined);
}

const FAILURE_DETAILS = /^(Task|LambdaFunction|Activity)(Failed|TimedOut)$/;

function resultOf(plan: TestPlan, request: TestStateRequest, events: readonly ExecutionEvent[], recorded: ReadonlyMap<InspectedField, unknown>): TestStateResult {
  const root = events.filter((event) => event.x.th === ROOT_THREAD);
  const retryEvent = root.find((event) => event.x.retry !== undefined);
  const exited = root.find((event) => event.type.endsWith('StateExited') && (event.stateExitedEventDetails as { name?: string } | undefined)?.name === plan.name);
  const caught = recorded.get('caught') as { catchIndex: number; error?: string; cause?: string } | undefined;
  let result: Omit<TestStateResult, 'inspectionData'>;
  const errorDetails: TestStateInspectionData['errorDetails'] = {};
  if (retryEvent) {
    const failure = failureOf(retryEvent, request, recorded);
    const retry = retryEvent.x.retry!;
    errorDetails.retryIndex = retry.retrier;
    errorDetails.retryBackoffIntervalSeconds = Math.round((Date.parse(retryEvent.x.wakeAt ?? retryEvent.timestamp) - Date.parse(retryEvent.timestamp)) / 1000);
    result = { status: 'RETRIABLE', ...failure };
  } else if (exited) {
    const details = exited.stateExitedEventDetails as { output?: string };
    const next = exited.x.next;
    if (caught) {
      errorDetails.catchIndex = caught.catchIndex;
      result = { status: 'CAUGHT_ERROR', output: details.output, ...compactFailure(caught.error, caught.cause), ...(next ? { nextState: next } : {}) };
    } else {
      result = { status: 'SUCCEEDED', output: details.output, ...(next ? { nextState: next } : {}) };
    }
  } else {
    const failed = events.find((event) => event.type === 'ExecutionFailed');
    const details = (failed?.executionFailedEventDetails ?? {}) as { error?: string; cause?: string };
    // A spent retrier is still named (test_state_configuration_retrier_retry_count, exceeds_tolerated_retry_count, AWS-validated 2025-11-22).
    if (recorded.has('retrierSpent')) errorDetails.retryIndex = recorded.get('retrierSpent') as number;
    result = failed
      ? { status: 'FAILED', ...compactFailure(details.error, details.cause) }
      : { status: 'FAILED', error: 'States.Runtime', cause: 'The state did not finish: it waits for something TestState cannot give.' };
  }
  if ((request.inspectionLevel ?? 'INFO') === 'INFO') return result;
  return { ...result, inspectionData: inspectionDataOf(plan, recorded, exited, errorDetails) };
}

function failureOf(event: ExecutionEvent, request: TestStateRequest, recorded: ReadonlyMap<InspectedField, unknown>): { error?: string; cause?: string } {
  if (FAILURE_DETAILS.test(event.type)) {
    const field = Object.keys(event).find((key) => key.endsWith('EventDetails'));
    const details = (field ? (event as unknown as Record<string, unknown>)[field] : undefined) as { error?: string; cause?: string } | undefined;
    return compactFailure(details?.error, details?.cause);
  }
  // A Parallel's or Map's failure event carries no details: the state recorded it (a mocked
  // error, or the tolerated failure threshold mapIterationFailureCount exceeded).
  const failed = recorded.get('failed') as { error?: string; cause?: string } | undefined;
  return failed ? compactFailure(failed.error, failed.cause) : compactFailure(request.mock?.errorOutput?.error, request.mock?.errorOutput?.cause);
}

function compactFailure(error: string | undefined, cause: string | undefined): { error?: string; cause?: string } {
  return { ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}) };
}

type InspectedText = 'afterArguments' | 'afterInputPath' | 'afterParameters' | 'result' | 'afterResultSelector' | 'afterResultPath' | 'afterItemsPath' | 'afterItemSelector' | 'afterItemBatcher';

/**
 * The data-flow steps AWS leaves out of a Map's or Parallel's inspectionData, by state type and
 * query language. A JSONata Map shows its input, limits and errorDetails only (test_base_map_state_inspect,
 * test_state_machine_configuration_map_iteration_item_reader; AWS's InspectionData: afterItemsPath is
 * "not populated when the QueryLanguage is JSONata"). A mocked Parallel shows no step before its result
 * nor the result itself (test_base_parallel_state_mock_success, test_io_parallel_state_mock_success,
 * test_io_jsonata_parallel_state_mock_success, AWS-validated 2026-02-27); a mocked JSONPath Map
 * no result either (test_state_map_context_object[EXECUTION_INPUT_VALUES], 2025-12-03).
 */
const NOT_INSPECTED: Partial<Record<string, ReadonlySet<InspectedText>>> = {
  'Map/JSONPath': new Set(['result']),
  'Map/JSONata': new Set(['afterArguments', 'result', 'afterItemsPath', 'afterItemSelector', 'afterItemBatcher']),
  'Parallel/JSONPath': new Set(['afterInputPath', 'afterParameters', 'result']),
  'Parallel/JSONata': new Set(['afterArguments', 'result']),
};

function inspectionDataOf(
  plan: TestPlan,
  recorded: ReadonlyMap<InspectedField, unknown>,
  exited: ExecutionEvent | undefined,
  errorDetails: NonNullable<TestStateInspectionData['errorDetails']>,
): TestStateInspectionData {
  const data: TestStateInspectionData = { input: plan.inputText };
  const hidden = NOT_INSPECTED[`${plan.kind}/${plan.language}`];
  const text = (field: InspectedText) => {
    if (!hidden?.has(field) && recorded.has(field)) data[field] = JSON.stringify(recorded.get(field) ?? null);
  };
  text('afterArguments');
  text('afterInputPath');
  text('afterParameters');
  text('result');
  text('afterResultSelector');
  text('afterResultPath');
  text('afterItemsPath');
  text('afterItemSelector');
  text('afterItemBatcher');
  for (const field of ['maxConcurrency', 'toleratedFailureCount', 'toleratedFailurePercentage'] as const) {
    if (recorded.has(field)) data[field] = recorded.get(field) as number;
  }
  const assigned = (exited?.stateExitedEventDetails as { assignedVariables?: Record<string, string> } | undefined)?.assignedVariables;
  if (assigned || Object.keys(plan.variables).length > 0) {
    const variables: Record<string, unknown> = { ...plan.variables };
    for (const [name, value] of Object.entries(assigned ?? {})) variables[name] = JSON.parse(value);
    data.variables = JSON.stringify(variables);
  }
  if (Object.keys(errorDetails).length > 0) data.errorDetails = errorDetails;
  return data;
}
