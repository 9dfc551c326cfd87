import { TaskFailure } from '../task-failure';
import { httpAllowListFrom, type HttpAllowList } from './http-allow';

/**
 * `arn:aws:states:::http:invoke` (Step Functions guide, "Call HTTPS APIs"): ApiEndpoint, Method,
 * Headers, QueryParameters, RequestBody and Transform (RequestBodyEncoding NONE | URL_ENCODED,
 * RequestEncodingOptions.ArrayFormat INDICES | REPEAT | COMMAS | BRACKETS). The result is
 * `{ResponseBody, Headers, StatusCode, StatusText}`; a status outside 2xx fails the task with
 * `States.Http.StatusCode.<code>`, a connection that never answers with `States.Http.Socket`.
 */
export interface HttpInvokeParameters {
  readonly ApiEndpoint?: unknown;
  readonly Method?: unknown;
  readonly Headers?: unknown;
  readonly QueryParameters?: unknown;
  readonly RequestBody?: unknown;
  readonly Transform?: { readonly RequestBodyEncoding?: unknown; readonly RequestEncodingOptions?: { readonly ArrayFormat?: unknown } };
}

/** The request sent and the response received, as TestState's TRACE level shows them (all text). */
export interface HttpExchange {
  readonly request: { readonly protocol: string; readonly method: string; readonly url: string; readonly headers: string; readonly body: string };
  readonly response: { readonly protocol: string; readonly statusCode: string; readonly statusMessage: string; readonly headers: string; readonly body: string };
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']);

let allowFromEnv: { setting: string | undefined; list: HttpAllowList } | undefined;

/** The allow list from `STEPSTONE_HTTP_ALLOW`, re-read when the variable changes. */
function allowListFromEnv(): HttpAllowList {
  const setting = process.env.STEPSTONE_HTTP_ALLOW;
  if (allowFromEnv === undefined || allowFromEnv.setting !== setting) allowFromEnv = { setting, list: httpAllowListFrom(setting) };
  return allowFromEnv.list;
}

/** `observe`: told the exchange once the response is read (TestState at TRACE), whatever its status. */
export async function invokeHttp(
  parameters: HttpInvokeParameters,
  timeoutMs = 60_000,
  allow: HttpAllowList = allowListFromEnv(),
  observe?: (exchange: HttpExchange) => void,
): Promise<Record<string, unknown>> {
  if (typeof parameters.ApiEndpoint !== 'string' || parameters.ApiEndpoint === '') {
    throw new TaskFailure('States.Runtime', "The field 'ApiEndpoint' is required and must be a string");
  }
  const method = typeof parameters.Method === 'string' ? parameters.Method.toUpperCase() : '';
  if (!METHODS.has(method)) throw new TaskFailure('States.Runtime', `The field 'Method' must be one of ${[...METHODS].join(', ')}`);
  const arrayFormat = typeof parameters.Transform?.RequestEncodingOptions?.ArrayFormat === 'string' ? parameters.Transform.RequestEncodingOptions.ArrayFormat : 'INDICES';

  let url: URL;
  try {
    url = new URL(parameters.ApiEndpoint);
  } catch {
    throw new TaskFailure('States.Runtime', `The field 'ApiEndpoint' is not a valid URL: ${parameters.ApiEndpoint}`);
  }
  await allow.check(url);
  if (isObject(parameters.QueryParameters)) {
    for (const [key, value] of encodePairs(parameters.QueryParameters, arrayFormat)) url.searchParams.append(key, value);
  }
  const headers = new Headers();
  if (isObject(parameters.Headers)) for (const [key, value] of Object.entries(parameters.Headers)) headers.set(key, String(value));

  let body: string | undefined;
  if (parameters.RequestBody !== undefined && method !== 'GET' && method !== 'HEAD') {
    if (parameters.Transform?.RequestBodyEncoding === 'URL_ENCODED' && isObject(parameters.RequestBody)) {
      body = new URLSearchParams(encodePairs(parameters.RequestBody, arrayFormat)).toString();
      if (!headers.has('content-type')) headers.set('content-type', 'application/x-www-form-urlencoded');
    } else if (typeof parameters.RequestBody === 'string') {
      body = parameters.RequestBody;
    } else {
      body = JSON.stringify(parameters.RequestBody);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    }
  }

  let response: Response;
  try {
    response = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const reason = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    throw new TaskFailure('States.Http.Socket', `Unable to reach ${url.origin}: ${reason}`);
  }
  const text = await response.text();
  observe?.({
    request: { protocol: url.protocol.replace(':', ''), method, url: url.toString(), headers: headerText(headers), body: body ?? '' },
    response: { protocol: url.protocol.replace(':', ''), statusCode: String(response.status), statusMessage: response.statusText, headers: headerText(response.headers), body: text },
  });
  const result: Record<string, unknown> = {
    Headers: Object.fromEntries([...response.headers.entries()].map(([key, value]) => [key, [value]])),
    ResponseBody: parseBody(text, response.headers.get('content-type')),
    StatusCode: response.status,
    StatusText: response.statusText,
  };
  if (response.status < 200 || response.status > 299) {
    throw new TaskFailure(`States.Http.StatusCode.${response.status}`, JSON.stringify(result));
  }
  return result;
}

function headerText(headers: Headers): string {
  return JSON.stringify(Object.fromEntries([...headers.entries()].map(([key, value]) => [key, [value]])));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function parseBody(text: string, contentType: string | null): unknown {
  if (contentType !== null && /\bjson\b/i.test(contentType)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** Flattens an object into URL pairs, arrays in the chosen ArrayFormat, nested objects as a[b]. */
function encodePairs(value: Record<string, unknown>, arrayFormat: string, prefix?: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const [rawKey, item] of Object.entries(value)) {
    const key = prefix ? `${prefix}[${rawKey}]` : rawKey;
    if (Array.isArray(item)) {
      if (arrayFormat === 'COMMAS') pairs.push([key, item.map(scalar).join(',')]);
      else item.forEach((element, index) => pairs.push([arrayFormat === 'REPEAT' ? key : arrayFormat === 'BRACKETS' ? `${key}[]` : `${key}[${index}]`, scalar(element)]));
    } else if (isObject(item)) {
      pairs.push(...encodePairs(item, arrayFormat, key));
    } else {
      pairs.push([key, scalar(item)]);
    }
  }
  return pairs;
}

function scalar(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
