import { StatesError } from '../errors/states-error';
import { csvColumns, csvRowItem, parseCsv, type ReaderSettings } from './item-reader';

/**
 * ItemReader, read incrementally: an object's bytes go in chunk by chunk, its items come out as
 * soon as each is complete, each with the byte offset just after it. A reader that stopped there
 * (a batch full, a crash) starts a new scanner at that offset and goes on with the next item, so
 * no object is ever held whole (issue 18). The items are those of `itemsFromObject` on the same
 * bytes, errors included (item-scanner.spec.ts checks both against each other, chunk by chunk).
 *
 * It works on bytes: every byte that matters to JSON, JSON Lines and CSV framing is ASCII, and
 * no byte of a multi-byte UTF-8 character is, so a character split between chunks is only
 * decoded once its item is whole.
 */

/** One item, and where the next one starts (a byte offset in the object). */
export interface ScannedItem {
  readonly value: unknown;
  readonly end: number;
}

/** Where a read starts: 0, or the `end` of the last item recorded, with the CSV headers the first row gave. */
export interface ScanStart {
  readonly offset: number;
  readonly headers?: readonly string[];
}

export interface ItemScanner {
  /** Items completed by this chunk. Throws States.ItemReaderFailed on malformed content. */
  push(chunk: Uint8Array): ScannedItem[];
  /** The object ended: the last items, or States.ItemReaderFailed if it ended inside one. */
  end(): ScannedItem[];
  /** CSV: the headers in use (from the first row or CSVHeaders), once known. */
  readonly headers: readonly string[] | undefined;
  /** Bytes held: those of the item being read, at most one chunk more. */
  readonly bufferedBytes: number;
}

/**
 * A top-level JSON value that is not an array is read whole only to tell AWS's two failures
 * apart (not an array / not JSON); past this size it fails as not an array without more reading.
 */
export const NON_ARRAY_PARSE_LIMIT = 1024 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_SQUARE = 0x5b;
const CLOSE_SQUARE = 0x5d;
const OPEN_CURLY = 0x7b;
const CLOSE_CURLY = 0x7d;
const LF = 0x0a;
const CR = 0x0d;

function isJsonSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === LF || byte === CR;
}

function readerFailed(cause: string): StatesError {
  return new StatesError('States.ItemReaderFailed', cause);
}

const NOT_JSON = 'The item reader could not parse the object as JSON.';
const NOT_ITERABLE = 'Attempting to map over non-iterable node.';

/**
 * The bytes not yet consumed, from `base` (their offset in the object). Consumed bytes are
 * dropped when the next chunk comes, so what is held is the unfinished item plus one chunk.
 */
class ByteWindow {
  bytes = new Uint8Array(0);
  base: number;
  /** Index in `bytes` where the unconsumed part starts. */
  start = 0;
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });

  constructor(offset: number) {
    this.base = offset;
  }

  append(chunk: Uint8Array): void {
    const kept = this.bytes.length - this.start;
    const next = new Uint8Array(kept + chunk.length);
    next.set(this.bytes.subarray(this.start), 0);
    next.set(chunk, kept);
    this.base += this.start;
    this.bytes = next;
    this.start = 0;
  }

  /** Consumes up to index `to` (exclusive). */
  consume(to: number): void {
    this.start = to;
  }

  text(from: number, to: number): string {
    return this.decoder.decode(this.bytes.subarray(from, to));
  }

  /** The object offset of index `at`. */
  offset(at: number): number {
    return this.base + at;
  }

  get held(): number {
    return this.bytes.length;
  }
}

export function createItemScanner(settings: ReaderSettings, from: ScanStart = { offset: 0 }): ItemScanner {
  switch (settings.inputType) {
    case 'JSONL':
      return jsonLinesScanner(from);
    case 'CSV':
      return csvScanner(settings, from);
    case 'MANIFEST':
      throw readerFailed('S3 inventory manifests are not supported by this object store.');
    default:
      return jsonArrayScanner(from);
  }
}

function parseItem(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw readerFailed(NOT_JSON);
  }
}

