import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { shardOfStream } from '@stepstone/event-store';
import { pause, SHARD_COUNT, signal, startCluster, until, type TestCluster } from './cluster-harness';

/**
 * Fencing, shown with a real stall: two server processes on one PostgreSQL (lease TTL 3 s).
 * Executions parked in a 5 s Wait on process A's shards; A is SIGSTOPped past its TTL; B takes
 * A's shards over, replays them and fires their Waits; then A is SIGCONTed. A still holds the
 * overdue Wait timers and its old view of the leases, so it tries to append under its old
 * epoch: the store must refuse every such append (A logs each refusal), and no history may hold
 * anything twice.
 */
const TTL_SECONDS = 3;
const WAIT_SECONDS = 5;
const ROLE = 'arn:aws:iam::123456789012:role/fencing';

describe('fencing: a process stalled past its lease TTL', () => {
  let cluster: TestCluster | undefined;
  after(() => cluster?.dispose());

  it('cannot append for the shards it lost once it runs again, and nothing is duplicated', { timeout: 120_000 }, async () => {
    cluster = await startCluster(2, { STEPSTONE_LEASE_TTL_SECONDS: String(TTL_SECONDS) });
    const [a, b] = cluster.processes;
    const { call, leases } = cluster;
    // Both have joined and the shards are split between them.
    assert.ok(
      await until(async () => {
        const owners = [...(await leases()).values()];
        return owners.length === SHARD_COUNT && owners.filter((owner) => owner === a.owner).length === SHARD_COUNT / 2;
      }, 15_000),
      'the shards were split evenly between the two processes',
    );
    const held = await leases();

    const definition = JSON.stringify({
      StartAt: 'Nap',
      States: { Nap: { Type: 'Wait', Seconds: WAIT_SECONDS, Next: 'Done' }, Done: { Type: 'Pass', Result: { done: true }, End: true } },
    });
    const { stateMachineArn } = await call(b, 'CreateStateMachine', { name: 'fenced', definition, roleArn: ROLE });
    // Names whose shard A holds, started through B: A must pick them up from the store's feed.
    const names: string[] = [];
    for (let index = 0; names.length < 6; index += 1) {
      if (held.get(shardOfStream(`execution-fenced:run-${index}`, SHARD_COUNT)) === a.owner) names.push(`run-${index}`);
    }
    const arns: string[] = [];
    for (const name of names) arns.push((await call(b, 'StartExecution', { stateMachineArn, name, input: '{}' })).executionArn);
    await pause(500); // A has noticed them and armed their Waits

    signal(a, 'SIGSTOP');
    a.alive = false;
    const stoppedAt = Date.now();
    assert.ok(
      await until(async () => [...(await leases()).values()].every((owner) => owner === b.owner) && (await leases()).size === SHARD_COUNT, (TTL_SECONDS + 5) * 1000),
      'B took every shard over after A stopped renewing',
    );
    const takeoverSeconds = (Date.now() - stoppedAt) / 1000;
    // B replayed A's executions and fires their Waits.
    assert.ok(
      await until(async () => {
        for (const executionArn of arns) if ((await call(b, 'DescribeExecution', { executionArn })).status !== 'SUCCEEDED') return false;
        return true;
      }, 20_000),
      'B finished the executions it took over',
    );

    signal(a, 'SIGCONT');
    a.alive = true;
    // A's overdue timers fire at once, before it hears of the takeover: those appends must be refused.
    const refusedLine = /append refused, stale lease/g;
    await until(() => (a.server.output().match(refusedLine) ?? []).length > 0, 5_000);
    await pause(1000);
    const refused = (a.server.output().match(refusedLine) ?? []).length;

    let duplicated = 0;
    for (const executionArn of arns) {
      const history = await call(b, 'GetExecutionHistory', { executionArn, maxResults: 1000 });
      const types = (history.events as Array<{ id: number; type: string }>).map((event) => event.type);
      assert.deepEqual(
        (history.events as Array<{ id: number }>).map((event) => event.id),
        types.map((_, index) => index + 1),
      );
      const expected = ['ExecutionStarted', 'WaitStateEntered', 'WaitStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'];
      if (JSON.stringify(types) !== JSON.stringify(expected)) duplicated += 1;
      assert.deepEqual(types, expected, `${executionArn}: each transition once`);
      assert.equal((await call(a, 'DescribeExecution', { executionArn })).output, '{"done":true}', 'A serves the API again, from the store');
    }
    console.log(`fencing: stalled=1 takeover_s=${takeoverSeconds.toFixed(1)} stale_appends_refused=${refused} executions=${arns.length} duplicated=${duplicated}`);
    assert.ok(refused >= 1, `A tried to append under its old epoch and was refused:\n${a.server.output()}`);
    // A rejoins: the next rounds give it its half back.
    assert.ok(
      await until(async () => [...(await leases()).values()].filter((owner) => owner === a.owner).length === SHARD_COUNT / 2, (TTL_SECONDS + 5) * 1000),
      'A took its share back after it ran again',
    );
  });
});
