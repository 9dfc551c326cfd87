import type { RecordedEvent } from '../event-store';
import { recordedEvent } from '../internal/recorded-event';

/**
 * What every commit announces in its NOTIFY, beyond its positions (migrations 4 and 5; the payload's
 * format is described at APPENDED_CHANNEL): the last event of each stream it wrote, and every
 * event of `types` and of `payloadTypes`, those with their data. Each payload says what it
 * announced; a reader uses only those that announced what its own store does (processes of one
 * build on one database), and a subscriber asking for more reads the feed instead.
 */
export interface Announcements {
  readonly types: readonly string[];
  readonly payloadTypes: readonly string[];
}

/** How a payload names what it announces (its `a`), compared with what a reader needs. */
export function announcementsKey(announcements: Announcements): string {
  return `${announcements.types.join(' ')}|${announcements.payloadTypes.join(' ')}`;
}

/**
 * A commit as its NOTIFY told it: positions `first`..`last`, and the events announced (none when
 * they did not fit), with `key` naming what was announced.
 */
export interface AnnouncedCommit {
  readonly first: number;
  readonly last: number;
  readonly key?: string;
  readonly events?: readonly RecordedEvent[];
}

type AnnouncedRow = [position: number, streamId: string, revision: number, type: string, data: string | null];

/**
 * Reads a NOTIFY payload of the appended channel: migration 5's JSON (events numbered within the
 * commit, `d`), migration 4's (absolute positions, `e`: a process of the previous build), or the
 * head position alone (migration 3's function). Undefined for anything else.
 */
export function parseAnnouncement(payload: string): AnnouncedCommit | { readonly head: number } | undefined {
  if (/^\d+$/.test(payload)) return { head: Number(payload) };
  let parsed: { f?: unknown; l?: unknown; t?: unknown; a?: unknown; e?: unknown; d?: unknown };
  try {
    parsed = JSON.parse(payload) as typeof parsed;
  } catch {
    return undefined;
  }
  const { f: first, l: last } = parsed;
  if (typeof first !== 'number' || typeof last !== 'number' || !Number.isSafeInteger(first) || !Number.isSafeInteger(last) || first > last) return undefined;
  const numbered = Array.isArray(parsed.d);
  const rows = numbered ? parsed.d : parsed.e;
  if (!Array.isArray(rows) || typeof parsed.a !== 'string') return { first, last };
  const recordedAt = typeof parsed.t === 'string' ? parsed.t : '';
  const offset = numbered ? first - 1 : 0;
  const events = (rows as AnnouncedRow[]).map(([position, streamId, revision, type, data]) =>
    recordedEvent({ streamId, revision, position: position + offset, type, dataJson: data ?? 'null', metadataJson: 'null', recordedAt, hash: '', previousHash: '' }),
  );
  // The commit's last event is the last of its stream, so always announced: a payload without it is not one of ours.
  if (events.length === 0 || events[events.length - 1].position !== last) return { first, last };
  return { first, last, key: parsed.a, events };
}

/** What the client gives the append function to announce (migration 5): one event of a commit, numbered from 1 within it. */
export interface AnnouncementCandidate {
  readonly streamId: string;
  readonly revision: number;
  readonly type: string;
  readonly dataJson: string;
  /** The last event the commit writes to its stream. */
  readonly last: boolean;
}

/**
 * Makes the announcement of a commit as migration 5's function wants it: the payload's members
 * after the positions (`"t":…,"a":…,"d":[…]`), or null when it could not fit in a NOTIFY anyway.
 * The function adds the positions, and sends it only when every append of the commit was written.
 */
export function createAnnouncer(announcements: Announcements, limit: number): (recordedAt: string, events: Iterable<AnnouncementCandidate>) => string | null {
  const key = JSON.stringify(announcementsKey(announcements));
  const types = new Set(announcements.types);
  const payloadTypes = new Set(announcements.payloadTypes);
  return (recordedAt, events) => {
    const rows: AnnouncedRow[] = [];
    let number = 0;
    for (const event of events) {
      number += 1;
      const withData = payloadTypes.has(event.type);
      if (event.last || withData || types.has(event.type)) rows.push([number, event.streamId, event.revision, event.type, withData ? event.dataJson : null]);
    }
    const members = `"t":${JSON.stringify(recordedAt)},"a":${key},"d":${JSON.stringify(rows)}`;
    // Characters, not bytes: the function measures the payload exactly; this only spares it a hopeless one.
    return members.length < limit ? members : null;
  };
}

/**
 * The last commits announced, by first position, so a subscriber at the end of one finds the
 * next. Bounded: the oldest are dropped (a subscriber that far behind reads the feed).
 */
export class AnnouncedCommits {
  private readonly byFirst = new Map<number, AnnouncedCommit>();

  /** `key`: what this process announces; a commit that announced something else (another build, a tool) is not kept. */
  constructor(
    private readonly capacity: number,
    private readonly key: string,
  ) {}

  keep(commit: AnnouncedCommit): void {
    if (commit.events === undefined || commit.key !== this.key) return;
    this.byFirst.set(commit.first, commit);
    // A Map iterates in insertion order: the first key is the oldest.
    if (this.byFirst.size > this.capacity) this.byFirst.delete(this.byFirst.keys().next().value!);
  }

  /** The announced events of the commit that starts right after `position`, if it was announced. */
  after(position: number): AnnouncedCommit | undefined {
    return this.byFirst.get(position + 1);
  }
}

/**
 * Thins a contiguous run of the feed as SubscribeOptions.latestPerStream allows: each stream's
 * last event, and every event of `kept` types. The run's last event is always kept, so a
 * subscriber's cursor still moves to the run's end.
 */
export function latestPerStream(events: readonly RecordedEvent[], kept: ReadonlySet<string>): RecordedEvent[] {
  const lastOf = new Map<string, number>();
  for (let index = 0; index < events.length; index += 1) lastOf.set(events[index].streamId, index);
  return events.filter((event, index) => kept.has(event.type) || lastOf.get(event.streamId) === index);
}
