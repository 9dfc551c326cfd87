import fc from 'fast-check';

/**
 * What the liveness check runs: definitions (mutations of the conformance corpus, and small
 * ones built from a grammar of states) and inputs, both leaning on the values that have hung
 * executions before: odd JSONPath, intrinsics and JSONata in every field that takes them,
 * wrong types, extreme numbers, deep nesting, big arrays.
 */

/** Number literals JSON.stringify cannot write (1e309 parses to Infinity), spliced into the text. */
const RAW_NUMBERS = ['1e309', '-1e309', '-0', '9007199254740993', '1e-400', '1e21', '2147483648', '4294967296', '99999999', '100000000', '0.1', '1.5', '-1', '0', '5e-324'];
const RAW = (literal: string) => `__RAW_NUMBER<${literal}>__`;
const RAW_PATTERN = /"__RAW_NUMBER<([^>]*)>__"/g;

/** JSON text with the raw number markers replaced by their literals. */
export function definitionText(definition: unknown): string {
  return JSON.stringify(definition).replace(RAW_PATTERN, (_whole, literal: string) => literal);
}

export const PATHS = [
  '$', '$.a', '$.b', '$.n', '$.m', '$.s', '$.items', '$.items[0]', '$.items[-1]', '$.items[-1:]', '$.items[1:3]', '$.items[::2]', '$.items[0,2]',
  '$.items[*]', '$.items[*].k', '$..k', '$..*', '$.*', "$['a','b']", "$['ü ключ 🔑']", '$["a"]', "$.items[?(@.k > 1)]", "$.items[?(@.k == 'x')]",
  '$.items[?(@.k)]', '$.items[?(@.k =~ /x.*/)]', '$.items.length()', '$.missing', '$.a.b.c.d.e', '$.deep', '$.big', '$.big[99999]', '$[0]',
  '$$', '$$.Execution.Input', '$$.Execution.Id', '$$.State.Name', '$$.State.RetryCount', '$$.State.EnteredTime', '$$.Map.Item.Value', '$$.Map.Item.Index',
  '$$.Task.Token', '$$.Execution.Input.items', '$.a.b[?(@ > 0)]', '$.items[?(@.k in [1,2])]', '$.items[?(@.length() > 1)]', '$.n.length()',
];

export const INTRINSICS = [
  "States.Format('{} and {}', $.a, $.b)", "States.Format('{}', $.deep)", "States.Format('\\{}', $.a)", 'States.Format($.s)',
  'States.StringToJson($.s)', 'States.StringToJson($.a)', 'States.JsonToString($)', 'States.JsonToString($.big)',
  'States.Array($.a, $.n, 1, null)', 'States.ArrayPartition($.items, 0)', 'States.ArrayPartition($.items, $.n)', 'States.ArrayPartition($.big, 1)',
  'States.ArrayRange(1, 1000000, 1)', 'States.ArrayRange(0, $.n, 0)', 'States.ArrayRange(0, 1000001, 1)', 'States.ArrayRange($.n, $.m, $.n)',
  'States.ArrayGetItem($.items, $.n)', 'States.ArrayGetItem($.items, -1)', 'States.ArrayContains($.items, $.a)', 'States.ArrayLength($.a)',
  'States.ArrayLength($.big)', 'States.ArrayUnique($.items)', 'States.ArrayUnique($.big)', 'States.Base64Encode($.s)', 'States.Base64Decode($.s)',
  "States.Hash($.s, 'SHA-256')", 'States.Hash($.s, $.alg)', "States.Hash($.deep, 'MD5')", 'States.JsonMerge($.a, $.b, false)', 'States.JsonMerge($.deep, $.deep, false)',
  'States.MathRandom($.n, $.m)', 'States.MathRandom(1, 1)', 'States.MathAdd($.n, $.m)', 'States.MathAdd(2147483647, 1)', 'States.StringSplit($.s, $.d)',
  "States.StringSplit($.s, '')", 'States.UUID()', 'States.ArrayGetItem(States.Array(1,2), $.n)', 'States.MathRandom($.n, $.n, $.m)',
];

