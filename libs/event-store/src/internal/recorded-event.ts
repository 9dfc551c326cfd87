import type { RecordedEvent } from '../event-store';

/** A payload the in-memory store kept as given (deeply frozen), not as JSON text. */
export interface GivenPayload {
  readonly given: unknown;
}

/** A stored event's fields, with `data` and `metadata` still as their stored JSON texts (or kept as given). */
export interface StoredEventFields {
  readonly streamId: string;
  readonly revision: number;
  readonly position: number;
  readonly type: string;
  readonly dataJson: string | GivenPayload;
  readonly metadataJson: string | GivenPayload;
  readonly recordedAt: string;
  /** The hash, or how to compute it on first read (the in-memory store chains lazily). */
  readonly hash: string | (() => string);
  readonly previousHash: string | (() => string);
}

/**
 * A frozen RecordedEvent whose `data` and `metadata` are parsed on first read, then kept.
 * Most readers of the global feed look at `type` and `streamId` only (the read models skip
 * every state-level event of an execution), so they never pay for the parse.
 */
export function recordedEvent(fields: StoredEventFields): RecordedEvent {
  const { dataJson, metadataJson, hash, previousHash } = fields;
  let data: unknown;
  let metadata: Record<string, unknown> | undefined;
  let dataParsed = false;
  return Object.freeze({
    streamId: fields.streamId,
    revision: fields.revision,
    position: fields.position,
    type: fields.type,
    get data(): unknown {
      if (!dataParsed) {
        data = typeof dataJson === 'string' ? (JSON.parse(dataJson) as unknown) : dataJson.given;
        dataParsed = true;
      }
      return data;
    },
    get metadata(): Record<string, unknown> {
      return (metadata ??= (typeof metadataJson === 'string' ? JSON.parse(metadataJson) : metadataJson.given) as Record<string, unknown>);
    },
    recordedAt: fields.recordedAt,
    get hash(): string {
      return typeof hash === 'function' ? hash() : hash;
    },
    get previousHash(): string {
      return typeof previousHash === 'function' ? previousHash() : previousHash;
    },
  });
}
