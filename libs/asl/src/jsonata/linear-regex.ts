import { RE2JS } from 're2js';

/**
 * The regular-expression engine JSONata's `/regex/` literals run on (jsonata's `RegexEngine`
 * option): RE2's linear-time matching (re2js) behind the part of the RegExp interface JSONata
 * uses (`lastIndex`, `exec`, as for a `g` regex). V8's backtracking RegExp takes exponential
 * time on patterns such as `/(a+)+$/`: one `$match` in a definition, against a 30-character
 * input, would hold the event loop, and every execution of the process, for seconds to hours.
 *
 * RE2 has no lookaround and no backreferences: a pattern that uses them fails to compile, and
 * the expression fails with States.QueryEvaluationError naming the construct, rather than
 * falling back to a backtracking engine (even a pattern without nested groups can take
 * polynomial time there, `/(?=x)a*a*a*a*a*c/`).
 */
export class LinearRegExp {
  lastIndex = 0;
  private readonly compiled: RE2JS;

  constructor(literal: RegExp) {
    let flags = 0;
    if (literal.flags.includes('i')) flags |= RE2JS.CASE_INSENSITIVE;
    if (literal.flags.includes('m')) flags |= RE2JS.MULTILINE;
    try {
      this.compiled = RE2JS.compile(literal.source, flags);
    } catch (failure) {
      throw new Error(`Unsupported regular expression /${literal.source}/: ${failure instanceof Error ? failure.message : String(failure)} (regular expressions run in linear time: no lookaround, no backreferences)`);
    }
  }

  /** RegExp.prototype.exec for a global regex: searches from lastIndex, and moves it past the match (to 0 when none). */
  exec(text: string): RegExpExecArray | null {
    const matcher = this.compiled.matcher(text);
    if (this.lastIndex > text.length || !matcher.find(this.lastIndex)) {
      this.lastIndex = 0;
      return null;
    }
    const groups: (string | undefined)[] = [matcher.group(0) ?? ''];
    for (let group = 1; group <= matcher.groupCount(); group++) groups.push(matcher.group(group) ?? undefined);
    const match = Object.assign(groups, { index: matcher.start(), input: text }) as unknown as RegExpExecArray;
    this.lastIndex = matcher.end();
    return match;
  }
}
