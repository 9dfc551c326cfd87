import { hmacSha256, sha256 } from './sha256';

/**
 * AWS Signature Version 4 in the browser, with WebCrypto (SubtleCrypto HMAC-SHA256 and SHA-256):
 * the console signs its one sign-in request with the key's secret, which never leaves the page.
 * Where WebCrypto is missing (plain HTTP from another host than localhost) ./sha256.ts stands in.
 * The canonical request follows the same rules as the server's verifier
 * (apps/server/src/auth/sigv4.ts); test/console/sigv4.spec.ts holds both to the same vectors,
 * AWS's published ones among them.
 */

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

export interface RequestToSign {
  readonly method: string;
  /** Path and query exactly as they will be sent (`/console/api/session`). */
  readonly url: string;
  /** Every header to sign, `host` included (a browser sends it itself, so it is not set by fetch). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface SigningScope {
  readonly region: string;
  readonly service: string;
  readonly now: Date;
}

const encoder = new TextEncoder();

/** The two primitives SigV4 needs. */
interface Hashes {
  sha256(data: Uint8Array): Promise<Uint8Array>;
  hmac(key: Uint8Array, data: Uint8Array): Promise<Uint8Array>;
}

/** SubtleCrypto takes ArrayBuffers: each input is copied into one of its own. */
const ownBuffer = (bytes: Uint8Array): ArrayBuffer => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

const webCryptoHashes: Hashes = {
  sha256: async (data) => new Uint8Array(await crypto.subtle.digest('SHA-256', ownBuffer(data))),
  async hmac(key, data) {
    const imported = await crypto.subtle.importKey('raw', ownBuffer(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    return new Uint8Array(await crypto.subtle.sign('HMAC', imported, ownBuffer(data)));
  },
};

const plainHashes: Hashes = {
  sha256: async (data) => sha256(data),
  hmac: async (key, data) => hmacSha256(key, data),
};

/** Whether this page has WebCrypto (secure contexts only); the signer falls back to plain code without. */
export function hasWebCrypto(): boolean {
  return typeof globalThis.crypto?.subtle?.sign === 'function';
}

/**
 * The headers to add to the request: `x-amz-date` and `authorization`. Every given header is
 * signed. `useWebCrypto` (default: when present) chooses the hash implementation.
 */
export async function signRequest(
  request: RequestToSign,
  credentials: SigningCredentials,
  scope: SigningScope,
  useWebCrypto = hasWebCrypto(),
): Promise<Record<string, string>> {
  const hashes = useWebCrypto ? webCryptoHashes : plainHashes;
  const sha256Hex = async (text: string) => toHex(await hashes.sha256(encoder.encode(text)));
  const hmac = (key: Uint8Array, data: string) => hashes.hmac(key, encoder.encode(data));
  const basic = toBasicIso(scope.now);
  const headers: Record<string, string> = { ...Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value])), 'x-amz-date': basic };
  const signedHeaders = Object.keys(headers).sort();
  const credentialScope = `${basic.slice(0, 8)}/${scope.region}/${scope.service}/aws4_request`;
  const canonical = canonicalRequest({ ...request, headers }, signedHeaders, await sha256Hex(request.body));
  const stringToSign = [SIGV4_ALGORITHM, basic, credentialScope, await sha256Hex(canonical)].join('\n');
  let key = await hmac(encoder.encode(`AWS4${credentials.secretAccessKey}`), basic.slice(0, 8));
  for (const part of [scope.region, scope.service, 'aws4_request']) key = await hmac(key, part);
  const signature = toHex(await hmac(key, stringToSign));
  return {
    'x-amz-date': basic,
    authorization: `${SIGV4_ALGORITHM} Credential=${credentials.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`,
  };
}

/** The canonical request: method, URI, sorted query, signed headers, their names, payload hash. */
export function canonicalRequest(request: RequestToSign, signedHeaders: readonly string[], payloadHash: string): string {
  const queryStart = request.url.indexOf('?');
  const path = queryStart < 0 ? request.url : request.url.slice(0, queryStart);
  const query = queryStart < 0 ? '' : request.url.slice(queryStart + 1);
  return [
    request.method.toUpperCase(),
    path === '' ? '/' : path.split('/').map(encodeRfc3986).join('/'),
    canonicalQuery(query),
    signedHeaders.map((name) => `${name}:${(request.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`).join(''),
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

function canonicalQuery(query: string): string {
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

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function toBasicIso(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
