import type { DecisionEnv, ExecutionCommand } from './commands';
import { createFoldScope, evolveOwned } from './evolve';
import { internDefinition, rememberParsed } from './payload-cache';
import {
  type ChildrenBook,
  type Cursor,
  type ExecutionState,
  type ThreadState,
  ROOT_THREAD,
  childThreadId,
} from './execution-state';
import {
  EVENT_SCHEMA_VERSION,
  type EventInternals,
  type ExecutionEvent,
  type ExecutionEventTypeName,
  type MapRunSettings,
  type StateKind,
} from './history-event';
import {
  type EvaluationScope,
  type JsonataStates,
  StatesError,
  applyInputPath,
  applyOutputPath,
  applyResultPath,
  evaluateJsonataField,
  isJsonPathNotFound,
  evaluatePayloadTemplate,
  languageEnv,
  evaluateReference,
  evaluateFieldExpression,
  formatNormalizedPath,
  parseTimestamp,
  selectChoice,
  selectChoiceJsonata,
  batchItems,
  batchLimit,
  itemsFromListing,
  itemsFromObject,
  readerSettings,
  toItemSource,
  toResultDestination,
  writerSettings,
} from './language';
import type { BatchSettings } from '@stepstone/asl';
import { MAX_EXECUTION_DURATION_MS, redrivabilityOf } from './redrive';
import { computeBackoffSeconds, findCatcher, findRetrier } from './retry';
import { awaitsResultWrite, mapRunResult } from './map-run';
import { makeTaskToken } from './task-token';
import { taskDeadlines } from './effects';
import { DEFAULT_TASK_TIMEOUT_SECONDS, type TaskEventFamily, integrationPatternOf, taskDetailsField, taskEventFamilyOf } from './task-resource';

/**
 * decide(state, command, env) → the events that happen next. Pure: time, ids and randomness
 * come from `env`. A whole run of pure states (Pass, Choice, Succeed, Fail and the entry of
 * the next waiting state) is decided in one call, so the runner appends it in one write.
 * Rejections (an unknown token, a stopped execution) decide nothing: an empty array.
 */
export async function decide(state: ExecutionState, command: ExecutionCommand, env: DecisionEnv): Promise<ExecutionEvent[]> {
  return (await decideAndEvolve(state, command, env)).events;
}

/** decide, plus the state those events fold to (the decider folds as it goes; no second fold). */
export async function decideAndEvolve(
  state: ExecutionState,
  command: ExecutionCommand,
  env: DecisionEnv,
): Promise<{ events: ExecutionEvent[]; state: ExecutionState }> {
  const decision = new Decision(state, env);
  await decision.handle(command);
  return { events: decision.events, state: decision.current };
}

type MaybePromise<T> = T | Promise<T>;

function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return value instanceof Promise;
}

type Step =
  /** `inputText`: the caller's exact JSON text, which AWS shows unchanged for the first state. */
  | { readonly kind: 'enter'; readonly name: string; readonly input: unknown; readonly inputText?: string }
  /** `outputText`: the output's JSON as the last Exited event wrote it (not stringified again). */
  | { readonly kind: 'end'; readonly output: unknown; readonly outputText?: string }
  /** `taskAttempt`: the failure of a task attempt that no Catch handled (its Task state is aborted in a branch). */
  | { readonly kind: 'fail'; readonly error?: string; readonly cause?: string; readonly taskAttempt?: boolean }
  | { readonly kind: 'blocked' };

interface Failure {
  readonly error?: string;
  readonly cause?: string;
  /** Raised while evaluating the state (paths, intrinsics, JSONata): AWS prefixes the cause. */
  readonly evaluation?: boolean;
  /**
   * Raised after the state's Entered event was recorded (a Wait's deadline): AWS's
   * EvaluationFailed then points at the Entered event, not where the Entered pointed.
   */
  readonly afterEntered?: boolean;
}

/** Errors AWS documents as terminal: no Retry or Catch (not even States.ALL) sees them. */
const UNCATCHABLE: ReadonlySet<string> = new Set(['States.Runtime', 'States.DataLimitExceeded']);

/**
 * A task's own failure with States.DataLimitExceeded (its result was too large) is caught
 * like any other: the corpus's test_task_lambda_catch_state_all_data_limit_exceeded_* cases
 * end in their States.ALL catcher.
 */
const TASK_UNCATCHABLE: ReadonlySet<string> = new Set(['States.Runtime']);

interface ErrorMatching {
  readonly alias?: string;
  readonly uncatchable?: ReadonlySet<string>;
}

const PAYLOAD_DETAILS = { truncated: false } as const;

/** AWS's quota on any state's input or output: 256 KiB of UTF-8. */
const MAX_PAYLOAD_BYTES = 256 * 1024;

/**
 * AWS's quota on an execution's history: 25,000 events. AWS fails the execution with
 * States.Runtime, and the failure itself is event 25,000 (the last real event is 24,999).
 */
export const MAX_HISTORY_EVENTS = 25_000;
const HISTORY_LIMIT_CAUSE = `The execution reached the maximum number of history events (${MAX_HISTORY_EVENTS}).`;

const MAX_DURATION_CAUSE = 'The execution reached the maximum execution time of one year.';

/** Each state kind's Entered/Exited event type, made once (not a new string per event). */
const ENTERED_TYPE = stateEventTypes('StateEntered');
const EXITED_TYPE = stateEventTypes('StateExited');

