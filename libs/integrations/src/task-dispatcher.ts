import { integrationOffersPattern } from '@stepstone/asl';
import type { TaskDispatcher, TaskOutcome, TaskRequest } from '@stepstone/engine';
import type { ActivityTaskQueue } from './activities/activity-task-queue';
import type { createAwsServiceCaller } from './aws-services/aws-service-call';
import { invokeHttp, type HttpInvokeParameters } from './http/http-invoke';
import { jobIntegrationFor } from './jobs/job-integrations';
import { DEFAULT_SYNC_POLL_SECONDS, runJobTask, type SyncJobHooks, type SyncJobsPort } from './jobs/sync-job';
import { functionFailure, lambdaInvokeOutput, parsePayload, type LambdaInvoker } from './lambda/lambda-invoker';
import { IntegrationPattern, parseTaskResource, type TaskResource } from './resource-arn';
import { startNestedExecution, type NestedExecutionPort } from './states/nested-execution';
import { isTaskFailure, TaskFailure } from './task-failure';

export interface RoutingTaskDispatcherOptions {
  readonly activities: ActivityTaskQueue;
  readonly lambda: LambdaInvoker;
  readonly aws: ReturnType<typeof createAwsServiceCaller>;
  /** Nested executions (`states:startExecution`); without it those tasks fail with States.TaskFailed. */
  readonly executions?: NestedExecutionPort;
  /**
   * Whether the task already started (TaskStarted/ActivityStarted is durable). After a restart
   * the runner dispatches every open task again: a started activity task is with its worker and
   * a started callback already sent its token, so neither is handed out or called twice.
   */
  readonly taskStarted?: (executionArn: string, token: string) => Promise<boolean>;
  /**
   * Whether a `.waitForTaskToken` task's call was made (TaskSubmitted is durable). After a
   * restart such a task is called again unless it was: a crash between TaskStarted and the call
   * would otherwise leave it waiting for a token nobody received. The call is at-least-once;
   * the token is the same, so a second completion is refused (TaskTimedOut).
   */
  readonly taskSubmitted?: (executionArn: string, token: string) => Promise<boolean>;
  /**
   * Whether an activity exists. A task for a missing (or deleted) activity fails the execution
   * with States.Runtime, as AWS does (corpus: test_activity_task_on_deleted).
   */
  readonly activityExists?: (activityArn: string) => Promise<boolean>;
  /**
   * Mocked responses (Step Functions Local's mock configuration), consulted before anything
   * runs: an outcome replaces the real call. Plugged in by the mocks module.
   */
  readonly mocks?: (request: TaskRequest) => TaskOutcome | undefined;
  /** `.sync` jobs (Batch, ECS, Glue, SageMaker): poll interval and what the engine knows of a task. */
  readonly syncJobs?: SyncJobsPort;
}

/** A `.sync` job whose task was closed by someone else (abort, timeout): nothing to complete. */
const ABANDONED = Symbol('abandoned');

