import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { EventStore } from '@stepstone/event-store';
import type { FastifyReply } from 'fastify';
import { PublicRoute } from '../auth/auth.guard';
import { EVENT_STORE } from '../infrastructure/tokens';

export const READINESS = Symbol('Readiness');

/** Set by LifecycleService: recovery finished at start-up; shutdown has begun. */
export interface Readiness {
  recovered: boolean;
  stopping: boolean;
}

/**
 * Probes for orchestrators and docker-compose, without credentials (they carry nothing but a
 * status): `GET /health` answers while the process serves; `GET /ready` only once the store is
 * open and start-up recovery is done, and no longer once shutdown has begun (503 otherwise).
 */
@Controller()
@PublicRoute()
export class HealthController {
  constructor(
    @Inject(READINESS) private readonly readiness: Readiness,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('health')
  health(@Res({ passthrough: true }) reply: FastifyReply): { status: string } {
    void reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<{ status: string; reason?: string }> {
    void reply.header('cache-control', 'no-store');
    const reason = this.readiness.stopping ? 'shutting down' : !this.readiness.recovered ? 'recovering' : await this.storeProblem();
    if (reason !== undefined) {
      void reply.status(503);
      return { status: 'unavailable', reason };
    }
    return { status: 'ready' };
  }

  private async storeProblem(): Promise<string | undefined> {
    try {
      await this.store.headPosition();
      return undefined;
    } catch {
      return 'store not open';
    }
  }
}