function stateEventTypes(suffix: 'StateEntered' | 'StateExited'): Readonly<Record<StateKind, ExecutionEventTypeName>> {
  const kinds: readonly StateKind[] = ['Pass', 'Task', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map'];
  return Object.fromEntries(kinds.map((kind) => [kind, `${kind}${suffix}` as ExecutionEventTypeName])) as Record<StateKind, ExecutionEventTypeName>;
}

/**
 * Shared, frozen internals: `{ next }` per state name, and the `x` of a top-level event that
 * carries nothing else (most events: every Entered, every Exited). An in-process run keeps every
 * event it writes, and an object less per event is one less for each garbage collection to copy
 * and mark. Bounded: names come from definitions, and a cache that filled up starts over.
 */
const MAX_SHARED_INTERNALS = 4_096;
const nextOnlyInternals = new Map<string, Readonly<{ next: string }>>();
const rootEventInternals = new Map<string, EventInternals>();
const ROOT_EVENT_INTERNALS: EventInternals = Object.freeze({ v: EVENT_SCHEMA_VERSION, th: ROOT_THREAD });

function nextOnly(next: string | undefined): Readonly<{ next: string }> | undefined {
  if (next === undefined) return undefined;
  let internals = nextOnlyInternals.get(next);
  if (!internals) {
    if (nextOnlyInternals.size >= MAX_SHARED_INTERNALS) nextOnlyInternals.clear();
    internals = Object.freeze({ next });
    nextOnlyInternals.set(next, internals);
  }
  return internals;
}

function rootInternals(next: string | undefined): EventInternals {
  if (next === undefined) return ROOT_EVENT_INTERNALS;
  let internals = rootEventInternals.get(next);
  if (!internals) {
    if (rootEventInternals.size >= MAX_SHARED_INTERNALS) rootEventInternals.clear();
    internals = Object.freeze({ v: EVENT_SCHEMA_VERSION, th: ROOT_THREAD, next });
    rootEventInternals.set(next, internals);
  }
  return internals;
}

/**
 * An event, its fields in the stored order (type, id, previousEventId, timestamp, details, x).
 * Entered and Exited events (most of them) are object literals of one shape each: adding the
 * details under a computed name was a keyed store of many shapes, a tenth of a Pass chain.
 */
function newEvent(
  type: ExecutionEventTypeName,
  id: number,
  previousEventId: number,
  timestamp: string,
  detailsField: string | undefined,
  details: Record<string, unknown> | undefined,
  x: EventInternals,
): ExecutionEvent {
  if (detailsField === 'stateEnteredEventDetails') return { type, id, previousEventId, timestamp, stateEnteredEventDetails: details ?? {}, x };
  if (detailsField === 'stateExitedEventDetails') return { type, id, previousEventId, timestamp, stateExitedEventDetails: details ?? {}, x };
  const event: Record<string, unknown> = { type, id, previousEventId, timestamp };
  if (detailsField) event[detailsField] = details ?? {};
  event.x = x;
  return event as unknown as ExecutionEvent;
}

const CLOSING_TYPES = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut']);

/** Raised by `emit` when the next event would pass the history quota; `handle` closes the execution. */
class HistoryLimitReached extends Error {}

class Decision {
  readonly events: ExecutionEvent[] = [];
  private readonly nowIso: string;
  /** Work left in this decision, in order: branch runs, iteration starts, continuations. */
  private readonly jobs: Array<() => MaybePromise<void>> = [];
  /** previousEventId for a thread's next event when AWS links it elsewhere (a branch's last event). */
  private readonly pointerOverrides = new Map<string, number>();
  /** Retries whose backoff ended by this decision's `now` (IntervalSeconds 0): see drain. */
  private readonly dueRetries: Array<{ readonly threadId: string; readonly enteredEventId: number }> = [];
  /** The decision folds its own events in place: only its last state leaves it. */
  private readonly foldScope = createFoldScope();

  constructor(
    private state: ExecutionState,
    private readonly env: DecisionEnv,
  ) {
    this.nowIso = env.now.toISOString();
  }

  get current(): ExecutionState {
    return this.state;
  }

  async handle(command: ExecutionCommand): Promise<void> {
    try {
      await this.handleCommand(command);
    } catch (error) {
      if (!(error instanceof HistoryLimitReached)) throw error;
      // Unbounded loops of pure states end here too, instead of deciding forever.
      this.jobs.length = 0;
      this.emit(ROOT_THREAD, 'ExecutionFailed', 'executionFailedEventDetails', { error: 'States.Runtime', cause: HISTORY_LIMIT_CAUSE }, {}, this.state.lastEventId);
    }
  }

  private async handleCommand(command: ExecutionCommand): Promise<void> {
    if (command.type === 'StartExecution') {
      if (this.state.status !== 'NONE') return;
      this.startExecution(command);
      await this.drain();
      return;
    }
    if (command.type === 'RedriveExecution') {
      this.redrive(command);
      await this.drain();
      return;
    }
    if (this.state.status !== 'RUNNING') return;
    switch (command.type) {
      case 'FireTimer':
        await this.fireTimer(command.threadId, command.enteredEventId);
        break;
      case 'StartTask': {
        const found = this.findTask(command.token);
        if (found && !found.cursor.taskStarted) this.emitTaskStarted(found.thread.id, found.cursor, command.workerName);
        break;
      }
      case 'CompleteTask':
        await this.completeTask(command.token, command.output);
        break;
      case 'FailTask':
        await this.failTask(command.token, command.error, command.cause, 'Failed');
        break;
      case 'SubmitTask':
        this.submitTask(command.token, command.output);
        break;
      case 'HeartbeatTask':
        this.heartbeat(command.token);
        break;
      case 'TimeOutTask':
        await this.timeOutTask(command);
        break;
      case 'CompleteItemRead':
        await this.itemsRead(command);
        break;
      case 'CompleteResultWrite':
        this.resultsWritten(command);
        break;
      case 'StopExecution':
        this.abortAll();
        this.emit(ROOT_THREAD, 'ExecutionAborted', 'executionAbortedEventDetails', compact({ error: command.error, cause: command.cause }), {
          actor: command.actor,
        });
        return;
      case 'TimeOutExecution': {
        // A deadline a redrive moved later may still fire: it decides nothing.
        if (Date.parse(this.state.start?.timeoutAt ?? this.nowIso) > this.env.now.getTime()) return;
        this.abortAll();
        // The definition's TimeoutSeconds ends it silently; the one-year quota is States.Timeout (AWS's quotas page).
        const start = this.state.start!;
        const ownTimeout = start.definitionObject.TimeoutSeconds;
        const byQuota = typeof ownTimeout !== 'number' || Date.parse(start.timeoutAt ?? start.startDate) === Date.parse(start.startDate) + MAX_EXECUTION_DURATION_MS;
        this.emit(ROOT_THREAD, 'ExecutionTimedOut', 'executionTimedOutEventDetails', byQuota ? { error: 'States.Timeout', cause: MAX_DURATION_CAUSE } : {});
        return;
      }
    }
    await this.drain();
  }

  // ---- events ---------------------------------------------------------------------------

  private emit(
    threadId: string,
    type: ExecutionEventTypeName,
    detailsField?: string,
    details?: Record<string, unknown>,
    internals?: Partial<EventInternals>,
    previousEventId?: number,
  ): ExecutionEvent {
    const thread = this.state.threads[threadId];
    // Iterations of a Distributed Map run as child workflows on AWS: their events are kept
    // (they drive the fold) but numbered apart and left out of the parent's history.
    const hidden =
      internals?.hidden === true || thread?.hidden === true || (type.startsWith('MapIteration') && thread?.cursor?.children?.distributed === true);
    const id = hidden ? -(this.state.hiddenEvents + 1) : this.state.lastEventId + 1;
    if (id > MAX_HISTORY_EVENTS || (id === MAX_HISTORY_EVENTS && !CLOSING_TYPES.has(type))) throw new HistoryLimitReached();
    let override: number | undefined;
    if (this.pointerOverrides.size > 0) {
      override = this.pointerOverrides.get(threadId);
      if (override !== undefined) this.pointerOverrides.delete(threadId);
    }
    let x: EventInternals;
    if (!hidden && threadId === ROOT_THREAD && (internals === undefined || internals === nextOnly(internals.next))) {
      x = rootInternals(internals?.next);
    } else {
      const built: Record<string, unknown> = { v: EVENT_SCHEMA_VERSION, th: threadId };
      if (internals) for (const key in internals) built[key] = internals[key as keyof EventInternals];
      if (hidden) built.hidden = true;
      x = built as unknown as EventInternals;
    }
    const event = newEvent(type, id, previousEventId ?? override ?? thread?.pointer ?? this.state.lastEventId, this.nowIso, detailsField, details, x);
    // Events never change once emitted: the runner hands them over to the store (AppendRequest.handedOver).
    this.events.push(event);
    this.state = evolveOwned(this.state, event, this.foldScope);
    return event;
  }

  private thread(threadId: string): ThreadState {
    const thread = this.state.threads[threadId];
    if (!thread) throw new Error(`internal: no thread ${threadId}`);
    return thread;
  }

  private cursorOf(threadId: string): Cursor {
    const cursor = this.thread(threadId).cursor;
    if (!cursor) throw new Error(`internal: thread ${threadId} is not in a state`);
    return cursor;
  }

  private stateDefinition(threadId: string, name: string): Record<string, any> {
    return this.thread(threadId).states[name] as Record<string, any>;
  }

  private queryLanguageOf(threadId: string, definition: Record<string, any>): 'JSONPath' | 'JSONata' {
    return definition.QueryLanguage ?? this.thread(threadId).queryLanguage;
  }

  // ---- the run loop ---------------------------------------------------------------------

  /**
   * Runs the jobs; then each retry already due fires here, after the whole decision, as its
   * timer's FireTimer would have fired in the next decision at this same `now`: the same
   * events in the same order, without the append → timer → reload round trip per attempt.
   */
  private drain(): MaybePromise<void> {
    while (this.jobs.length > 0 && this.state.status === 'RUNNING') {
      const pending = this.jobs.shift()!();
      if (pending) return pending.then(() => this.drain());
    }
    const due = this.dueRetries.shift();
    // A pending pointer override belongs to this decision's events; a new decision starts without one.
    if (!due || this.state.status !== 'RUNNING' || this.pointerOverrides.size > 0) return;
    return this.fireTimer(due.threadId, due.enteredEventId).then(() => this.drain());
  }

  /** Notes a retry whose backoff has already ended, for drain to start within this decision. */
  private retryWhenDue(threadId: string, plan: { readonly wakeAt: string }): void {
    if (Date.parse(plan.wakeAt) > this.env.now.getTime()) return;
    this.dueRetries.push({ threadId, enteredEventId: this.cursorOf(threadId).enteredEventId });
  }

  private schedule(threadId: string, step: Step): void {
    this.jobs.push(() => (this.state.threads[threadId] ? this.run(threadId, step) : undefined));
  }

  private scheduleAsync(threadId: string, compute: () => Promise<Step>): void {
    this.jobs.push(async () => {
      if (this.state.threads[threadId]) await this.run(threadId, await compute());
    });
  }

  /**
   * Runs a thread from `first` until it blocks or ends. Synchronous while its states are (a
   * JSONPath Pass, Choice, Succeed): a decision then never yields to the event loop, so fifty
   * decisions in flight do not interleave at every state and keep all their events alive at
   * once. It returns a promise from the first state that has to wait (JSONata, a Task).
   */
  private run(threadId: string, first: Step): MaybePromise<void> {
    let step = first;
    while (this.state.status === 'RUNNING') {
      switch (step.kind) {
        case 'enter': {
          const entered = this.enterState(threadId, step.name, step.input, step.inputText);
          if (isPromise(entered)) return entered.then((next) => this.run(threadId, next));
          step = entered;
          break;
        }
        case 'blocked':
          return;
        case 'end':
        case 'fail':
          this.endThread(threadId, step);
          return;
      }
    }
  }

  private startExecution(command: Extract<ExecutionCommand, { type: 'StartExecution' }>): void {
    const definition = internDefinition(command.definition).object;
    // AWS's maximum execution time (one year) bounds every execution, TimeoutSeconds or not.
    const maxDurationAt = this.env.now.getTime() + MAX_EXECUTION_DURATION_MS;
    const timeoutAt = new Date(
      typeof definition.TimeoutSeconds === 'number' ? Math.min(this.env.now.getTime() + definition.TimeoutSeconds * 1000, maxDurationAt) : maxDurationAt,
    ).toISOString();
    const input = JSON.parse(command.input) as unknown;
    const details = {
      input: command.input,
      inputDetails: PAYLOAD_DETAILS,
      roleArn: command.roleArn,
      ...(command.stateMachineAliasArn ? { stateMachineAliasArn: command.stateMachineAliasArn } : {}),
      ...(command.stateMachineVersionArn ? { stateMachineVersionArn: command.stateMachineVersionArn } : {}),
    };
    rememberParsed(details, 'input', input);
    this.emit(ROOT_THREAD, 'ExecutionStarted', 'executionStartedEventDetails', details, {
      start: {
        executionArn: command.executionArn,
        stateMachineArn: command.stateMachineArn,
        name: command.name,
        type: command.executionType,
        definition: command.definition,
        timeoutAt,
        ...(command.traceHeader ? { traceHeader: command.traceHeader } : {}),
        ...(command.testCase ? { testCase: command.testCase } : {}),
      },
      actor: command.actor,
    }, 0);
    this.schedule(ROOT_THREAD, { kind: 'enter', name: definition.StartAt as string, input, inputText: command.input });
  }

  // ---- entering and leaving states ------------------------------------------------------

  private enterState(threadId: string, name: string, input: unknown, inputText?: string): MaybePromise<Step> {
    const definition = this.stateDefinition(threadId, name);
    const kind = definition.Type as StateKind;
    const language = this.queryLanguageOf(threadId, definition);
    if (kind === 'Wait') return this.enterWait(threadId, name, definition, language, input, inputText);
    this.emitEntered(threadId, name, kind, input, inputText);
    return this.executeEntered(threadId, kind, definition, language);
  }

  /** A Wait's deadline is evaluated before its Entered event, which carries it. */
  private async enterWait(threadId: string, name: string, definition: Record<string, any>, language: 'JSONPath' | 'JSONata', input: unknown, inputText?: string): Promise<Step> {
    let wakeAt: string | undefined;
    let deadlineFailure: Failure | undefined;
    try {
      wakeAt = await this.waitDeadline(threadId, name, definition, language, input);
    } catch (error) {
      deadlineFailure = toFailure(error);
    }
    this.emitEntered(threadId, name, 'Wait', input, inputText, wakeAt);
    if (deadlineFailure) return this.stateFailed(threadId, { ...deadlineFailure, afterEntered: true });
    return this.executeEntered(threadId, 'Wait', definition, language);
  }

  private emitEntered(threadId: string, name: string, kind: StateKind, input: unknown, inputText?: string, wakeAt?: string): void {
    const details = { input: inputText ?? json(input), inputDetails: PAYLOAD_DETAILS, name };
    rememberParsed(details, 'input', input);
    this.emit(threadId, ENTERED_TYPE[kind], 'stateEnteredEventDetails', details, wakeAt ? { wakeAt } : undefined);
  }

  /** executeState, its failures (thrown, or a rejected promise) routed through Catch. */
  private executeEntered(threadId: string, kind: StateKind, definition: Record<string, any>, language: 'JSONPath' | 'JSONata'): MaybePromise<Step> {
    let result: MaybePromise<Step>;
    try {
      result = this.executeState(threadId, kind, definition, language);
    } catch (error) {
      return this.stateFailed(threadId, toFailure(error));
    }
    return isPromise(result) ? result.catch((error: unknown) => this.stateFailed(threadId, toFailure(error))) : result;
  }

  private executeState(threadId: string, kind: StateKind, definition: Record<string, any>, language: 'JSONPath' | 'JSONata'): MaybePromise<Step> {
    const cursor = this.cursorOf(threadId);
    const input = cursor.input;
    switch (kind) {
      case 'Pass': {
        if (language === 'JSONata') return this.executeJsonataPass(threadId, definition, input);
        const scope = this.scope(threadId, this.selectInput(threadId, definition.InputPath, input));
        const effective = definition.Parameters !== undefined ? this.payload(definition.Parameters, scope) : scope.input;
        const result = 'Result' in definition ? definition.Result : effective;
        const assigned = definition.Assign === undefined ? undefined : this.jsonPathAssign(definition, this.scope(threadId, result));
        const output = this.selectOutput(threadId, definition.OutputPath, applyResultPath(definition.ResultPath, input, result));
        return this.exitState(threadId, definition, output, assigned);
      }
      case 'Wait':
        return { kind: 'blocked' };
      case 'Succeed':
      case 'Choice':
        return this.evaluatePassThrough(threadId, kind, definition, language);
      case 'Fail':
        return this.failState(threadId, definition, language);
      case 'Task':
        return this.scheduleTask(threadId, definition, language);
      case 'Parallel':
      case 'Map':
        return this.startChildren(threadId, kind, definition, language);
    }
  }

  private async executeJsonataPass(threadId: string, definition: Record<string, any>, input: unknown): Promise<Step> {
    const states = this.jsonataStates(threadId, input);
    const output = 'Output' in definition ? await this.jsonata(threadId, definition.Output, states, 'Output') : input;
    const assigned = await this.jsonataAssign(threadId, definition, states);
    return this.exitState(threadId, definition, output, assigned);
  }

  private async evaluateJsonataPassThrough(threadId: string, kind: 'Choice' | 'Succeed', definition: Record<string, any>, input: unknown): Promise<Step> {
    const states = this.jsonataStates(threadId, input);
    let next: string | undefined;
    let outputField: unknown = definition.Output;
    let assignField: unknown = definition.Assign;
    let hasOutput = 'Output' in definition;
    if (kind === 'Choice') {
      const selection = await selectChoiceJsonata(definition as any, { states, variables: this.thread(threadId).variables }, languageEnv(this.env));
      if (!selection) throw new StatesError('States.NoChoiceMatched', 'No Matches!');
      next = selection.next;
      const rule = selection.rule as Record<string, unknown> | undefined;
      if (rule && 'Output' in rule) {
        outputField = rule.Output;
        hasOutput = true;
      }
      if (rule && 'Assign' in rule) assignField = rule.Assign;
    }
    const output = hasOutput ? await this.jsonata(threadId, outputField, states, 'Output') : input;
    const assigned = assignField !== undefined ? await this.jsonataAssign(threadId, { Assign: assignField }, states) : undefined;
    return this.exitState(threadId, definition, output, assigned, next);
  }

  /** Choice and Succeed: InputPath/OutputPath (or Output) around the input, Choice picks Next. */
  private evaluatePassThrough(threadId: string, kind: 'Choice' | 'Succeed', definition: Record<string, any>, language: 'JSONPath' | 'JSONata'): MaybePromise<Step> {
    const input = this.cursorOf(threadId).input;
    if (language === 'JSONata') return this.evaluateJsonataPassThrough(threadId, kind, definition, input);
    const effective = this.selectInput(threadId, definition.InputPath, input);
    let next: string | undefined;
    if (kind === 'Choice') {
      // The scope builds the context object only if a rule reads `$$`.
      next = selectChoice(definition as any, effective, this.scope(threadId, effective));
      if (next === undefined) throw new StatesError('States.NoChoiceMatched', 'No Matches!');
    }
    const assigned = this.jsonPathAssign(definition, this.scope(threadId, effective));
    const output = this.selectOutput(threadId, definition.OutputPath, effective);
    return this.exitState(threadId, definition, output, assigned, next);
  }

  private async failState(threadId: string, definition: Record<string, any>, language: 'JSONPath' | 'JSONata'): Promise<Step> {
    const input = this.cursorOf(threadId).input;
    if (language === 'JSONata') {
      const states = this.jsonataStates(threadId, input);
      const error = definition.Error !== undefined ? await this.jsonata(threadId, definition.Error, states, 'Error') : undefined;
      const cause = definition.Cause !== undefined ? await this.jsonata(threadId, definition.Cause, states, 'Cause') : undefined;
      return { kind: 'fail', error: error as string | undefined, cause: cause as string | undefined };
    }
    const error = definition.ErrorPath !== undefined ? this.failField(threadId, definition.ErrorPath, input, 'ErrorPath') : definition.Error;
    const cause = definition.CausePath !== undefined ? this.failField(threadId, definition.CausePath, input, 'CausePath') : definition.Cause;
    return { kind: 'fail', error, cause };
  }

  private failField(threadId: string, path: string, input: unknown, field: string): string {
    const resolved = evaluateFieldExpression(path, this.scope(threadId, input), languageEnv(this.env), field);
    return typeof resolved === 'string' ? resolved : json(resolved);
  }

  /** Leaves the current state: *StateExited, then the next state or the end of the branch. */
  private exitState(
    threadId: string,
    definition: Record<string, any>,
    output: unknown,
    assigned?: Record<string, unknown>,
    chosenNext?: string,
  ): Step {
    const cursor = this.cursorOf(threadId);
    const next: string | undefined = chosenNext ?? (definition.End === true ? undefined : (definition.Next as string | undefined));
    const outputText = json(output);
    if (exceedsPayloadQuota(outputText)) {
      // AWS's payload quota (256 KiB): terminal, no Retry or Catch, no Exited event.
      return {
        kind: 'fail',
        error: 'States.DataLimitExceeded',
        cause: `The state/task '${cursor.name}' returned a result with a size exceeding the maximum number of bytes service limit.`,
      };
    }
    const details: Record<string, unknown> = { name: cursor.name, output: outputText, outputDetails: PAYLOAD_DETAILS };
    if (assigned && Object.keys(assigned).length > 0) {
      const texts: Record<string, string> = {};
      for (const [key, value] of Object.entries(assigned)) texts[key] = json(value);
      details.assignedVariables = texts;
      details.assignedVariablesDetails = PAYLOAD_DETAILS;
      rememberParsed(details, 'assignedVariables$parsed', assigned);
    }
    rememberParsed(details, 'output', output);
    this.emit(threadId, EXITED_TYPE[cursor.kind], 'stateExitedEventDetails', details, next !== undefined ? nextOnly(next) : undefined);
    if (cursor.kind === 'Succeed' || next === undefined) return { kind: 'end', output, outputText };
    // The next state's Entered input is this same text: no second JSON.stringify of it.
    return { kind: 'enter', name: next, input: output, inputText: outputText };
  }

  // ---- failures: Retry, Catch, propagation ----------------------------------------------

  /**
   * A state failed outside a task attempt (evaluation errors, a Fail state, a branch). Catch
   * may route it; otherwise the branch (or the execution) fails.
   */
  private async stateFailed(threadId: string, failure: Failure): Promise<Step> {
    const cursor = this.cursorOf(threadId);
    const cause = failure.evaluation ? this.withStatePrefix(cursor, failure) : failure.cause;
    const caught = await this.tryCatch(threadId, failure.error, cause);
    if (caught) return caught;
    if (failure.evaluation && failure.error === 'States.QueryEvaluationError') {
      // AWS records JSONata failures as EvaluationFailed, pointing where the state's Entered
      // pointed (a Wait's deadline, evaluated once the state is entered: at the Entered event).
      // The field is named in AWS's message: "...specified for the field 'Output'" for a
      // failing expression, "The Timestamp field cannot be parsed..." for a bad result.
      const field = /specified for the field '([^']+)'|The (\w+) field cannot be parsed/.exec(cause ?? '')?.slice(1).find((name) => name !== undefined);
      const location = field && !field.startsWith('Arguments') ? field : undefined;
      this.emit(
        threadId,
        'EvaluationFailed',
        'evaluationFailedEventDetails',
        compact({ cause, error: failure.error, location, state: cursor.name }),
        {},
        failure.afterEntered ? cursor.enteredEventId : cursor.enteredPointer,
      );
      if (cursor.kind === 'Map' || cursor.kind === 'Parallel') this.emit(threadId, `${cursor.kind}StateFailed`);
    }
    return { kind: 'fail', error: failure.error, cause };
  }

  /** AWS prefixes evaluation errors with the state and the id of its Entered event. */
  private withStatePrefix(cursor: Cursor, failure: Failure): string | undefined {
    if (failure.cause === undefined) return undefined;
    const prefix = `An error occurred while executing the state '${cursor.name}' (entered at the event id #${cursor.enteredEventId}). `;
    return failure.cause.startsWith('An error occurred while executing the state') ? failure.cause : prefix + failure.cause;
  }

  private async tryCatch(threadId: string, error: string | undefined, cause: string | undefined, matching: ErrorMatching = {}): Promise<Step | undefined> {
    const cursor = this.cursorOf(threadId);
    const definition = this.stateDefinition(threadId, cursor.name);
    if ((matching.uncatchable ?? UNCATCHABLE).has(error ?? '') || !Array.isArray(definition.Catch)) return undefined;
    const catcher = findCatcher(definition.Catch, error ?? '', matching.alias);
    if (!catcher) return undefined;
    // A failure that names no error (SendTaskFailure without one) reaches Catch as nulls, as on AWS.
    const errorOutput = error === undefined ? { Error: null, Cause: cause ?? null } : compact({ Error: error, Cause: cause });
    const language = this.queryLanguageOf(threadId, definition);
    let output: unknown;
    let assigned: Record<string, unknown> | undefined;
    if (language === 'JSONata') {
      const states = this.jsonataStates(threadId, cursor.input, { errorOutput });
      output = 'Output' in catcher ? await this.jsonata(threadId, catcher.Output, states, 'Output') : errorOutput;
      assigned = catcher.Assign !== undefined ? await this.jsonataAssign(threadId, { Assign: catcher.Assign }, states) : undefined;
    } else {
      assigned = this.jsonPathAssign(catcher, this.scope(threadId, errorOutput));
      output = applyResultPath(catcher.ResultPath, cursor.input, errorOutput);
    }
    return this.exitState(threadId, {}, output, assigned, catcher.Next as string);
  }

  /**
   * The retrier that applies to `error` now, as the fields the failure event carries (which
   * retrier, which attempt, when the backoff ends), or undefined when no retry applies.
   */
  private retryPlan(
    threadId: string,
    error: string | undefined,
    matching: ErrorMatching = {},
  ): { retry: { retrier: number; attempt: number }; wakeAt: string } | undefined {
    const cursor = this.cursorOf(threadId);
    const definition = this.stateDefinition(threadId, cursor.name);
    if ((matching.uncatchable ?? UNCATCHABLE).has(error ?? '') || !Array.isArray(definition.Retry)) return undefined;
    const found = findRetrier(definition.Retry, error ?? '', matching.alias);
    if (!found) return undefined;
    const attempt = cursor.retryCounts[found.index] ?? 0;
    const maxAttempts = typeof found.retrier.MaxAttempts === 'number' ? found.retrier.MaxAttempts : 3;
    if (attempt >= maxAttempts) return undefined;
    const seconds = computeBackoffSeconds(found.retrier, attempt, this.env.random);
    return {
      retry: { retrier: found.index, attempt: attempt + 1 },
      wakeAt: new Date(this.env.now.getTime() + Math.round(seconds * 1000)).toISOString(),
    };
  }

  private endThread(threadId: string, step: Extract<Step, { kind: 'end' | 'fail' }>): void {
    const thread = this.thread(threadId);
    if (thread.parentId === undefined) {
      if (step.kind === 'end') {
        const details = { output: step.outputText ?? json(step.output), outputDetails: PAYLOAD_DETAILS };
        this.emit(threadId, 'ExecutionSucceeded', 'executionSucceededEventDetails', details);
      } else {
        this.emit(threadId, 'ExecutionFailed', 'executionFailedEventDetails', compact({ error: step.error, cause: step.cause }));
      }
      return;
    }
    this.branchEnded(thread, step);
  }

  // ---- Wait -----------------------------------------------------------------------------

  private async waitDeadline(threadId: string, name: string, definition: Record<string, any>, language: 'JSONPath' | 'JSONata', input: unknown): Promise<string> {
    const nowMs = this.env.now.getTime();
    let seconds: unknown = definition.Seconds;
    let timestamp: unknown = definition.Timestamp;
    if (language === 'JSONata') {
      const states: JsonataStates = { input, context: this.context(threadId, { name, enteredTime: this.nowIso }) };
      if (typeof seconds === 'string') {
        seconds = await this.jsonata(threadId, seconds, states, 'Seconds');
        if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
          throw new StatesError('States.QueryEvaluationError', `The Seconds field cannot be parsed as a non-negative integer: ${textOf(seconds)}`);
        }
      }
      if (typeof definition.Timestamp === 'string') {
        timestamp = await this.jsonata(threadId, definition.Timestamp, states, 'Timestamp');
        if (typeof timestamp !== 'string' || !parseTimestamp(timestamp)) {
          throw new StatesError('States.QueryEvaluationError', `The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${textOf(timestamp)}`);
        }
      }
    } else {
      const scope = this.scope(threadId, this.selectInput(threadId, definition.InputPath, input));
      if (typeof definition.SecondsPath === 'string') {
        const path = definition.SecondsPath;
        seconds = resolveReference(path, scope, () => `The SecondsPath parameter does not reference an input value: ${path}`);
        if (typeof seconds !== 'number' || !Number.isInteger(seconds)) {
          throw new StatesError('States.Runtime', `The SecondsPath parameter cannot be parsed as a long value: ${path} == ${textOf(seconds)}`);
        }
      }
      if (typeof definition.TimestampPath === 'string') {
        const path = definition.TimestampPath;
        timestamp = resolveReference(path, scope, () => `The TimestampPath parameter does not reference an input value: ${path}`);
        if (typeof timestamp !== 'string' || !parseTimestamp(timestamp)) {
          throw new StatesError('States.Runtime', `The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: ${path} == ${textOf(timestamp)}`);
        }
      }
    }
    if (seconds !== undefined) {
      const wait = typeof seconds === 'number' ? Math.max(0, seconds) : 0;
      return new Date(nowMs + wait * 1000).toISOString();
    }
    if (typeof timestamp === 'string') {
      const ms = Date.parse(timestamp);
      return new Date(Number.isNaN(ms) ? nowMs : Math.max(ms, nowMs)).toISOString();
    }
    return this.nowIso;
  }

  private async fireTimer(threadId: string, enteredEventId: number): Promise<void> {
    const thread = this.state.threads[threadId];
    const cursor = thread?.cursor;
    if (!thread || !cursor || cursor.enteredEventId !== enteredEventId) return;
    if (cursor.phase === 'wait') {
      const definition = this.stateDefinition(threadId, cursor.name);
      const language = this.queryLanguageOf(threadId, definition);
      let step: Step;
      try {
        if (language === 'JSONata') {
          const states = this.jsonataStates(threadId, cursor.input);
          const output = 'Output' in definition ? await this.jsonata(threadId, definition.Output, states, 'Output') : cursor.input;
          step = this.exitState(threadId, definition, output, await this.jsonataAssign(threadId, definition, states));
        } else {
          const effective = this.selectInput(threadId, definition.InputPath, cursor.input);
          const assigned = this.jsonPathAssign(definition, this.scope(threadId, effective));
          step = this.exitState(threadId, definition, this.selectOutput(threadId, definition.OutputPath, effective), assigned);
        }
      } catch (error) {
        step = await this.stateFailed(threadId, toFailure(error));
      }
      this.schedule(threadId, step);
      return;
    }
    if (cursor.phase === 'retry') {
      const definition = this.stateDefinition(threadId, cursor.name);
      const language = this.queryLanguageOf(threadId, definition);
      let step: Step;
      try {
        step = cursor.kind === 'Task' ? await this.scheduleTask(threadId, definition, language) : await this.startChildren(threadId, cursor.kind as 'Map' | 'Parallel', definition, language);
      } catch (error) {
        step = await this.stateFailed(threadId, toFailure(error));
      }
      this.schedule(threadId, step);
    }
  }

  // ---- Task -----------------------------------------------------------------------------

  private async scheduleTask(threadId: string, definition: Record<string, any>, language: 'JSONPath' | 'JSONata'): Promise<Step> {
    const cursor = this.cursorOf(threadId);
    const attempt = cursor.retryCounts.reduce((sum, count) => sum + (count ?? 0), 0);
    const executionArn = this.state.start!.executionArn;
    const token = makeTaskToken(executionArn, this.env.hash('SHA-256', `${executionArn}|${threadId}|${cursor.enteredEventId}|${attempt}`));
    // `$$.Task.Token` exists where someone completes the task by token: callbacks, `.sync` jobs
    // (corpus: test_sync_with_task_token) and activities; a request-response call has none
    // (corpus: test_lambda_service_invoke_with_retry_extended_input).
    const resourceArn = String(definition.Resource ?? '');
    const byToken = integrationPatternOf(resourceArn) !== 'request-response' || taskEventFamilyOf(resourceArn) === 'Activity';
    const contextToken = byToken ? token : undefined;
    let parameters: unknown;
    let credentials: unknown;
    if (language === 'JSONata') {
      const states = this.jsonataStates(threadId, cursor.input, {}, contextToken);
      parameters = definition.Arguments !== undefined ? await this.jsonata(threadId, definition.Arguments, states, 'Arguments') : undefined;
      if (definition.Credentials !== undefined) credentials = await this.jsonata(threadId, definition.Credentials, states, 'Credentials');
    } else {
      const scope = this.scope(threadId, applyInputPath(definition.InputPath, cursor.input, this.pathContext(threadId, contextToken)), contextToken);
      parameters = definition.Parameters !== undefined ? this.payload(definition.Parameters, scope) : scope.input;
      if (definition.Credentials !== undefined) credentials = this.payload(definition.Credentials, scope);
    }
    const timeoutSeconds = await this.taskSeconds(threadId, definition, 'TimeoutSeconds', language);
    const heartbeatSeconds = await this.taskSeconds(threadId, definition, 'HeartbeatSeconds', language);
    const family = taskEventFamilyOf(resourceArn);
    if (family === 'Activity' && this.env.activityExists && !(await this.env.activityExists(resourceArn))) {
      throw new StatesError('States.Runtime', `The activity ${resourceArn} does not exist.`);
    }
    const parametersText = json(parameters ?? {});
    const roleArn = (credentials as { RoleArn?: unknown } | undefined)?.RoleArn;
    const taskCredentials = typeof roleArn === 'string' ? { roleArn } : undefined;
    let details: Record<string, unknown>;
    if (family === 'Task') {
      const { resourceType, resource } = describeResource(resourceArn);
      details = compact({
        resourceType,
        resource,
        region: regionOf(executionArn),
        parameters: parametersText,
        timeoutInSeconds: timeoutSeconds,
        heartbeatInSeconds: heartbeatSeconds,
        taskCredentials,
      });
    } else {
      details = compact({
        resource: resourceArn,
        input: parametersText,
        inputDetails: PAYLOAD_DETAILS,
        timeoutInSeconds: timeoutSeconds,
        // LambdaFunctionScheduledEventDetails has no heartbeat field (AWS API reference).
        heartbeatInSeconds: family === 'Activity' ? heartbeatSeconds : undefined,
        taskCredentials: family === 'LambdaFunction' ? taskCredentials : undefined,
      });
    }
    this.emit(threadId, `${family}Scheduled`, taskDetailsField(family, 'Scheduled'), details, {
      token,
      timeoutSeconds: timeoutSeconds ?? DEFAULT_TASK_TIMEOUT_SECONDS,
      ...(heartbeatSeconds !== undefined ? { heartbeatSeconds } : {}),
    });
    return { kind: 'blocked' };
  }

  /**
   * TimeoutSeconds / HeartbeatSeconds: a number, a `…SecondsPath` reference (JSONPath) or a
   * JSONata expression, which must give a positive integer.
   */
  private async taskSeconds(threadId: string, definition: Record<string, any>, field: 'TimeoutSeconds' | 'HeartbeatSeconds', language: 'JSONPath' | 'JSONata'): Promise<number | undefined> {
    const cursor = this.cursorOf(threadId);
    const value = definition[field];
    if (typeof value === 'number') return value;
    if (language === 'JSONata' && typeof value === 'string') {
      const resolved = await this.jsonata(threadId, value, this.jsonataStates(threadId, cursor.input), field);
      if (typeof resolved !== 'number' || !Number.isInteger(resolved) || resolved <= 0) {
        throw new StatesError(
          'States.QueryEvaluationError',
          `The JSONata expression '${stripTemplate(value)}' specified for the field '${field}' returned an unexpected result type. Expected 'integer', but was '${jsonTypeName(resolved)}' for value: ${json(resolved)}`,
        );
      }
      return resolved;
    }
    const path = definition[`${field}Path`];
    if (typeof path !== 'string') return undefined;
    let resolved: unknown;
    try {
      resolved = evaluateReference(path, this.scope(threadId, cursor.input));
    } catch (error) {
      if (!isJsonPathNotFound(error)) throw error;
      throw new StatesError('States.Runtime', `Invalid path '${path}' : No results for path: ${formatNormalizedPath(error.parsed)}`);
    }
    if (typeof resolved !== 'number' || !Number.isInteger(resolved) || resolved <= 0) {
      throw new StatesError('States.Runtime', `The ${field}Path parameter does not reference a valid positive integer: ${path} == ${textOf(resolved)}`);
    }
    return resolved;
  }

  private findTask(token: string): { thread: ThreadState; cursor: Cursor } | undefined {
    for (const thread of Object.values(this.state.threads)) {
      if (thread.cursor?.phase === 'task' && thread.cursor.token === token) return { thread, cursor: thread.cursor };
    }
    return undefined;
  }

  private familyOf(cursor: Cursor): TaskEventFamily {
    return cursor.taskFamily ?? 'Task';
  }

  /** resource/resourceType, which every Task* event after TaskScheduled repeats (not Lambda/Activity events). */
  private taskEventDetails(cursor: Cursor, details: Record<string, unknown>): Record<string, unknown> {
    if (this.familyOf(cursor) !== 'Task') return details;
    return { ...details, resource: cursor.taskResource ?? 'unknown', resourceType: cursor.taskResourceType ?? 'unknown' };
  }

  private emitTaskStarted(threadId: string, cursor: Cursor, workerName?: string): void {
    const family = this.familyOf(cursor);
    if (family === 'LambdaFunction') {
      this.emit(threadId, 'LambdaFunctionStarted'); // AWS writes it without details
    } else if (family === 'Activity') {
      this.emit(threadId, 'ActivityStarted', 'activityStartedEventDetails', compact({ workerName }));
    } else {
      this.emit(threadId, 'TaskStarted', 'taskStartedEventDetails', this.taskEventDetails(cursor, {}));
    }
  }

  /** A `.sync` job or a `.waitForTaskToken` call went out: TaskSubmitted with the service's response. */
  private submitTask(token: string, outputText: string): void {
    const found = this.findTask(token);
    if (!found || found.cursor.taskSubmitted || this.familyOf(found.cursor) !== 'Task') return;
    const threadId = found.thread.id;
    if (!found.cursor.taskStarted) this.emitTaskStarted(threadId, found.cursor);
    const details = this.taskEventDetails(found.cursor, { output: outputText, outputDetails: PAYLOAD_DETAILS });
    this.emit(threadId, 'TaskSubmitted', 'taskSubmittedEventDetails', details);
  }

  /** SendTaskHeartbeat: recorded (hidden) only where HeartbeatSeconds makes it matter. */
  private heartbeat(token: string): void {
    const found = this.findTask(token);
    if (!found || found.cursor.heartbeatSeconds === undefined) return;
    this.emit(found.thread.id, 'TaskHeartbeatRecorded', undefined, undefined, { hidden: true });
  }

  private async completeTask(token: string, outputText: string): Promise<void> {
    const found = this.findTask(token);
    if (!found) return;
    if (exceedsPayloadQuota(outputText)) {
      const cause = `The state/task '${this.taskDisplayName(found.cursor)}' returned a result with a size exceeding the maximum number of bytes service limit.`;
      await this.failTask(token, 'States.DataLimitExceeded', cause, 'Failed');
      return;
    }
    const threadId = found.thread.id;
    const family = this.familyOf(found.cursor);
    if (!found.cursor.taskStarted) this.emitTaskStarted(threadId, found.cursor);
    const result = JSON.parse(outputText) as unknown;
    const details = this.taskEventDetails(found.cursor, { output: outputText, outputDetails: PAYLOAD_DETAILS });
    this.emit(threadId, `${family}Succeeded`, taskDetailsField(family, 'Succeeded'), details);
    let step: Step;
    try {
      step = await this.processResult(threadId, result);
    } catch (error) {
      step = await this.stateFailed(threadId, toFailure(error));
    }
    this.schedule(threadId, step);
  }

  /** How AWS names the task in a DataLimitExceeded cause: the service (`lambda`) or the function/activity ARN. */
  private taskDisplayName(cursor: Cursor): string {
    return (this.familyOf(cursor) === 'Task' ? cursor.taskResourceType : cursor.taskResource) ?? '';
  }

  private async timeOutTask(command: Extract<ExecutionCommand, { type: 'TimeOutTask' }>): Promise<void> {
    const found = this.findTask(command.token);
    if (!found) return;
    if (command.deadline) {
      // A timer fired: it counts only if that deadline, as the events now define it, has passed.
      const due = taskDeadlines(found.cursor).find((deadline) => deadline.deadline === command.deadline);
      if (!due || Date.parse(due.at) > this.env.now.getTime()) return;
    }
    const heartbeat = command.deadline === 'heartbeat' || command.error === 'States.HeartbeatTimeout';
    // AWS records a missed heartbeat as States.Timeout; Retry/Catch may name it States.HeartbeatTimeout.
    const error = heartbeat ? 'States.Timeout' : (command.error ?? 'States.Timeout');
    await this.failTask(command.token, error, command.cause, 'TimedOut', heartbeat ? 'States.HeartbeatTimeout' : undefined);
    if (command.deadline) await this.timeOutOtherDueTasks();
  }

  /**
   * Every other task whose deadline has passed times out in the same decision, before any
   * consequence runs: AWS records all of a Map's simultaneous timeouts before it fails the
   * Map (corpus: test_service_lambda_map_timeout). Their own timers then find nothing open.
   */
  private async timeOutOtherDueTasks(): Promise<void> {
    const nowMs = this.env.now.getTime();
    for (const thread of Object.values(this.state.threads)) {
      const cursor = this.state.threads[thread.id]?.cursor;
      if (!cursor?.token) continue;
      const due = taskDeadlines(cursor).find((deadline) => Date.parse(deadline.at) <= nowMs);
      if (!due) continue;
      const heartbeat = due.deadline === 'heartbeat';
      await this.failTask(cursor.token, 'States.Timeout', undefined, 'TimedOut', heartbeat ? 'States.HeartbeatTimeout' : undefined);
    }
  }

  private async failTask(token: string, error: string | undefined, cause: string | undefined, outcome: 'Failed' | 'TimedOut', alias?: string): Promise<void> {
    const found = this.findTask(token);
    if (!found) return;
    const threadId = found.thread.id;
    const family = this.familyOf(found.cursor);
    // Integrations are called as they are scheduled (AWS shows them started); an activity
    // that no worker took times out without ActivityStarted.
    if (!found.cursor.taskStarted && (outcome === 'Failed' || family !== 'Activity')) this.emitTaskStarted(threadId, found.cursor);
    const matching: ErrorMatching = { alias, uncatchable: TASK_UNCATCHABLE };
    const plan = this.retryPlan(threadId, error, matching);
    const details = this.taskEventDetails(found.cursor, compact({ cause, error }));
    this.emit(threadId, `${family}${outcome}`, taskDetailsField(family, outcome), details, plan ?? {});
    if (plan) return this.retryWhenDue(threadId, plan);
    // A timeout reaches Catch with an empty Cause (corpus: test_invoke_timeout), though its event has none.
    const caught = await this.tryCatch(threadId, error, outcome === 'TimedOut' ? (cause ?? '') : cause, matching);
    this.schedule(threadId, caught ?? { kind: 'fail', error, cause, taskAttempt: true });
  }

  /** Task, Parallel and Map results: ResultSelector, ResultPath, OutputPath (or Output), Assign. */
  private async processResult(threadId: string, result: unknown): Promise<Step> {
    const cursor = this.cursorOf(threadId);
    const definition = this.stateDefinition(threadId, cursor.name);
    if (this.queryLanguageOf(threadId, definition) === 'JSONata') {
      const states = this.jsonataStates(threadId, cursor.input, { result });
      const output = 'Output' in definition ? await this.jsonata(threadId, definition.Output, states, 'Output') : result;
      return this.exitState(threadId, definition, output, await this.jsonataAssign(threadId, definition, states));
    }
    const selected = definition.ResultSelector !== undefined ? this.payload(definition.ResultSelector, this.scope(threadId, result)) : result;
    const assigned = this.jsonPathAssign(definition, this.scope(threadId, selected));
    const output = this.selectOutput(threadId, definition.OutputPath, applyResultPath(definition.ResultPath, cursor.input, selected));
    return this.exitState(threadId, definition, output, assigned);
  }

  // ---- Parallel and Map -----------------------------------------------------------------

  private async startChildren(threadId: string, kind: 'Parallel' | 'Map', definition: Record<string, any>, language: 'JSONPath' | 'JSONata'): Promise<Step> {
    const cursor = this.cursorOf(threadId);
    let effective: unknown;
    if (language === 'JSONata') {
      const states = this.jsonataStates(threadId, cursor.input);
      effective = definition.Arguments !== undefined ? await this.jsonata(threadId, definition.Arguments, states, 'Arguments') : cursor.input;
    } else {
      effective = this.selectInput(threadId, definition.InputPath, cursor.input);
    }
    if (kind === 'Parallel') {
      if (language === 'JSONPath' && definition.Parameters !== undefined) effective = this.payload(definition.Parameters, this.scope(threadId, effective));
      this.emit(threadId, 'ParallelStateStarted');
      const book = this.cursorOf(threadId).children!;
      book.running.forEach((childId, index) => {
        const branch = (definition.Branches as Array<Record<string, any>>)[index];
        this.schedule(childId, { kind: 'enter', name: branch.StartAt as string, input: effective });
      });
      if (book.total === 0) return this.finishChildren(threadId);
      return { kind: 'blocked' };
    }
    // Map
    let items: unknown;
    // The legacy Iterator takes the same ProcessorConfig as ItemProcessor.
    const processor = (definition.ItemProcessor ?? definition.Iterator) as Record<string, any> | undefined;
    const distributed = (processor?.ProcessorConfig?.Mode ?? 'INLINE') === 'DISTRIBUTED';
    // ItemReader belongs to Distributed Maps (AWS's "ItemReader (Map)").
    const readsItems = distributed && definition.ItemReader !== undefined;
    if (readsItems) {
      // ItemReader: the Map Run reads the items (AWS ignores ItemsPath/Items then).
      items = [];
    } else if (language === 'JSONata') {
      items = definition.Items !== undefined ? await this.jsonata(threadId, definition.Items, this.jsonataStates(threadId, cursor.input), 'Items') : effective;
      if (!Array.isArray(items)) {
        throw new StatesError(
          'States.QueryEvaluationError',
          definition.Items !== undefined
            ? `The JSONata expression '${stripTemplate(definition.Items)}' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '${jsonTypeName(items)}' for value: ${json(items)}`
            : `Map state input must be an array but was: ${json(items)}`,
        );
      }
    } else {
      items = typeof definition.ItemsPath === 'string'
        ? resolveReference(definition.ItemsPath, this.scope(threadId, effective), () => `Invalid path '${definition.ItemsPath}' : No results for path: ${definition.ItemsPath}`)
        : effective;
      if (!Array.isArray(items)) {
        throw new StatesError('States.Runtime', `Map state input must be an array, but received: ${json(items)}`);
      }
    }
    // MaxConcurrency shapes how the Map starts: AWS fails a bad MaxConcurrencyPath before
    // MapStateStarted; the tolerated-failure thresholds are read once it has started.
    const maxConcurrency = await this.numberField(threadId, definition, 'MaxConcurrency', effective, language);
    let limits: { maxConcurrency?: number; toleratedFailureCount?: number; toleratedFailurePercentage?: number } = { maxConcurrency };
    let limitsFailure: unknown;
    try {
      limits = {
        maxConcurrency,
        toleratedFailureCount: await this.numberField(threadId, definition, 'ToleratedFailureCount', effective, language),
        toleratedFailurePercentage: await this.numberField(threadId, definition, 'ToleratedFailurePercentage', effective, language),
      };
    } catch (error) {
      limitsFailure = error;
    }
    const { settings: mapRun, readerFailure } = await this.mapRunSettings(threadId, definition, language, effective);
    let mapItems = items as unknown[];
    const length = mapItems.length;
    if (mapRun?.batcher && !readsItems) mapItems = await this.selectAndBatch(threadId, definition, language, effective, mapItems, mapRun.batcher);
    this.emit(threadId, 'MapStateStarted', 'mapStateStartedEventDetails', { length }, compact({
      items: json(mapItems),
      mapRun,
      maxConcurrency: limits.maxConcurrency ?? 0,
      toleratedFailureCount: limits.toleratedFailureCount,
      toleratedFailurePercentage: limits.toleratedFailurePercentage,
      distributed: distributed || undefined,
    }) as Partial<EventInternals>);
    if (limitsFailure) throw limitsFailure;
    if (distributed) {
      // With an ItemReader the Map Run starts once the object store answered (CompleteItemRead).
      if (readsItems && !readerFailure) return { kind: 'blocked' };
      this.emitMapRunStarted(threadId, definition);
      if (readerFailure) {
        this.childrenFailed(threadId, readerFailure.error, readerFailure.cause);
        return { kind: 'blocked' };
      }
    }
    if (mapItems.length === 0) return this.finishOrWrite(threadId);
    await this.startIterations(threadId, effective);
    return { kind: 'blocked' };
  }

  private emitMapRunStarted(threadId: string, definition: Record<string, any>, items?: readonly unknown[]): void {
    const start = this.state.start!;
    const label = typeof definition.Label === 'string' ? definition.Label : this.cursorOf(threadId).name;
    const mapRunArn = `${start.stateMachineArn.replace(':stateMachine:', ':mapRun:')}/${label}:${this.env.uuid()}`;
    this.emit(threadId, 'MapRunStarted', 'mapRunStartedEventDetails', { mapRunArn }, items ? { items: json(items) } : {});
  }

  /** A Map whose children all ended: finish it, or first wait for ResultWriter's files. */
  private finishOrWrite(threadId: string): Promise<Step> | Step {
    const book = this.cursorOf(threadId).children!;
    return awaitsResultWrite(book) ? { kind: 'blocked' } : this.finishChildren(threadId);
  }

  /**
   * ItemReader, ItemBatcher and ResultWriter of a Distributed Map, evaluated against the Map's
   * effective input. A reader's own failure (a bad MaxItems, an unknown resource) is AWS's
   * States.ItemReaderFailed, raised once the Map Run has started.
   */
  private async mapRunSettings(
    threadId: string,
    definition: Record<string, any>,
    language: 'JSONPath' | 'JSONata',
    effective: unknown,
  ): Promise<{ settings?: MapRunSettings; readerFailure?: StatesError }> {
    const { ItemReader: reader, ItemBatcher: batcher, ResultWriter: writer } = definition as Record<string, Record<string, any> | undefined>;
    const processor = (definition.ItemProcessor ?? definition.Iterator) as Record<string, any> | undefined;
    // ItemReader, ItemBatcher and ResultWriter are Distributed Map fields.
    if ((!reader && !batcher && !writer) || processor?.ProcessorConfig?.Mode !== 'DISTRIBUTED') return {};
    const arguments_ = (field: Record<string, any>, name: string) =>
      language === 'JSONata'
        ? field.Arguments !== undefined ? this.jsonata(threadId, field.Arguments, this.jsonataStates(threadId, this.cursorOf(threadId).input), `${name}.Arguments`) : Promise.resolve({})
        : Promise.resolve(field.Parameters !== undefined ? this.payload(field.Parameters, this.scope(threadId, effective)) : {});
    const value = async (container: Record<string, any>, field: string, name: string): Promise<unknown> => {
      const literal = container[field];
      if (language === 'JSONata' && typeof literal === 'string') return this.jsonata(threadId, literal, this.jsonataStates(threadId, this.cursorOf(threadId).input), name);
      if (typeof container[`${field}Path`] === 'string') {
        const path = container[`${field}Path`] as string;
        return resolveReference(path, this.scope(threadId, effective), () => `The ${field}Path field does not reference an input value: ${path}`);
      }
      return literal;
    };
    let readerFailure: StatesError | undefined;
    let readerSettingsValue: MapRunSettings['reader'];
    if (reader) {
      const parameters = await arguments_(reader, 'ItemReader');
      const config = (reader.ReaderConfig ?? {}) as Record<string, any>;
      const maxItems = await value(config, 'MaxItems', 'ItemReader.ReaderConfig.MaxItems');
      try {
        readerSettingsValue = { source: toItemSource(String(reader.Resource ?? ''), parameters), settings: readerSettings(config, maxItems) };
      } catch (error) {
        if (!(error instanceof StatesError)) throw error;
        readerFailure = error;
      }
    }
    let batcherSettings: MapRunSettings['batcher'];
    if (batcher) {
      let batchInput: unknown;
      if (batcher.BatchInput !== undefined) {
        batchInput = language === 'JSONata'
          ? await this.jsonata(threadId, batcher.BatchInput, this.jsonataStates(threadId, this.cursorOf(threadId).input), 'ItemBatcher.BatchInput')
          : this.payload(batcher.BatchInput, this.scope(threadId, effective));
      }
      batcherSettings = compact({
        maxItemsPerBatch: batchLimit('MaxItemsPerBatch', await value(batcher, 'MaxItemsPerBatch', 'ItemBatcher.MaxItemsPerBatch')),
        maxInputBytesPerBatch: batchLimit('MaxInputBytesPerBatch', await value(batcher, 'MaxInputBytesPerBatch', 'ItemBatcher.MaxInputBytesPerBatch')),
        batchInput,
      });
    }
    let writerSettingsValue: MapRunSettings['writer'];
    if (writer) {
      const settings = writerSettings(writer);
      writerSettingsValue = typeof writer.Resource === 'string'
        ? { settings, destination: toResultDestination(await arguments_(writer, 'ResultWriter')) }
        : { settings };
    }
    return { settings: compact({ reader: readerSettingsValue, batcher: batcherSettings, writer: writerSettingsValue }), readerFailure };
  }

  /** ItemBatcher: each item through ItemSelector, then grouped into `{ BatchInput?, Items }` batches. */
  private async selectAndBatch(
    threadId: string,
    definition: Record<string, any>,
    language: 'JSONPath' | 'JSONata',
    effective: unknown,
    items: readonly unknown[],
    batcher: BatchSettings,
  ): Promise<unknown[]> {
    const selected: unknown[] = [];
    for (let index = 0; index < items.length; index++) selected.push(await this.selectItem(threadId, definition, language, effective, index, items[index]));
    return batchItems(selected, batcher);
  }

  /** ItemSelector (or legacy Parameters) for one item, with $$.Map.Item in the context. */
  private async selectItem(threadId: string, definition: Record<string, any>, language: 'JSONPath' | 'JSONata', effective: unknown, index: number, item: unknown): Promise<unknown> {
    const selector = definition.ItemSelector ?? definition.Parameters;
    if (selector === undefined) return item;
    const cursor = this.cursorOf(threadId);
    const mapContext = { Item: { Index: index, Value: item } };
    if (language === 'JSONata') {
      const states = { input: cursor.input, context: { ...(this.context(threadId) as object), Map: mapContext } };
      return this.jsonata(threadId, selector, states, 'ItemSelector');
    }
    return this.payload(selector, { input: effective, context: { ...(this.context(threadId) as object), Map: mapContext }, variables: this.thread(threadId).variables });
  }

  /** The object store answered a Map's ItemReader: the Map Run starts with the items, or fails. */
  private async itemsRead(command: Extract<ExecutionCommand, { type: 'CompleteItemRead' }>): Promise<void> {
    const threadId = command.threadId;
    const cursor = this.state.threads[threadId]?.cursor;
    const book = cursor?.children;
    const reader = book?.mapRun?.reader;
    if (!cursor || !book?.awaitingItems || !reader || cursor.enteredEventId !== command.enteredEventId) return;
    const definition = this.stateDefinition(threadId, cursor.name);
    let items: unknown[] = [];
    let failure: StatesError | undefined;
    try {
      if (command.failureCause !== undefined) throw new StatesError('States.ItemReaderFailed', command.failureCause);
      items = reader.source.action === 'listObjectsV2'
        ? itemsFromListing(command.objects ?? [], reader.settings.maxItems)
        : itemsFromObject(command.body ?? '', reader.settings);
    } catch (error) {
      if (!(error instanceof StatesError)) throw error;
      failure = error;
    }
    const batcher = book.mapRun?.batcher;
    if (!failure && batcher) {
      const language = this.queryLanguageOf(threadId, definition);
      const effective = language === 'JSONPath' ? this.selectInput(threadId, definition.InputPath, cursor.input) : cursor.input;
      items = await this.selectAndBatch(threadId, definition, language, effective, items, batcher);
    }
    this.emitMapRunStarted(threadId, definition, failure ? [] : items);
    if (failure) {
      this.childrenFailed(threadId, failure.error, failure.cause);
      return;
    }
    if (items.length === 0) {
      this.scheduleAsync(threadId, async () => this.finishOrWrite(threadId));
      return;
    }
    await this.startIterations(threadId);
  }

  /** The object store stored a Map Run's ResultWriter files (or could not). */
  private resultsWritten(command: Extract<ExecutionCommand, { type: 'CompleteResultWrite' }>): void {
    const threadId = command.threadId;
    const cursor = this.state.threads[threadId]?.cursor;
    const book = cursor?.children;
    if (!cursor || !book || !awaitsResultWrite(book) || cursor.enteredEventId !== command.enteredEventId) return;
    if (command.failureCause !== undefined) {
      this.childrenFailed(threadId, 'States.ResultWriterFailed', command.failureCause);
      return;
    }
    this.scheduleAsync(threadId, () => this.finishChildren(threadId));
  }

  /** MaxConcurrency(Path), ToleratedFailureCount(Path), ToleratedFailurePercentage(Path), checked as AWS checks them. */
  private async numberField(threadId: string, definition: Record<string, any>, field: string, effective: unknown, language: 'JSONPath' | 'JSONata'): Promise<number | undefined> {
    const value = definition[field];
    const kind = field === 'ToleratedFailurePercentage' ? 'float' : 'integer';
    let resolved: unknown = value;
    if (language === 'JSONata' && typeof value === 'string') {
      resolved = await this.jsonata(threadId, value, this.jsonataStates(threadId, this.cursorOf(threadId).input), field);
    } else if (typeof definition[`${field}Path`] === 'string') {
      const path = definition[`${field}Path`] as string;
      resolved = resolveReference(path, this.scope(threadId, effective), () => `The ${field}Path field does not reference an input value: ${path}`);
      const valid = typeof resolved === 'number' && (kind === 'float' || Number.isInteger(resolved));
      if (!valid) {
        throw new StatesError('States.Runtime', `The ${field}Path field refers to value "${textOf(resolved)}" which is not a valid ${kind}: ${path}`);
      }
    }
    if (resolved === undefined) return undefined;
    const number = typeof resolved === 'number' ? resolved : Number(resolved);
    if (field === 'ToleratedFailureCount' && number < 0) throw new StatesError('States.Runtime', 'ToleratedFailureCount cannot be negative.');
    if (field === 'ToleratedFailurePercentage' && (number < 0 || number > 100)) {
      throw new StatesError('States.Runtime', 'ToleratedFailurePercentage must be between 0 and 100.');
    }
    if (field === 'MaxConcurrency' && number < 0) throw new StatesError('States.Runtime', 'MaxConcurrency cannot be negative.');
    return number;
  }

  /** Starts Map iterations up to MaxConcurrency; each item goes through ItemSelector first. */
  private async startIterations(threadId: string, mapInput?: unknown): Promise<void> {
    const cursor = this.cursorOf(threadId);
    const definition = this.stateDefinition(threadId, cursor.name);
    const language = this.queryLanguageOf(threadId, definition);
    const processor = (definition.ItemProcessor ?? definition.Iterator) as Record<string, any>;
    let book = cursor.children!;
    const effective = mapInput ?? (language === 'JSONPath' ? this.selectInput(threadId, definition.InputPath, cursor.input) : cursor.input);
    while (book.nextIndex < book.total && (book.maxConcurrency <= 0 || book.running.length < book.maxConcurrency)) {
      const index = book.nextIndex;
      const item = book.items![index];
      // Batches went through ItemSelector item by item when they were formed.
      const childInput = book.mapRun?.batcher ? item : await this.selectItem(threadId, definition, language, effective, index, item);
      this.emit(threadId, 'MapIterationStarted', 'mapIterationStartedEventDetails', { index, name: cursor.name }, book.records ? { input: json(childInput) } : {});
      const childId = childThreadId(threadId, cursor.enteredEventId, index);
      this.schedule(childId, { kind: 'enter', name: processor.StartAt as string, input: childInput });
      book = this.cursorOf(threadId).children!;
    }
  }

  private branchEnded(child: ThreadState, step: Extract<Step, { kind: 'end' | 'fail' }>): void {
    const parentId = child.parentId!;
    const parent = this.thread(parentId);
    const cursor = parent.cursor;
    const book = cursor?.children;
    if (!cursor || !book) return;
    // The parent's next event links to the branch's last event, as it stood before any abort.
    const branchLast = child.pointer;
    if (step.kind === 'fail' && step.taskAttempt && child.cursor?.kind === 'Task') {
      // AWS aborts the Task state whose uncaught failure ends a branch (corpus:
      // test_sqs_failure_in_wait_for_task_tok_no_error_field_SQS_PARALLEL, test_service_lambda_map_timeout).
      this.emit(child.id, 'TaskStateAborted', undefined, undefined, {}, branchLast);
    }
    if (book.kind === 'Parallel') {
      if (step.kind === 'fail') {
        this.abortChildren(parentId, child.id);
        this.childrenFailed(parentId, step.error, step.cause, branchLast);
        return;
      }
      const siblings = book.running.map((id) => this.state.threads[id]);
      if (siblings.every((sibling) => sibling?.done)) this.scheduleAsync(parentId, () => this.finishChildren(parentId, child.pointer));
      return;
    }
    // Map
    const name = cursor.name;
    const details = { index: child.index, name };
    if (step.kind === 'end') {
      this.emit(parentId, 'MapIterationSucceeded', 'mapIterationSucceededEventDetails', details, {}, child.pointer);
    } else {
      const failing = exceedsTolerance({ ...book, failed: book.failed + 1 });
      const tolerant = book.toleratedFailureCount !== undefined || book.toleratedFailurePercentage !== undefined;
      const error = failing && tolerant ? 'States.ExceedToleratedFailureThreshold' : step.error;
      const cause = failing && tolerant ? 'The specified tolerated failure threshold was exceeded' : step.cause;
      // A retried Map starts over after its backoff (AWS writes MapStateStarted again, no MapStateFailed).
      const plan = failing ? this.retryPlan(parentId, error) : undefined;
      if (failing) this.abortChildren(parentId, child.id);
      this.emit(
        parentId,
        'MapIterationFailed',
        'mapIterationFailedEventDetails',
        details,
        compact({ error: step.error, cause: step.cause, ...(plan ?? {}) }),
        branchLast,
      );
      if (plan) return this.retryWhenDue(parentId, plan);
      if (failing) {
        this.childrenFailed(parentId, error, cause);
        return;
      }
    }
    const updated = this.cursorOf(parentId).children!;
    if (updated.nextIndex < updated.total) {
      // Starting an iteration may evaluate ItemSelector (async JSONata): queue it.
      this.jobs.push(async () => {
        if (this.state.threads[parentId]?.cursor?.children) await this.startIterations(parentId);
      });
      return;
    }
    if (updated.running.length === 0) this.scheduleAsync(parentId, async () => this.finishOrWrite(parentId));
  }

  private async finishChildren(threadId: string, pointer?: number): Promise<Step> {
    const cursor = this.cursorOf(threadId);
    const book = cursor.children!;
    let results: unknown[];
    if (book.kind === 'Parallel') {
      // AWS writes no ParallelStateSucceeded: the Exited event follows the last branch's last event.
      results = book.running.map((id) => this.state.threads[id]?.lastOutput ?? null);
      if (pointer !== undefined) this.pointerOverrides.set(threadId, pointer);
    } else {
      results = book.distributed ? (mapRunResult(book) as unknown[]) : book.results.slice();
      if (book.distributed) this.emit(threadId, 'MapRunSucceeded');
      this.emit(threadId, 'MapStateSucceeded', undefined, undefined, {}, book.distributed ? undefined : book.lastIterationEventId);
    }
    try {
      return await this.processResult(threadId, results);
    } catch (error) {
      return this.stateFailed(threadId, toFailure(error));
    }
  }

  /** A branch failed (or Map tolerance was exceeded): the whole Parallel/Map state failed. */
  private childrenFailed(threadId: string, error: string | undefined, cause: string | undefined, pointer?: number): void {
    const cursor = this.cursorOf(threadId);
    if (cursor.children?.distributed) this.emit(threadId, 'MapRunFailed', 'mapRunFailedEventDetails', compact({ error, cause }));
    const plan = this.retryPlan(threadId, error);
    this.emit(
      threadId,
      cursor.kind === 'Parallel' ? 'ParallelStateFailed' : 'MapStateFailed',
      undefined,
      undefined,
      plan ?? {},
      pointer,
    );
    if (plan) return this.retryWhenDue(threadId, plan);
    this.scheduleAsync(threadId, async () => (await this.tryCatch(threadId, error, cause)) ?? { kind: 'fail', error, cause });
  }

  /** Aborts the running branches of a Parallel/Map (all but `except`), deepest first. */
  private abortChildren(parentId: string, except?: string): void {
    const book = this.cursorOf(parentId).children;
    if (!book) return;
    // A copy: the fold may change the running list in place as iterations are aborted.
    for (const childId of [...book.running]) {
      if (childId === except) continue;
      const child = this.state.threads[childId];
      if (!child || child.done) continue;
      this.abortThread(childId);
      if (book.kind === 'Map') {
        this.emit(parentId, 'MapIterationAborted', 'mapIterationAbortedEventDetails', { index: child.index, name: this.cursorOf(parentId).name });
      }
    }
  }

  private abortThread(threadId: string): void {
    const thread = this.state.threads[threadId];
    const cursor = thread?.cursor;
    if (!cursor) return;
    if (cursor.children) this.abortChildren(threadId);
    if (cursor.children?.distributed) this.emit(threadId, 'MapRunAborted');
    // AWS has an Aborted event for the states that can be in flight: Task, Wait, Map, Parallel.
    if (cursor.kind === 'Task' || cursor.kind === 'Wait' || cursor.kind === 'Map' || cursor.kind === 'Parallel') {
      this.emit(threadId, `${cursor.kind}StateAborted`);
    }
  }

  private abortAll(): void {
    this.jobs.length = 0;
    this.abortThread(ROOT_THREAD);
  }

  // ---- RedriveExecution -----------------------------------------------------------------

  /**
   * Resumes a closed execution where it failed (AWS "Redriving executions"): ExecutionRedriven,
   * then every state that was running when the failure began is entered again with the input it
   * had; Parallel branches and Map iterations that succeeded keep their results, the failed and
   * aborted ones run again, Map iterations never started start as usual. Retry counts restart.
   */
  private redrive(command: Extract<ExecutionCommand, { type: 'RedriveExecution' }>): void {
    if (redrivabilityOf(this.state, this.env.now).redriveStatus !== 'REDRIVABLE') return;
    const start = this.state.start!;
    const ownTimeout = start.definitionObject.TimeoutSeconds;
    const maxDurationAt = Date.parse(start.startDate) + MAX_EXECUTION_DURATION_MS;
    const timeoutAt = new Date(typeof ownTimeout === 'number' ? Math.min(this.env.now.getTime() + ownTimeout * 1000, maxDurationAt) : maxDurationAt).toISOString();
    this.emit(
      ROOT_THREAD,
      'ExecutionRedriven',
      'executionRedrivenEventDetails',
      { redriveCount: (start.redriveCount ?? 0) + 1 },
      { redrive: compact({ timeoutAt, clientToken: command.clientToken }), actor: command.actor },
      this.state.lastEventId,
    );
    const threads = Object.values(this.state.threads).sort((a, b) => a.id.localeCompare(b.id));
    const resumed = new Set<string>();
    for (const thread of threads) {
      if (thread.done) continue;
      const cursor = thread.cursor;
      if (cursor?.children) continue; // a Parallel or Map resumes through its children
      if (cursor) {
        this.schedule(thread.id, { kind: 'enter', name: cursor.name, input: cursor.input });
      } else if (thread.parentId !== undefined) {
        // A branch or iteration the failure stopped before its first state.
        this.scheduleAsync(thread.id, async () => ({ kind: 'enter', name: firstStateOf(this.thread(thread.parentId!), thread), input: await this.childInput(thread) }));
      } else {
        continue;
      }
      for (let id: string | undefined = thread.parentId; id !== undefined; id = this.state.threads[id]?.parentId) resumed.add(id);
    }
    // Map iterations that failed within the tolerance before the Map failed run again too.
    for (const thread of threads) {
      const failedIndices = thread.done ? undefined : thread.cursor?.children?.failedIndices;
      if (!failedIndices?.length) continue;
      resumed.add(thread.id);
      this.jobs.push(async () => {
        const cursor = this.state.threads[thread.id]?.cursor;
        if (!cursor?.children) return;
        for (const index of failedIndices) {
          this.emit(thread.id, 'MapIterationStarted', 'mapIterationStartedEventDetails', { index, name: cursor.name });
          const child = this.thread(childThreadId(thread.id, cursor.enteredEventId, index));
          this.scheduleAsync(child.id, async () => ({ kind: 'enter', name: firstStateOf(this.thread(thread.id), child), input: await this.childInput(child) }));
        }
      });
    }
    // A container none of whose children runs again failed after them (e.g. in ResultSelector): finish it again.
    for (const thread of threads) {
      const book = thread.cursor?.children;
      if (!book || thread.done || resumed.has(thread.id)) continue;
      if (book.kind === 'Map' && book.nextIndex < book.total) {
        this.jobs.push(async () => {
          if (this.state.threads[thread.id]?.cursor?.children) await this.startIterations(thread.id);
        });
      } else {
        this.scheduleAsync(thread.id, () => this.finishChildren(thread.id));
      }
    }
  }

  /** The input a Parallel branch or Map iteration starts with (as startChildren/startIterations compute it). */
  private async childInput(child: ThreadState): Promise<unknown> {
    const parentId = child.parentId!;
    const cursor = this.cursorOf(parentId);
    const definition = this.stateDefinition(parentId, cursor.name);
    const language = this.queryLanguageOf(parentId, definition);
    if (cursor.kind === 'Parallel') {
      if (language === 'JSONata') {
        return definition.Arguments !== undefined ? this.jsonata(parentId, definition.Arguments, this.jsonataStates(parentId, cursor.input), 'Arguments') : cursor.input;
      }
      const effective = this.selectInput(parentId, definition.InputPath, cursor.input);
      return definition.Parameters !== undefined ? this.payload(definition.Parameters, this.scope(parentId, effective)) : effective;
    }
    const selector = definition.ItemSelector ?? definition.Parameters;
    if (selector === undefined) return child.item;
    const context = { ...(this.context(parentId) as object), Map: { Item: { Index: child.index, Value: child.item } } };
    if (language === 'JSONata') return this.jsonata(parentId, selector, { input: cursor.input, context }, 'ItemSelector');
    const effective = this.selectInput(parentId, definition.InputPath, cursor.input);
    return this.payload(selector, { input: effective, context, variables: this.thread(parentId).variables });
  }

  // ---- evaluation helpers ---------------------------------------------------------------

  private context(threadId: string, override: { name?: string; enteredTime?: string; token?: string } = {}): Record<string, unknown> {
    const start = this.state.start!;
    const thread = this.thread(threadId);
    const cursor = thread.cursor;
    const context: Record<string, unknown> = {
      Execution: {
        Id: start.executionArn,
        Input: start.input,
        Name: start.name,
        RoleArn: start.roleArn,
        StartTime: start.startDate,
        // Only STANDARD executions can be redriven; AWS shows no RedriveCount for EXPRESS.
        ...(start.type === 'EXPRESS' ? {} : { RedriveCount: start.redriveCount ?? 0 }),
      },
      State: {
        EnteredTime: override.enteredTime ?? cursor?.enteredTime ?? this.nowIso,
        Name: override.name ?? cursor?.name,
        // Only states that can retry carry a RetryCount (as AWS's context object shows).
        ...(cursor && (cursor.kind === 'Task' || cursor.kind === 'Map' || cursor.kind === 'Parallel')
          ? { RetryCount: cursor.retryCounts.reduce((sum, count) => sum + (count ?? 0), 0) }
          : {}),
      },
      StateMachine: { Id: start.stateMachineArn, Name: stateMachineNameOf(start.stateMachineArn) },
    };
    const token = override.token;
    if (token) context.Task = { Token: token };
    if (thread.parentId !== undefined && 'item' in thread && thread.item !== undefined) {
      context.Map = { Item: { Index: thread.index, Value: thread.item } };
    }
    return context;
  }

  /** InputPath: most states have none, and then no evaluation scope is made for it. */
  private selectInput(threadId: string, inputPath: string | null | undefined, input: unknown): unknown {
    return inputPath === undefined || inputPath === '$' ? input : applyInputPath(inputPath, input, this.pathContext(threadId));
  }

  /** OutputPath, likewise. */
  private selectOutput(threadId: string, outputPath: string | null | undefined, output: unknown): unknown {
    return outputPath === undefined || outputPath === '$' ? output : applyOutputPath(outputPath, output, this.pathContext(threadId));
  }

  private pathContext(threadId: string, token?: string): { context: unknown; variables: Readonly<Record<string, unknown>> } {
    return this.scope(threadId, undefined, token);
  }

  /**
   * What a JSONPath evaluation reads. The context object (`$$`) is built on first read: most
   * states never read it, and building it (five objects) for every InputPath, Parameters and
   * OutputPath was a tenth of a Pass chain's decision.
   */
  private scope(threadId: string, input: unknown, token?: string): EvaluationScope {
    return new LazyContextScope(input, this.thread(threadId).variables, this, threadId, token);
  }

  /** The context object of a thread's current state (`$$`), with the task token when there is one. */
  contextOf(threadId: string, token: string | undefined): Record<string, unknown> {
    return this.context(threadId, token ? { token } : {});
  }

  private payload(template: unknown, scope: EvaluationScope): unknown {
    return evaluatePayloadTemplate(template, scope, languageEnv(this.env));
  }

  private jsonataStates(threadId: string, input: unknown, extra: { result?: unknown; errorOutput?: unknown } = {}, token?: string): JsonataStates {
    return { input, context: this.context(threadId, token ? { token } : {}), ...extra };
  }

  private jsonata(threadId: string, value: unknown, states: JsonataStates, field: string): Promise<unknown> {
    return evaluateJsonataField(value, states, this.thread(threadId).variables, languageEnv(this.env), field);
  }

  private async jsonataAssign(threadId: string, definition: Record<string, any>, states: JsonataStates): Promise<Record<string, unknown> | undefined> {
    if (definition.Assign === undefined) return undefined;
    return (await this.jsonata(threadId, definition.Assign, states, 'Assign')) as Record<string, unknown>;
  }

  private jsonPathAssign(definition: Record<string, any>, scope: EvaluationScope): Record<string, unknown> | undefined {
    if (definition.Assign === undefined) return undefined;
    return this.payload(definition.Assign, scope) as Record<string, unknown>;
  }
}

