/**
 * Turns of the event loop shared by the engine's long pieces of work (a decision's pauses, the
 * next step of a decision cut at its bound): at most one waiting piece resumes per turn, so the
 * I/O that arrived meanwhile (a request) is served between any two slices, however many
 * executions work at once (issue 18). Work that a reader waits for (the read models catching
 * up, a replay for a query) yields with a plain setImmediate instead: it runs every turn, so it
 * keeps up with the writers.
 *
 * `setImmediate` alone would not do: every callback queued before a turn's check phase runs in
 * that same phase, so eight executions pausing together ran their eight slices back to back and
 * a request waited for all of them.
 */
const waiting: Array<() => void> = [];
let scheduled = false;

function resumeOne(): void {
  const resume = waiting.shift();
  // Queued from inside the check phase, the next resumption runs in the next turn, after I/O.
  scheduled = waiting.length > 0;
  if (scheduled) setImmediate(resumeOne);
  resume?.();
}

/** Resolves in a later turn of the event loop, after the pieces that asked before it (FIFO). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!scheduled) {
      scheduled = true;
      setImmediate(resumeOne);
    }
  });
}

/** How many pieces of work wait for their turn (tests). */
export function turnsWaiting(): number {
  return waiting.length;
}
