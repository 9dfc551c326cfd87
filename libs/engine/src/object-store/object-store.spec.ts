import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createDirectoryObjectStore } from './directory-object-store';
import { createInMemoryObjectStore } from './in-memory-object-store';
import { OBJECT_READ_CHUNK_BYTES, type ObjectStore, ObjectStoreError } from './object-store.port';

/** One contract both adapters pass: `open` gives a store with an empty bucket 'data'. */
function describeObjectStoreContract(name: string, open: () => Promise<ObjectStore>): void {
  describe(`object store contract: ${name}`, () => {
    it('stores an object and reads it back', async () => {
      const store = await open();
      await store.putObject('data', 'in/items.json', '[1,2]');
      assert.equal(await store.getObject('data', 'in/items.json'), '[1,2]');
    });

    it('lists objects under a prefix in key order, with size and ETag', async () => {
      const store = await open();
      await store.putObject('data', 'p/b.txt', 'bb');
      await store.putObject('data', 'p/a.txt', 'a');
      await store.putObject('data', 'q.txt', 'q');
      const listed = await store.listObjects('data', 'p/');
      assert.deepEqual(listed.map((object) => [object.key, object.size]), [['p/a.txt', 1], ['p/b.txt', 2]]);
      assert.match(listed[0].etag, /^"[0-9a-f]{32}"$/);
      assert.ok(!Number.isNaN(Date.parse(listed[0].lastModified)));
    });

    it('lists a page after a key, at most maxKeys, and says whether more follow (S3 ListObjectsV2 StartAfter, IsTruncated)', async () => {
      const store = await open();
      for (const key of ['p/d', 'p/a', 'p/c', 'p/b', 'p/sub/e', 'q']) await store.putObject('data', key, key);
      const first = await store.listObjectsPage('data', 'p/', { maxKeys: 2 });
      assert.deepEqual([first.objects.map((object) => object.key), first.truncated], [['p/a', 'p/b'], true]);
      const second = await store.listObjectsPage('data', 'p/', { startAfter: 'p/b', maxKeys: 2 });
      assert.deepEqual([second.objects.map((object) => object.key), second.truncated], [['p/c', 'p/d'], true]);
      const last = await store.listObjectsPage('data', 'p/', { startAfter: 'p/d', maxKeys: 2 });
      assert.deepEqual([last.objects.map((object) => object.key), last.truncated], [['p/sub/e'], false]);
      assert.equal(last.objects[0].size, 7);
      assert.deepEqual(await store.listObjectsPage('data', 'p/', { startAfter: 'p/sub/e', maxKeys: 2 }), { objects: [], truncated: false });
      await assert.rejects(store.listObjectsPage('nope', undefined, { maxKeys: 1 }), (error: unknown) => error instanceof ObjectStoreError && error.code === 'NoSuchBucket');
    });

    it('streams an object from a byte offset in bounded chunks, and stops when the reader does', async () => {
      const store = await open();
      const body = 'é'.repeat(100_000);
      await store.putObject('data', 'big.txt', body);
      const chunks: Buffer[] = [];
      for await (const chunk of await store.openObject('data', 'big.txt', 3)) chunks.push(Buffer.from(chunk));
      assert.ok(chunks.length > 1 && chunks.every((chunk) => chunk.length <= OBJECT_READ_CHUNK_BYTES));
      assert.deepEqual(Buffer.concat(chunks), Buffer.from(body).subarray(3));
      let taken = 0;
      for await (const chunk of await store.openObject('data', 'big.txt', 0)) {
        taken += chunk.length;
        break;
      }
      assert.ok(taken <= OBJECT_READ_CHUNK_BYTES);
      await assert.rejects(store.openObject('data', 'missing.json', 0), (error: unknown) => error instanceof ObjectStoreError && error.code === 'NoSuchKey');
      await assert.rejects(store.openObject('nope', 'x', 0), (error: unknown) => error instanceof ObjectStoreError && error.code === 'NoSuchBucket');
    });

    it('answers NoSuchKey and NoSuchBucket as S3 does', async () => {
      const store = await open();
      await assert.rejects(store.getObject('data', 'missing.json'), (error: unknown) => error instanceof ObjectStoreError && error.code === 'NoSuchKey');
      await assert.rejects(store.getObject('nope', 'x'), (error: unknown) => error instanceof ObjectStoreError && error.code === 'NoSuchBucket');
      await assert.rejects(store.putObject('nope', 'x', 'y'), (error: unknown) => error instanceof ObjectStoreError && error.code === 'NoSuchBucket');
    });
  });
}

