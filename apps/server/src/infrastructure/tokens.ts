import type { ExecutionRunner, TaskDispatcher, TaskOutcome, TaskProgress, Caller } from '@stepstone/engine';
import type { MockConfig } from '@stepstone/integrations';

/** Injection tokens: tsx does not emit decorator metadata, so every dependency is injected by token. */
export const CONFIG = Symbol('ServerConfig');
export const EVENT_STORE = Symbol('EventStore');
export const PROJECTIONS = Symbol('Projections');
export const EXECUTION_RUNNER = Symbol('ExecutionRunner');
export const CLOCK = Symbol('Clock');
export const ID_SOURCE = Symbol('IdSource');
export const ARNS = Symbol('Arns');
export const ACTIVITY_TASKS = Symbol('ActivityTaskQueue');
export const TASK_DISPATCHER = Symbol('TaskDispatcher');
export const EXECUTION_END_WATCHER = Symbol('ExecutionEndWatcher');
export const MOCK_CONFIG = Symbol('MockConfig');
/** The shard leases of this process (cluster.ts) on the postgres store; null on a store of one process. */
export const CLUSTER = Symbol('Cluster');

/** The wall clock, injected so handlers never read it themselves. */
export type Clock = () => Date;
/** Ids (revision ids, default execution names), injected for the same reason. */
export type IdSource = () => string;

/** The runner as the activity and SendTask* handlers use it: completing and reporting tasks by token. */
export type TaskCompletionRunner = ExecutionRunner & {
  completeTask(executionArn: string, token: string, outcome: TaskOutcome, caller?: Caller): Promise<boolean>;
  reportTask(executionArn: string, token: string, progress: TaskProgress, caller?: Caller): Promise<boolean>;
  /** The integrations' dispatcher on its own, for TestState's Task without a mock (no execution records it). */
  performTask?: TaskDispatcher['dispatch'];
};

/**
 * The mock configuration tasks are answered from: the STEPSTONE_MOCK_CONFIG file at start,
 * replaced at run time by `PUT /mock-config`. Read at each dispatch, so a replacement applies
 * to every task dispatched after it (held in memory: a restart reads the file again).
 */
export interface MockConfigHolder {
  current: MockConfig | undefined;
}
