import type { ExecutionCommand } from './commands';
import type { Cursor, ExecutionState } from './execution-state';
import { decidesWith, EngineBehaviour } from './behaviour';
import type { ItemReadPosition } from './history-event';
import { isoMillis } from './iso-time';
import type { ItemSource, ReaderSettings, WrittenObject } from './language';
import { awaitsResultWrite, resultWritePlan } from './map-run';
import { awaitsContinuation } from './states/map';

/**
 * The effects an execution is waiting for, derived from its folded state (never from the
 * decision that produced it): so after a restart, replaying the stream gives the same list,
 * and the runner re-arms every timer and re-dispatches every task that had not finished.
 */
export type Effect =
  | { readonly kind: 'timer'; readonly threadId: string; readonly enteredEventId: number; readonly wakeAt: string }
  | { readonly kind: 'execution-timeout'; readonly at: string }
  | {
      readonly kind: 'task';
      readonly threadId: string;
      readonly token: string;
      /** The state's Resource ARN as written in the definition. */
      readonly resource: string;
      readonly parameters: string;
      readonly started: boolean;
      readonly stateName: string;
      readonly enteredEventId: number;
      /** 0-based count of earlier schedulings of this state in the execution. */
      readonly invocation: number;
    }
  /** TimeoutSeconds or HeartbeatSeconds of an open task: when it passes, the task times out. */
  | {
      readonly kind: 'task-deadline';
      readonly threadId: string;
      readonly token: string;
      readonly deadline: 'timeout' | 'heartbeat';
      readonly at: string;
    }
  /**
   * A Distributed Map's ItemReader: read from the object store, answer with CompleteItemRead;
   * with `stream` (EngineBehaviour.StreamedItems, s3:getObject), read the next batch from
   * its position and answer with RecordItemBatch.
   */
  | {
      readonly kind: 'read-items';
      readonly threadId: string;
      readonly enteredEventId: number;
      readonly source: ItemSource;
      readonly stream?: { readonly settings: ReaderSettings; readonly position: ItemReadPosition };
    }
  /** A decision stopped a thread between two states: answer with ContinueThread. */
  | { readonly kind: 'continue-thread'; readonly threadId: string; readonly after: number }
  /** A Distributed Map stopped at a decision's bound with iterations left to start: answer with ContinueMap. */
  | { readonly kind: 'continue-map'; readonly threadId: string; readonly enteredEventId: number }
  /** A Map Run's ResultWriter: store these objects, answer with CompleteResultWrite. */
  | { readonly kind: 'write-results'; readonly threadId: string; readonly enteredEventId: number; readonly objects: readonly WrittenObject[] };

