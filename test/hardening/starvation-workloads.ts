import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { rawCall } from '../support/server';

/**
 * The two workloads of issue 18's starvation finding, shared by the hardening test and the
 * measurement script (bench/starvation.ts): eight Choice loops that run into the 25,000-event
 * history quota, and a Distributed Map over 100,000 items read from the object store. Meanwhile
 * an unrelated execution's DescribeExecution is sampled.
 */
export const ROLE = 'arn:aws:iam::123456789012:role/starvation';

/** Loops Pass → Choice for ever: the history quota (25,000 events) ends it with States.Runtime. */
export const CHOICE_LOOP = JSON.stringify({
  StartAt: 'Count',
  States: {
    Count: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)' }, Next: 'Again' },
    Again: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericLessThan: -1, Next: 'Done' }], Default: 'Count' },
    Done: { Type: 'Succeed' },
  },
});

export const DISTRIBUTED_MAP = JSON.stringify({
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: 'items', Key: 'items.json' } },
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } },
      ResultPath: null,
      End: true,
    },
  },
});

/** Writes the Distributed Map's items into `objectsDir` (the server's STEPSTONE_OBJECT_STORE_DIR). */
export function writeItems(objectsDir: string, count: number): void {
  mkdirSync(path.join(objectsDir, 'items'), { recursive: true });
  writeFileSync(path.join(objectsDir, 'items', 'items.json'), JSON.stringify(Array.from({ length: count }, (_, index) => ({ index }))));
}

export async function call(endpoint: string, action: string, body: unknown): Promise<any> {
  const answer = await rawCall(endpoint, `AWSStepFunctions.${action}`, JSON.stringify(body));
  if (answer.status !== 200) throw new Error(`${action}: ${answer.status} ${JSON.stringify(answer.json)}`);
  return answer.json;
}

export interface LatencySample {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** Samples DescribeExecution of `executionArn` back to back (one at a time) until `stop` resolves. */
export async function sampleDescribe(endpoint: string, executionArn: string, stop: Promise<unknown>): Promise<LatencySample> {
  const latencies: number[] = [];
  let stopped = false;
  void stop.finally(() => (stopped = true));
  while (!stopped) {
    const began = performance.now();
    await call(endpoint, 'DescribeExecution', { executionArn });
    latencies.push(performance.now() - began);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { count: latencies.length, p50: at(0.5), p99: at(0.99), max: latencies[latencies.length - 1] ?? 0 };
}

/** Polls until every execution has left RUNNING; resolves with their final statuses. */
export async function waitForAll(endpoint: string, executionArns: readonly string[], timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const statuses = await Promise.all(executionArns.map(async (executionArn) => (await call(endpoint, 'DescribeExecution', { executionArn })).status as string));
    if (statuses.every((status) => status !== 'RUNNING') || Date.now() > deadline) return statuses;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
