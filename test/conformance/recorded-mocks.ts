import { evaluatePayloadTemplate } from '@stepstone/asl';
import { type MockConfig, parseMockConfig } from '@stepstone/integrations';
import { matches } from './compare';
import { type ConformanceCase, inputTextOf } from './corpus';

/** The one test case a conformance execution runs (`<stateMachineArn>#Recorded`). */
export const RECORDED_TEST_CASE = 'Recorded';

/** What the other party did with a task before its result: a worker took it, a job was submitted. */
export interface RecordedProgress {
  readonly started?: { readonly workerName?: string };
  /** The service's response to the call that started a `.sync` job or sent a task token (JSON text). */
  readonly submitted?: string;
}

/**
 * A case's recorded service calls as a Step Functions Local mock configuration, unchanged in
 * format: each state's calls, in order, become invocations "0", "1", ... of one mocked
 * response (`Return` the recorded output, `Throw` the recorded error and cause; a recorded
 * timeout throws States.Timeout).
 *
 * What the service or worker reported between scheduling and result (the worker's name in
 * ActivityStarted, the start response in TaskSubmitted) is not in `service_calls`; it is read
 * from the recorded history events that follow each scheduling, in scheduling order.
 */
export function recordedMocks(testCase: ConformanceCase, stateMachineName: string): { config: MockConfig; nextProgress: () => RecordedProgress | undefined } {
  const config = parseMockConfig(recordedMockDocument(testCase, stateMachineName));
  const progress = recordedProgress(testCase.history ?? []);
  return { config, nextProgress: () => progress.shift() };
}

/**
 * The case's calls as a Step Functions Local mock configuration document for state machine
 * `stateMachineName`, test case `Recorded` (a runner through the HTTP API can hand it to the
 * server as a file and start executions on `<stateMachineArn>#Recorded`).
 */
export function recordedMockDocument(testCase: ConformanceCase, stateMachineName: string, options: { withoutActivities?: boolean } = {}): Record<string, unknown> {
  const responses: Record<string, Record<string, unknown>> = {};
  const states: Record<string, string> = {};
  const tasks = taskStatesOf(testCase.definition);
  const executionInput = executionInputOf(testCase);
  for (const call of testCase.service_calls ?? []) {
    if (options.withoutActivities && isActivityCall(call)) continue;
    const state = call.state ?? stateOfUnnamedCall(call, tasks, executionInput);
    // A call whose state or outcome the recording lost cannot be mocked: the case then reports it needs one.
    if (state === undefined || !['succeeded', 'failed', 'timed_out'].includes(call.outcome)) continue;
    const name = `${state}Recorded`;
    states[state] = name;
    const invocations = (responses[name] ??= {});
    invocations[String(Object.keys(invocations).length)] = mockedResponseOf(call);
  }
  return {
    StateMachines: { [stateMachineName]: { TestCases: { [RECORDED_TEST_CASE]: states } } },
    MockedResponses: responses,
  };
}

/**
 * Many cases' recorded calls as one mock configuration, for a server that reads one file at
 * start: each case's state machine (a unique name per case) gets its own `Recorded` test case.
 * Response names are prefixed with the machine's name, since every case calls its responses
 * `<State>Recorded`. Activity tasks are left out: a worker answers them through the API
 * (recordedActivityWork), which can also give the worker's name AWS recorded.
 */
export function combinedMockDocument(entries: ReadonlyArray<{ testCase: ConformanceCase; stateMachineName: string }>): Record<string, unknown> {
  const stateMachines: Record<string, unknown> = {};
  const mockedResponses: Record<string, unknown> = {};
  for (const { testCase, stateMachineName } of entries) {
    const document = recordedMockDocument(testCase, stateMachineName, { withoutActivities: true }) as { StateMachines: Record<string, { TestCases: Record<string, Record<string, string>> }>; MockedResponses: Record<string, unknown> };
    const states = document.StateMachines[stateMachineName].TestCases[RECORDED_TEST_CASE];
    if (Object.keys(states).length === 0) continue;
    const renamed: Record<string, string> = {};
    for (const [state, response] of Object.entries(states)) {
      renamed[state] = `${stateMachineName}-${response}`;
      mockedResponses[renamed[state]] = document.MockedResponses[response];
    }
    stateMachines[stateMachineName] = { TestCases: { [RECORDED_TEST_CASE]: renamed } };
  }
  return { StateMachines: stateMachines, MockedResponses: mockedResponses };
}

/**
 * A few recordings lost the state name of calls made inside Parallel branches (`state: null`):
 * such a call belongs to the one Task state whose Resource names the recorded resource, when
 * exactly one does. Where several do (a Lambda in each branch), it belongs to the one whose
 * JSONPath Parameters, taken from the execution's input as a branch's first state takes them,
 * give the parameters AWS recorded; a call that still fits none or several stays unmocked.
 */
function stateOfUnnamedCall(call: Record<string, any>, tasks: readonly TaskState[], executionInput: unknown): string | undefined {
  const resource = call.resourceType ? `:${call.resourceType}:${call.resource}` : String(call.resource);
  const candidates = tasks.filter((task) => task.resource.endsWith(resource));
  if (candidates.length === 1) return candidates[0].name;
  const fitting = candidates.filter((task) => task.parameters !== undefined && call.parameters !== undefined && matches(call.parameters, parametersFrom(task.parameters, executionInput), []));
  return fitting.length === 1 ? fitting[0].name : undefined;
}

function parametersFrom(template: unknown, input: unknown): unknown {
  try {
    return evaluatePayloadTemplate(template, { input, context: {}, variables: {} }, { random: () => 0, uuid: () => '', hash: () => '' });
  } catch {
    return undefined;
  }
}

