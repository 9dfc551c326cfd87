/**
 * All of a process's durable timers (Wait states, retry backoffs, execution timeouts) in one
 * binary min-heap driven by ONE OS timer for the earliest deadline — never one setTimeout or
 * poll per execution, so 100k waiting executions cost a heap entry each.
 */
export interface TimerEntry<T> {
  readonly at: number;
  readonly key: string;
  readonly payload: T;
}

export class TimerHeap<T> {
  private readonly heap: TimerEntry<T>[] = [];
  private readonly keys = new Set<string>();
  private handle: NodeJS.Timeout | undefined;
  private armedFor = Number.POSITIVE_INFINITY;
  private closed = false;

  /**
   * @param advanceClock When given (a virtual clock for tests), the heap does not sleep until
   *   its earliest deadline: it moves the clock there and fires on the next turn of the loop.
   */
  constructor(
    private readonly onDue: (entries: TimerEntry<T>[]) => void,
    private readonly now: () => number = Date.now,
    private readonly advanceClock?: (toMs: number) => void,
  ) {}

  get size(): number {
    return this.heap.length;
  }

  /** Adds a timer unless one with the same key is already pending. */
  add(entry: TimerEntry<T>): boolean {
    if (this.closed || this.keys.has(entry.key)) return false;
    this.keys.add(entry.key);
    this.heap.push(entry);
    this.siftUp(this.heap.length - 1);
    if (entry.at < this.armedFor) this.arm();
    return true;
  }

  close(): void {
    this.closed = true;
    if (this.handle) clearTimeout(this.handle);
    this.handle = undefined;
  }

  private arm(): void {
    if (this.handle) clearTimeout(this.handle);
    this.handle = undefined;
    const first = this.heap[0];
    if (!first || this.closed) {
      this.armedFor = Number.POSITIVE_INFINITY;
      return;
    }
    this.armedFor = first.at;
    if (this.advanceClock && first.at > this.now()) this.advanceClock(first.at);
    // setTimeout caps at ~24.8 days; longer waits simply re-arm when it fires.
    const delay = Math.min(Math.max(0, first.at - this.now()), 2 ** 31 - 1);
    this.handle = setTimeout(() => this.fire(), delay);
    this.handle.unref?.();
  }

  private fire(): void {
    this.handle = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    const due: TimerEntry<T>[] = [];
    const now = this.now();
    while (this.heap.length > 0 && this.heap[0].at <= now) {
      const entry = this.pop()!;
      this.keys.delete(entry.key);
      due.push(entry);
    }
    this.arm();
    if (due.length > 0) this.onDue(due);
  }

  private pop(): TimerEntry<T> | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (this.heap.length > 0 && last) {
      this.heap[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (heap[parent].at <= heap[index].at) break;
      [heap[parent], heap[index]] = [heap[index], heap[parent]];
      index = parent;
    }
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && heap[left].at < heap[smallest].at) smallest = left;
      if (right < heap.length && heap[right].at < heap[smallest].at) smallest = right;
      if (smallest === index) return;
      [heap[smallest], heap[index]] = [heap[index], heap[smallest]];
      index = smallest;
    }
  }
}
