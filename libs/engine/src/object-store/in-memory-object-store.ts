import { createHash } from 'node:crypto';
import type { ObjectSummary } from '@stepstone/asl';
import { OBJECT_READ_CHUNK_BYTES, type ObjectStore, ObjectStoreError } from './object-store.port';

interface StoredObject {
  readonly body: string;
  readonly lastModified: string;
}

/** An object store in memory (tests, the conformance runner): buckets exist once created. */
export function createInMemoryObjectStore(now: () => Date = () => new Date()): ObjectStore & {
  createBucket(bucket: string): void;
} {
  const buckets = new Map<string, Map<string, StoredObject>>();
  const bucketOf = (bucket: string) => {
    const found = buckets.get(bucket);
    if (!found) throw ObjectStoreError.noSuchBucket(bucket);
    return found;
  };
  const listObjectsPage: ObjectStore['listObjectsPage'] = async (bucket, prefix = '', { startAfter, maxKeys }) => {
    const stored = bucketOf(bucket);
    const keys = [...stored.keys()].filter((key) => key.startsWith(prefix) && (startAfter === undefined || key > startAfter)).sort();
    const objects: ObjectSummary[] = keys.slice(0, maxKeys).map((key) => {
      const object = stored.get(key)!;
      return { key, size: Buffer.byteLength(object.body, 'utf8'), etag: etagOf(object.body), lastModified: object.lastModified };
    });
    return { objects, truncated: keys.length > maxKeys };
  };
  return {
    createBucket(bucket) {
      if (!buckets.has(bucket)) buckets.set(bucket, new Map());
    },
    async getObject(bucket, key) {
      const object = bucketOf(bucket).get(key);
      if (!object) throw ObjectStoreError.noSuchKey(bucket, key);
      return object.body;
    },
    async openObject(bucket, key, start) {
      const object = bucketOf(bucket).get(key);
      if (!object) throw ObjectStoreError.noSuchKey(bucket, key);
      const bytes = Buffer.from(object.body, 'utf8');
      return (async function* chunks() {
        for (let at = start; at < bytes.length; at += OBJECT_READ_CHUNK_BYTES) yield bytes.subarray(at, at + OBJECT_READ_CHUNK_BYTES);
      })();
    },
    listObjects: async (bucket, prefix) => (await listObjectsPage(bucket, prefix, { maxKeys: Number.POSITIVE_INFINITY })).objects,
    listObjectsPage,
    async putObject(bucket, key, body) {
      bucketOf(bucket).set(key, { body, lastModified: now().toISOString() });
    },
  };
}

/** S3's ETag of a single-part upload: the MD5 of the body, quoted. */
export function etagOf(body: string): string {
  return `"${createHash('md5').update(body, 'utf8').digest('hex')}"`;
}
