import type { CostOptions } from '../../index.js';
import { HttpError, type Reply } from './http-io.js';
import type { Route, RouteContext } from './routes.js';

const COST_QUERY = ['from', 'to', 'top'] as const;

/**
 * `GET /costs?from=&to=&top=`: what the nodes cost over a window and who paid (`mgr.costs()`), in
 * micro-units of the currency of `costPerHour`. `from`/`to` are milliseconds on the manager's
 * clock (default: its start and its latest reading), `top` how many jobs `topJobs` lists (10).
 * See docs/costs-and-scaling.md and docs/http.md.
 */
export const COST_ROUTES: readonly Route[] = [{ path: '/costs', methods: { GET: getCosts } }];

function getCosts({ manager, query }: RouteContext): Reply {
  for (const key of query.keys()) {
    if (!(COST_QUERY as readonly string[]).includes(key)) throw new HttpError(400, 'INVALID_QUERY', `Unknown query parameter \`${key}\` of GET /costs. Accepted: ${COST_QUERY.join(', ')}.`);
  }
  const options: { -readonly [K in keyof CostOptions]: number } = {};
  for (const key of COST_QUERY) {
    const raw = query.get(key);
    if (raw === null) continue;
    // a plain decimal number of milliseconds (or jobs), nothing Number() would also take ('', '0x10', ' 5')
    if (!/^-?\d+(\.\d+)?$/.test(raw)) throw new HttpError(400, 'INVALID_QUERY', `Expected \`${key}\` to be a number${key === 'top' ? ' of jobs' : ' of milliseconds on the scheduler\'s clock'}, got "${raw.slice(0, 80)}".`);
    options[key] = Number(raw);
  }
  // INVALID_OPTION (400) from the manager: from > to, to past the latest reading, a fractional top
  return { status: 200, body: manager.costs(options) };
}
