import type { PoolSnapshot } from '../pool/pool-snapshot.js';
import { readPoolSnapshot } from '../pool/pool-snapshot.js';
import { array, bool, finite, header, integer, invalidSnapshot, optional, record, text } from '../snapshot/reader.js';
import type { JobSnapshot } from './job-snapshot.js';
import type { CostLedgerSnapshot } from './cost-ledger.js';
import type { DrainEntry } from './drains.js';
import { type IdempotencySnapshot, readIdempotencySettings } from './idempotency-keys.js';
import type { NodeHealthSnapshot } from './node-health.js';
import type { PreemptionSnapshot } from './preemption-cycle.js';
import type { ReservationSnapshot } from './reservations.js';
import type { StatsState } from './scheduler-stats.js';
import type { TenantSettings } from './tenant-ledger.js';
import type { JobStatus, PriorityClass } from './types.js';

/** A queue as a snapshot keeps it: its jobs in order and the cycle's memos about it. */
export interface QueueSnapshot {
  readonly band: number;
  readonly tenant: string;
  readonly priority: string;
  readonly jobs: readonly string[];
  readonly blocked: boolean;
  readonly version: number;
  readonly lookedThrough?: { readonly changes: number; readonly version: number };
}

/**
 * Everything that decides an AllocationManager's future, as plain JSON (`mgr.snapshot()`): its
 * settings, its pool, every job (live ones, and the remembered finished ones), the queues in
 * order, held room, preemption waves and timers, tenants, counters and the memos of its cycle —
 * so that `AllocationManager.restore` builds a manager that answers every view and every further
 * call exactly as the original would. See docs/durability.md.
 */
export interface ManagerSnapshot {
  readonly format: 'fairpack.snapshot';
  readonly version: 1;
  /** The journal position: the seq of the last entry this snapshot includes (0 before any). */
  readonly seq: number;
  /** The manager's clock when the snapshot was taken. */
  readonly takenAt: number;
  readonly config: {
    /** The fairness policy's name (a custom one is given again to `restore`). */
    readonly fairness: string;
    readonly priorityClasses: readonly PriorityClass[];
    readonly preemption: { readonly backoffMs: number } | false;
    readonly starvation: { readonly afterMs: number } | false;
    readonly backfillWindow: number;
    readonly history: number;
    /** `null`: no bound. */
    readonly maxQueued: number | null;
    readonly maxQueuedPerTenant: number | null;
    readonly concurrency: readonly (readonly [string, number])[];
  };
  readonly pool: PoolSnapshot;
  /** The latest clock reading (the manager's time never goes back past it); `null` before any. */
  readonly clock: number | null;
  readonly counters: {
    readonly sequence: number;
    readonly decisions: number;
    readonly changes: number;
    readonly jobIds: { readonly prefix: string; readonly count: number };
    readonly ended: readonly (readonly [JobStatus, number])[];
  };
  readonly tenants: readonly (readonly [string, TenantSettings])[];
  /** Queued, running and preempted jobs, in submission order. */
  readonly jobs: readonly JobSnapshot[];
  /** Remembered finished jobs, oldest first. */
  readonly history: readonly JobSnapshot[];
  readonly queues: readonly QueueSnapshot[];
  readonly reservations: readonly ReservationSnapshot[];
  readonly preemption: PreemptionSnapshot;
  /** TTL timers: `[at, jobId, allocationId]`, in the timer heap's order. */
  readonly expiry: readonly (readonly [number, string, string])[];
  readonly stats: StatsState;
  /** The fairness policy's own state (`policy.snapshot()`), or null. */
  readonly policy: unknown;
  /** Heartbeats and offline times (absent in snapshots of versions before heartbeats: none, heartbeats off). */
  readonly nodeHealth?: NodeHealthSnapshot;
  /** Drains and interruptions under way (absent before them: none). */
  readonly drains?: readonly DrainEntry[];
  /** The cost ledger (absent before costs were kept: the books start at the snapshot's clock). Checked as it is rebuilt. */
  readonly costs?: CostLedgerSnapshot;
  /** The kept idempotency keys and their settings (absent before them: none kept, the defaults). */
  readonly idempotency?: IdempotencySnapshot;
}

const TOP = ['format', 'version', 'seq', 'takenAt', 'config', 'pool', 'clock', 'counters', 'tenants', 'jobs', 'history', 'queues', 'reservations', 'preemption', 'expiry', 'stats', 'policy'];
const CONFIG = ['fairness', 'priorityClasses', 'preemption', 'starvation', 'backfillWindow', 'history', 'maxQueued', 'maxQueuedPerTenant', 'concurrency'];

