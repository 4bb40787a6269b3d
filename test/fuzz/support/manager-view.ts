import type { AllocationManager } from 'fairpack';
import { TENANTS } from './valid.js';

/** Every public view of a manager, as one string: equal before and after a refused call. */
export function managerView(manager: AllocationManager): string {
  const tenants = new Set<string>([...TENANTS, ...manager.jobs().map((job) => job.tenant)]);
  return JSON.stringify([
    manager.jobs(),
    manager.allocations(),
    manager.capacity(),
    manager.nodes(),
    manager.queues(),
    manager.reservations(),
    manager.metrics(),
    manager.concurrency(),
    [...tenants].map((tenant) => manager.quota(tenant)),
  ]);
}
