import { AllocationManager } from 'fairpack';
import { describe, expect, it } from 'vitest';
import { figureReader } from '../../src/cli/serve/manager-figures.js';
import { createServerMetrics, loadPromClient } from '../../src/cli/serve/metrics.js';
import { call, serversClosedAfterEach } from './in-process-server.js';

const start = serversClosedAfterEach();
const HOUR = 3_600_000;

/** The value of one series in exposition text, or undefined when it is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const rendered = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .join(',');
  const prefix = rendered === '' ? `${name} ` : `${name}{${rendered}} `;
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/*
 * n1: cpu 8, memory 32 at $1.20/h → cpu 600,000 µ/h, memory 600,000 µ/h.
 * a (cpu 2, memory 8): 600,000 × 2/8 + 600,000 × 8/32 = 300,000 µ/h; b (cpu 4, memory 0): 300,000 µ/h too.
 * Over one hour: node 1,200,000; a 300,000; b 300,000; idle 600,000.
 */
function cluster(clock: { time: number }) {
  const manager = new AllocationManager({ nodes: [{ id: 'n1', capacity: { cpu: 8, memory: 32 }, costPerHour: 1.2 }], now: () => clock.time, timers: false });
  manager.submit({ id: 'ja', tenant: 'a', resources: { cpu: 2, memory: 8 } });
  manager.submit({ id: 'jb', tenant: 'b', resources: { cpu: 4 } });
  clock.time = HOUR;
  manager.tick();
  return manager;
}

describe('fairpack serve GET /costs', () => {
  it('the whole life, a window, top jobs', async () => {
    const clock = { time: 0 };
    const { url } = await start({ manager: cluster(clock) });
    const all = await call(url, 'GET', '/costs');
    expect(all.status).toBe(200);
    expect(all.json).toEqual({
      from: 0,
      to: HOUR,
      unit: 'micro',
      total: 1_200_000,
      used: 600_000,
      idle: 600_000,
      byTenant: { a: 300_000, b: 300_000 },
      otherTenants: 0,
      byNode: { n1: 1_200_000 },
      topJobs: [
        { jobId: 'ja', tenant: 'a', cost: 300_000 },
        { jobId: 'jb', tenant: 'b', cost: 300_000 },
      ],
      perHour: 1_200_000,
    });
    // the last quarter hour, one job listed
    const window = await call(url, 'GET', `/costs?from=${(3 * HOUR) / 4}&top=1`);
    expect(window.json).toMatchObject({ from: 2_700_000, to: HOUR, total: 300_000, used: 150_000, idle: 150_000, topJobs: [{ jobId: 'ja', cost: 75_000 }] });
  });

  it('bad queries are 400 and say what was expected', async () => {
    const clock = { time: 0 };
    const { url } = await start({ manager: cluster(clock) });
    for (const [query, code] of [
      ['from=abc', 'INVALID_QUERY'],
      ['to=', 'INVALID_QUERY'],
      ['frm=5', 'INVALID_QUERY'],
      ['top=1e3', 'INVALID_QUERY'],
      [`to=${HOUR + 1}`, 'INVALID_OPTION'], // past the latest reading: the costs after it are not known yet
      ['from=10&to=5', 'INVALID_OPTION'],
      ['top=1.5', 'INVALID_OPTION'],
    ] as const) {
      const answer = await call(url, 'GET', `/costs?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.json['error'].code, query).toBe(code);
    }
  });
});

describe('fairpack serve /metrics: costs', () => {
  it('fairpack_cost_total per tenant, fairpack_idle_cost_total and fairpack_cost_per_hour, in currency', async () => {
    const clock = { time: 0 };
    const manager = cluster(clock);
    const text = await createServerMetrics(await loadPromClient(), figureReader(manager), 10, () => clock.time).render();
    expect(sample(text, 'fairpack_cost_total', { tenant: 'a' })).toBe(0.3); // 300,000 µ
    expect(sample(text, 'fairpack_cost_total', { tenant: 'b' })).toBe(0.3);
    expect(sample(text, 'fairpack_idle_cost_total')).toBe(0.6);
    expect(sample(text, 'fairpack_cost_per_hour')).toBe(1.2);
    expect(text).toContain('# TYPE fairpack_cost_total counter');
    expect(text).toContain('# TYPE fairpack_cost_per_hour gauge');
  });

  it('tenants past the cap are summed under _other, the largest keep their own series', async () => {
    const clock = { time: 0 };
    // cpu 10 at $10/h: 1,000,000 µ/h per cpu
    const manager = new AllocationManager({ nodes: [{ id: 'n', capacity: { cpu: 10 }, costPerHour: 10 }], now: () => clock.time, timers: false });
    for (const [tenant, cpu] of [['x', 4], ['y', 3], ['z', 2], ['_other', 1]] as const) manager.submit({ tenant, resources: { cpu } });
    clock.time = HOUR;
    manager.tick();
    const text = await createServerMetrics(await loadPromClient(), figureReader(manager), 2, () => clock.time).render();
    expect(sample(text, 'fairpack_cost_total', { tenant: 'x' })).toBe(4);
    expect(sample(text, 'fairpack_cost_total', { tenant: 'y' })).toBe(3);
    expect(sample(text, 'fairpack_cost_total', { tenant: 'z' })).toBeUndefined();
    expect(sample(text, 'fairpack_cost_total', { tenant: '_other' })).toBe(3); // z 2 + the tenant named _other 1
    expect(sample(text, 'fairpack_idle_cost_total')).toBe(0);
  });
});
