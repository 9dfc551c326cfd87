import { arnField } from '@stepstone/asl';
import { decidesWith, EngineBehaviour } from './behaviour';
import { branchEnded } from './children';
import type { DecisionEnv, InspectedField } from './commands';
import { ChildHistoryLimitReached, CLOSING_TYPES, compact, ENTERED_TYPE, exceedsPayloadQuota, EXITED_TYPE, HistoryLimitReached, isPromise, json, MAX_HISTORY_EVENTS, type MaybePromise, newEvent, nextOnly, PAYLOAD_DETAILS, rootInternals, type Step, toFailure } from './decision-support';
import { createFoldScope, evolveOwned } from './evolve';
import { childRootOf } from './fold-threads';
import { type Cursor, type ExecutionState, ROOT_THREAD, type ThreadState } from './execution-state';
import { EVENT_SCHEMA_VERSION, type EventInternals, type ExecutionEvent, type ExecutionEventTypeName, type StateKind } from './history-event';
import { applyInputPath, applyOutputPath, evaluateJsonataField, evaluatePayloadTemplate, type EvaluationScope, type JsonataStates, languageEnv } from './language';
import { isoText } from './iso-time';
import { rememberParsed } from './payload-cache';
import { fireTimer, stateFailed } from './state-outcome';
import { decideChoice } from './states/choice';
import { decideFail } from './states/fail';
import { startMap } from './states/map';
import { startParallel } from './states/parallel';
import { decidePass } from './states/pass';
import { decideSucceed } from './states/succeed';
import { scheduleTask } from './states/task';
import { enterWait } from './states/wait';

/**
 * A long decision (a loop of pure states, thousands of Map iterations) lets other work run every
 * this many events, through `env.pause`: measured at ~5 ms of decision per pause on a 2-core
 * machine, so one execution never holds the event loop for long (issue 18).
 */
export const PAUSE_EVERY_EVENTS = 256;

/**
 * Events after which a decision stops a thread between two states: the events so far are
 * appended, and ContinueThread (the `continue-thread` effect) decides the rest. A loop of pure
 * states that runs into the 25,000-event quota is then 25 appends, not one (issue 18).
 */
export const MAX_EVENTS_PER_DECISION = 1_000;

/**
 * The decision context every state module is given: the state as it folds (each event is
 * folded in place as it is emitted), the environment, the work queue of the run, and the one
 * field evaluator for both query languages (context object, paths, payload templates,
 * JSONata). One per decide call; nothing in it outlives the call.
 */
export class Decision {
  readonly events: ExecutionEvent[] = [];
  readonly nowIso: string;
  /** Work left in this decision, in order: branch runs, iteration starts, continuations. */
  readonly jobs: Array<() => MaybePromise<void>> = [];
  /** previousEventId for a thread's next event when AWS links it elsewhere (a branch's last event). */
  readonly pointerOverrides = new Map<string, number>();
  /** Retries whose backoff ended by this decision's `now` (IntervalSeconds 0): see drain. */
  readonly dueRetries: Array<{ readonly threadId: string; readonly enteredEventId: number }> = [];
  /** The decision folds its own events in place: only its last state leaves it. */
  readonly foldScope = createFoldScope();
  /** Events emitted since the decision last paused (see PAUSE_EVERY_EVENTS). */
  private sincePause = 0;
  /** Distributed Map iterations this decision started (bounded: MAX_ITERATIONS_PER_DECISION). */
  iterationsStarted = 0;

  constructor(
    public state: ExecutionState,
    readonly env: DecisionEnv,
  ) {
    this.nowIso = isoText(env.now);
  }

  get current(): ExecutionState {
    return this.state;
  }

  /** Reports a step of a state's data flow to TestState (inspectionData); nothing in an execution. */
  inspect(field: InspectedField, value: unknown): void {
    this.env.testState?.inspect(field, value, this.state);
  }

