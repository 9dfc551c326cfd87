/**
 * The crash test's mixed load: one state machine per entry, each with an input. Every entry
 * is deterministic, so an uncrashed reference run (reference.ts) says what it must produce.
 * An entry with `callback` has a `.waitForTaskToken` task that the test's worker
 * (callback-worker.ts) answers through SendTaskSuccess with `callback.answer(payload)`.
 */
export interface Workload {
  readonly name: string;
  readonly definition: Record<string, unknown>;
  input(seed: number): unknown;
  readonly callback?: {
    /** The Lambda function the task invokes; the test's endpoint serves it. */
    readonly functionName: string;
    /** The task's result, from the payload the task sent (the worker and the reference run use it alike). */
    answer(payload: Record<string, unknown>): unknown;
  };
}

/** The function name the callback workload invokes (the crash test serves it). */
export const CALLBACK_FUNCTION = 'crash-callback';

export const WORKLOADS: readonly Workload[] = [
  {
    name: 'waits',
    definition: {
      StartAt: 'Before',
      States: {
        Before: { Type: 'Pass', Parameters: { 'seed.$': '$.seed', stage: 'before' }, Next: 'Nap' },
        Nap: { Type: 'Wait', Seconds: 2, Next: 'After' },
        After: { Type: 'Pass', Parameters: { 'seed.$': '$.seed', stage: 'after' }, End: true },
      },
    },
    input: (seed) => ({ seed }),
  },
  {
    name: 'parallel',
    definition: {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          End: true,
          Branches: [
            { StartAt: 'Slow', States: { Slow: { Type: 'Wait', Seconds: 1, Next: 'Left' }, Left: { Type: 'Pass', Parameters: { 'left.$': '$.seed' }, End: true } } },
            { StartAt: 'Right', States: { Right: { Type: 'Pass', Parameters: { 'right.$': 'States.MathAdd($.seed, 1)' }, End: true } } },
          ],
        },
      },
    },
    input: (seed) => ({ seed }),
  },
  {
    name: 'map',
    definition: {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          MaxConcurrency: 2,
          ItemProcessor: {
            StartAt: 'Pause',
            States: {
              Pause: { Type: 'Wait', Seconds: 1, Next: 'Double' },
              Double: { Type: 'Pass', Parameters: { 'double.$': 'States.MathAdd($.n, $.n)' }, End: true },
            },
          },
          End: true,
        },
      },
    },
    input: (seed) => ({ items: [1, 2, 3, 4].map((n) => ({ n: n + seed })) }),
  },
  {
    name: 'retry-parallel',
    definition: {
      StartAt: 'Flaky',
      States: {
        Flaky: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'Explode', States: { Explode: { Type: 'Fail', Error: 'Flaky.Error', Cause: 'always fails' } } }],
          Retry: [{ ErrorEquals: ['Flaky.Error'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 2 }],
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.caught', Next: 'Recovered' }],
          Next: 'Unreachable',
        },
        Unreachable: { Type: 'Fail', Error: 'Unreachable' },
        Recovered: { Type: 'Pass', End: true },
      },
    },
    input: (seed) => ({ seed }),
  },
  {
    name: 'choice-loop',
    definition: {
      StartAt: 'Check',
      States: {
        Check: { Type: 'Choice', Choices: [{ Variable: '$.count', NumericLessThan: 4, Next: 'Increment' }], Default: 'Done' },
        Increment: { Type: 'Pass', Parameters: { 'count.$': 'States.MathAdd($.count, 1)', 'seed.$': '$.seed' }, Next: 'Breathe' },
        Breathe: { Type: 'Wait', Seconds: 1, Next: 'Check' },
        Done: { Type: 'Succeed' },
      },
    },
    input: (seed) => ({ count: 0, seed }),
  },
  {
    name: 'callback',
    definition: {
      StartAt: 'Prepare',
      States: {
        Prepare: { Type: 'Pass', Parameters: { 'seed.$': '$.seed' }, Next: 'Ask' },
        Ask: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: CALLBACK_FUNCTION, Payload: { 'token.$': '$$.Task.Token', 'execution.$': '$$.Execution.Id', 'seed.$': '$.seed' } },
          ResultPath: '$.answer',
          Next: 'Done',
        },
        Done: { Type: 'Pass', Parameters: { 'seed.$': '$.seed', 'tripled.$': '$.answer.tripled' }, End: true },
      },
    },
    input: (seed) => ({ seed }),
    callback: { functionName: CALLBACK_FUNCTION, answer: (payload) => ({ tripled: Number(payload.seed) * 3 }) },
  },
];
