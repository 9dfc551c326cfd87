/**
 * Not a test: how many bytes of heap the in-memory store holds per execution of a workload
 * (every event of every execution stays in memory in-process), and optionally a heap snapshot
 * to see what they are.
 *
 *   node --expose-gc --import tsx bench/retained.ts [WORKLOAD-PREFIX] [EXECUTIONS] [SNAPSHOT-FILE]
 *   node --expose-gc --import tsx bench/retained.ts 10 5000            # the 10-Pass chain
 */
import { writeHeapSnapshot } from 'node:v8';
import { stepstoneEngine } from './inprocess';
import { WORKLOADS } from './workloads';

const CONCURRENCY = 50;

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  const [prefix = '10', count = '5000', snapshotFile] = process.argv.slice(2);
  const workload = WORKLOADS.find((candidate) => candidate.name.toLowerCase().startsWith(prefix.toLowerCase()));
  if (!workload) throw new Error(`no workload starts with '${prefix}': ${WORKLOADS.map((candidate) => candidate.name).join(', ')}`);
  const executions = Number(count);
  const engine = stepstoneEngine(workload);
  // Warm up first, so compiled code and caches are not counted as history.
  for (let index = 0; index < 200; index += 1) await engine.run();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let done = 0; done < executions; done += CONCURRENCY) await Promise.all(Array.from({ length: CONCURRENCY }, () => engine.run()));
  gc();
  const after = process.memoryUsage().heapUsed;
  const measured = Math.ceil(executions / CONCURRENCY) * CONCURRENCY;
  console.log(`${workload.name}: ${Math.round((after - before) / measured)} bytes of heap kept per execution (${measured} executions)`);
  if (snapshotFile) console.log(`heap snapshot: ${writeHeapSnapshot(snapshotFile)}`);
  await engine.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
