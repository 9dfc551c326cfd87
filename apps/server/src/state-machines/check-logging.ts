import type { LoggingConfiguration } from '@stepstone/projections';
import { InvalidLoggingConfiguration } from '../aws-protocol/api-errors';

/**
 * A loggingConfiguration's destinations are "limited to size 1" and "required, if your log
 * level is not set to OFF" (API_LoggingConfiguration). AWS refuses both cases with one message
 * (LocalStack's snapshots test_invalid_logging_configuration, test_multiple_destinations and
 * test_update_logging_configuration, recorded against AWS); level OFF with no destination, or
 * with an empty list, is accepted and described as sent (test_incomplete_logging_configuration).
 * Stepstone sends no logs, so whether the log group exists is not checked.
 */
export function checkLoggingConfiguration(configuration: Partial<LoggingConfiguration>): void {
  const destinations: unknown = configuration.destinations;
  const count = Array.isArray(destinations) ? destinations.length : 0;
  const level = configuration.level ?? 'OFF';
  if (count > 1 || (level !== 'OFF' && count === 0)) throw new InvalidLoggingConfiguration('Must specify exactly one Log Destination.');
}
