import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { createDirectoryObjectStore, createFastClock } from '@stepstone/engine';
import type { EventStore } from '@stepstone/event-store';
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
import {
  ACTIVITY_TASKS,
  ARNS,
  CLOCK,
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
      controllers: [AwsJsonController, AuditController, MockConfigController, ...CONSOLE_CONTROLLERS],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: CLOCK, useValue: clock },
        { provide: ID_SOURCE, useValue: (() => randomUUID()) satisfies IdSource },
        { provide: ARNS, useValue: createArns(config.region, config.account) },
        { provide: EVENT_STORE, useValue: telemetry ? instrumentEventStore(store) : store },
        { provide: PROJECTIONS, inject: [EVENT_STORE], useFactory: (store: EventStore) => createProjections({ store }) },
        { provide: ACTIVITY_TASKS, useFactory: () => createActivityTaskQueue() },
        { provide: EXECUTION_END_WATCHER, useFactory: () => createExecutionEndWatcher() },
        { provide: MOCK_CONFIG, useFactory: (): MockConfigHolder => ({ current: config.mockConfigFile ? loadMockConfig(config.mockConfigFile) : undefined }) },
        {
          provide: EXECUTION_RUNNER,
          inject: [EVENT_STORE, ARNS, ACTIVITY_TASKS, EXECUTION_END_WATCHER, MOCK_CONFIG],
          useFactory: (store: EventStore, arns: Arns, activities: ActivityTaskQueue, watcher: ExecutionEndWatcher, mocks: MockConfigHolder) => {
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
                ...crashAfterAppend(config.crashPoint),
                ...(fastClock ? { advanceClock: fastClock.advanceTo } : {}),
              },
            });
          },
        },
        { provide: APP_FILTER, useClass: AwsJsonExceptionFilter },
        LifecycleService,
        IntegrationsLifecycle,
        ...(telemetry ? [TelemetryService, { provide: APP_INTERCEPTOR, useClass: ApiCallSpanInterceptor }] : []),
        ...CONSOLE_PROVIDERS,
        ...handlers,
      ],
    };
  }
}

/** The opt-in crash point: dies like `kill -9` right after a durable append, before its effects. */
function crashAfterAppend(crashPoint: CrashPoint | undefined): { onAppended?: () => void } {
  if (!crashPoint) return {};
  return {
    onAppended: () => {
      if (Math.random() < crashPoint.probability) process.kill(process.pid, 'SIGKILL');
    },
  };
}
