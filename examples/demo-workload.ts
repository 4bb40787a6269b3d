/**
 * The demo's cluster and workload, shared by examples/demo.ts and the batch tests that check what
 * the demo shows (test/batch/place-the-most.test.ts): 12 nodes of three shapes, and a seeded mixed
 * workload (never Math.random, so every run sees the same jobs).
 */
import type { AllocationRequest, NodeSpec } from 'fairpack';

// ---- the cluster: 12 nodes, memory in GiB -------------------------------------------------------

const gpuTaint = { key: 'gpu', value: 'true', effect: 'NoSchedule' } as const;

export function cluster(): NodeSpec[] {
  const nodes: NodeSpec[] = [];
  for (let i = 1; i <= 6; i++) nodes.push({ id: `general-${i}`, capacity: { cpu: 16, memory: 64 } });
  for (let i = 1; i <= 3; i++) nodes.push({ id: `highmem-${i}`, capacity: { cpu: 16, memory: 256 } });
  for (let i = 1; i <= 3; i++) {
    nodes.push({ id: `gpu-${i}`, capacity: { cpu: 32, memory: 128, gpu: 4 }, labels: { gpu: 'true' }, taints: [gpuTaint] });
  }
  return nodes;
}

// ---- the workload: a seeded PRNG, never Math.random, so every run prints the same table -------

export const SEED = 2026;

/** mulberry32: a tiny, well-mixed 32-bit PRNG; returns floats in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function workload(count: number, seed: number): AllocationRequest[] {
  const random = mulberry32(seed);
  const pick = <T>(choices: readonly T[]): T => choices[Math.floor(random() * choices.length)] as T;
  const jobs: AllocationRequest[] = [];
  for (let i = 1; i <= count; i++) {
    const id = `job-${String(i).padStart(3, '0')}`;
    const kind = random();
    if (kind < 0.1) {
      // sidecars: tenths of a cpu, the amounts that drift in plain floating point
      jobs.push({ id, resources: { cpu: pick([0.1, 0.2, 0.3]), memory: pick([0.1, 0.2, 0.5]) } });
    } else if (kind < 0.6) {
      const cpu = pick([0.5, 1.25, 2, 3.5, 4, 6]);
      jobs.push({ id, resources: { cpu, memory: cpu * pick([2, 4]) } });
    } else if (kind < 0.9) {
      jobs.push({ id, resources: { cpu: pick([0.5, 1, 2]), memory: pick([16, 24, 32, 48, 64]) } });
    } else {
      jobs.push({
        id,
        resources: { cpu: pick([4, 6, 8]), memory: pick([16, 24, 32]), gpu: pick([1, 1, 2]) },
        nodeSelector: { gpu: 'true' },
        tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }],
      });
    }
  }
  return jobs;
}
