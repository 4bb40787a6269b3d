import { getJson, hasAdminToken, setAdminToken } from './api.js';
import { duration, h, show } from './dom.js';
import type { Health } from './types.js';
import type { PageFactory, View } from './view.js';
import { clusterPage } from './views/cluster.js';
import { jobPage } from './views/job.js';
import { jobsPage } from './views/jobs.js';
import { nodePage } from './views/node.js';
import { queuesPage } from './views/queues.js';
import { tenantsPage } from './views/tenants.js';

/** The events `GET /events` sends (docs/http.md#events): any of them may change what a page shows. */
const EVENTS = ['allocated', 'queued', 'released', 'cancelled', 'expired', 'preempted', 'reprieved', 'rejected', 'node:added', 'node:removed', 'node:status', 'node:updated', 'node:drained', 'node:drift', 'interrupted'];
/** Events arrive in bursts (one call, many events): the page redraws once per burst, at most this often. */
const REDRAW_MS = 250;
/** Figures that move without events (waiting times, utilisation samples) are redrawn this often. */
const PERIODIC_MS = 10_000;

const ROUTES: readonly { readonly pattern: RegExp; readonly page: PageFactory; readonly nav: string }[] = [
  { pattern: /^#\/cluster$/, page: clusterPage, nav: 'cluster' },
  { pattern: /^#\/nodes\/(.+)$/, page: nodePage, nav: 'cluster' },
  { pattern: /^#\/queues$/, page: queuesPage, nav: 'queues' },
  { pattern: /^#\/jobs$/, page: jobsPage, nav: 'jobs' },
  { pattern: /^#\/jobs\/(.+)$/, page: jobPage, nav: 'jobs' },
  { pattern: /^#\/tenants$/, page: tenantsPage, nav: 'tenants' },
];

const main = document.getElementById('main') as HTMLElement;
const statusLine = document.getElementById('status') as HTMLElement;
const health = document.getElementById('health') as HTMLElement;
const live = document.getElementById('live') as HTMLElement;
let role: Health['role'];
let view: View | undefined;
let lastSeq: string | undefined;

const context = {
  readOnly: () => role === 'follower',
  announce: (message: string) => show(statusLine, message),
};

function route(): void {
  const hash = location.hash === '' || location.hash === '#' || location.hash === '#/' ? '#/cluster' : location.hash;
  const found = ROUTES.map((r) => ({ r, m: r.pattern.exec(hash) })).find((x) => x.m !== null);
  const params = (found?.m?.slice(1) ?? []).map((p) => decodeURIComponent(p));
  for (const a of document.querySelectorAll('nav a')) {
    if (a.getAttribute('data-nav') === (found?.r.nav ?? '')) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const root = h('div', { class: 'page' });
  show(main, root);
  if (found === undefined) {
    view = undefined;
    show(root, h('h2', {}, 'Not found'), h('p', {}, 'No such page. ', h('a', { href: '#/cluster' }, 'Go to the cluster.')));
    return;
  }
  view = found.r.page(root, params, context);
  document.title = `${view.title} · fairpack`;
  void refresh();
}

let refreshing: Promise<void> | undefined;
let again = false;
/** Redraws the page and the header; one at a time (a refresh asked for meanwhile runs after). */
async function refresh(): Promise<void> {
  if (refreshing !== undefined) {
    again = true;
    return refreshing;
  }
  refreshing = (async () => {
    try {
      // the role first: a follower's page is drawn read-only from the start
      await readHealth();
      await view?.update();
      main.removeAttribute('aria-busy');
    } catch (error) {
      context.announce(`Could not load: ${(error as Error).message}`);
    }
  })();
  await refreshing;
  refreshing = undefined;
  if (again) {
    again = false;
    await refresh();
  }
}

async function readHealth(): Promise<void> {
  const answer = await getJson<Health>('/healthz');
  role = answer.role;
  const parts: (string | Node)[] = [];
  if (answer.role !== undefined) parts.push(h('span', { class: `role role-${answer.role}` }, answer.role === 'follower' ? 'follower (read-only)' : 'leader'));
  if (answer.term !== undefined) parts.push(`term ${answer.term}`);
  if (answer.leader !== undefined && answer.leader !== null && answer.role === 'follower') parts.push(`leader ${answer.leader}`);
  if (answer.journal !== undefined) {
    if (answer.journal.seq !== undefined && answer.journal.seq !== null) parts.push(`journal at ${answer.journal.seq}`);
    if (answer.journal.lagMs !== undefined) parts.push(`lag ${duration(answer.journal.lagMs)}`);
  }
  if (parts.length === 0) parts.push('in memory (no journal)');
  show(health, parts.map((p, i) => [i > 0 ? ' · ' : '', p]).flat());
  document.body.classList.toggle('read-only', context.readOnly());
}

let redraw: ReturnType<typeof setTimeout> | undefined;
function soon(): void {
  redraw ??= setTimeout(() => {
    redraw = undefined;
    void refresh();
  }, REDRAW_MS);
}

function connect(): void {
  const source = new EventSource('/events');
  const onEvent = (event: MessageEvent): void => {
    if (event.lastEventId !== '') lastSeq = event.lastEventId;
    show(live, `live · position ${lastSeq ?? '…'}`);
    soon();
  };
  for (const name of EVENTS) source.addEventListener(name, onEvent as EventListener);
  // the server no longer holds what we missed: everything is read again
  source.addEventListener('reset', onEvent as EventListener);
  source.addEventListener('open', () => {
    live.classList.remove('down');
    show(live, `live${lastSeq === undefined ? '' : ` · position ${lastSeq}`}`);
    // whatever happened while we were away
    soon();
  });
  source.addEventListener('error', () => {
    live.classList.add('down');
    show(live, source.readyState === EventSource.CLOSED ? 'disconnected (reload the page)' : 'reconnecting…');
  });
}

function tokenForm(): void {
  const form = document.getElementById('token-form') as HTMLFormElement;
  const input = document.getElementById('token') as HTMLInputElement;
  const state = document.getElementById('token-state') as HTMLElement;
  const forget = document.getElementById('token-forget') as HTMLButtonElement;
  const sync = (): void => {
    show(state, hasAdminToken() ? 'Admin token set (in this page only).' : 'Read-only: no admin token.');
    forget.hidden = !hasAdminToken();
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    setAdminToken(input.value);
    // out of the form at once: it lives in memory only
    input.value = '';
    sync();
    context.announce(hasAdminToken() ? 'Admin token set for this page.' : 'No admin token.');
  });
  forget.addEventListener('click', () => {
    setAdminToken(undefined);
    sync();
    context.announce('Admin token forgotten.');
  });
  sync();
}

tokenForm();
window.addEventListener('hashchange', route);
route();
connect();
setInterval(() => void refresh(), PERIODIC_MS);
