import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recordedEvent } from '../internal/recorded-event';
import { AnnouncedCommits, announcementsKey, createAnnouncer, latestPerStream, parseAnnouncement } from './postgres-announcements';

const key = announcementsKey({ types: ['End'], payloadTypes: ['Task'] });

describe('announcements of commits (NOTIFY payloads of migrations 4 and 5)', () => {
  it('reads the announced events, with the data of the types announced with it', () => {
    const commit = parseAnnouncement(
      JSON.stringify({ f: 4, l: 7, t: '2026-12-03T00:00:00.000Z', a: key, e: [[5, 's', 1, 'Task', '{"input":"x"}'], [7, 's', 3, 'Step', null]] }),
    );
    assert.ok(commit && 'first' in commit && commit.events);
    assert.deepEqual([commit.first, commit.last, commit.key], [4, 7, key]);
    assert.deepEqual(
      commit.events.map((event) => [event.position, event.streamId, event.revision, event.type, event.data, event.recordedAt]),
      [
        [5, 's', 1, 'Task', { input: 'x' }, '2026-12-03T00:00:00.000Z'],
        [7, 's', 3, 'Step', null, '2026-12-03T00:00:00.000Z'],
      ],
    );
  });

  it("reads migration 5's events numbered within the commit at their positions", () => {
    const commit = parseAnnouncement(JSON.stringify({ f: 4, l: 7, t: '2026-12-03T00:00:00.000Z', a: key, d: [[2, 's', 1, 'Task', '{"input":"x"}'], [4, 's', 3, 'Step', null]] }));
    assert.ok(commit && 'first' in commit && commit.events);
    assert.deepEqual(
      commit.events.map((event) => [event.position, event.streamId, event.revision, event.type, event.data]),
      [
        [5, 's', 1, 'Task', { input: 'x' }],
        [7, 's', 3, 'Step', null],
      ],
    );
    // Numbered from 1: the same rows read as absolute positions would not end at the commit's last.
    assert.deepEqual(parseAnnouncement(JSON.stringify({ f: 4, l: 7, a: key, e: [[2, 's', 1, 'Task', null], [4, 's', 3, 'Step', null]] })), { first: 4, last: 7 });
  });

  it("announces each stream's last event and the announced types, numbered within the commit; the function adds the positions", () => {
    const announce = createAnnouncer({ types: ['End'], payloadTypes: ['Task'] }, 8000);
    const event = (streamId: string, revision: number, type: string, last = false) => ({ streamId, revision, type, dataJson: `{"r":${revision}}`, last });
    const members = announce('2026-12-03T00:00:00.000Z', [event('a', 0, 'Start'), event('a', 1, 'Task'), event('a', 2, 'Step', true), event('b', 4, 'End'), event('b', 5, 'Step', true)]);
    assert.ok(members);
    const commit = parseAnnouncement(`{"f":11,"l":15,${members}}`);
    assert.ok(commit && 'first' in commit && commit.events);
    assert.equal(commit.key, key);
    assert.deepEqual(
      commit.events.map((event) => [event.position, event.streamId, event.revision, event.type, event.data]),
      [
        [12, 'a', 1, 'Task', { r: 1 }],
        [13, 'a', 2, 'Step', null],
        [14, 'b', 4, 'End', null],
        [15, 'b', 5, 'Step', null],
      ],
    );
    assert.equal(announce('2026-12-03T00:00:00.000Z', [{ ...event('a', 0, 'Task', true), dataJson: JSON.stringify('x'.repeat(8000)) }]), null, 'too large for a NOTIFY');
  });

  it('takes a commit too large to announce, or one not ending with its last position, as positions only', () => {
    assert.deepEqual(parseAnnouncement('{"f":4,"l":7}'), { first: 4, last: 7 });
    assert.deepEqual(parseAnnouncement(JSON.stringify({ f: 4, l: 7, a: key, e: [[5, 's', 1, 'Task', null]] })), { first: 4, last: 7 });
  });

  it("reads migration 3's head position, and nothing from a payload it does not understand", () => {
    assert.deepEqual(parseAnnouncement('42'), { head: 42 });
    assert.equal(parseAnnouncement('not json'), undefined);
    assert.equal(parseAnnouncement('{"f":"4","l":7}'), undefined);
    assert.equal(parseAnnouncement('{"f":8,"l":7}'), undefined);
  });

  it('keeps only commits that announced what this store announces, found by the position before them', () => {
    const commits = new AnnouncedCommits(2, key);
    const commit = (first: number, announced: string) => parseAnnouncement(JSON.stringify({ f: first, l: first, a: announced, e: [[first, 's', first, 'Step', null]] }));
    commits.keep(commit(1, key) as never);
    commits.keep(commit(2, 'End|') as never);
    assert.equal(commits.after(0)?.first, 1);
    assert.equal(commits.after(1), undefined, 'announced something else: read from the feed');
    commits.keep(commit(3, key) as never);
    commits.keep(commit(4, key) as never);
    assert.equal(commits.after(0), undefined, 'the oldest dropped');
    assert.equal(commits.after(3)?.first, 4);
  });

  it("thins a run of the feed to each stream's last event and the kept types, ending at the run's last", () => {
    const event = (position: number, streamId: string, type: string) =>
      recordedEvent({ streamId, revision: position, position, type, dataJson: 'null', metadataJson: 'null', recordedAt: '', hash: '', previousHash: '' });
    const run = [event(1, 'a', 'Start'), event(2, 'a', 'Task'), event(3, 'b', 'Start'), event(4, 'a', 'Step'), event(5, 'b', 'Step')];
    assert.deepEqual(
      latestPerStream(run, new Set(['Task'])).map((kept) => kept.position),
      [2, 4, 5],
    );
  });
});
