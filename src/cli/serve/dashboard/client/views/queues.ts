import { getJson } from '../api.js';
import { duration, h, jobLink, meter, percent, show } from '../dom.js';
import { reasonText } from '../reasons.js';
import type { Job, Tenant } from '../types.js';
import type { PageFactory } from '../view.js';

interface Queue {
  readonly tenant: string;
  readonly priority: string;
  readonly length: number;
  readonly head?: string;
  readonly headJob?: Job;
  readonly explanation?: string;
  readonly weight: number;
  readonly dominantShare: number;
}

/** Queues drawn at most: a page of 10,000 queues helps no one. */
const QUEUES_SHOWN = 200;

/** Queues per priority band and tenant: depth, the head job and why it waits, dominant share vs weighted fair share. */
export const queuesPage: PageFactory = (root) => {
  const body = h('div');
  show(root, body);
  return {
    title: 'Queues',
    async update() {
      const [{ queues }, { tenants }] = await Promise.all([getJson<{ queues: readonly Queue[] }>('/queues'), getJson<{ tenants: readonly Tenant[] }>('/tenants')]);
      const fair = new Map(tenants.map((t) => [t.tenant, t]));
      const waiting = queues.filter((q) => q.length > 0);
      const shown = waiting.slice(0, QUEUES_SHOWN);
      // in the server's order: highest band first
      const bands = new Map<string, Queue[]>();
      for (const queue of shown) bands.set(queue.priority, [...(bands.get(queue.priority) ?? []), queue]);
      if (bands.size === 0) {
        show(body, h('h2', {}, 'Queues'), h('p', { class: 'empty' }, 'Nothing waits.'));
        return;
      }
      show(
        body,
        h('h2', {}, 'Queues'),
        waiting.length > shown.length ? h('p', { class: 'hint' }, `Showing the first ${shown.length} of ${waiting.length} queues with jobs.`) : null,
        [...bands].map(([band, rows]) =>
          h(
            'section',
            { class: 'band', 'aria-label': `Band ${band}` },
            h('h3', {}, `Band: ${band}`),
            h(
              'div',
              { class: 'scroll' },
              h(
                'table',
                {},
                h('caption', {}, `Queues of band ${band}, per tenant`),
                h('thead', {}, h('tr', {}, ['Tenant', 'Depth', 'Head job', 'Waiting', 'Why it waits', 'Dominant share', 'Fair share'].map((name) => h('th', { scope: 'col' }, name)))),
                h(
                  'tbody',
                  {},
                  rows.map((queue) => {
                    const tenant = fair.get(queue.tenant);
                    const job = queue.headJob;
                    return h(
                      'tr',
                      { 'data-queue': `${queue.tenant}/${queue.priority}` },
                      h('th', { scope: 'row' }, queue.tenant),
                      h('td', {}, String(queue.length)),
                      h('td', {}, queue.head === undefined ? '—' : jobLink(queue.head)),
                      h('td', {}, job === undefined ? '—' : duration(Date.now() - job.submittedAt)),
                      h('td', { class: 'reason' }, h('span', {}, reasonText(job?.reason)), queue.explanation === undefined ? null : h('span', { class: 'explanation' }, queue.explanation)),
                      h('td', {}, meter(queue.dominantShare, 'dominant share'), ' ', percent(queue.dominantShare)),
                      h('td', {}, tenant === undefined ? '—' : percent(tenant.fairShare), tenant !== undefined && queue.dominantShare < tenant.fairShare ? ' (below: served first)' : ''),
                    );
                  }),
                ),
              ),
            ),
          ),
        ),
      );
    },
  };
};
