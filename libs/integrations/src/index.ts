// The only door into @stepstone/integrations: what performs Task states (activities, callbacks,
// Lambda, HTTP, AWS services, nested executions), routed by one TaskDispatcher.
export { createRoutingTaskDispatcher } from './task-dispatcher';
export type { RoutingTaskDispatcherOptions } from './task-dispatcher';
export { createActivityTaskQueue } from './activities/activity-task-queue';
export type { ActivityTaskQueue, QueuedActivityTask } from './activities/activity-task-queue';
export { createLambdaInvoker, functionNameOf } from './lambda/lambda-invoker';
export type { LambdaConfig, LambdaInvoker } from './lambda/lambda-invoker';
export { createLocalFunctions, runLocalHandler, LOCAL_FUNCTION_TIMEOUT_MS } from './lambda/local-functions';
export type { LambdaContext, LocalHandler } from './lambda/local-functions';
export { createAwsServiceCaller, awsEndpointsFromEnv } from './aws-services/aws-service-call';
export type { AwsEndpoints } from './aws-services/aws-service-call';
export { awsServiceFailure, javaV2ServiceName } from './aws-services/service-errors';
export { invokeHttp } from './http/http-invoke';
export type { HttpExchange } from './http/http-invoke';
export { jobIntegrationFor } from './jobs/job-integrations';
export { DEFAULT_SYNC_POLL_SECONDS, runJobTask } from './jobs/sync-job';
export type { JobIntegration, JobProgress, SyncJobsPort } from './jobs/sync-job';
export { createExecutionEndWatcher } from './states/execution-end-watcher';
export type { ExecutionEndWatcher } from './states/execution-end-watcher';
export type { ExecutionDescription, NestedExecutionPort } from './states/nested-execution';
export { parseTaskResource, IntegrationPattern } from './resource-arn';
export type { TaskResource } from './resource-arn';
export { TaskFailure, isTaskFailure } from './task-failure';
export { parseMockConfig, loadMockConfig, InvalidMockConfiguration } from './mocks/mock-config';
export type { MockConfig, MockedResponse, MockedInvocations } from './mocks/mock-config';
export { mockedOutcome, mockedOutcomeOf, createMockingDispatcher, stateMachineNameOf } from './mocks/mocked-outcome';
export type { MockedTaskSelector } from './mocks/mocked-outcome';