export const JSONATA = [
  '{% $states.input %}', '{% $states.input.a.b %}', '{% 1/0 %}', '{% -1/0 %}', '{% 0/0 %}', '{% $number("1e309") %}', '{% [1..10000000] %}', '{% $count([1..$states.input.n]) %}',
  '{% $string($states.input) %}', '{% $pad("x", 100000000) %}', '{% $reduce([1..100000], function($a, $b){ $a + $b }) %}', '{% function($x){ $x } %}',
  '{% $states.context.Execution.Id %}', '{% $x %}', '{% $sum($states.input.items) %}', '{% $states.input.items[0] %}', '{% $error("boom") %}',
  '{% $millis() %}', '{% $now() %}', '{% $random() %}', '{% $sort($states.input.items) %}', '{% $split($states.input.s, "") %}',
  '{% $replace("abc", /x*/, "y") %}', '{% $match("aaa", /a*?/) %}', '{% $keys($states.input) %}', '{% (function($f){ $f($f) })(function($f){ $f($f) }) %}',
  '{% $merge([]) %}', '{% -0 %}', '{% 9007199254740993 %}', '{% $states.result %}', '{% $states.errorOutput %}', '{% $uuid() %}',
  '{% $hash("x", "MD5") %}', '{% $parse("{\\"a\\":") %}', '{% $partition($states.input.items, 0) %}', '{% $range(0, 1e9, 1) %}', '{% $eval("1+1") %}',
  '{% $states.input.big ~> $map(function($v){ $v * 2 }) %}', '{% $states.input.deep %}', '{% $string($states.input.deep) %}', '{% $exists($states.input.nope) %}',
  '{% $states.input.n > 0 %}', '{% true %}', '{% null %}', '{% "" %}', '{% $formatNumber(1e308, "#,##0") %}', '{% $power(10, 400) %}', '{% $sqrt(-1) %}',
  '{% $toMillis("not a date") %}', '{% $fromMillis(1e20) %}', '{% $base64decode("%%%") %}', '{% $decodeUrl("%E0%A4%A") %}', '{% $lookup($states.input, "__proto__") %}',
  '{% {"a": $states.input.a} %}', '{% $states.input.s & $states.input.s %}', '{% $substring("abc", 1e300) %}', '{% [1,2,3][999999999] %}',
  '{% $zip([1..100000], [1..100000]) %}', '{% $spread($states.input) %}', '{% $single([]) %}', '{% $distinct($states.input.big) %}',
];

const WEIRD = [null, true, false, 0, -1, 1.5, '', 'x', [], {}, [[]], { a: 1 }, 'States.ALL', 'States.TaskFailed', 'a'.repeat(300), '\u0000', '$', '$.', '$$.', 'States.Format(', '{% %}', '{%', '%}'];

const pathValue = fc.constantFrom(...PATHS);
const referencePath = fc.constantFrom('$', '$.a', '$.r', '$.items[0]', '$.a.b', "$['ü ключ 🔑']", '$.n');
const intrinsicValue = fc.constantFrom(...INTRINSICS);
const jsonataValue = fc.constantFrom(...JSONATA);
const rawNumber = fc.constantFrom(...RAW_NUMBERS).map(RAW);
const weird = fc.constantFrom<unknown>(...WEIRD);

/** A value for a field: any of the pools, weighted toward what evaluates at run time. */
export const fieldValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: pathValue },
  { weight: 3, arbitrary: intrinsicValue },
  { weight: 3, arbitrary: jsonataValue },
  { weight: 2, arbitrary: rawNumber },
  { weight: 2, arbitrary: weird },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

/** A payload template (Parameters, ResultSelector, ItemSelector, Arguments, Output, Assign). */
const templateObject = fc.dictionary(fc.constantFrom('a', 'b.$', 'c.$', 'n', 'items.$', 'ü.$', 'x', 'd.$'), fieldValue, { maxKeys: 4 });
export const templateValue: fc.Arbitrary<unknown> = fc.oneof(templateObject, fieldValue);

/** Templates the validator mostly accepts: JSONPath's '.$' members take a path or an intrinsic; JSONata's values are expressions or plain JSON. */
const plainValue = fc.oneof(rawNumber, weird, fc.jsonValue({ maxDepth: 2 }));
const jsonPathTemplate = fc
  .tuple(fc.dictionary(fc.constantFrom('b', 'c', 'items', 'ü 🔑', 'd'), fc.oneof(pathValue, intrinsicValue), { maxKeys: 3 }), fc.dictionary(fc.constantFrom('a', 'n', 'x'), plainValue, { maxKeys: 2 }))
  .map(([dynamic, fixed]) => ({ ...fixed, ...Object.fromEntries(Object.entries(dynamic).map(([key, value]) => [`${key}.$`, value])) }));
