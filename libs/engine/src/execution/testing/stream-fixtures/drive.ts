import type { ExecutionCommand } from '../../commands';
import { decideAndEvolve } from '../../decide';
import { continuationOf, pendingEffects } from '../../effects';
import { type ExecutionState, initialExecutionState } from '../../execution-state';
import type { ExecutionEvent } from '../../history-event';
import { createInMemoryObjectStore } from '../../../object-store/in-memory-object-store';
import { isObjectStoreEffect, performObjectStoreEffect } from '../../../object-store/perform-object-store-effect';
import { fixedEnv } from '../decider-specification';

/** What a scripted task does when the driver reaches it: one entry per attempt, in order. */
export type TaskScript =
  | { readonly kind: 'succeed'; readonly output?: unknown }
  | { readonly kind: 'fail'; readonly error?: string; readonly cause?: string }
  /** A callback: TaskSubmitted with the service's response, a heartbeat, then the callback's result. */
  | { readonly kind: 'callback'; readonly output: unknown; readonly heartbeat?: boolean; readonly fail?: { readonly error?: string; readonly cause?: string } }
  /** An activity taken by a worker, then completed. */
  | { readonly kind: 'activity'; readonly workerName: string; readonly output: unknown }
  /** Nobody answers: the clock runs to the task's TimeoutSeconds or HeartbeatSeconds deadline. */
  | { readonly kind: 'time-out' }
  /** StopExecution while the task is open. */
  | { readonly kind: 'stop'; readonly error?: string; readonly cause?: string };

export interface Scenario {
  readonly name: string;
  /** What the stream shows, for whoever reads the fixture. */
  readonly about: string;
  readonly definition: Record<string, unknown>;
  readonly input: unknown;
  /** Per Task state name, what each attempt does; an unscripted attempt succeeds with its parameters. */
  readonly tasks?: Readonly<Record<string, readonly TaskScript[]>>;
  /** Objects in the in-memory object store (bucket → key → body) for ItemReader/ResultWriter. */
  readonly objects?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Once the first Map Run has started: UpdateMapRun with these limits. */
  readonly updateMapRun?: { readonly maxConcurrency?: number; readonly toleratedFailureCount?: number; readonly toleratedFailurePercentage?: number };
  /** After the execution closes: redrive it (the scripts go on where they stopped). */
  readonly redrive?: boolean;
  /** The clock starts here and jumps to each timer's deadline. */
  readonly startAt?: string;
}

/** One decision as a runner makes it: its clock, its command, and the events it appended, as stored. */
export interface RecordedDecision {
  readonly now: string;
  readonly command: ExecutionCommand;
  readonly events: readonly StoredExecutionEvent[];
}

/** An event as the runner hands it to the store (execution-runner.ts toStored): type, data, metadata. */
export interface StoredExecutionEvent {
  readonly type: string;
  readonly data: ExecutionEvent;
  readonly metadata: Record<string, unknown>;
}

export const EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:fixtures:run-1';
export const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:fixtures';
const ENGINE_METADATA = Object.freeze({ actor: 'engine' });
const MAX_DECISIONS = 500;

/**
 * Drives one scenario with the decider alone, as the runner would: a fixed environment per
 * decision (fixedEnv: ids and randomness are deterministic), a virtual clock that jumps to each
 * timer, tasks answered by their script, object-store effects performed on an in-memory store.
 */
