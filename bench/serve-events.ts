/**
 * What the event hub of `fairpack serve` (GET /events, the dashboard's job histories and recent
 * activity) costs per manager call: submit + release pairs in process, measured in CPU time
 * (process.cpuUsage: less disturbed than wall time on a shared machine), with nothing listening,
 * with an empty listener, with the hub, with the hub and the job histories, and with all of it.
 *
 *   npx tsx bench/serve-events.ts            FAIRPACK_BENCH_PAIRS (default 30000) pairs, 3 rounds
 *
 * Results: docs/performance.md#the-event-hub.
 */
import { AllocationManager } from '../src/index.js';
import { EventHub } from '../src/cli/serve/event-hub.js';
import { attachManagerEvents } from '../src/cli/serve/manager-events.js';
import { JobTimelines } from '../src/cli/serve/job-timelines.js';
import { RecentActivity } from '../src/cli/serve/recent-activity.js';
type Mode = 'none' | 'listener' | 'hub' | 'hub+timelines' | 'all';

/** Pairs per second of this process's CPU time. */
async function run(mode: Mode, pairs: number): Promise<number> {
  const manager = new AllocationManager({ capacity: { cpu: 64, memory: 256 }, timers: false });
  if (mode === 'listener') {
    manager.on('allocated', () => {});
    manager.on('released', () => {});
  } else if (mode !== 'none') {
    const hub = new EventHub({ seq: manager.journalSeq() });
    attachManagerEvents(hub, manager);
    if (mode !== 'hub') hub.subscribe(new JobTimelines().record);
    if (mode === 'all') hub.subscribe(new RecentActivity().record);
  }
  const start = process.cpuUsage();
  for (let i = 0; i < pairs; i++) {
    const result = manager.submit({ tenant: `t${i % 10}`, resources: { cpu: 1, memory: 2 } });
    if (result.status === 'allocated') manager.release(result.allocation.id);
    // let the hub's microtasks and the event loop run, as between requests
    if (i % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  const used = process.cpuUsage(start);
  return pairs / ((used.user + used.system) / 1e6);
}

// warm-up: the first runs pay for the JIT
await run('all', 30_000);
await run('none', 30_000);
const PAIRS = Number(process.env['FAIRPACK_BENCH_PAIRS'] ?? 30_000);
for (let round = 0; round < 3; round++) {
  const out: string[] = [];
  for (const mode of ['none', 'listener', 'hub', 'hub+timelines', 'all'] as Mode[]) out.push(`${mode} ${(await run(mode, PAIRS)).toFixed(0)}`);
  console.log(`pairs/s of CPU time: ${out.join(' | ')}`);
}
