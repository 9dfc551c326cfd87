/**
 * Event details hold payloads as JSON strings (AWS's shape). The decider already has the
 * parsed value when it creates an event, so it leaves it here and the fold reads it back
 * instead of parsing the same document again; events read from the store are parsed once.
 */
const parsedByDetails = new WeakMap<object, Map<string, unknown>>();

export function rememberParsed(details: object, field: string, value: unknown): void {
  let fields = parsedByDetails.get(details);
  if (!fields) parsedByDetails.set(details, (fields = new Map()));
  fields.set(field, value);
}

export function parsedField(details: unknown, field: string): unknown {
  if (typeof details !== 'object' || details === null) return undefined;
  const fields = parsedByDetails.get(details);
  if (fields?.has(field)) return fields.get(field);
  const text = (details as Record<string, unknown>)[field];
  if (typeof text !== 'string') return text;
  const value = JSON.parse(text) as unknown;
  rememberParsed(details, field, value);
  return value;
}