/** JSON: a top-level array, item by item; each item's text is checked by JSON.parse. */
function jsonArrayScanner(from: ScanStart): ItemScanner {
  const window = new ByteWindow(from.offset);
  type Phase = 'start' | 'firstOrClose' | 'beforeItem' | 'item' | 'afterItem' | 'closed' | 'notArray';
  // A resumed read starts just after an item.
  let phase: Phase = from.offset === 0 ? 'start' : 'afterItem';
  let pos = 0;
  // Within an item: nesting depth, inside a string, after a backslash in one; a bare value (number, literal).
  let depth = 0;
  let inString = false;
  let escaped = false;
  let bare = false;
  let itemStart = 0;

  function scan(final: boolean): ScannedItem[] {
    const items: ScannedItem[] = [];
    const bytes = window.bytes;
    while (pos < bytes.length) {
      const byte = bytes[pos]!;
      switch (phase) {
        case 'start':
          if (isJsonSpace(byte)) pos++;
          else if (byte === OPEN_SQUARE) {
            phase = 'firstOrClose';
            pos++;
          } else phase = 'notArray';
          break;
        case 'firstOrClose':
        case 'beforeItem':
          if (isJsonSpace(byte)) pos++;
          else if (byte === CLOSE_SQUARE && phase === 'firstOrClose') {
            phase = 'closed';
            pos++;
          } else {
            phase = 'item';
            itemStart = pos;
            depth = 0;
            inString = false;
            escaped = false;
            bare = !(byte === OPEN_SQUARE || byte === OPEN_CURLY || byte === QUOTE);
          }
          window.consume(pos);
          break;
        case 'item': {
          let ended = false;
          if (bare) {
            if (isJsonSpace(byte) || byte === COMMA || byte === CLOSE_SQUARE) ended = true;
            else pos++;
          } else {
            if (inString) {
              if (escaped) escaped = false;
              else if (byte === BACKSLASH) escaped = true;
              else if (byte === QUOTE) inString = false;
            } else if (byte === QUOTE) inString = true;
            else if (byte === OPEN_SQUARE || byte === OPEN_CURLY) depth++;
            else if (byte === CLOSE_SQUARE || byte === CLOSE_CURLY) depth--;
            pos++;
            ended = !inString && depth <= 0;
          }
          if (ended) {
            items.push({ value: parseItem(window.text(itemStart, pos)), end: window.offset(pos) });
            window.consume(pos);
            phase = 'afterItem';
          }
          break;
        }
        case 'afterItem':
          if (isJsonSpace(byte)) pos++;
          else if (byte === COMMA) {
            phase = 'beforeItem';
            pos++;
          } else if (byte === CLOSE_SQUARE) {
            phase = 'closed';
            pos++;
          } else throw readerFailed(NOT_JSON);
          window.consume(pos);
          break;
        case 'closed':
          if (!isJsonSpace(byte)) throw readerFailed(NOT_JSON);
          pos++;
          window.consume(pos);
          break;
        case 'notArray':
          // Kept whole (up to the limit) to be parsed at the end; nothing to scan meanwhile.
          if (bytes.length - window.start > NON_ARRAY_PARSE_LIMIT) throw readerFailed(NOT_ITERABLE);
          pos = bytes.length;
          break;
      }
    }
    if (final) {
      if (phase === 'item' && bare) {
        // A bare value the object ends on: never inside an array that was closed.
        throw readerFailed(NOT_JSON);
      }
      if (phase === 'notArray') {
        parseItem(window.text(window.start, bytes.length));
        throw readerFailed(NOT_ITERABLE);
      }
      if (phase === 'start') parseItem('');
      if (phase !== 'closed') throw readerFailed(NOT_JSON);
    }
    return items;
  }

  return {
    push(chunk) {
      const consumed = window.start;
      window.append(chunk);
      pos -= consumed;
      itemStart -= consumed;
      return scan(false);
    },
    end: () => scan(true),
    headers: undefined,
    get bufferedBytes() {
      return window.held;
    },
  };
}

