import { AllocationManager, ResourcePool } from 'fairpack';

/**
 * Two nodes of 8 cpu (first fit) under a manager on a hand-driven clock, with two non-preemptible
 * classes (`high` above `default`) and a starvation bound of 100 ms: the cluster of the held-room
 * tests. `clock.time` moves only when a test moves it.
 */
export function twoBandCluster() {
  const clock = { time: 0 };
  const pool = new ResourcePool({ nodes: ['n1', 'n2'].map((id) => ({ id, capacity: { cpu: 8 } })), placement: 'first-fit', now: () => clock.time });
  const manager = new AllocationManager({
    pool,
    now: () => clock.time,
    timers: false,
    starvation: { afterMs: 100 },
    priorityClasses: [
      { name: 'high', value: 100, preemptible: false },
      { name: 'default', value: 0, preemptible: false },
    ],
  });
  return { clock, pool, manager };
}