describeObjectStoreContract('in memory', async () => {
  const store = createInMemoryObjectStore();
  store.createBucket('data');
  return store;
});

const roots: string[] = [];
after(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

describeObjectStoreContract('local directory', async () => {
  const root = await mkdtemp(join(tmpdir(), 'stepstone-objects-'));
  roots.push(root);
  await mkdir(join(root, 'data'));
  return createDirectoryObjectStore(root);
});

describe('local directory object store', () => {
  it('keeps keys inside their bucket folder', async () => {
    const root = await mkdtemp(join(tmpdir(), 'stepstone-objects-'));
    roots.push(root);
    await mkdir(join(root, 'data'));
    const store = createDirectoryObjectStore(root);
    await assert.rejects(store.putObject('data', '../escape.txt', 'x'), (error: unknown) => error instanceof ObjectStoreError && error.code === 'InvalidKey');
  });

  const invalidKey = (error: unknown) => error instanceof ObjectStoreError && error.code === 'InvalidKey';
  const outside = async () => {
    const root = await mkdtemp(join(tmpdir(), 'stepstone-objects-'));
    const elsewhere = await mkdtemp(join(tmpdir(), 'stepstone-elsewhere-'));
    roots.push(root, elsewhere);
    await mkdir(join(root, 'data'));
    await writeFile(join(elsewhere, 'secret.txt'), 'secret');
    return { root, elsewhere, store: createDirectoryObjectStore(root) };
  };

  it('refuses absolute keys and NUL bytes as InvalidKey', async () => {
    const { elsewhere, store } = await outside();
    await assert.rejects(store.getObject('data', join(elsewhere, 'secret.txt')), invalidKey);
    await assert.rejects(store.putObject('data', join(elsewhere, 'new.txt'), 'x'), invalidKey);
    await assert.rejects(store.putObject('data', 'a\u0000b', 'x'), invalidKey);
  });

  it('does not follow a symlink out of the bucket, for reads or writes', async () => {
    const { root, elsewhere, store } = await outside();
    await symlink(elsewhere, join(root, 'data', 'link'));
    await symlink(join(elsewhere, 'secret.txt'), join(root, 'data', 'file-link'));
    await assert.rejects(store.getObject('data', 'link/secret.txt'), invalidKey);
    await assert.rejects(store.getObject('data', 'file-link'), invalidKey);
    await assert.rejects(store.openObject('data', 'link/secret.txt', 0), invalidKey);
    await assert.rejects(store.openObject('data', 'file-link', 0), invalidKey);
    await assert.rejects(store.putObject('data', 'link/planted.txt', 'x'), invalidKey);
    await assert.rejects(store.putObject('data', 'file-link', 'overwritten'), invalidKey);
    assert.equal(await readFile(join(elsewhere, 'secret.txt'), 'utf8'), 'secret');
  });

  it('does not serve a bucket that is a symlink out of the root', async () => {
    const { root, elsewhere, store } = await outside();
    await symlink(elsewhere, join(root, 'linked'));
    await assert.rejects(store.getObject('linked', 'secret.txt'), (error: unknown) => error instanceof ObjectStoreError && error.code === 'NoSuchBucket');
  });
});
