import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { StatesError } from '../errors/states-error';
import { itemsFromObject, readerSettings, type ReaderSettings } from './item-reader';
import { createItemScanner, NON_ARRAY_PARSE_LIMIT, type ScanStart } from './item-scanner';

const encoder = new TextEncoder();

type Outcome = { readonly items: unknown[] } | { readonly error: string; readonly cause: string };

function outcomeOf(run: () => unknown[]): Outcome {
  try {
    return { items: run() };
  } catch (error) {
    if (!(error instanceof StatesError)) throw error;
    return { error: error.error, cause: error.cause ?? '' };
  }
}

/** The object's bytes through a scanner, `chunk` bytes at a time, from `start`. */
function scanAll(bytes: Uint8Array, settings: ReaderSettings, chunk: number, start: ScanStart = { offset: 0 }): { items: unknown[]; ends: number[]; headers?: readonly string[] } {
  const scanner = createItemScanner(settings, start);
  const items: unknown[] = [];
  const ends: number[] = [];
  for (let at = start.offset; at < bytes.length; at += chunk) {
    for (const item of scanner.push(bytes.subarray(at, Math.min(at + chunk, bytes.length)))) {
      items.push(item.value);
      ends.push(item.end);
    }
  }
  for (const item of scanner.end()) {
    items.push(item.value);
    ends.push(item.end);
  }
  return { items, ends, headers: scanner.headers };
}

/** Scanning in chunks gives what reading the whole text gives, items or failure. */
function assertSameAsWhole(body: string, settings: ReaderSettings): void {
  const whole = outcomeOf(() => itemsFromObject(body, settings));
  const bytes = encoder.encode(body);
  for (const chunk of [1, 2, 3, 5, 64, Math.max(1, bytes.length)]) {
    assert.deepEqual(outcomeOf(() => scanAll(bytes, settings, chunk).items), whole, `${JSON.stringify(body)} in chunks of ${chunk}`);
  }
}

/** Stopping after any item and starting a new scanner at its end gives the same items, none twice. */
function assertResumable(body: string, settings: ReaderSettings): void {
  const bytes = encoder.encode(body);
  const first = scanAll(bytes, settings, 7);
  for (let cut = 0; cut < first.items.length; cut++) {
    const rest = scanAll(bytes, settings, 5, { offset: first.ends[cut]!, headers: first.headers });
    assert.deepEqual([...first.items.slice(0, cut + 1), ...rest.items], first.items, `${JSON.stringify(body)} resumed after item ${cut}`);
  }
}

const JSON_SETTINGS = readerSettings({ InputType: 'JSON' }, undefined);
const JSONL_SETTINGS = readerSettings({ InputType: 'JSONL' }, undefined);
const CSV_FIRST_ROW = readerSettings({ InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' }, undefined);
const CSV_GIVEN = readerSettings({ InputType: 'CSV', CSVHeaderLocation: 'GIVEN', CSVHeaders: ['H1', 'H2'], CSVDelimiter: 'SEMICOLON' }, undefined);

describe('ItemReader, read incrementally (item scanner)', () => {
  it('reads JSON arrays item by item as JSON.parse of the whole would, failures included', () => {
    const bodies = [
      '[]', ' [ ] ', '[1,{"a":[1,2,{"b":"]}"}]},"x\\"y",true,null,-1.5e3,[]]', '[ "é😀", "\\u00e9" ]\n',
      '{"Hello": "world"}', '"text"', '', '  ', '[1,]', '[1 2]', '[1', '[1,2]x', '[{"a":1]', '[tru]', '\uFEFF[1]', '[1][2]', '[,1]', '[[1],[2',
    ];
    for (const body of bodies) assertSameAsWhole(body, JSON_SETTINGS);
  });

  it('reads JSON Lines and CSV as the whole-text reader does', () => {
    for (const body of ['{"a":1}\n\n{"a":2}\n', '1\r\n2', ' \n', '{"a":1}\n{bad\n', '"é"\n"😀"']) assertSameAsWhole(body, JSONL_SETTINGS);
    const csv = ['h1,h2\na,b\n', 'h1,h2\r\n"a,\n""b""",c\r\n\rd', '', 'h,h\n1,2\n', 'x,y', 'a,b\n""x,"y"z\n"q', 'a\n\n\nb', 'é,ü\n"😀",2\r'];
    for (const body of csv) {
      assertSameAsWhole(body, CSV_FIRST_ROW);
      assertSameAsWhole(body.replaceAll(',', ';'), CSV_GIVEN);
    }
  });

  it('matches the whole-text reader on generated objects, in any chunking (fast-check)', () => {
    const value = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(fc.array(value, { maxLength: 8 }), fc.integer({ min: 1, max: 9 }), (items, chunk) => {
        const body = JSON.stringify(items, null, chunk % 3 === 0 ? 2 : undefined);
        assert.deepEqual(scanAll(encoder.encode(body), JSON_SETTINGS, chunk).items, itemsFromObject(body, JSON_SETTINGS));
        const lines = items.map((item) => JSON.stringify(item)).join(chunk % 2 === 0 ? '\r\n' : '\n');
        assert.deepEqual(scanAll(encoder.encode(lines), JSONL_SETTINGS, chunk).items, itemsFromObject(lines, JSONL_SETTINGS));
      }),
      { seed: 18, numRuns: 200 },
    );
    const csvText = fc.array(fc.constantFrom('a', 'b', ',', '"', '\n', '\r', 'é', ' '), { maxLength: 40 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(csvText, fc.integer({ min: 1, max: 6 }), (body, chunk) => {
        assert.deepEqual(outcomeOf(() => scanAll(encoder.encode(body), CSV_FIRST_ROW, chunk).items), outcomeOf(() => itemsFromObject(body, CSV_FIRST_ROW)));
      }),
      { seed: 18, numRuns: 300 },
    );
  });

  it('resumes after any item from its end offset, without repeating or skipping one', () => {
    assertResumable('[1, {"a":"]"} ,"x",[2,[3]] , null]', JSON_SETTINGS);
    assertResumable('{"a":1}\n\n{"a":2}\r\n3\n', JSONL_SETTINGS);
    assertResumable('h1,h2\n"a\nb",c\r\nd,e\r\n\nf', CSV_FIRST_ROW);
  });

  it('holds only the item being read and one chunk, not the object', () => {
    const body = encoder.encode(JSON.stringify(Array.from({ length: 5_000 }, (_, n) => ({ n, pad: 'x'.repeat(50) }))));
    const scanner = createItemScanner(JSON_SETTINGS);
    let peak = 0;
    let count = 0;
    for (let at = 0; at < body.length; at += 4096) {
      count += scanner.push(body.subarray(at, at + 4096)).length;
      peak = Math.max(peak, scanner.bufferedBytes);
    }
    count += scanner.end().length;
    assert.equal(count, 5_000);
    assert.ok(body.length > 300_000);
    assert.ok(peak <= 4096 + 100, `peak buffer ${peak} bytes`);
  });

  it('fails a top-level value that is not an array without holding more than the limit of it', () => {
    const scanner = createItemScanner(JSON_SETTINGS);
    const chunk = encoder.encode(`{"a":"${'x'.repeat(64 * 1024)}`);
    assert.throws(
      () => {
        for (let n = 0; n < NON_ARRAY_PARSE_LIMIT / chunk.length + 2; n++) scanner.push(chunk);
      },
      (error: unknown) => error instanceof StatesError && error.error === 'States.ItemReaderFailed' && error.cause === 'Attempting to map over non-iterable node.',
    );
  });
});
