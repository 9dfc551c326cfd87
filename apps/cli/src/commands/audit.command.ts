import { AUDIT_DEFAULT_LIMIT, AUDIT_MAX_LIMIT, createProjections, type AuditEntry, type AuditQuery } from '@stepstone/projections';
import { ExitCode, formatTable, openDataStore, parseCommandLine, UsageError, withUsage } from '../cli-support';

const usage =
  'audit [--since T] [--until T] [--actor A] [--resource ARN[*]] [--action NAME] [--limit N] [--json] [--data DIR | --endpoint URL]';

interface AuditResult {
  readonly entries: readonly AuditEntry[];
  readonly more: boolean;
}

/**
 * `stepstone audit`: the audit read model, oldest first, as a table (or JSON). Reads the data
 * folder directly (catching the read model up with the store first), or asks a running
 * server's `GET /audit` with --endpoint.
 */
export async function run(argv: string[]): Promise<number> {
  return withUsage(usage, async () => {
    const { values } = parseCommandLine({
      args: argv,
      options: {
        since: { type: 'string' },
        until: { type: 'string' },
        actor: { type: 'string' },
        resource: { type: 'string' },
        action: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean' },
        data: { type: 'string' },
        endpoint: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
      strict: true,
    });
    if (values.help) {
      console.log(`Usage: stepstone ${usage}\nTimes are ISO 8601 (2024-01-31 or 2024-01-31T12:00:00Z); --since is inclusive, --until exclusive.`);
      return ExitCode.ok;
    }
    if (values.data !== undefined && values.endpoint !== undefined) throw new UsageError('Pass --data or --endpoint, not both');
    const query: AuditQuery = {
      ...(values.since !== undefined ? { since: isoTime('--since', values.since) } : {}),
      ...(values.until !== undefined ? { until: isoTime('--until', values.until) } : {}),
      ...(values.actor !== undefined ? { actor: values.actor } : {}),
      ...(values.resource !== undefined ? { resource: values.resource } : {}),
      ...(values.action !== undefined ? { action: values.action } : {}),
      limit: limitOf(values.limit),
    };
    if (query.since !== undefined && query.until !== undefined && query.since >= query.until) {
      throw new UsageError(`--since (${values.since}) must be earlier than --until (${values.until})`);
    }
    const result = values.endpoint !== undefined ? await fromServer(values.endpoint, query) : await fromDataDir(values.data, query);
    if (result === undefined) return ExitCode.failed;
    if (values.json) {
      console.log(JSON.stringify(result.entries, null, 2));
    } else {
      console.log(
        formatTable(
          ['TIME', 'ACTOR', 'SOURCE IP', 'ACTION', 'RESOURCE'],
          result.entries.map((entry) => [entry.time, entry.actor, entry.sourceIp ?? '-', entry.action, entry.resource]),
        ),
      );
      if (result.entries.length === 0) console.log('(no entries match)');
      if (result.more) console.log(`(more entries match: narrow the query or raise --limit, at most ${AUDIT_MAX_LIMIT})`);
    }
    return ExitCode.ok;
  });
}

function isoTime(option: string, value: string): string {
  // Date-only or date-time with an offset: what the HTTP endpoint accepts too (ISO 8601).
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;
  const parsed = Date.parse(value);
  if (!iso.test(value) || Number.isNaN(parsed)) {
    throw new UsageError(`${option} must be an ISO 8601 timestamp (e.g. 2024-01-31T12:00:00Z), got '${value}'`);
  }
  return new Date(parsed).toISOString();
}

function limitOf(value: string | undefined): number {
  if (value === undefined) return AUDIT_DEFAULT_LIMIT;
  const limit = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(limit >= 1 && limit <= AUDIT_MAX_LIMIT)) throw new UsageError(`--limit must be an integer from 1 to ${AUDIT_MAX_LIMIT}, got '${value}'`);
  return limit;
}

async function fromDataDir(data: string | undefined, query: AuditQuery): Promise<AuditResult> {
  const store = await openDataStore(data);
  const projections = await createProjections({ store });
  try {
    // The read model may lag the store (server stopped mid-batch, or never ran this build).
    const head = await store.headPosition();
    if (!(await projections.waitForPosition(head, 60_000))) throw new Error(`the audit read model did not reach position ${head}`);
    const page = await projections.queryAudit(query);
    return { entries: page.entries, more: page.nextPosition !== undefined };
  } finally {
    await projections.close();
    await store.close();
  }
}

async function fromServer(endpoint: string, query: AuditQuery): Promise<AuditResult | undefined> {
  let url: URL;
  try {
    url = new URL('/audit', endpoint);
  } catch {
    throw new UsageError(`--endpoint must be a URL such as http://127.0.0.1:8083, got '${endpoint}'`);
  }
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  const response = await fetch(url);
  const body = (await response.json()) as { entries?: AuditEntry[]; nextToken?: string; __type?: string; message?: string };
  if (!response.ok) {
    console.error(`${body.__type ?? `HTTP ${response.status}`}: ${body.message ?? ''}`);
    return undefined;
  }
  return { entries: body.entries ?? [], more: body.nextToken !== undefined };
}
