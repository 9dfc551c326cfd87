import type { TaskProgress } from '@stepstone/engine';

/** A scheduled activity task waiting for a worker (GetActivityTask). */
export interface QueuedActivityTask {
  readonly executionArn: string;
  readonly token: string;
  /** The task's effective input as JSON text (what GetActivityTask returns as `input`). */
  readonly input: string;
  /** Records ActivityStarted; false when the task closed meanwhile (then it is skipped). */
  readonly report: (progress: TaskProgress) => Promise<boolean>;
}

export interface ActivityTaskQueue {
  /** Queues a task for the activity's pollers; a token already queued or handed out is ignored. */
  enqueue(activityArn: string, task: QueuedActivityTask): void;
  /**
   * Long poll: the oldest open task of the activity, handed to exactly this poller, or
   * undefined when none arrives within `waitMs` (GetActivityTask answers `{}` then) or once
   * `signal` aborts (the poller went away: no task is handed to it after that).
   */
  poll(
    activityArn: string,
    workerName: string | undefined,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<{ taskToken: string; input: string } | undefined>;
  /** Tasks queued for an activity (not yet handed out). */
  size(activityArn: string): number;
  /** Drops what is kept for a closed execution (its queued tasks, its tokens). */
  forgetExecution(executionArn: string): void;
  /** Ends every waiting poll (server shutdown). */
  close(): void;
}

/**
 * The in-process queue of activity tasks. It is not the source of truth: the runner derives
 * pending tasks from the open executions' folded state and dispatches them again after a
 * restart, so tasks scheduled but not started refill this queue on start-up.
 */
export function createActivityTaskQueue(): ActivityTaskQueue {
  const queues = new Map<string, QueuedActivityTask[]>();
  const waiters = new Map<string, Array<() => void>>();
  /** Tokens queued or handed out by this process, by execution: a re-dispatch is not queued twice. */
  const known = new Map<string, Set<string>>();
  let closed = false;

  function wake(activityArn: string): void {
    const list = waiters.get(activityArn);
    const next = list?.shift();
    if (list && list.length === 0) waiters.delete(activityArn);
    next?.();
  }

  function waitForWork(activityArn: string, ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', finish);
        const list = waiters.get(activityArn);
        const index = list?.indexOf(finish) ?? -1;
        if (list && index >= 0) list.splice(index, 1);
        resolve();
      };
      const timer = setTimeout(finish, ms);
      signal?.addEventListener('abort', finish, { once: true });
      const list = waiters.get(activityArn) ?? [];
      list.push(finish);
      waiters.set(activityArn, list);
    });
  }

  return {
    enqueue(activityArn, task) {
      const tokens = known.get(task.executionArn) ?? new Set<string>();
      if (tokens.has(task.token)) return;
      tokens.add(task.token);
      known.set(task.executionArn, tokens);
      const queue = queues.get(activityArn) ?? [];
      queue.push(task);
      queues.set(activityArn, queue);
      wake(activityArn);
    },

    async poll(activityArn, workerName, waitMs, signal) {
      const deadline = Date.now() + waitMs;
      while (!closed && !signal?.aborted) {
        const queue = queues.get(activityArn);
        const task = queue?.shift(); // synchronous take: two pollers never get the same task
        if (queue && queue.length === 0) queues.delete(activityArn);
        if (task) {
          const open = await task.report({ kind: 'started', ...(workerName !== undefined ? { workerName } : {}) });
          if (open) return { taskToken: task.token, input: task.input };
          continue; // closed meanwhile (stopped execution, timeout): try the next one
        }
        const left = deadline - Date.now();
        if (left <= 0) return undefined;
        await waitForWork(activityArn, left, signal);
      }
      return undefined;
    },

    size: (activityArn) => queues.get(activityArn)?.length ?? 0,

    forgetExecution(executionArn) {
      known.delete(executionArn);
      for (const [activityArn, queue] of queues) {
        const kept = queue.filter((task) => task.executionArn !== executionArn);
        if (kept.length === 0) queues.delete(activityArn);
        else queues.set(activityArn, kept);
      }
    },

    close() {
      closed = true;
      for (const list of waiters.values()) for (const finish of [...list]) finish();
      waiters.clear();
    },
  };
}