  emit(
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
    if (hidden && thread?.hidden === true && this.countsChildHistory()) {
      // A child's own history: ExecutionStarted (1), its events, and its closing event, which
      // its parent writes (MapIteration*): only that may be the 25,000th.
      const root = childRootOf(this.state.threads, threadId);
      if (root && (root.ownEvents ?? 0) + 2 >= MAX_HISTORY_EVENTS) throw new ChildHistoryLimitReached(root.id);
    }
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
    this.sincePause += 1;
    return event;
  }

  /** Whether Distributed Map children are held to their own history quota (EngineBehaviour.ChildHistoryQuota). */
  private countsChildHistory(): boolean {
    return decidesWith(this.state.start, EngineBehaviour.ChildHistoryQuota);
  }

  /** A pause when this decision has run long enough since the last one (env.pause), else undefined. */
  pauseIfDue(): Promise<void> | undefined {
    if (this.env.pause === undefined || this.sincePause < PAUSE_EVERY_EVENTS) return undefined;
    this.sincePause = 0;
    return this.env.pause();
  }

  /** A pause now, whatever ran since the last one (env.pause): between two bounded pieces of one step. */
  async pause(): Promise<void> {
    if (this.env.pause === undefined) return;
    this.sincePause = 0;
    await this.env.pause();
  }

  thread(threadId: string): ThreadState {
    const thread = this.state.threads[threadId];
    if (!thread) throw new Error(`internal: no thread ${threadId}`);
    return thread;
  }

  cursorOf(threadId: string): Cursor {
    const cursor = this.thread(threadId).cursor;
    if (!cursor) throw new Error(`internal: thread ${threadId} is not in a state`);
    return cursor;
  }

  stateDefinition(threadId: string, name: string): Record<string, any> {
    return this.thread(threadId).states[name] as Record<string, any>;
  }

  queryLanguageOf(threadId: string, definition: Record<string, any>): 'JSONPath' | 'JSONata' {
    return definition.QueryLanguage ?? this.thread(threadId).queryLanguage;
  }

  /**
   * Runs the jobs; then each retry already due fires here, after the whole decision, as its
   * timer's FireTimer would have fired in the next decision at this same `now`: the same
   * events in the same order, without the append → timer → reload round trip per attempt.
   */
  drain(): MaybePromise<void> {
    while (this.jobs.length > 0 && this.state.status === 'RUNNING') {
      const pending = this.jobs.shift()!();
      if (pending) return pending.then(() => this.drain());
    }
    const due = this.dueRetries.shift();
    // A pending pointer override belongs to this decision's events; a new decision starts without one.
    if (!due || this.state.status !== 'RUNNING' || this.pointerOverrides.size > 0) return;
    const fired = fireTimer(this, due.threadId, due.enteredEventId);
    return isPromise(fired) ? fired.then(() => this.drain()) : this.drain();
  }

  schedule(threadId: string, step: Step): void {
    this.jobs.push(() => (this.state.threads[threadId] ? this.run(threadId, step) : undefined));
  }

