export { decide, decideAndEvolve } from './decide';
export { evolve } from './evolve';
export type { ExecutionCommand, DecisionEnv } from './commands';
export { initialExecutionState, ROOT_THREAD } from './execution-state';
export type { ExecutionState, ExecutionStatus, ThreadState, Cursor } from './execution-state';
export { toHistoryEvent, isHistoryEvent, detailsFieldOf, EVENT_SCHEMA_VERSION } from './history-event';
export type { ExecutionEvent, ExecutionEventTypeName } from './history-event';
export { pendingEffects } from './effects';
export type { Effect } from './effects';
