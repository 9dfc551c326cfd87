import { type TaskResource, describeTaskResource, integrationPatternOfResource, isIntrinsicCall, isJsonataTemplate, parseTaskResource } from '@stepstone/asl';
import type { StateKind } from './history-event';
import type { TaskEventFamily } from './task-resource';

/**
 * A state definition compiled once into a frozen, typed form: legacy aliases resolved, the
 * Task resource parsed, and each dynamic field classified as a literal, a path, an intrinsic
 * call or a JSONata expression. Definitions are interned per text (payload-cache.ts), so the
 * compiled form is cached by the interned, frozen state object: once per definition text, for
 * every execution that runs it. The fold keeps the raw definition (stored state and replays
 * are unchanged); decide modules read this form.
 */
export type FieldForm =
  | { readonly kind: 'literal'; readonly value: unknown }
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'intrinsic'; readonly call: string }
  | { readonly kind: 'jsonata'; readonly expression: string };

/** The fields a state computes at run time, by their value name (`TimeoutSeconds` covers `TimeoutSecondsPath`). */
const DYNAMIC_FIELDS = [
  'TimeoutSeconds',
  'HeartbeatSeconds',
  'Seconds',
  'Timestamp',
  'MaxConcurrency',
  'ToleratedFailureCount',
  'ToleratedFailurePercentage',
  'Error',
  'Cause',
  'Items',
] as const;
export type DynamicField = (typeof DYNAMIC_FIELDS)[number];

export interface CompiledTask {
  readonly resourceArn: string;
  readonly resource: TaskResource;
  /** Which history events the task writes (Task*, LambdaFunction*, Activity*). */
  readonly family: TaskEventFamily;
  /** Whether someone completes it by token (`$$.Task.Token` exists): callbacks, `.sync` jobs, activities. */
  readonly byToken: boolean;
  /** TaskScheduled's resourceType/resource (Task family). */
  readonly described: { readonly resourceType: string; readonly resource: string };
}

export interface CompiledMap {
  /** ItemProcessor, or the legacy Iterator. */
  readonly processor: Readonly<Record<string, any>>;
  /** ItemSelector, or the legacy Parameters. */
  readonly itemSelector: unknown;
  readonly distributed: boolean;
  /** An ItemReader on a Distributed Map: the Map Run reads the items (ItemsPath/Items are ignored). */
  readonly readsItems: boolean;
}

export interface CompiledState {
  readonly type: StateKind;
  /** The state's own QueryLanguage; undefined: the branch's. */
  readonly queryLanguage?: 'JSONPath' | 'JSONata';
  readonly fields: Readonly<Partial<Record<DynamicField, FieldForm>>>;
  readonly task?: CompiledTask;
  readonly map?: CompiledMap;
  /** The definition as written, for what is not compiled yet (payload templates, Retry, Catch). */
  readonly raw: Readonly<Record<string, any>>;
}

const compiled = new WeakMap<object, CompiledState>();

/** The compiled form of a state definition (an interned, frozen object of a thread's `states`). */
export function compileState(raw: Readonly<Record<string, any>>): CompiledState {
  let state = compiled.get(raw);
  if (!state) {
    state = deepFrozen(compileUncached(raw));
    compiled.set(raw, state);
  }
  return state;
}

function compileUncached(raw: Readonly<Record<string, any>>): CompiledState {
  const type = raw.Type as StateKind;
  const fields: Partial<Record<DynamicField, FieldForm>> = {};
  for (const field of DYNAMIC_FIELDS) {
    const form = fieldForm(raw, field);
    if (form) fields[field] = form;
  }
  return {
    type,
    queryLanguage: raw.QueryLanguage === 'JSONata' || raw.QueryLanguage === 'JSONPath' ? raw.QueryLanguage : undefined,
    fields,
    task: type === 'Task' ? compileTask(raw) : undefined,
    map: type === 'Map' ? compileMap(raw) : undefined,
    raw,
  };
}

/** `Field` or `FieldPath`: a JSONata template, an intrinsic call, a path, or a literal. */
function fieldForm(raw: Readonly<Record<string, any>>, field: DynamicField): FieldForm | undefined {
  const path = raw[`${field}Path`];
  if (typeof path === 'string') return isIntrinsicCall(path) ? { kind: 'intrinsic', call: path } : { kind: 'path', path };
  if (!(field in raw)) return undefined;
  const value = raw[field];
  if (typeof value === 'string' && isJsonataTemplate(value)) return { kind: 'jsonata', expression: value };
  return { kind: 'literal', value };
}

function compileTask(raw: Readonly<Record<string, any>>): CompiledTask {
  const resourceArn = String(raw.Resource ?? '');
  const resource = parseTaskResource(resourceArn);
  const family: TaskEventFamily = resource.kind === 'lambda-function' ? 'LambdaFunction' : resource.kind === 'activity' ? 'Activity' : 'Task';
  return {
    resourceArn,
    resource,
    family,
    byToken: integrationPatternOfResource(resourceArn) !== 'request-response' || family === 'Activity',
    described: describeTaskResource(resourceArn),
  };
}

function compileMap(raw: Readonly<Record<string, any>>): CompiledMap {
  // The legacy Iterator takes the same ProcessorConfig as ItemProcessor.
  const processor = (raw.ItemProcessor ?? raw.Iterator ?? {}) as Readonly<Record<string, any>>;
  const distributed = (processor.ProcessorConfig?.Mode ?? 'INLINE') === 'DISTRIBUTED';
  return { processor, itemSelector: raw.ItemSelector ?? raw.Parameters, distributed, readsItems: distributed && raw.ItemReader !== undefined };
}

function deepFrozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key in value) deepFrozen((value as Record<string, unknown>)[key]);
  }
  return value;
}
