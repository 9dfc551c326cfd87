import type { ConformanceCase } from './corpus';
import type { ExecutionRun } from './run-case';

/**
 * `--via http`: the same cases through the real server and @aws-sdk/client-sfn
 * (CreateStateMachine, StartExecution, GetExecutionHistory). Filled in once the server lands.
 */
export async function openHttpSession(): Promise<{ execute: (testCase: ConformanceCase) => Promise<ExecutionRun>; close: () => Promise<void> }> {
  throw new Error('--via http is not available yet');
}
