/**
 * Pagination tokens are opaque to callers (AWS's are too): base64url of the offset into the
 * sorted result. A token that does not decode is reported, as AWS reports InvalidToken.
 */
export class InvalidPageTokenError extends Error {
  readonly type = 'invalid-page-token' as const;

  constructor(readonly token: string) {
    super(`Invalid Token: '${token}'`);
    this.name = 'InvalidPageTokenError';
  }
}

export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset }), 'utf8').toString('base64url');
}

export function decodePageToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof parsed.o === 'number' && Number.isSafeInteger(parsed.o) && parsed.o >= 0) return parsed.o;
  } catch {
    // fall through to the error below
  }
  throw new InvalidPageTokenError(token);
}
