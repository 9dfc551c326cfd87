import { IsISO8601, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { AUDIT_MAX_LIMIT } from '@stepstone/projections';

/**
 * `GET /audit` query parameters. Query strings are text, so numbers are checked as digits and
 * converted after validation; the messages name the parameter and what it must be.
 */
export class AuditQueryDto {
  @IsOptional()
  @IsString({ message: "'since' must be given once" })
  @IsISO8601({ strict: true }, { message: (args) => `'since' must be an ISO 8601 timestamp (e.g. 2024-01-31T12:00:00Z), got '${String(args.value)}'` })
  since?: string;

  @IsOptional()
  @IsString({ message: "'until' must be given once" })
  @IsISO8601({ strict: true }, { message: (args) => `'until' must be an ISO 8601 timestamp (e.g. 2024-01-31T12:00:00Z), got '${String(args.value)}'` })
  until?: string;

  @IsOptional()
  @IsString({ message: "'actor' must be given once" })
  @MinLength(1, { message: "'actor' must not be empty" })
  @MaxLength(256, { message: "'actor' must be at most 256 characters" })
  actor?: string;

  @IsOptional()
  @IsString({ message: "'resource' must be given once" })
  @MinLength(1, { message: "'resource' must not be empty" })
  @MaxLength(257, { message: "'resource' must be an ARN (at most 256 characters) or an ARN prefix ending in '*'" })
  resource?: string;

  @IsOptional()
  @IsString({ message: "'action' must be given once" })
  @Matches(/^[A-Z][A-Za-z]{1,63}$/, { message: (args) => `'action' must be an API action name such as StartExecution, got '${String(args.value)}'` })
  action?: string;

  @IsOptional()
  @IsString({ message: "'limit' must be given once" })
  @Matches(/^(1000|[1-9]\d{0,2})$/, { message: (args) => `'limit' must be an integer from 1 to ${AUDIT_MAX_LIMIT}, got '${String(args.value)}'` })
  limit?: string;

  @IsOptional()
  @IsString({ message: "'nextToken' must be given once" })
  @Matches(/^\d{1,15}$/, { message: (args) => `'nextToken' must be a token returned by a previous call, got '${String(args.value)}'` })
  nextToken?: string;
}

export const AUDIT_QUERY_PARAMETERS: readonly string[] = ['since', 'until', 'actor', 'resource', 'action', 'limit', 'nextToken'];
