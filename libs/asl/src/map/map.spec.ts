import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatesError } from '../errors/states-error';
import { batchItems, batchLimit } from './item-batcher';
import { itemsFromListing, itemsFromObject, javaHashMapOrder, readerSettings, toItemSource } from './item-reader';
import { planResultWrite, shapeResults, writerSettings } from './result-writer';

function failsWith(run: () => unknown, error: string, cause: string): void {
  assert.throws(run, (thrown: unknown) => thrown instanceof StatesError && thrown.error === error && thrown.cause === cause);
}

describe('ItemReader', () => {
  it('reads CSV rows under given headers: short rows padded with "", extra fields dropped', () => {
    const settings = readerSettings({ InputType: 'CSV', CSVHeaderLocation: 'GIVEN', CSVHeaders: ['H1', 'H2'] }, undefined);
    assert.deepEqual(itemsFromObject('a,b,c\nd\n', settings), [{ H1: 'a', H2: 'b' }, { H1: 'd', H2: '' }]);
  });

  it('reads the first CSV row as headers, with quoted fields and another delimiter', () => {
    const settings = readerSettings({ InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW', CSVDelimiter: 'SEMICOLON' }, undefined);
    assert.deepEqual(itemsFromObject('name;note\n"Ada";"says ""hi""; twice"\r\n', settings), [{ name: 'Ada', note: 'says "hi"; twice' }]);
  });

  it('rejects duplicate CSV headers with AWS cause', () => {
    const settings = readerSettings({ InputType: 'CSV', CSVHeaderLocation: 'GIVEN', CSVHeaders: ['H1', 'H1'] }, undefined);
    failsWith(() => itemsFromObject('a,b\n', settings), 'States.ItemReaderFailed', 'CSV headers cannot contain duplicates.');
  });

  it('orders CSV columns as AWS (Java HashMap) does', () => {
    assert.deepEqual(javaHashMapOrder(['0', 'True', '{}'], (key) => key), ['0', '{}', 'True']);
    assert.deepEqual(javaHashMapOrder(['H1', ''], (key) => key), ['', 'H1']);
  });

  it('reads JSON arrays and JSON Lines; a JSON object is not iterable', () => {
    assert.deepEqual(itemsFromObject('[1,{"a":2}]', readerSettings({ InputType: 'JSON' }, undefined)), [1, { a: 2 }]);
    assert.deepEqual(itemsFromObject('{"a":1}\n\n{"a":2}\n', readerSettings({ InputType: 'JSONL' }, undefined)), [{ a: 1 }, { a: 2 }]);
    failsWith(() => itemsFromObject('{"Hello": "world"}', readerSettings({ InputType: 'JSON' }, undefined)), 'States.ItemReaderFailed', 'Attempting to map over non-iterable node.');
  });

  it('limits items by MaxItems (0: all; a numeric string counts; negative fails)', () => {
    assert.deepEqual(itemsFromObject('[1,2,3]', readerSettings({}, 2)), [1, 2]);
    assert.deepEqual(itemsFromObject('[1,2,3]', readerSettings({}, '2')), [1, 2]);
    assert.deepEqual(itemsFromObject('[1,2,3]', readerSettings({}, 0)), [1, 2, 3]);
    failsWith(() => readerSettings({}, -1), 'States.ItemReaderFailed', 'field MaxItems must be positive');
  });

  it('lists objects as AWS items and knows the two S3 actions', () => {
    const listed = itemsFromListing([{ key: 'a.txt', size: 3, etag: '"x"', lastModified: '2024-01-01T00:00:10.000Z' }], 0);
    assert.deepEqual(listed, [{ Etag: '"x"', Key: 'a.txt', LastModified: 1704067210, Size: 3, StorageClass: 'STANDARD' }]);
    assert.deepEqual(toItemSource('arn:aws:states:::s3:listObjectsV2', { Bucket: 'b', Prefix: 'p/' }), { action: 'listObjectsV2', bucket: 'b', prefix: 'p/' });
    assert.deepEqual(toItemSource('arn:aws:states:::s3:getObject', { Bucket: 'b', Key: 'k' }), { action: 'getObject', bucket: 'b', key: 'k' });
  });
});

describe('ItemBatcher', () => {
  it('groups items by count, adding BatchInput to every batch', () => {
    assert.deepEqual(batchItems([1, 2, 3], { maxItemsPerBatch: 2, batchInput: { job: 'x' } }), [
      { BatchInput: { job: 'x' }, Items: [1, 2] },
      { BatchInput: { job: 'x' }, Items: [3] },
    ]);
  });

  it('closes a batch before its JSON would pass MaxInputBytesPerBatch', () => {
    // {"Items":["aaaa","bbbb"]} is 25 bytes; a third item would make it 32.
    assert.deepEqual(batchItems(['aaaa', 'bbbb', 'cccc'], { maxInputBytesPerBatch: 30 }), [{ Items: ['aaaa', 'bbbb'] }, { Items: ['cccc'] }]);
  });

  it('takes positive integers only for its limits', () => {
    assert.equal(batchLimit('MaxItemsPerBatch', '3'), 3);
    assert.throws(() => batchLimit('MaxItemsPerBatch', 0), StatesError);
  });
});

describe('ResultWriter', () => {
  const mapRunArn = 'arn:aws:states:us-east-1:123456789012:mapRun:machine/Each:run-1';
  const children = [
    { index: 0, status: 'SUCCEEDED' as const, input: 1, output: [1, 2], startDate: 's', stopDate: 'e' },
    { index: 1, status: 'FAILED' as const, input: 2, error: 'Boom', cause: 'bad', startDate: 's', stopDate: 'e' },
  ];

  it('writes one file per status and a manifest under <Prefix>/<run id>/, and returns the manifest key', () => {
    const plan = planResultWrite(children, writerSettings({ Resource: 'arn:aws:states:::s3:putObject' }), { bucket: 'out', prefix: 'jobs' }, mapRunArn);
    assert.deepEqual(plan.objects.map((object) => object.key), ['jobs/run-1/SUCCEEDED_0.json', 'jobs/run-1/FAILED_0.json', 'jobs/run-1/manifest.json']);
    assert.deepEqual(plan.result, { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket: 'out', Key: 'jobs/run-1/manifest.json' } });
    const manifest = JSON.parse(plan.objects[2].body);
    assert.equal(manifest.ResultFiles.SUCCEEDED[0].Size, Buffer.byteLength(plan.objects[0].body));
    const succeeded = JSON.parse(plan.objects[0].body);
    assert.equal(succeeded[0].Output, '[1,2]');
    assert.equal(succeeded[0].Status, 'SUCCEEDED');
    assert.equal(JSON.parse(plan.objects[1].body)[0].Error, 'Boom');
  });

  it('shapes results by Transformation (failed children always in full)', () => {
    const flatten = shapeResults(children, { transformation: 'FLATTEN', outputType: 'JSON' }, mapRunArn);
    assert.deepEqual(flatten.slice(0, 2), [1, 2]);
    assert.equal((flatten[2] as { Status: string }).Status, 'FAILED');
    assert.deepEqual(shapeResults(children.slice(0, 1), writerSettings({ WriterConfig: {} }), mapRunArn), [[1, 2]]);
  });

  it('writes JSON Lines when OutputType is JSONL', () => {
    const plan = planResultWrite(children.slice(0, 1), writerSettings({ Resource: 'x', WriterConfig: { OutputType: 'JSONL', Transformation: 'COMPACT' } }), { bucket: 'out', prefix: '' }, mapRunArn);
    assert.deepEqual(plan.objects.map((object) => object.key), ['run-1/SUCCEEDED_0.jsonl', 'run-1/manifest.json']);
    assert.equal(plan.objects[0].body, '[1,2]\n');
  });
});
