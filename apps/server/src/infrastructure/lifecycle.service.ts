import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ExecutionRunner } from '@stepstone/engine';
import type { EventStore } from '@stepstone/event-store';
import type { Projections } from '@stepstone/projections';
import { READINESS, type Readiness } from '../health/health.controller';
import type { ActivityTaskQueue, ExecutionEndWatcher } from '@stepstone/integrations';
import type { Arns } from '../aws-protocol/arns';
import type { Cluster } from './cluster';
import { ACTIVITY_TASKS, ARNS, CLUSTER, EVENT_STORE, EXECUTION_END_WATCHER, EXECUTION_RUNNER, PROJECTIONS } from './tokens';

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
    @Inject(CLUSTER) private readonly cluster: Cluster | null,
    @Inject(ACTIVITY_TASKS) private readonly activities: ActivityTaskQueue,
    @Inject(EXECUTION_END_WATCHER) private readonly watcher: ExecutionEndWatcher,
    @Inject(ARNS) private readonly arns: Arns,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.cluster) {
      // Recovery is per shard, as the leases are taken (and again at every takeover).
      await this.cluster.start({ runner: this.runner as Parameters<Cluster['start']>[0]['runner'], activities: this.activities, watcher: this.watcher, arns: this.arns, projections: this.projections });
      this.readiness.recovered = true;
      return;
    }
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
    await this.cluster?.close();
    await this.projections.close();
    await this.store.close();
  }
}
