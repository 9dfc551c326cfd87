import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { SHARD_COUNT, startCluster, until, type ClusterProcess, type TestCluster } from './cluster-harness';

/**
 * The read models of several processes: one process, the projector (the holder of its lease),
 * applies them; the others read the shared tables once the projector's announced checkpoint
 * covers what they must see. Three processes on one PostgreSQL, lease TTL 3 s.
 */
const TTL_SECONDS = 3;
const ROLE = 'arn:aws:iam::123456789012:role/projector';
const definition = JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', Result: { done: true }, End: true } } });

describe('read models: one projector for the cluster', () => {
  let cluster: TestCluster | undefined;
  after(() => cluster?.dispose());

  it('Describe right after Start on another process sees the execution, and reads catch up within TTL + 5 s once the projector is killed', { timeout: 150_000 }, async () => {
    cluster = await startCluster(3, { STEPSTONE_LEASE_TTL_SECONDS: String(TTL_SECONDS) });
    const { call, processes } = cluster;
    assert.ok(
      await until(async () => (await cluster!.leases()).size === SHARD_COUNT && (await cluster!.projector()) !== undefined, 15_000),
      'the shards and the projector lease are held',
    );
    const projectorId = (await cluster.projector())!;
    const projector = processes.find((member) => member.owner === projectorId)!;
    const followers = processes.filter((member) => member !== projector);
    assert.equal(followers.length, 2, 'exactly one process holds the projector lease');

    const { stateMachineArn } = await call(followers[0], 'CreateStateMachine', { name: 'projected', definition, roleArn: ROLE });
    /** Start on one process, Describe at once on another: read-your-writes across processes. */
    const startThenDescribe = async (on: ClusterProcess, reader: ClusterProcess, name: string) => {
      const { executionArn } = await call(on, 'StartExecution', { stateMachineArn, name, input: '{}' });
      const described = await call(reader, 'DescribeExecution', { executionArn });
      assert.equal(described.executionArn, executionArn, `${name}: described on another process right after its start`);
      return executionArn as string;
    };
    let index = 0;
    for (const on of processes) for (const reader of processes) if (reader !== on) await startThenDescribe(on, reader, `before-${index++}`);
    // Followers apply nothing: the projector's checkpoint, announced after each apply, is what they wait for.
    for (const reader of followers) {
      const { executions } = await call(reader, 'ListExecutions', { stateMachineArn, maxResults: 1000 });
      assert.equal(executions.length, index, 'a follower lists every execution');
    }

    await projector.server.kill('SIGKILL');
    projector.alive = false;
    const killedAt = Date.now();
    // Started after the kill: only a new projector can apply these.
    const arns: string[] = [];
    for (let count = 0; count < 4; count += 1) {
      const { executionArn } = await call(followers[count % 2], 'StartExecution', { stateMachineArn, name: `after-${count}`, input: '{}' });
      arns.push(executionArn);
    }
    const caughtUp = await until(async () => {
      for (const reader of followers) {
        for (const executionArn of arns) {
          const described = await call(reader, 'DescribeExecution', { executionArn }, 30_000).catch(() => undefined);
          if (described?.status !== 'SUCCEEDED') return false;
        }
      }
      return true;
    }, (TTL_SECONDS + 5) * 1000);
    const seconds = (Date.now() - killedAt) / 1000;
    assert.ok(caughtUp, `both survivors describe the executions started after the projector died within TTL + 5 s (waited ${seconds.toFixed(1)} s)`);
    const successor = await cluster.projector();
    assert.ok(successor !== undefined && followers.some((member) => member.owner === successor), 'a survivor holds the projector lease');
    // And the read model after the takeover is complete: nothing applied twice, nothing skipped.
    const { executions } = await call(followers[0], 'ListExecutions', { stateMachineArn, maxResults: 1000 });
    assert.equal(executions.length, index + arns.length);
    assert.equal(new Set(executions.map((execution: { executionArn: string }) => execution.executionArn)).size, executions.length);
  });
});
