import { AllocationManager } from 'fairpack';
import { FairpackClient, type ServerEvent } from '../../src/client/index.js';
import { describe, expect, it } from 'vitest';
import { serversClosedAfterEach } from './in-process-server.js';

const startServer = serversClosedAfterEach();

describe('fairpack/client watch() against GET /events', () => {
  it('follows the stream, and a watch resumed from a lastEventId gets exactly the calls after it', async () => {
    const manager = new AllocationManager({ capacity: { cpu: 4 }, timers: false, now: () => 0 });
    const server = await startServer({ manager });
    const client = new FairpackClient({ url: server.url });
    const first = new AbortController();
    const seen: ServerEvent[] = [];
    const watching = (async () => {
      for await (const event of client.watch({ signal: first.signal })) {
        seen.push(event);
        if (event.lastEventId === '2') first.abort();
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await client.submit({ id: 'a', tenant: 't', resources: { cpu: 4 } }); // seq 1: allocated
    await client.submit({ id: 'b', tenant: 't', resources: { cpu: 4 } }); // seq 2: queued
    await watching;
    expect(seen.map((e) => [e.event, e.lastEventId])).toEqual([
      ['allocated', '1'],
      ['queued', '2'],
    ]);
    // while nobody watches: a is released and b starts (seq 3, two events)
    await client.release('a');
    const resumed: ServerEvent[] = [];
    const second = new AbortController();
    for await (const event of client.watch({ lastEventId: '2', signal: second.signal })) {
      resumed.push(event);
      if (event.lastEventId === '3' && event.event === 'allocated') second.abort();
    }
    // the first event of the group leaves the position at 2: only the last carries the id
    expect(resumed.map((e) => [e.event, e.lastEventId, (e.data as { job: { id: string } }).job.id])).toEqual([
      ['released', '2', 'a'],
      ['allocated', '3', 'b'],
    ]);
  });
});