const pairs = (value: unknown, path: string): (readonly unknown[])[] => array(value, path).map((p, i) => array(p, `${path}[${i}]`));

/**
 * Checks a manager snapshot's structure (every field present, no unknown one, the right types) and
 * returns it typed. What the fields say — amounts, ids, the books — is checked as it is rebuilt.
 */
export function readManagerSnapshot(value: unknown): ManagerSnapshot {
  const s = record(value, '', TOP, ['nodeHealth', 'drains', 'costs', 'idempotency']);
  if (s['idempotency'] !== undefined) readIdempotencySettings(s['idempotency']);
  header(s, 'fairpack.snapshot', 1);
  integer(s['seq'], 'seq');
  finite(s['takenAt'], 'takenAt');
  const config = record(s['config'], 'config', CONFIG);
  text(config['fairness'], 'config.fairness');
  array(config['priorityClasses'], 'config.priorityClasses');
  if (config['preemption'] !== false) integer(record(config['preemption'], 'config.preemption', ['backoffMs'])['backoffMs'], 'config.preemption.backoffMs');
  if (config['starvation'] !== false) finite(record(config['starvation'], 'config.starvation', ['afterMs'])['afterMs'], 'config.starvation.afterMs');
  integer(config['backfillWindow'], 'config.backfillWindow', 1);
  integer(config['history'], 'config.history');
  for (const bound of ['maxQueued', 'maxQueuedPerTenant']) if (config[bound] !== null) integer(config[bound], `config.${bound}`);
  pairs(config['concurrency'], 'config.concurrency').forEach(([category, limit], i) => {
    text(category, `config.concurrency[${i}][0]`);
    integer(limit, `config.concurrency[${i}][1]`);
  });
  readPoolSnapshot(s['pool'], 'pool');
  if (s['clock'] !== null) finite(s['clock'], 'clock');
  const counters = record(s['counters'], 'counters', ['sequence', 'decisions', 'changes', 'jobIds', 'ended']);
  for (const field of ['sequence', 'decisions', 'changes']) integer(counters[field], `counters.${field}`);
  const ids = record(counters['jobIds'], 'counters.jobIds', ['prefix', 'count']);
  text(ids['prefix'], 'counters.jobIds.prefix');
  integer(ids['count'], 'counters.jobIds.count');
  pairs(counters['ended'], 'counters.ended').forEach(([, count], i) => integer(count, `counters.ended[${i}][1]`));
  pairs(s['tenants'], 'tenants').forEach(([tenant, settings], i) => {
    text(tenant, `tenants[${i}][0]`);
    record(settings, `tenants[${i}][1]`, ['weight', 'onExceed', 'burst', 'burstClasses'], ['quota']);
  });
  // each job is checked as it is rebuilt (readJobSnapshot), not in a pass of its own
  array(s['jobs'], 'jobs');
  array(s['history'], 'history');
  array(s['queues'], 'queues').forEach((q, i) => {
    const queue = record(q, `queues[${i}]`, ['band', 'tenant', 'priority', 'jobs', 'blocked', 'version'], ['lookedThrough']);
    finite(queue['band'], `queues[${i}].band`);
    text(queue['tenant'], `queues[${i}].tenant`);
    text(queue['priority'], `queues[${i}].priority`);
    array(queue['jobs'], `queues[${i}].jobs`).forEach((id, k) => text(id, `queues[${i}].jobs[${k}]`));
    bool(queue['blocked'], `queues[${i}].blocked`);
    integer(queue['version'], `queues[${i}].version`);
    optional(queue['lookedThrough'], (memo) => {
      const m = record(memo, `queues[${i}].lookedThrough`, ['changes', 'version']);
      integer(m['changes'], `queues[${i}].lookedThrough.changes`);
      integer(m['version'], `queues[${i}].lookedThrough.version`);
    });
  });
  array(s['reservations'], 'reservations').forEach((r, i) => {
    const entry = record(r, `reservations[${i}]`, ['jobId', 'nodeId', 'reason', 'since', 'held']);
    text(entry['jobId'], `reservations[${i}].jobId`);
    text(entry['nodeId'], `reservations[${i}].nodeId`);
    if (entry['reason'] !== 'starvation' && entry['reason'] !== 'preemption') text(undefined, `reservations[${i}].reason`);
    finite(entry['since'], `reservations[${i}].since`);
    record(entry['held'], `reservations[${i}].held`, [], Object.keys(entry['held'] as object));
  });
  const preemption = record(s['preemption'], 'preemption', ['waves', 'promised', 'graceEnds', 'backoffEnds']);
  pairs(preemption['waves'], 'preemption.waves').forEach(([preemptor, victims], i) => {
    text(preemptor, `preemption.waves[${i}][0]`);
    array(victims, `preemption.waves[${i}][1]`).forEach((v, k) => text(v, `preemption.waves[${i}][1][${k}]`));
  });
  array(preemption['promised'], 'preemption.promised').forEach((id, i) => text(id, `preemption.promised[${i}]`));
  for (const heap of ['graceEnds', 'backoffEnds']) {
    pairs(preemption[heap], `preemption.${heap}`).forEach(([at, id], i) => {
      finite(at, `preemption.${heap}[${i}][0]`);
      text(id, `preemption.${heap}[${i}][1]`);
    });
  }
  pairs(s['expiry'], 'expiry').forEach(([at, job, allocation], i) => {
    finite(at, `expiry[${i}][0]`);
    text(job, `expiry[${i}][1]`);
    text(allocation, `expiry[${i}][2]`);
  });
  const stats = record(s['stats'], 'stats', ['preemptions', 'quotaRejections', 'latency']);
  pairs(stats['preemptions'], 'stats.preemptions');
  pairs(stats['quotaRejections'], 'stats.quotaRejections');
  pairs(stats['latency'], 'stats.latency').forEach(([, window], i) => {
    const w = record(window, `stats.latency[${i}][1]`, ['samples', 'next', 'count']);
    array(w['samples'], `stats.latency[${i}][1].samples`).forEach((x, k) => finite(x, `stats.latency[${i}][1].samples[${k}]`));
    integer(w['next'], `stats.latency[${i}][1].next`);
    integer(w['count'], `stats.latency[${i}][1].count`);
  });
  optional(s['nodeHealth'], (value) => readNodeHealth(value));
  optional(s['drains'], (value) =>
    pairs(value, 'drains').forEach((entry, i) => {
      const [id, deadline, end, drained] = entry;
      if (entry.length !== 4) throw invalidSnapshot(`drains[${i}]`, `expected [nodeId, deadline | null, 'draining' | 'offline', drained], got ${entry.length} values`);
      text(id, `drains[${i}][0]`);
      if (deadline !== null) finite(deadline, `drains[${i}][1]`);
      if (end !== 'draining' && end !== 'offline') throw invalidSnapshot(`drains[${i}][2]`, `expected 'draining' or 'offline', got ${JSON.stringify(end)}`);
      bool(drained, `drains[${i}][3]`);
    }),
  );
  return s as unknown as ManagerSnapshot;
}

