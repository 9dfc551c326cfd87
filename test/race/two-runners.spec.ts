import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { createExecutionRunner } from '@stepstone/engine';
import { type EventStore, isWrongExpectedVersionError, openSqliteEventStore } from '@stepstone/event-store';
import { countTransitions, referenceRun } from '../crash/reference';

const lambda = 'arn:aws:states:::lambda:invoke';
const stateMachineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:race';

/** Waits (single, in Parallel branches and Map iterations), a Choice loop and a Task: every kind of effect. */
const definition = JSON.stringify({
  StartAt: 'Loop',
  States: {
    Loop: { Type: 'Choice', Choices: [{ Variable: '$.count', NumericLessThan: 2, Next: 'Increment' }], Default: 'Fan' },
    Increment: { Type: 'Pass', Parameters: { 'count.$': 'States.MathAdd($.count, 1)', 'items.$': '$.items' }, Next: 'Nap' },
    Nap: { Type: 'Wait', Seconds: 1, Next: 'Loop' },
    Fan: {
      Type: 'Parallel',
      Next: 'Work',
      Branches: [
        { StartAt: 'Left', States: { Left: { Type: 'Wait', Seconds: 1, End: true } } },
        {
          StartAt: 'Each',
          States: {
            Each: {
              Type: 'Map',
              ItemsPath: '$.items',
              ItemProcessor: { StartAt: 'Pause', States: { Pause: { Type: 'Wait', Seconds: 1, End: true } } },
              End: true,
            },
          },
        },
      ],
    },
    Work: { Type: 'Task', Resource: lambda, End: true },
  },
});

/** Counts the appends that lost the race (WrongExpectedVersion): the runner reloads and decides again. */
function countingConflicts(store: EventStore): { store: EventStore; conflicts: () => number } {
  let conflicts = 0;
  const counted: EventStore = Object.assign(Object.create(null), store, {
    append: async (request: Parameters<EventStore['append']>[0]) => {
      try {
        return await store.append(request);
      } catch (error) {
        if (isWrongExpectedVersionError(error)) conflicts++;
        throw error;
      }
    },
  });
  return { store: counted, conflicts: () => conflicts };
}

describe('two runners on one SQLite file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stepstone-race-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('race on the same executions (same timers, same completions) without a duplicate or lost transition', { timeout: 60_000 }, async () => {
    const file = path.join(dir, 'race.db');
    const storeA = countingConflicts(openSqliteEventStore({ file }));
    const storeB = countingConflicts(openSqliteEventStore({ file }));
    const runnerA = createExecutionRunner({ store: storeA.store });
    const runnerB = createExecutionRunner({ store: storeB.store });
    const input = JSON.stringify({ count: 0, items: [1, 2, 3] });
    const arns: string[] = [];
    try {
      for (let i = 0; i < 12; i++) {
        const name = `race-${i}`;
        const executionArn = `arn:aws:states:us-east-1:123456789012:execution:race:${name}`;
        // Both runners receive the same StartExecution: one starts it, the other finds it (idempotent start).
        const outcomes = await Promise.all([runnerA, runnerB].map((runner) =>
          runner.start({ executionArn, stateMachineArn, name, executionType: 'STANDARD', definition, input, roleArn: 'arn:aws:iam::123456789012:role/r' }),
        ));
        assert.deepEqual(outcomes.map((outcome) => outcome.kind).sort(), ['existing', 'started']);
        arns.push(executionArn);
      }

      const completions = new Map<string, number>();
      const deadline = Date.now() + 40_000;
      while (Date.now() < deadline) {
        // Each runner reloads every open execution and arms the same timers: both fire them.
        await Promise.all([runnerA.recover(), runnerB.recover()]);
        const states = await Promise.all(arns.map((arn) => runnerA.load(arn)));
        if (states.every((loaded) => loaded?.state.status !== 'RUNNING')) break;
        // Both runners receive the same task completion at once.
        for (const [index, loaded] of states.entries()) {
          for (const thread of Object.values(loaded?.state.threads ?? {})) {
            const token = thread.cursor?.phase === 'task' ? thread.cursor.token : undefined;
            if (!token) continue;
            const accepted = await Promise.all([runnerA, runnerB].map((runner) =>
              runner.completeTask(arns[index], token, { kind: 'succeeded', output: JSON.stringify({ done: index }) }),
            ));
            completions.set(token, (completions.get(token) ?? 0) + accepted.filter(Boolean).length);
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 150));
      }

      assert.equal(completions.size, arns.length, 'every execution reached its Task');
      for (const [token, accepted] of completions) assert.equal(accepted, 1, `exactly one runner completed ${token}`);
      assert.ok(storeA.conflicts() + storeB.conflicts() > 0, 'the runners really raced (some appends lost and were decided again)');

      const reference = Object.fromEntries((await referenceRun(definition, input, '{}')).counts);
      for (const [index, arn] of arns.entries()) {
        const history = (await runnerA.history(arn))!;
        assert.deepEqual(history.map((event) => event.id), history.map((_, i) => i + 1), `${arn}: ids 1..N, no gap or duplicate`);
        const last = history[history.length - 1];
        assert.equal(last.type, 'ExecutionSucceeded', arn);
        assert.deepEqual(JSON.parse((last.executionSucceededEventDetails as { output: string }).output), { done: index });
        assert.deepEqual(Object.fromEntries(countTransitions(history)), reference, `${arn}: every transition exactly as often as uncontended`);
      }
    } finally {
      await runnerA.close();
      await runnerB.close();
      await storeA.store.close();
      await storeB.store.close();
    }
  });
});
