/**
 * Part 2: the real server over HTTP (@aws-sdk/client-sfn), SQLite store, the 10-Pass chain.
 *  - throughput: `clients` concurrent clients start `count` executions; executions/s counts
 *    from the first StartExecution until ListExecutions shows none RUNNING (all terminal);
 *  - latency: an open-loop schedule of 500 starts/s. StartExecution latency is measured from
 *    each start's scheduled time (a client that falls behind does not hide the wait), and
 *    start-to-SUCCEEDED is the server's stopDate minus that scheduled time (same host clock),
 *    read afterwards from ListExecutions(SUCCEEDED) in pages of 1,000.
 */
import { CreateStateMachineCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { percentile } from './stats';
import { listAll, waitUntilNoneRunning } from './sfn';
import { DURABLE_WORKLOAD } from './workloads';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/bench';

export async function createMachine(client: SFNClient, name: string, definition: unknown): Promise<string> {
  const created = await client.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE_ARN }));
  return created.stateMachineArn!;
}

export interface ThroughputResult {
  readonly executions: number;
  readonly seconds: number;
  readonly execPerSec: number;
  /** CPU per execution: where the 2 cores go (server vs this process's SDK clients). */
  readonly serverCpuMicrosPerExec: number;
  readonly clientCpuMicrosPerExec: number;
}

export async function measureThroughput(
  client: SFNClient,
  machineName: string,
  count: number,
  clients: number,
  serverCpuMicros: () => number,
): Promise<ThroughputResult> {
  const stateMachineArn = await createMachine(client, machineName, DURABLE_WORKLOAD.definition);
  const input = JSON.stringify(DURABLE_WORKLOAD.input);
  let next = 0;
  const serverBefore = serverCpuMicros();
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < count) {
        const index = next++;
        await client.send(new StartExecutionCommand({ stateMachineArn, name: `t${index}`, input }));
      }
    }),
  );
  await waitUntilNoneRunning(client, stateMachineArn, 120_000);
  const seconds = (performance.now() - started) / 1000;
  const serverCpu = serverCpuMicros() - serverBefore;
  const clientCpu = process.cpuUsage(clientBefore);
  const succeeded = (await listAll(client, stateMachineArn, 'SUCCEEDED')).length;
  if (succeeded !== count) throw new Error(`bench: ${succeeded} of ${count} executions SUCCEEDED`);
  return {
    executions: count,
    seconds,
    execPerSec: count / seconds,
    serverCpuMicrosPerExec: serverCpu / count,
    clientCpuMicrosPerExec: (clientCpu.user + clientCpu.system) / count,
  };
}

export interface LatencyResult {
  readonly starts: number;
  readonly achievedStartsPerSec: number;
  readonly p50StartMs: number;
  readonly p99StartMs: number;
  readonly p50EndToEndMs: number;
  readonly p99EndToEndMs: number;
}

export async function measureLatency(client: SFNClient, machineName: string, ratePerSec: number, seconds: number): Promise<LatencyResult> {
  const stateMachineArn = await createMachine(client, machineName, DURABLE_WORKLOAD.definition);
  const input = JSON.stringify(DURABLE_WORKLOAD.input);
  const total = Math.round(ratePerSec * seconds);
  const intervalMs = 1000 / ratePerSec;
  const scheduledAt = new Array<number>(total); // epoch ms, comparable with the server's dates
  const startMs = new Array<number>(total);
  const inFlight: Promise<void>[] = [];
  const origin = performance.now();
  const originEpoch = Date.now();
  for (let index = 0; index < total; index += 1) {
    const due = origin + index * intervalMs;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    scheduledAt[index] = originEpoch + index * intervalMs;
    inFlight.push(
      client.send(new StartExecutionCommand({ stateMachineArn, name: `l${index}`, input })).then(() => {
        startMs[index] = performance.now() - due;
      }),
    );
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - origin) / 1000;
  await waitUntilNoneRunning(client, stateMachineArn, 120_000);
  const succeeded = await listAll(client, stateMachineArn, 'SUCCEEDED');
  if (succeeded.length !== total) throw new Error(`bench: ${succeeded.length} of ${total} executions SUCCEEDED`);
  const endToEnd = succeeded.map((item) => item.stopDate!.getTime() - scheduledAt[Number(item.name!.slice(1))]);
  return {
    starts: total,
    achievedStartsPerSec: total / elapsed,
    p50StartMs: percentile(startMs, 50),
    p99StartMs: percentile(startMs, 99),
    p50EndToEndMs: percentile(endToEnd, 50),
    p99EndToEndMs: percentile(endToEnd, 99),
  };
}
