/**
 * ISO 8601 times and their milliseconds, remembered. A decision's timestamp, an execution's
 * deadline and a task's clock are a few texts parsed and formatted again and again (every
 * decision, every pendingEffects). Pure: the same text gives the same number, the same
 * instant the same text.
 */
const MAX_PARSED = 1_024;
const parsed = new Map<string, number>();

/** Date.parse(text), remembered (bounded: a full cache starts over). */
export function isoMillis(text: string): number {
  let ms = parsed.get(text);
  if (ms === undefined) {
    if (parsed.size >= MAX_PARSED) parsed.clear();
    ms = Date.parse(text);
    parsed.set(text, ms);
  }
  return ms;
}

let formattedMs = Number.NaN;
let formatted = '';

/** date.toISOString(), the last one remembered: decisions in the same millisecond share it. */
export function isoText(date: Date): string {
  const ms = date.getTime();
  if (ms !== formattedMs) {
    formatted = date.toISOString();
    formattedMs = ms;
  }
  return formatted;
}
