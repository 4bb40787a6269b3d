import { lastEventId } from './event-streams.js';
import type { Reply } from './http-io.js';
import type { Route, RouteContext } from './routes.js';

/**
 * `GET /events`: the manager's events as Server-Sent Events (docs/http.md#events). Anyone may
 * read them, as every other read; at most `--max-event-streams` at once (503 TOO_MANY_STREAMS).
 */
export const EVENT_ROUTES: readonly Route[] = [{ path: '/events', methods: { GET: openEventStream } }];

function openEventStream({ request, live }: RouteContext): Reply {
  live.streams.checkRoom();
  const lastSeen = lastEventId(request.headers['last-event-id']);
  return {
    status: 200,
    contentType: 'text/event-stream; charset=utf-8',
    // a proxy must neither buffer nor transform the stream
    // the connection carries nothing else: when the stream ends (shutdown, a slow reader) it closes
    headers: { 'x-accel-buffering': 'no', 'cache-control': 'no-store, no-transform', connection: 'close' },
    stream: (response) => live.streams.open(response, lastSeen),
  };
}
