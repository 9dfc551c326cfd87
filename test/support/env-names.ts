import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The environment variables Stepstone's code reads, found in its source rather than kept in a
 * second list that could drift: every `env.NAME`, `env?.NAME` and `env['NAME']` (also through
 * `process.env`) in apps/ and libs/ outside tests, every quoted `OTEL_…`/`STEPSTONE_…`/`KURRENTDB_…`
 * literal (lists of names, as start-telemetry.ts keeps), and the prefixes of names built at run
 * time (`env[\`STEPSTONE_ENDPOINT_${service}\`]`).
 */
export interface KnownEnvironment {
  readonly names: ReadonlySet<string>;
  readonly prefixes: readonly string[];
}

/**
 * Read by libraries themselves, not by a line of ours: the OpenTelemetry SDK reads every
 * OTEL_* variable (README, "OpenTelemetry"), the AWS SDK the AWS_* ones (credentials, region,
 * profile) for the service integrations.
 */
export const LIBRARY_PREFIXES = ['OTEL_', 'AWS_'] as const;

export function environmentNamesReadByCode(root: string): KnownEnvironment {
  const names = new Set<string>();
  const prefixes = new Set<string>(LIBRARY_PREFIXES);
  for (const file of sourceFiles(root)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/\benv\??\.([A-Z][A-Z0-9_]*)\b/g)) names.add(match[1]);
    for (const match of text.matchAll(/\benv\[\s*(['"])([A-Z][A-Z0-9_]*)\1\s*\]/g)) names.add(match[2]);
    for (const match of text.matchAll(/\benv\[\s*`([A-Z][A-Z0-9_]*)\$\{/g)) prefixes.add(match[1]);
    for (const match of text.matchAll(/(['"])((?:OTEL|STEPSTONE|KURRENTDB)_[A-Z0-9_]+)\1/g)) names.add(match[2]);
  }
  return { names, prefixes: [...prefixes].sort() };
}

export function isKnownName(known: KnownEnvironment, name: string): boolean {
  return known.names.has(name) || known.prefixes.some((prefix) => name.startsWith(prefix) && name.length > prefix.length);
}

function sourceFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'fixtures') walk(full);
      } else if (/\.(ts|mjs|cjs|js)$/.test(entry.name) && !/\.spec\.ts$/.test(entry.name)) {
        found.push(full);
      }
    }
  };
  for (const top of ['apps', 'libs']) walk(path.join(root, top));
  return found;
}