const jsonataTemplate = fc.oneof(jsonataValue, fc.dictionary(fc.constantFrom('a', 'b', 'items', 'ü 🔑', 'n'), fc.oneof(jsonataValue, jsonataValue, plainValue), { maxKeys: 3 }));
const jsonataAssign = fc.dictionary(fc.constantFrom('x', 'y', 'items', 'ü'), fc.oneof(jsonataValue, jsonataValue, plainValue), { maxKeys: 3 });

/**
 * The values a grammar definition draws its fields from. HOSTILE leans on what has broken
 * executions; MILD keeps to paths and expressions that mostly select something, so that
 * executions get past their first state to tasks, timers, retries and children.
 */
interface Pools {
  readonly path: fc.Arbitrary<string>;
  readonly reference: fc.Arbitrary<string>;
  readonly intrinsic: fc.Arbitrary<string>;
  readonly jsonata: fc.Arbitrary<string>;
  readonly jsonPathTemplate: fc.Arbitrary<unknown>;
  readonly jsonataTemplate: fc.Arbitrary<unknown>;
  readonly jsonataAssign: fc.Arbitrary<unknown>;
  readonly raw: (literal: string) => unknown;
}

const HOSTILE: Pools = { path: pathValue, reference: referencePath, intrinsic: intrinsicValue, jsonata: jsonataValue, jsonPathTemplate, jsonataTemplate, jsonataAssign, raw: RAW };

const mildPath = fc.constantFrom('$', '$.a', '$.items', '$.items[0]', '$.n', '$.s', '$$.Execution.Id', '$$.State.Name', '$.items[*]');
const mildJsonata = fc.constantFrom('{% $states.input %}', '{% $states.input.items %}', '{% $states.input.n %}', '{% $states.input.a %}', '{% 1 %}', '{% "text" %}', '{% $states.context.State.Name %}');
const mildIntrinsic = fc.constantFrom("States.Format('{}', $.n)", 'States.JsonToString($)', 'States.ArrayLength($.items)', 'States.UUID()', "States.Hash($.s, 'SHA-256')");
const mildPlain = fc.jsonValue({ maxDepth: 1 });
const MILD: Pools = {
  path: mildPath,
  reference: fc.constantFrom('$', '$.r', '$.result'),
  intrinsic: mildIntrinsic,
  jsonata: mildJsonata,
  jsonPathTemplate: fc.dictionary(fc.constantFrom('b.$', 'c.$', 'x'), fc.oneof(mildPath, mildIntrinsic), { maxKeys: 2 }).map((template) =>
    Object.fromEntries(Object.entries(template).map(([key, value]) => (key.endsWith('.$') ? [key, value] : [key, 1]))),
  ),
  jsonataTemplate: fc.oneof(mildJsonata, fc.dictionary(fc.constantFrom('a', 'b'), fc.oneof(mildJsonata, mildPlain), { maxKeys: 2 })),
  jsonataAssign: fc.dictionary(fc.constantFrom('x', 'y'), fc.oneof(mildJsonata, mildPlain), { maxKeys: 2 }),
  raw: () => 1,
};

type Obj = Record<string, unknown>;
type Path = ReadonlyArray<string | number>;

function pathsOf(value: unknown, prefix: Path = [], found: Path[] = []): Path[] {
  if (found.length > 3_000 || value === null || typeof value !== 'object') return found;
  const children: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((item, index) => [index, item]) : Object.entries(value);
  for (const [key, child] of children) {
    found.push([...prefix, key]);
    pathsOf(child, [...prefix, key], found);
  }
  return found;
}

/** The objects that look like states (they have a Type), where fields are added. */
function stateObjects(value: unknown, found: Obj[] = []): Obj[] {
  if (value === null || typeof value !== 'object') return found;
  if (!Array.isArray(value) && typeof (value as Obj).Type === 'string') found.push(value as Obj);
  for (const child of Object.values(value)) stateObjects(child, found);
  return found;
}

