// The only door into @stepstone/projections: checkpointed read models fed by the store's global
// feed, and the state machine events they fold (the server appends them). Named exports only.
export { createProjections, ExecutionStatus } from './read-models/projections';
export type {
  CreateProjectionsOptions,
  ExecutionCount,
  ExecutionRecord,
  ListExecutionsRequest,
  Page,
  PageRequest,
  Projections,
  ProjectionFailure,
  StateMachineRecord,
} from './read-models/projections';
export type { StateMachineAliasRecord, StateMachineVersionRecord, VersionAliasPageRequest } from './read-models/versions-and-aliases';
export type { MapRunCounts, MapRunExecutionRecord, MapRunRecord, MapRunStatus } from './read-models/map-runs';
export { mapRunPrefixOfChild } from './read-models/map-runs';
export { InvalidPageTokenError } from './read-models/page-token';
export { AUDIT_DEFAULT_LIMIT, AUDIT_MAX_LIMIT } from './audit/audit-log';
export type { AuditEntry, AuditPage, AuditQuery } from './audit/audit-log';
export { stepstoneChainSeeds } from './audit/chain-seeds';
export {
  DEFAULT_ENCRYPTION,
  EncryptionType,
  isStateMachineEvent,
  mergeTags,
  removeTags,
  STATE_MACHINE_STREAM_PREFIX,
  stateMachineEventProblem,
  stateMachineStreamId,
  StateMachineEventType,
  StateMachineType,
} from './events/state-machine-events';
export type {
  EncryptionConfiguration,
  LoggingConfiguration,
  RoutingConfigurationItem,
  StateMachineAliasCreatedV1,
  StateMachineAliasDeletedV1,
  StateMachineAliasUpdatedV1,
  StateMachineCreatedV1,
  StateMachineDeletionRequestedV1,
  StateMachineVersionDeletedV1,
  StateMachineVersionPublishedV1,
  StateMachineDeletedV1,
  StateMachineEvent,
  StateMachineTaggedV1,
  StateMachineUntaggedV1,
  StateMachineUpdatedV1,
  Tag,
  TracingConfiguration,
} from './events/state-machine-events';
