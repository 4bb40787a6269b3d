import { getJson } from '../api.js';
import { duration, h, jobLink, show, table } from '../dom.js';
import { reasonText } from '../reasons.js';
import type { Allocation, Job } from '../types.js';
import type { PageFactory } from '../view.js';

const STATUSES = ['', 'queued', 'running', 'preempted', 'completed', 'failed', 'cancelled', 'expired', 'rejected'];
/** Rows drawn at most: the rest are counted, and found by searching. */
const ROWS = 500;
const SEARCH_PAUSE_MS = 250;

/** Time from submission to start (or to now, for a job that still waits). */
export function waitOf(job: Job, now: number): number | undefined {
  if (job.startedAt !== undefined) return job.startedAt - job.submittedAt;
  return job.status === 'queued' ? now - job.submittedAt : undefined;
}

/** Every job the server remembers, filtered by status and tenant and searched by id, tenant or category. */
export const jobsPage: PageFactory = (root) => {
  const status = h('select', { id: 'job-status', onchange: () => void page.update() }, STATUSES.map((s) => h('option', { value: s }, s === '' ? 'any' : s)));
  const tenant = h('input', { id: 'job-tenant', type: 'text', autocomplete: 'off', onchange: () => void page.update() });
  // searched on the server (a page never pulls every job), once typing pauses
  let typing: ReturnType<typeof setTimeout> | undefined;
  const search = h('input', {
    id: 'job-search',
    type: 'search',
    autocomplete: 'off',
    placeholder: 'id, tenant or category',
    oninput: () => {
      clearTimeout(typing);
      typing = setTimeout(() => void page.update(), SEARCH_PAUSE_MS);
    },
  });
  const results = h('div');
  show(
    root,
    h('h2', {}, 'Jobs'),
    h(
      'form',
      { class: 'filters', role: 'search', onsubmit: (event: Event) => event.preventDefault() },
      h('label', { for: 'job-search' }, 'Search'),
      search,
      h('label', { for: 'job-status' }, 'Status'),
      status,
      h('label', { for: 'job-tenant' }, 'Tenant'),
      tenant,
    ),
    results,
  );
  function draw(jobs: readonly Job[], total: number, nodesOf: ReadonlyMap<string, string>, costOf: ReadonlyMap<string, number>): void {
    const now = Date.now();
    show(
      results,
      h('p', { id: 'job-count', class: 'hint', 'aria-live': 'polite' }, `${total} job${total === 1 ? '' : 's'}${total > jobs.length ? `, the first ${jobs.length} shown` : ''}.`),
      table(
        'Jobs (live ones first, then finished ones)',
        ['Job', 'Tenant', 'Priority', 'Status', 'Wait', 'Node', 'Cost', 'Reason'],
        jobs.map((j) => [jobLink(j.id), j.tenant, j.priority, h('span', { class: `status status-${j.status}` }, j.status), duration(waitOf(j, now)), j.allocationId === undefined ? '—' : (nodesOf.get(j.allocationId) ?? '—'), costOf.has(j.id) ? (costOf.get(j.id) as number).toFixed(4) : '—', j.status === 'queued' ? reasonText(j.reason) : (j.reason ?? '')]),
        'none match.',
      ),
    );
  }

  const page = {
    title: 'Jobs',
    async update() {
      const query = new URLSearchParams();
      if (status.value !== '') query.set('status', status.value);
      if (tenant.value.trim() !== '') query.set('tenant', tenant.value.trim());
      if (search.value.trim() !== '') query.set('q', search.value.trim().slice(0, 200));
      query.set('limit', String(ROWS));
      const [list, live, costs] = await Promise.all([
        getJson<{ jobs: readonly Job[]; total: number }>(`/jobs?${query}`),
        getJson<{ allocations: readonly Allocation[] }>('/allocations'),
        getJson<{ topJobs: readonly { jobId: string; cost: number }[] }>('/costs?top=1000').catch(() => ({ topJobs: [] })),
      ]);
      const nodesOf = new Map(live.allocations.map((a) => [a.id, [...new Set(a.placements.map((p) => p.nodeId))].join(', ')]));
      // micro-units of the nodes' currency (docs/costs-and-scaling.md); only jobs that cost something
      const costOf = new Map(costs.topJobs.filter((c) => c.cost > 0).map((c) => [c.jobId, c.cost / 1e6]));
      draw(list.jobs, list.total, nodesOf, costOf);
    },
  };
  return page;
};