const STATE_FIELDS = [
  'InputPath', 'OutputPath', 'ResultPath', 'Parameters', 'ResultSelector', 'ItemsPath', 'ItemSelector', 'Assign', 'Output', 'Arguments', 'Items',
  'TimeoutSeconds', 'HeartbeatSeconds', 'TimeoutSecondsPath', 'HeartbeatSecondsPath', 'MaxConcurrency', 'MaxConcurrencyPath', 'ToleratedFailurePercentage',
  'ToleratedFailureCount', 'ToleratedFailureCountPath', 'Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath', 'Result', 'Error', 'Cause', 'ErrorPath', 'CausePath',
  'Retry', 'Catch', 'Default', 'Credentials',
];

const STRUCTURAL = new Set(['Type', 'States', 'StartAt', 'Next', 'End', 'Branches', 'ItemProcessor', 'Iterator', 'Choices', 'Comment', 'Default', 'ProcessorConfig', 'Mode', 'QueryLanguage']);

export interface Mutation {
  readonly pick: number;
  readonly kind: 'replace' | 'rename' | 'add' | 'delete';
  readonly value: unknown;
  readonly field: string;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  pick: fc.nat(),
  kind: fc.constantFrom<Mutation['kind']>('replace', 'replace', 'replace', 'rename', 'add', 'add', 'delete'),
  value: fc.oneof(fieldValue, templateValue, retryValue(), catchValue()),
  field: fc.constantFrom(...STATE_FIELDS),
});

function retryValue(): fc.Arbitrary<unknown> {
  return fc.array(
    fc.record(
      {
        ErrorEquals: fc.constantFrom(['States.TaskFailed'], ['States.Timeout'], ['States.Runtime'], ['CustomError'], ['States.QueryEvaluationError']),
        IntervalSeconds: fc.constantFrom<unknown>(0, 1, 2, 99999999),
        MaxAttempts: fc.constantFrom<unknown>(0, 1, 3, 99999999),
        BackoffRate: fc.constantFrom<unknown>(1, 2, 1e6, 1.5),
        MaxDelaySeconds: fc.constantFrom<unknown>(1, 31622400),
        JitterStrategy: fc.constantFrom('FULL', 'NONE'),
      },
      { requiredKeys: ['ErrorEquals'] },
    ),
    { minLength: 1, maxLength: 2 },
  );
}

function catchValue(p: Pools = HOSTILE, jsonata = false, next = 'End'): fc.Arbitrary<unknown> {
  const rule = stateRecord(
    {
      ErrorEquals: fc.constantFrom<unknown>(['States.ALL'], ['States.TaskFailed'], ['States.Runtime'], ['CustomError'], ['States.QueryEvaluationError']),
      Next: fc.constant(next),
      ...(jsonata ? { Output: p.jsonata } : { ResultPath: fc.oneof(p.reference, fc.constant(null)) }),
    },
    ['ErrorEquals', 'Next'],
  );
  return fc.array(rule, { minLength: 1, maxLength: 2 });
}

