import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import {
  assertExecutionEvents,
  continuationOf,
  createInMemoryObjectStore,
  decideAndEvolve,
  evolve,
  EXECUTION_CLOSING_TYPES,
  initialExecutionState,
  isHistoryEvent,
  isObjectStoreEffect,
  pendingEffects,
  performObjectStoreEffect,
  toHistoryEvent,
  type DecisionEnv,
  type Effect,
  type ExecutionCommand,
  type ExecutionEvent,
  type ExecutionState,
  type ObjectStore,
} from '@stepstone/engine';

/**
 * Drives one execution on the pure decider, in process, the way the runner does (continuations
 * first, then the object store, then tasks, then the earliest timer on a virtual clock), and
 * checks that it is live: within a bound of decisions it closes with a well-formed history,
 * every decision returns (no exception escapes decide or evolve), no decision stalls the event
 * loop, and whenever it is RUNNING it waits on something that, fired, moves it on.
 *
 * The world answers tasks at random from `random` (a seeded generator): success with one of
 * `outputs`, failure, a reported time-out, a .sync submission or a heartbeat first, or no
 * answer at all (the task's own deadlines, or the execution's, end it then).
 */

export interface DriveOptions {
  readonly definition: string;
  readonly input: string;
  readonly executionType: 'STANDARD' | 'EXPRESS';
  /** Seeded: every choice the world makes comes from it, so a run reproduces. */
  readonly random: () => number;
  /** Task results (JSON text) the world answers with. */
  readonly outputs: readonly string[];
  readonly maxDecisions: number;
  /** A decision that holds the event loop longer than this (without a turn) stalls the process. */
  readonly stallMs: number;
  /** A decision that takes longer than this, even turning the event loop, is unbounded. */
  readonly maxDecisionMs: number;
  /** Wall time for the whole run: past it, the run stops as UNFINISHED (not a failure; the decision bound catches loops). */
  readonly caseBudgetMs: number;
  /** Objects a Distributed Map's ItemReader may read. */
  readonly objects?: ReadonlyArray<{ bucket: string; key: string; body: string }>;
}

export type DriveResult =
  | { readonly live: true; readonly status: string; readonly error?: string; readonly decisions: number; readonly events: number; readonly slowestMs: number }
  | { readonly live: false; readonly problem: string; readonly decisions: number; readonly trace: readonly string[] };

const START_AT = Date.parse('2026-01-01T00:00:00.000Z');
const ERRORS = ['States.TaskFailed', 'States.Timeout', 'Lambda.ServiceException', 'CustomError', 'States.ALL', 'States.Runtime', '', 'x'.repeat(256)];

class Violation extends Error {}

export async function driveExecution(options: DriveOptions): Promise<DriveResult> {
  const trace: string[] = [];
  let decisions = 0;
  let slowestMs = 0;
  try {
    const result = await drive(options, trace, (ms) => {
      decisions += 1;
      slowestMs = Math.max(slowestMs, ms);
    });
    return { live: true, ...result, decisions, slowestMs };
  } catch (error) {
    const problem = error instanceof Violation ? error.message : `escaped: ${error instanceof Error ? `${error.name}: ${error.message}\n${error.stack?.split('\n').slice(1, 8).join('\n')}` : String(error)}`;
    return { live: false, problem, decisions, trace: trace.slice(-12) };
  }
}

