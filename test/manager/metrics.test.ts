import { describe, expect, it } from 'vitest';
import { AllocationManager } from 'fairpack';

describe('metrics', () => {
  it('reports packing efficiency, queue depth and scheduling latency by class', () => {
    const clock = { time: 0 };
    const manager = new AllocationManager({
      placement: 'first-fit',
      nodes: [{ id: 'n1', capacity: { cpu: 4, memory: 8 } }, { id: 'n2', capacity: { cpu: 4, memory: 8 } }, { id: 'n3', capacity: { cpu: 4, memory: 8 } }],
      // no preemption: the high job waits for room like the others
      preemption: false,
      now: () => clock.time,
      timers: false,
    });
    manager.submit({ tenant: 'a', resources: { cpu: 2, memory: 2 } }); // n1, waited 0
    manager.submit({ tenant: 'a', resources: { cpu: 4, memory: 8 } }); // n2, waited 0
    const big = manager.submit({ tenant: 'b', resources: { cpu: 4, memory: 8 } }) as { allocation: { id: string } }; // n3
    manager.submit({ id: 'w', tenant: 'a', priority: 'high', resources: { cpu: 3, memory: 1 } });
    manager.submit({ tenant: 'b', priority: 'low', resources: { cpu: 4 } });
    // n1 holds cpu 2/4 and memory 2/8: (0.5 + 0.25) / 2 = 0.375; n2 and n3 are full: 1
    // mean over the three non-empty nodes: (0.375 + 1 + 1) / 3
    let metrics = manager.metrics();
    expect(metrics.packingEfficiency).toBeCloseTo(2.375 / 3, 12);
    expect(metrics.queueDepth).toEqual({ a: { high: 1 }, b: { low: 1 } });
    expect(metrics.preemptions).toEqual({ total: 0, byClass: {} });
    clock.time = 100;
    manager.release(big.allocation.id); // w (high) starts after 100 ms on n3
    metrics = manager.metrics();
    // default: three starts that waited 0 → p50 = p99 = 0; high: one start that waited 100
    expect(metrics.schedulingLatency).toEqual({ default: { count: 3, window: 3, p50: 0, p99: 0 }, high: { count: 1, window: 1, p50: 100, p99: 100 } });
    expect(metrics.queueDepth).toEqual({ b: { low: 1 } });
  });

  it('latency percentiles are nearest-rank over the last 1000 starts of a class', () => {
    const clock = { time: 0 };
    const manager = new AllocationManager({ capacity: { cpu: 1 }, now: () => clock.time, timers: false });
    let running = (manager.submit({ resources: { cpu: 1 } }) as { allocation: { id: string } }).allocation.id;
    // 1100 more jobs, job k waits k ms: each is queued at time t and starts when the previous ends
    for (let k = 1; k <= 1100; k++) {
      manager.submit({ id: `j${k}`, resources: { cpu: 1 } });
      clock.time += k;
      manager.release(running);
      running = manager.job(`j${k}`)?.allocationId as string;
    }
    const latency = manager.metrics().schedulingLatency['default'];
    // the window holds waits 101…1100 (the first 101 starts fell out): p50 = 600, p99 = 1090
    expect(latency).toEqual({ count: 1101, window: 1000, p50: 600, p99: 1090 });
  });
});