/** Applies mutations to a copy of `definition` (an object tree). */
export function mutate(definition: unknown, mutations: readonly Mutation[]): unknown {
  const copy = structuredClone(definition) as Obj;
  for (const { value: shared, ...change } of mutations) {
    // fc.constantFrom hands out the same object every time: each use gets its own copy.
    const value = structuredClone(shared);
    if (change.kind === 'add') {
      const states = stateObjects(copy);
      if (states.length === 0) continue;
      const state = states[change.pick % states.length];
      state[change.field] = value;
      continue;
    }
    // Structural members (the graph itself) are left alone: most changes to them are refused, and teach nothing about evaluation.
    const paths = pathsOf(copy).filter((path) => !STRUCTURAL.has(String(path[path.length - 1])) && !STRUCTURAL.has(String(path[path.length - 2])));
    if (paths.length === 0) continue;
    const path = paths[change.pick % paths.length];
    let parent = copy as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
    const last = path[path.length - 1];
    if (change.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else if (change.kind === 'rename' && !Array.isArray(parent) && typeof last === 'string') {
      // A template key gains or loses its '.$': its value is then read as a path, or as text.
      const renamed = last.endsWith('.$') ? last.slice(0, -2) : `${last}.$`;
      parent[renamed] = renamed.endsWith('.$') ? value : parent[last];
      delete parent[last];
    } else {
      parent[last] = value;
    }
  }
  return copy;
}

/** A corpus definition with one to three mutations. */
export function mutatedCorpusDefinition(corpus: readonly unknown[]): fc.Arbitrary<unknown> {
  return fc.tuple(fc.constantFrom(...corpus), fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([definition, mutations]) => mutate(definition, mutations));
}

const RESOURCES = [
  'arn:aws:states:us-east-1:123456789012:activity:act',
  'arn:aws:lambda:us-east-1:123456789012:function:f',
  'arn:aws:states:::lambda:invoke',
  'arn:aws:states:::lambda:invoke.waitForTaskToken',
  'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
  'arn:aws:states:::states:startExecution.sync',
  'arn:aws:states:::states:startExecution.sync:2',
  'arn:aws:states:::dynamodb:getItem',
  'arn:aws:states:::aws-sdk:s3:getObject',
  'arn:aws:states:::http:invoke',
  'arn:aws:states:::batch:submitJob.sync',
];

/**
 * A small definition from a grammar of states: S0…Sn, each of a random type with random
 * fields, transitions mostly forward (now and then back, a loop), in JSONPath or JSONata.
 */
export const grammarDefinition: fc.Arbitrary<unknown> = fc
  .record({
    pools: fc.constantFrom(HOSTILE, MILD),
    jsonata: fc.boolean(),
    count: fc.integer({ min: 1, max: 6 }),
    timeout: fc.option(fc.constantFrom<unknown>(1, 60, 99999999, RAW('1e309')), { nil: undefined }),
  })
  .chain(({ pools, jsonata, count, timeout }) =>
    fc.array(stateArbitrary(pools, jsonata, count, 0), { minLength: count, maxLength: count }).map((states) => ({
      ...(jsonata ? { QueryLanguage: 'JSONata' } : {}),
      ...(timeout !== undefined ? { TimeoutSeconds: timeout } : {}),
      StartAt: 'S0',
      States: Object.fromEntries(states.map((state, index) => [`S${index}`, closeTransitions(state, index, count)])),
    })),
  );

/** Next names a state that exists; the last state ends. State names are unique machine-wide: a branch's carry its prefix. */
function closeTransitions(state: Obj, index: number, count: number, prefix = ''): Obj {
  const target = (pick: unknown) => `${prefix}S${typeof pick === 'number' ? pick % count : Math.min(index + 1, count - 1)}`;
  const copy = { ...state };
  const terminal = copy.Type === 'Succeed' || copy.Type === 'Fail';
  if (copy.Type === 'Choice') {
    copy.Choices = (copy.Choices as Obj[]).map((rule) => ({ ...rule, Next: target(rule.Next) }));
    if (copy.Default !== undefined) copy.Default = target(copy.Default);
  } else if (!terminal) {
    if (index === count - 1 && typeof copy.Next !== 'number') {
      delete copy.Next;
      copy.End = true;
    } else copy.Next = target(copy.Next);
  }
  if (Array.isArray(copy.Catch)) copy.Catch = (copy.Catch as Obj[]).map((rule) => ({ ...rule, Next: target(undefined) }));
  return copy;
}

type Fields = Record<string, fc.Arbitrary<unknown>>;

/** A state's fields, each optional unless `required`; fc.option's undefined drops out of the JSON. */
function stateRecord(fields: Fields, required: readonly string[] = ['Type']): fc.Arbitrary<Obj> {
  return fc.record(fields, { requiredKeys: required as never[] }) as unknown as fc.Arbitrary<Obj>;
}

function stateArbitrary(p: Pools, jsonata: boolean, count: number, depth: number): fc.Arbitrary<Obj> {
  // Next: a forward step (undefined) or, one time in five, any state by number (a loop, perhaps).
  const next = fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat({ max: count - 1 }) });
  const templateValue = jsonata ? p.jsonataTemplate : p.jsonPathTemplate;
  const assignValue = jsonata ? p.jsonataAssign : p.jsonPathTemplate;
  const io: Fields = jsonata
    ? { Output: fc.option(templateValue, { nil: undefined }), Assign: fc.option(assignValue, { nil: undefined }) }
    : {
        InputPath: fc.option(fc.oneof(p.path, fc.constant(null)), { nil: undefined }),
        OutputPath: fc.option(fc.oneof(p.path, fc.constant(null)), { nil: undefined }),
        Assign: fc.option(assignValue, { nil: undefined }),
      };
  /** States with a result (Pass, Task, Parallel, Map) take ResultPath too. */
  const withResult: Fields = jsonata ? io : { ...io, ResultPath: fc.option(fc.oneof(p.reference, fc.constant(null)), { nil: undefined }) };
  const pass = stateRecord({ Type: fc.constant('Pass'), Next: next, ...withResult, ...(jsonata ? {} : { Parameters: fc.option(templateValue, { nil: undefined }), Result: fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }) }) });
  // A Wait takes exactly one of its time fields.
  const waitTime: fc.Arbitrary<Obj> = jsonata
    ? fc.oneof(
        fc.record({ Seconds: fc.oneof(p.jsonata, fc.constantFrom<unknown>(0, 1, 99999999)) }),
        fc.record({ Timestamp: fc.oneof(p.jsonata, fc.constantFrom('2026-01-01T00:00:00Z', '1970-01-01T00:00:00Z', '9999-12-31T23:59:59Z')) }),
      )
    : fc.oneof(
        fc.record({ Seconds: fc.constantFrom<unknown>(0, 1, 86400, 99999999, p.raw('1e-400'), p.raw('-0')) }),
        fc.record({ SecondsPath: p.path }),
        fc.record({ TimestampPath: p.path }),
        fc.record({ Timestamp: fc.constantFrom('2026-01-01T00:00:00Z', '1970-01-01T00:00:00.000000001Z', '9999-12-31T23:59:59Z', '2026-02-30T00:00:00Z') }),
      );
  const wait = fc.tuple(stateRecord({ Type: fc.constant('Wait'), Next: next, ...io }), waitTime).map(([state, time]) => ({ ...state, ...time }));
  // A Task's timeouts: literal seconds or a path (one of each pair at most), HeartbeatSeconds under TimeoutSeconds.
  const taskTimeouts: fc.Arbitrary<Obj> = jsonata
    ? stateRecord({ TimeoutSeconds: fc.oneof(fc.constantFrom<unknown>(5, 99999999), p.jsonata), HeartbeatSeconds: fc.constantFrom<unknown>(1, 3) }, [])
    : fc.oneof(
        stateRecord({ TimeoutSeconds: fc.constantFrom<unknown>(5, 99999999), HeartbeatSeconds: fc.constantFrom<unknown>(1, 3) }, []),
        stateRecord({ TimeoutSecondsPath: p.path, HeartbeatSecondsPath: p.path }, []),
      );
  const task = fc
    .tuple(
      stateRecord(
        {
          Type: fc.constant('Task'),
          Next: next,
          Resource: fc.constantFrom(...RESOURCES),
          ...withResult,
          ...(jsonata ? { Arguments: fc.option(templateValue, { nil: undefined }) } : { Parameters: fc.option(templateValue, { nil: undefined }), ResultSelector: fc.option(templateValue, { nil: undefined }) }),
          Retry: fc.option(retryValue(), { nil: undefined }),
          Catch: fc.option(catchValue(p, jsonata), { nil: undefined }),
        },
        ['Type', 'Resource'],
      ),
      taskTimeouts,
    )
    .map(([state, timeouts]) => ({ ...state, ...timeouts }));
  const choiceRule: fc.Arbitrary<unknown> = jsonata
    ? fc.record({ Condition: fc.oneof(p.jsonata, fc.constantFrom('{% $states.input.n > 1 %}', '{% $x = 1 %}')), Next: next, Output: fc.option(templateValue, { nil: undefined }), Assign: fc.option(assignValue, { nil: undefined }) }, { requiredKeys: ['Condition', 'Next'] })
    : fc.oneof(
        fc.record({ Variable: p.path, [`${'NumericGreaterThan'}`]: fc.constantFrom<unknown>(1, p.raw('1e309'), p.raw('-0'), p.raw('9007199254740993')), Next: next }),
        fc.record({ Variable: p.path, NumericEqualsPath: p.path, Next: next }),
        fc.record({ Variable: p.path, StringMatches: fc.constantFrom('*', 'a*b*c*d*e*f*g*', '\\*', ''), Next: next }),
        fc.record({ Variable: p.path, TimestampLessThan: fc.constantFrom('2026-01-01T00:00:00Z'), Next: next }),
        fc.record({ Variable: p.path, TimestampEqualsPath: p.path, Next: next }),
        fc.record({ Variable: p.path, IsPresent: fc.boolean(), Next: next }),
        fc.record({ Variable: p.path, StringEqualsPath: p.path, Next: next }),
        fc.record({ Not: fc.record({ Variable: p.path, IsNull: fc.boolean() }), Next: next }),
        fc.record({ And: fc.array(fc.record({ Variable: p.path, BooleanEquals: fc.boolean() }), { minLength: 1, maxLength: 2 }), Next: next }),
      );
  const choice = stateRecord({ Type: fc.constant('Choice'), Choices: fc.array(choiceRule, { minLength: 1, maxLength: 3 }), Default: fc.option(next, { nil: undefined }), ...(jsonata ? { Output: fc.option(templateValue, { nil: undefined }) } : { InputPath: fc.option(p.path, { nil: undefined }), OutputPath: fc.option(p.path, { nil: undefined }) }) }, ['Type', 'Choices']);
  const succeed = stateRecord({ Type: fc.constant('Succeed'), ...(jsonata ? { Output: fc.option(templateValue, { nil: undefined }) } : { OutputPath: fc.option(p.path, { nil: undefined }) }) });
  const fail = stateRecord(
    jsonata
      ? { Type: fc.constant('Fail'), Error: fc.option(fc.oneof(p.jsonata, fc.constant('E')), { nil: undefined }), Cause: fc.option(fc.oneof(p.jsonata, fc.constant('C')), { nil: undefined }) }
      : { Type: fc.constant('Fail'), ErrorPath: fc.option(fc.oneof(p.path, p.intrinsic), { nil: undefined }), CausePath: fc.option(fc.oneof(p.path, p.intrinsic), { nil: undefined }) },
  );
  const leaves = [pass, wait, task, choice, succeed, fail];
  if (depth >= 1) return fc.oneof(...leaves);
  const branch = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.nat({ max: 1_000_000 })).chain(([size, id]) =>
    fc.array(stateArbitrary(p, jsonata, size, depth + 1), { minLength: size, maxLength: size }).map((states) => ({
      StartAt: `B${id}_S0`,
      States: Object.fromEntries(states.map((state, index) => [`B${id}_S${index}`, closeTransitions(state, index, size, `B${id}_`)])),
    })),
  );
  const parallel = stateRecord({ Type: fc.constant('Parallel'), Next: next, Branches: fc.array(branch, { minLength: 1, maxLength: 3 }), ...withResult, Retry: fc.option(retryValue(), { nil: undefined }), Catch: fc.option(catchValue(p, jsonata), { nil: undefined }) }, ['Type', 'Branches']);
  const map = stateRecord(
    {
      Type: fc.constant('Map'),
      Next: next,
      ...withResult,
      ItemProcessor: branch,
      ...(jsonata
        ? { Items: fc.option(fc.oneof(p.jsonata, fc.constant('{% $states.input.items %}'), fc.constant('{% $states.input.big %}')), { nil: undefined }), ItemSelector: fc.option(templateValue, { nil: undefined }) }
        : { ItemsPath: fc.option(fc.oneof(p.path, fc.constantFrom('$.items', '$.big')), { nil: undefined }), ItemSelector: fc.option(templateValue, { nil: undefined }), MaxConcurrencyPath: fc.option(p.path, { nil: undefined }) }),
      MaxConcurrency: fc.option(fc.constantFrom<unknown>(0, 1, 2, 40, p.raw('1e309')), { nil: undefined }),
      ToleratedFailurePercentage: fc.option(fc.constantFrom<unknown>(0, 50, 100), { nil: undefined }),
      Retry: fc.option(retryValue(), { nil: undefined }),
      Catch: fc.option(catchValue(p, jsonata), { nil: undefined }),
    },
    ['Type', 'ItemProcessor'],
  );
  const distributed = stateRecord(
    {
      Type: fc.constant('Map'),
      Next: next,
      ItemProcessor: branch.map((processor) => ({ ...processor, ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } })),
      // JSONata names the reader's bucket and key in Arguments, JSONPath in Parameters.
      ItemReader: fc
        .constantFrom(
          { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Target: { Bucket: 'b', Key: 'items.json' } },
          { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' }, Target: { Bucket: 'b', Key: 'items.csv' } },
          { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSONL' }, Target: { Bucket: 'b', Key: 'broken.jsonl' } },
          { Resource: 'arn:aws:states:::s3:listObjectsV2', Target: { Bucket: 'b' } },
          { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON', MaxItems: 2 }, Target: { Bucket: 'missing', Key: 'k' } },
        )
        .map(({ Target, ...reader }) => ({ ...reader, [jsonata ? 'Arguments' : 'Parameters']: Target })),
      ItemSelector: fc.option(templateValue, { nil: undefined }),
      ItemBatcher: fc.option(fc.constantFrom<unknown>({ MaxItemsPerBatch: 2 }, { MaxInputBytesPerBatch: 10 }), { nil: undefined }),
      ToleratedFailureCount: fc.option(fc.constantFrom<unknown>(0, 1, 100), { nil: undefined }),
      MaxConcurrency: fc.option(fc.constantFrom<unknown>(0, 1, 3), { nil: undefined }),
    },
    ['Type', 'ItemProcessor', 'ItemReader'],
  );
  return fc.oneof(...leaves, parallel, map, distributed);
}

/** What a Distributed Map's ItemReader finds in bucket 'b'. */
export const OBJECTS = [
  { bucket: 'b', key: 'items.json', body: JSON.stringify([{ k: 1 }, { k: 'x' }, [], null, 1e308]) },
  { bucket: 'b', key: 'items.csv', body: 'a,b\n1,2\n"x,y",\n' },
  { bucket: 'b', key: 'broken.jsonl', body: '{"a":1}\n{"a":\n' },
];

/** A value one time in five, else undefined: most inputs stay small enough for the execution to get somewhere. */
function rarely<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
}

