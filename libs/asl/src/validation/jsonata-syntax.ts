import jsonata from 'jsonata';

/**
 * JSONata expressions in a JSONata-mode state are strings wrapped in `{% ... %}`
 * (Step Functions guide, "Transforming data with JSONata"). Parsing only: nothing is
 * evaluated here.
 */
export function isJsonataExpression(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('{%') && value.endsWith('%}') && value.length >= 4;
}

/** The parser's complaint about `{% body %}`, or undefined when it parses. */
export function jsonataSyntaxError(expression: string): string | undefined {
  const body = expression.slice(2, -2);
  if (body.trim() === '') return 'empty expression';
  try {
    jsonata(body);
    return undefined;
  } catch (error) {
    const e = error as { message?: unknown; code?: unknown };
    return typeof e.message === 'string' ? e.message : String(error);
  }
}
