import { metrics, trace, type Meter, type Tracer } from '@opentelemetry/api';
import { buildTimeline, type ExecutionEvent } from '@stepstone/engine';
import type { EventStore, RecordedEvent, Subscription } from '@stepstone/event-store';
import { emitExecutionTrace, isTerminalEventType } from './execution-trace';

const INSTRUMENTATION_SCOPE = 'stepstone';
const EXECUTION_STREAM_PREFIX = 'execution-';

export interface ObserveExecutionsOptions {
  readonly store: EventStore;
  /** How many executions this process holds open (the runner's count), for the gauge. */
  readonly openExecutions?: () => number;
  /** The execution ARN for an execution stream's state machine and execution names. */
  readonly executionArnOf?: (stateMachineName: string, executionName: string) => string;
  readonly tracer?: Tracer;
  readonly meter?: Meter;
  /** Called when a trace could not be built; the observer goes on with the next execution. */
  readonly onError?: (error: unknown) => void;
}

export interface ExecutionObserver {
  /** Resolves once every execution that has ended so far has been traced. */
  idle(): Promise<void>;
  close(): void;
}

/**
 * Traces and counts executions from the store's global feed, after the fact: nothing is added
 * to the engine's path. An execution's trace is built when its terminal event is appended, by
 * folding its stream with buildTimeline (the code behind `stepstone replay`), so a trace is the
 * same whether the execution ran here, in another process, or across a restart.
 */
export async function observeExecutions(options: ObserveExecutionsOptions): Promise<ExecutionObserver> {
  const tracer = options.tracer ?? trace.getTracer(INSTRUMENTATION_SCOPE);
  const meter = options.meter ?? metrics.getMeter(INSTRUMENTATION_SCOPE);
  const started = meter.createCounter('stepstone.executions.started', { description: 'Executions started, per state machine' });
  const succeeded = meter.createCounter('stepstone.executions.succeeded', { description: 'Executions that succeeded, per state machine' });
  const failed = meter.createCounter('stepstone.executions.failed', {
    description: 'Executions that failed, timed out or were aborted, per state machine and status',
  });
  const stateDuration = meter.createHistogram('stepstone.state.duration', { description: 'Time from entering a state to leaving it', unit: 'ms' });
  if (options.openExecutions) {
    const openExecutions = options.openExecutions;
    meter
      .createObservableGauge('stepstone.executions.open', { description: 'Executions open in this process' })
      .addCallback((result) => result.observe(openExecutions()));
  }

  let pending: Promise<void> = Promise.resolve();
  const traceExecution = async (streamId: string, stateMachine: string): Promise<void> => {
    const recorded = await options.store.readStream(streamId);
    const timeline = buildTimeline(recorded.map((event) => event.data as ExecutionEvent));
    const executionName = streamId.slice(EXECUTION_STREAM_PREFIX.length + stateMachine.length + 1);
    const executionArn = options.executionArnOf?.(stateMachine, executionName) ?? `${stateMachine}:${executionName}`;
    const states = emitExecutionTrace(tracer, { executionArn, stateMachineName: stateMachine, steps: timeline.steps, status: timeline.state.status });
    for (const state of states) {
      stateDuration.record(state.durationMs, { state_machine: stateMachine, state_type: state.type, ...(state.error ? { error: state.error } : {}) });
    }
  };

  const onEvents = (events: RecordedEvent[]): void => {
    for (const event of events) {
      if (!event.streamId.startsWith(EXECUTION_STREAM_PREFIX)) continue;
      const stateMachine = stateMachineOf(event.streamId);
      if (event.type === 'ExecutionStarted') started.add(1, { state_machine: stateMachine });
      else if (isTerminalEventType(event.type)) {
        if (event.type === 'ExecutionSucceeded') succeeded.add(1, { state_machine: stateMachine });
        else failed.add(1, { state_machine: stateMachine, status: statusOf(event.type) });
        // Traces are built one at a time, off the feed's own pace: a slow read never holds it.
        pending = pending.then(() => traceExecution(event.streamId, stateMachine)).catch((error: unknown) => options.onError?.(error));
      }
    }
  };

  const subscription: Subscription = options.store.subscribe(await options.store.headPosition(), onEvents, {
    onError: (error) => options.onError?.(error),
  });
  return {
    idle: () => pending,
    close: () => subscription.close(),
  };
}

/** `execution-<stateMachineName>:<executionName>`: names cannot hold ':'. */
function stateMachineOf(streamId: string): string {
  const rest = streamId.slice(EXECUTION_STREAM_PREFIX.length);
  const colon = rest.indexOf(':');
  return colon < 0 ? rest : rest.slice(0, colon);
}

function statusOf(type: string): string {
  return type === 'ExecutionTimedOut' ? 'TIMED_OUT' : type === 'ExecutionAborted' ? 'ABORTED' : 'FAILED';
}
