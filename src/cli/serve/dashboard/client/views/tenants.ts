import { ApiError, adminCall, getJson, hasAdminToken } from '../api.js';
import { amount, h, jobLink, meter, percent, show, table, time } from '../dom.js';
import type { Activity, Tenant } from '../types.js';
import type { PageFactory } from '../view.js';

/** `cpu=8, memory=32` → { cpu: 8, memory: 32 }; empty → null (no quota). Throws with what is wrong. */
export function parseLimits(text: string): Record<string, number> | null {
  if (text.trim() === '') return null;
  const limits: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const part of text.split(',')) {
    const match = /^\s*([^=\s]+)\s*=\s*(\d+(?:\.\d+)?)\s*$/.exec(part);
    if (match === null) throw new Error(`Expected dimension=amount pairs separated by commas (e.g. cpu=8, memory=32), got "${part.trim()}".`);
    limits[match[1] as string] = Number(match[2]);
  }
  return limits;
}

/** Usage vs quota per tenant and dimension, shares, rejections; recent rejections and preemptions; quota edit (admin). */
export const tenantsPage: PageFactory = (root, _params, context) => {
  const list = h('div');
  const activity = h('div');
  const tenantInput = h('input', { id: 'quota-tenant', type: 'text', required: true, autocomplete: 'off' });
  const limitsInput = h('input', { id: 'quota-limits', type: 'text', autocomplete: 'off', placeholder: 'cpu=8, memory=32', 'aria-describedby': 'quota-help' });
  const result = h('p', { class: 'result', role: 'status' });
  const submit = h('button', { type: 'submit' }, 'Set quota');
  const form = h(
    'form',
    { class: 'admin-form', 'aria-labelledby': 'quota-h', onsubmit: (event: Event) => {
      event.preventDefault();
      void setQuota();
    } },
    h('h2', { id: 'quota-h' }, 'Edit a quota'),
    h('p', { id: 'quota-help', class: 'hint' }, 'Hard limits per dimension, e.g. cpu=8, memory=32; leave empty to remove the quota. Needs the admin token (entered above).'),
    h('label', { for: 'quota-tenant' }, 'Tenant'),
    tenantInput,
    h('label', { for: 'quota-limits' }, 'Limits'),
    limitsInput,
    submit,
    result,
  );
  show(root, list, form, activity);

  async function setQuota(): Promise<void> {
    result.classList.remove('error');
    if (context.readOnly()) {
      show(result, 'This replica is a read-only follower: change quotas on the leader.');
      return;
    }
    try {
      const tenant = tenantInput.value.trim();
      if (tenant === '') throw new Error('Expected a tenant name.');
      const { quota } = await adminCall<{ quota: { tenant: string; limits?: Record<string, number> } }>('PATCH', `/tenants/${encodeURIComponent(tenant)}/quota`, { limits: parseLimits(limitsInput.value) });
      show(result, `Quota of ${quota.tenant}: ${quota.limits === undefined ? 'none' : Object.entries(quota.limits).map(([d, v]) => `${d} ${amount(v)}`).join(', ')}.`);
      context.announce(`Quota of ${quota.tenant} saved.`);
      await page.update();
    } catch (error) {
      result.classList.add('error');
      show(result, error instanceof ApiError ? `Refused (${error.status} ${error.code}): ${error.message}${hasAdminToken() ? '' : ' Enter the admin token first.'}` : (error as Error).message);
    }
  }

  const page = {
    title: 'Tenants',
    async update() {
      submit.toggleAttribute('disabled', context.readOnly());
      const [{ tenants }, recent] = await Promise.all([getJson<{ tenants: readonly Tenant[] }>('/tenants'), getJson<Activity>('/activity')]);
      show(
        list,
        h('h2', {}, 'Tenants'),
        table(
          'Usage against quota, shares and rejections, per tenant',
          ['Tenant', 'Weight', 'Running', 'Queued', 'Usage / quota', 'Dominant share', 'Fair share', 'Rejected'],
          tenants.map((t) => [
            h('span', { 'data-tenant': t.tenant }, t.tenant),
            amount(t.weight),
            String(t.running),
            String(t.queued),
            usageCell(t),
            h('span', {}, meter(t.dominantShare, 'dominant share'), ' ', percent(t.dominantShare)),
            percent(t.fairShare),
            `${t.rejections}${t.quotaRejections > 0 ? ` (${t.quotaRejections} over quota)` : ''}`,
          ]),
          'no tenant has jobs or books yet.',
        ),
      );
      show(
        activity,
        h('h2', {}, 'Recent rejections'),
        table('Refused submissions (newest first)', ['When', 'Job', 'Tenant', 'Why'], recent.rejections.slice(0, 20).map((r) => [time(r.at), jobLink(r.job.id), r.job.tenant, r.reason]), 'none since the server started.'),
        h('h2', {}, 'Recent preemptions'),
        table('Who evicted whom (newest first)', ['When', 'Preemptor', 'Evicted', 'Node'], recent.preemptions.slice(0, 20).map((p) => [time(p.at), h('span', {}, jobLink(p.preemptor.id), ` (${p.preemptor.tenant})`), h('span', {}, jobLink(p.victim.id), ` (${p.victim.tenant})`), p.nodeId]), 'none since the server started.'),
      );
    },
  };
  return page;
};

function usageCell(t: Tenant): Node {
  const dims = [...new Set([...Object.keys(t.usage), ...Object.keys(t.quota ?? {})])];
  if (dims.length === 0) return document.createTextNode('—');
  return h(
    'ul',
    { class: 'usage' },
    dims.map((d) => {
      const used = t.usage[d] ?? 0;
      const limit = t.quota?.[d];
      return h('li', {}, `${d} ${amount(used)}${limit === undefined ? '' : ` / ${amount(limit)}`} `, limit === undefined || limit === 0 ? null : meter(used / limit, `${t.tenant} ${d} of quota`));
    }),
  );
}
