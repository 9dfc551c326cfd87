/**
 * AWS JSON 1.0 sends timestamps as epoch seconds, a number with the milliseconds as fraction
 * (Smithy's default `epoch-seconds` format); we store ISO 8601 strings.
 */
export function toEpochSeconds(iso: string): number {
  return Date.parse(iso) / 1000;
}

export function optionalEpochSeconds(iso: string | undefined): number | undefined {
  return iso === undefined ? undefined : toEpochSeconds(iso);
}
