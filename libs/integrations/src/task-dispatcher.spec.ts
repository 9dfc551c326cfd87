import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TaskProgress, TaskRequest } from '@stepstone/engine';
import { createActivityTaskQueue } from './activities/activity-task-queue';
import { awsEndpointsFromEnv, createAwsServiceCaller } from './aws-services/aws-service-call';
import { functionNameOf, type LambdaInvocation, type LambdaInvoker } from './lambda/lambda-invoker';
import { createRoutingTaskDispatcher, type RoutingTaskDispatcherOptions } from './task-dispatcher';

const executionArn = 'arn:aws:states:us-east-1:123456789012:execution:m:e';

/** The fields the dispatcher reads (cast: the engine may add fields routing does not need). */
function request(resource: string, parameters: unknown, progress: TaskProgress[] = [], token = 'token-1'): TaskRequest {
  return {
    executionArn,
    stateName: 'T',
    token,
    resource,
    parameters,
    report: async (item) => {
      progress.push(item);
      return true;
    },
  } as TaskRequest;
}

/** Records invocations and answers from a table (the real invoker is covered end to end). */
function recordingLambda(answers: Record<string, { payload: unknown; functionError?: string }>): LambdaInvoker & { calls: LambdaInvocation[] } {
  const calls: LambdaInvocation[] = [];
  return {
    calls,
    async invoke(invocation) {
      calls.push(invocation);
      const answer = answers[functionNameOf(invocation.functionName)] ?? { payload: null };
      return {
        statusCode: 200,
        executedVersion: '$LATEST',
        payloadText: JSON.stringify(answer.payload),
        requestId: 'r',
        headers: {},
        ...(answer.functionError ? { functionError: answer.functionError } : {}),
      };
    },
  };
}

function dispatcher(overrides: Partial<RoutingTaskDispatcherOptions> = {}) {
  const activities = createActivityTaskQueue();
  const lambda = recordingLambda({ f: { payload: { ok: 1 } }, bad: { payload: { errorType: 'Oops', errorMessage: 'no' }, functionError: 'Unhandled' } });
  const options: RoutingTaskDispatcherOptions = { activities, lambda, aws: createAwsServiceCaller(awsEndpointsFromEnv({}, 'us-east-1')), ...overrides };
  return { dispatcher: createRoutingTaskDispatcher(options), activities, lambda };
}