async function drive(options: DriveOptions, trace: string[], counted: (ms: number) => void): Promise<{ status: string; error?: string; events: number }> {
  let nowMs = START_AT;
  let ids = 0;
  const env = (): DecisionEnv => ({
    now: new Date(nowMs),
    random: options.random,
    uuid: () => `00000000-0000-4000-8000-${String((ids += 1)).padStart(12, '0')}`,
    hash: (algorithm, data) => createHash(algorithm.replace('-', '').toLowerCase()).update(data).digest('hex'),
    // As the runner does: a long decision lets the event loop turn every few hundred events.
    pause: () => new Promise<void>((resolve) => setImmediate(resolve)),
  });
  const store = objectStoreOf(options.objects ?? [], () => new Date(nowMs));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(options.random() * items.length)];
  const history: ExecutionEvent[] = [];
  let state: ExecutionState = initialExecutionState;
  const startedAt = performance.now();

  const decideOne = async (command: ExecutionCommand): Promise<number> => {
    if (options.maxDecisions <= 0) throw new Violation('no decisions allowed');
    trace.push(describeCommand(command, nowMs));
    const started = performance.now();
    const loop = watchEventLoop();
    const decided = await decideAndEvolve(state, command, env()).finally(loop.stop);
    const took = performance.now() - started;
    counted(took);
    // A long decision is fine while it lets the event loop turn (JSONata yields every few thousand steps); holding it is not.
    if (loop.longestMs() > options.stallMs) throw new Violation(`one decision held the event loop for ${Math.round(loop.longestMs())} ms (${describeCommand(command, nowMs)})`);
    if (took > options.maxDecisionMs) throw new Violation(`one decision took ${Math.round(took)} ms (${describeCommand(command, nowMs)})`);
    // What the runner's append path checks: a malformed event is refused, and the execution would hang.
    assertExecutionEvents(decided.events);
    history.push(...decided.events);
    state = decided.state;
    return decided.events.length;
  };

  const start: ExecutionCommand = {
    type: 'StartExecution',
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:liveness:run',
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:liveness',
    name: 'run',
    executionType: options.executionType,
    definition: options.definition,
    input: options.input,
    roleArn: 'arn:aws:iam::123456789012:role/liveness',
  };
  if ((await decideOne(start)) === 0) throw new Violation('StartExecution decided nothing');

  /** Tasks answered (or deliberately left) already: each token gets one answer from the world. */
  const answered = new Set<string>();
  let redriven = false;
  let decisionCount = 1;
  while (true) {
    if (state.status !== 'RUNNING') {
      checkClosedHistory(history, state);
      // A STANDARD execution that did not succeed may be redriven once: it must close again.
      if (!redriven && options.executionType === 'STANDARD' && state.status !== 'SUCCEEDED' && options.random() < 0.2) {
        redriven = true;
        nowMs += 1000;
        await decideOne({ type: 'RedriveExecution' });
        decisionCount += 1;
        if ((state.status as string) !== 'RUNNING') return { status: state.status, error: state.error, events: history.length };
        continue;
      }
      return { status: state.status, error: state.error, events: history.length };
    }
    if (performance.now() - startedAt > options.caseBudgetMs) return { status: 'UNFINISHED', events: history.length };
    if (decisionCount >= options.maxDecisions) throw new Violation(`still RUNNING after ${decisionCount} decisions (${history.length} events)`);
    const effects = pendingEffects(state);
    const waits = effects.filter((effect) => effect.kind !== 'execution-timeout');
    if (waits.length === 0) throw new Violation(`RUNNING and waiting on nothing but the execution's own deadline (${summarize(state)})`);
    const command = await nextCommand(effects);
    decisionCount += 1;
    const before = state.lastEventId;
    const decided = await decideOne(command);
    if (decided === 0 && firesSomething(command) && state.lastEventId === before) {
      throw new Violation(`${command.type} at its due time decided nothing; the execution would wait on it for good (${summarize(state)})`);
    }
  }

  async function nextCommand(effects: readonly Effect[]): Promise<ExecutionCommand> {
    const continuation = continuationOf(effects);
    if (continuation) return continuation;
    const objectWork = effects.find(isObjectStoreEffect);
    if (objectWork) {
      return performObjectStoreEffect(store, objectWork);
    }
    if (options.random() < 0.01) return { type: 'StopExecution', error: pick(['E', '']), cause: 'stopped by the liveness check' };
    const task = effects.find((effect): effect is Extract<Effect, { kind: 'task' }> => effect.kind === 'task' && !answered.has(effect.token));
    if (task) {
      answered.add(task.token);
      const roll = options.random();
      if (roll < 0.45) return { type: 'CompleteTask', token: task.token, output: pick(options.outputs) };
      if (roll < 0.7) return { type: 'FailTask', token: task.token, error: pick(ERRORS), cause: pick(['', 'boom', '{"a":1}']) };
      if (roll < 0.78) return { type: 'TimeOutTask', token: task.token };
      if (roll < 0.84) {
        answered.delete(task.token);
        return { type: options.random() < 0.5 ? 'HeartbeatTask' : 'StartTask', token: task.token };
      }
      if (roll < 0.88) return { type: 'SubmitTask', token: task.token, output: pick(options.outputs) };
      // Left unanswered: its deadlines, or the execution's, must end it.
    }
    const due = effects
      .filter((effect): effect is Extract<Effect, { kind: 'timer' | 'task-deadline' | 'execution-timeout' }> =>
        effect.kind === 'timer' || effect.kind === 'task-deadline' || effect.kind === 'execution-timeout',
      )
      .map((effect) => ({ effect, at: Date.parse(effect.kind === 'timer' ? effect.wakeAt : effect.at) }))
      .sort((a, b) => a.at - b.at)[0];
    if (!due) throw new Violation('RUNNING with no timer, not even the execution deadline');
    if (!Number.isFinite(due.at)) throw new Violation(`a ${due.effect.kind} effect has no valid time: ${JSON.stringify(due.effect)}`);
    nowMs = Math.max(nowMs, due.at);
    const effect = due.effect;
    if (effect.kind === 'timer') return { type: 'FireTimer', threadId: effect.threadId, enteredEventId: effect.enteredEventId };
    if (effect.kind === 'task-deadline') return { type: 'TimeOutTask', token: effect.token, deadline: effect.deadline };
    return { type: 'TimeOutExecution' };
  }
}

/** The longest stretch the event loop went without a turn, measured by a setImmediate that re-arms itself. */
function watchEventLoop(): { stop: () => void; longestMs: () => number } {
  let last = performance.now();
  let longest = 0;
  let running = true;
  const tick = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    stop: () => {
      running = false;
      longest = Math.max(longest, performance.now() - last);
    },
    longestMs: () => longest,
  };
}

