import { AllocationManager, type JobView } from 'fairpack';
import { describe, expect, it } from 'vitest';
import { EventHub, type EventGroup } from '../../src/cli/serve/event-hub.js';
import { JobTimelines } from '../../src/cli/serve/job-timelines.js';
import { attachManagerEvents } from '../../src/cli/serve/manager-events.js';
import { RECENT_LIMIT, RecentActivity } from '../../src/cli/serve/recent-activity.js';

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('attachManagerEvents', () => {
  it('re-attaches: after detach the old manager feeds nothing; a manager with another history resets the streams', async () => {
    const hub = new EventHub();
    const seen: string[] = [];
    hub.subscribe((group) => seen.push(...group.events.map((e) => `${e.name}@${group.seq}`)));
    const first = new AllocationManager({ capacity: { cpu: 4 }, timers: false, now: () => 0 });
    const detach = attachManagerEvents(hub, first);
    first.submit({ id: 'a', tenant: 't', resources: { cpu: 1 } }); // seq 1
    await tick();
    detach();
    first.submit({ id: 'b', tenant: 't', resources: { cpu: 1 } }); // seq 2: nobody listens
    await tick();
    expect(seen).toEqual(['allocated@1']);
    // a replica restored at 2 while the hub last saw 1: what happened at 2 never reached the hub,
    // so its streams are told to reset
    const same = AllocationManager.restore(JSON.parse(JSON.stringify(first.snapshot())), { timers: false, now: () => 0 });
    expect(same.journalSeq()).toBe(2);
    const detachSame = attachManagerEvents(hub, same);
    expect(seen).toEqual(['allocated@1', 'reset@2']);
    same.submit({ id: 'c', tenant: 't', resources: { cpu: 1 } }); // seq 3
    await tick();
    expect(seen.at(-1)).toBe('allocated@3');
    detachSame();
    const again = attachManagerEvents(hub, same); // at the hub's own position: the history continues, no reset
    expect(seen.at(-1)).toBe('allocated@3');
    again();
  });
});

function job(id: string, status = 'queued'): JobView {
  return { id, tenant: 't', priority: 'default', resources: { cpu: 1 }, replicas: 1, status, submittedAt: 0, reason: 'insufficient-resources' } as JobView;
}
const group = (seq: number, events: { name: string; payload: unknown }[]): EventGroup => ({ seq, events, frames: '' });

describe('JobTimelines and RecentActivity stay bounded', () => {
  it('keeps a job’s first entry and its latest ones, and forgets the jobs changed least recently', () => {
    const timelines = new JobTimelines({ maxJobs: 2, maxEntriesPerJob: 3 }, () => 7);
    for (let seq = 1; seq <= 5; seq++) timelines.record(group(seq, [{ name: 'queued', payload: { job: job('a') } }]));
    // 5 entries into 3: the first (seq 1) and the latest two (4, 5); 2 left out
    const a = timelines.get('a');
    expect(a?.events.map((e) => e.seq)).toEqual([1, 4, 5]);
    expect(a?.omitted).toBe(2);
    timelines.record(group(6, [{ name: 'queued', payload: { job: job('b') } }]));
    timelines.record(group(7, [{ name: 'queued', payload: { job: job('c') } }])); // 3 jobs: within the tenth of slack (2 + 1)
    expect(timelines.get('b')).toBeDefined();
    timelines.record(group(8, [{ name: 'queued', payload: { job: job('a') } }])); // a changed last: order b, c, a
    timelines.record(group(9, [{ name: 'queued', payload: { job: job('d') } }])); // 4 > 3: cut back to 2, b and c go
    expect(timelines.get('b')).toBeUndefined();
    expect(timelines.get('c')).toBeUndefined();
    expect(timelines.get('a')?.events.at(-1)).toMatchObject({ seq: 8, at: 7, type: 'queued', reason: 'insufficient-resources' });
    expect(timelines.get('d')).toBeDefined();
  });

  it(`keeps the latest ${RECENT_LIMIT} rejections, newest first, and counts them per tenant`, () => {
    const activity = new RecentActivity(() => 0);
    for (let seq = 1; seq <= RECENT_LIMIT + 5; seq++) activity.record(group(seq, [{ name: 'rejected', payload: { job: job(`j${seq}`, 'rejected') } }]));
    const view = activity.view();
    expect(view.rejections).toHaveLength(RECENT_LIMIT);
    expect(view.rejections[0]?.seq).toBe(RECENT_LIMIT + 5);
    expect(view.rejectionsByTenant['t']).toBe(RECENT_LIMIT + 5);
  });
});
