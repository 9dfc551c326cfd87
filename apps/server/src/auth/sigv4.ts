import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { IncompleteSignature, InvalidSignatureException, MissingAuthenticationToken, UnrecognizedClientException } from '../aws-protocol/api-errors';

/**
 * AWS Signature Version 4, header form (IAM User Guide, "Elements of an AWS API request
 * signature" and "Create a signed AWS API request"): the server recomputes the client's
 * signature from the canonical request and the key's secret. Node's crypto only.
 */

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
/** AWS refuses a signature more than 5 minutes away from its clock. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface SignableRequest {
  readonly method: string;
  /** Path and query exactly as sent on the request line (`/audit?since=...`). */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | number | undefined>>;
  /** The body as received; its SHA-256 is part of what is signed. */
  readonly body: string | Buffer;
}

export interface VerifyOptions {
  /** The service's signing region and name, which the credential scope must name. */
  readonly region: string;
  readonly service: string;
  /** The secret of a configured key, undefined for an unknown key id. */
  readonly secretOf: (accessKeyId: string) => string | undefined;
  readonly now: Date;
}

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** Verifies the request's signature and returns the access key id it proves, or throws AWS's error. */
export function verifySigV4(request: SignableRequest, options: VerifyOptions): string {
  const authorization = headerText(request.headers, 'authorization');
  if (authorization === undefined || authorization.trim() === '') throw new MissingAuthenticationToken();
  if (headerText(request.headers, 'x-amz-security-token') !== undefined) {
    // Only long-term keys from the keys file exist here: a session token names nothing we issued.
    throw new UnrecognizedClientException();
  }
  const parsed = parseAuthorization(authorization);
  const scope = parseCredential(parsed.credential, options);
  const requestTime = requestTimeOf(request.headers);
  if (requestTime.basic.slice(0, 8) !== scope.date) {
    throw new InvalidSignatureException(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scope.date}' != '${requestTime.basic.slice(0, 8)}', from '${requestTime.header}'.`,
    );
  }
  if (!parsed.signedHeaders.includes('host')) {
    throw new InvalidSignatureException("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  const secret = options.secretOf(scope.accessKeyId);
  if (secret === undefined) throw new UnrecognizedClientException();
  checkClockSkew(requestTime.date, requestTime.basic, options.now);

  const payloadHash = sha256Hex(request.body);
  const claimedPayloadHash = headerText(request.headers, 'x-amz-content-sha256');
  if (claimedPayloadHash !== undefined && claimedPayloadHash !== payloadHash) {
    throw new InvalidSignatureException("The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const canonical = canonicalRequest(request, parsed.signedHeaders, payloadHash);
  const expected = signatureOf(canonical, requestTime.basic, scope.text, secret);
  if (!sameHex(expected, parsed.signature)) {
    throw new InvalidSignatureException(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  return scope.accessKeyId;
}

/**
 * Signs a request as the AWS SDKs do (for `stepstone audit --endpoint` and tests that must send
 * what the SDKs cannot, e.g. a GET). Returns the headers to add.
 */
export function signSigV4(
  request: Omit<SignableRequest, 'headers'> & { readonly headers: Readonly<Record<string, string>> },
  credentials: Credentials,
  scope: { readonly region: string; readonly service: string; readonly now: Date },
): Record<string, string> {
  const basic = toBasicIso(scope.now);
  const headers: Record<string, string> = { ...lowerCaseKeys(request.headers), 'x-amz-date': basic };
  const signedHeaders = Object.keys(headers).sort();
  const credentialScope = `${basic.slice(0, 8)}/${scope.region}/${scope.service}/aws4_request`;
  const canonical = canonicalRequest({ ...request, headers }, signedHeaders, sha256Hex(request.body));
  const signature = signatureOf(canonical, basic, credentialScope, credentials.secretAccessKey);
  return {
    'x-amz-date': basic,
    authorization: `${SIGV4_ALGORITHM} Credential=${credentials.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`,
  };
}

/**
 * The access key id an Authorization header claims, without checking anything: what an
 * unauthenticated server can say about the caller (recorded as unverified, never as fact).
 */
export function claimedAccessKeyId(headers: SignableRequest['headers']): string | undefined {
  const match = /Credential=([^/,\s]+)\//.exec(headerText(headers, 'authorization') ?? '');
  return match ? match[1] : undefined;
}

interface ParsedAuthorization {
  readonly credential: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

function parseAuthorization(authorization: string): ParsedAuthorization {
  const trimmed = authorization.trim();
  if (!trimmed.startsWith(`${SIGV4_ALGORITHM} `)) {
    throw new IncompleteSignature(`Authorization header must use the ${SIGV4_ALGORITHM} algorithm (AWS Signature Version 4).`);
  }
  const parameters = new Map<string, string>();
  for (const part of trimmed.slice(SIGV4_ALGORITHM.length).split(',')) {
    const equals = part.indexOf('=');
    if (equals > 0) parameters.set(part.slice(0, equals).trim(), part.slice(equals + 1).trim());
  }
  const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((name) => !parameters.get(name));
  // AWS's message lists every missing part; the header itself is not echoed (it may hold a signature).
  if (missing.length > 0) throw new IncompleteSignature(missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' '));
  return {
    credential: parameters.get('Credential') as string,
    signedHeaders: (parameters.get('SignedHeaders') as string).split(';').map((name) => name.trim().toLowerCase()),
    signature: parameters.get('Signature') as string,
  };
}

interface CredentialScope {
  readonly accessKeyId: string;
  readonly date: string;
  /** `date/region/service/aws4_request`, as signed. */
  readonly text: string;
}

function parseCredential(credential: string, options: VerifyOptions): CredentialScope {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts.some((part) => part === '')) {
    throw new IncompleteSignature(`Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`);
  }
  const [accessKeyId, date, region, service, terminator] = parts;
  if (terminator !== 'aws4_request') throw new InvalidSignatureException(`Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`);
  if (service !== options.service) throw new InvalidSignatureException(`Credential should be scoped to correct service: '${options.service}'.`);
  if (region !== options.region) throw new InvalidSignatureException(`Credential should be scoped to a valid region, not '${region}'.`);
  return { accessKeyId, date, text: parts.slice(1).join('/') };
}

interface RequestTime {
  readonly date: Date;
  /** `YYYYMMDDTHHMMSSZ`: what the string to sign carries. */
  readonly basic: string;
  readonly header: 'x-amz-date' | 'date';
}

function requestTimeOf(headers: SignableRequest['headers']): RequestTime {
  const amzDate = headerText(headers, 'x-amz-date');
  if (amzDate !== undefined) {
    const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate.trim());
    const date = match ? new Date(Date.UTC(+match[1], +match[2] - 1, +match[3], +match[4], +match[5], +match[6])) : undefined;
    if (!date || Number.isNaN(date.getTime())) {
      throw new IncompleteSignature(`Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`);
    }
    return { date, basic: amzDate.trim(), header: 'x-amz-date' };
  }
  const httpDate = headerText(headers, 'date');
  if (httpDate === undefined) throw new IncompleteSignature("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  const date = new Date(httpDate);
  if (Number.isNaN(date.getTime())) throw new IncompleteSignature(`Date must be an RFC 1123 date. Got '${httpDate}'.`);
  return { date, basic: toBasicIso(date), header: 'date' };
}

function checkClockSkew(requestDate: Date, basic: string, now: Date): void {
  const skew = requestDate.getTime() - now.getTime();
  if (skew < -MAX_CLOCK_SKEW_MS) {
    throw new InvalidSignatureException(
      `Signature expired: ${basic} is now earlier than ${toBasicIso(new Date(now.getTime() - MAX_CLOCK_SKEW_MS))} (${toBasicIso(now)} - 5 min.)`,
    );
  }
  if (skew > MAX_CLOCK_SKEW_MS) {
    throw new InvalidSignatureException(
      `Signature not yet current: ${basic} is still later than ${toBasicIso(new Date(now.getTime() + MAX_CLOCK_SKEW_MS))} (${toBasicIso(now)} + 5 min.)`,
    );
  }
}

/** The canonical request (method, URI, query, headers, signed header list, payload hash). */
export function canonicalRequest(request: SignableRequest, signedHeaders: readonly string[], payloadHash: string): string {
  const queryStart = request.url.indexOf('?');
  const path = queryStart < 0 ? request.url : request.url.slice(0, queryStart);
  const query = queryStart < 0 ? '' : request.url.slice(queryStart + 1);
  return [
    request.method.toUpperCase(),
    canonicalUri(path),
    canonicalQuery(query),
    signedHeaders.map((name) => `${name}:${canonicalHeaderValue(request.headers[name])}\n`).join(''),
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

/** Every service but S3 encodes the (already encoded) path segments once more. */
function canonicalUri(path: string): string {
  if (path === '') return '/';
  return path
    .split('/')
    .map((segment) => encodeRfc3986(segment))
    .join('/');
}

function canonicalQuery(query: string): string {
  if (query === '') return '';
  const pairs = query
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const key = equals < 0 ? pair : pair.slice(0, equals);
      const value = equals < 0 ? '' : pair.slice(equals + 1);
      return [encodeRfc3986(decodeLoosely(key)), encodeRfc3986(decodeLoosely(value))] as const;
    });
  pairs.sort(([keyA, valueA], [keyB, valueB]) => (keyA < keyB ? -1 : keyA > keyB ? 1 : valueA < valueB ? -1 : valueA > valueB ? 1 : 0));
  return pairs.map(([key, value]) => `${key}=${value}`).join('&');
}

function canonicalHeaderValue(value: string | string[] | number | undefined): string {
  const text = Array.isArray(value) ? value.join(',') : value === undefined ? '' : String(value);
  return text.trim().replace(/\s+/g, ' ');
}

function signatureOf(canonical: string, basicDate: string, credentialScope: string, secret: string): string {
  const stringToSign = [SIGV4_ALGORITHM, basicDate, credentialScope, sha256Hex(canonical)].join('\n');
  const [date, region, service, terminator] = credentialScope.split('/');
  let key = hmac(`AWS4${secret}`, date);
  key = hmac(key, region);
  key = hmac(key, service);
  key = hmac(key, terminator);
  return hmac(key, stringToSign).toString('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Constant-time comparison, so the time taken tells nothing about how much of a forgery matched. */
function sameHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decodeLoosely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function toBasicIso(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function headerText(headers: SignableRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(',') : String(value);
}

function lowerCaseKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
