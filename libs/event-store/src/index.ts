// The only door into @stepstone/event-store: the EventStore port, its adapters, the hash
// chain an audit recomputes. Named exports only. The contract suite (testing/event-store-contract.ts)
// is imported by this lib's adapter specs directly, so production code never loads node:test.
export {
  checkExpectedRevision,
  EventStoreClosedError,
  EventStoreErrorType,
  isStaleLeaseError,
  isWrongExpectedVersionError,
  StaleLeaseError,
  WrongExpectedVersionError,
} from './event-store';
export type {
  AppendRequest,
  AppendResult,
  EventsHandler,
  EventStore,
  EventStoreError,
  EventStoreStats,
  ExpectedRevision,
  FeedEventData,
  LeaseFence,
  NewEvent,
  ReadAllDataOptions,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamHeadInfo,
  SubscribeOptions,
  Subscription,
} from './event-store';
export { canonicalJson, ChainBreakReason, computeEventHash, hashDefinition, hexDigest, verifyStreamChain } from './hash-chain';
export type { ChainedEvent, ChainVerification, EventHashInput } from './hash-chain';
export { plainRecord } from './internal/recorded-event';
export { nextTurn, turnsWaiting } from './turns';
export { StoreBreakReason, verifyStore } from './verify-store';
export type { ChainBreak, ExpectedChainSeeds, StoreVerification, VerifyStoreOptions } from './verify-store';
export { openSqliteEventStore } from './sqlite/sqlite-event-store';
export { SqliteDatabase, sqliteDriverModule } from './sqlite/sqlite-driver';
export type { SqliteStatement } from './sqlite/sqlite-driver';
export type { SqliteEventStore, SqliteEventStoreOptions } from './sqlite/sqlite-event-store';
export { openInMemoryEventStore } from './in-memory/in-memory-event-store';
export type { InMemoryEventStoreOptions } from './in-memory/in-memory-event-store';
export { openPostgresEventStore } from './postgres/postgres-event-store';
export type { PostgresEventStore, PostgresEventStoreOptions } from './postgres/postgres-event-store';
export type { Announcements as PostgresAnnouncements } from './postgres/postgres-announcements';
export { openKurrentDbEventStore } from './kurrentdb/kurrentdb-event-store';
export type { KurrentDbEventStore, KurrentDbEventStoreOptions } from './kurrentdb/kurrentdb-event-store';
export { describeStoreSelection, openEventStore, redactUrl, storeSelectionFromEnv, StoreKind, StoreUnavailableError } from './open-event-store';
export type { StoreSelection } from './open-event-store';
export { createShardLeases, PROJECTOR_LEASE, shardOfStream } from './postgres/postgres-leases';
export type { ShardLeases, ShardLeasesOptions } from './postgres/postgres-leases';
export { migrate as migratePostgresSchema } from './postgres/postgres-schema';
export type { Migration as PostgresMigration } from './postgres/postgres-schema';
