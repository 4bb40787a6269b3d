import { HttpError, type Reply } from './http-io.js';
import type { Route, RouteContext } from './routes.js';

/**
 * `GET /snapshot` (admin token): the manager's `snapshot()` as JSON — everything that decides its
 * future (nodes, running jobs, queues in order, tenants, reservations, costs…), the same document
 * `AllocationManager.restore()` takes (docs/durability.md). Its use here is the what-if: save it
 * and run `fairpack simulate --snapshot state.json` to see what today's queue does under another
 * strategy or with more nodes (docs/simulate.md#what-if-from-a-live-cluster). A read: nothing
 * changes. Admin only: it lists every tenant's jobs and metadata.
 */
export const SNAPSHOT_ROUTES: readonly Route[] = [{ path: '/snapshot', methods: { GET: getSnapshot } }];

function getSnapshot({ manager, query, request, requireAdmin }: RouteContext): Reply {
  requireAdmin(request);
  for (const key of query.keys()) throw new HttpError(400, 'INVALID_QUERY', `Unknown query parameter \`${key}\` of GET /snapshot: it takes none.`);
  return { status: 200, body: manager.snapshot() };
}