const NODE_STATUSES_BEFORE_TIMEOUT = new Set(['ready', 'draining']);

/** `nodeHealth`: the heartbeat timeout and `[id, lastHeartbeat | null, countsFrom, offlineSince | null, before | null]` per node. */
function readNodeHealth(value: unknown): void {
  const health = record(value, 'nodeHealth', ['timeoutMs', 'nodes', 'reschedules', 'missed', 'lost', 'unknown']);
  if (health['timeoutMs'] !== null) integer(health['timeoutMs'], 'nodeHealth.timeoutMs', 1);
  for (const count of ['reschedules', 'lost', 'unknown']) integer(health[count], `nodeHealth.${count}`);
  pairs(health['missed'], 'nodeHealth.missed').forEach(([nodeId, id, count], i) => {
    text(nodeId, `nodeHealth.missed[${i}][0]`);
    text(id, `nodeHealth.missed[${i}][1]`);
    integer(count, `nodeHealth.missed[${i}][2]`, 1);
  });
  pairs(health['nodes'], 'nodeHealth.nodes').forEach((entry, i) => {
    const at = `nodeHealth.nodes[${i}]`;
    if (entry.length !== 5) throw invalidSnapshot(at, `expected [id, lastHeartbeat | null, countsFrom, offlineSince | null, statusBeforeTimeout | null], got ${entry.length} values`);
    const [id, last, from, offlineSince, before] = entry;
    text(id, `${at}[0]`);
    if (last !== null) finite(last, `${at}[1]`);
    finite(from, `${at}[2]`);
    if (offlineSince !== null) finite(offlineSince, `${at}[3]`);
    if (before !== null && !NODE_STATUSES_BEFORE_TIMEOUT.has(before as string)) throw invalidSnapshot(`${at}[4]`, `expected 'ready', 'draining' or null, got ${JSON.stringify(before)}`);
  });
}
