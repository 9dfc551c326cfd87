import { randomUUID } from 'node:crypto';
import { hexDigest, nextTurn } from '@stepstone/event-store';
import type { DecisionEnv, ExecutionCommand } from '../execution/commands';
import type { StartExecutionRequest } from './execution-runner.port';

// What the runner hands the decider: each decision's environment, and the command a start request becomes.

/** Task tokens and States.Hash name algorithms as AWS does ('SHA-256'); Node's name is 'sha256'. */
function hashHex(algorithm: string, data: string): string {
  return hexDigest(algorithm.replace('-', '').toLowerCase(), data);
}

/** One per decision: built from shared functions, so it allocates only itself. */
export function systemDecisionEnv(now: Date, activityExists?: (activityArn: string) => Promise<boolean>): DecisionEnv {
  // A long decision's pause: I/O, and the other executions' slices, take their turns first.
  return { activityExists, now, random: Math.random, uuid: randomUUID, hash: hashHex, pause: nextTurn };
}

export function startCommand(request: StartExecutionRequest): ExecutionCommand {
  const { caller, ...start } = request;
  return { type: 'StartExecution', ...start, actor: caller?.actor };
}
