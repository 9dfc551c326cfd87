/**
 * The five in-process workloads of issue 7, each a definition and an input given unchanged to
 * both engines. `failingTasks` names the Task states whose work always fails (the Retry loop):
 * Stepstone's bench dispatcher and the peer's local handler both throw `Transient` for them.
 */
export interface Workload {
  readonly name: string;
  readonly definition: Record<string, unknown>;
  readonly input: unknown;
  readonly failingTasks: readonly string[];
}

const PASS_COUNT = 10;
const MAP_ITEMS = 100;
const LOOP_ITERATIONS = 100;
const PARALLEL_BRANCHES = 10;
const RETRY_ATTEMPTS = 3;

function passChain(): Workload {
  const states: Record<string, unknown> = {};
  for (let step = 1; step <= PASS_COUNT; step += 1) {
    states[`Step${step}`] = {
      Type: 'Pass',
      Parameters: { 'order.$': '$.order', 'total.$': '$.total', step },
      ...(step < PASS_COUNT ? { Next: `Step${step + 1}` } : { End: true }),
    };
  }
  return {
    name: '10-Pass chain (Parameters)',
    definition: { StartAt: 'Step1', States: states },
    input: { order: { id: 'order-42', items: ['a', 'b', 'c'] }, total: 99.5, step: 0 },
    failingTasks: [],
  };
}

function mapOverItems(): Workload {
  return {
    name: `Map over ${MAP_ITEMS} items (1 Pass)`,
    definition: {
      StartAt: 'EachItem',
      States: {
        EachItem: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            StartAt: 'Touch',
            States: { Touch: { Type: 'Pass', Parameters: { 'id.$': '$.id', seen: true }, End: true } },
          },
          End: true,
        },
      },
    },
    input: { items: Array.from({ length: MAP_ITEMS }, (_, id) => ({ id, label: `item-${id}` })) },
    failingTasks: [],
  };
}

function choiceLoop(): Workload {
  return {
    name: `Choice loop (${LOOP_ITERATIONS} iterations)`,
    definition: {
      StartAt: 'Check',
      States: {
        Check: {
          Type: 'Choice',
          Choices: [{ Variable: '$.counter', NumericLessThan: LOOP_ITERATIONS, Next: 'Increment' }],
          Default: 'Done',
        },
        Increment: { Type: 'Pass', Parameters: { 'counter.$': 'States.MathAdd($.counter, 1)' }, Next: 'Check' },
        Done: { Type: 'Succeed' },
      },
    },
    input: { counter: 0 },
    failingTasks: [],
  };
}

function parallelBranches(): Workload {
  return {
    name: `Parallel (${PARALLEL_BRANCHES} branches)`,
    definition: {
      StartAt: 'FanOut',
      States: {
        FanOut: {
          Type: 'Parallel',
          Branches: Array.from({ length: PARALLEL_BRANCHES }, (_, branch) => ({
            StartAt: `Branch${branch}`,
            States: { [`Branch${branch}`]: { Type: 'Pass', Parameters: { branch, 'value.$': '$.value' }, End: true } },
          })),
          End: true,
        },
      },
    },
    input: { value: 'fan-out' },
    failingTasks: [],
  };
}

function retryLoop(): Workload {
  return {
    name: `Retry loop (${RETRY_ATTEMPTS} zero-interval retries)`,
    definition: {
      StartAt: 'Flaky',
      States: {
        Flaky: {
          Type: 'Task',
          Resource: 'arn:aws:lambda:us-east-1:123456789012:function:flaky',
          // 0 is below AWS's minimum of 1 s: "zero-interval" is the point of this workload,
          // so neither engine validates this definition (see run-inprocess.ts).
          Retry: [{ ErrorEquals: ['Transient'], IntervalSeconds: 0, MaxAttempts: RETRY_ATTEMPTS, BackoffRate: 1 }],
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Recovered' }],
          End: true,
        },
        Recovered: { Type: 'Succeed' },
      },
    },
    input: { request: 'r-1' },
    failingTasks: ['Flaky'],
  };
}

export const WORKLOADS: readonly Workload[] = [passChain(), mapOverItems(), choiceLoop(), parallelBranches(), retryLoop()];

/**
 * Not in the bench's table: the smallest execution (one state, four history events), so
 * bench/cpu-per-execution.ts can show each engine's fixed cost per execution, which every
 * workload's ratio carries (`--workload "Single Pass"`).
 */
export const FLOOR_WORKLOADS: readonly Workload[] = [
  {
    name: 'Single Pass (the fixed cost of an execution)',
    definition: { StartAt: 'Only', States: { Only: { Type: 'Pass', End: true } } },
    input: { request: 'r-1' },
    failingTasks: [],
  },
];

/** The durable part's workload: the same 10-Pass chain. */
export const DURABLE_WORKLOAD = WORKLOADS[0];
