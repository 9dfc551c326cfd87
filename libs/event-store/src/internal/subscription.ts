import type { EventsHandler, ReadAllOptions, RecordedEvent, SubscribeOptions, Subscription } from '../event-store';

/** A read of the feed for a subscriber: its options that let a store read less, passed through. */
export type FeedReadOptions = ReadAllOptions & Pick<SubscribeOptions, 'payloadTypes' | 'latestPerStream'>;

/**
 * Wakes subscriptions when a commit lands. `version` counts commits, so a subscription that
 * read the feed at version v and found nothing waits only if no commit happened since v:
 * a notification that fires between the read and the wait is never lost.
 */
export interface AppendSignal {
  readonly version: number;
  notify(): void;
  /** Resolves once `version` differs from `seen`, after `timeoutMs` if given, or on `cancel`. */
  wait(seen: number, timeoutMs?: number): { promise: Promise<void>; cancel(): void };
}

export function createAppendSignal(): AppendSignal {
  let version = 0;
  const waiters = new Set<() => void>();
  return {
    get version() {
      return version;
    },
    notify() {
      version += 1;
      const woken = [...waiters];
      waiters.clear();
      for (const wake of woken) wake();
    },
    wait(seen, timeoutMs) {
      let cancel = () => {};
      const promise = new Promise<void>((resolve) => {
        if (version !== seen) return resolve();
        let timer: NodeJS.Timeout | undefined;
        const wake = () => {
          if (timer !== undefined) clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        };
        if (timeoutMs !== undefined && timeoutMs > 0) timer = setTimeout(wake, timeoutMs);
        waiters.add(wake);
        cancel = wake;
      });
      return { promise, cancel: () => cancel() };
    },
  };
}

export interface FeedSource {
  readAll(options: FeedReadOptions): Promise<RecordedEvent[]>;
  readonly signal: AppendSignal;
  /** When set, also re-read the feed this often while idle (appends by other processes). */
  readonly pollIntervalMs?: number;
}

const defaultMaxBatchSize = 500;

/**
 * Catch-up then live, by one cursor: every batch is read from the feed after the last
 * delivered position, so delivery is in global order with no gaps and no duplicates whether
 * the events were already stored or arrive later. One handler call at a time.
 */
export function startSubscription(
  source: FeedSource,
  fromPosition: number,
  onEvents: EventsHandler,
  options: SubscribeOptions = {},
  onClosed: () => void = () => {},
): Subscription {
  if (!Number.isSafeInteger(fromPosition) || fromPosition < 0) throw new RangeError('subscribe: fromPosition must be an integer >= 0');
  const maxCount = options.maxBatchSize ?? defaultMaxBatchSize;
  let closed = false;
  let cancelWait = () => {};

  const fail = (error: unknown) => {
    closed = true;
    onClosed();
    if (options.onError) options.onError(error);
    else throw error;
  };

  const run = async () => {
    let cursor = fromPosition;
    while (!closed) {
      const seen = source.signal.version;
      let events: RecordedEvent[];
      try {
        events = await source.readAll({
          fromPosition: cursor,
          maxCount,
          ...(options.payloadTypes ? { payloadTypes: options.payloadTypes } : {}),
          ...(options.latestPerStream ? { latestPerStream: options.latestPerStream } : {}),
        });
      } catch (error) {
        if (closed) return;
        return fail(error);
      }
      if (closed) return;
      if (events.length === 0) {
        const waiting = source.signal.wait(seen, source.pollIntervalMs);
        cancelWait = waiting.cancel;
        await waiting.promise;
        continue;
      }
      try {
        await onEvents(events);
      } catch (error) {
        if (closed) return;
        return fail(error);
      }
      cursor = events[events.length - 1].position;
      // A full batch means a backlog: the next one waits for the next turn of the event loop, so
      // a catch-up of many events never holds the process (a read from memory resolves at once,
      // and a chain of microtasks would never let I/O in; issue 18). Not behind nextTurn's queue:
      // readers wait for the read models (read-your-writes), so they catch up every turn.
      if (events.length >= maxCount) await new Promise((resolve) => setImmediate(resolve));
    }
  };
  void run();

  return {
    close() {
      if (closed) return;
      closed = true;
      cancelWait();
      onClosed();
    },
  };
}