/** Commands whose effect was due: deciding nothing on them leaves the execution where it was, for good. */
function firesSomething(command: ExecutionCommand): boolean {
  return ['FireTimer', 'TimeOutExecution', 'ContinueThread', 'ContinueMap', 'CompleteItemRead', 'RecordItemBatch', 'CompleteResultWrite'].includes(command.type) ||
    (command.type === 'TimeOutTask' && command.deadline !== undefined);
}

function objectStoreOf(objects: ReadonlyArray<{ bucket: string; key: string; body: string }>, now: () => Date): ObjectStore {
  const store = createInMemoryObjectStore(now);
  for (const object of objects) {
    store.createBucket(object.bucket);
    void store.putObject(object.bucket, object.key, object.body);
  }
  return store;
}

const CLOSING_BY_STATUS: Record<string, string> = {
  SUCCEEDED: 'ExecutionSucceeded',
  FAILED: 'ExecutionFailed',
  TIMED_OUT: 'ExecutionTimedOut',
  ABORTED: 'ExecutionAborted',
};

/** GetExecutionHistory's shape: ids 1..n in order, each previousEventId earlier, one start, the close last; and the fold agrees. */
function checkClosedHistory(history: readonly ExecutionEvent[], state: ExecutionState): void {
  const shown = history.filter(isHistoryEvent).map((event) => toHistoryEvent(event));
  shown.forEach((event, index) => {
    if (event.id !== index + 1) throw new Violation(`history event ${index} has id ${String(event.id)}`);
    const previous = event.previousEventId as number;
    if (!(previous >= 0 && previous < (event.id as number))) throw new Violation(`event ${String(event.id)} (${String(event.type)}) has previousEventId ${previous}`);
  });
  if (shown[0]?.type !== 'ExecutionStarted') throw new Violation(`the history starts with ${String(shown[0]?.type)}`);
  const last = shown[shown.length - 1];
  if (last.type !== CLOSING_BY_STATUS[state.status]) throw new Violation(`status ${state.status} but the history ends with ${String(last.type)}`);
  const closings = shown.filter((event) => (EXECUTION_CLOSING_TYPES as readonly unknown[]).includes(event.type));
  const redrives = shown.filter((event) => event.type === 'ExecutionRedriven');
  if (closings.length !== redrives.length + 1) throw new Violation(`${closings.length} closing events for ${redrives.length} redrives`);
  if (state.status === 'SUCCEEDED') {
    try {
      JSON.parse(state.output ?? '');
    } catch {
      throw new Violation(`SUCCEEDED with an output that is not JSON: ${String(state.output).slice(0, 200)}`);
    }
  }
  const folded = history.reduce(evolve, initialExecutionState);
  if (!sameState(folded, state)) throw new Violation(`replaying the history with evolve does not give the decider's state: ${firstDifference(folded, state)}`);
}

/**
 * Deep equality, as JSON sees it: a number past the double range (1e309 in an input or a task
 * result) is Infinity in the decision that parsed it and null once written, a known gap listed in
 * the README, so values that JSON writes the same compare equal. On a payload nested too deep for
 * the comparison's own recursion, the fields that matter.
 */
function sameState(a: ExecutionState, b: ExecutionState): boolean {
  try {
    return isDeepStrictEqual(a, b) || JSON.stringify(a) === JSON.stringify(b);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const key = (state: ExecutionState) => [state.status, state.lastEventId, state.output, state.error, state.cause, summarize(state)].join('|');
    return key(a) === key(b);
  }
}

/** Where two states part, for the report: the first top-level field (or thread) that differs. */
function firstDifference(a: ExecutionState, b: ExecutionState): string {
  for (const key of Object.keys({ ...a, ...b }) as Array<keyof ExecutionState>) {
    if (key === 'threads') continue;
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) return `${key}: ${String(JSON.stringify(a[key])).slice(0, 200)} vs ${String(JSON.stringify(b[key])).slice(0, 200)}`;
  }
  for (const id of Object.keys({ ...a.threads, ...b.threads })) {
    const [x, y] = [JSON.stringify(a.threads[id]), JSON.stringify(b.threads[id])];
    if (x !== y) return `thread ${id}: ${String(x).slice(0, 300)} vs ${String(y).slice(0, 300)}`;
  }
  return 'only in values JSON cannot show';
}

function summarize(state: ExecutionState): string {
  const threads = Object.values(state.threads).map((thread) => `${thread.id}:${thread.cursor ? `${thread.cursor.name}/${thread.cursor.phase}` : thread.done ? 'done' : `next=${String(thread.next)}`}`);
  return `threads ${threads.slice(0, 8).join(', ')}${threads.length > 8 ? '…' : ''}`;
}

function describeCommand(command: ExecutionCommand, nowMs: number): string {
  const { type, ...rest } = command;
  const detail = type === 'StartExecution' ? '' : JSON.stringify(rest).slice(0, 160);
  return `${new Date(nowMs).toISOString()} ${type} ${detail}`;
}
