/**
 * A clock for tests (STEPSTONE_CLOCK=fast): real time plus an offset that only grows. The
 * runner's timers call `advanceTo(deadline)` instead of sleeping, so a `Wait` of an hour ends
 * at once while every timestamp still reads as if the hour had passed.
 */
export interface FastClock {
  now(): Date;
  advanceTo(toMs: number): void;
}

export function createFastClock(realNow: () => number = Date.now): FastClock {
  let offset = 0;
  return {
    now: () => new Date(realNow() + offset),
    advanceTo(toMs) {
      offset = Math.max(offset, toMs - realNow());
    },
  };
}
