/**
 * Following `fairpack serve`'s events (`GET /events`, Server-Sent Events) from a program, and
 * resuming after a lost connection without missing anything: the last `id:` seen is the journal
 * position, sent back as `Last-Event-ID` (browsers' EventSource does this by itself; see
 * docs/http.md#get-events). The same stream drives the dashboard at `/` (docs/dashboard.md).
 *
 * Against your server:   FAIRPACK_URL=http://127.0.0.1:8080 npx tsx examples/event-stream.ts
 * Without FAIRPACK_URL it starts a local `fairpack serve`, submits jobs, drops the connection
 * while more happen, and shows the missed events arrive on reconnection.
 */
import { startLocalServe } from './lib/local-serve.js';

interface ServerSentEvent {
  readonly event: string;
  readonly data: string;
  readonly id?: string;
}

/** Reads an event stream until `stop` aborts it; calls `onEvent` per event. Resolves with the last id seen. */
async function follow(url: string, lastEventId: string | undefined, onEvent: (event: ServerSentEvent) => void, stop: AbortSignal): Promise<string | undefined> {
  const response = await fetch(`${url}/events`, { headers: lastEventId === undefined ? {} : { 'last-event-id': lastEventId }, signal: stop });
  if (!response.ok || response.body === null) throw new Error(`GET /events answered ${response.status}`);
  let last = lastEventId;
  let buffer = '';
  let fields: { event?: string; data: string[]; id?: string } = { data: [] };
  const decoder = new TextDecoder();
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (line === '') {
          // a blank line ends an event; the id (only on the last event of a call) moves our position
          if (fields.id !== undefined) last = fields.id;
          if (fields.data.length > 0) onEvent({ event: fields.event ?? 'message', data: fields.data.join('\n'), ...(fields.id === undefined ? {} : { id: fields.id }) });
          fields = { data: [] };
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const [name, value] = colon < 0 ? [line, ''] : [line.slice(0, colon), line.slice(colon + 1).replace(/^ /, '')];
          if (name === 'event') fields.event = value;
          else if (name === 'data') fields.data.push(value);
          else if (name === 'id') fields.id = value;
        }
      }
    }
  } catch (error) {
    if (!stop.aborted) throw error;
  }
  return last;
}

/** One line per event: what happened to which job or node. */
function describe({ event, data, id }: ServerSentEvent): string {
  const payload = JSON.parse(data) as { job?: { id: string; status: string }; node?: { id: string }; victim?: { id: string }; seq?: number };
  const subject = payload.job?.id ?? payload.victim?.id ?? payload.node?.id ?? (payload.seq === undefined ? '' : `position ${payload.seq}`);
  return `${event} ${subject}${id === undefined ? '' : ` (position ${id})`}`;
}

const submit = (url: string, job: object): Promise<Response> => fetch(`${url}/jobs`, { method: 'POST', body: JSON.stringify(job) });
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

if (process.env['FAIRPACK_URL'] !== undefined) {
  // follow for ever, reconnecting from the last position after any failure
  let last: string | undefined;
  for (;;) {
    try {
      last = await follow(process.env['FAIRPACK_URL'], last, (e) => console.log(describe(e)), new AbortController().signal);
    } catch (error) {
      console.error(`lost the stream (${(error as Error).message}); reconnecting from ${last ?? 'now'}`);
    }
    await pause(2_000);
  }
} else {
  const { url, server } = await startLocalServe(['--capacity', 'cpu=4']);
  const first = new AbortController();
  const following = follow(url, undefined, (e) => console.log(`live: ${describe(e)}`), first.signal);
  await pause(200);
  await submit(url, { id: 'train', tenant: 'research', resources: { cpu: 3 } });
  await submit(url, { id: 'eval', tenant: 'research', resources: { cpu: 2 } }); // waits: 1 cpu free
  await pause(300);
  first.abort();
  const last = await following;
  console.log(`connection dropped at position ${last}`);
  // while nobody listens: train ends, so eval starts (one call, two events)
  await fetch(`${url}/jobs/train/release`, { method: 'POST' });
  const second = new AbortController();
  const resumed = follow(url, last, (e) => console.log(`resumed: ${describe(e)}`), second.signal);
  await pause(500);
  second.abort();
  await resumed;
  server.kill('SIGTERM');
}
