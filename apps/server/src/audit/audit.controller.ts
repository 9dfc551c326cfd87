import { Controller, Get, Inject, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { EventStore } from '@stepstone/event-store';
import { AUDIT_DEFAULT_LIMIT, type AuditEntry, type Projections } from '@stepstone/projections';
import { ValidationException } from '../aws-protocol/api-errors';
import { AUTHENTICATOR, identityOf } from '../auth/auth.guard';
import type { Authenticator } from '../auth/authenticator';
import { validateRequest } from '../aws-protocol/validate-request';
import { catchUp } from '../infrastructure/read-your-writes';
import { EVENT_STORE, PROJECTIONS } from '../infrastructure/tokens';
import { AUDIT_QUERY_PARAMETERS, AuditQueryDto } from './audit-query.dto';

export interface AuditResponse {
  readonly entries: readonly AuditEntry[];
  /** Present when more entries match: pass it as `nextToken` for the next page. */
  readonly nextToken?: string;
}

/**
 * `GET /audit?since=&until=&actor=&resource=&action=&limit=&nextToken=`: who created, updated,
 * deleted, started, stopped, redrove what and when, oldest first, from the audit read model.
 * Not part of the AWS API (which has CloudTrail for this), so plain JSON over GET.
 */
@Controller('audit')
export class AuditController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
  ) {}

  /** Authorised as `stepstone:ReadAudit` on `*` (not an AWS action: `states:*` does not grant it). */
  @Get()
  async list(@Query() raw: Record<string, unknown>, @Req() request: FastifyRequest): Promise<AuditResponse> {
    this.authenticator.authorize(identityOf(request), 'stepstone:ReadAudit', '*');
    const unknown = Object.keys(raw ?? {}).filter((key) => !AUDIT_QUERY_PARAMETERS.includes(key));
    if (unknown.length > 0) {
      throw new ValidationException(`Unknown query parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((key) => `'${key}'`).join(', ')}; expected ${AUDIT_QUERY_PARAMETERS.join(', ')}`);
    }
    const query = validateRequest(AuditQueryDto, raw ?? {});
    const since = query.since === undefined ? undefined : new Date(query.since).toISOString();
    const until = query.until === undefined ? undefined : new Date(query.until).toISOString();
    if (since !== undefined && until !== undefined && since >= until) {
      throw new ValidationException(`'since' (${query.since}) must be earlier than 'until' (${query.until})`);
    }
    const limit = query.limit === undefined ? AUDIT_DEFAULT_LIMIT : Number(query.limit);
    await catchUp(this.store, this.projections);
    const page = await this.projections.queryAudit({
      ...(since !== undefined ? { since } : {}),
      ...(until !== undefined ? { until } : {}),
      ...(query.actor !== undefined ? { actor: query.actor } : {}),
      ...(query.resource !== undefined ? { resource: query.resource } : {}),
      ...(query.action !== undefined ? { action: query.action } : {}),
      ...(query.nextToken !== undefined ? { afterPosition: Number(query.nextToken) } : {}),
      limit,
    });
    return page.nextPosition === undefined ? { entries: page.entries } : { entries: page.entries, nextToken: String(page.nextPosition) };
  }
}