/** JSON Lines: one item per line; blank lines are skipped, a `\r` before the `\n` is not part of the line. */
function jsonLinesScanner(from: ScanStart): ItemScanner {
  const window = new ByteWindow(from.offset);
  let pos = 0;

  function line(from: number, to: number, next: number): ScannedItem | undefined {
    let text = window.text(from, to);
    if (text.endsWith('\r')) text = text.slice(0, -1);
    window.consume(next);
    if (text.trim() === '') return undefined;
    return { value: parseItem(text), end: window.offset(next) };
  }

  function scan(final: boolean): ScannedItem[] {
    const items: ScannedItem[] = [];
    const bytes = window.bytes;
    for (let nl = bytes.indexOf(LF, pos); nl >= 0; nl = bytes.indexOf(LF, pos)) {
      const item = line(window.start, nl, nl + 1);
      if (item) items.push(item);
      pos = nl + 1;
    }
    pos = bytes.length;
    if (final && window.start < bytes.length) {
      const item = line(window.start, bytes.length, bytes.length);
      if (item) items.push(item);
    }
    return items;
  }

  return {
    push(chunk) {
      const consumed = window.start;
      window.append(chunk);
      pos -= consumed;
      return scan(false);
    },
    end: () => scan(true),
    headers: undefined,
    get bufferedBytes() {
      return window.held;
    },
  };
}

/**
 * CSV: rows found with the same quoting rules as `parseCsv` (a quote opens a quoted field only
 * where the field is still empty; `""` inside one is a quote; `\r\n`, `\n` or `\r` end a row),
 * each row's text then parsed by it, so a row here is a row there.
 */
function csvScanner(settings: ReaderSettings, from: ScanStart): ItemScanner {
  const window = new ByteWindow(from.offset);
  const delimiter = settings.csvDelimiter.charCodeAt(0);
  let headers: readonly string[] | undefined = settings.csvHeaderLocation === 'GIVEN' ? settings.csvHeaders : from.headers;
  if (settings.csvHeaderLocation === 'GIVEN' && !headers) throw readerFailed('CSVHeaders must be given when CSVHeaderLocation is GIVEN.');
  let columns = headers ? csvColumns(headers) : undefined;
  let pos = 0;
  let quoted = false;
  let fieldEmpty = true;

  function row(to: number): ScannedItem | undefined {
    const fields = parseCsv(window.text(window.start, to), settings.csvDelimiter)[0];
    window.consume(to);
    if (!fields) return undefined;
    if (!columns) {
      headers = fields;
      columns = csvColumns(fields);
      return undefined;
    }
    return { value: csvRowItem(columns, fields), end: window.offset(to) };
  }

  function scan(final: boolean): ScannedItem[] {
    const items: ScannedItem[] = [];
    const bytes = window.bytes;
    while (pos < bytes.length) {
      const byte = bytes[pos]!;
      const lookahead = pos + 1 < bytes.length ? bytes[pos + 1] : undefined;
      if (quoted) {
        if (byte === QUOTE) {
          if (lookahead === undefined && !final) break;
          if (lookahead === QUOTE) {
            fieldEmpty = false;
            pos += 2;
            continue;
          }
          quoted = false;
        } else fieldEmpty = false;
        pos++;
        continue;
      }
      if (byte === QUOTE && fieldEmpty) quoted = true;
      else if (byte === delimiter) fieldEmpty = true;
      else if (byte === LF || byte === CR) {
        if (byte === CR && lookahead === undefined && !final) break;
        const end = byte === CR && lookahead === LF ? pos + 2 : pos + 1;
        const item = row(end);
        if (item) items.push(item);
        fieldEmpty = true;
        pos = end;
        continue;
      } else fieldEmpty = false;
      pos++;
    }
    if (final && window.start < bytes.length) {
      const item = row(bytes.length);
      if (item) items.push(item);
    }
    return items;
  }

  return {
    push(chunk) {
      const consumed = window.start;
      window.append(chunk);
      pos -= consumed;
      return scan(false);
    },
    end: () => scan(true),
    get headers() {
      return headers;
    },
    get bufferedBytes() {
      return window.held;
    },
  };
}
