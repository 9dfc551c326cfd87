import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, HttpAdapterHost } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { createDirectoryObjectStore, createFastClock, type ExecutionRunnerOptions } from '@stepstone/engine';
import type { EventStore } from '@stepstone/event-store';
import type { FastifyBaseLogger } from 'fastify';
import { createActivityTaskQueue, createExecutionEndWatcher, loadMockConfig, type ActivityTaskQueue, type ExecutionEndWatcher } from '@stepstone/integrations';
import { createProjections } from '@stepstone/projections';
import { instrumentEventStore, telemetryRequested } from '@stepstone/telemetry';
import {
  CreateActivityHandler,
  DeleteActivityHandler,
  DescribeActivityHandler,
  GetActivityTaskHandler,
  ListActivitiesHandler,
} from './activities/activities.handler';
import { SendTaskFailureHandler, SendTaskHeartbeatHandler, SendTaskSuccessHandler } from './activities/send-task.handler';
import { createArns, type Arns } from './aws-protocol/arns';
import { AwsJsonExceptionFilter } from './aws-protocol/aws-json-exception.filter';
import { AuditController } from './audit/audit.controller';
import { authProviders } from './auth/auth.providers';
import { HealthController, READINESS, type Readiness } from './health/health.controller';
import { MockConfigController } from './mock-config/mock-config.controller';
import { CONSOLE_CONTROLLERS, CONSOLE_PROVIDERS } from './console/console.parts';
import { AwsJsonController } from './aws-protocol/aws-json.controller';
import type { CrashPoint, ServerConfig } from './config';
import {
  DescribeExecutionHandler,
  DescribeStateMachineForExecutionHandler,
  GetExecutionHistoryHandler,
  ListExecutionsHandler,
} from './executions/execution-queries.handler';
import { StartExecutionHandler, StartSyncExecutionHandler } from './executions/start-execution.handler';
import { RedriveExecutionHandler } from './executions/redrive-execution.handler';
import { StopExecutionHandler } from './executions/stop-execution.handler';
import { createRunnerWithIntegrations, IntegrationsLifecycle } from './infrastructure/integrations';
import { LifecycleService } from './infrastructure/lifecycle.service';
import { clusterProcessId, createCluster, type Cluster, type ClusterStore } from './infrastructure/cluster';
import { logExecutionFailures } from './infrastructure/request-log';
import { StartupReport } from './infrastructure/startup-report';
import { GrpcServer } from './grpc/grpc.server';
import {
  ACTIVITY_TASKS,
  ARNS,
  CLOCK,
  CLUSTER,
  CONFIG,
  EVENT_STORE,
  EXECUTION_END_WATCHER,
  EXECUTION_RUNNER,
  ID_SOURCE,
  MOCK_CONFIG,
  PROJECTIONS,
  type Clock,
  type IdSource,
  type MockConfigHolder,
} from './infrastructure/tokens';
import { CreateStateMachineHandler } from './state-machines/create-state-machine.handler';
import { DeleteStateMachineHandler } from './state-machines/delete-state-machine.handler';
import {
  DescribeStateMachineHandler,
  ListStateMachinesHandler,
  ListTagsForResourceHandler,
  ValidateStateMachineDefinitionHandler,
} from './state-machines/state-machine-queries.handler';
import { TagResourceHandler, UntagResourceHandler } from './state-machines/tag-resource.handler';
import { UpdateStateMachineHandler } from './state-machines/update-state-machine.handler';
import { ALIAS_HANDLERS } from './state-machines/aliases.handler';
import { DescribeMapRunHandler, ListMapRunsHandler, UpdateMapRunHandler } from './map-runs/map-runs.handler';
import { VERSION_HANDLERS } from './state-machines/versions.handler';
import { TestStateHandler } from './test-state/test-state.handler';
import { ApiCallSpanInterceptor } from './telemetry/api-call-span.interceptor';
import { TelemetryService } from './telemetry/telemetry.service';

const handlers = [
  CreateStateMachineHandler,
  UpdateStateMachineHandler,
  DeleteStateMachineHandler,
  TagResourceHandler,
  UntagResourceHandler,
  DescribeStateMachineHandler,
  ListStateMachinesHandler,
  ListTagsForResourceHandler,
  ValidateStateMachineDefinitionHandler,
  StartExecutionHandler,
  StartSyncExecutionHandler,
  StopExecutionHandler,
  RedriveExecutionHandler,
  DescribeExecutionHandler,
  DescribeStateMachineForExecutionHandler,
  ListExecutionsHandler,
  GetExecutionHistoryHandler,
  CreateActivityHandler,
  DeleteActivityHandler,
  DescribeActivityHandler,
  ListActivitiesHandler,
  GetActivityTaskHandler,
  SendTaskSuccessHandler,
  SendTaskFailureHandler,
  SendTaskHeartbeatHandler,
  ...VERSION_HANDLERS,
  ...ALIAS_HANDLERS,
  DescribeMapRunHandler,
  ListMapRunsHandler,
  UpdateMapRunHandler,
  TestStateHandler,
];

