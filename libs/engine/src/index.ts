// The only door into @stepstone/engine: the pure execution decider and the runner around it.
export {
  decide,
  decideAndEvolve,
  evolve,
  initialExecutionState,
  ROOT_THREAD,
  toHistoryEvent,
  isHistoryEvent,
  detailsFieldOf,
  EVENT_SCHEMA_VERSION,
  pendingEffects,
  redrivabilityOf,
  MAX_EXECUTION_DURATION_MS,
  MAX_HISTORY_EVENTS,
  REDRIVABLE_PERIOD_MS,
} from './execution';
export type {
  ExecutionCommand,
  DecisionEnv,
  ExecutionState,
  ExecutionStatus,
  ThreadState,
  Cursor,
  ExecutionEvent,
  ExecutionEventTypeName,
  Effect,
  Redrivability,
  RedriveStatus,
} from './execution';
export { createExecutionRunner } from './runner/execution-runner';
export type { ExecutionRunnerOptions, TaskDispatcher, TaskRequest, TaskOutcome, TaskProgress } from './runner/execution-runner';
export { makeTaskToken, executionArnOfTaskToken } from './execution/task-token';
export { executionStreamId } from './runner/execution-runner.port';
export type {
  ExecutionRunner,
  StartExecutionRequest,
  StartExecutionOutcome,
  SyncExecutionResult,
} from './runner/execution-runner.port';
export { TimerHeap } from './runner/timer-heap';
