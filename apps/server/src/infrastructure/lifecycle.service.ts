import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ExecutionRunner } from '@stepstone/engine';
import type { EventStore } from '@stepstone/event-store';
import type { Projections } from '@stepstone/projections';
import { READINESS, type Readiness } from '../health/health.controller';
import { EVENT_STORE, EXECUTION_RUNNER, PROJECTIONS } from './tokens';

/**
 * Start-up recovery (open executions reloaded, timers re-armed) before the port opens, and an
 * orderly close: the runner first, so no append races the store's close.
 */
@Injectable()
export class LifecycleService implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Stepstone');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(EXECUTION_RUNNER) private readonly runner: ExecutionRunner,
    @Inject(READINESS) private readonly readiness: Readiness,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const recovered = await this.runner.recover();
    if (recovered.executions > 0) this.logger.log(`recovered ${recovered.executions} open executions (${recovered.timers} timers)`);
    this.readiness.recovered = true;
  }

  /** `/ready` answers 503 from here on, so a load balancer stops sending work while requests drain. */
  beforeApplicationShutdown(): void {
    this.readiness.stopping = true;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.close();
    await this.projections.close();
    await this.store.close();
  }
}
