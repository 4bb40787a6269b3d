import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventHub, type EventGroup } from '../../src/cli/serve/event-hub.js';

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** The events of some SSE text, with their ids. */
function parse(frames: string): { event: string; id?: string }[] {
  return frames
    .split('\n\n')
    .filter((block) => block.includes('event: '))
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] as string;
      const id = /^id: (.*)$/m.exec(block)?.[1];
      return id === undefined ? { event } : { event, id };
    });
}

describe('EventHub', () => {
  it("groups a call's events and puts the id on the last one, in the order they came", async () => {
    const hub = new EventHub();
    const groups: EventGroup[] = [];
    hub.subscribe((group) => groups.push(group));
    hub.publish(1, 'released', { n: 1 });
    hub.publish(1, 'allocated', { n: 2 });
    hub.publish(2, 'queued', { n: 3 }); // another seq closes group 1 at once
    expect(groups.map((g) => g.seq)).toEqual([1]);
    await tick(); // the microtask closes group 2
    expect(groups.map((g) => g.seq)).toEqual([1, 2]);
    expect(parse(groups[0]?.frames ?? '')).toEqual([{ event: 'released' }, { event: 'allocated', id: '1' }]);
    expect(hub.position()).toBe(2);
  });

  it('replays from any position the buffer covers, and resets beyond it (property: bounds in events)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 20 }), fc.nat(40), async (groupSizes, bufferEvents, lastSeen) => {
        const hub = new EventHub({ bufferEvents });
        groupSizes.forEach((size, i) => {
          for (let e = 0; e < size; e++) hub.publish(i + 1, `e${i + 1}.${e}`, {});
        });
        await tick();
        const replay = hub.replay(lastSeen);
        // what the buffer must hold: the newest groups whose events fit, and always the newest one
        let kept = 0;
        let events = 0;
        for (let i = groupSizes.length - 1; i >= 0; i--) {
          if (kept > 0 && events + (groupSizes[i] as number) > bufferEvents) break;
          events += groupSizes[i] as number;
          kept++;
        }
        const oldestKept = groupSizes.length - kept + 1;
        if (lastSeen < oldestKept - 1 || lastSeen > groupSizes.length) {
          expect(replay.kind).toBe('reset');
          expect(parse(replay.frames)).toEqual([{ event: 'reset', id: String(groupSizes.length) }]);
        } else {
          expect(replay.kind).toBe('frames');
          const expected = groupSizes.flatMap((size, i) => (i + 1 > lastSeen ? Array.from({ length: size }, (_, e) => (e === size - 1 ? { event: `e${i + 1}.${e}`, id: String(i + 1) } : { event: `e${i + 1}.${e}` })) : []));
          expect(parse(replay.frames)).toEqual(expected);
        }
      }),
    );
  });

  it('bounds the buffer in bytes too', async () => {
    const hub = new EventHub({ bufferBytes: 250 });
    for (let seq = 1; seq <= 10; seq++) hub.publish(seq, 'queued', { padding: 'x'.repeat(60) });
    await tick();
    // each frame is 102–103 bytes (`event: queued⏎` 14, `data: {"padding":"x…"}⏎` 6 + 12 + 60 + 2 + 1 = 81,
    // `id: 9⏎` 6 or `id: 10⏎` 7, a blank line 1):
    // two fit in 250, three do not — a client at 8 resumes, one at 7 cannot
    expect(parse(hub.replay(8).frames)).toEqual([
      { event: 'queued', id: '9' },
      { event: 'queued', id: '10' },
    ]);
    expect(hub.replay(7).kind).toBe('reset');
  });

  it('rebase: the same position changes nothing; another history empties the buffer and tells subscribers to reset', async () => {
    const hub = new EventHub({ seq: 5 });
    const seen: string[] = [];
    hub.subscribe((group) => seen.push(...group.events.map((e) => e.name)));
    hub.publish(6, 'allocated', {});
    await tick();
    hub.rebase(6);
    expect(seen).toEqual(['allocated']);
    expect(parse(hub.replay(5).frames)).toEqual([{ event: 'allocated', id: '6' }]);
    hub.rebase(3);
    expect(seen).toEqual(['allocated', 'reset']);
    expect(hub.position()).toBe(3);
    expect(hub.replay(5).kind).toBe('reset');
    expect(hub.replay(3)).toEqual({ kind: 'frames', frames: '' });
  });

  it('sends the events of a call that changed no position without an id (the client position stays right)', async () => {
    const hub = new EventHub();
    const frames: string[] = [];
    hub.subscribe((group) => frames.push(group.frames));
    hub.publish(1, 'allocated', {});
    await tick();
    hub.publish(1, 'queued', {});
    await tick();
    expect(parse(frames.join(''))).toEqual([{ event: 'allocated', id: '1' }, { event: 'queued' }]);
    expect(hub.position()).toBe(1);
  });
});
