import { type EventStore, type LeaseFence, type RecordedEvent, hashDefinition, isStaleLeaseError, isWrongExpectedVersionError, nextTurn } from '@stepstone/event-store';
import type { ExecutionCommand } from '../execution/commands';
import { decideAndEvolve } from '../execution/decide';
import { type Effect, pendingEffects } from '../execution/effects';
import type { ObjectStore } from '../object-store/object-store.port';
import { isObjectStoreEffect, performObjectStoreEffect } from '../object-store/perform-object-store-effect';
import { createFoldScope, evolveOwned } from '../execution/evolve';
import { type ExecutionState, initialExecutionState } from '../execution/execution-state';
import { type ExecutionEvent, isHistoryEvent } from '../execution/history-event';
import { assertExecutionEvents } from '../execution/event-shape';
import { redrivabilityOf } from '../execution/redrive';
import { parseTaskResource } from '@stepstone/asl';
import {
  type Caller,
  type UpdateMapRunRequest,
  type ExecutionRunner,
  type StartExecutionOutcome,
  type StartExecutionRequest,
  type StopExecutionRequest,
  type SyncExecutionResult,
  callerMetadata,
  executionStreamId,
} from './execution-runner.port';
import { TimerHeap, type TimerEntry } from './timer-heap';
import { startCommand, systemDecisionEnv } from './decision-inputs';
import { type Loaded, possiblyOpenStreams, replayEach, replayFeed } from './recovery';
import { runSyncExecution } from './run-sync';
import {
  type TaskDispatcher,
  type TaskOutcome,
  type TaskProgress,
  type WaitingActivityTask,
  progressCommand,
  taskCommand,
  taskRequest,
  thrownOutcome,
} from './task-dispatch';

export { taskCommand } from './task-dispatch';
export type { TaskDispatcher, TaskOutcome, TaskProgress, TaskRequest, WaitingActivityTask } from './task-dispatch';

export interface ExecutionRunnerOptions {
  readonly store: EventStore;
  readonly now?: () => Date;
  /**
   * A virtual clock's jump (STEPSTONE_CLOCK=fast): timers move `now` to their deadline instead
   * of sleeping, so Waits and backoffs take no real time and timestamps stay consistent.
   */
  readonly advanceClock?: (toMs: number) => void;
  readonly taskDispatcher?: TaskDispatcher;
  /** Where Distributed Map states read items and write results (ItemReader/ResultWriter). */
  readonly objectStore?: ObjectStore;
  /** Open executions to reload on start-up; default: every execution stream. */
  readonly openExecutions?: () => Promise<string[]>;
  /** Called after an execution's events are durable (projections, streaming APIs). */
  readonly onAppended?: (executionArn: string, events: readonly ExecutionEvent[], state: ExecutionState) => void;
  /** How many conflicting appends to retry before giving up (another writer keeps winning). */
  readonly maxConflictRetries?: number;
  /** Whether an activity exists, asked before a Task on it is scheduled (see DecisionEnv). */
  readonly activityExists?: (activityArn: string) => Promise<boolean>;
  /**
   * Several processes on one store: which executions this process runs (timers, task dispatch,
   * deadlines, recovery), by the shard leases it holds. Absent: this process runs them all.
   */
  readonly ownership?: ExecutionOwnership;
}

/**
 * The shard leases of this process, as the runner sees them. Background work (timers, task
 * results, re-dispatch) happens only for executions whose shard this process holds, and each of
 * their appends carries the lease's fence, which the store refuses once the lease has changed
 * hands. API commands (Start, Stop, Redrive, SendTask*, a worker taking an activity task) may
 * arrive at any process: on an execution held elsewhere the command's own decision is appended
 * under optimistic concurrency alone, and the holder picks the new events up from the store's
 * feed (`notice`) and performs their effects.
 */
export interface ExecutionOwnership {
  /** The fence to append to this stream under, when this process holds its shard; else undefined. */
  fenceOf(streamId: string): LeaseFence | undefined;
  /** An append under `fence` was refused: the shard has changed hands. */
  lost(fence: LeaseFence): void;
}


/**
 * A task outcome its dispatcher returned directly (not a promise), once the task's scheduling
 * was durable: decided next in the same step of the execution's queue (settle).
 */
interface ImmediateOutcome {
  readonly token: string;
  readonly outcome: TaskOutcome;
}

