import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { DecisionEnv, ExecutionCommand } from '../commands';
import { decideAndEvolve } from '../decide';
import { evolve } from '../evolve';
import { type ExecutionState, initialExecutionState } from '../execution-state';
import type { ExecutionEvent } from '../history-event';

/** A fixed environment: decisions in specs never read the clock or real randomness. */
export function fixedEnv(now = '2024-01-01T00:00:00.000Z'): DecisionEnv {
  let counter = 0;
  return {
    now: new Date(now),
    random: () => 0.5,
    uuid: () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`,
    hash: (algorithm, data) => createHash(algorithm.replace('-', '').toLowerCase()).update(data).digest('hex'),
  };
}

export function startCommand(definition: unknown, input: unknown = {}): ExecutionCommand {
  return {
    type: 'StartExecution',
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:spec:run-1',
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:spec',
    name: 'run-1',
    executionType: 'STANDARD',
    definition: JSON.stringify(definition),
    input: JSON.stringify(input),
    roleArn: 'arn:aws:iam::123456789012:role/spec',
  };
}

/**
 * Emmett-style given/when/then for the decider: given the events so far, when a command
 * arrives, then these events happen (checked by type, and by a matcher when given). It also
 * checks the fold: replaying given + new events from scratch equals the decider's own state.
 */
export function given(events: readonly ExecutionEvent[] = []) {
  const state = events.reduce(evolve, initialExecutionState);
  return {
    when: (command: ExecutionCommand, env: DecisionEnv = fixedEnv()) => ({
      then: async (expectedTypes: readonly string[], check?: (events: ExecutionEvent[], state: ExecutionState) => void) => {
        const decided = await decideAndEvolve(state, command, env);
        assert.deepEqual(
          decided.events.map((event) => event.type),
          expectedTypes,
        );
        const replayed = [...events, ...decided.events].reduce(evolve, initialExecutionState);
        // The decider folds in place within a decision (evolveOwned): its state must be the
        // pure fold's, and the state it started from must be left as it was.
        assert.deepEqual(decided.state, replayed, 'replay with evolve folds to the decider\'s state');
        assert.deepEqual(state, events.reduce(evolve, initialExecutionState), 'the decision left its input state unchanged');
        check?.(decided.events, decided.state);
        return { events: [...events, ...decided.events], state: decided.state };
      },
    }),
  };
}
