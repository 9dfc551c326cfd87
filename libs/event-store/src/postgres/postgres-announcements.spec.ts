import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recordedEvent } from '../internal/recorded-event';
import { AnnouncedCommits, announcementsKey, latestPerStream, parseAnnouncement } from './postgres-announcements';

const key = announcementsKey({ types: ['End'], payloadTypes: ['Task'] });

describe('announcements of commits (NOTIFY payloads of migration 4)', () => {
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
