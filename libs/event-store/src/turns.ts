/**
 * Turns of the event loop shared by every long piece of work in the process (a decision's
 * pauses, a stream's replay page by page, a projection's catch-up, the store's group commits):
 * at most one waiting piece resumes per turn, so the I/O that arrived meanwhile (a request)
 * is served between any two slices, however many executions work at once (issue 18).
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
