/** What can happen to an execution. The runner turns API calls, timers and task results into these. */
export type ExecutionCommand =
  | {
      readonly type: 'StartExecution';
      readonly executionArn: string;
      readonly stateMachineArn: string;
      readonly name: string;
      readonly executionType: 'STANDARD' | 'EXPRESS';
      readonly definition: string;
      /** The input exactly as the caller sent it (JSON text). */
      readonly input: string;
      readonly roleArn: string;
      readonly traceHeader?: string;
      readonly actor?: string;
    }
  /** A Wait state's or a retry backoff's deadline passed. Stale timers decide nothing. */
  | { readonly type: 'FireTimer'; readonly threadId: string; readonly enteredEventId: number }
  | { readonly type: 'StartTask'; readonly token: string; readonly workerName?: string }
  /** A `.sync` integration started its job (TaskSubmitted); the final outcome follows later. */
  | { readonly type: 'SubmitTask'; readonly token: string; readonly output: string }
  /** SendTaskHeartbeat: the worker is alive (resets the HeartbeatSeconds deadline). */
  | { readonly type: 'HeartbeatTask'; readonly token: string }
  | { readonly type: 'CompleteTask'; readonly token: string; readonly output: string }
  | { readonly type: 'FailTask'; readonly token: string; readonly error: string; readonly cause: string }
  | { readonly type: 'TimeOutTask'; readonly token: string; readonly error?: string; readonly cause?: string }
  | { readonly type: 'StopExecution'; readonly error?: string; readonly cause?: string; readonly actor?: string }
  | { readonly type: 'TimeOutExecution' }
  /** RedriveExecution: resume a FAILED, TIMED_OUT or ABORTED execution from its unsuccessful states. */
  | { readonly type: 'RedriveExecution'; readonly clientToken?: string; readonly actor?: string };

/** What the decider may not compute itself: time, ids, randomness, hashing. */
export interface DecisionEnv {
  readonly now: Date;
  readonly random: () => number;
  readonly uuid: () => string;
  readonly hash: (algorithm: string, data: string) => string;
}
