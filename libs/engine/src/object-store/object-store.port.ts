import type { ObjectSummary } from '@stepstone/asl';

/**
 * Where Distributed Map states read items (ItemReader) and write results (ResultWriter): the
 * S3 calls they make, as a port. The decider never calls it; the runner performs the
 * `read-items`/`write-results` effects through it and answers with a command.
 */
export interface ObjectStore {
  /** The object's text; NoSuchBucket / NoSuchKey when it is not there. */
  getObject(bucket: string, key: string): Promise<string>;
  /**
   * The object's bytes from byte `start` on, in chunks of at most OBJECT_READ_CHUNK_BYTES, as
   * S3's ranged getObject streams them: an ItemReader reads its items batch by batch and never
   * holds the whole object. Stopping the iteration early releases the object. NoSuchBucket /
   * NoSuchKey as getObject.
   */
  openObject(bucket: string, key: string, start: number): Promise<AsyncIterable<Uint8Array>>;
  /** The bucket's objects under `prefix`, in key order (S3's listObjectsV2, every page). */
  listObjects(bucket: string, prefix?: string): Promise<ObjectSummary[]>;
  /**
   * One page of the bucket's objects under `prefix`, in key order, after the key `startAfter`
   * (S3's ListObjectsV2 StartAfter): at most `maxKeys` (S3 returns at most 1,000 per call), and
   * whether more follow (S3's IsTruncated). NoSuchBucket as getObject.
   */
  listObjectsPage(bucket: string, prefix: string | undefined, options: { readonly startAfter?: string; readonly maxKeys: number }): Promise<ObjectListingPage>;
  /** Stores the object; NoSuchBucket when the bucket does not exist (S3 does not create it). */
  putObject(bucket: string, key: string, body: string): Promise<void>;
}

/** A page of a listing. */
export interface ObjectListingPage {
  readonly objects: ObjectSummary[];
  readonly truncated: boolean;
}

/** Most keys S3's ListObjectsV2 returns in one call (its MaxKeys default and ceiling). */
export const LIST_OBJECTS_PAGE_KEYS = 1_000;

/** The largest chunk openObject yields. */
export const OBJECT_READ_CHUNK_BYTES = 64 * 1024;

/** S3's error, with its code and message, as a Map's ItemReaderFailed/ResultWriterFailed cause shows it. */
export class ObjectStoreError extends Error {
  constructor(
    readonly code: 'NoSuchBucket' | 'NoSuchKey' | 'InvalidKey',
    message: string,
  ) {
    super(message);
    this.name = 'ObjectStoreError';
  }

  static noSuchBucket(bucket: string): ObjectStoreError {
    return new ObjectStoreError('NoSuchBucket', `The specified bucket does not exist (Service: S3, Status Code: 404, Bucket: ${bucket})`);
  }

  static noSuchKey(bucket: string, key: string): ObjectStoreError {
    return new ObjectStoreError('NoSuchKey', `The specified key does not exist. (Service: S3, Status Code: 404, Bucket: ${bucket}, Key: ${key})`);
  }
}
