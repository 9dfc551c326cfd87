import { signRequest } from './sigv4';

/**
 * The console talks to its own server under /console/api: the AWS JSON API at
 * `POST /console/api/aws` (the same X-Amz-Target and body as `POST /`), and what AWS has no call
 * for. With `STEPSTONE_AUTH=sigv4` every call rides on the session cookie that signing in set
 * (HttpOnly: this code never sees it), and calls that change something carry CONSOLE_HEADER.
 */

/** The header the server requires on every console request that changes something (CSRF). */
const CONSOLE_HEADER = { 'x-stepstone-console': '1' };

export class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 0,
  ) {
    super(message);
  }
}

/** Called when the server says the session is missing or over (401): the console shows its sign-in form. */
const signedOutListeners = new Set<() => void>();
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

async function readJson(response: Response): Promise<any> {
  const text = await response.text();
  const body = text === '' ? {} : JSON.parse(text);
  if (!response.ok) {
    if (response.status === 401) for (const listener of signedOutListeners) listener();
    const type = String(body.__type ?? `HTTP ${response.status}`).split('#').pop() ?? 'Error';
    throw new ApiError(type, String(body.message ?? body.Message ?? response.statusText), response.status);
  }
  return body;
}

/** One AWS Step Functions action, with the body the SDKs send. */
export async function aws<T = any>(action: string, request: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch('/console/api/aws', {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${action}`, ...CONSOLE_HEADER },
    body: JSON.stringify(request),
  });
  return readJson(response);
}

export interface Session {
  readonly authRequired: boolean;
  /** The access key id signed in (or `anonymous` with auth off / signed out). */
  readonly actor: string;
  readonly expiresAt?: string;
  readonly signingRegion: string;
  readonly signingService: string;
  /** Set when signed out: why (MissingAuthenticationToken, ExpiredTokenException). */
  readonly __type?: string;
}

/** Who the console is signed in as; `signedIn` false means the sign-in form is needed. */
export async function readSession(): Promise<{ session: Session; signedIn: boolean; clockOffsetMs: number }> {
  const response = await fetch('/console/api/session', { cache: 'no-store' });
  const session = (await response.json()) as Session;
  if (response.status !== 200 && response.status !== 401) throw new ApiError(String(session.__type ?? `HTTP ${response.status}`), String((session as { message?: string }).message ?? ''), response.status);
  // The server refuses a signature more than 5 minutes off its clock: sign with its time, as the SDKs correct theirs.
  const serverDate = Date.parse(response.headers.get('date') ?? '');
  return { session, signedIn: response.status === 200, clockOffsetMs: Number.isNaN(serverDate) ? 0 : serverDate - Date.now() };
}

/**
 * Signs in: this page signs `POST /console/api/session` with Signature V4 (WebCrypto, or plain
 * code on a page served over HTTP, where browsers withhold WebCrypto) and sends
 * the signature alone; the server verifies it with the key's secret and sets the session cookie.
 */
export async function signIn(credentials: { accessKeyId: string; secretAccessKey: string }, scope: { region: string; service: string; clockOffsetMs: number }): Promise<Session> {
  const url = '/console/api/session';
  const headers = { host: window.location.host, ...CONSOLE_HEADER };
  const signed = await signRequest({ method: 'POST', url, headers, body: '' }, credentials, { region: scope.region, service: scope.service, now: new Date(Date.now() + scope.clockOffsetMs) });
  // `host` is signed but sent by the browser itself (fetch may not set it).
  const response = await fetch(url, { method: 'POST', headers: { ...CONSOLE_HEADER, ...signed }, cache: 'no-store' });
  return readJson(response);
}

export async function signOut(): Promise<void> {
  await fetch('/console/api/session', { method: 'DELETE', headers: CONSOLE_HEADER });
}

export async function consoleApi<T = any>(path: string, query: Record<string, string | undefined> = {}): Promise<T> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, value);
  const response = await fetch(`/console/api/${path}${params.size > 0 ? `?${params}` : ''}`);
  return readJson(response);
}

export interface Change {
  readonly position: number;
  readonly kind: 'execution' | 'state-machine' | 'other';
  readonly type: string;
  readonly stateMachineArn?: string;
  readonly executionArn?: string;
}

/** Server-sent changes; `onChange` is called at most every `throttleMs`, and once on (re)connect. */
export function subscribeChanges(query: Record<string, string>, onChange: (changes: Change[]) => void, throttleMs = 200): () => void {
  const source = new EventSource(`/console/api/events?${new URLSearchParams(query)}`);
  let pending: Change[] = [];
  let timer: number | undefined;
  const flush = () => {
    timer = undefined;
    const batch = pending;
    pending = [];
    onChange(batch);
  };
  source.onopen = () => onChange([]);
  // A refused stream (401/403) is closed for good, not retried: if the session is over, say so.
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) void readSession().then(({ signedIn }) => signedIn || signedOutListeners.forEach((listener) => listener()), () => undefined);
  };
  source.onmessage = (message) => {
    pending.push(JSON.parse(message.data) as Change);
    timer ??= window.setTimeout(flush, throttleMs);
  };
  return () => {
    if (timer !== undefined) window.clearTimeout(timer);
    source.close();
  };
}

export const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'] as const;

export function formatDate(epochSeconds: number | undefined): string {
  if (epochSeconds === undefined) return '';
  return new Date(epochSeconds * 1000).toLocaleString(undefined, { hour12: false });
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || Number.isNaN(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
