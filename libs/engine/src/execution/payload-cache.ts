/**
 * Event details hold payloads as JSON strings (AWS's shape). The decider already has the
 * parsed value when it creates an event, and the fold reads it next (emit folds each event
 * as it is made): the decider hands it over here instead of the fold parsing the same
 * document again. One slot, for the event being emitted: a WeakMap entry per event cost more
 * (a tenth of a Choice loop's decision) and kept every payload alive as long as its event.
 * An event read from the store is parsed when the fold reads it.
 */
// Parallel slots, not a Map: a Map's clear() per event reallocated its table (5% of a 10-Pass run).
const handedNames: string[] = [];
const handedValues: unknown[] = [];
let handedCount = 0;
let handedDetails: object | undefined;

export function rememberParsed(details: object, field: string, value: unknown): void {
  if (handedDetails !== details) {
    handedDetails = details;
    handedCount = 0;
  }
  handedNames[handedCount] = field;
  handedValues[handedCount] = value;
  handedCount += 1;
}

export function parsedField(details: unknown, field: string): unknown {
  if (typeof details !== 'object' || details === null) return undefined;
  if (details === handedDetails) {
    for (let slot = 0; slot < handedCount; slot += 1) if (handedNames[slot] === field) return handedValues[slot];
  }
  const text = (details as Record<string, unknown>)[field];
  if (typeof text !== 'string') return text;
  return JSON.parse(text) as unknown;
}

/** Distinct definitions kept parsed; executions of one machine share one (most runs use a few). */
const MAX_INTERNED_DEFINITIONS = 256;
const definitions = new Map<string, { readonly text: string; readonly object: Readonly<Record<string, any>> }>();

/**
 * A definition's text and its parsed form, shared by every execution of the same definition:
 * one parse per definition instead of two per execution (decide and fold), and one copy in
 * memory however many executions are open (100k parked executions would otherwise hold 100k
 * copies). Deep-frozen, since every holder reads it.
 */
export function internDefinition(text: string): { readonly text: string; readonly object: Readonly<Record<string, any>> } {
  const known = definitions.get(text);
  if (known) return known;
  const interned = { text, object: deepFreeze(JSON.parse(text) as Record<string, any>) };
  if (definitions.size >= MAX_INTERNED_DEFINITIONS) definitions.delete(definitions.keys().next().value as string);
  definitions.set(text, interned);
  return interned;
}

/** Freezes an object and everything it reaches (already-frozen subtrees are skipped). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    // for-in, not Object.values: every emitted event comes through here, and the array was garbage.
    for (const key in value) {
      const child = (value as Record<string, unknown>)[key];
      if (typeof child === 'object' && child !== null) deepFreeze(child);
    }
  }
  return value;
}
