/**
 * Not a test: how much one execution's heavy work delays an unrelated DescribeExecution
 * (issue 18). Runs the real server and, one after the other, (1) eight Choice loops of 25,000
 * events and (2) a Distributed Map over 100,000 items, sampling DescribeExecution meanwhile.
 *
 *   node --import tsx bench/starvation.ts [--items 100000] [--loops 8] [--only loops|map]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startServer } from '../test/support/server';
import { call, CHOICE_LOOP, DISTRIBUTED_MAP, ROLE, sampleDescribe, waitForAll, writeItems } from '../test/hardening/starvation-workloads';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { items: { type: 'string', default: '100000' }, loops: { type: 'string', default: '8' }, only: { type: 'string' } } });
  const objects = mkdtempSync(path.join(tmpdir(), 'stepstone-starvation-objects-'));
  writeItems(objects, Number(values.items));
  const server = await startServer({ env: { STEPSTONE_OBJECT_STORE_DIR: objects }, startTimeoutMs: 60_000, nodeFlags: process.env.STARVATION_PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.STARVATION_PROF_DIR] : [] });
  try {
    const { endpoint } = server;
    const quiet = (await call(endpoint, 'CreateStateMachine', { name: 'quiet', definition: JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, End: true } } }), roleArn: ROLE })).stateMachineArn;
    const unrelated = (await call(endpoint, 'StartExecution', { stateMachineArn: quiet, name: 'unrelated' })).executionArn as string;
    const loop = (await call(endpoint, 'CreateStateMachine', { name: 'loop', definition: CHOICE_LOOP, roleArn: ROLE })).stateMachineArn;
    const map = (await call(endpoint, 'CreateStateMachine', { name: 'map', definition: DISTRIBUTED_MAP, roleArn: ROLE })).stateMachineArn;

    const idle = await sampleDescribe(endpoint, unrelated, new Promise((resolve) => setTimeout(resolve, 2000)));
    console.log(`idle: DescribeExecution p50 ${idle.p50.toFixed(1)} ms, p99 ${idle.p99.toFixed(1)} ms, max ${idle.max.toFixed(1)} ms (${idle.count} samples)`);

    for (const workload of (['loops', 'map'] as const).filter((name) => values.only === undefined || values.only === name)) {
      const began = performance.now();
      let startMs = 0;
      const work = (async () => {
        const starts = workload === 'loops'
          ? Array.from({ length: Number(values.loops) }, (_, index) => ({ stateMachineArn: loop, name: `loop-${index}`, input: '{"n":0}' }))
          : [{ stateMachineArn: map, name: 'map-1' }];
        const startBegan = performance.now();
        const arns = await Promise.all(starts.map(async (start) => (await call(endpoint, 'StartExecution', start)).executionArn as string));
        startMs = performance.now() - startBegan;
        return waitForAll(endpoint, arns, 600_000);
      })();
      const sample = await sampleDescribe(endpoint, unrelated, work);
      const statuses = await work;
      const rss = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid()}/status`, 'utf8'))?.[1] ?? 0) / 1024;
      console.log(
        `${workload}: done in ${((performance.now() - began) / 1000).toFixed(1)} s (${statuses.join(', ')}), StartExecution ${startMs.toFixed(0)} ms; ` +
          `DescribeExecution p50 ${sample.p50.toFixed(1)} ms, p99 ${sample.p99.toFixed(1)} ms, max ${sample.max.toFixed(1)} ms (${sample.count} samples); server peak RSS ${rss.toFixed(0)} MiB`,
      );
    }
  } finally {
    await server.dispose();
    rmSync(objects, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
