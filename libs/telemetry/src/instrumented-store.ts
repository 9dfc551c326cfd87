import { metrics, type Meter } from '@opentelemetry/api';
import type { EventStore } from '@stepstone/event-store';

/**
 * The store with its appends timed (`stepstone.store.append.duration`, by store kind and
 * whether it was a batch). Everything else passes straight through, whatever the adapter adds.
 */
export function instrumentEventStore(store: EventStore, meter: Meter = metrics.getMeter('stepstone')): EventStore {
  const appendDuration = meter.createHistogram('stepstone.store.append.duration', {
    description: 'Time for an append to become durable',
    unit: 'ms',
  });
  const timed = async <T>(batch: boolean, work: () => Promise<T>): Promise<T> => {
    const began = performance.now();
    try {
      return await work();
    } finally {
      appendDuration.record(performance.now() - began, { store: store.kind, batch });
    }
  };
  const append: EventStore['append'] = (request) => timed(false, () => store.append(request));
  const appendBatch: EventStore['appendBatch'] = (requests) => timed(true, () => store.appendBatch(requests));
  return new Proxy(store, {
    get(target, key) {
      if (key === 'append') return append;
      if (key === 'appendBatch') return appendBatch;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
