/**
 * Wildcard matching without regular expressions. A pattern is a list of tokens: literal
 * characters (code points), ANY_RUN (`*`: any run of characters, none included) and ANY_ONE
 * (`?`: exactly one). The match walks the value once and, on a mismatch, resumes after the
 * last `*` one character further on: at most value × pattern steps. A backtracking regex
 * (`^a.*a.*…b$`) takes time exponential in the number of stars, so a Choice rule in a
 * definition and an input string could hold the event loop, and every execution, for minutes.
 */
export const ANY_RUN = 0;
export const ANY_ONE = 1;
export type WildcardToken = string | typeof ANY_RUN | typeof ANY_ONE;

export function matchesWildcard(value: string, pattern: readonly WildcardToken[]): boolean {
  const characters = Array.from(value);
  let at = 0;
  let next = 0;
  // The last `*` seen, and where in the value its run ends so far (-1: none yet).
  let star = -1;
  let starRunEnd = 0;
  while (at < characters.length) {
    const token = pattern[next];
    if (token === ANY_RUN) {
      star = next;
      starRunEnd = at;
      next += 1;
    } else if (next < pattern.length && (token === ANY_ONE || token === characters[at])) {
      next += 1;
      at += 1;
    } else if (star >= 0) {
      // Let the last `*` take one more character, and match the rest again after it.
      next = star + 1;
      starRunEnd += 1;
      at = starRunEnd;
    } else {
      return false;
    }
  }
  while (pattern[next] === ANY_RUN) next += 1;
  return next === pattern.length;
}

/**
 * StringMatches: `*` matches any run of characters (including none); every other character
 * matches itself. A backslash escapes the next character, so `\*` is a literal asterisk and
 * `\\` a literal backslash (States Language spec, "Choice Rules"). Patterns are compiled once.
 */
const compiled = new Map<string, readonly WildcardToken[]>();
const MAX_COMPILED = 10_000;

function compileStringMatches(pattern: string): readonly WildcardToken[] {
  const tokens: WildcardToken[] = [];
  const characters = Array.from(pattern);
  for (let i = 0; i < characters.length; i++) {
    const character = characters[i];
    if (character === '\\' && i + 1 < characters.length) tokens.push(characters[++i]);
    else tokens.push(character === '*' ? ANY_RUN : character);
  }
  return tokens;
}

export function stringMatches(value: string, pattern: string): boolean {
  let tokens = compiled.get(pattern);
  if (tokens === undefined) {
    tokens = compileStringMatches(pattern);
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(pattern, tokens);
  }
  return matchesWildcard(value, tokens);
}
