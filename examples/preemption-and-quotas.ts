/**
 * Priority classes, preemption and quotas in one run — the companion of
 * docs/preemption-and-quotas.md. Run it with `npx tsx examples/preemption-and-quotas.ts`; the
 * clock is injected, so the output is the same on every run.
 *
 * One 16-cpu node. Tenant `research` has a hard quota of 8 cpu and may burst to 12 (×1.5) with
 * `low` jobs; tenant `web` has 8 cpu and is rejected past it.
 *   1. research fills its quota with two low jobs, then bursts with a third (on burst room);
 *   2. web submits a default job of 6 cpu: 4 are free, web is within its quota, so research's
 *      burst job is reclaimed (burst jobs go first, whatever the class);
 *   3. an `urgent` (high) job of web is rejected: api's 6 cpu are promised to web (api waits for
 *      its victim), and 6 + 4 would take web past its quota of 8;
 *   4. a real-time job of a third tenant evicts the low job with the least time left; the victim
 *      keeps its room for its 2 s grace period, then queues again after a 1 s back-off.
 */
import { AllocationManager, type JobView } from 'fairpack';

let now = 0;
const mgr = new AllocationManager({
  capacity: { cpu: 16 },
  placement: 'first-fit',
  priorityClasses: [
    { name: 'real-time', value: 1000, canPreempt: true, preemptible: false },
    { name: 'high', value: 100, canPreempt: true },
    { name: 'default', value: 0 },
    { name: 'low', value: -100, preemptionGraceMs: 2_000, minRuntimeMs: 500 },
  ],
  preemption: { backoffMs: 1_000 },
  tenants: {
    research: { quota: { cpu: 8 }, burst: 1.5, onExceed: 'queue' },
    web: { quota: { cpu: 8 } },
  },
  now: () => now,
});

const say = (line: string) => console.log(`t=${String(now).padEnd(5)} ${line}`);
const who = (job: JobView) => `${job.id} (${job.tenant}, ${job.priority})`;
mgr.on('allocated', (_allocation, job) => say(`allocated ${who(job)}${job.burst === true ? ' on burst room' : ''}`));
mgr.on('preempted', ({ victim, preemptor, graceEndsAt }) => say(`preempted ${who(victim)} for ${preemptor.id}; it keeps its room until t=${graceEndsAt}`));
mgr.on('queued', (job) => say(`queued    ${who(job)}${job.reason === undefined ? '' : `: ${job.reason}`}`));
mgr.on('rejected', (job) => say(`rejected  ${who(job)}: ${job.reason}`));
const at = (ms: number) => {
  now = ms;
  mgr.tick();
};

// 1. research: 8 of 8 cpu, then a burst job up to floor(8 × 1.5) = 12
mgr.submit({ id: 'train-a', tenant: 'research', priority: 'low', resources: { cpu: 4 }, estimatedRuntimeMs: 600_000 });
mgr.submit({ id: 'train-b', tenant: 'research', priority: 'low', resources: { cpu: 4 }, estimatedRuntimeMs: 60_000 });
mgr.submit({ id: 'sweep', tenant: 'research', priority: 'low', resources: { cpu: 4 } });
say(`research quota: ${JSON.stringify(mgr.quota('research'))}`);

// 2. web, within its quota, needs 6 with 4 free: the burst job goes (after its grace period)
at(1_000);
mgr.submit({ id: 'api', tenant: 'web', resources: { cpu: 6 } });

// 3. web would pass its 8-cpu quota: 6 promised to api + 4
const over = mgr.submit({ id: 'urgent', tenant: 'web', priority: 'high', resources: { cpu: 4 } });
if (over.status === 'rejected') say(`urgent: ${over.code} ${JSON.stringify(over.quota)}`);

// 4. real-time needs 4 and nothing is free: a low job goes — train-b has 59 s left, train-a 599 s
at(2_000);
mgr.submit({ id: 'pager', tenant: 'ops', priority: 'real-time', resources: { cpu: 4 } });
at(3_000); // sweep's grace ends: api starts
at(4_000); // train-b's grace ends: pager starts; train-b waits out its back-off, then for room
at(5_000);

const m = mgr.metrics();
say(`preemptions ${JSON.stringify(m.preemptions)}, quota rejections ${JSON.stringify(m.quotaRejections)}`);
say(`queued: ${JSON.stringify(m.queueDepth)}; latency: ${JSON.stringify(m.schedulingLatency)}`);
