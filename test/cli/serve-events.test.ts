import { AllocationManager } from 'fairpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadPromClient } from '../../src/cli/serve/metrics.js';
import { startServer as startBareServer } from '../../src/cli/serve/server.js';
import { call, serversClosedAfterEach } from './in-process-server.js';
import { type SseEvent, type SseStream, openSse, until } from './sse-client.js';

const startServer = serversClosedAfterEach();

/** A stream's events up to its last id'd one: what a client has for certain (a group cut short is sent again). */
function upToLastId(events: readonly SseEvent[]): SseEvent[] {
  let end = 0;
  events.forEach((e, i) => {
    if (e.id !== undefined) end = i + 1;
  });
  return events.slice(0, end);
}

describe('GET /events (Server-Sent Events)', () => {
  it('streams each manager event with its payload; the id is the journal position of the call that caused it', async () => {
    const server = await startServer();
    const stream = await openSse(server.url);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const { json } = await call(server.url, 'POST', '/jobs', { id: 'a', tenant: 't', resources: { cpu: 2 } });
    expect(json['allocation']).toBeDefined();
    await until(() => stream.events.length >= 1);
    const [allocated] = stream.events as [SseEvent];
    expect(allocated.event).toBe('allocated');
    // one call so far: journal position 1
    expect(allocated.id).toBe('1');
    expect(server.manager.journalSeq()).toBe(1);
    const data = JSON.parse(allocated.data) as { job: { id: string; status: string }; allocation: { jobId: string } };
    expect(data.job).toMatchObject({ id: 'a', status: 'running' });
    expect(data.allocation.jobId).toBe('a');
    stream.close();
  });

  it("puts the id on the last event of a call's group only", async () => {
    const manager = new AllocationManager({ capacity: { cpu: 4 } });
    const server = await startServer({ manager });
    const a = manager.submit({ id: 'a', tenant: 't', resources: { cpu: 4 } }); // seq 1
    manager.submit({ id: 'b', tenant: 't', resources: { cpu: 4 } }); // seq 2: queued
    const stream = await openSse(server.url);
    // seq 3: one call, two events — a is released, then b starts in its room
    manager.release((a as { allocation: { id: string } }).allocation.id);
    await until(() => stream.events.length >= 2);
    expect(stream.events.map((e) => [e.event, e.id])).toEqual([
      ['released', undefined],
      ['allocated', '3'],
    ]);
    stream.close();
  });

  it('carries events caused by timers (a TTL expiry) too', async () => {
    const server = await startServer();
    const stream = await openSse(server.url);
    await call(server.url, 'POST', '/jobs', { id: 'short', tenant: 't', resources: { cpu: 1 }, ttlMs: 30 });
    await until(() => stream.events.some((e) => e.event === 'expired'));
    const expired = stream.events.find((e) => e.event === 'expired') as SseEvent;
    // the timer's tick is a call of its own: position 2, after the submission's 1
    expect(expired.id).toBe('2');
    expect(JSON.parse(expired.data).job).toMatchObject({ id: 'short', status: 'expired' });
    stream.close();
  });

  it('a client that reconnects with Last-Event-ID gets exactly what it missed (property: any calls, any cut)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ cpu: fc.integer({ min: 1, max: 4 }), finish: fc.boolean() }), { minLength: 1, maxLength: 12 }),
        fc.nat(),
        async (calls, cutAt) => {
          const manager = new AllocationManager({ capacity: { cpu: 6 }, timers: false, now: () => 0 });
          const server = await startServer({ manager });
          const reference = await openSse(server.url);
          let client: SseStream = await openSse(server.url);
          const received: SseEvent[] = [];
          const cut = cutAt % calls.length;
          let running: string[] = [];
          for (const [i, c] of calls.entries()) {
            // a submission, and when asked the release of the oldest running job (which may start queued ones)
            const result = manager.submit({ tenant: `t${i % 3}`, resources: { cpu: c.cpu } });
            if (result.status === 'allocated') running.push(result.allocation.id);
            if (c.finish && running.length > 0) {
              const [first, ...rest] = running;
              manager.release(first as string);
              running = [...rest, ...manager.allocations().map((a) => a.id).filter((id) => !rest.includes(id) && id !== first)];
            }
            const position = String(manager.journalSeq());
            await until(() => reference.lastEventId() === position || (reference.events.length === 0 && manager.journalSeq() === 0));
            if (i === cut) {
              await until(() => client.lastEventId() === position);
              received.push(...upToLastId(client.events));
              const last = client.lastEventId();
              client.close();
              // missed while away: the rest of the calls happen before it comes back
              if (i === calls.length - 1) manager.submit({ tenant: 'late', resources: { cpu: 99 } });
              const again = manager.journalSeq();
              await until(() => reference.lastEventId() === String(again));
              client = await openSse(server.url, last);
            }
          }
          const end = String(manager.journalSeq());
          await until(() => client.lastEventId() === end && reference.lastEventId() === end);
          received.push(...client.events);
          expect(received).toEqual(reference.events);
          expect(received.some((e) => e.event === 'reset')).toBe(false);
          reference.close();
          client.close();
          await server.running.close();
        },
      ),
      { numRuns: 15 },
    );
  });

  it('answers a Last-Event-ID older than the buffer, ahead of the history or not a number with a reset', async () => {
    const manager = new AllocationManager({ capacity: { cpu: 100 }, timers: false, now: () => 0 });
    const server = await startServer({ manager, events: { bufferEvents: 2 } });
    for (let i = 0; i < 5; i++) manager.submit({ tenant: 't', resources: { cpu: 1 } }); // seq 1…5, one event each
    await new Promise((resolve) => setTimeout(resolve, 10));
    // the buffer holds seq 4 and 5: a client at 3 or later can resume, one at 2 cannot
    const resumed = await openSse(server.url, '3');
    await until(() => resumed.events.length >= 2);
    expect(resumed.events.map((e) => e.id)).toEqual(['4', '5']);
    for (const stale of ['2', '99', 'not-a-number']) {
      const stream = await openSse(server.url, stale);
      await until(() => stream.events.length >= 1);
      expect(stream.events[0]).toEqual({ event: 'reset', data: JSON.stringify({ seq: 5 }), id: '5' });
      stream.close();
    }
    resumed.close();
  });

  it('caps the open streams: one more is answered 503 TOO_MANY_STREAMS', async () => {
    const server = await startServer({ events: { maxStreams: 2 } });
    const open = [await openSse(server.url), await openSse(server.url)];
    const refused = await openSse(server.url);
    expect(refused.status).toBe(503);
    await refused.ended;
    expect(JSON.parse(refused.body()).error.code).toBe('TOO_MANY_STREAMS');
    expect(refused.headers['retry-after']).toBe('5');
    // a closed stream frees its place
    (open[0] as SseStream).close();
    let again = await openSse(server.url);
    // (the server learns of the close a moment later)
    while (again.status === 503) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      again = await openSse(server.url);
    }
    expect(again.status).toBe(200);
    again.close();
    (open[1] as SseStream).close();
  });

  it('sends a keep-alive comment on a quiet stream', async () => {
    const server = await startServer({ events: { keepAliveMs: 30 } });
    const stream = await openSse(server.url);
    await until(() => stream.comments.includes('keep-alive'));
    stream.close();
  });

  it('drops a reader that does not read rather than buffering for it without bound', async () => {
    const manager = new AllocationManager({ capacity: { cpu: 1_000_000 }, timers: false, now: () => 0 });
    const server = await startServer({ manager, events: { maxBufferedBytes: 256 * 1024, slowReaderMs: 200 } });
    const stalled = await openSse(server.url);
    stalled.response.pause();
    const reader = await openSse(server.url);
    // big events (a wide job view), many of them: far more than socket buffers hold
    const resources = Object.fromEntries(Array.from({ length: 40 }, (_, d) => [`dimension-${d}`, 0]));
    for (let i = 0; i < 400; i++) {
      manager.submitMany(Array.from({ length: 50 }, () => ({ tenant: 't', resources: { cpu: 1, ...resources } })));
      // calls come one by one, as requests do: a reader that keeps up is never behind for long
      await new Promise((resolve) => setImmediate(resolve));
    }
    const end = String(manager.journalSeq());
    await until(() => reader.lastEventId() === end, 30_000);
    stalled.response.resume();
    await stalled.ended;
    // it got a part, then the server cut it: it reconnects with its Last-Event-ID
    expect(stalled.events.length).toBeLessThan(reader.events.length);
    reader.close();
  });

  it("follows the manager a replica answers from: a swapped-in manager's events flow, and a different position resets the streams", async () => {
    const first = new AllocationManager({ capacity: { cpu: 4 }, timers: false, now: () => 0 });
    let current = first;
    const running = await startBareServer({ manager: () => current, prom: await loadPromClient(), port: 0 });
    try {
      first.submit({ id: 'a', tenant: 't', resources: { cpu: 1 } }); // seq 1
      const stream = await openSse(running.url);
      // a copy one call ahead (what a follower rebuilt from the store would be): position 2, not the hub's 1
      const copy = AllocationManager.restore(JSON.parse(JSON.stringify(first.snapshot())), { timers: false, now: () => 0 });
      copy.submit({ id: 'b', tenant: 't', resources: { cpu: 1 } });
      current = copy;
      await call(running.url, 'GET', '/healthz'); // any request re-attaches at once
      await until(() => stream.events.length >= 1);
      expect(stream.events[0]).toEqual({ event: 'reset', data: JSON.stringify({ seq: 2 }), id: '2' });
      copy.submit({ id: 'c', tenant: 't', resources: { cpu: 1 } }); // seq 3, from the new manager
      first.submit({ id: 'gone', tenant: 't', resources: { cpu: 1 } }); // the old one feeds nothing
      await until(() => stream.events.length >= 2);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(stream.events.slice(1).map((e) => [e.event, e.id, JSON.parse(e.data).job.id])).toEqual([['allocated', '3', 'c']]);
      stream.close();
    } finally {
      await running.close();
    }
  });

  it('server.close() ends every open stream', async () => {
    const server = await startServer();
    const streams = [await openSse(server.url), await openSse(server.url)];
    await server.running.close();
    await Promise.all(streams.map((s) => s.ended));
  });
});