export function pendingEffects(state: ExecutionState): Effect[] {
  if (state.status !== 'RUNNING') return [];
  const effects: Effect[] = [];
  const executionDeadline = state.start?.timeoutAt;
  let executionDeadlineMs: number | undefined;
  if (executionDeadline) effects.push({ kind: 'execution-timeout', at: executionDeadline });
  for (const thread of Object.values(state.threads)) {
    const cursor = thread.cursor;
    if (!cursor) {
      if (!thread.done && thread.next !== undefined) effects.push({ kind: 'continue-thread', threadId: thread.id, after: thread.pointer });
      continue;
    }
    if ((cursor.phase === 'wait' || cursor.phase === 'retry') && cursor.wakeAt) {
      effects.push({ kind: 'timer', threadId: thread.id, enteredEventId: cursor.enteredEventId, wakeAt: cursor.wakeAt });
    } else if (cursor.phase === 'task' && cursor.token) {
      effects.push({
        kind: 'task',
        threadId: thread.id,
        token: cursor.token,
        resource: String(thread.states[cursor.name]?.Resource ?? ''),
        parameters: cursor.taskParameters ?? '{}',
        started: cursor.taskStarted ?? false,
        stateName: cursor.name,
        enteredEventId: cursor.enteredEventId,
        invocation: cursor.taskInvocation ?? 0,
      });
      // A deadline after the execution's own (AWS's default TimeoutSeconds is 99,999,999 s,
      // past the one-year limit) can never fire first: no timer for it.
      executionDeadlineMs ??= executionDeadline === undefined ? Number.POSITIVE_INFINITY : isoMillis(executionDeadline);
      for (const deadline of taskDeadlines(cursor, executionDeadlineMs)) {
        effects.push({ kind: 'task-deadline', threadId: thread.id, token: cursor.token, ...deadline });
      }
    } else if (cursor.phase === 'children' && cursor.children) {
      const book = cursor.children;
      if (book.awaitingItems && book.mapRun?.reader) {
        const reader = book.mapRun.reader;
        const streamed = reader.source.action === 'getObject' ? decidesWith(state.start, EngineBehaviour.StreamedItems) : decidesWith(state.start, EngineBehaviour.PagedListing);
        effects.push({
          kind: 'read-items',
          threadId: thread.id,
          enteredEventId: cursor.enteredEventId,
          source: reader.source,
          ...(streamed ? { stream: { settings: reader.settings, position: book.itemRead ?? { offset: 0, count: 0 } } } : {}),
        });
      } else if (awaitsResultWrite(book)) {
        effects.push({ kind: 'write-results', threadId: thread.id, enteredEventId: cursor.enteredEventId, objects: resultWritePlan(book).objects });
      } else if (awaitsContinuation(book)) {
        effects.push({ kind: 'continue-map', threadId: thread.id, enteredEventId: cursor.enteredEventId });
      }
    }
  }
  return effects;
}

/**
 * An open task's deadlines as its events define them: TimeoutSeconds from the moment the task
 * was called (an activity: taken by a worker), HeartbeatSeconds from the last sign of life
 * (start, TaskSubmitted, a heartbeat). Pure, so decide re-checks a fired timer against it.
 * Deadlines at or after `beforeMs` are left out.
 */
export function taskDeadlines(cursor: Cursor, beforeMs = Number.POSITIVE_INFINITY): Array<{ deadline: 'timeout' | 'heartbeat'; at: string }> {
  const deadlines: Array<{ deadline: 'timeout' | 'heartbeat'; at: string }> = [];
  if (cursor.phase !== 'task') return deadlines;
  // A deadline past the last date there is (a TimeoutSecondsPath that selects 2^53) never comes:
  // left out, where its toISOString's RangeError used to leave the decision.
  const before = Math.min(beforeMs, LAST_DATE_MS + 1);
  if (cursor.taskTimeoutSeconds !== undefined && cursor.taskClockFrom) {
    const at = isoMillis(cursor.taskClockFrom) + cursor.taskTimeoutSeconds * 1000;
    if (!(at >= before)) deadlines.push({ deadline: 'timeout', at: new Date(at).toISOString() });
  }
  if (cursor.heartbeatSeconds !== undefined && cursor.lastBeatAt) {
    const at = isoMillis(cursor.lastBeatAt) + cursor.heartbeatSeconds * 1000;
    if (!(at >= before)) deadlines.push({ deadline: 'heartbeat', at: new Date(at).toISOString() });
  }
  return deadlines;
}

/** The last instant a Date can hold: 8.64e15 ms after 1970 (ECMAScript's time value range). */
const LAST_DATE_MS = 8.64e15;

/**
 * The command that goes on with a decision stopped at its bound (continue-thread, continue-map),
 * when there is one: drivers run it before anything else, as the runner does at once.
 */
export function continuationOf(effects: readonly Effect[]): ExecutionCommand | undefined {
  for (const effect of effects) {
    if (effect.kind === 'continue-thread') return { type: 'ContinueThread', threadId: effect.threadId, after: effect.after };
    if (effect.kind === 'continue-map') return { type: 'ContinueMap', threadId: effect.threadId, enteredEventId: effect.enteredEventId };
  }
  return undefined;
}
