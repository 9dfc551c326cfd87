import { IntegrationPattern, parseTaskResource } from '../arn/arn';
import { StatesError } from '../errors/states-error';

/**
 * ItemReader (Distributed Map): turns what the object store returned into the Map's items,
 * as AWS's "ItemReader (Map)" page describes. Pure: the engine reads the object through its
 * object-store port and hands the text (or the listing) here.
 */

/** The object-store call a reader makes, with its evaluated Parameters/Arguments. */
export type ItemSource =
  | { readonly action: 'getObject'; readonly bucket: string; readonly key: string; readonly versionId?: string }
  | { readonly action: 'listObjectsV2'; readonly bucket: string; readonly prefix?: string };

/** One object of a listing, as the object-store port reports it. */
export interface ObjectSummary {
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  /** ISO 8601. */
  readonly lastModified: string;
}

export interface ReaderSettings {
  readonly inputType: 'JSON' | 'JSONL' | 'CSV' | 'MANIFEST';
  readonly csvHeaderLocation: 'FIRST_ROW' | 'GIVEN';
  readonly csvHeaders?: readonly string[];
  readonly csvDelimiter: string;
  /** 0: no limit. */
  readonly maxItems: number;
}

/** AWS's ceiling on MaxItems; larger values read everything up to it. */
export const MAX_ITEMS_LIMIT = 100_000_000;

/** ReaderConfig's CSVDelimiter values, as the ItemReader page lists them ("COMMA (default), PIPE, SEMICOLON, SPACE, TAB"). */
const DELIMITERS: Readonly<Record<string, string>> = { COMMA: ',', PIPE: '|', SEMICOLON: ';', SPACE: ' ', TAB: '\t' };
export const CSV_DELIMITER_NAMES: readonly string[] = Object.keys(DELIMITERS);

function readerFailed(cause: string): StatesError {
  return new StatesError('States.ItemReaderFailed', cause);
}

/** The ItemReader's Resource, by its API action (`arn:aws:states:::s3:getObject` …). */
export function itemSourceAction(resource: string): ItemSource['action'] | undefined {
  const parsed = parseTaskResource(resource);
  if (parsed.kind !== 'integration' || parsed.service !== 's3' || parsed.pattern !== IntegrationPattern.RequestResponse) return undefined;
  return parsed.action === 'getObject' || parsed.action === 'listObjectsV2' ? parsed.action : undefined;
}

/** The evaluated Parameters/Arguments of an ItemReader as the call to make. */
export function toItemSource(resource: string, parameters: unknown): ItemSource {
  const action = itemSourceAction(resource);
  const fields = (parameters ?? {}) as Record<string, unknown>;
  if (!action) throw readerFailed(`Unsupported ItemReader resource: ${resource}`);
  if (typeof fields.Bucket !== 'string') throw readerFailed('The ItemReader parameters must name a Bucket.');
  if (action === 'listObjectsV2') {
    return { action, bucket: fields.Bucket, ...(typeof fields.Prefix === 'string' ? { prefix: fields.Prefix } : {}) };
  }
  if (typeof fields.Key !== 'string') throw readerFailed('The ItemReader parameters must name a Key.');
  return { action, bucket: fields.Bucket, key: fields.Key, ...(typeof fields.VersionId === 'string' ? { versionId: fields.VersionId } : {}) };
}

/**
 * ReaderConfig with MaxItems already resolved (a number, from MaxItems, MaxItemsPath or a
 * JSONata expression). A negative MaxItems is AWS's "field MaxItems must be positive"; 0 reads
 * everything; values past the ceiling read up to it.
 */
export function readerSettings(readerConfig: Readonly<Record<string, unknown>> | undefined, maxItems: unknown): ReaderSettings {
  const config = readerConfig ?? {};
  let limit = 0;
  if (maxItems !== undefined && maxItems !== null) {
    const number = typeof maxItems === 'number' ? maxItems : typeof maxItems === 'string' && maxItems.trim() !== '' ? Number(maxItems) : Number.NaN;
    if (!Number.isInteger(number)) throw readerFailed('field MaxItems must be an integer');
    if (number < 0) throw readerFailed('field MaxItems must be positive');
    limit = Math.min(number, MAX_ITEMS_LIMIT);
  }
  const inputType = (typeof config.InputType === 'string' ? config.InputType : 'JSON') as ReaderSettings['inputType'];
  const delimiterName = typeof config.CSVDelimiter === 'string' ? config.CSVDelimiter : 'COMMA';
  return {
    inputType,
    csvHeaderLocation: config.CSVHeaderLocation === 'GIVEN' ? 'GIVEN' : 'FIRST_ROW',
    ...(Array.isArray(config.CSVHeaders) ? { csvHeaders: config.CSVHeaders.map(String) } : {}),
    csvDelimiter: DELIMITERS[delimiterName] ?? ',',
    maxItems: limit,
  };
}

