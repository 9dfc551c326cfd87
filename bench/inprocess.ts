/**
 * Part 1: the engine with an in-memory store against aws-local-stepfunctions, same definitions
 * and inputs, same process, same concurrency. Each run is time-boxed: executions are started
 * (keeping `concurrency` in flight) until `seconds` have passed, then the rate counts only
 * executions that reached a terminal status.
 */
import { StateMachine } from 'aws-local-stepfunctions';
import { createExecutionRunner, type ExecutionState, type TaskDispatcher } from '@stepstone/engine';
import { openInMemoryEventStore } from '@stepstone/event-store';
import type { Workload } from './workloads';

export interface RunResult {
  readonly executions: number;
  readonly seconds: number;
  readonly execPerSec: number;
}

const MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:bench';

/** A Stepstone engine in this process: in-memory store, a dispatcher that fails `failingTasks`, at once. */
export function stepstoneEngine(workload: Workload) {
  const waiting = new Map<string, { resolve: (state: ExecutionState) => void }>();
  const failing = new Set(workload.failingTasks);
  // It knows each outcome at once, as a mocked response does (Step Functions Local's mock
  // configuration), and answers it directly rather than as a promise (TaskDispatcher).
  const taskDispatcher: TaskDispatcher = {
    dispatch(task) {
      if (failing.has(task.stateName)) return { kind: 'failed', error: 'Transient', cause: 'boom' };
      return { kind: 'succeeded', output: JSON.stringify(task.parameters) };
    },
  };
  const store = openInMemoryEventStore();
  const runner = createExecutionRunner({
    store,
    taskDispatcher,
    onAppended(arn, _events, state) {
      if (state.status === 'RUNNING') return;
      const waiter = waiting.get(arn);
      waiting.delete(arn);
      waiter?.resolve(state);
    },
  });
  const definition = JSON.stringify(workload.definition);
  const input = JSON.stringify(workload.input);
  let sequence = 0;

  async function run(): Promise<ExecutionState> {
    const name = `e${++sequence}`;
    const executionArn = `arn:aws:states:us-east-1:123456789012:execution:bench:${name}`;
    const done = new Promise<ExecutionState>((resolve) => waiting.set(executionArn, { resolve }));
    const outcome = await runner.start({
      executionArn,
      stateMachineArn: MACHINE_ARN,
      name,
      executionType: 'STANDARD',
      definition,
      input,
      roleArn: 'arn:aws:iam::123456789012:role/bench',
    });
    if (outcome.kind !== 'started') throw new Error(`bench: start of ${name} was ${outcome.kind}`);
    const state = await done;
    if (state.status !== 'SUCCEEDED') throw new Error(`bench: ${workload.name} ended ${state.status}: ${state.error} ${state.cause}`);
    return state;
  }

  /**
   * State transitions of one execution, read from its history: states entered, plus each
   * retry of a Task (AWS bills a retry as a transition).
   */
  async function transitionsPerExecution(): Promise<number> {
    await run();
    const history = (await runner.history(`arn:aws:states:us-east-1:123456789012:execution:bench:e${sequence}`)) ?? [];
    const count = (matches: (type: string) => boolean) => history.filter((event) => matches(event.type)).length;
    const entered = count((type) => type.endsWith('StateEntered'));
    // TaskScheduled, LambdaFunctionScheduled, ActivityScheduled: one per attempt.
    const scheduled = count((type) => type.endsWith('Scheduled'));
    return entered + scheduled - count((type) => type === 'TaskStateEntered');
  }

  return {
    run,
    transitionsPerExecution,
    async close() {
      await runner.close();
      await store.close();
    },
  };
}

/** aws-local-stepfunctions with the same definition; failing Tasks throw `Transient` locally. */
export function peerEngine(workload: Workload) {
  // The Retry workload's IntervalSeconds 0 is below AWS's minimum, which the peer's validator
  // rejects like AWS; its runtime honours 0 as written, as Stepstone's runner does.
  const machine = new StateMachine(workload.definition as never, { validationOptions: { noValidate: workload.failingTasks.length > 0 } });
  const taskResourceLocalHandlers = Object.fromEntries(
    workload.failingTasks.map((state) => [
      state,
      async () => {
        const error = new Error('boom');
        error.name = 'Transient';
        throw error;
      },
    ]),
  );
  return {
    async run(): Promise<unknown> {
      return machine.run(workload.input as never, { overrides: { taskResourceLocalHandlers } }).result;
    },
    async close() {},
  };
}

/** Keeps `concurrency` executions in flight for `seconds`, then waits for the stragglers. */
export async function timeBoxed(run: () => Promise<unknown>, seconds: number, concurrency: number): Promise<RunResult> {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let executions = 0;
  const lane = async () => {
    while (performance.now() < deadline) {
      await run();
      executions += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const elapsed = (performance.now() - started) / 1000;
  return { executions, seconds: elapsed, execPerSec: executions / elapsed };
}
