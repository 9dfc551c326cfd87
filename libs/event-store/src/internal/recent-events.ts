import type { RecordedEvent } from '../event-store';

/**
 * The recent events as a ring: keeping one costs a slot write. The array this replaced was
 * sliced and regrown at every commit once full: a quarter of what the runner and the SQLite
 * store allocated per execution. Only committed events, contiguous by position.
 */
export class RecentEvents {
  private readonly slots: Array<RecordedEvent | undefined>;
  /** Slot of the oldest kept event. */
  private start = 0;
  private count = 0;
  /** Position of the oldest kept event. */
  private firstPosition = 0;

  constructor(private readonly capacity: number) {
    this.slots = new Array<RecordedEvent | undefined>(capacity).fill(undefined);
  }

  /** Keeps a commit's events (positions from `firstPosition` on), dropping the oldest. */
  keep(firstPosition: number, committed: readonly RecordedEvent[]): void {
    // Another process appended since our last commit: what is kept would have a gap.
    if (this.count === 0 || firstPosition !== this.firstPosition + this.count) {
      this.slots.fill(undefined);
      this.start = 0;
      this.count = 0;
      this.firstPosition = firstPosition;
    }
    for (const event of committed) {
      if (this.count < this.capacity) {
        this.slots[(this.start + this.count) % this.capacity] = event;
        this.count += 1;
      } else {
        this.slots[this.start] = event;
        this.start = (this.start + 1) % this.capacity;
        this.firstPosition += 1;
      }
    }
  }

  /** Up to `limit` events after `position`; undefined when the next one is not kept. */
  after(position: number, limit: number): RecordedEvent[] | undefined {
    const offset = position + 1 - this.firstPosition;
    if (offset < 0 || offset >= this.count) return undefined;
    const taken = Math.min(this.count - offset, limit);
    const events = new Array<RecordedEvent>(taken);
    for (let index = 0; index < taken; index += 1) events[index] = this.slots[(this.start + offset + index) % this.capacity]!;
    return events;
  }
}