/** Items of an object's text, by InputType; at most `maxItems` of them. */
export function itemsFromObject(body: string, settings: ReaderSettings): unknown[] {
  let items: unknown[];
  switch (settings.inputType) {
    case 'CSV':
      items = csvItems(body, settings);
      break;
    case 'JSONL':
      items = body
        .split(/\r?\n/)
        .filter((line) => line.trim() !== '')
        .map((line) => parseJson(line));
      break;
    case 'MANIFEST':
      throw readerFailed('S3 inventory manifests are not supported by this object store.');
    default: {
      const parsed = parseJson(body);
      if (!Array.isArray(parsed)) throw readerFailed('Attempting to map over non-iterable node.');
      items = parsed;
    }
  }
  return limit(items, settings.maxItems);
}

/** Items of an `s3:listObjectsV2` reader: one per object, in AWS's shape. */
export function itemsFromListing(objects: readonly ObjectSummary[], maxItems: number): unknown[] {
  const items = objects.map((object) => ({
    Etag: object.etag,
    Key: object.key,
    LastModified: Math.floor(Date.parse(object.lastModified) / 1000),
    Size: object.size,
    StorageClass: 'STANDARD',
  }));
  return limit(items, maxItems);
}

function limit(items: unknown[], maxItems: number): unknown[] {
  return maxItems > 0 ? items.slice(0, maxItems) : items;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw readerFailed('The item reader could not parse the object as JSON.');
  }
}

/**
 * CSV rows as objects keyed by the headers: missing trailing fields are empty strings, fields
 * past the last header are dropped, the line break after the last row ends it (AWS's corpus:
 * `Null,None,` → {"H3": ""}, `,,,` under three headers → three empty strings).
 */
function csvItems(body: string, settings: ReaderSettings): unknown[] {
  const rows = parseCsv(body, settings.csvDelimiter);
  let headers: readonly string[];
  if (settings.csvHeaderLocation === 'GIVEN') {
    if (!settings.csvHeaders) throw readerFailed('CSVHeaders must be given when CSVHeaderLocation is GIVEN.');
    headers = settings.csvHeaders;
  } else {
    const first = rows.shift();
    if (!first) return [];
    headers = first;
  }
  const columns = csvColumns(headers);
  return rows.map((fields) => csvRowItem(columns, fields));
}

/** A CSV reader's columns, in the order its items list them; duplicate headers are AWS's failure. */
export type CsvColumns = ReadonlyArray<{ readonly header: string; readonly index: number }>;

export function csvColumns(headers: readonly string[]): CsvColumns {
  if (new Set(headers).size !== headers.length) throw readerFailed('CSV headers cannot contain duplicates.');
  return javaHashMapOrder(headers.map((header, index) => ({ header, index })), (column) => column.header);
}

/** One CSV row as its item. */
export function csvRowItem(columns: CsvColumns, fields: readonly string[]): Record<string, string> {
  return Object.fromEntries(columns.map(({ header, index }) => [header, fields[index] ?? '']));
}

/**
 * AWS builds each CSV row as a Java HashMap, so its JSON lists the columns in HashMap
 * iteration order, not the file's (corpus: headers `0,True,{}` come out as `0, {}, True`,
 * `H1,` as `"", H1`). That order: by bucket, `(h ^ h >>> 16) & (capacity - 1)` of the key's
 * String.hashCode, capacity 16 doubled while more than 3/4 full; insertion order within a bucket.
 */
export function javaHashMapOrder<T>(entries: readonly T[], keyOf: (entry: T) => string): T[] {
  let capacity = 16;
  while (entries.length > capacity * 0.75) capacity *= 2;
  const bucketOf = (key: string) => {
    let hash = 0;
    for (let i = 0; i < key.length; i++) hash = (Math.imul(hash, 31) + key.charCodeAt(i)) | 0;
    return ((hash ^ (hash >>> 16)) & (capacity - 1)) >>> 0;
  };
  return entries
    .map((entry, position) => ({ entry, position, bucket: bucketOf(keyOf(entry)) }))
    .sort((a, b) => a.bucket - b.bucket || a.position - b.position)
    .map(({ entry }) => entry);
}

/** RFC 4180 fields: quoted fields may hold the delimiter, line breaks and doubled quotes. */
export function parseCsv(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (char === '"') quoted = false;
      else field += char;
      i++;
      continue;
    }
    if (char === '"' && field === '') {
      quoted = true;
    } else if (char === delimiter) {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      if (char === '\r' && text[i + 1] === '\n') i++;
    } else {
      field += char;
    }
    i++;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
