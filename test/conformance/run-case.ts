import { createHash } from 'node:crypto';
import { formatInvalidDefinitionMessage, parseDefinition, validateDefinition } from '@stepstone/asl';
import {
  type DecisionEnv,
  type Effect,
  type ExecutionCommand,
  type ExecutionEvent,
  type ExecutionState,
  type ObjectStore,
  createInMemoryObjectStore,
  decideAndEvolve,
  isObjectStoreEffect,
  performObjectStoreEffect,
  initialExecutionState,
  isHistoryEvent,
  continuationOf,
  pendingEffects,
  taskCommand,
  toHistoryEvent,
} from '@stepstone/engine';
import { mockedOutcome } from '@stepstone/integrations';
import { asOfRecording, explainedByAwsRuleChange, matches, tokensOf, unverifiedFieldTokens } from './compare';
import { RECORDED_TEST_CASE, recordedActivitiesExist, recordedMocks } from './recorded-mocks';
import { type ConformanceCase, definitionTextOf, inputTextOf, resolveFixtureName } from './corpus';

export interface CaseOutcome {
  readonly id: string;
  readonly area: string;
  readonly file: string;
  readonly results: boolean;
  /** undefined when the case records no history. */
  readonly history?: boolean;
  readonly reason?: string;
}

/** What an execution produced, however it was run (in process or through the HTTP API). */
export interface ExecutionRun {
  readonly status: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly history: ReadonlyArray<Record<string, unknown>>;
  /** Why this way may not reproduce the recorded history exactly; added to a failing case's reason. */
  readonly limitation?: string;
}

const START = Date.parse('2024-01-01T00:00:00.000Z');
const EXECUTION_ARN = 'arn:aws:states:us-east-1:111111111111:execution:conformance:case';
/** EXPRESS executions are named as AWS names them: `express:<state machine>:<name>:<uuid>`. */
const EXPRESS_EXECUTION_ARN = 'arn:aws:states:us-east-1:111111111111:express:conformance:case:6c1c7e5e-6a4a-4c47-9f1e-3f0a7b0c2d11';
const STATE_MACHINE_NAME = 'conformance';
const STATE_MACHINE_ARN = `arn:aws:states:us-east-1:111111111111:stateMachine:${STATE_MACHINE_NAME}`;

