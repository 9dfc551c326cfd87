// The only door into @stepstone/testing (the package's `stepstone/testing`): run a definition
// in this process on the real engine, with handlers, mocks and a virtual clock.
export { runDefinition, readDefinitionText, TaskError, RunDefinitionError } from './run-definition';
export type { RunDefinitionOptions, ExecutionResult, TaskHandler } from './run-definition';
export { startTestServer } from './test-server';
export type { TestServer, TestServerOptions } from './test-server';
