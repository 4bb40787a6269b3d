import type { PoolInternals } from '../pool/internals.js';
import { type JobFields, type ParsedRequest, type WritableRequest, blankRequest } from '../pool/request.js';
import type { Resources } from '../resources/index.js';

/**
 * Parsed pool requests shared by the jobs that ask for the same thing: one replica of the same
 * resources (the pool's interned object), no constraint, the same tenant, class and spot
 * preference. Such a request differs from job to job only in its `jobId`, which a shared one leaves
 * out: the manager gives the pool each job's id when it places it (`AllocationTimes.jobId`).
 *
 * Why: every queued or running job keeps its parsed request (136 bytes), and a running job's
 * outlives the young generation, where what survives is what the collector pays for (issue 17).
 * A job of any other kind (replicas, selector, tolerations, spread, metadata, a dimension no node
 * has) keeps a request of its own, with its id.
 */
export class SharedRequests {
  /** Per resources object, the requests of the tenants and classes that asked for it lately. */
  readonly #byResources = new WeakMap<Resources, WritableRequest[]>();
  /** Where the next request past the limit replaces one (round robin). */
  #turn = 0;
  /** Parsed into, then copied or shared; a getter in a request that submits again gets one of its own. */
  readonly #scratch = blankRequest();
  #busy = false;

  /** Parses a job's pool request (see `PoolInternals.parseRequest`): a shared one when it can be. */
  parse(pool: PoolInternals, input: unknown, job: JobFields): ParsedRequest {
    if (this.#busy) return pool.parseRequest(input, job);
    this.#busy = true;
    try {
      const parsed = pool.parseRequest(input, job, this.#scratch);
      return isPlain(parsed) ? this.#shared(parsed) : copyOf(parsed, parsed.jobId);
    } finally {
      this.#busy = false;
    }
  }

  #shared(parsed: ParsedRequest): ParsedRequest {
    let known = this.#byResources.get(parsed.resources);
    if (known === undefined) this.#byResources.set(parsed.resources, (known = []));
    for (let i = 0; i < known.length; i++) {
      const request = known[i] as WritableRequest;
      // the dense form changes when the pool learns a dimension: a request of the old one is stale
      if (request.tenant === parsed.tenant && request.priority === parsed.priority && request.spot === parsed.spot) {
        if (request.dense === parsed.dense) return request;
        known[i] = copyOf(parsed, undefined);
        return known[i] as WritableRequest;
      }
    }
    const request = copyOf(parsed, undefined);
    if (known.length < VARIANTS) known.push(request);
    else known[this.#turn++ % VARIANTS] = request;
    return request;
  }
}

/** Tenants × classes × spot preferences kept per resources object. */
const VARIANTS = 16;

/** One replica, no constraint, no metadata, no unknown dimension, no chosen allocation id. */
function isPlain(parsed: ParsedRequest): boolean {
  return (
    parsed.replicas === 1 &&
    !parsed.spread &&
    parsed.selectorKeys.length === 0 &&
    parsed.tolerations.length === 0 &&
    parsed.metadata === undefined &&
    parsed.unknown.length === 0 &&
    parsed.id === undefined
  );
}

/** A request of its own (the scratch is overwritten by the next parse), field by field in the blank's order. */
function copyOf(parsed: ParsedRequest, jobId: string | undefined): WritableRequest {
  const out = blankRequest();
  out.id = parsed.id;
  out.jobId = jobId;
  out.tenant = parsed.tenant;
  out.priority = parsed.priority;
  out.replicas = parsed.replicas;
  out.spread = parsed.spread;
  out.nodeSelector = parsed.nodeSelector;
  out.selectorKeys = parsed.selectorKeys;
  out.tolerations = parsed.tolerations;
  out.spot = parsed.spot;
  out.metadata = parsed.metadata;
  out.resources = parsed.resources;
  out.dense = parsed.dense;
  out.unknown = parsed.unknown;
  return out;
}
