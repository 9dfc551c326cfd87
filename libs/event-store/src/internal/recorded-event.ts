import type { RecordedEvent } from '../event-store';

/** A stored event's fields, with `data` and `metadata` still as their stored JSON texts. */
export interface StoredEventFields {
  readonly streamId: string;
  readonly revision: number;
  readonly position: number;
  readonly type: string;
  readonly dataJson: string;
  readonly metadataJson: string;
  readonly recordedAt: string;
  readonly hash: string;
  readonly previousHash: string;
}

/**
 * A frozen RecordedEvent whose `data` and `metadata` are parsed on first read, then kept.
 * Most readers of the global feed look at `type` and `streamId` only (the read models skip
 * every state-level event of an execution), so they never pay for the parse.
 */
export function recordedEvent(fields: StoredEventFields): RecordedEvent {
  const { dataJson, metadataJson } = fields;
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
        data = JSON.parse(dataJson) as unknown;
        dataParsed = true;
      }
      return data;
    },
    get metadata(): Record<string, unknown> {
      return (metadata ??= JSON.parse(metadataJson) as Record<string, unknown>);
    },
    recordedAt: fields.recordedAt,
    hash: fields.hash,
    previousHash: fields.previousHash,
  });
}
