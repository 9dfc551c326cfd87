import { ROOT_CONTEXT, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import type { TimelineStep } from '@stepstone/engine';

/** Attribute names on execution and state spans. */
export const TraceAttribute = {
  executionArn: 'stepstone.execution.arn',
  stateMachine: 'stepstone.state_machine.name',
  executionStatus: 'stepstone.execution.status',
  stateName: 'stepstone.state.name',
  stateType: 'stepstone.state.type',
  retryCount: 'stepstone.state.retry_count',
  error: 'stepstone.error',
  cause: 'stepstone.cause',
  iterationIndex: 'stepstone.iteration.index',
} as const;

export interface ExecutionTraceInput {
  readonly executionArn: string;
  readonly stateMachineName: string;
  /** The execution's history, folded by buildTimeline (the code `stepstone replay` uses). */
  readonly steps: readonly TimelineStep[];
  /** The status after the last step. */
  readonly status: string;
}

/** What one traced state contributes to the state duration histogram. */
export interface TracedState {
  readonly name: string;
  readonly type: string;
  readonly durationMs: number;
  readonly retries: number;
  readonly error?: string;
}

interface OpenState {
  readonly span: Span;
  readonly name: string;
  readonly type: string;
  readonly start: number;
  readonly enteredEventId: number;
  retries: number;
  /** A failure inside the state not yet followed by a retry or the state's exit. */
  pendingError?: { error: string; cause?: string };
  lastError?: string;
}

interface OpenGroup {
  readonly span: Span;
  end: number;
}

const STATE_ENTERED = /^(\w+)StateEntered$/;
const STATE_EXITED = /StateExited$/;
/** A task attempt starts: a second one inside one state entry is a retry. */
const ATTEMPT_SCHEDULED = /^(Task|LambdaFunction|Activity)Scheduled$/;
const TERMINAL = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionTimedOut', 'ExecutionAborted']);

/**
 * Emits one trace for an execution: a root span for the execution, a child span per state
 * entry, and for each Map iteration or Parallel branch a span between its state and the states
 * inside it. Times are the events' own timestamps, so a trace rebuilt after a restart is the
 * same as one built live. Retries and catches are span events on the state that had them.
 */
export function emitExecutionTrace(tracer: Tracer, input: ExecutionTraceInput): TracedState[] {
  const traced: TracedState[] = [];
  const first = input.steps[0];
  if (!first) return traced;
  const last = input.steps[input.steps.length - 1]!;
  const root = tracer.startSpan(
    `execution ${input.stateMachineName}`,
    {
      root: true,
      startTime: Date.parse(first.timestamp),
      attributes: { [TraceAttribute.executionArn]: input.executionArn, [TraceAttribute.stateMachine]: input.stateMachineName },
    },
    ROOT_CONTEXT,
  );
  const openByThread = new Map<string, OpenState>();
  const spanByEnteredEvent = new Map<number, { span: Span; type: string }>();
  const groups = new Map<string, OpenGroup>();

  const parentOf = (threadId: string, at: number): Span => {
    const slash = threadId.lastIndexOf('/');
    if (slash < 0) return root;
    const existing = groups.get(threadId);
    if (existing) {
      existing.end = at;
      return existing.span;
    }
    const [enteredId, index] = threadId.slice(slash + 1).split('.').map(Number);
    const owner = spanByEnteredEvent.get(enteredId ?? -1);
    const ownerSpan = owner?.span ?? parentOf(threadId.slice(0, slash), at);
    const label = owner?.type === 'Parallel' ? 'branch' : 'iteration';
    const span = tracer.startSpan(
      `${owner?.type ?? 'Map'} ${label} ${index ?? 0}`,
      { startTime: at, attributes: { [TraceAttribute.iterationIndex]: index ?? 0 } },
      trace.setSpan(ROOT_CONTEXT, ownerSpan),
    );
    groups.set(threadId, { span, end: at });
    return span;
  };

  const closeState = (threadId: string, state: OpenState, at: number, failed: boolean): void => {
    state.span.setAttribute(TraceAttribute.retryCount, state.retries);
    if (failed) {
      state.span.setAttribute(TraceAttribute.error, state.pendingError?.error ?? state.lastError ?? 'States.Runtime');
      state.span.setStatus({ code: SpanStatusCode.ERROR, message: state.pendingError?.error ?? state.lastError ?? '' });
    } else if (state.pendingError) {
      state.span.addEvent('catch', errorAttributes(state.pendingError), at);
    }
    // A Map or Parallel state that ends takes its iterations with it: whatever is still open
    // inside them failed or was aborted, at the latest now.
    const inside = `${threadId}/${state.enteredEventId}.`;
    for (const [childThread, child] of [...openByThread]) {
      if (childThread.startsWith(inside)) closeState(childThread, child, at, true);
    }
    for (const [groupThread, group] of groups) {
      if (groupThread.startsWith(inside)) {
        group.span.end(Math.min(group.end, at));
        groups.delete(groupThread);
      }
    }
    state.span.end(at);
    openByThread.delete(threadId);
    traced.push({
      name: state.name,
      type: state.type,
      durationMs: Math.max(0, at - state.start),
      retries: state.retries,
      ...(failed ? { error: state.pendingError?.error ?? state.lastError ?? 'States.Runtime' } : {}),
    });
  };

  for (const step of input.steps) {
    const at = Date.parse(step.timestamp);
    const entered = STATE_ENTERED.exec(step.type);
    if (entered) {
      const type = entered[1]!;
      const name = step.stateName ?? type;
      const span = tracer.startSpan(
        name,
        { startTime: at, attributes: { [TraceAttribute.stateName]: name, [TraceAttribute.stateType]: type } },
        trace.setSpan(ROOT_CONTEXT, parentOf(step.threadId, at)),
      );
      openByThread.set(step.threadId, { span, name, type, start: at, enteredEventId: step.eventId, retries: 0 });
      spanByEnteredEvent.set(step.eventId, { span, type });
      continue;
    }
    if (step.threadId.includes('/')) parentOf(step.threadId, at);
    const open = openByThread.get(step.threadId);
    if (!open) continue;
    if (STATE_EXITED.test(step.type)) {
      closeState(step.threadId, open, at, false);
    } else if (ATTEMPT_SCHEDULED.test(step.type) && open.pendingError) {
      open.retries += 1;
      open.span.addEvent('retry', { ...errorAttributes(open.pendingError), [TraceAttribute.retryCount]: open.retries }, at);
      open.pendingError = undefined;
    } else if (step.error !== undefined) {
      open.pendingError = { error: step.error, ...(step.cause !== undefined ? { cause: step.cause } : {}) };
      open.lastError = step.error;
    }
  }

  const end = Date.parse(last.timestamp);
  const failed = input.status !== 'SUCCEEDED';
  // States still open when the execution ended are where it failed (or was stopped).
  for (const [threadId, state] of [...openByThread].reverse()) closeState(threadId, state, end, failed);
  for (const group of [...groups.values()].reverse()) group.span.end(group.end);
  root.setAttribute(TraceAttribute.executionStatus, input.status);
  if (failed) {
    if (last.error !== undefined) root.setAttributes(errorAttributes({ error: last.error, ...(last.cause !== undefined ? { cause: last.cause } : {}) }));
    root.setStatus({ code: SpanStatusCode.ERROR, message: last.error ?? input.status });
  }
  root.end(end);
  return traced;
}

export function isTerminalEventType(type: string): boolean {
  return TERMINAL.has(type);
}

function errorAttributes(failure: { error: string; cause?: string }): Attributes {
  return { [TraceAttribute.error]: failure.error, ...(failure.cause !== undefined ? { [TraceAttribute.cause]: failure.cause } : {}) };
}
