import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecutionCommand } from './commands';
import { decideAndEvolve } from './decide';
import { evolve } from './evolve';
import { type ExecutionState, initialExecutionState } from './execution-state';
import type { ExecutionEvent } from './history-event';
import { fixedEnv, startCommand } from './testing/decider-specification';

/**
 * An input nested 10,000 deep is 60 KiB of valid JSON, well within the 256 KiB quota, and
 * deeper than JSON.stringify can recurse. AWS documents no nesting limit; a state whose input
 * cannot be written fails with States.Runtime, where the RangeError used to leave the decision
 * and the execution RUNNING for good.
 */
const DEPTH = 10_000;
const deepInputText = `{"deep":${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}}`;

function startWithDeepInput(definition: unknown): ExecutionCommand {
  return { ...(startCommand(definition) as Extract<ExecutionCommand, { type: 'StartExecution' }>), input: deepInputText };
}

/** given/then's deep comparison of states would itself overflow on such a payload: the events and the fold's outcome are checked instead. */
async function decideFrom(events: readonly ExecutionEvent[], command: ExecutionCommand): Promise<{ events: ExecutionEvent[]; state: ExecutionState }> {
  const decided = await decideAndEvolve(events.reduce(evolve, initialExecutionState), command, fixedEnv());
  const all = [...events, ...decided.events];
  const replayed = all.reduce(evolve, initialExecutionState);
  assert.deepEqual([replayed.status, replayed.error, replayed.cause], [decided.state.status, decided.state.error, decided.state.cause]);
  return { events: all, state: decided.state };
}

describe('an input nested deeper than JSON.stringify can go', () => {
  it("fails a Parallel with States.Runtime when its branch's first state cannot be entered", async () => {
    const definition = { StartAt: 'Fan', States: { Fan: { Type: 'Parallel', Branches: [{ StartAt: 'Leaf', States: { Leaf: { Type: 'Pass', End: true } } }], End: true } } };
    const { events, state } = await decideFrom([], startWithDeepInput(definition));
    assert.deepEqual(events.map((event) => event.type), ['ExecutionStarted', 'ParallelStateEntered', 'ParallelStateStarted', 'ParallelStateFailed', 'ExecutionFailed']);
    assert.equal(state.error, 'States.Runtime');
    assert.equal(state.cause, "The state 'Leaf' could not be entered: its input cannot be written as JSON (Maximum call stack size exceeded).");
  });

  it('fails a redrive with States.Runtime when the state it enters again cannot be written', async () => {
    const definition = { StartAt: 'Stop', States: { Stop: { Type: 'Fail', Error: 'Custom' } } };
    const failed = await decideFrom([], startWithDeepInput(definition));
    assert.equal(failed.state.error, 'Custom');
    const redriven = await decideFrom(failed.events, { type: 'RedriveExecution' });
    assert.deepEqual(redriven.events.slice(failed.events.length).map((event) => event.type), ['ExecutionRedriven', 'ExecutionFailed']);
    assert.equal(redriven.state.status, 'FAILED');
    assert.equal(redriven.state.cause, "The state 'Stop' could not be entered: its input cannot be written as JSON (Maximum call stack size exceeded).");
  });
});
