import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { executionStreamId } from '@stepstone/engine';
import { openServerStore, rawCall, startServer, type RunningServer } from '../support/server';

/**
 * Issue 18: an ItemReader's object is read and stored batch by batch. A process killed (-9) in
 * the middle of the read leaves the batches it stored; the next process goes on from there, and
 * the Map Run gets every item of the object once, in order.
 */
const ROLE = 'arn:aws:iam::123456789012:role/item-reader';
const COUNT = 30_000;
const PAD = 'x'.repeat(400);

const DEFINITION = JSON.stringify({
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      MaxConcurrency: 1,
      ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSONL' }, Parameters: { Bucket: 'items', Key: 'items.jsonl' } },
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } },
      ResultPath: null,
      End: true,
    },
  },
});

async function call(server: RunningServer, action: string, body: unknown): Promise<any> {
  const answer = await rawCall(server.endpoint, `AWSStepFunctions.${action}`, JSON.stringify(body));
  if (answer.status !== 200) throw new Error(`${action}: ${answer.status} ${JSON.stringify(answer.json)}`);
  return answer.json;
}

/** What the execution's stream holds of the read: the items stored so far, and whether the Map Run started. */
async function readSoFar(server: RunningServer, executionArn: string): Promise<{ items: Array<{ index: number; pad: string }>; batches: number; mapRunStarted: boolean }> {
  const store = await openServerStore(server);
  try {
    const events = await store.readStream(executionStreamId(executionArn));
    const data = events.map((event) => event.data as { type: string; x?: { items?: string } });
    const recorded = data.filter((event) => event.type === 'MapItemsRecorded');
    return {
      items: recorded.flatMap((event) => JSON.parse(event.x?.items ?? '[]') as Array<{ index: number; pad: string }>),
      batches: recorded.length,
      mapRunStarted: data.some((event) => event.type === 'MapRunStarted'),
    };
  } finally {
    await store.close();
  }
}

describe('ItemReader after a crash in the middle of the read', () => {
  let server: RunningServer;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'stepstone-item-reader-'));
  const objects = mkdtempSync(path.join(tmpdir(), 'stepstone-item-reader-objects-'));

  before(async () => {
    mkdirSync(path.join(objects, 'items'));
    writeFileSync(path.join(objects, 'items', 'items.jsonl'), Array.from({ length: COUNT }, (_, index) => JSON.stringify({ index, pad: PAD })).join('\n'));
    server = await startServer({ dataDir, env: { STEPSTONE_OBJECT_STORE_DIR: objects }, startTimeoutMs: 60_000 });
  });

  after(async () => {
    await server?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(objects, { recursive: true, force: true });
  });

  it('goes on from the last batch stored, with every item once', { timeout: 180_000 }, async () => {
    const stateMachineArn = (await call(server, 'CreateStateMachine', { name: 'reader', definition: DEFINITION, roleArn: ROLE })).stateMachineArn as string;
    const executionArn = (await call(server, 'StartExecution', { stateMachineArn, name: 'read-1' })).executionArn as string;

    // Killed once a few batches are stored and the read is not over.
    let before = await readSoFar(server, executionArn);
    const deadline = Date.now() + 60_000;
    while (before.batches < 3 && !before.mapRunStarted && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      before = await readSoFar(server, executionArn);
    }
    await server.kill('SIGKILL');
    before = await readSoFar(server, executionArn);
    assert.ok(before.batches >= 3, `${before.batches} batches stored before the kill`);
    assert.ok(!before.mapRunStarted, 'the kill came in the middle of the read');
    assert.ok(before.items.length < COUNT);

    await server.restart();
    let mapRuns: Array<{ mapRunArn: string }> = [];
    while (mapRuns.length === 0 && Date.now() < deadline + 60_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      mapRuns = (await call(server, 'ListMapRuns', { executionArn })).mapRuns;
    }
    assert.equal(mapRuns.length, 1, 'the Map Run started after the restart');
    const mapRun = await call(server, 'DescribeMapRun', { mapRunArn: mapRuns[0]!.mapRunArn });
    assert.equal(mapRun.itemCounts.total, COUNT);
    await call(server, 'StopExecution', { executionArn });

    const stored = await readSoFar(server, executionArn);
    assert.ok(stored.batches > before.batches);
    assert.equal(stored.items.length, COUNT, 'no item stored twice, none skipped');
    assert.ok(stored.items.every((item, index) => item.index === index && item.pad === PAD), 'every item in its place');
    assert.deepEqual(stored.items.slice(0, before.items.length), before.items, 'the batches stored before the kill were kept');
  });
});
