import type { DecisionEnv, ExecutionCommand } from './commands';
import { evolve } from './evolve';
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
  parseTimestamp,
  selectChoice,
  selectChoiceJsonata,
} from './language';
import { computeBackoffSeconds, findCatcher, findRetrier } from './retry';
import { makeTaskToken } from './task-token';

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

type Step =
  /** `inputText`: the caller's exact JSON text, which AWS shows unchanged for the first state. */
  | { readonly kind: 'enter'; readonly name: string; readonly input: unknown; readonly inputText?: string }
  | { readonly kind: 'end'; readonly output: unknown }
  | { readonly kind: 'fail'; readonly error?: string; readonly cause?: string }
  | { readonly kind: 'blocked' };

interface Failure {
  readonly error?: string;
  readonly cause?: string;
  /** Raised while evaluating the state (paths, intrinsics, JSONata): AWS prefixes the cause. */
  readonly evaluation?: boolean;
}

/** Errors AWS documents as terminal: no Retry or Catch (not even States.ALL) sees them. */
const UNCATCHABLE = new Set(['States.Runtime', 'States.DataLimitExceeded']);

const PAYLOAD_DETAILS = { truncated: false } as const;

/** AWS's quota on any state's input or output: 256 KiB of UTF-8. */
const MAX_PAYLOAD_BYTES = 256 * 1024;