/**
 * An EvaluationScope whose `context` is built on first read (see Decision.scope). Its
 * `context` lives on the prototype, so a spread would drop it: make a new scope instead.
 */
class LazyContextScope implements EvaluationScope {
  private built: Record<string, unknown> | undefined;

  constructor(
    readonly input: unknown,
    readonly variables: Readonly<Record<string, unknown>>,
    private readonly decision: Decision,
    private readonly threadId: string,
    private readonly token: string | undefined,
  ) {}

  get context(): Record<string, unknown> {
    return (this.built ??= this.decision.contextOf(this.threadId, this.token));
  }
}

// ---- small pure helpers -----------------------------------------------------------------

/** StartAt of the branch (Parallel) or item processor (Map) a child thread runs. */
function firstStateOf(parent: ThreadState, child: ThreadState): string {
  const definition = parent.states[parent.cursor!.name] as Record<string, any>;
  const processor = parent.cursor!.kind === 'Parallel' ? definition.Branches[child.index] : (definition.ItemProcessor ?? definition.Iterator);
  return processor.StartAt as string;
}

/** UTF-8 takes at most 3 bytes per UTF-16 unit: a short text needs no byte count. */
function exceedsPayloadQuota(text: string): boolean {
  return text.length * 3 > MAX_PAYLOAD_BYTES && Buffer.byteLength(text, 'utf8') > MAX_PAYLOAD_BYTES;
}