describe('routing task dispatcher', () => {
  it('consults the mocks hook first: a mocked outcome replaces the call', async () => {
    const { dispatcher: routing, lambda } = dispatcher({ mocks: (task) => (task.stateName === 'T' ? { kind: 'succeeded', output: '"mocked"' } : undefined) });
    const outcome = await routing.dispatch(request('arn:aws:states:::lambda:invoke', { FunctionName: 'f' }));
    assert.deepEqual(outcome, { kind: 'succeeded', output: '"mocked"' });
    assert.equal(lambda.calls.length, 0);
  });

  it('routes lambda:invoke to the invoker with AWS\'s result shape, and a function error to its errorType', async () => {
    const { dispatcher: routing } = dispatcher();
    const ok = await routing.dispatch(request('arn:aws:states:::lambda:invoke', { FunctionName: 'f', Payload: { a: 1 } }));
    assert.equal(ok?.kind, 'succeeded');
    assert.deepEqual(JSON.parse((ok as { output: string }).output).Payload, { ok: 1 });
    const bad = await routing.dispatch(request('arn:aws:lambda:us-east-1:123456789012:function:bad', {}));
    assert.equal(bad?.kind, 'failed');
    assert.equal((bad as { error: string }).error, 'Oops');
  });

  it('queues an activity task (completes later) unless it already started before a restart', async () => {
    const activityArn = 'arn:aws:states:us-east-1:123456789012:activity:a';
    const started = new Set(['token-started']);
    const { dispatcher: routing, activities } = dispatcher({ taskStarted: async (_arn, token) => started.has(token) });
    assert.equal(await routing.dispatch(request(activityArn, { n: 1 }, [], 'token-new')), undefined);
    assert.equal(await routing.dispatch(request(activityArn, { n: 2 }, [], 'token-started')), undefined);
    assert.equal(activities.size(activityArn), 1);
    assert.deepEqual(await activities.poll(activityArn, undefined, 10), { taskToken: 'token-new', input: '{"n":1}' });
    activities.close();
  });

  it('a task for an activity that does not exist fails with States.Runtime', async () => {
    const activityArn = 'arn:aws:states:us-east-1:123456789012:activity:gone';
    const { dispatcher: routing, activities } = dispatcher({ activityExists: async () => false });
    const outcome = await routing.dispatch(request(activityArn, {}));
    assert.deepEqual(outcome, { kind: 'failed', error: 'States.Runtime', cause: `An error occurred while executing the state 'T'. The activity ${activityArn} does not exist.` });
    assert.equal(activities.size(activityArn), 0);
  });

  it('.waitForTaskToken performs the call once, reports started and submitted, and answers undefined', async () => {
    const { dispatcher: routing, lambda } = dispatcher();
    const progress: TaskProgress[] = [];
    const resource = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
    assert.equal(await routing.dispatch(request(resource, { FunctionName: 'f', Payload: { token: 'token-1' } }, progress)), undefined);
    assert.equal(await routing.dispatch(request(resource, { FunctionName: 'f', Payload: { token: 'token-1' } }, progress)), undefined);
    assert.equal(lambda.calls.length, 1, 'a re-dispatch of the waiting task does not call again');
    assert.deepEqual(progress.map((item) => item.kind), ['started', 'submitted']);
  });

  it('after a restart, .waitForTaskToken calls again unless its TaskSubmitted is durable (a crash may fall between TaskStarted and the call)', async () => {
    const submitted = new Set(['token-submitted']);
    const { dispatcher: routing, lambda } = dispatcher({ taskStarted: async () => true, taskSubmitted: async (_arn, token) => submitted.has(token) });
    const resource = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
    const progress: TaskProgress[] = [];
    assert.equal(await routing.dispatch(request(resource, { FunctionName: 'f', Payload: { token: 'token-started' } }, progress, 'token-started')), undefined);
    assert.equal(await routing.dispatch(request(resource, { FunctionName: 'f', Payload: { token: 'token-submitted' } }, [], 'token-submitted')), undefined);
    assert.deepEqual(lambda.calls.map((call) => (call.payload as { token: string }).token), ['token-started']);
    assert.deepEqual(progress.map((item) => item.kind), ['started', 'submitted']);
  });

  it('a failing callback call fails the task instead of waiting', async () => {
    const { dispatcher: routing } = dispatcher();
    const outcome = await routing.dispatch(request('arn:aws:states:::lambda:invoke.waitForTaskToken', { FunctionName: 'bad' }));
    assert.equal((outcome as { error: string }).error, 'Oops');
  });

  it('a resource it cannot perform fails with States.Runtime', async () => {
    const { dispatcher: routing } = dispatcher();
    const outcome = await routing.dispatch(request('arn:aws:sns:us-east-1:123456789012:topic', {}));
    assert.deepEqual(outcome, { kind: 'failed', error: 'States.Runtime', cause: "The resource 'arn:aws:sns:us-east-1:123456789012:topic' is not a supported Task resource" });
  });

  it('refuses .waitForTaskToken on job integrations AWS offers it not for (Batch, Glue, SageMaker), before any call', async () => {
    const { dispatcher: routing } = dispatcher();
    const progress: TaskProgress[] = [];
    const outcome = await routing.dispatch(request('arn:aws:states:::batch:submitJob.waitForTaskToken', { JobName: 'j' }, progress));
    assert.deepEqual(outcome, {
      kind: 'failed',
      error: 'States.Runtime',
      cause: "The resource 'arn:aws:states:::batch:submitJob.waitForTaskToken' does not support the '.waitForTaskToken' integration pattern",
    });
    assert.deepEqual(progress, []);
  });
});
