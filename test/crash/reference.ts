import { createHash } from 'node:crypto';
import { type Effect, type ExecutionEvent, type ExecutionState, continuationOf, decideAndEvolve, initialExecutionState, isHistoryEvent, pendingEffects } from '@stepstone/engine';

export interface ReferenceRun {
  readonly status: string;
  readonly output?: string;
  /** How often each `type name` pair occurs in the history (a state's name where it has one). */
  readonly counts: ReadonlyMap<string, number>;
}

/**
 * The uncrashed reference: the same definition and input through the engine's pure decider,
 * in process, with a virtual clock (each Wait or backoff jumps to its deadline); tasks, if
 * any, succeed with `taskOutput` — after a TaskSubmitted with `submittedOutput` when given (a
 * `.waitForTaskToken` task whose call was made), and after a worker took it when `takenByWorker` (activities).
 */
export async function referenceRun(definition: string, input: string, taskOutput?: string, submittedOutput?: string, takenByWorker = false): Promise<ReferenceRun> {
  let now = Date.parse('2024-01-01T00:00:00.000Z');
  const env = () => ({
    now: new Date(now),
    random: () => 0.5,
    uuid: () => '00000000-0000-4000-8000-000000000000',
    hash: (algorithm: string, data: string) => createHash(algorithm.replace('-', '').toLowerCase()).update(data, 'utf8').digest('hex'),
  });
  const events: ExecutionEvent[] = [];
  let decided = await decideAndEvolve(
    initialExecutionState,
    {
      type: 'StartExecution',
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:reference:run',
      stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:reference',
      name: 'run',
      executionType: 'STANDARD',
      definition,
      input,
      roleArn: 'arn:aws:iam::123456789012:role/reference',
    },
    env(),
  );
  events.push(...decided.events);
  let state: ExecutionState = decided.state;
  while (state.status === 'RUNNING') {
    const effects = pendingEffects(state);
    const continued = continuationOf(effects);
    if (continued) {
      decided = await decideAndEvolve(state, continued, env());
      events.push(...decided.events);
      state = decided.state;
      continue;
    }
    const task = effects.find((effect): effect is Extract<Effect, { kind: 'task' }> => effect.kind === 'task');
    if (task && taskOutput !== undefined) {
      if (takenByWorker) {
        // An activity task: a worker takes it (GetActivityTask records ActivityStarted) before answering.
        decided = await decideAndEvolve(state, { type: 'StartTask', token: task.token }, env());
        events.push(...decided.events);
        state = decided.state;
      }
      if (submittedOutput !== undefined) {
        decided = await decideAndEvolve(state, { type: 'SubmitTask', token: task.token, output: submittedOutput }, env());
        events.push(...decided.events);
        state = decided.state;
      }
      decided = await decideAndEvolve(state, { type: 'CompleteTask', token: task.token, output: taskOutput }, env());
      events.push(...decided.events);
      state = decided.state;
      continue;
    }
    const timer = effects
      .filter((effect): effect is Extract<Effect, { kind: 'timer' }> => effect.kind === 'timer')
      .sort((a, b) => Date.parse(a.wakeAt) - Date.parse(b.wakeAt))[0];
    if (!timer) throw new Error('reference run blocked on a task: pass taskOutput');
    now = Math.max(now, Date.parse(timer.wakeAt));
    decided = await decideAndEvolve(state, { type: 'FireTimer', threadId: timer.threadId, enteredEventId: timer.enteredEventId }, env());
    events.push(...decided.events);
    state = decided.state;
  }
  // What GetExecutionHistory shows: hidden events (a retried Parallel's ParallelStateFailed…) are not counted.
  return { status: state.status, output: state.output, counts: countTransitions(events.filter(isHistoryEvent)) };
}

/** `type name` → occurrences: the same multiset whatever order concurrent branches ran in. */
export function countTransitions(events: ReadonlyArray<{ type?: string; [field: string]: unknown }>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const event of events) {
    const details = Object.entries(event).find(([key]) => key.endsWith('EventDetails'))?.[1] as { name?: string } | undefined;
    const key = `${event.type} ${details?.name ?? ''}`.trim();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
