import { AllocationManager, type AllocationManagerOptions, isFairpackError } from '../index.js';
import { integerFlag } from './integer-flag.js';
import { UsageError } from './io.js';

/**
 * Queue bounds of `fairpack node` and `serve`. A long-running process must not let clients make
 * it hold jobs without limit: past `--max-queued` waiting jobs (all tenants) or
 * `--max-queued-per-tenant` (one tenant), a submission is refused with `QUEUE_FULL`, and the
 * per-tenant bound keeps one flooding tenant from filling the whole queue for the others.
 */
export const DEFAULT_MAX_QUEUED = 100_000;
export const DEFAULT_MAX_QUEUED_PER_TENANT = 10_000;
/** Far past what fits in memory: a larger flag value is a typo, not a bound. */
const MAX_BOUND = 1_000_000_000;

export const QUEUE_FLAGS = {
  'max-queued': { type: 'string' },
  'max-queued-per-tenant': { type: 'string' },
} as const;

export const QUEUE_HELP = [
  `  --max-queued <n>     most jobs waiting at once, all tenants; past it a submission is`,
  `                       refused with QUEUE_FULL (default ${DEFAULT_MAX_QUEUED.toLocaleString('en-US')})`,
  `  --max-queued-per-tenant <n>`,
  `                       most jobs one tenant may have waiting (default ${DEFAULT_MAX_QUEUED_PER_TENANT.toLocaleString('en-US')})`,
].join('\n');

export interface QueueBounds {
  readonly maxQueued: number;
  readonly maxQueuedPerTenant: number;
}

export function queueBoundsFromFlags(values: { readonly 'max-queued'?: string | undefined; readonly 'max-queued-per-tenant'?: string | undefined }): QueueBounds {
  const total = values['max-queued'];
  const perTenant = values['max-queued-per-tenant'];
  return {
    maxQueued: total === undefined ? DEFAULT_MAX_QUEUED : integerFlag('--max-queued', total, 0, MAX_BOUND),
    maxQueuedPerTenant: perTenant === undefined ? DEFAULT_MAX_QUEUED_PER_TENANT : integerFlag('--max-queued-per-tenant', perTenant, 0, MAX_BOUND),
  };
}

/** The `AllocationManager` options the bounds become. */
export function queueOptions(bounds: QueueBounds): { readonly maxQueued: number; readonly maxQueuedPerTenant: number } {
  return { maxQueued: bounds.maxQueued, maxQueuedPerTenant: bounds.maxQueuedPerTenant };
}

/** Builds the manager with the queue bounds; anything the manager refuses is a usage error. */
export function buildManager(options: Readonly<Record<string, unknown>>, bounds: QueueBounds): AllocationManager {
  try {
    return new AllocationManager({ ...options, ...queueOptions(bounds) } as AllocationManagerOptions);
  } catch (error) {
    if (isFairpackError(error)) throw new UsageError(error.message);
    throw error;
  }
}
