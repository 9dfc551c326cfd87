/** The console talks to its own server: the AWS JSON API at `POST /`, and /console/api for the rest. */

export class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

async function readJson(response: Response): Promise<any> {
  const text = await response.text();
  const body = text === '' ? {} : JSON.parse(text);
  if (!response.ok) {
    const type = String(body.__type ?? `HTTP ${response.status}`).split('#').pop() ?? 'Error';
    throw new ApiError(type, String(body.message ?? body.Message ?? response.statusText));
  }
  return body;
}

/** One AWS Step Functions action, exactly as the SDKs send it. */
export async function aws<T = any>(action: string, request: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch('/', {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${action}` },
    body: JSON.stringify(request),
  });
  return readJson(response);
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
