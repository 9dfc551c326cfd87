/**
 * Wakes whoever waits for an execution to close (a parent's `.sync` task). The runner reports
 * every durable append (`onAppended`); waiters check the stored state after registering, so a
 * child that closed before anyone waited is not missed.
 */
export interface ExecutionEndWatcher {
  /** Called from the runner's onAppended: `closed` when the execution is no longer RUNNING. */
  notify(executionArn: string, closed: boolean): void;
  /** Resolves when `isClosed()` is true, checking again each time the execution appends. */
  waitUntilClosed(executionArn: string, isClosed: () => Promise<boolean>): Promise<void>;
  close(): void;
  /** Whether `close()` was called (the process is shutting down). */
  isClosed(): boolean;
}

export function createExecutionEndWatcher(): ExecutionEndWatcher {
  const waiting = new Map<string, Set<() => void>>();
  let closedWatcher = false;
  return {
    notify(executionArn, closed) {
      if (!closed) return;
      const set = waiting.get(executionArn);
      if (!set) return;
      waiting.delete(executionArn);
      for (const wake of set) wake();
    },
    async waitUntilClosed(executionArn, isClosed) {
      while (!closedWatcher) {
        let wake: () => void = () => undefined;
        const woken = new Promise<void>((resolve) => (wake = resolve));
        const set = waiting.get(executionArn) ?? new Set<() => void>();
        set.add(wake);
        waiting.set(executionArn, set);
        if (await isClosed()) {
          set.delete(wake); // only this waiter: others may wait on the same execution
          if (set.size === 0 && waiting.get(executionArn) === set) waiting.delete(executionArn);
          return;
        }
        await woken;
      }
    },
    isClosed: () => closedWatcher,
    close() {
      closedWatcher = true;
      for (const set of waiting.values()) for (const wake of set) wake();
      waiting.clear();
    },
  };
}