  scheduleAsync(threadId: string, compute: () => Promise<Step>): void {
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
  run(threadId: string, first: Step): MaybePromise<void> {
    let step = first;
    while (this.state.status === 'RUNNING') {
      const pause = this.pauseIfDue();
      if (pause) {
        const resumed = step;
        return pause.then(() => this.run(threadId, resumed));
      }
      switch (step.kind) {
        case 'enter': {
          if (this.env.testState && !this.env.testState.mayEnter(threadId)) return;
          if (this.events.length >= MAX_EVENTS_PER_DECISION && this.mayStopBefore(threadId, step.name)) return;
          const entered = this.enterOrFail(threadId, step.name, step.input, step.inputText);
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

  /** Whether the thread rests between two states, its next one recorded (ThreadState.next): a decision may stop there. */
  private mayStopBefore(threadId: string, name: string): boolean {
    const thread = this.state.threads[threadId];
    return thread !== undefined && thread.cursor === undefined && thread.next === name && decidesWith(this.state.start, EngineBehaviour.BoundedDecisions);
  }

  /**
   * enterState; a built-in error on the way in fails the thread with States.Runtime instead of
   * leaving the decision (and the execution RUNNING for good): an input nested deeper than
   * JSON.stringify can recurse (a few thousand levels fit in 256 KiB) cannot be written into the
   * state's Entered event when it arrives without its text (a branch's or a redrive's input).
   * The engine's own signals (history quotas) go on up.
   */
  private enterOrFail(threadId: string, name: string, input: unknown, inputText?: string): MaybePromise<Step> {
    const notEntered = (error: unknown): Step => {
      const failure = toFailure(error);
      return { kind: 'fail', error: failure.error, cause: `The state '${name}' could not be entered: its input cannot be written as JSON (${failure.cause ?? ''}).` };
    };
    try {
      const entered = this.enterState(threadId, name, input, inputText);
      return isPromise(entered) ? entered.catch(notEntered) : entered;
    } catch (error) {
      return notEntered(error);
    }
  }

  enterState(threadId: string, name: string, input: unknown, inputText?: string): MaybePromise<Step> {
    const definition = this.stateDefinition(threadId, name);
    const kind = definition.Type as StateKind;
    const language = this.queryLanguageOf(threadId, definition);
    if (kind === 'Wait') return enterWait(this, threadId, name, definition, language, input, inputText);
    this.emitEntered(threadId, name, kind, input, inputText);
    return this.executeEntered(threadId, kind, definition, language);
  }

  emitEntered(threadId: string, name: string, kind: StateKind, input: unknown, inputText?: string, wakeAt?: string): void {
    const details = { input: inputText ?? json(input), inputDetails: PAYLOAD_DETAILS, name };
    rememberParsed(details, 'input', input);
    this.emit(threadId, ENTERED_TYPE[kind], 'stateEnteredEventDetails', details, wakeAt ? { wakeAt } : undefined);
  }

  /** executeState, its failures (thrown, or a rejected promise) routed through Catch. */
  executeEntered(threadId: string, kind: StateKind, definition: Record<string, any>, language: 'JSONPath' | 'JSONata'): MaybePromise<Step> {
    let result: MaybePromise<Step>;
    try {
      result = this.executeState(threadId, kind, definition, language);
    } catch (error) {
      return stateFailed(this, threadId, toFailure(error));
    }
    return isPromise(result) ? result.catch((error: unknown) => stateFailed(this, threadId, toFailure(error))) : result;
  }

  /** Each state type decides in its own module (states/), given its definition and this context. */
  executeState(threadId: string, kind: StateKind, definition: Record<string, any>, language: 'JSONPath' | 'JSONata'): MaybePromise<Step> {
    switch (kind) {
      case 'Pass':
        return decidePass(this, threadId, definition, language);
      case 'Wait':
        return { kind: 'blocked' }; // its deadline was decided with its Entered event (enterWait)
      case 'Succeed':
        return decideSucceed(this, threadId, definition, language);
      case 'Choice':
        return decideChoice(this, threadId, definition, language);
      case 'Fail':
        return decideFail(this, threadId, definition, language);
      case 'Task':
        return scheduleTask(this, threadId, definition, language);
      case 'Parallel':
        return startParallel(this, threadId, definition, language);
      case 'Map':
        return startMap(this, threadId, definition, language);
      default:
        return unknownState(kind);
    }
  }


  /** Leaves the current state: *StateExited, then the next state or the end of the branch. */
  exitState(
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

  endThread(threadId: string, step: Extract<Step, { kind: 'end' | 'fail' }>): void {
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
    branchEnded(this, thread, step);
  }

  context(threadId: string, override: { name?: string; enteredTime?: string; token?: string } = {}): Record<string, unknown> {
    const start = this.state.start!;
    const thread = this.thread(threadId);
    const cursor = thread.cursor;
    const context: Record<string, unknown> = {
      Execution: {
        Id: start.executionArn,
        Input: start.input,
        Name: start.name,
        RoleArn: this.env.testState?.shown ? this.env.testState.shown.roleArn : start.roleArn,
        StartTime: start.startDate,
        // Only STANDARD executions can be redriven; AWS shows no RedriveCount for EXPRESS.
        ...(start.type === 'EXPRESS' ? {} : { RedriveCount: start.redriveCount ?? 0 }),
        ...(this.state.redriveDate !== undefined && decidesWith(start, EngineBehaviour.RedriveTimeInContext) ? { RedriveTime: this.state.redriveDate } : {}),
      },
      State: {
        EnteredTime: override.enteredTime ?? cursor?.enteredTime ?? this.nowIso,
        Name: this.env.testState?.shown?.stateName ?? override.name ?? cursor?.name,
        // Only states that can retry carry a RetryCount (as AWS's context object shows).
        ...(cursor && (cursor.kind === 'Task' || cursor.kind === 'Map' || cursor.kind === 'Parallel')
          ? { RetryCount: cursor.retryCounts.reduce((sum, count) => sum + (count ?? 0), 0) }
          : {}),
      },
      StateMachine: { Id: start.stateMachineArn, Name: arnField(start.stateMachineArn, 6) },
    };
    const token = override.token;
    if (token) context.Task = { Token: token };
    if (thread.parentId !== undefined && 'item' in thread && thread.item !== undefined) {
      context.Map = { Item: { Index: thread.index, Value: thread.item } };
    }
    const given = this.env.testState?.context;
    // TestState's `context` is the whole `$$`, as given: AWS adds nothing (an empty one reads as {},
    // LocalStack's AWS-validated test_state_context_object_edge_cases[EMPTY], 2025-12-03). The
    // engine's task token stays when none is given, so a callback Task still completes.
    return given ? { ...(context.Task !== undefined && given.Task === undefined ? { Task: context.Task } : {}), ...given } : context;
  }

  /** InputPath: most states have none, and then no evaluation scope is made for it. */
  selectInput(threadId: string, inputPath: string | null | undefined, input: unknown): unknown {
    return inputPath === undefined || inputPath === '$' ? input : applyInputPath(inputPath, input, this.pathContext(threadId));
  }

  /** OutputPath, likewise. */
  selectOutput(threadId: string, outputPath: string | null | undefined, output: unknown): unknown {
    return outputPath === undefined || outputPath === '$' ? output : applyOutputPath(outputPath, output, this.pathContext(threadId));
  }

  pathContext(threadId: string, token?: string): { context: unknown; variables: Readonly<Record<string, unknown>> } {
    return this.scope(threadId, undefined, token);
  }

  /**
   * What a JSONPath evaluation reads. The context object (`$$`) is built on first read: most
   * states never read it, and building it (five objects) for every InputPath, Parameters and
   * OutputPath was a tenth of a Pass chain's decision.
   */
  scope(threadId: string, input: unknown, token?: string): EvaluationScope {
    return new LazyContextScope(input, this.thread(threadId).variables, this, threadId, token);
  }

  /** The context object of a thread's current state (`$$`), with the task token when there is one. */
  contextOf(threadId: string, token: string | undefined): Record<string, unknown> {
    return this.context(threadId, token ? { token } : {});
  }

  payload(template: unknown, scope: EvaluationScope): unknown {
    return evaluatePayloadTemplate(template, scope, languageEnv(this.env));
  }

  jsonataStates(threadId: string, input: unknown, extra: { result?: unknown; errorOutput?: unknown } = {}, token?: string): JsonataStates {
    return { input, context: this.context(threadId, token ? { token } : {}), ...extra };
  }

  jsonata(threadId: string, value: unknown, states: JsonataStates, field: string): Promise<unknown> {
    const asAws = decidesWith(this.state.start, EngineBehaviour.JsonataValuesAsAws);
    return evaluateJsonataField(value, states, this.thread(threadId).variables, { ...languageEnv(this.env), infinityAsText: asAws, rangeAsAws: asAws }, field);
  }

  async jsonataAssign(threadId: string, definition: Record<string, any>, states: JsonataStates): Promise<Record<string, unknown> | undefined> {
    if (definition.Assign === undefined) return undefined;
    return (await this.jsonata(threadId, definition.Assign, states, 'Assign')) as Record<string, unknown>;
  }

  jsonPathAssign(definition: Record<string, any>, scope: EvaluationScope): Record<string, unknown> | undefined {
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

/** A state type the fold does not know: a new one must get its module (compile-time check). */
function unknownState(kind: never): never {
  throw new Error(`internal: no decide module for state type ${String(kind)}`);
}
