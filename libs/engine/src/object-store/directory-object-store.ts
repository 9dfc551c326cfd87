import { lstat, mkdir, open, readdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ObjectSummary } from '@stepstone/asl';
import { etagOf } from './in-memory-object-store';
import { OBJECT_READ_CHUNK_BYTES, type ObjectStore, ObjectStoreError } from './object-store.port';

/** S3's longest key, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;

/**
 * An object store in a local folder: each bucket is a subfolder of `root`, each key a file
 * path inside it (`a/b.json` → `<root>/<bucket>/a/b.json`). A bucket exists when its folder
 * does, as S3 requires a bucket before objects go in it.
 *
 * Bucket and key names come from definitions and execution input, so nothing they name may
 * lead outside the bucket's folder: no `..`, no absolute key, no NUL, and no symlink on the way
 * (a bucket folder that is a link, or a link inside a bucket, is refused, not followed).
 */
export function createDirectoryObjectStore(root: string): ObjectStore {
  const rootDir = resolve(root);
  const invalidKey = (key: string) => new ObjectStoreError('InvalidKey', `The key '${key}' does not name an object inside the bucket.`);

  async function bucketDir(bucket: string): Promise<string> {
    if (bucket === '' || /[/\\\0]/.test(bucket) || bucket === '.' || bucket === '..') throw ObjectStoreError.noSuchBucket(bucket);
    const dir = join(rootDir, bucket);
    const info = await lstat(dir).catch(() => undefined);
    if (!info?.isDirectory()) throw ObjectStoreError.noSuchBucket(bucket);
    return dir;
  }

  /** The key's path; every part of it that exists must be a real folder or file, not a link. */
  async function objectPath(dir: string, key: string): Promise<string> {
    if (key === '' || key.includes('\0') || Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES || isAbsolute(key)) throw invalidKey(key);
    const path = resolve(dir, key);
    if (!path.startsWith(dir + sep)) throw invalidKey(key);
    let here = dir;
    for (const part of relative(dir, path).split(sep)) {
      here = join(here, part);
      const info = await lstat(here).catch(() => undefined);
      if (info === undefined) break;
      if (info.isSymbolicLink()) throw invalidKey(key);
    }
    // The root itself may be a link the operator chose; the bucket must still be inside it.
    const [realRoot, realDir] = await Promise.all([realpath(rootDir), realpath(dir)]);
    if (!realDir.startsWith(realRoot + sep)) throw invalidKey(key);
    return path;
  }

  /** The keys of the files under `dir` (names only: a page reads the files it lists, not the bucket's). */
  async function walk(dir: string, base: string, found: string[]): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path, base, found);
      else if (entry.isFile()) found.push(relative(base, path).split(sep).join('/'));
    }
  }

  async function summaryOf(dir: string, key: string): Promise<ObjectSummary> {
    const path = join(dir, ...key.split('/'));
    const [body, info] = await Promise.all([readFile(path, 'utf8'), lstat(path)]);
    return { key, size: info.size, etag: etagOf(body), lastModified: info.mtime.toISOString() };
  }

  async function keysUnder(dir: string, prefix: string, startAfter?: string): Promise<string[]> {
    const keys: string[] = [];
    await walk(dir, dir, keys);
    return keys.filter((key) => key.startsWith(prefix) && (startAfter === undefined || key > startAfter)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  const listObjectsPage: ObjectStore['listObjectsPage'] = async (bucket, prefix = '', { startAfter, maxKeys }) => {
    const dir = await bucketDir(bucket);
    const keys = await keysUnder(dir, prefix, startAfter);
    const objects: ObjectSummary[] = [];
    for (const key of keys.slice(0, maxKeys)) objects.push(await summaryOf(dir, key));
    return { objects, truncated: keys.length > maxKeys };
  };

  return {
    async getObject(bucket, key) {
      const path = await objectPath(await bucketDir(bucket), key);
      try {
        return await readFile(path, 'utf8');
      } catch {
        throw ObjectStoreError.noSuchKey(bucket, key);
      }
    },
    async openObject(bucket, key, start) {
      const path = await objectPath(await bucketDir(bucket), key);
      const handle = await open(path, 'r').catch(() => undefined);
      const info = await handle?.stat().catch(() => undefined);
      if (!handle || !info?.isFile()) {
        await handle?.close();
        throw ObjectStoreError.noSuchKey(bucket, key);
      }
      // The stream closes the file when it ends or when the reader stops early.
      return handle.createReadStream({ start, highWaterMark: OBJECT_READ_CHUNK_BYTES, autoClose: true });
    },
    listObjects: async (bucket, prefix) => (await listObjectsPage(bucket, prefix, { maxKeys: Number.POSITIVE_INFINITY })).objects,
    listObjectsPage,
    async putObject(bucket, key, body) {
      const path = await objectPath(await bucketDir(bucket), key);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, body, 'utf8');
    },
  };
}
