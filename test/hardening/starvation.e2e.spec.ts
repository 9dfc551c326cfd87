import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../support/server';
import { call, CHOICE_LOOP, DISTRIBUTED_MAP, ROLE, sampleDescribe, waitForAll, writeItems } from './starvation-workloads';

/**
 * One execution cannot starve the others (issue 18): while one execution does heavy work, an
 * unrelated execution's DescribeExecution keeps answering. Decisions pause every few hundred
 * events and stop at 1,000 (ContinueThread); a Distributed Map starts 250 iterations per
 * decision (ContinueMap). Bounded for CI: 20,000 items and two loops; STEPSTONE_STARVATION_FULL=1
 * runs the sizes (100,000 items, eight loops). Figures: bench/starvation.ts.
 */
const FULL = process.env.STEPSTONE_STARVATION_FULL === '1';
const ITEMS = FULL ? 100_000 : 20_000;
const LOOPS = FULL ? 8 : 2;

describe('one execution cannot starve the others', () => {
  let server: RunningServer;
  let objects: string;
  let unrelated: string;

  before(async () => {
    objects = mkdtempSync(path.join(tmpdir(), 'stepstone-starvation-'));
    writeItems(objects, ITEMS);
    server = await startServer({ env: { STEPSTONE_OBJECT_STORE_DIR: objects } });
    const quiet = (await call(server.endpoint, 'CreateStateMachine', { name: 'quiet', definition: JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, End: true } } }), roleArn: ROLE })).stateMachineArn;
    unrelated = (await call(server.endpoint, 'StartExecution', { stateMachineArn: quiet, name: 'unrelated' })).executionArn;
  });

  after(async () => {
    await server?.dispose();
    if (objects) rmSync(objects, { recursive: true, force: true });
  });

  it(`a Distributed Map over ${ITEMS.toLocaleString('en')} items: the unrelated DescribeExecution p99 stays under 200 ms`, { timeout: 180_000 }, async () => {
    const map = (await call(server.endpoint, 'CreateStateMachine', { name: 'map', definition: DISTRIBUTED_MAP, roleArn: ROLE })).stateMachineArn;
    const began = performance.now();
    const started = call(server.endpoint, 'StartExecution', { stateMachineArn: map, name: 'big' });
    const work = started.then(({ executionArn }) => waitForAll(server.endpoint, [executionArn], 150_000));
    const sample = await sampleDescribe(server.endpoint, unrelated, work);
    const startMs = performance.now() - began;
    assert.deepEqual(await work, ['SUCCEEDED']);
    console.log(`map of ${ITEMS} items: ${((performance.now() - began) / 1000).toFixed(1)} s; DescribeExecution p50 ${sample.p50.toFixed(0)} ms, p99 ${sample.p99.toFixed(0)} ms, max ${sample.max.toFixed(0)} ms (${sample.count} samples)`);
    assert.ok(sample.count >= 20, `only ${sample.count} samples`);
    assert.ok(sample.p99 < 200, `DescribeExecution p99 ${sample.p99.toFixed(0)} ms (start to end ${startMs.toFixed(0)} ms)`);
  });

  it(`${LOOPS} Choice loops into the 25,000-event quota: the unrelated DescribeExecution p99 stays under 200 ms`, { timeout: 180_000 }, async () => {
    const loop = (await call(server.endpoint, 'CreateStateMachine', { name: 'loop', definition: CHOICE_LOOP, roleArn: ROLE })).stateMachineArn;
    const began = performance.now();
    const work = (async () => {
      const arns = await Promise.all(Array.from({ length: LOOPS }, async (_, index) => (await call(server.endpoint, 'StartExecution', { stateMachineArn: loop, name: `loop-${index}`, input: '{"n":0}' })).executionArn as string));
      return { arns, statuses: await waitForAll(server.endpoint, arns, 150_000) };
    })();
    const sample = await sampleDescribe(server.endpoint, unrelated, work);
    const { arns, statuses } = await work;
    console.log(`${LOOPS} loops: ${((performance.now() - began) / 1000).toFixed(1)} s; DescribeExecution p50 ${sample.p50.toFixed(0)} ms, p99 ${sample.p99.toFixed(0)} ms, max ${sample.max.toFixed(0)} ms (${sample.count} samples)`);
    assert.deepEqual(statuses, arns.map(() => 'FAILED'));
    const described = await call(server.endpoint, 'DescribeExecution', { executionArn: arns[0] });
    assert.equal(described.error, 'States.Runtime');
    const history = await call(server.endpoint, 'GetExecutionHistory', { executionArn: arns[0], reverseOrder: true, maxResults: 1 });
    assert.equal(history.events[0].id, 25_000);
    assert.ok(sample.p99 < 200, `DescribeExecution p99 ${sample.p99.toFixed(0)} ms`);
  });
});
