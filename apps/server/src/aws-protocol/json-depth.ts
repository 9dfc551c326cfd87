/**
 * How deep JSON may nest in an execution input or a definition. AWS documents no figure; deeper
 * text is refused at the edge because every later step (parse checks, the engine's folds, the
 * store's canonical form) walks values recursively, and 10,000 levels overflow the stack.
 * 512 is far beyond any real workflow's data and well inside Node's default stack.
 */
export const MAX_JSON_DEPTH = 512;

/**
 * Whether `text` nests arrays and objects deeper than `limit`, found by one scan of the text
 * (no parse, no recursion), so the check itself cannot overflow. Brackets inside strings are
 * skipped; the text need not be valid JSON (the parse that follows reports that).
 */
export function nestsDeeperThan(text: string, limit: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c) index++; // backslash: skip the escaped character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x5b || code === 0x7b) {
      if (++depth > limit) return true;
    } else if (code === 0x5d || code === 0x7d) depth--;
  }
  return false;
}