/**
 * V8's JSON.stringify returns text longer than 32 characters as a tree of its parts. History
 * keeps these texts (the in-memory store for good), and every garbage collection then copies
 * three objects per text instead of one; converting the text to a number makes V8 flatten it
 * in place, and the collector then drops the tree.
 */
function json(value: unknown): string {
  const text = JSON.stringify(value === undefined ? null : value);
  if (text.length > 32) void Number(text);
  return text;
}

function compact<T extends Record<string, unknown>>(value: T): T {
  const result: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) if (field !== undefined) result[key] = field;
  return result as T;
}

function toFailure(error: unknown): Failure {
  if (error instanceof StatesError) return { error: error.error, cause: error.cause, evaluation: true };
  throw error;
}

/** Resolves `$.x`, `$$.x` or `$var.x` against a scope; a miss is States.Runtime with `message`. */
function resolveReference(expression: string, scope: EvaluationScope, message: () => string): unknown {
  try {
    return evaluateReference(expression, scope);
  } catch (error) {
    if (!isJsonPathNotFound(error)) throw error;
    throw new StatesError('States.Runtime', message());
  }
}

/** A value as AWS prints it inside messages: strings bare, everything else as JSON. */
function textOf(value: unknown): string {
  return typeof value === 'string' ? value : json(value);
}

