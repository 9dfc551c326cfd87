import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { createExecutionRunner, executionStreamId, type ExecutionEvent, type ExecutionRunnerOptions, type ExecutionState } from '@stepstone/engine';
import type { EventStore } from '@stepstone/event-store';
import {
  awsEndpointsFromEnv,
  createAwsServiceCaller,
  createLambdaInvoker,
  createRoutingTaskDispatcher,
  mockedOutcomeOf,
  type ActivityTaskQueue,
  type AwsEndpoints,
  type ExecutionEndWatcher,
} from '@stepstone/integrations';
import { loadActivity } from '../activities/activity-stream';
import type { Arns } from '../aws-protocol/arns';
import type { ServerConfig } from '../config';
import { createNestedExecutions } from '../executions/nested-executions';
import { ACTIVITY_TASKS, EXECUTION_END_WATCHER, type MockConfigHolder, type TaskCompletionRunner } from './tokens';

/**
 * The runner with its task dispatcher. They need each other (nested executions start children
 * through the runner; the runner dispatches tasks), so the dispatcher reaches the runner lazily.
 * Integration endpoints come from the environment: `STEPSTONE_LAMBDA_ENDPOINT`,
 * `STEPSTONE_LOCAL_FUNCTIONS`, `STEPSTONE_ENDPOINT_<SERVICE>`, `STEPSTONE_AWS_ENDPOINT`. With a
 * mock configuration (`STEPSTONE_MOCK_CONFIG` or `PUT /mock-config`), executions started as
 * `<stateMachineArn>#<TestCase>` get their mocked responses before any real call (Step
 * Functions Local's behaviour).
 */
export function createRunnerWithIntegrations(deps: {
  store: EventStore;
  arns: Arns;
  config: ServerConfig;
  activities: ActivityTaskQueue;
  watcher: ExecutionEndWatcher;
  /** The mock configuration in force, read at each dispatch. */
  mocks: MockConfigHolder;
  /** Everything else the runner takes (clock, object store, test hooks); `onAppended` runs after the integrations'. */
  runnerOptions?: Omit<ExecutionRunnerOptions, 'store' | 'taskDispatcher'>;
}): TaskCompletionRunner {
  const env = deps.config.integrationEnv;
  const created: { runner?: TaskCompletionRunner } = {};
  const getRunner = (): TaskCompletionRunner => {
    if (!created.runner) throw new Error('runner not created yet');
    return created.runner;
  };
  /** Whether the execution's open task with this token is in the given phase (started, submitted). */
  const openTaskHas = async (executionArn: string, token: string, phase: (cursor: NonNullable<ExecutionState['threads'][string]['cursor']>) => boolean): Promise<boolean> => {
    const loaded = await getRunner().load(executionArn);
    return Object.values(loaded?.state.threads ?? {}).some((thread) => thread.cursor?.phase === 'task' && thread.cursor.token === token && phase(thread.cursor));
  };
  const activityExists = async (activityArn: string): Promise<boolean> => {
    const name = /:activity:([^:]+)$/.exec(activityArn)?.[1];
    if (!name) return false;
    const { state } = await loadActivity(deps.store, name);
    return state?.activityArn === activityArn;
  };
  const lambdaEndpoint = env.STEPSTONE_LAMBDA_ENDPOINT ?? env.STEPSTONE_ENDPOINT_LAMBDA ?? env.STEPSTONE_AWS_ENDPOINT;
  const taskDispatcher = createRoutingTaskDispatcher({
    mocks: (request) => (deps.mocks.current ? mockedOutcomeOf(deps.mocks.current, request) : undefined),
    activities: deps.activities,
    lambda: createLambdaInvoker({
      ...(lambdaEndpoint ? { endpoint: lambdaEndpoint } : {}),
      // Without an endpoint, only real AWS is left: call it when credentials are configured.
      remote: lambdaEndpoint !== undefined || env.AWS_ACCESS_KEY_ID !== undefined || env.AWS_PROFILE !== undefined,
      ...(env.STEPSTONE_LOCAL_FUNCTIONS ? { localFunctionsFile: env.STEPSTONE_LOCAL_FUNCTIONS } : {}),
      region: deps.config.region,
      account: deps.config.account,
    }),
    aws: createAwsServiceCaller(withSelfAsStepFunctions(awsEndpointsFromEnv(env, deps.config.region), deps.config)),
    executions: createNestedExecutions({ store: deps.store, arns: deps.arns, runner: getRunner, watcher: deps.watcher }),
    activityExists,
    taskStarted: (executionArn, token) => openTaskHas(executionArn, token, (cursor) => cursor.taskStarted === true),
    taskSubmitted: (executionArn, token) => openTaskHas(executionArn, token, (cursor) => cursor.taskSubmitted === true),
    syncJobs: {
      pollSeconds: syncPollSeconds(env.STEPSTONE_SYNC_POLL_SECONDS),
      submittedOutput: async (executionArn, token) => {
        const loaded = await getRunner().load(executionArn);
        const submitted = Object.values(loaded?.state.threads ?? {}).some((thread) => thread.cursor?.token === token && thread.cursor.taskSubmitted === true);
        return submitted ? submittedOutputOf(deps.store, executionArn, token) : undefined;
      },
      taskOpen: async (executionArn, token) => {
        const loaded = await getRunner().load(executionArn);
        if (!loaded) return true;
        return loaded.state.status === 'RUNNING' && Object.values(loaded.state.threads).some((thread) => thread.cursor?.phase === 'task' && thread.cursor.token === token);
      },
      executionEnded: (executionArn) => deps.watcher.waitUntilClosed(executionArn, async () => (await getRunner().load(executionArn))?.state.status !== 'RUNNING'),
      stopping: () => deps.watcher.isClosed(),
    },
  });
  const { onAppended: afterIntegrations, ...runnerOptions } = deps.runnerOptions ?? {};
  const runner = createExecutionRunner({
    ...runnerOptions,
    store: deps.store,
    taskDispatcher,
    // Asked before scheduling (AWS writes no ActivityScheduled for a missing activity); the
    // dispatcher asks again for an activity deleted between scheduling and dispatch.
    activityExists,
    onAppended: (executionArn, events, state) => {
      const closed = state.status !== 'RUNNING';
      deps.watcher.notify(executionArn, closed);
      if (closed) {
        deps.activities.forgetExecution(executionArn);
        taskDispatcher.forgetExecution(executionArn);
      }
      afterIntegrations?.(executionArn, events, state);
    },
  });
  created.runner = Object.assign(runner, { performTask: (task: Parameters<typeof taskDispatcher.dispatch>[0]) => taskDispatcher.dispatch(task) });
  return created.runner;
}