function nestedText(depth: number, open: string, leaf: string, close: string): string {
  return open.repeat(depth) + leaf + close.repeat(depth);
}

/**
 * Inputs as JSON text: objects with the fields the pools read ($.a, $.items, $.n…) holding
 * random or extreme values, random JSON, and big or deep ones within the 256 KiB limit.
 */
export const inputText: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .record({
        a: fc.jsonValue({ maxDepth: 2 }),
        b: fc.jsonValue({ maxDepth: 2 }),
        n: fc.constantFrom<unknown>(0, 1, 2, -1, 1.5, '1', 'x', null, 1e308, 2 ** 31, 2 ** 53 + 2, -0),
        m: fc.constantFrom<unknown>(0, 3, -5, 1e308, 'y'),
        s: fc.constantFrom('', 'a,b,c', '{"a":1}', '{"a":', 'héllo ✓ 🔑', '\u0000', 'x'.repeat(10_000), '2026-01-01T00:00:00Z'),
        d: fc.constantFrom(',', '', 'long delimiter'),
        alg: fc.constantFrom('SHA-256', 'MD5', 'NOPE', 'SHA-512'),
        items: fc.array(fc.oneof(fc.record({ k: fc.oneof(fc.integer(), fc.string()) }), fc.jsonValue({ maxDepth: 1 })), { maxLength: 8 }),
        big: rarely(fc.constantFrom(500, 2_000)),
        deep: rarely(fc.constantFrom(50, 1_000, 20_000)),
        raw: rarely(fc.constantFrom(...RAW_NUMBERS)),
      })
      .map(({ big, deep, raw, ...rest }) => {
        let text = JSON.stringify({ ...rest, 'ü ключ 🔑': 1 });
        if (big !== undefined) text = `${text.slice(0, -1)},"big":[${Array.from({ length: big }, (_, index) => index % 7).join(',')}]}`;
        if (deep !== undefined) text = `${text.slice(0, -1)},"deep":${nestedText(deep, '{"a":', '1', '}')}}`;
        if (raw !== undefined) text = `${text.slice(0, -1)},"raw":${raw}}`;
        return text;
      }),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.constantFrom('{}', '[]', 'null', '"s"', '0', '1e309', '-0', '{"a":1e309}', nestedText(60_000, '[', '0', ']'), nestedText(30_000, '{"a":', '0', '}')) },
);

/** Task results (JSON text) the world may answer with. */
export const outputTexts: fc.Arbitrary<string[]> = fc.array(
  fc.oneof(
    fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)),
    fc.constantFrom('{}', 'null', '"x"', '1e309', '{"Payload":{"a":1},"StatusCode":200}', '{"a":1e309}', nestedText(5_000, '[', '0', ']'), `[${'1,'.repeat(30_000)}1]`),
  ),
  { minLength: 1, maxLength: 4 },
);