function executionInputOf(testCase: ConformanceCase): unknown {
  try {
    return JSON.parse(inputTextOf(testCase));
  } catch {
    return undefined;
  }
}

interface TaskState {
  readonly name: string;
  readonly resource: string;
  readonly parameters?: unknown;
}

function taskStatesOf(definition: unknown): TaskState[] {
  const found: TaskState[] = [];
  const visit = (states: unknown) => {
    if (!states || typeof states !== 'object') return;
    for (const [name, state] of Object.entries(states as Record<string, any>)) {
      if (state?.Type === 'Task' && typeof state.Resource === 'string') found.push({ name, resource: state.Resource, parameters: state.Parameters });
      for (const branch of state?.Branches ?? []) visit(branch?.States);
      visit((state?.ItemProcessor ?? state?.Iterator)?.States);
    }
  };
  visit((definition as Record<string, any> | undefined)?.States);
  return found;
}

function mockedResponseOf(call: Record<string, any>): Record<string, unknown> {
  if (call.outcome === 'succeeded') return { Return: valueOf(call.output) };
  const error = call.outcome === 'timed_out' ? (call.error ?? 'States.Timeout') : call.error;
  const thrown: Record<string, string> = {};
  if (typeof error === 'string') thrown.Error = error;
  // A Lambda function's own error payload reaches Step Functions as its runtime wrote it (the
  // corpus's functions are Python: json.dumps separators); the recording parsed it, so it is
  // written back the same way. Integrations (lambda:invoke) re-serialise compactly.
  const cause = call.event === 'LambdaFunctionScheduled' && call.cause !== null && typeof call.cause === 'object' ? pythonJson(call.cause) : textOf(call.cause);
  if (cause !== undefined) thrown.Cause = cause;
  return { Throw: thrown };
}

/**
 * Recorded payloads are JSON text, except that the recording tooling parsed the ones that
 * began with `{` (corpus README): text is parsed back; text that is not JSON stays a string.
 */
function valueOf(recorded: unknown): unknown {
  if (typeof recorded !== 'string') return recorded ?? null;
  try {
    return JSON.parse(recorded);
  } catch {
    return recorded;
  }
}

function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${pythonJson(item)}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}

function textOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Whether the case's activities existed when AWS ran it: the recording scheduled a task on one.
 * A case whose activity was never scheduled (deleted before the run) must meet a missing one.
 */
export function recordedActivitiesExist(testCase: ConformanceCase): boolean {
  return (testCase.history ?? []).some((event) => event.type === 'ActivityScheduled');
}

/**
 * What the recording shows between a task's scheduling and its result that a mock response
 * cannot carry (Step Functions Local's format holds only the result): the service's start
 * response in TaskSubmitted (`.sync`, `.waitForTaskToken`). Undefined when there is none.
 */
export function progressMocksCannotExpress(testCase: ConformanceCase): string | undefined {
  const submitted = recordedProgress(testCase.history ?? []).filter((step) => step.submitted !== undefined).length;
  return submitted ? `the recording has ${submitted} TaskSubmitted with the service's start response, which a mock configuration cannot express` : undefined;
}

/** What an activity worker did for AWS, task by task in scheduling order: its name and its answer. */
export interface RecordedActivityWork {
  readonly workerName?: string;
  readonly answer: { readonly kind: 'success'; readonly output: string } | { readonly kind: 'failure'; readonly error?: string; readonly cause?: string } | { readonly kind: 'none' };
}

/**
 * The recorded activity tasks as a worker performs them through the API (GetActivityTask with
 * the recorded worker name, then SendTaskSuccess/SendTaskFailure with the recorded result; a
 * recorded timeout is never answered).
 */
export function recordedActivityWork(testCase: ConformanceCase): RecordedActivityWork[] {
  const starts = (testCase.history ?? []).filter((event) => event.type === 'ActivityStarted');
  return (testCase.service_calls ?? []).filter(isActivityCall).map((call, index) => {
    const workerName = starts[index]?.activityStartedEventDetails?.workerName as string | undefined;
    const cause = textOf(call.cause);
    const answer: RecordedActivityWork['answer'] =
      call.outcome === 'succeeded'
        ? { kind: 'success', output: JSON.stringify(valueOf(call.output)) }
        : call.outcome === 'failed'
          ? { kind: 'failure', ...(typeof call.error === 'string' ? { error: call.error } : {}), ...(cause !== undefined ? { cause } : {}) }
          : { kind: 'none' };
    return { ...(workerName !== undefined ? { workerName } : {}), answer };
  });
}

function isActivityCall(call: Record<string, any>): boolean {
  return call.event === 'ActivityScheduled';
}

function recordedProgress(history: ReadonlyArray<Record<string, any>>): RecordedProgress[] {
  const byPrevious = new Map<number, Record<string, any>[]>();
  for (const event of history) {
    const list = byPrevious.get(event.previousEventId) ?? [];
    list.push(event);
    byPrevious.set(event.previousEventId, list);
  }
  const after = (event: Record<string, any>, type: string) => byPrevious.get(event.id)?.find((next) => next.type === type);
  const progress: RecordedProgress[] = [];
  for (const event of history) {
    const family = /^(Task|LambdaFunction|Activity)Scheduled$/.exec(String(event.type))?.[1];
    if (!family) continue;
    const started = after(event, `${family}Started`);
    const submitted = started && family === 'Task' ? after(started, 'TaskSubmitted') : undefined;
    progress.push({
      ...(started ? { started: { workerName: started.activityStartedEventDetails?.workerName } } : {}),
      ...(submitted ? { submitted: JSON.stringify(valueOf(submitted.taskSubmittedEventDetails?.output)) } : {}),
    });
  }
  return progress;
}