/**
 * Events per page when one execution's stream is replayed (the process yields between pages):
 * a page of 2,000 held the process for 100-170 ms under load (issue 18).
 */
const REPLAY_PAGE_SIZE = 500;
/** How many closed executions' states `load` keeps (a Map's can hold its items). */
const CLOSED_STATES_KEPT = 64;

const NO_FENCE: { fence?: LeaseFence } = Object.freeze({});
/** How many closed executions `notice` remembers (several processes on one store). */
const CLOSED_REMEMBERED = 10_000;

type TimerPayload =
  | { readonly kind: 'timer'; readonly arn: string; readonly threadId: string; readonly enteredEventId: number }
  | { readonly kind: 'execution-timeout'; readonly arn: string }
  | { readonly kind: 'task-deadline'; readonly arn: string; readonly token: string; readonly deadline: 'timeout' | 'heartbeat' };

/**
 * The runner turns commands into durable events: load (cache or replay) → decide → append
 * with the expected revision → effects. Commands on one execution are serialised in this
 * process; a conflicting append (another process won) reloads and decides again. Effects
 * (timers, task dispatch) are derived from the folded state after the append is durable.
 */
export function createExecutionRunner(options: ExecutionRunnerOptions): ExecutionRunner & {
  /** `caller`: the API call that sent the result (SendTask*); absent for integrations (the engine). */
  completeTask(executionArn: string, token: string, outcome: TaskOutcome, caller?: Caller): Promise<boolean>;
  /** Progress of an open task (started, submitted, heartbeat); false when no such task is open. */
  reportTask(executionArn: string, token: string, progress: TaskProgress, caller?: Caller): Promise<boolean>;
  dispatch(executionArn: string, command: ExecutionCommand, caller?: Caller): Promise<{ events: readonly ExecutionEvent[]; position: number }>;
  openCount(): number;
  /** Shards just taken: replays the open executions of the streams `inShards` accepts and resumes them. */
  adopt(inShards: (streamId: string) => boolean): Promise<{ executions: number }>;
  /**
   * The activity tasks scheduled and not yet handed to a worker, in every open execution of
   * every shard (a process joining several on one store queues them for its GetActivityTask
   * long polls). Read through the store's index of streams; [] on a store without one.
   */
  waitingActivityTasks(): Promise<WaitingActivityTask[]>;
  /** Shards just lost: forgets the executions of the streams `inShards` accepts (their new holder runs them). */
  release(inShards: (streamId: string) => boolean): void;
  /**
   * `revision` was appended to an execution's stream (the store's feed, maybe by another
   * process): when this process holds the shard and did not know the revision, it reloads the
   * execution and performs the new events' effects. `closed`: the event at `revision` closed the
   * execution, so there is nothing to reload.
   */
  notice(executionArn: string, revision: number, closed?: boolean): Promise<void>;
} {
  const { store } = options;
  const now = options.now ?? (() => new Date());
  const maxConflictRetries = options.maxConflictRetries ?? 20;
  const cache = new Map<string, Loaded>();
  const queues = new Map<string, Promise<unknown>>();
  const dispatchedTokens = new Set<string>();
  /** Task deadline timers armed per execution: cancelled once their task is no longer open. */
  const armedDeadlines = new Map<string, Set<string>>();
  /** Object-store effects under way (one per Map state entry and kind). */
  const objectStoreWork = new Set<string>();
  /** The deadline of the execution-timeout timer armed for each open execution (its key: timeoutKey). */
  const timeoutAts = new Map<string, string>();
  /** Closed executions' folded states, most recently used last (rememberClosedState). */
  const closedStates = new Map<string, Loaded>();
  /** With ownership: the last revision of executions that closed here, so `notice` skips their echoes. */
  const closedRevisions = new Map<string, number>();
  let closed = false;

  const timers = new TimerHeap<TimerPayload>((due) => {
    for (const entry of due) void fireTimer(entry);
  }, () => now().getTime(), options.advanceClock, () => queues.size === 0 && dispatchedTokens.size === 0 && objectStoreWork.size === 0);

  /** Whether this process runs the execution's background work (always, without ownership). */
  function owns(arn: string): boolean {
    return !options.ownership || options.ownership.fenceOf(executionStreamId(arn)) !== undefined;
  }

  /** The fence of an append, as fields to spread into it: none (and no work) without ownership. */
  function fenceOf(arn: string): { fence?: LeaseFence } {
    if (!options.ownership) return NO_FENCE;
    const fence = options.ownership.fenceOf(executionStreamId(arn));
    return fence ? { fence } : NO_FENCE;
  }

  /** An append under a lease that changed hands: the shard is not ours any more. */
  function refused(error: { shard: number; epoch: number; currentEpoch: number | undefined; streamId: string }): void {
    console.warn(`stepstone runner: append refused, stale lease: shard ${error.shard} epoch ${error.epoch} (now ${error.currentEpoch ?? 'none'}) on ${error.streamId}`);
    options.ownership?.lost({ shard: error.shard, epoch: error.epoch });
  }

  function fireTimer(entry: TimerEntry<TimerPayload>): Promise<unknown> {
    const payload = entry.payload;
    if (!owns(payload.arn)) return Promise.resolve(); // its shard's holder armed it again
    return dispatch(payload.arn, timerCommand(payload)).catch(reportBackgroundError);
  }

  function reportBackgroundError(error: unknown): void {
    if (closed) return;
    console.error('stepstone runner:', error);
  }

  /** Runs `work` after every earlier command on the same execution. */
  function serialise<T>(arn: string, work: () => Promise<T>): Promise<T> {
    const previous = queues.get(arn) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => undefined);
    queues.set(arn, tail);
    void tail.then(() => {
      if (queues.get(arn) === tail) queues.delete(arn);
    });
    return result;
  }

  /**
   * Folds the stream page by page, yielding between pages: a closed 25,000-event execution
   * (DescribeExecution reads its redrive status) then never holds the event loop for its whole
   * replay (measured ~0.5 s in one piece).
   */
  async function replay(arn: string): Promise<Loaded | undefined> {
    const streamId = executionStreamId(arn);
    let state = initialExecutionState;
    let revision = -1;
    const scope = createFoldScope();
    for (;;) {
      const page = await store.readStream(streamId, { fromRevision: revision + 1, maxCount: REPLAY_PAGE_SIZE });
      for (const event of page) state = evolveOwned(state, event.data as ExecutionEvent, scope);
      if (page.length > 0) revision = page[page.length - 1].revision;
      if (page.length < REPLAY_PAGE_SIZE) break;
      // A reader waits for this replay (DescribeExecution's redrive status): every turn, not behind nextTurn's queue.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return revision < 0 ? undefined : { state, revision };
  }

  /**
   * The execution's state: cached, or replayed. Only a step in the execution's queue
   * (`inQueue`) keeps a replayed running state: a reader outside it (Describe, a pre-check)
   * may replay while a step appends, and keeping its older state would make the next step
   * decide from the past (a task it had just scheduled looked closed, and was lost).
   */
  async function load(arn: string, inQueue = false): Promise<Loaded | undefined> {
    const cached = cache.get(arn);
    if (cached) return cached;
    const closedState = closedStates.get(arn);
    if (closedState) {
      // Still closed unless something was appended since (a redrive, maybe by another process).
      if ((await store.streamRevision(executionStreamId(arn))) === closedState.revision) return closedState;
      closedStates.delete(arn);
    }
    const loaded = await replay(arn);
    // Only executions this process runs are kept: another process appends to the others.
    if (loaded && loaded.state.status === 'RUNNING' && owns(arn)) {
      if (inQueue) cache.set(arn, loaded);
    }
    else if (loaded && loaded.state.status !== 'RUNNING') rememberClosedState(arn, loaded);
    return loaded;
  }

  /**
   * A closed execution's folded state, kept (bounded) for the queries that need it: Describe
   * asks every closed execution for its redrive status, and replaying a 25,000-event stream
   * for each call held the process for 13 pages of ~130 ms under load (issue 18).
   */
  function rememberClosedState(arn: string, loaded: Loaded): void {
    closedStates.delete(arn);
    closedStates.set(arn, loaded);
    if (closedStates.size > CLOSED_STATES_KEPT) closedStates.delete(closedStates.keys().next().value!);
  }

  /**
   * Runs `step` in the execution's queue. Its caller is answered once the step is appended;
   * the queue then goes on, before any later command, with the task outcomes the dispatcher
   * returned at once (settle): each is decided after the append that made its task durable.
   */
  function serialiseStep<T>(arn: string, step: (immediate: ImmediateOutcome[]) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      void serialise(arn, async () => {
        const immediate: ImmediateOutcome[] = [];
        try {
          resolve(await step(immediate));
        } catch (error) {
          reject(error);
          return;
        }
        if (immediate.length > 0) await settle(arn, immediate);
      });
    });
  }

  /**
   * Decides the outcomes a dispatcher returned at once, one after the other (each may schedule
   * the next attempt, whose outcome joins the list): the command completeTask would have queued,
   * without the queue, the reload or the promise of an asynchronous dispatch.
   */
  async function settle(arn: string, immediate: ImmediateOutcome[]): Promise<void> {
    for (let next = immediate.shift(); next !== undefined; next = immediate.shift()) {
      try {
        await decideAndAppend(arn, taskCommand(next.token, next.outcome), undefined, immediate);
      } catch (error) {
        reportBackgroundError(error);
      } finally {
        dispatchedTokens.delete(next.token);
      }
    }
  }

  function dispatch(arn: string, command: ExecutionCommand, caller?: Caller): Promise<{ events: readonly ExecutionEvent[]; position: number }> {
    return serialiseStep(arn, (immediate) => decideAndAppend(arn, command, caller, immediate));
  }

  /** One command, in the execution's queue: load, decide, append (again after a conflict), effects. */
  async function decideAndAppend(
    arn: string,
    command: ExecutionCommand,
    caller: Caller | undefined,
    immediate: ImmediateOutcome[],
  ): Promise<{ events: readonly ExecutionEvent[]; position: number }> {
    for (let attempt = 0; ; attempt++) {
      // Background work for an execution another process holds is that process's to do.
      const fenced = fenceOf(arn);
      const fromApi = caller !== undefined || command.type === 'StartTask';
      if (options.ownership && !fenced.fence && !fromApi) return { events: [], position: 0 };
      const loaded = await load(arn, true);
      if (!loaded) return { events: [], position: 0 };
      const decided = await decideAndEvolve(loaded.state, command, systemDecisionEnv(now(), options.activityExists));
      if (decided.events.length === 0) return { events: [], position: 0 };
      try {
        const result = await store.append({
          streamId: executionStreamId(arn),
          events: toStored(decided.events, caller),
          expectedRevision: loaded.revision,
          handedOver: true,
          ...fenced,
        });
        afterAppend(arn, { state: decided.state, revision: result.nextExpectedRevision }, decided.events, immediate);
        return { events: decided.events, position: result.position };
      } catch (error) {
        cache.delete(arn);
        if (isStaleLeaseError(error)) {
          refused(error);
          // An API command still lands (unfenced, as on any process that does not hold the shard).
          if (fromApi && attempt < maxConflictRetries) continue;
          return { events: [], position: 0 };
        }
        if (!isWrongExpectedVersionError(error) || attempt >= maxConflictRetries) throw error;
        // another writer won: reload and decide again
      }
    }
  }

  /** `immediate` collects the outcomes that dispatchers returned at once, for the step to settle. */
  function afterAppend(arn: string, loaded: Loaded, events: readonly ExecutionEvent[], immediate: ImmediateOutcome[]): void {
    if (!owns(arn)) {
      // Appended for an API call on an execution another process holds: it performs the effects.
      cache.delete(arn);
      options.onAppended?.(arn, events, loaded.state);
      return;
    }
    if (loaded.state.status === 'RUNNING') cache.set(arn, loaded);
    else {
      cache.delete(arn);
      rememberClosedState(arn, loaded);
      rememberClosed(executionStreamId(arn), loaded.revision);
      disarm(arn);
    }
    options.onAppended?.(arn, events, loaded.state);
    applyEffects(arn, loaded.state, immediate);
  }

  /** The state's pending effects; `immediate` collects the outcomes that dispatchers returned at once (see ImmediateOutcome). */
  function applyEffects(arn: string, state: ExecutionState, immediate: ImmediateOutcome[]): void {
    const start = state.start;
    const effects = pendingEffects(state);
    const deadlines = new Set<string>();
    for (const effect of effects) {
      if (effect.kind === 'timer') {
        timers.add({
          at: Date.parse(effect.wakeAt),
          key: `${arn}|${effect.threadId}|${effect.enteredEventId}|${effect.wakeAt}`,
          payload: { kind: 'timer', arn, threadId: effect.threadId, enteredEventId: effect.enteredEventId },
        });
      } else if (effect.kind === 'execution-timeout') {
        // Removed when the execution closes (the one-year deadline would otherwise hold a heap
        // entry per execution for a year). Most appends leave the deadline as it was: nothing to do then, not even the key.
        const previous = timeoutAts.get(arn);
        if (previous === effect.at) continue;
        if (previous !== undefined) timers.cancel(timeoutKey(arn, previous));
        timeoutAts.set(arn, effect.at);
        timers.add({ at: Date.parse(effect.at), key: timeoutKey(arn, effect.at), payload: { kind: 'execution-timeout', arn } });
      } else if (effect.kind === 'task-deadline') {
        // Keyed by the deadline itself: a heartbeat moves it, and the earlier key is cancelled below.
        const key = `${arn}|${effect.token}|${effect.deadline}|${effect.at}`;
        deadlines.add(key);
        timers.add({ at: Date.parse(effect.at), key, payload: { kind: 'task-deadline', arn, token: effect.token, deadline: effect.deadline } });
      } else if (effect.kind === 'task' && !dispatchedTokens.has(effect.token)) {
        dispatchedTokens.add(effect.token);
        const outcome = runTask(arn, start, effect);
        if (outcome) immediate.push({ token: effect.token, outcome });
      } else if (effect.kind === 'continue-map' || effect.kind === 'continue-thread') {
        // The next step of a decision that stopped at its bound, as a command of its own after whatever else is queued.
        const command: ExecutionCommand =
          effect.kind === 'continue-map'
            ? { type: 'ContinueMap', threadId: effect.threadId, enteredEventId: effect.enteredEventId }
            : { type: 'ContinueThread', threadId: effect.threadId, after: effect.after };
        const key = `${arn}|${command.type}|${effect.threadId}|${effect.kind === 'continue-map' ? effect.enteredEventId : effect.after}`;
        if (objectStoreWork.has(key)) continue;
        objectStoreWork.add(key);
        // One step per turn of the event loop, in turn with every other execution's (nextTurn).
        void nextTurn().then(() => {
          // Unmarked before the command runs: its own append may ask for the next step under the same key.
          objectStoreWork.delete(key);
          void dispatch(arn, command).catch(reportBackgroundError);
        });
      } else if (isObjectStoreEffect(effect)) {
        // A streamed read's batches are one effect each: the key names the position it reads from.
        const from = effect.kind === 'read-items' && effect.stream ? `|${effect.stream.position.offset}|${effect.stream.position.count}|${effect.stream.position.window ?? 1}` : '';
        const key = `${arn}|${effect.kind}|${effect.threadId}|${effect.enteredEventId}${from}`;
        if (objectStoreWork.has(key)) continue;
        objectStoreWork.add(key);
        void performObjectStoreEffect(options.objectStore, effect)
          .then((command) => dispatch(arn, command))
          .catch(reportBackgroundError)
          .finally(() => objectStoreWork.delete(key));
      }
    }
    for (const key of armedDeadlines.get(arn) ?? []) if (!deadlines.has(key)) timers.cancel(key);
    if (deadlines.size > 0) armedDeadlines.set(arn, deadlines);
    else armedDeadlines.delete(arn);
  }

  /**
   * Hands a task whose scheduling is durable to the dispatcher. An outcome it returns directly
   * is returned, for the step under way to decide (settle; its token stays marked until then);
   * a promised one completes the task later through the queue.
   */
  function runTask(arn: string, start: ExecutionState['start'], effect: Extract<Effect, { kind: 'task' }>): TaskOutcome | undefined {
    const dispatcher = options.taskDispatcher;
    let answer: ReturnType<TaskDispatcher['dispatch']>;
    try {
      // No integration configured: the task waits (like an activity without workers).
      answer = dispatcher?.dispatch(taskRequest(arn, start, effect, (progress) => reportTask(arn, effect.token, progress)));
    } catch (error) {
      answer = thrownOutcome(error);
    }
    if (answer instanceof Promise) {
      void completeLater(arn, effect.token, answer);
      return undefined;
    }
    if (answer === undefined) dispatchedTokens.delete(effect.token);
    return answer;
  }

  /**
   * A promised outcome, decided once it comes (a rejected promise is a failed task). Never
   * rejects: it runs unawaited, and an error deciding the outcome is reported, not thrown.
   */
  async function completeLater(arn: string, token: string, answer: Promise<TaskOutcome | undefined>): Promise<void> {
    try {
      let outcome: TaskOutcome | undefined;
      try {
        outcome = await answer;
      } catch (error) {
        outcome = thrownOutcome(error);
      }
      if (outcome) await completeTask(arn, token, outcome);
    } catch (error) {
      reportBackgroundError(error);
    } finally {
      dispatchedTokens.delete(token);
    }
  }

  async function completeTask(arn: string, token: string, outcome: TaskOutcome, caller?: Caller): Promise<boolean> {
    const { events } = await dispatch(arn, taskCommand(token, outcome), caller);
    return events.length > 0;
  }

  async function reportTask(arn: string, token: string, progress: TaskProgress, caller?: Caller): Promise<boolean> {
    // Asked in the execution's queue, after the step that scheduled the task: the feed can
    // hand a task to a poller before that step's append has returned here.
    return serialiseStep(arn, async (immediate) => {
      const loaded = await load(arn, true);
      const open = loaded?.state.status === 'RUNNING' && Object.values(loaded.state.threads).some((thread) => thread.cursor?.phase === 'task' && thread.cursor.token === token);
      if (!open) return false;
      const { events } = await decideAndAppend(arn, progressCommand(token, progress), caller, immediate);
      // A worker takes a task once: a second taker (another process's poller) is told no.
      return progress.kind === 'started' ? events.length > 0 || !options.ownership : true;
    });
  }

  /** Executions of one machine start from the same definition text: its hash is kept for the next start. */
  let seeded: { readonly definition: string; readonly seed: string } | undefined;
  function chainSeedOf(definition: string): string {
    if (seeded?.definition !== definition) seeded = { definition, seed: hashDefinition(definition) };
    return seeded.seed;
  }

  async function start(request: StartExecutionRequest): Promise<StartExecutionOutcome> {
    const arn = request.executionArn;
    return serialiseStep(arn, async (immediate) => {
      // Only an open execution this process runs is compared before deciding. Any other one
      // (closed, or appended by another process) makes the 'no_stream' append below fail, and
      // is compared then: a new execution's start reads nothing before its append.
      const cached = cache.get(arn);
      if (cached) return compareExisting(cached.state, request);
      const decided = await decideAndEvolve(initialExecutionState, startCommand(request), systemDecisionEnv(now(), options.activityExists));
      const streamId = executionStreamId(arn);
      const append = (fenced: { fence?: LeaseFence }) =>
        store.append({
          streamId,
          events: toStored(decided.events, request.caller),
          expectedRevision: 'no_stream',
          handedOver: true,
          // The chain of an execution starts at the definition it runs (verify checks the link).
          chainSeed: chainSeedOf(request.definition),
          ...fenced,
        });
      try {
        let result;
        try {
          result = await append(fenceOf(arn));
        } catch (error) {
          if (!isStaleLeaseError(error)) throw error;
          refused(error);
          result = await append({}); // not ours any more: started as any process starts one
        }
        afterAppend(arn, { state: decided.state, revision: result.nextExpectedRevision }, decided.events, immediate);
        return { kind: 'started', startDate: decided.events[0].timestamp, position: result.position };
      } catch (error) {
        if (!isWrongExpectedVersionError(error)) throw error;
        const raced = await replay(arn);
        return raced ? compareExisting(raced.state, request) : { kind: 'conflict' };
      }
    });
  }

  /** AWS: same name and input while running → the same execution; otherwise ExecutionAlreadyExists. */
  function compareExisting(state: ExecutionState, request: StartExecutionRequest): StartExecutionOutcome {
    if (state.status === 'RUNNING' && state.start && sameJson(state.start.inputText, request.input)) {
      return { kind: 'existing', startDate: state.start.startDate, position: 0 };
    }
    return { kind: 'conflict' };
  }

  function runSync(request: StartExecutionRequest): Promise<SyncExecutionResult> {
    return runSyncExecution(options, request, () => closed);
  }

  async function stop(executionArn: string, request: StopExecutionRequest) {
    const loaded = await load(executionArn);
    if (!loaded) return undefined;
    if (loaded.state.status !== 'RUNNING') {
      return { stopDate: loaded.state.stopDate ?? now().toISOString(), position: 0 };
    }
    const { caller, ...reason } = request;
    const { events, position } = await dispatch(executionArn, { type: 'StopExecution', ...reason, actor: caller?.actor }, caller);
    const last = events[events.length - 1];
    return { stopDate: last?.timestamp ?? now().toISOString(), position };
  }

  async function redrive(executionArn: string, request: { clientToken?: string; caller?: Caller }) {
    const loaded = await load(executionArn);
    if (!loaded) return undefined;
    const state = loaded.state;
    // The same client token while the redrive runs: AWS answers with that redrive (idempotent).
    if (request.clientToken !== undefined && state.status === 'RUNNING' && state.redriveClientToken === request.clientToken && state.redriveDate) {
      return { redriven: true as const, redriveDate: state.redriveDate, position: 0 };
    }
    const { caller, clientToken } = request;
    const command: ExecutionCommand = { type: 'RedriveExecution', ...(clientToken !== undefined ? { clientToken } : {}), actor: caller?.actor };
    const { events, position } = await dispatch(executionArn, command, caller);
    if (events.length === 0) {
      const current = await load(executionArn);
      return { redriven: false as const, reason: current ? (redrivabilityOf(current.state, now()).reason ?? 'Execution cannot be redriven.') : 'Execution cannot be redriven.' };
    }
    return { redriven: true as const, redriveDate: events[0].timestamp, position };
  }

  async function updateMapRun(executionArn: string, request: UpdateMapRunRequest) {
    const loaded = await load(executionArn);
    if (!loaded) return undefined;
    const { caller, ...limits } = request;
    const { events, position } = await dispatch(executionArn, { type: 'UpdateMapRun', ...limits, actor: caller?.actor }, caller);
    return { updated: events.length > 0, position };
  }

  async function history(executionArn: string): Promise<readonly ExecutionEvent[] | undefined> {
    const recorded = await store.readStream(executionStreamId(executionArn));
    if (recorded.length === 0) return undefined;
    return recorded.map((event: RecordedEvent) => event.data as ExecutionEvent).filter(isHistoryEvent);
  }

  async function recover(): Promise<{ executions: number; timers: number }> {
    // With ownership, recovery is per shard as leases are taken (adopt).
    if (options.ownership) return { executions: 0, timers: 0 };
    return resume();
  }

  async function resume(inShards?: (streamId: string) => boolean): Promise<{ executions: number; timers: number }> {
    const loadedStreams = options.openExecutions
      ? await replayEach(store, (await options.openExecutions()).map(executionStreamId).filter((streamId) => !inShards || inShards(streamId)))
      : inShards && store.listStreamHeads
        ? await replayEach(store, await possiblyOpenStreams(store.listStreamHeads.bind(store), inShards))
        : await replayFeed(store, inShards);
    let executions = 0;
    for (const loaded of loadedStreams) {
      if (!loaded || loaded.state.status !== 'RUNNING' || !loaded.state.start) continue;
      const arn = loaded.state.start.executionArn;
      if (!owns(arn)) continue;
      // A step may have run meanwhile (an API call on it): its state is the newer one.
      const current = cache.get(arn);
      const newest = current && current.revision >= loaded.revision ? current : loaded;
      cache.set(arn, newest);
      const immediate: ImmediateOutcome[] = [];
      applyEffects(arn, newest.state, immediate);
      if (immediate.length > 0) void serialise(arn, () => settle(arn, immediate));
      executions++;
    }
    return { executions, timers: timers.size };
  }

  async function waitingActivityTasks(): Promise<WaitingActivityTask[]> {
    if (!store.listStreamHeads) return [];
    const waiting: WaitingActivityTask[] = [];
    for (const loaded of await replayEach(store, await possiblyOpenStreams(store.listStreamHeads.bind(store), () => true))) {
      if (!loaded?.state.start) continue;
      const executionArn = loaded.state.start.executionArn;
      for (const effect of pendingEffects(loaded.state)) {
        if (effect.kind !== 'task' || effect.started || parseTaskResource(effect.resource).kind !== 'activity') continue;
        waiting.push({ executionArn, token: effect.token, activityArn: effect.resource, input: effect.parameters });
      }
    }
    return waiting;
  }

  async function adopt(inShards: (streamId: string) => boolean): Promise<{ executions: number }> {
    const { executions } = await resume(inShards);
    return { executions };
  }

  function release(inShards: (streamId: string) => boolean): void {
    for (const arn of [...cache.keys()]) {
      if (!inShards(executionStreamId(arn))) continue;
      cache.delete(arn);
      disarm(arn);
    }
  }

  /**
   * Cancels the timers an execution needs no more in this process (it closed, or its shard was
   * lost): its timeout and its tasks' deadlines. Wait and retry timers stay armed: they check
   * ownership when they fire.
   */
  function disarm(arn: string): void {
    const timeoutAt = timeoutAts.get(arn);
    if (timeoutAt !== undefined) timers.cancel(timeoutKey(arn, timeoutAt));
    timeoutAts.delete(arn);
    for (const key of armedDeadlines.get(arn) ?? []) timers.cancel(key);
    armedDeadlines.delete(arn);
  }

  async function notice(executionArn: string, revision: number, closedByIt = false): Promise<void> {
    const streamId = executionStreamId(executionArn);
    if (closed || !options.ownership?.fenceOf(streamId)) return;
    const known = () => (cache.get(executionArn)?.revision ?? closedRevisions.get(streamId) ?? -1) >= revision;
    if (known()) return;
    const forgetClosed = (lastRevision: number) => {
      rememberClosed(streamId, lastRevision);
      disarm(executionArn);
    };
    await serialise(executionArn, async () => {
      if (known() || !owns(executionArn)) return;
      cache.delete(executionArn);
      // The stream's last event closed the execution (a run of pure states that another process
      // started and finished in one append): nothing is left to do, no replay to find that out.
      // A RedriveExecution appended later is noticed in turn, with its own revision.
      if (closedByIt) return forgetClosed(revision);
      const loaded = await load(executionArn, true);
      if (!loaded) return;
      if (loaded.state.status === 'RUNNING') {
        const immediate: ImmediateOutcome[] = [];
        applyEffects(executionArn, loaded.state, immediate);
        await settle(executionArn, immediate);
      } else forgetClosed(loaded.revision);
    }).catch(reportBackgroundError);
  }

  /** Executions this process saw close (bounded): their events coming back through the feed need no reload. */
  function rememberClosed(streamId: string, revision: number): void {
    if (!options.ownership) return;
    closedRevisions.delete(streamId);
    closedRevisions.set(streamId, revision);
    if (closedRevisions.size > CLOSED_REMEMBERED) closedRevisions.delete(closedRevisions.keys().next().value!);
  }

  async function close(): Promise<void> {
    closed = true;
    timers.close();
    await Promise.allSettled([...queues.values()]);
  }

  return {
    start,
    runSync,
    stop,
    redrive,
    updateMapRun,
    history,
    load,
    recover,
    close,
    completeTask,
    reportTask,
    dispatch,
    openCount: () => cache.size,
    adopt,
    waitingActivityTasks,
    release,
    notice,
  };
}

/** The timer-heap key of an execution's timeout: keyed by deadline too, since a redrive moves it. */
function timeoutKey(arn: string, at: string): string {
  return `${arn}|timeout|${at}`;
}

function timerCommand(payload: TimerPayload): ExecutionCommand {
  switch (payload.kind) {
    case 'timer':
      return { type: 'FireTimer', threadId: payload.threadId, enteredEventId: payload.enteredEventId };
    case 'execution-timeout':
      return { type: 'TimeOutExecution' };
    case 'task-deadline':
      return { type: 'TimeOutTask', token: payload.token, deadline: payload.deadline };
  }
}


/**
 * Every event of a decision records who caused it: the API caller, or the engine (one metadata
 * object per decision). The decider made the events for this append and nothing changes them
 * afterwards: they are handed over to the store (AppendRequest.handedOver), not copied.
 */
function toStored(events: readonly ExecutionEvent[], caller: Caller | undefined) {
  // Nothing malformed is ever stored: replay, history and the read models would all trip on it.
  assertExecutionEvents(events);
  const metadata = callerMetadata(caller);
  return events.map((event) => ({ type: event.type, data: event, metadata }));
}

function sameJson(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}
