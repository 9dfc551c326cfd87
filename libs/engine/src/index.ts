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
  continuationOf,
  redrivabilityOf,
  MAX_EXECUTION_DURATION_MS,
  MAX_HISTORY_EVENTS,
  REDRIVABLE_PERIOD_MS,
  testState,
  TestStateRejected,
  mapRunChildOf,
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
  EventOfType,
  Effect,
  Redrivability,
  RedriveStatus,
  TestStateRequest,
  TestStateResult,
  TestStateStatus,
  TestStateInspectionData,
  TestStateEnv,
  TestStateTask,
  TestStateTaskOutcome,
  MapRunChild,
} from './execution';
export { assertExecutionEvents, executionEventProblem, MalformedEventError } from './execution/event-shape';
export { EXECUTION_CLOSING_TYPES } from './execution/decision-support';
export { buildTimeline } from './execution/timeline';
export type { Timeline, TimelineOptions, TimelineStep } from './execution/timeline';
export { createExecutionRunner, taskCommand } from './runner/execution-runner';
export type { ExecutionOwnership, ExecutionRunnerOptions, TaskDispatcher, TaskRequest, TaskOutcome, TaskProgress, WaitingActivityTask } from './runner/execution-runner';
export { makeTaskToken, executionArnOfTaskToken } from './execution/task-token';
export { callerMetadata, ENGINE_ACTOR, executionStreamId } from './runner/execution-runner.port';
export type {
  Caller,
  ExecutionRunner,
  StartExecutionRequest,
  StopExecutionRequest,
  StartExecutionOutcome,
  SyncExecutionResult,
  UpdateMapRunRequest,
} from './runner/execution-runner.port';
export { TimerHeap } from './runner/timer-heap';
export type { ObjectStore } from './object-store/object-store.port';
export { ObjectStoreError } from './object-store/object-store.port';
export { createInMemoryObjectStore } from './object-store/in-memory-object-store';
export { createDirectoryObjectStore } from './object-store/directory-object-store';
export { performObjectStoreEffect, isObjectStoreEffect } from './object-store/perform-object-store-effect';
export { createFastClock } from './runner/fast-clock';
export type { FastClock } from './runner/fast-clock';
