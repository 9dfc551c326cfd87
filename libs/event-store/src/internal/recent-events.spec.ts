import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RecordedEvent } from '../event-store';
import { RecentEvents } from './recent-events';

/** Stand-ins for records: the ring only moves them, by position. */
const records = (from: number, count: number): RecordedEvent[] =>
  Array.from({ length: count }, (_, index) => ({ position: from + index }) as RecordedEvent);
const positions = (events: readonly RecordedEvent[] | undefined) => events?.map((event) => event.position);

describe('RecentEvents (the ring of events the SQLite store just committed)', () => {
  it('serves the events after a position, up to a limit, while they are kept', () => {
    const recent = new RecentEvents(8);
    recent.keep(1, records(1, 3));
    recent.keep(4, records(4, 2));
    assert.deepEqual(positions(recent.after(0, Infinity)), [1, 2, 3, 4, 5]);
    assert.deepEqual(positions(recent.after(2, 2)), [3, 4]);
    assert.deepEqual(positions(recent.after(4, Infinity)), [5]);
    assert.equal(recent.after(5, Infinity), undefined, 'nothing after the head');
  });

  it('drops the oldest once full, and still serves in order across the wrap', () => {
    const recent = new RecentEvents(4);
    for (let position = 1; position <= 10; position += 3) recent.keep(position, records(position, 3));
    // 12 kept over time, the last 4 remain: 9..12
    assert.equal(recent.after(7, Infinity), undefined, 'position 8 was dropped');
    assert.deepEqual(positions(recent.after(8, Infinity)), [9, 10, 11, 12]);
    assert.deepEqual(positions(recent.after(9, 2)), [10, 11]);
  });

  it('keeps the newest end of a commit larger than the ring', () => {
    const recent = new RecentEvents(4);
    recent.keep(1, records(1, 2));
    recent.keep(3, records(3, 7));
    assert.equal(recent.after(4, Infinity), undefined, 'position 5 was dropped');
    assert.deepEqual(positions(recent.after(5, Infinity)), [6, 7, 8, 9]);
  });

  it('starts over at a commit that does not follow the last one (another process appended between)', () => {
    const recent = new RecentEvents(4);
    recent.keep(1, records(1, 3));
    recent.keep(10, records(10, 2));
    assert.equal(recent.after(0, Infinity), undefined, 'positions 1..3 are gone: they would leave a gap');
    assert.deepEqual(positions(recent.after(9, Infinity)), [10, 11]);
  });
});
