import { describe, expect, it } from 'vitest';
import { AllocationManager } from 'fairpack';

/*
 * The bands with queues, highest priority first, whatever order they were made in and however
 * often one empties and is made again (src/manager/queue-bands.ts puts a new band in its place in
 * the order rather than sorting every band again).
 */
describe('the order of priority bands', () => {
  it('keeps the bands highest first as they come, go and come back', () => {
    const manager = new AllocationManager({
      nodes: [{ id: 'n1', capacity: { cpu: 1 } }],
      priorityClasses: [
        { name: 'top', value: 100 },
        { name: 'mid', value: 50 },
        { name: 'default', value: 0 },
        { name: 'low', value: -10 },
      ],
      preemption: false,
      timers: false,
    });
    const bands = (): string[] => manager.queues().map((q) => q.priority);
    manager.submit({ id: 'run', resources: { cpu: 1 } }); // takes the node: the rest wait
    manager.submit({ id: 'm', tenant: 't', priority: 'mid', resources: { cpu: 1 } });
    manager.submit({ id: 'l', tenant: 't', priority: 'low', resources: { cpu: 1 } });
    manager.submit({ id: 'x', tenant: 't', priority: 'top', resources: { cpu: 1 } });
    manager.submit({ id: 'd', tenant: 't', priority: 'default', resources: { cpu: 1 } });
    expect(bands()).toEqual(['top', 'mid', 'default', 'low']);
    manager.cancel('m');
    manager.cancel('x');
    expect(bands()).toEqual(['default', 'low']);
    manager.submit({ id: 'm2', tenant: 't', priority: 'mid', resources: { cpu: 1 } });
    manager.submit({ id: 'x2', tenant: 't', priority: 'top', resources: { cpu: 1 } });
    expect(bands()).toEqual(['top', 'mid', 'default', 'low']);
    // the band order decides who starts: the top band's job takes the freed node
    manager.release(manager.job('run')?.allocationId as string);
    expect(manager.job('x2')?.status).toBe('running');
  });
});
