import { type ChildResult, type WrittenObject, planResultWrite, shapeResults } from './language';
import type { ChildrenBook } from './execution-state';

/** The children of a Map Run as ResultWriter reports them, in item order. */
export function childResultsOf(book: ChildrenBook): ChildResult[] {
  const children: ChildResult[] = [];
  (book.records ?? []).forEach((record, index) => {
    if (!record) return;
    children.push({ index, ...record, ...(record.status === 'SUCCEEDED' ? { output: book.results[index] } : {}) });
  });
  return children;
}

/** Whether every child of a Map Run ended and its results wait to be written. */
export function awaitsResultWrite(book: ChildrenBook): boolean {
  return (
    book.kind === 'Map' &&
    book.mapRun?.writer?.destination !== undefined &&
    book.mapRunArn !== undefined &&
    !book.awaitingItems &&
    book.running.length === 0 &&
    book.nextIndex >= book.total &&
    !book.redriveQueue?.length
  );
}

/** The files a Map Run's ResultWriter writes, and the Map's result that names the manifest. */
export function resultWritePlan(book: ChildrenBook): { objects: WrittenObject[]; result: unknown } {
  const writer = book.mapRun!.writer!;
  return planResultWrite(childResultsOf(book), writer.settings, writer.destination!, book.mapRunArn!);
}

/** A Distributed Map's result: ResultWriter's manifest reference, its shaped results, or the outputs. */
export function mapRunResult(book: ChildrenBook): unknown[] | unknown {
  const writer = book.mapRun?.writer;
  if (!writer || !book.mapRunArn) return book.results.slice();
  if (writer.destination) return resultWritePlan(book).result;
  return shapeResults(childResultsOf(book), writer.settings, book.mapRunArn);
}
