// The only door into @stepstone/integrations: what performs Task states.
export { parseMockConfig, loadMockConfig, InvalidMockConfiguration } from './mocks/mock-config';
export type { MockConfig, MockedResponse, MockedInvocations } from './mocks/mock-config';
export { mockedOutcome, mockedOutcomeOf, createMockingDispatcher, stateMachineNameOf } from './mocks/mocked-outcome';
export type { MockedTaskSelector } from './mocks/mocked-outcome';