function deterministicEnv(now: number, seed: { n: number }, activitiesExist: boolean): DecisionEnv {
  return {
    activityExists: async () => activitiesExist,
    now: new Date(now),
    random: () => ((seed.n = (seed.n * 16807) % 2147483647) - 1) / 2147483646,
    uuid: () => {
      const hex = createHash('sha256').update(String(seed.n++)).digest('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    },
    hash: (algorithm, data) => createHash(algorithm.replace('-', '').toLowerCase()).update(data, 'utf8').digest('hex'),
  };
}

/**
 * Runs a case's execution through the pure decider with a virtual clock: a Wait, a retry
 * backoff or a task's TimeoutSeconds/HeartbeatSeconds advances time to its deadline instead
 * of sleeping. Task states are answered by Step Functions Local's mocked responses, built
 * from the case's recorded service calls (see recorded-mocks.ts).
 */
export async function runInProcess(testCase: ConformanceCase): Promise<ExecutionRun> {
  const seed = { n: 42 };
  let now = START;
  const events: ExecutionEvent[] = [];
  const mocks = recordedMocks(testCase, STATE_MACHINE_NAME);
  const activitiesExist = recordedActivitiesExist(testCase);
  const answered = new Set<string>();
  const objectStore = objectStoreOf(testCase);
  const step = async (state: ExecutionState, command: ExecutionCommand): Promise<ExecutionState> => {
    const decided = await decideAndEvolve(state, command, deterministicEnv(now, seed, activitiesExist));
    events.push(...decided.events);
    return decided.state;
  };
  let state = await step(initialExecutionState, {
    type: 'StartExecution',
    executionArn: testCase.state_machine_type === 'EXPRESS' ? EXPRESS_EXECUTION_ARN : EXECUTION_ARN,
    stateMachineArn: STATE_MACHINE_ARN,
    name: 'case',
    executionType: testCase.state_machine_type ?? 'STANDARD',
    definition: definitionTextOf(testCase),
    input: inputTextOf(testCase),
    // The test account's role, recorded as a token (snf_role_arn) or as its ARN.
    roleArn: 'arn:aws:iam::111111111111:role/snf_role_arn',
    testCase: RECORDED_TEST_CASE,
  });
  for (let guard = 0; state.status === 'RUNNING' && guard < 100_000; guard++) {
    const effects = pendingEffects(state);
    const continued = continuationOf(effects);
    if (continued) {
      state = await step(state, continued);
      continue;
    }
    const objectStoreEffect = effects.find(isObjectStoreEffect);
    if (objectStoreEffect) {
      state = await step(state, await performObjectStoreEffect(objectStore, objectStoreEffect));
      continue;
    }
    const task = effects.find((effect): effect is Extract<Effect, { kind: 'task' }> => effect.kind === 'task' && !answered.has(effect.token));
    if (task) {
      // Like a dispatcher: the task is taken (a worker, the service), maybe submitted, then
      // answered by its mocked response; a recorded timeout is never answered, so its deadline fires.
      answered.add(task.token);
      const progress = mocks.nextProgress();
      if (progress?.started) state = await step(state, { type: 'StartTask', token: task.token, workerName: progress.started.workerName });
      if (progress?.submitted !== undefined) state = await step(state, { type: 'SubmitTask', token: task.token, output: progress.submitted });
      const outcome = mockedOutcome(mocks.config, { stateMachineName: STATE_MACHINE_NAME, testCase: RECORDED_TEST_CASE, stateName: task.stateName, invocation: task.invocation });
      if (!outcome) throw new NeedsIntegration(`needs integration: no recorded service call for state '${task.stateName}' (invocation ${task.invocation})`);
      if (outcome.kind !== 'timed_out') state = await step(state, taskCommand(task.token, outcome));
      continue;
    }
    const deadlines: Array<{ at: number; command: ExecutionCommand }> = [];
    for (const effect of effects) {
      if (effect.kind === 'timer') deadlines.push({ at: Date.parse(effect.wakeAt), command: { type: 'FireTimer', threadId: effect.threadId, enteredEventId: effect.enteredEventId } });
      if (effect.kind === 'execution-timeout') deadlines.push({ at: Date.parse(effect.at), command: { type: 'TimeOutExecution' } });
      if (effect.kind === 'task-deadline') deadlines.push({ at: Date.parse(effect.at), command: { type: 'TimeOutTask', token: effect.token, deadline: effect.deadline } });
    }
    deadlines.sort((a, b) => a.at - b.at);
    const first = deadlines[0];
    if (!first) throw new Error('execution is stuck: no timer and no task to complete');
    now = Math.max(now, first.at);
    state = await step(state, first.command);
  }
  return {
    status: state.status,
    output: state.output,
    error: state.error,
    cause: state.cause,
    history: events.filter(isHistoryEvent).map((event) => toHistoryEvent(event)),
  };
}

/** The objects the recorded test put in S3 (`fixtures.s3_objects`), in an in-memory store. */
export function objectStoreOf(testCase: ConformanceCase): ObjectStore {
  const store = createInMemoryObjectStore(() => new Date(START));
  for (const object of (testCase.fixtures?.s3_objects ?? []) as Array<{ bucket: string; key: string; body: string }>) {
    const bucket = resolveFixtureName(object.bucket);
    store.createBucket(bucket);
    void store.putObject(bucket, resolveFixtureName(object.key), object.body);
  }
  return store;
}

/** A case this way cannot run without the mocked services of the integration work. */
export class NeedsIntegration extends Error {}

/**
 * What a validation case's definition got: from ValidateStateMachineDefinition (result and
 * diagnostics), or from CreateStateMachine (accepted, or rejected with an error and message).
 */
export type ValidationAnswer =
  | { readonly api: 'validate'; readonly result: 'OK' | 'FAIL'; readonly diagnostics: ReadonlyArray<Record<string, unknown>> }
  | { readonly api: 'create'; readonly accepted: boolean; readonly error?: string; readonly message?: string };

/** A way of running the corpus: in process (the pure decider) or through the HTTP API. */
export interface ConformanceWay {
  execute(testCase: ConformanceCase): Promise<ExecutionRun>;
  validate(testCase: ConformanceCase): Promise<ValidationAnswer>;
}

/** Whether a validation case asks ValidateStateMachineDefinition (else CreateStateMachine). */
export function usesValidateApi(testCase: ConformanceCase): boolean {
  return testCase.expected.api === 'ValidateStateMachineDefinition' || Array.isArray(testCase.expected.diagnostics);
}

/** Validation in process: the language core, as the server's handlers call it. */
export async function validateInProcess(testCase: ConformanceCase): Promise<ValidationAnswer> {
  const text = definitionTextOf(testCase);
  const stateMachineType = testCase.state_machine_type ?? 'STANDARD';
  if (usesValidateApi(testCase)) {
    let diagnostics: readonly any[] = [];
    try {
      diagnostics = validateDefinition(JSON.parse(text), { stateMachineType }).diagnostics;
    } catch {
      diagnostics = parseDefinition(text, { stateMachineType }).diagnostics ?? [];
    }
    const shown = diagnostics.map((d) => ({ severity: d.severity, code: d.code, message: d.message, ...(d.location ? { location: d.location } : {}) }));
    return { api: 'validate', result: diagnostics.some((d) => d.severity === 'ERROR') ? 'FAIL' : 'OK', diagnostics: shown };
  }
  const parsed = parseDefinition(text, { stateMachineType });
  if (parsed.ok) return { api: 'create', accepted: true };
  return { api: 'create', accepted: false, error: parsed.error, message: parsed.message ?? formatInvalidDefinitionMessage(parsed.diagnostics ?? []) };
}

export const inProcessWay: ConformanceWay = { execute: runInProcess, validate: validateInProcess };

export async function runCase(testCase: ConformanceCase, way: ConformanceWay = inProcessWay): Promise<CaseOutcome> {
  const base = { id: testCase.id, area: testCase.area, file: testCase.file };
  if (testCase.kind === 'validation') {
    try {
      return { ...base, ...judgeValidation(testCase, await way.validate(testCase)) };
    } catch (error) {
      return { ...base, results: false, reason: `crashed: ${(error as Error)?.message ?? error}` };
    }
  }
  let run: ExecutionRun;
  try {
    run = await way.execute(testCase);
  } catch (error) {
    const reason = error instanceof NeedsIntegration ? error.message : `crashed: ${(error as Error)?.stack?.split('\n').slice(0, 3).join(' | ') ?? error}`;
    return { ...base, results: false, history: testCase.history ? false : undefined, reason };
  }
  const results = judgeResults(testCase, run);
  const history = testCase.history ? judgeHistory(testCase, run) : undefined;
  const failed = results.reason ?? history?.reason;
  const reason = failed && run.limitation ? `${failed} (${run.limitation})` : failed;
  return { ...base, results: results.ok, history: history?.ok, ...(reason ? { reason } : {}) };
}

function judgeValidation(testCase: ConformanceCase, answer: ValidationAnswer): { results: boolean; reason?: string } {
  const expected = testCase.expected;
  if (answer.api === 'validate') {
    if (expected.result && expected.result !== answer.result) return { results: false, reason: `result ${answer.result}, AWS ${expected.result}` };
    if (Array.isArray(expected.diagnostics) && !matches(expected.diagnostics, answer.diagnostics, [])) {
      return { results: false, reason: `diagnostics ${JSON.stringify(answer.diagnostics).slice(0, 200)}` };
    }
    return { results: true };
  }
  if (expected.result === 'OK') return answer.accepted ? { results: true } : { results: false, reason: `rejected: ${answer.message}` };
  if (answer.accepted) return { results: false, reason: 'accepted a definition AWS rejected' };
  if (expected.error && expected.error !== answer.error) return { results: false, reason: `error ${answer.error}` };
  if (expected.message && !matches(expected.message, answer.message, [])) return { results: false, reason: `message: ${answer.message}` };
  return { results: true };
}

function judgeResults(testCase: ConformanceCase, run: ExecutionRun): { ok: boolean; reason?: string } {
  const expected = testCase.expected;
  const tokens = tokensOf(expected.placeholders);
  if (expected.status && expected.status !== run.status) {
    return { ok: false, reason: `status ${run.status} (${run.error ?? ''}: ${(run.cause ?? '').slice(0, 160)}), AWS ${expected.status}` };
  }
  if ('output' in expected) {
    const actual = run.output === undefined ? undefined : JSON.parse(run.output);
    if (!matches(expected.output, actual, tokens)) return { ok: false, reason: `output ${run.output?.slice(0, 200)}` };
  }
  if ('error' in expected && (expected.error ?? undefined) !== (run.error ?? undefined) && !matches(expected.error, run.error, tokens)) {
    return { ok: false, reason: `error ${run.error}, AWS ${expected.error}` };
  }
  if ('cause' in expected && (expected.cause ?? undefined) !== (run.cause ?? undefined) && !matches(expected.cause, run.cause, tokens)) {
    return { ok: false, reason: `cause ${run.cause?.slice(0, 240)}` };
  }
  return { ok: true };
}

/** An event's members that are not its details: compared apart (type, ids) or not at all (time). */
const NOT_DETAILS = new Set(['type', 'id', 'previousEventId', 'timestamp']);

/**
 * History: event types in order (per branch as multisets inside Parallel/Map blocks, whose
 * interleaving AWS does not fix), then every recorded detail field.
 */
function judgeHistory(testCase: ConformanceCase, run: ExecutionRun): { ok: boolean; reason?: string } {
  const expected = testCase.history ?? [];
  const actual = run.history;
  // The role is the test account's: recorded as a token or an account-specific ARN.
  const tokens = [
    ...tokensOf(testCase.expected.placeholders),
    'snf_role_arn',
    'sfn_role_arn',
    'arn:<partition>:iam::111111111111:role/<role-name>',
    // The activity the test registered, normalised by the recording like the role.
    'activity_arn',
  ];
  const recordedAt = testCase.source?.aws_validated_date;
  /** A recorded detail field against the engine's, read the same way in both comparisons. */
  const detailMatches = (key: string, value: unknown, got: Record<string, unknown>) =>
    matches(value, asOfRecording(recordedAt, got[key]), [...tokens, ...unverifiedFieldTokens(key, value)]);
  const expectedTypes = expected.map((event) => event.type as string);
  const actualTypes = actual.map((event) => event.type as string);
  const ordered = expectedTypes.length === actualTypes.length && expectedTypes.every((type, i) => type === actualTypes[i]);
  if (!ordered) {
    const sameMultiset = expectedTypes.length === actualTypes.length && [...expectedTypes].sort().join() === [...actualTypes].sort().join();
    const branchy = expectedTypes.some((type) => type.startsWith('Parallel') || type.startsWith('Map'));
    if (!(sameMultiset && branchy)) {
      const at = expectedTypes.findIndex((type, i) => type !== actualTypes[i]);
      return { ok: false, reason: `history types differ at #${at + 1}: ${actualTypes[at] ?? 'end'}, AWS ${expectedTypes[at] ?? 'end'}` };
    }
    return detailsAsMultiset(expected, actual, detailMatches);
  }
  for (let i = 0; i < expected.length; i++) {
    const want = expected[i];
    const got = actual[i];
    const idsDiffer = typeof want.id === 'number' && want.id > 0 && (want.id !== got.id || want.previousEventId !== got.previousEventId);
    if (idsDiffer && !explainedByAwsRuleChange(recordedAt, want, got, expected, actual)) {
      return { ok: false, reason: `event #${i + 1} ${want.type}: ids ${got.id}/${got.previousEventId}, AWS ${want.id}/${want.previousEventId}` };
    }
    for (const [key, value] of Object.entries(want)) {
      if (NOT_DETAILS.has(key)) continue;
      if (!detailMatches(key, value, got)) {
        return { ok: false, reason: `event #${i + 1} ${want.type}.${key}: ${JSON.stringify(got[key])?.slice(0, 200)}` };
      }
    }
  }
  return { ok: true };
}

/** Every recorded event matched by a produced one of its type, each used once, whatever the order. */
function detailsAsMultiset(
  expected: ReadonlyArray<Record<string, any>>,
  actual: ReadonlyArray<Record<string, unknown>>,
  detailMatches: (key: string, value: unknown, got: Record<string, unknown>) => boolean,
): { ok: boolean; reason?: string } {
  const pool = [...actual];
  for (const want of expected) {
    const index = pool.findIndex((got) =>
      got.type === want.type &&
      Object.entries(want).every(([key, value]) => NOT_DETAILS.has(key) || detailMatches(key, value, got)),
    );
    if (index < 0) return { ok: false, reason: `no matching ${want.type} event (details differ)` };
    pool.splice(index, 1);
  }
  return { ok: true };
}
