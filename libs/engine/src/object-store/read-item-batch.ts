import { createItemScanner, itemsFromListing, type ItemSource, type ReaderSettings, type ScannedItem } from '@stepstone/asl';
import type { ItemReadPosition } from '../execution/history-event';
import { MAX_ITEM_RECORD_BYTES, MAX_ITEMS_PER_RECORD } from '../execution/states/distributed-map';
import { LIST_OBJECTS_PAGE_KEYS, type ObjectStore } from './object-store.port';

/** One batch of an ItemReader's object: the items, the byte offset after each, and whether the read is over. */
export interface ItemBatch {
  readonly items: unknown[];
  readonly ends: number[];
  /** CSV, FIRST_ROW: the headers the first row gave. */
  readonly headers?: readonly string[];
  /** The object ended, or MaxItems items have been read. */
  readonly done: boolean;
}

/**
 * Reads the next batch of an ItemReader's object from `position`: the object is streamed from
 * that byte offset and parsed as it comes, and the read stops once a MapItemsRecorded event's
 * worth of items (MAX_ITEMS_PER_RECORD, MAX_ITEM_RECORD_BYTES of JSON; times the position's
 * window) is complete, or at MaxItems, or at the end. What it holds is that batch, the item
 * being parsed and one chunk of the object (issue 18). Throws States.ItemReaderFailed on content
 * that is not what ReaderConfig says, and the store's errors.
 */
export async function readItemBatch(
  store: ObjectStore,
  source: Extract<ItemSource, { action: 'getObject' }>,
  settings: ReaderSettings,
  position: ItemReadPosition,
): Promise<ItemBatch> {
  const window = position.window ?? 1;
  const remaining = settings.maxItems > 0 ? settings.maxItems - position.count : Number.POSITIVE_INFINITY;
  const items: unknown[] = [];
  const ends: number[] = [];
  const headersOf = (headers: readonly string[] | undefined) =>
    settings.inputType === 'CSV' && settings.csvHeaderLocation === 'FIRST_ROW' && headers ? { headers } : {};
  if (remaining <= 0) return { items, ends, ...headersOf(position.headers), done: true };
  const maxItems = Math.min(MAX_ITEMS_PER_RECORD * window, remaining);
  const maxBytes = MAX_ITEM_RECORD_BYTES * window;
  let bytes = 0;
  /** Takes scanned items until the batch is full: true when it is. */
  const take = (scanned: readonly ScannedItem[]): boolean => {
    for (const item of scanned) {
      if (items.length >= maxItems) return true;
      const size = JSON.stringify(item.value ?? null).length + 1;
      // A single item larger than the batch goes alone, as recordItems stores it.
      if (items.length > 0 && bytes + size > maxBytes) return true;
      items.push(item.value);
      ends.push(item.end);
      bytes += size;
    }
    return items.length >= maxItems;
  };
  const scanner = createItemScanner(settings, { offset: position.offset, ...(position.headers ? { headers: position.headers } : {}) });
  const chunks = await store.openObject(source.bucket, source.key, position.offset);
  let full = false;
  for await (const chunk of chunks) {
    if (take(scanner.push(chunk))) {
      full = true;
      break; // closes the object
    }
  }
  if (!full) full = take(scanner.end());
  return { items, ends, ...headersOf(scanner.headers), done: !full || items.length >= remaining };
}

/**
 * Reads the next batch of an ItemReader's listing (listObjectsV2, EngineBehaviour.PagedListing)
 * after the last key recorded: pages of at most LIST_OBJECTS_PAGE_KEYS keys, as S3 pages them,
 * until a MapItemsRecorded event's worth of items (times the position's window), MaxItems, or the
 * end of the listing. `ends` is empty: each item's Key is where the next read goes on from.
 */
export async function readListingBatch(
  store: ObjectStore,
  source: Extract<ItemSource, { action: 'listObjectsV2' }>,
  settings: ReaderSettings,
  position: ItemReadPosition,
): Promise<ItemBatch> {
  const remaining = settings.maxItems > 0 ? settings.maxItems - position.count : Number.POSITIVE_INFINITY;
  const items: unknown[] = [];
  if (remaining <= 0) return { items, ends: [], done: true };
  const wanted = Math.min(MAX_ITEMS_PER_RECORD * (position.window ?? 1), remaining);
  let after = position.after;
  let truncated = true;
  while (truncated && items.length < wanted) {
    const page = await store.listObjectsPage(source.bucket, source.prefix, { ...(after !== undefined ? { startAfter: after } : {}), maxKeys: Math.min(LIST_OBJECTS_PAGE_KEYS, wanted - items.length) });
    for (const item of itemsFromListing(page.objects, 0)) items.push(item);
    truncated = page.truncated && page.objects.length > 0;
    if (page.objects.length > 0) after = page.objects[page.objects.length - 1]!.key;
  }
  return { items, ends: [], done: !truncated || items.length >= remaining };
}