/** Binds the ports to their adapters (factory providers) and registers every handler. */
@Module({})
export class AppModule {
  /** `store` is opened by main.ts before Nest starts (a store that cannot be reached fails there). */
  static forRoot(config: ServerConfig, store: EventStore): DynamicModule {
    const fastClock = config.clock === 'fast' ? createFastClock() : undefined;
    const clock: Clock = fastClock ? () => fastClock.now() : () => new Date();
    const telemetry = telemetryRequested();
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot()],
      controllers: [AwsJsonController, AuditController, MockConfigController, HealthController, ...CONSOLE_CONTROLLERS],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: READINESS, useValue: { recovered: false, stopping: false } satisfies Readiness },
        { provide: CLOCK, useValue: clock },
        { provide: ID_SOURCE, useValue: (() => randomUUID()) satisfies IdSource },
        { provide: ARNS, useValue: createArns(config.region, config.account) },
        { provide: EVENT_STORE, useValue: telemetry ? instrumentEventStore(store) : store },
        {
          provide: PROJECTIONS,
          inject: [EVENT_STORE],
          // Where several processes share the store, the read models start as followers: the holder
          // of the projector's lease (cluster.ts) applies them.
          useFactory: (store: EventStore) => createProjections({ store, applying: !(store.kind === 'postgres' || store.kind === 'kurrentdb') }),
        },
        { provide: ACTIVITY_TASKS, useFactory: () => createActivityTaskQueue() },
        { provide: EXECUTION_END_WATCHER, useFactory: () => createExecutionEndWatcher() },
        {
          provide: CLUSTER,
          // Shard leases in PostgreSQL, where several processes may share the store (postgres, or
          // kurrentdb with its index database). The embedded SQLite store is one process's
          // (data-folder-lock.ts): no lease, no round trip per append.
          useFactory: (): Cluster | null =>
            store.kind === 'postgres' || store.kind === 'kurrentdb'
              ? createCluster({ store: store as ClusterStore, ttlSeconds: config.leaseTtlSeconds, processId: clusterProcessId(config.port) })
              : null,
        },
        { provide: MOCK_CONFIG, useFactory: (): MockConfigHolder => ({ current: config.mockConfigFile ? loadMockConfig(config.mockConfigFile) : undefined }) },
        {
          provide: EXECUTION_RUNNER,
          inject: [EVENT_STORE, ARNS, ACTIVITY_TASKS, EXECUTION_END_WATCHER, MOCK_CONFIG, HttpAdapterHost, CLUSTER],
          useFactory: (
            store: EventStore,
            arns: Arns,
            activities: ActivityTaskQueue,
            watcher: ExecutionEndWatcher,
            mocks: MockConfigHolder,
            http: HttpAdapterHost,
            cluster: Cluster | null,
          ) => {
            mkdirSync(config.objectStoreDir, { recursive: true });
            return createRunnerWithIntegrations({
              store,
              arns,
              config,
              activities,
              watcher,
              mocks,
              runnerOptions: {
                objectStore: createDirectoryObjectStore(config.objectStoreDir),
                now: clock,
                ...(cluster ? { ownership: cluster.ownership } : {}),
                ...afterAppend(config.crashPoint, http.httpAdapter?.getInstance()?.log),
                ...(fastClock ? { advanceClock: fastClock.advanceTo } : {}),
              },
            });
          },
        },
        { provide: APP_FILTER, useClass: AwsJsonExceptionFilter },
        ...authProviders(config),
        LifecycleService,
        StartupReport,
        IntegrationsLifecycle,
        ...(telemetry ? [TelemetryService, { provide: APP_INTERCEPTOR, useClass: ApiCallSpanInterceptor }] : []),
        GrpcServer,
        ...CONSOLE_PROVIDERS,
        ...handlers,
      ],
    };
  }
}

/**
 * After each durable append: execution failures are logged at warn (fastify's logger, when the
 * HTTP adapter is fastify), and the opt-in crash point dies like `kill -9` before the effects run.
 */
function afterAppend(crashPoint: CrashPoint | undefined, log: FastifyBaseLogger | undefined): { onAppended?: ExecutionRunnerOptions['onAppended'] } {
  const logFailure = log ? logExecutionFailures(log) : undefined;
  if (!crashPoint && !logFailure) return {};
  return {
    onAppended: (executionArn, events, state) => {
      logFailure?.(executionArn, events, state);
      if (crashPoint && Math.random() < crashPoint.probability) process.kill(process.pid, 'SIGKILL');
    },
  };
}
