import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { ObjectSummary } from '@stepstone/asl';
import { etagOf } from './in-memory-object-store';
import { type ObjectStore, ObjectStoreError } from './object-store.port';

/**
 * An object store in a local folder: each bucket is a subfolder of `root`, each key a file
 * path inside it (`a/b.json` → `<root>/<bucket>/a/b.json`). A bucket exists when its folder
 * does, as S3 requires a bucket before objects go in it.
 */
export function createDirectoryObjectStore(root: string): ObjectStore {
  const rootDir = resolve(root);

  async function bucketDir(bucket: string): Promise<string> {
    if (bucket === '' || bucket.includes('/') || bucket.includes('\\') || bucket === '.' || bucket === '..') throw ObjectStoreError.noSuchBucket(bucket);
    const dir = join(rootDir, bucket);
    const info = await stat(dir).catch(() => undefined);
    if (!info?.isDirectory()) throw ObjectStoreError.noSuchBucket(bucket);
    return dir;
  }

  function objectPath(dir: string, key: string): string {
    const path = resolve(dir, key);
    if (key === '' || !path.startsWith(dir + sep)) throw new ObjectStoreError('InvalidKey', `The key '${key}' does not name an object inside the bucket.`);
    return path;
  }

  async function walk(dir: string, base: string, found: ObjectSummary[]): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        await walk(path, base, found);
      } else if (entry.isFile()) {
        const [body, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
        const key = relative(base, path).split(sep).join('/');
        found.push({ key, size: info.size, etag: etagOf(body), lastModified: info.mtime.toISOString() });
      }
    }
  }

  return {
    async getObject(bucket, key) {
      const path = objectPath(await bucketDir(bucket), key);
      try {
        return await readFile(path, 'utf8');
      } catch {
        throw ObjectStoreError.noSuchKey(bucket, key);
      }
    },
    async listObjects(bucket, prefix = '') {
      const dir = await bucketDir(bucket);
      const found: ObjectSummary[] = [];
      await walk(dir, dir, found);
      return found.filter((object) => object.key.startsWith(prefix)).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    async putObject(bucket, key, body) {
      const path = objectPath(await bucketDir(bucket), key);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, body, 'utf8');
    },
  };
}
