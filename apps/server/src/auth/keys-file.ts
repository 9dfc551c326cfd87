import { readFileSync } from 'node:fs';
import { StartupRefusal } from '../config';
import { parsePolicy, type Policy } from './policy';

/** One access key from `STEPSTONE_KEYS_FILE`. */
export interface AccessKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly policy: Policy;
}

export class InvalidKeysFile extends StartupRefusal {
}

/**
 * AWS's AccessKeyId constraint (IAM API reference, AccessKey: 16–128 word characters). It also
 * keeps a key from being named like the audit trail's own actors (`engine`, `anonymous`).
 */
const accessKeyIdPattern = /^\w{16,128}$/;

/** Reads and checks `{"keys": [{"accessKeyId", "secretAccessKey", "policy"}]}`; every error names its place. */
export function loadKeysFile(file: string): ReadonlyMap<string, AccessKey> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InvalidKeysFile(`STEPSTONE_KEYS_FILE ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new InvalidKeysFile(`STEPSTONE_KEYS_FILE ${file}: not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  try {
    return parseKeys(document);
  } catch (error) {
    throw new InvalidKeysFile(`STEPSTONE_KEYS_FILE ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function parseKeys(document: unknown): ReadonlyMap<string, AccessKey> {
  const keys = (document as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new Error("expected {\"keys\": [...]} with at least one key");
  const byId = new Map<string, AccessKey>();
  keys.forEach((key: unknown, index) => {
    const where = `keys[${index}]`;
    const entry = (key ?? {}) as Record<string, unknown>;
    if (typeof entry.accessKeyId !== 'string' || !accessKeyIdPattern.test(entry.accessKeyId)) {
      throw new Error(`${where}.accessKeyId must be 16 to 128 letters, digits or underscores`);
    }
    if (typeof entry.secretAccessKey !== 'string' || entry.secretAccessKey.length < 16) {
      throw new Error(`${where}.secretAccessKey must be a string of at least 16 characters`);
    }
    if (byId.has(entry.accessKeyId)) throw new Error(`${where}.accessKeyId '${entry.accessKeyId}' appears twice`);
    byId.set(entry.accessKeyId, {
      accessKeyId: entry.accessKeyId,
      secretAccessKey: entry.secretAccessKey,
      policy: parsePolicy(entry.policy, `${where}.policy`),
    });
  });
  return byId;
}