function sleepUnref(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * The one TaskDispatcher: routes each task by its Resource ARN to the integration that performs
 * it. Activities and `.waitForTaskToken` tasks answer undefined (they complete later through
 * SendTaskSuccess/Failure); everything else answers with its outcome.
 */
export function createRoutingTaskDispatcher(options: RoutingTaskDispatcherOptions): TaskDispatcher & {
  /** Forgets the callbacks of a closed execution (called when it closes). */
  forgetExecution(executionArn: string): void;
} {
  /** Callbacks this process already performed, by execution: a re-dispatch must not call again. */
  const awaitingCallback = new Map<string, Set<string>>();
  const isAwaiting = (request: TaskRequest) => awaitingCallback.get(request.executionArn)?.has(request.token) ?? false;

  async function perform(resource: TaskResource, request: TaskRequest): Promise<unknown> {
    const parameters = (request.parameters ?? {}) as Record<string, unknown>;
    switch (resource.kind) {
      case 'lambda-function': {
        const result = await options.lambda.invoke({ functionName: resource.functionArn, payload: request.parameters });
        if (result.functionError) throw functionFailure(result);
        return parsePayload(result.payloadText);
      }
      case 'integration':
        return performIntegration(resource.service, resource.action, resource.pattern, parameters, request);
      case 'aws-sdk':
        return options.aws.callSdk(resource.service, resource.action, parameters);
      case 'activity':
      case 'unknown':
        throw new TaskFailure('States.Runtime', `The resource '${request.resource}' is not a supported Task resource`);
    }
  }

  async function performIntegration(service: string, action: string, pattern: IntegrationPattern, parameters: Record<string, unknown>, request: TaskRequest): Promise<unknown> {
    if (service === 'lambda' && action === 'invoke') {
      if (typeof parameters.FunctionName !== 'string') throw new TaskFailure('States.Runtime', "The field 'FunctionName' is required and must be a string");
      const result = await options.lambda.invoke({
        functionName: parameters.FunctionName,
        payload: parameters.Payload,
        ...(typeof parameters.InvocationType === 'string' ? { invocationType: parameters.InvocationType } : {}),
        ...(typeof parameters.Qualifier === 'string' ? { qualifier: parameters.Qualifier } : {}),
        ...(typeof parameters.ClientContext === 'string' ? { clientContext: parameters.ClientContext } : {}),
      });
      if (result.functionError) throw functionFailure(result);
      return lambdaInvokeOutput(result);
    }
    if (service === 'http' && action === 'invoke') return invokeHttp(parameters as HttpInvokeParameters);
    if (service === 'states' && action === 'startExecution') {
      if (!options.executions) throw new TaskFailure('States.TaskFailed', 'Nested executions are not available in this process');
      return startNestedExecution(options.executions, parameters, pattern, { executionArn: request.executionArn, token: request.token }, request.report);
    }
    const job = jobIntegrationFor(service, action);
    if (job) {
      // A callback's call arrives here as request-response; the job still needs its real pattern.
      const original = parseTaskResource(request.resource);
      const jobPattern = original.kind === 'integration' ? original.pattern : pattern;
      const send = (jobAction: string, input: Record<string, unknown>) => options.aws.send(job.service, job.packageSuffix, jobAction, input);
      const end = await runJobTask(job, send, jobPattern, parameters, request.token, syncHooks(request));
      return end.kind === 'result' ? end.output : ABANDONED;
    }
    return options.aws.callOptimized(service, action, parameters);
  }

  function syncHooks(request: TaskRequest): SyncJobHooks {
    const jobs = options.syncJobs ?? {};
    return {
      pollIntervalMs: (jobs.pollSeconds ?? DEFAULT_SYNC_POLL_SECONDS) * 1000,
      sleep: jobs.sleep ?? sleepUnref,
      report: request.report,
      submittedOutput: async () => jobs.submittedOutput?.(request.executionArn, request.token),
      taskStarted: () => startedBefore(request),
      taskOpen: async () => (await jobs.taskOpen?.(request.executionArn, request.token)) ?? true,
      ended: () => jobs.executionEnded?.(request.executionArn) ?? new Promise<void>(() => undefined),
      stopping: () => jobs.stopping?.() ?? false,
    };
  }

  /**
   * `.waitForTaskToken` on an integration AWS does not offer it for: refused at creation now, but
   * a definition stored before that check still reaches here.
   */
  function refuseCallback(service: string, action: string, request: TaskRequest): void {
    if (!integrationOffersPattern(service, action, IntegrationPattern.WaitForTaskToken)) {
      throw new TaskFailure('States.Runtime', `The resource '${request.resource}' does not support the '.waitForTaskToken' integration pattern`);
    }
  }

  async function startedBefore(request: TaskRequest): Promise<boolean> {
    return (await options.taskStarted?.(request.executionArn, request.token)) ?? false;
  }

  async function performTask(request: TaskRequest): Promise<TaskOutcome | undefined> {
    const resource = parseTaskResource(request.resource);
    try {
      if (resource.kind === 'activity') {
        if (await startedBefore(request)) return undefined;
        if (options.activityExists && !(await options.activityExists(resource.activityArn))) {
          throw new TaskFailure('States.Runtime', `An error occurred while executing the state '${request.stateName}'. The activity ${resource.activityArn} does not exist.`);
        }
        options.activities.enqueue(resource.activityArn, {
          executionArn: request.executionArn,
          token: request.token,
          input: JSON.stringify(request.parameters ?? {}),
          report: request.report,
        });
        return undefined;
      }
      if ((resource.kind === 'integration' || resource.kind === 'aws-sdk') && resource.pattern === IntegrationPattern.WaitForTaskToken) {
        if (resource.kind === 'integration') refuseCallback(resource.service, resource.action, request);
        if (isAwaiting(request) || ((await options.taskSubmitted?.(request.executionArn, request.token)) ?? false)) return undefined;
        const tokens = awaitingCallback.get(request.executionArn) ?? new Set<string>();
        tokens.add(request.token);
        awaitingCallback.set(request.executionArn, tokens);
        await request.report({ kind: 'started' });
        const response = await perform({ ...resource, pattern: IntegrationPattern.RequestResponse }, request);
        await request.report({ kind: 'submitted', output: JSON.stringify(response ?? null) });
        return undefined;
      }
      const output = await perform(resource, request);
      if (output === ABANDONED) return undefined;
      return { kind: 'succeeded', output: JSON.stringify(output ?? null) };
    } catch (error) {
      awaitingCallback.get(request.executionArn)?.delete(request.token);
      if (isTaskFailure(error)) return { kind: 'failed', error: error.error, cause: error.causeText };
      return { kind: 'failed', error: 'States.TaskFailed', cause: error instanceof Error ? error.message : String(error) };
    }
  }

  return {
    forgetExecution(executionArn) {
      awaitingCallback.delete(executionArn);
    },

    dispatch(request) {
      // A mocked outcome is known at once: returned as it is, the runner decides it without a round trip.
      return options.mocks?.(request) ?? performTask(request);
    },
  };
}
