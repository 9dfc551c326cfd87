import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ExecutionRunner } from '@stepstone/engine';
import type { EventStore } from '@stepstone/event-store';
import { observeExecutions, shutdownTelemetry, type ExecutionObserver } from '@stepstone/telemetry';
import type { Arns } from '../aws-protocol/arns';
import { ARNS, EVENT_STORE, EXECUTION_RUNNER } from '../infrastructure/tokens';

/**
 * Execution traces and metrics, built from the store's feed (see @stepstone/telemetry).
 * Provided only when OpenTelemetry is configured.
 */
@Injectable()
export class TelemetryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Telemetry');
  private observer: ExecutionObserver | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(EXECUTION_RUNNER) private readonly runner: ExecutionRunner,
    @Inject(ARNS) private readonly arns: Arns,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const runner = this.runner as ExecutionRunner & { openCount?: () => number };
    this.observer = await observeExecutions({
      store: this.store,
      executionArnOf: (stateMachine, name) => this.arns.execution(stateMachine, name),
      ...(typeof runner.openCount === 'function' ? { openExecutions: () => runner.openCount!() } : {}),
      onError: (error) => this.logger.warn(`an execution trace was not built: ${error instanceof Error ? error.message : String(error)}`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.observer?.idle();
    this.observer?.close();
    await shutdownTelemetry();
  }
}
