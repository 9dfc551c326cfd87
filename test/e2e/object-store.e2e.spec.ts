import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateStateMachineCommand, DescribeExecutionCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { sfnClient, startServer, type RunningServer } from '../support/server';

/**
 * A Distributed Map reading its items from, and writing its results to, the local object store
 * (STEPSTONE_OBJECT_STORE_DIR: one subfolder per bucket) of the real server.
 */
const LISTED = 2_300;

describe('Distributed Map over the local object store', () => {
  let server: RunningServer;
  let client: SFNClient;
  let objects: string;

  before(async () => {
    objects = mkdtempSync(path.join(tmpdir(), 'stepstone-objects-'));
    mkdirSync(path.join(objects, 'inbox', 'batch'), { recursive: true });
    mkdirSync(path.join(objects, 'outbox'));
    writeFileSync(path.join(objects, 'inbox', 'batch', 'rows.csv'), 'name,qty\nbolt,3\nnut,5\n');
    // A listing longer than one S3 page (1,000 keys), under a prefix, beside keys outside it.
    mkdirSync(path.join(objects, 'inbox', 'logs', 'deep'), { recursive: true });
    for (let n = 0; n < LISTED; n++) writeFileSync(path.join(objects, 'inbox', 'logs', n % 10 === 0 ? 'deep' : '', `${String(n).padStart(5, '0')}.log`), String(n));
    server = await startServer({ env: { STEPSTONE_OBJECT_STORE_DIR: objects } });
    client = sfnClient(server.endpoint);
  });

  after(async () => {
    client?.destroy();
    await server?.dispose();
    if (objects) rmSync(objects, { recursive: true, force: true });
  });

  async function run(definition: unknown, input: unknown): Promise<{ status?: string; output?: string; error?: string; cause?: string }> {
    const name = `m${Math.random().toString(36).slice(2, 10)}`;
    const { stateMachineArn } = await client.send(
      new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: 'arn:aws:iam::123456789012:role/x' }),
    );
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }));
    for (let i = 0; i < 1_200; i++) {
      const described = await client.send(new DescribeExecutionCommand({ executionArn }));
      if (described.status !== 'RUNNING') return described;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('execution did not finish');
  }

  const mapWith = (extra: Record<string, unknown>) => ({
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' }, Parameters: { 'Bucket.$': '$.bucket', Key: 'batch/rows.csv' } },
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } },
        End: true,
        ...extra,
      },
    },
  });

  it('reads CSV rows from a bucket folder and writes the results and manifest to another', async () => {
    const described = await run(mapWith({ ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'outbox', Prefix: 'runs' } } }), { bucket: 'inbox' });
    assert.equal(described.status, 'SUCCEEDED', `${described.error}: ${described.cause}`);
    const output = JSON.parse(described.output!);
    assert.equal(output.ResultWriterDetails.Bucket, 'outbox');
    const manifest = JSON.parse(readFileSync(path.join(objects, 'outbox', output.ResultWriterDetails.Key), 'utf8'));
    assert.equal(manifest.MapRunArn, output.MapRunArn);
    const succeeded = JSON.parse(readFileSync(path.join(objects, 'outbox', manifest.ResultFiles.SUCCEEDED[0].Key), 'utf8'));
    assert.deepEqual(succeeded.map((child: { Output: string }) => JSON.parse(child.Output)), [{ name: 'bolt', qty: '3' }, { name: 'nut', qty: '5' }]);
  });

  it('reads an s3:listObjectsV2 listing of more than one page: every key once, in key order, MaxItems honoured', async () => {
    const listing = (readerConfig: Record<string, unknown>) => ({
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemReader: { Resource: 'arn:aws:states:::s3:listObjectsV2', ReaderConfig: readerConfig, Parameters: { Bucket: 'inbox', Prefix: 'logs/' } },
          ItemSelector: { 'key.$': '$$.Map.Item.Value.Key', 'size.$': '$$.Map.Item.Value.Size' },
          ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } },
          End: true,
        },
      },
    });
    const expected = Array.from({ length: LISTED }, (_, n) => ({ key: `logs/${n % 10 === 0 ? 'deep/' : ''}${String(n).padStart(5, '0')}.log`, size: String(n).length }))
      .sort((a, b) => (a.key < b.key ? -1 : 1));
    const all = await run(listing({}), {});
    assert.equal(all.status, 'SUCCEEDED', `${all.error}: ${all.cause}`);
    assert.deepEqual(JSON.parse(all.output!), expected);
    const some = await run(listing({ MaxItems: 1_500 }), {});
    assert.deepEqual(JSON.parse(some.output!), expected.slice(0, 1_500));
  });

  it('fails with States.ItemReaderFailed when the bucket does not exist', async () => {
    const described = await run(mapWith({}), { bucket: 'missing' });
    assert.equal(described.status, 'FAILED');
    assert.equal(described.error, 'States.ItemReaderFailed');
    assert.match(described.cause ?? '', /bucket does not exist/);
  });
});
