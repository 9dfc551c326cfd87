import type { ExecutionEvent } from '../execution/history-event';
import type { ExecutionState } from '../execution/execution-state';

/** Stream of one execution. Names are unique per state machine, so the ARN's tail is the key. */
export function executionStreamId(executionArn: string): string {
  // arn:aws:states:<region>:<account>:execution:<stateMachineName>:<executionName>: the text
  // after the sixth ':' (found without split: this runs for every command of every execution).
  let cut = -1;
  for (let colons = 0; colons < 6; colons += 1) {
    cut = executionArn.indexOf(':', cut + 1);
    if (cut < 0) return `execution-${executionArn.split(':').slice(6).join(':')}`;
  }
  return `execution-${executionArn.slice(cut + 1)}`;
}

/**
 * Who asked for a change through the API: recorded in the metadata of every event the request
 * causes (events the engine decides on its own record `actor: 'engine'`). One type for every
 * API command that reaches the runner (Start, Stop, SendTask*, Redrive...).
 */
export interface Caller {
  /** The access key id of the SigV4 credential, or 'anonymous'. */
  readonly actor: string;
  readonly sourceIp: string;
  readonly requestId: string;
}

export interface UpdateMapRunRequest {
  readonly mapRunArn: string;
  readonly maxConcurrency?: number;
  readonly toleratedFailureCount?: number;
  readonly toleratedFailurePercentage?: number;
  readonly caller?: Caller;
}

/** The actor of events nobody asked for through the API (timers, task results of integrations). */
export const ENGINE_ACTOR = 'engine';

/** The metadata an event is stored with: the API caller, or the engine. */
export function callerMetadata(caller: Caller | undefined): Record<string, unknown> {
  return caller ? { actor: caller.actor, sourceIp: caller.sourceIp, requestId: caller.requestId } : { actor: ENGINE_ACTOR };
}

export interface StartExecutionRequest {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly executionType: 'STANDARD' | 'EXPRESS';
  readonly definition: string;
  readonly input: string;
  readonly roleArn: string;
  readonly traceHeader?: string;
  /** Step Functions Local's `<stateMachineArn>#<TestCase>`: the mock test case to run. */
  readonly testCase?: string;
  /** Started through a version or an alias ARN (AWS's executionStartedEventDetails). */
  readonly stateMachineAliasArn?: string;
  readonly stateMachineVersionArn?: string;
  readonly caller?: Caller;
}

export interface StopExecutionRequest {
  readonly error?: string;
  readonly cause?: string;
  readonly caller?: Caller;
}

export type StartExecutionOutcome =
  | { readonly kind: 'started'; readonly startDate: string; readonly position: number }
  /** Same name, same input: AWS returns the existing execution (idempotent StartExecution). */
  | { readonly kind: 'existing'; readonly startDate: string; readonly position: number }
  /** Same name, other input (or the execution is closed): ExecutionAlreadyExists. */
  | { readonly kind: 'conflict' };

export interface SyncExecutionResult {
  readonly status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  readonly startDate: string;
  readonly stopDate: string;
  readonly input: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

/**
 * The runner: turns commands into appends (decide → append with expected revision → effects)
 * and owns timers and recovery. Implemented in execution-runner.ts.
 */
export interface ExecutionRunner {
  start(request: StartExecutionRequest): Promise<StartExecutionOutcome>;
  /** EXPRESS StartSyncExecution: runs in memory, returns the result (nothing stored). */
  runSync(request: StartExecutionRequest): Promise<SyncExecutionResult>;
  /** Returns the stop date, or undefined when the execution does not exist. Stopping a closed execution is a no-op. */
  stop(executionArn: string, request: StopExecutionRequest): Promise<{ stopDate: string; position: number } | undefined>;
  /**
   * RedriveExecution: appends ExecutionRedriven and resumes the unsuccessful states. Undefined
   * when the execution does not exist; `redriven: false` with AWS's reason when it is not redrivable.
   */
  redrive(
    executionArn: string,
    request: { clientToken?: string; caller?: Caller },
  ): Promise<{ redriven: true; redriveDate: string; position: number } | { redriven: false; reason: string } | undefined>;
  /**
   * UpdateMapRun: a running Map Run of the execution takes new limits. Undefined when the
   * execution does not exist; `updated: false` when the Map Run is not running in it.
   */
  updateMapRun(executionArn: string, request: UpdateMapRunRequest): Promise<{ updated: boolean; position: number } | undefined>;
  /** The full event list of an execution (history), or undefined when it does not exist. */
  history(executionArn: string): Promise<readonly ExecutionEvent[] | undefined>;
  /** The folded state (from cache or by replay). */
  load(executionArn: string): Promise<{ state: ExecutionState; revision: number } | undefined>;
  /** Reload every open execution, re-arm its timers, re-dispatch its tasks. */
  recover(): Promise<{ executions: number; timers: number }>;
  close(): Promise<void>;
}