class Decision {
  readonly events: ExecutionEvent[] = [];
  private readonly nowIso: string;
  /** Work left in this decision, in order: branch runs, iteration starts, continuations. */
  private readonly jobs: Array<() => Promise<void>> = [];
  /** previousEventId for a thread's next event when AWS links it elsewhere (a branch's last event). */
  private readonly pointerOverrides = new Map<string, number>();

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
    if (command.type === 'StartExecution') {
      if (this.state.status !== 'NONE') return;
      this.startExecution(command);
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
        if (found && !found.cursor.taskStarted) this.emitTaskStarted(found.thread.id, found.cursor);
        break;
      }
      case 'CompleteTask':
        await this.completeTask(command.token, command.output);
        break;
      case 'FailTask':
        await this.failTask(command.token, command.error, command.cause, 'TaskFailed');
        break;
      case 'SubmitTask':
      case 'HeartbeatTask':
        // TODO(issue 6): TaskSubmitted for .sync; heartbeats reset HeartbeatSeconds.
        break;
      case 'TimeOutTask':
        await this.failTask(command.token, command.error ?? 'States.Timeout', command.cause, 'TaskTimedOut');
        break;
      case 'StopExecution':
        this.abortAll();
        this.emit(ROOT_THREAD, 'ExecutionAborted', 'executionAbortedEventDetails', compact({ error: command.error, cause: command.cause }), {
          actor: command.actor,
        });
        return;
      case 'TimeOutExecution':
        this.abortAll();
        this.emit(ROOT_THREAD, 'ExecutionTimedOut', 'executionTimedOutEventDetails', {});
        return;
    }
    await this.drain();
  }

  // ---- events ---------------------------------------------------------------------------

  private emit(
    threadId: string,
    type: ExecutionEventTypeName,
    detailsField?: string,
    details?: Record<string, unknown>,
    internals: Partial<EventInternals> = {},
    previousEventId?: number,
  ): ExecutionEvent {
    const thread = this.state.threads[threadId];
    // Iterations of a Distributed Map run as child workflows on AWS: their events are kept
    // (they drive the fold) but numbered apart and left out of the parent's history.
    const hidden = thread?.hidden === true || (type.startsWith('MapIteration') && thread?.cursor?.children?.distributed === true);
    const override = this.pointerOverrides.get(threadId);
    if (override !== undefined) this.pointerOverrides.delete(threadId);
    const event: ExecutionEvent = {
      type,
      id: hidden ? -(this.state.hiddenEvents + 1) : this.state.lastEventId + 1,
      previousEventId: previousEventId ?? override ?? thread?.pointer ?? this.state.lastEventId,
      timestamp: this.nowIso,
      ...(detailsField ? { [detailsField]: details ?? {} } : {}),
      x: { v: EVENT_SCHEMA_VERSION, th: threadId, ...internals, ...(hidden ? { hidden: true } : {}) },
    };
    this.events.push(event);
    this.state = evolve(this.state, event);
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

  private async drain(): Promise<void> {
    while (this.jobs.length > 0 && this.state.status === 'RUNNING') {
      await this.jobs.shift()!();
    }
  }

  private schedule(threadId: string, step: Step): void {
    this.jobs.push(async () => {
      if (this.state.threads[threadId]) await this.run(threadId, step);
    });
  }

  private scheduleAsync(threadId: string, compute: () => Promise<Step>): void {
    this.jobs.push(async () => {
      if (this.state.threads[threadId]) await this.run(threadId, await compute());
    });
  }

  private async run(threadId: string, first: Step): Promise<void> {
    let step = first;
    while (this.state.status === 'RUNNING') {
      switch (step.kind) {
        case 'enter':
          step = await this.enterState(threadId, step.name, step.input, step.inputText);
          break;
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
    const timeoutAt =
      typeof definition.TimeoutSeconds === 'number'
        ? new Date(this.env.now.getTime() + definition.TimeoutSeconds * 1000).toISOString()
        : undefined;
    const input = JSON.parse(command.input) as unknown;
    const details = { input: command.input, inputDetails: PAYLOAD_DETAILS, roleArn: command.roleArn };
    rememberParsed(details, 'input', input);
    this.emit(ROOT_THREAD, 'ExecutionStarted', 'executionStartedEventDetails', details, {
      start: {
        executionArn: command.executionArn,
        stateMachineArn: command.stateMachineArn,
        name: command.name,
        type: command.executionType,
        definition: command.definition,
        ...(timeoutAt ? { timeoutAt } : {}),
        ...(command.traceHeader ? { traceHeader: command.traceHeader } : {}),
      },
      actor: command.actor,
    }, 0);
    this.schedule(ROOT_THREAD, { kind: 'enter', name: definition.StartAt as string, input, inputText: command.input });
  }

  // ---- entering and leaving states ------------------------------------------------------

  private async enterState(threadId: string, name: string, input: unknown, inputText?: string): Promise<Step> {
    const definition = this.stateDefinition(threadId, name);
    const kind = definition.Type as StateKind;
    const language = this.queryLanguageOf(threadId, definition);
    let wakeAt: string | undefined;
    let deadlineFailure: Failure | undefined;
    if (kind === 'Wait') {
      try {
        wakeAt = await this.waitDeadline(threadId, name, definition, language, input);
      } catch (error) {
        deadlineFailure = toFailure(error);
      }
    }
    const details = { input: inputText ?? json(input), inputDetails: PAYLOAD_DETAILS, name };
    rememberParsed(details, 'input', input);
    this.emit(threadId, `${kind}StateEntered`, 'stateEnteredEventDetails', details, wakeAt ? { wakeAt } : {});
    if (deadlineFailure) return this.stateFailed(threadId, deadlineFailure);
    try {
      return await this.executeState(threadId, kind, definition, language);
    } catch (error) {
      return this.stateFailed(threadId, toFailure(error));
    }
  }

  private async executeState(threadId: string, kind: StateKind, definition: Record<string, any>, language: 'JSONPath' | 'JSONata'): Promise<Step> {
    const cursor = this.cursorOf(threadId);
    const input = cursor.input;
    switch (kind) {
      case 'Pass': {
        if (language === 'JSONata') {
          const states = this.jsonataStates(threadId, input);
          const output = 'Output' in definition ? await this.jsonata(threadId, definition.Output, states, 'Output') : input;
          const assigned = await this.jsonataAssign(threadId, definition, states);
          return this.exitState(threadId, definition, output, assigned);
        }
        const scope = this.scope(threadId, applyInputPath(definition.InputPath, input, this.pathContext(threadId)));
        const effective = definition.Parameters !== undefined ? this.payload(definition.Parameters, scope) : scope.input;
        const result = 'Result' in definition ? definition.Result : effective;
        const assigned = this.jsonPathAssign(definition, { ...scope, input: result });
        const output = applyOutputPath(definition.OutputPath, applyResultPath(definition.ResultPath, input, result), this.pathContext(threadId));
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

  /** Choice and Succeed: InputPath/OutputPath (or Output) around the input, Choice picks Next. */
  private async evaluatePassThrough(threadId: string, kind: 'Choice' | 'Succeed', definition: Record<string, any>, language: 'JSONPath' | 'JSONata'): Promise<Step> {
    const input = this.cursorOf(threadId).input;
    if (language === 'JSONata') {
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
    const context = this.context(threadId);
    const effective = applyInputPath(definition.InputPath, input, this.pathContext(threadId));
    let next: string | undefined;
    if (kind === 'Choice') {
      next = selectChoice(definition as any, effective, { context, variables: this.thread(threadId).variables });
      if (next === undefined) throw new StatesError('States.NoChoiceMatched', 'No Matches!');
    }
    const assigned = this.jsonPathAssign(definition, this.scope(threadId, effective));
    const output = applyOutputPath(definition.OutputPath, effective, this.pathContext(threadId));
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
    if (Buffer.byteLength(outputText, 'utf8') > MAX_PAYLOAD_BYTES) {
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
    this.emit(threadId, `${cursor.kind}StateExited`, 'stateExitedEventDetails', details, next !== undefined ? { next } : {});
    if (cursor.kind === 'Succeed' || next === undefined) return { kind: 'end', output };
    return { kind: 'enter', name: next, input: output };
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
      // AWS records JSONata failures as EvaluationFailed, pointing where the state's Entered pointed.
      const field = /specified for the field '([^']+)'/.exec(cause ?? '')?.[1];
      const location = field && !field.startsWith('Arguments') ? field : undefined;
      this.emit(
        threadId,
        'EvaluationFailed',
        'evaluationFailedEventDetails',
        compact({ cause, error: failure.error, location, state: cursor.name }),
        {},
        cursor.enteredPointer,
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

  private async tryCatch(threadId: string, error: string | undefined, cause: string | undefined): Promise<Step | undefined> {
    const cursor = this.cursorOf(threadId);
    const definition = this.stateDefinition(threadId, cursor.name);
    if (UNCATCHABLE.has(error ?? '') || !Array.isArray(definition.Catch)) return undefined;
    const catcher = findCatcher(definition.Catch, error ?? '');
    if (!catcher) return undefined;
    const errorOutput = compact({ Error: error, Cause: cause });
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
  private retryPlan(threadId: string, error: string | undefined): { retry: { retrier: number; attempt: number }; wakeAt: string } | undefined {
    const cursor = this.cursorOf(threadId);
    const definition = this.stateDefinition(threadId, cursor.name);
    if (UNCATCHABLE.has(error ?? '') || !Array.isArray(definition.Retry)) return undefined;
    const found = findRetrier(definition.Retry, error ?? '');
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
        const details = { output: json(step.output), outputDetails: PAYLOAD_DETAILS };
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
      const scope = this.scope(threadId, applyInputPath(definition.InputPath, input, this.pathContext(threadId)));
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
          const effective = applyInputPath(definition.InputPath, cursor.input, this.pathContext(threadId));
          const assigned = this.jsonPathAssign(definition, this.scope(threadId, effective));
          step = this.exitState(threadId, definition, applyOutputPath(definition.OutputPath, effective, this.pathContext(threadId)), assigned);
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
    let parameters: unknown;
    if (language === 'JSONata') {
      const states = this.jsonataStates(threadId, cursor.input, {}, token);
      parameters = definition.Arguments !== undefined ? await this.jsonata(threadId, definition.Arguments, states, 'Arguments') : undefined;
    } else {
      const scope = this.scope(threadId, applyInputPath(definition.InputPath, cursor.input, this.pathContext(threadId, token)), token);
      parameters = definition.Parameters !== undefined ? this.payload(definition.Parameters, scope) : scope.input;
    }
    const { resourceType, resource } = describeResource(String(definition.Resource ?? ''));
    const details: Record<string, unknown> = {
      resourceType,
      resource,
      region: regionOf(this.state.start!.executionArn),
      parameters: json(parameters ?? {}),
    };
    if (typeof definition.TimeoutSeconds === 'number') details.timeoutInSeconds = definition.TimeoutSeconds;
    if (typeof definition.HeartbeatSeconds === 'number') details.heartbeatInSeconds = definition.HeartbeatSeconds;
    rememberParsed(details, 'parameters', parameters ?? {});
    this.emit(threadId, 'TaskScheduled', 'taskScheduledEventDetails', details, { token });
    return { kind: 'blocked' };
  }

  private findTask(token: string): { thread: ThreadState; cursor: Cursor } | undefined {
    for (const thread of Object.values(this.state.threads)) {
      if (thread.cursor?.phase === 'task' && thread.cursor.token === token) return { thread, cursor: thread.cursor };
    }
    return undefined;
  }

  private emitTaskStarted(threadId: string, cursor: Cursor): void {
    const [resourceType, resource] = splitResource(cursor.taskResource);
    this.emit(threadId, 'TaskStarted', 'taskStartedEventDetails', { resource, resourceType });
  }

  private async completeTask(token: string, outputText: string): Promise<void> {
    const found = this.findTask(token);
    if (!found) return;
    const threadId = found.thread.id;
    if (!found.cursor.taskStarted) this.emitTaskStarted(threadId, found.cursor);
    const [resourceType, resource] = splitResource(found.cursor.taskResource);
    const result = JSON.parse(outputText) as unknown;
    const details = { output: outputText, outputDetails: PAYLOAD_DETAILS, resource, resourceType };
    rememberParsed(details, 'output', result);
    this.emit(threadId, 'TaskSucceeded', 'taskSucceededEventDetails', details);
    let step: Step;
    try {
      step = await this.processResult(threadId, result);
    } catch (error) {
      step = await this.stateFailed(threadId, toFailure(error));
    }
    this.schedule(threadId, step);
  }

  private async failTask(token: string, error: string, cause: string | undefined, type: 'TaskFailed' | 'TaskTimedOut'): Promise<void> {
    const found = this.findTask(token);
    if (!found) return;
    const threadId = found.thread.id;
    if (!found.cursor.taskStarted && type === 'TaskFailed') this.emitTaskStarted(threadId, found.cursor);
    const [resourceType, resource] = splitResource(found.cursor.taskResource);
    const plan = this.retryPlan(threadId, error);
    const detailsField = type === 'TaskFailed' ? 'taskFailedEventDetails' : 'taskTimedOutEventDetails';
    this.emit(threadId, type, detailsField, compact({ cause, error, resource, resourceType }), plan ?? {});
    if (plan) return;
    const caught = await this.tryCatch(threadId, error, cause);
    this.schedule(threadId, caught ?? { kind: 'fail', error, cause });
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
    const output = applyOutputPath(definition.OutputPath, applyResultPath(definition.ResultPath, cursor.input, selected), this.pathContext(threadId));
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
      effective = applyInputPath(definition.InputPath, cursor.input, this.pathContext(threadId));
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
    if (language === 'JSONata') {
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
    let limits: { maxConcurrency?: number; toleratedFailureCount?: number; toleratedFailurePercentage?: number } = {};
    let limitsFailure: unknown;
    try {
      limits = {
        maxConcurrency: await this.numberField(threadId, definition, 'MaxConcurrency', effective, language),
        toleratedFailureCount: await this.numberField(threadId, definition, 'ToleratedFailureCount', effective, language),
        toleratedFailurePercentage: await this.numberField(threadId, definition, 'ToleratedFailurePercentage', effective, language),
      };
    } catch (error) {
      limitsFailure = error;
    }
    const distributed = (definition.ItemProcessor?.ProcessorConfig?.Mode ?? 'INLINE') === 'DISTRIBUTED';
    this.emit(threadId, 'MapStateStarted', 'mapStateStartedEventDetails', { length: items.length }, compact({
      items: json(items),
      maxConcurrency: limits.maxConcurrency ?? 0,
      toleratedFailureCount: limits.toleratedFailureCount,
      toleratedFailurePercentage: limits.toleratedFailurePercentage,
      distributed: distributed || undefined,
    }) as Partial<EventInternals>);
    if (limitsFailure) throw limitsFailure;
    if (distributed) {
      const start = this.state.start!;
      const label = typeof definition.Label === 'string' ? definition.Label : cursor.name;
      const mapRunArn = `${start.stateMachineArn.replace(':stateMachine:', ':mapRun:')}/${label}:${this.env.uuid()}`;
      this.emit(threadId, 'MapRunStarted', 'mapRunStartedEventDetails', { mapRunArn });
    }
    if (items.length === 0) return this.finishChildren(threadId);
    await this.startIterations(threadId, effective);
    return { kind: 'blocked' };
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
    const effective = mapInput ?? (language === 'JSONPath' ? applyInputPath(definition.InputPath, cursor.input, this.pathContext(threadId)) : cursor.input);
    while (book.nextIndex < book.total && (book.maxConcurrency <= 0 || book.running.length < book.maxConcurrency)) {
      const index = book.nextIndex;
      const item = book.items![index];
      const selector = definition.ItemSelector ?? definition.Parameters;
      let childInput: unknown = item;
      if (selector !== undefined) {
        const mapContext = { Item: { Index: index, Value: item } };
        if (language === 'JSONata') {
          const states = { input: cursor.input, context: { ...(this.context(threadId) as object), Map: mapContext } };
          childInput = await this.jsonata(threadId, selector, states, 'ItemSelector');
        } else {
          childInput = this.payload(selector, { input: effective, context: { ...(this.context(threadId) as object), Map: mapContext }, variables: this.thread(threadId).variables });
        }
      }
      this.emit(threadId, 'MapIterationStarted', 'mapIterationStartedEventDetails', { index, name: cursor.name });
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
    if (book.kind === 'Parallel') {
      if (step.kind === 'fail') {
        this.abortChildren(parentId, child.id);
        this.childrenFailed(parentId, step.error, step.cause, child.pointer);
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
        child.pointer,
      );
      if (plan) return;
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
    if (updated.running.length === 0) this.scheduleAsync(parentId, () => this.finishChildren(parentId));
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
      results = book.results.slice();
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
    if (plan) return;
    this.scheduleAsync(threadId, async () => (await this.tryCatch(threadId, error, cause)) ?? { kind: 'fail', error, cause });
  }

  /** Aborts the running branches of a Parallel/Map (all but `except`), deepest first. */
  private abortChildren(parentId: string, except?: string): void {
    const book = this.cursorOf(parentId).children;
    if (!book) return;
    for (const childId of book.running) {
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
    if (cursor.kind === 'Task' || cursor.kind === 'Map' || cursor.kind === 'Parallel') {
      this.emit(threadId, `${cursor.kind}StateAborted`);
    }
  }

  private abortAll(): void {
    this.jobs.length = 0;
    this.abortThread(ROOT_THREAD);
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
        RedriveCount: start.redriveCount ?? 0,
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

  private pathContext(threadId: string, token?: string): { context: unknown; variables: Readonly<Record<string, unknown>> } {
    return { context: this.context(threadId, token ? { token } : {}), variables: this.thread(threadId).variables };
  }

  private scope(threadId: string, input: unknown, token?: string): EvaluationScope {
    return { input, context: this.context(threadId, token ? { token } : {}), variables: this.thread(threadId).variables };
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

// ---- small pure helpers -----------------------------------------------------------------

function json(value: unknown): string {
  return JSON.stringify(value === undefined ? null : value);
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

function splitResource(combined: string | undefined): [string, string] {
  if (!combined) return ['unknown', 'unknown'];
  const index = combined.lastIndexOf(':');
  return [combined.slice(0, index), combined.slice(index + 1)];
}

function regionOf(arn: string): string {
  return arn.split(':')[3] ?? 'us-east-1';
}

function stateMachineNameOf(arn: string): string {
  const parts = arn.split(':');
  return parts[6] ?? arn;
}

function stripTemplate(value: unknown): string {
  return typeof value === 'string' ? value.replace(/^\{%\s*/, '').replace(/\s*%\}$/, '') : json(value);
}

function jsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

