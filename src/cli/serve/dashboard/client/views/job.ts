import { ApiError, getJson } from '../api.js';
import { h, link, resources, show, time } from '../dom.js';
import { reasonText } from '../reasons.js';
import type { Allocation, Job, TimelineEntry } from '../types.js';
import type { PageFactory } from '../view.js';

/** One line of a job's history in words. */
export function describe(entry: TimelineEntry): Node {
  const job = (id: string): Node => link(`#/jobs/${encodeURIComponent(id)}`, id);
  switch (entry.type) {
    case 'queued':
      return h('span', {}, 'queued because ', reasonText(entry.reason));
    case 'allocated':
      return h('span', {}, 'allocated on ', (entry.nodes ?? []).join(', '));
    case 'preempted':
      return h('span', {}, 'preempted by ', entry.by === undefined ? '?' : job(entry.by), ` on ${entry.nodeId ?? '?'}; keeps its room until ${time(entry.until)}`);
    case 'preempting':
      return h('span', {}, 'evicted ', entry.victim === undefined ? '?' : job(entry.victim), ` on ${entry.nodeId ?? '?'} to make room`);
    case 'interrupted':
      return h('span', {}, `its node is being reclaimed: re-queued at ${time(entry.until)} unless it ends first`);
    case 'released':
      return h('span', {}, `released (${entry.status})`, entry.reason === undefined ? '' : `: ${entry.reason}`);
    case 'rejected':
      return h('span', {}, 'rejected: ', entry.reason ?? '');
    default:
      return h('span', {}, entry.type, entry.reason === undefined ? '' : `: ${entry.reason}`);
  }
}

/** A job: its figures, where it runs, and its event history since the server started. */
export const jobPage: PageFactory = (root, [id = '']) => {
  const body = h('div');
  show(root, h('p', {}, h('a', { href: '#/jobs' }, '← All jobs')), body);
  return {
    title: `Job ${id}`,
    async update() {
      let answer: { job?: Job; events: readonly TimelineEntry[]; omitted: number; explanation?: string };
      let allocation: Allocation | undefined;
      try {
        [answer, { allocation }] = await Promise.all([
          getJson<typeof answer>(`/jobs/${encodeURIComponent(id)}/events`),
          getJson<{ allocation?: Allocation }>(`/jobs/${encodeURIComponent(id)}`).catch(() => ({ allocation: undefined })),
        ]);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) {
          show(body, h('h2', {}, `Job ${id}`), h('p', { class: 'empty' }, 'No such job (or it finished long enough ago to be forgotten).'));
          return;
        }
        throw error;
      }
      const job = answer.job;
      show(
        body,
        h('h2', {}, `Job ${id}`, job === undefined ? '' : ` — ${job.status}`),
        job === undefined
          ? null
          : h(
              'dl',
              { class: 'facts' },
              h('dt', {}, 'Tenant'),
              h('dd', {}, job.tenant),
              h('dt', {}, 'Priority'),
              h('dd', {}, job.priority),
              job.category === undefined ? null : [h('dt', {}, 'Category'), h('dd', {}, job.category)],
              h('dt', {}, 'Resources'),
              h('dd', {}, resources(job.resources), job.replicas > 1 ? ` × ${job.replicas} replicas` : ''),
              h('dt', {}, 'Status'),
              h('dd', { class: `status status-${job.status}` }, job.status),
              job.status === 'queued' ? [h('dt', {}, 'Why it waits'), h('dd', { class: 'reason' }, reasonText(job.reason), answer.explanation === undefined ? null : h('span', { class: 'explanation' }, answer.explanation))] : null,
              allocation === undefined ? null : [h('dt', {}, 'Runs on'), h('dd', {}, [...new Set(allocation.placements.map((p) => p.nodeId))].map((n, i) => [i > 0 ? ', ' : '', link(`#/nodes/${encodeURIComponent(n)}`, n)]).flat())],
            ),
        h('h3', {}, 'History'),
        h(
          'ol',
          { class: 'timeline' },
          job === undefined ? null : h('li', {}, h('time', {}, time(job.submittedAt)), ' submitted'),
          answer.omitted > 0 ? h('li', { class: 'hint' }, `… ${answer.omitted} earlier events left out`) : null,
          answer.events.map((entry) => h('li', { 'data-event': entry.type }, h('time', {}, time(entry.at)), ' ', describe(entry))),
        ),
        answer.events.length === 0 ? h('p', { class: 'hint' }, 'No events seen since the server started.') : null,
      );
    },
  };
};