/** `STEPSTONE_SYNC_POLL_SECONDS`: seconds between a `.sync` job's describe calls (fractions allowed). */
function syncPollSeconds(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`STEPSTONE_SYNC_POLL_SECONDS must be a positive number of seconds, got '${text}'`);
  return seconds;
}

/**
 * The output of the TaskSubmitted event of the task scheduled with `token`: a `.sync` job already
 * started, which a re-dispatched task follows instead of starting another.
 */
async function submittedOutputOf(store: EventStore, executionArn: string, token: string): Promise<string | undefined> {
  let thread: string | undefined;
  let ours = false;
  let output: string | undefined;
  for (const { data } of await store.readStream(executionStreamId(executionArn))) {
    const event = data as ExecutionEvent;
    if (event.type.endsWith('Scheduled') && (event.x.token === token || event.x.th === thread)) {
      ours = event.x.token === token;
      if (ours) thread = event.x.th;
    } else if (ours && event.type === 'TaskSubmitted' && event.x.th === thread) {
      output = (event.taskSubmittedEventDetails as { output?: string } | undefined)?.output;
    }
  }
  return output;
}

/** Long polls and `.sync` waits end before the HTTP server closes, so shutdown does not hang on them. */
@Injectable()
export class IntegrationsLifecycle implements BeforeApplicationShutdown {
  constructor(
    @Inject(ACTIVITY_TASKS) private readonly activities: ActivityTaskQueue,
    @Inject(EXECUTION_END_WATCHER) private readonly watcher: ExecutionEndWatcher,
  ) {}

  beforeApplicationShutdown(): void {
    this.activities.close();
    this.watcher.close();
  }
}

/**
 * `aws-sdk:sfn:*` tasks (sendTaskSuccess, startExecution, describeExecution…) talk to this
 * server unless `STEPSTONE_ENDPOINT_SFN` says otherwise: the state machines live here.
 */
function withSelfAsStepFunctions(endpoints: AwsEndpoints, config: ServerConfig): AwsEndpoints {
  const explicit = config.integrationEnv.STEPSTONE_ENDPOINT_SFN;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const self = `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
  const isSelf = (service: string) => service === 'sfn' && explicit === undefined;
  return {
    region: endpoints.region,
    endpointFor: (service, packageSuffix) => (isSelf(service) ? self : endpoints.endpointFor(service, packageSuffix)),
    credentialsFor: (service) => (isSelf(service) ? { accessKeyId: 'stepstone', secretAccessKey: 'stepstone' } : undefined),
  };
}