export async function driveScenario(scenario: Scenario): Promise<{ decisions: RecordedDecision[]; state: ExecutionState }> {
  let now = scenario.startAt ?? '2024-01-01T00:00:00.000Z';
  const objectStore = createInMemoryObjectStore(() => new Date(now));
  for (const [bucket, objects] of Object.entries(scenario.objects ?? {})) {
    objectStore.createBucket(bucket);
    for (const [key, body] of Object.entries(objects)) await objectStore.putObject(bucket, key, body);
  }
  const attempts = new Map<string, number>();
  const decisions: RecordedDecision[] = [];
  let state = initialExecutionState;
  /** Commands a script queued for later decisions (a callback's heartbeat, then its result). */
  const queued: ExecutionCommand[] = [];
  const handledTokens = new Set<string>();

  const decideNow = async (command: ExecutionCommand) => {
    const decided = await decideAndEvolve(state, command, fixedEnv(now));
    decisions.push({ now, command, events: decided.events.map((event) => ({ type: event.type, data: event, metadata: ENGINE_METADATA })) });
    state = decided.state;
  };

  await decideNow({
    type: 'StartExecution',
    executionArn: EXECUTION_ARN,
    stateMachineArn: STATE_MACHINE_ARN,
    name: 'run-1',
    executionType: 'STANDARD',
    definition: JSON.stringify(scenario.definition),
    input: JSON.stringify(scenario.input),
    roleArn: 'arn:aws:iam::123456789012:role/fixtures',
  });
  let redriven = false;
  let mapRunUpdated = false;
  while (decisions.length < MAX_DECISIONS) {
    if (state.status !== 'RUNNING') {
      if (!scenario.redrive || redriven) break;
      redriven = true;
      now = new Date(Date.parse(now) + 60_000).toISOString();
      await decideNow({ type: 'RedriveExecution', clientToken: 'fixture-redrive' });
      continue;
    }
    const mapRunArn = scenario.updateMapRun && !mapRunUpdated ? Object.values(state.threads).find((thread) => thread.cursor?.children?.mapRunArn)?.cursor?.children?.mapRunArn : undefined;
    if (mapRunArn) {
      mapRunUpdated = true;
      await decideNow({ type: 'UpdateMapRun', mapRunArn, ...scenario.updateMapRun });
      continue;
    }
    const command = queued.shift() ?? (await nextCommand());
    if (!command) throw new Error(`fixture ${scenario.name}: the execution waits for nothing the driver can do`);
    await decideNow(command);
  }
  if (decisions.length >= MAX_DECISIONS) throw new Error(`fixture ${scenario.name}: more than ${MAX_DECISIONS} decisions`);
  return { decisions, state };

  async function nextCommand(): Promise<ExecutionCommand | undefined> {
    const effects = pendingEffects(state);
    const continued = continuationOf(effects);
    if (continued) return continued;
    const objectWork = effects.find(isObjectStoreEffect);
    if (objectWork) return performObjectStoreEffect(objectStore, objectWork);
    const task = effects.find((effect) => effect.kind === 'task' && !handledTokens.has(effect.token));
    if (task?.kind === 'task') {
      handledTokens.add(task.token);
      const attempt = attempts.get(task.stateName) ?? 0;
      attempts.set(task.stateName, attempt + 1);
      const script = scenario.tasks?.[task.stateName]?.[attempt] ?? { kind: 'succeed' };
      const command = commandsOf(script, task.token, task.parameters);
      if (command) return command;
    }
    const timers = effects.flatMap((effect) =>
      effect.kind === 'timer' ? [{ at: effect.wakeAt, command: { type: 'FireTimer', threadId: effect.threadId, enteredEventId: effect.enteredEventId } as ExecutionCommand }]
      : effect.kind === 'task-deadline' ? [{ at: effect.at, command: { type: 'TimeOutTask', token: effect.token, deadline: effect.deadline } as ExecutionCommand }]
      : effect.kind === 'execution-timeout' ? [{ at: effect.at, command: { type: 'TimeOutExecution' } as ExecutionCommand }]
      : [],
    );
    timers.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    const first = timers[0];
    if (!first) return undefined;
    if (Date.parse(first.at) > Date.parse(now)) now = first.at;
    return first.command;
  }

  function commandsOf(script: TaskScript, token: string, parameters: string): ExecutionCommand | undefined {
    switch (script.kind) {
      case 'succeed':
        return { type: 'CompleteTask', token, output: JSON.stringify(script.output ?? JSON.parse(parameters)) };
      case 'fail':
        return { type: 'FailTask', token, error: script.error, cause: script.cause };
      case 'callback':
        if (script.heartbeat) queued.push({ type: 'HeartbeatTask', token });
        queued.push(script.fail ? { type: 'FailTask', token, ...script.fail } : { type: 'CompleteTask', token, output: JSON.stringify(script.output) });
        return { type: 'SubmitTask', token, output: JSON.stringify({ MessageId: 'm-1' }) };
      case 'activity':
        queued.push({ type: 'CompleteTask', token, output: JSON.stringify(script.output) });
        return { type: 'StartTask', token, workerName: script.workerName };
      case 'time-out':
        return undefined; // the deadline timer below answers
      case 'stop':
        return { type: 'StopExecution', error: script.error, cause: script.cause };
    }
  }
}
