/**
 * StringMatches: `*` matches any run of characters (including none); every other character
 * matches itself. A backslash escapes the next character, so `\*` is a literal asterisk and
 * `\\` a literal backslash (States Language spec, "Choice Rules"). Patterns are compiled once.
 */

const compiled = new Map<string, RegExp>();

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/]/g;

function escapeForRegex(text: string): string {
  return text.replace(REGEX_SPECIAL, '\\$&');
}

function compile(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\' && i + 1 < pattern.length) {
      i++;
      source += escapeForRegex(pattern[i]);
    } else if (ch === '*') {
      source += '[\\s\\S]*';
    } else {
      source += escapeForRegex(ch);
    }
  }
  return new RegExp(`^${source}$`, 'u');
}

export function stringMatches(value: string, pattern: string): boolean {
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    regex = compile(pattern);
    compiled.set(pattern, regex);
  }
  return regex.test(value);
}
