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
  /** True when `--max-queued-per-tenant` was given, not defaulted. */
  readonly perTenantGiven: boolean;
}

export function queueBoundsFromFlags(values: { readonly 'max-queued'?: string | undefined; readonly 'max-queued-per-tenant'?: string | undefined }): QueueBounds {
  const total = values['max-queued'];
  const perTenant = values['max-queued-per-tenant'];
  return {
    maxQueued: total === undefined ? DEFAULT_MAX_QUEUED : integerFlag('--max-queued', total, 0, MAX_BOUND),
    maxQueuedPerTenant: perTenant === undefined ? DEFAULT_MAX_QUEUED_PER_TENANT : integerFlag('--max-queued-per-tenant', perTenant, 0, MAX_BOUND),
    perTenantGiven: perTenant !== undefined,
  };
}

/** The `AllocationManager` options the bounds become. */
export function queueOptions(bounds: QueueBounds): { readonly maxQueued: number; readonly maxQueuedPerTenant: number } {
  return { maxQueued: bounds.maxQueued, maxQueuedPerTenant: bounds.maxQueuedPerTenant };
}

/**
 * Builds the manager with the queue bounds; anything the manager refuses is a usage error.
 *
 * TODO(core: maxQueuedPerTenant): the per-tenant bound is a manager option that lands in
 * src/manager in parallel with this code. Until it does, the manager refuses the unknown option
 * `maxQueuedPerTenant`; then the default is dropped with a warning, and an explicit
 * `--max-queued-per-tenant` is a usage error (a bound the user asked for is never silently off).
 * Once the option exists, this fallback is dead code: delete it and `construct`.
 */
export function buildManager(
  options: Readonly<Record<string, unknown>>,
  bounds: QueueBounds,
  warn: (line: string) => void,
  construct: (options: AllocationManagerOptions) => AllocationManager = (o) => new AllocationManager(o),
): AllocationManager {
  const full = { ...options, ...queueOptions(bounds) };
  try {
    return construct(full as AllocationManagerOptions);
  } catch (error) {
    if (!isFairpackError(error)) throw error;
    if (error.code !== 'INVALID_OPTION' || error.details['option'] !== 'maxQueuedPerTenant') throw new UsageError(error.message);
    if (bounds.perTenantGiven) throw new UsageError('Expected an AllocationManager with the `maxQueuedPerTenant` option for --max-queued-per-tenant, but this build has none. Leave the flag out, or update fairpack.');
  }
  warn('the per-tenant queue bound is not enforced: this build of the AllocationManager has no `maxQueuedPerTenant` option');
  const { maxQueuedPerTenant: _unsupported, ...rest } = full;
  try {
    return construct(rest as AllocationManagerOptions);
  } catch (error) {
    if (isFairpackError(error)) throw new UsageError(error.message);
    throw error;
  }
}
