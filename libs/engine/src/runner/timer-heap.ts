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

const VIRTUAL_CLOCK_IDLE_CHECK_MS = 5;

export class TimerHeap<T> {
  private readonly heap: TimerEntry<T>[] = [];
  /** key → index in `heap`, so a timer can be removed (an execution closed before its deadline). */
  private readonly positions = new Map<string, number>();
  private handle: NodeJS.Timeout | undefined;
  private armedFor = Number.POSITIVE_INFINITY;
  private closed = false;

  /**
   * @param advanceClock When given (a virtual clock for tests), the heap does not sleep until
   *   its earliest deadline: it moves the clock there and fires on the next turn of the loop.
   * @param isIdle With a virtual clock: whether nothing else is under way (commands, task
   *   calls, object-store reads). Time only jumps when idle, as it would pass on its own: a jump
   *   while a Lambda call is in flight would fire deadlines (the execution's one-year limit,
   *   a TimeoutSeconds) that real time would never reach first.
   */
  constructor(
    private readonly onDue: (entries: TimerEntry<T>[]) => void,
    private readonly now: () => number = Date.now,
    private readonly advanceClock?: (toMs: number) => void,
    private readonly isIdle: () => boolean = () => true,
  ) {}

  get size(): number {
    return this.heap.length;
  }

  /** Adds a timer unless one with the same key is already pending. */
  add(entry: TimerEntry<T>): boolean {
    if (this.closed || this.positions.has(entry.key)) return false;
    this.heap.push(entry);
    this.positions.set(entry.key, this.heap.length - 1);
    this.siftUp(this.heap.length - 1);
    if (entry.at < this.armedFor) this.arm();
    return true;
  }

  /**
   * Drops a pending timer (a task that finished before its TimeoutSeconds, an execution that
   * closed before its deadline), so far deadlines do not pile up in the heap. False when none.
   */
  cancel(key: string): boolean {
    const index = this.positions.get(key);
    if (index === undefined) return false;
    this.positions.delete(key);
    const last = this.heap.pop()!;
    if (index < this.heap.length) {
      this.place(last, index);
      this.siftDown(index);
      this.siftUp(this.positions.get(last.key)!);
    }
    return true;
  }

  has(key: string): boolean {
    return this.positions.has(key);
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
    if (this.advanceClock && first.at > this.now()) {
      if (!this.isIdle()) {
        // Look again shortly: the work under way may add an earlier timer or finish.
        this.handle = setTimeout(() => this.arm(), VIRTUAL_CLOCK_IDLE_CHECK_MS);
        this.handle.unref?.();
        return;
      }
      this.advanceClock(first.at);
    }
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
      this.positions.delete(entry.key);
      due.push(entry);
    }
    // Hand the due timers over first: with a virtual clock, arming looks at whether work is
    // under way, and the commands these timers start are that work.
    if (due.length > 0) this.onDue(due);
    this.arm();
  }

  private pop(): TimerEntry<T> | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (this.heap.length > 0 && last) {
      this.place(last, 0);
      this.siftDown(0);
    }
    return top;
  }

  private place(entry: TimerEntry<T>, index: number): void {
    this.heap[index] = entry;
    this.positions.set(entry.key, index);
  }

  private swap(a: number, b: number): void {
    const first = this.heap[a];
    this.place(this.heap[b], a);
    this.place(first, b);
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (heap[parent].at <= heap[index].at) break;
      this.swap(parent, index);
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
      this.swap(smallest, index);
      index = smallest;
    }
  }
}