function exceedsTolerance(book: ChildrenBook): boolean {
  if (book.failed === 0) return false;
  const countLimit = book.toleratedFailureCount;
  const percentLimit = book.toleratedFailurePercentage;
  if (countLimit === undefined && percentLimit === undefined) return true;
  if (countLimit !== undefined && book.failed > countLimit) return true;
  if (percentLimit !== undefined && book.total > 0 && (book.failed / book.total) * 100 > percentLimit) return true;
  return false;
}

/** `arn:aws:states:::lambda:invoke` → lambda / invoke, as TaskScheduled reports it. */
function describeResource(arn: string): { resourceType: string; resource: string } {
  const match = /^arn:[^:]+:states:[^:]*:[^:]*:([^:]+):(.+)$/.exec(arn);
  if (match) {
    if (match[1] === 'aws-sdk') {
      const [service, ...action] = match[2].split(':');
      return { resourceType: `aws-sdk:${service}`, resource: action.join(':') };
    }
    return { resourceType: match[1], resource: match[2] };
  }
  return { resourceType: 'unknown', resource: arn };
}

function regionOf(arn: string): string {
  return arn.split(':')[3] ?? 'us-east-1';
}

/** The 7th `:`-separated field of the ARN (the name), or the ARN itself; built for every `$$`, so no split. */
function stateMachineNameOf(arn: string): string {
  let start = 0;
  for (let field = 0; field < 6; field++) {
    const colon = arn.indexOf(':', start);
    if (colon < 0) return arn;
    start = colon + 1;
  }
  const end = arn.indexOf(':', start);
  return end < 0 ? arn.slice(start) : arn.slice(start, end);
}

function stripTemplate(value: unknown): string {
  return typeof value === 'string' ? value.replace(/^\{%\s*/, '').replace(/\s*%\}$/, '') : json(value);
}

function jsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

