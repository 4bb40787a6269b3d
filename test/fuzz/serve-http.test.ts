import fc from 'fast-check';
import { AllocationManager, ResourcePool } from 'fairpack';
import { checkInvariants } from 'fairpack/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPromClient } from '../../src/cli/serve/metrics.js';
import { type RunningServer, startServer } from '../../src/cli/serve/server.js';
import { fuzzParameters, fuzzTimeout } from './support/budget.js';
import { type Ids, prototypes, samePrototypes } from './support/calls.js';
import { ADMIN_TOKEN, NODE_TOKEN, type FuzzRequest, fuzzRequest, requestBytes } from './support/http-requests.js';
import { managerView } from './support/manager-view.js';
import { rawExchange } from './support/raw-http.js';
import { bug, tallies } from './support/tally.js';

/*
 * Layer 3, `fairpack serve`: random HTTP requests — methods, paths (`/jobs/%00`,
 * `/tenants/__proto__/quota`), query strings, headers, bodies (mutated jobs, random bytes, 70 KB,
 * truncated JSON, the wrong content-type, chunked and broken chunked framing, a body cut short) —
 * over raw sockets against `startServer` on 127.0.0.1, port 0. After each: an HTTP answer, never
 * a reset; a status < 500 (4xx for bad input); JSON from every route; a 4xx changed nothing; the
 * server still answers GET /healthz. At the end the books balance and no prototype changed.
 */

let server: RunningServer;
let port = 0;
const logs: string[] = [];
const pool = new ResourcePool({ nodes: [{ id: 'n1', capacity: { cpu: 8, memory: 16, gpu: 2 } }, { id: 'n2', capacity: { cpu: 4, memory: 8 } }] });
// an injected clock and no timers: nothing changes between two requests but the requests
const manager = new AllocationManager({ pool, now: () => 1_000_000, timers: false, maxQueued: 40, maxQueuedPerTenant: 15, heartbeat: { timeoutMs: 60_000 } });

beforeAll(async () => {
  // small time limits: a request cut short is answered (408) or dropped within a second
  server = await startServer({ manager, prom: await loadPromClient(), port: 0, adminToken: ADMIN_TOKEN, nodeToken: NODE_TOKEN, log: (line) => logs.push(line), limits: { headersTimeoutMs: 500, requestTimeoutMs: 1_000 } });
  port = Number(new URL(server.url).port);
});

const [tally] = tallies('serve (HTTP)', 'fairpack serve (HTTP)');
afterAll(() => server.close());

function ids(): Ids {
  return { allocation: manager.allocations().map((a) => a.id), job: manager.jobs().map((j) => j.id), node: [], tenant: [] };
}

/** Answers that are a change although they are 4xx: the job is recorded as rejected. */
const RECORDED = new Set([403, 422, 429]);

/** The request, for a failure message: what was drawn and the start of what was sent. */
function describeRequest(request: FuzzRequest, bytes: Buffer): string {
  return `${request.method} /${request.path.map(String).join('/')}${request.query}`.slice(0, 200) + ` (${request.framing}): ${JSON.stringify(bytes.toString('latin1').slice(0, 400))}`;
}

describe('fuzz: fairpack serve', () => {
  it('random requests: an answer (never a reset), < 500, JSON from the routes, 4xx changes nothing, /healthz still answers', async () => {
    const baseline = prototypes();
    await fc.assert(
      fc.asyncProperty(fuzzRequest, async (request) => {
        const { bytes, complete } = requestBytes(request, ids());
        const where = describeRequest(request, bytes);
        const before = managerView(manager);
        const logged = logs.length;
        tally.inputs++;
        const answer = await rawExchange(port, bytes, { endWrite: !complete, timeoutMs: 5_000 });
        const status = answer.status;
        if (!complete) {
          // cut short: answered with a 4xx (408 at the request limit) or closed unanswered, never acted on
          if (status !== undefined && (status < 400 || status >= 500)) bug(`cut short | ${status}`, `a request cut short got ${status}: ${where}`);
          if (managerView(manager) !== before) bug('cut short | changed', `a request cut short changed the state: ${where}`);
          tally.refusals++;
        } else if (answer.reset || answer.timedOut || status === undefined) {
          tally.crashes++;
          bug(`no answer | reset ${answer.reset} timeout ${answer.timedOut}`, `no HTTP answer (reset: ${answer.reset}, timed out: ${answer.timedOut}, got ${JSON.stringify(answer.body.slice(0, 200))}): ${where}`);
        } else {
          if (status >= 500) bug(`status ${status} | ${answer.body.replace(/\d+/g, 'N').slice(0, 80)}`, `status ${status} ${answer.body.slice(0, 300)}: ${where}`);
          const json = request.method !== 'HEAD' && answer.body.length > 0 ? parseJson(answer.body) : undefined;
          if (request.method !== 'HEAD' && status !== 200 && json === undefined) bug(`status ${status} | not JSON`, `status ${status} with a body that is not JSON (${JSON.stringify(answer.body.slice(0, 200))}): ${where}`);
          if (status >= 400) {
            tally.refusals++;
            if (!RECORDED.has(status) && managerView(manager) !== before) bug(`status ${status} | changed`, `a ${status} answer, but the state changed: ${where}`);
          } else tally.accepted++;
        }
        for (const line of logs.slice(logged)) if (/internal error/.test(line)) bug(`logged | ${line.replace(/\d+/g, 'N').slice(0, 100)}`, `the server logged an internal error: ${line.slice(0, 500)}\n  after: ${where}`);
        // the server is still there
        const health = await rawExchange(port, Buffer.from('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'), { endWrite: false, timeoutMs: 5_000 });
        expect([health.status, health.body]).toEqual([200, '{"status":"ok"}']);
        expect(samePrototypes(prototypes(), baseline)).toBe(true);
        checkInvariants(pool);
      }),
      fuzzParameters(300),
    );
  }, fuzzTimeout(120_000));
});

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
