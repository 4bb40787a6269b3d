import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AllocationManager } from 'fairpack';
import { afterAll, describe, expect, it } from 'vitest';
import { call, serversClosedAfterEach } from './in-process-server.js';

/*
 * docs/alerts.yml (issue 15 §5): the seed's alerts as Prometheus rules. Checked three ways:
 *  - always: a strict line parser reads the whole file (it throws on any line it does not know,
 *    so what it returns is all there is) and each rule has its alert, expr, for, severity,
 *    summary and description;
 *  - always: every metric (and label matcher) a rule's expr names is in a real `/metrics` scrape
 *    of a running server, and every `$labels.x` an annotation uses is on those series;
 *  - with promtool on PATH (Debian/Ubuntu: `apt-get install prometheus`): `promtool check rules`
 *    on the file, and `promtool test rules` on worked series for each alert, at and past each
 *    threshold and `for`. Without promtool those two are skipped; nothing else depends on it.
 */

const ALERTS = fileURLToPath(new URL('../../docs/alerts.yml', import.meta.url));
const PROMTOOL = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;

interface Rule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

/**
 * Reads the one shape docs/alerts.yml is written in — groups → name, rules → alert, expr, for,
 * labels, annotations, at fixed indentation; plain or double-quoted one-line values — and throws
 * on any other line (block scalars, flow maps, tabs, other keys), so a rule cannot hide from it.
 */
function parseRules(text: string): { name: string; rules: Rule[] }[] {
  const groups: { name: string; rules: Rule[] }[] = [];
  let rule: { alert: string; [key: string]: unknown } | undefined;
  let map: Record<string, string> | undefined;
  let sawGroups = false;
  let sawRules = false;
  text.split('\n').forEach((line, index) => {
    const fail = (why: string): never => {
      throw new Error(`docs/alerts.yml:${index + 1}: ${why}: ${JSON.stringify(line)}`);
    };
    if (/^\s*(#.*)?$/.test(line)) return;
    const match = /^( *)(- )?([a-z_]+):(?: (.*))?$/.exec(line) ?? fail('not a `key: value` line');
    const [, indent = '', dash, key = '', raw] = match;
    const value = raw === undefined ? undefined : scalar(raw, fail);
    const at = `${indent.length}${dash ?? ''}${key}`;
    if (at === '0groups' && value === undefined && !sawGroups) sawGroups = true;
    else if (at === '2- name' && value !== undefined && sawGroups) {
      groups.push({ name: value, rules: [] });
      sawRules = false;
      rule = undefined;
    } else if (at === '4rules' && value === undefined && groups.length > 0 && !sawRules) sawRules = true;
    else if (at === '6- alert' && value !== undefined && sawRules) {
      rule = { alert: value };
      groups.at(-1)?.rules.push(rule as unknown as Rule);
      map = undefined;
    } else if (indent.length === 8 && dash === undefined && rule !== undefined && ['expr', 'for', 'labels', 'annotations'].includes(key)) {
      if (key in rule) fail(`a second ${key}`);
      const isMap = key === 'labels' || key === 'annotations';
      if (isMap !== (value === undefined)) fail(isMap ? `${key} must be a block map` : `${key} needs a value`);
      map = isMap ? {} : undefined;
      rule[key] = map ?? value;
    } else if (indent.length === 10 && dash === undefined && map !== undefined && value !== undefined) {
      if (key in map) fail(`a second ${key}`);
      map[key] = value;
    } else fail('unexpected here');
  });
  return groups;
}

/** A one-line YAML scalar: double-quoted (JSON's escapes), or plain without what would end or change it. */
function scalar(raw: string, fail: (why: string) => never): string {
  if (raw.startsWith('"')) {
    try {
      const value: unknown = JSON.parse(raw);
      if (typeof value === 'string') return value;
    } catch {
      // reported below
    }
    return fail('not a double-quoted string that ends the line');
  }
  if (raw === '' || /^[-?:,[\]{}#&*!|>'%@`]/.test(raw) || raw.includes(': ') || raw.includes(' #') || raw.endsWith(':')) fail('a plain value YAML would read otherwise');
  return raw;
}

const text = readFileSync(ALERTS, 'utf8');
const groups = parseRules(text);
const rules = groups.flatMap((group) => group.rules);

/** `name{k="v",…}` selectors in an expr: the metric and its equality matchers. */
function selectors(expr: string): { metric: string; matchers: [string, string][] }[] {
  return [...expr.matchAll(/\b(fairpack_[a-z_]+)(?:\{([^}]*)\})?/g)].map((m) => ({
    metric: m[1] as string,
    matchers: [...(m[2] ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)].map((p) => [p[1] as string, p[2] as string]),
  }));
}

describe('docs/alerts.yml: structure', () => {
  it('one group of seven rules, one per seed alert, each complete', () => {
    expect(groups.map((g) => g.name)).toEqual(['fairpack']);
    expect(rules.map((r) => r.alert)).toEqual([
      'FairpackNodeOffline',
      'FairpackRealTimeSchedulingLatencyHigh',
      'FairpackQueueBacklog',
      'FairpackUtilisationHigh',
      'FairpackUtilisationLow',
      'FairpackPreemptionsHigh',
      'FairpackTenantOverQuota',
    ]);
    for (const rule of rules) {
      expect(Object.keys(rule).sort(), rule.alert).toEqual(['alert', 'annotations', 'expr', 'for', 'labels']);
      expect(rule.for, rule.alert).toMatch(/^\d+(ms|s|m|h)$/);
      expect(Object.keys(rule.labels), rule.alert).toEqual(['severity']);
      expect(['critical', 'warning', 'info'], rule.alert).toContain(rule.labels['severity']);
      expect(Object.keys(rule.annotations).sort(), rule.alert).toEqual(['description', 'summary']);
      expect(rule.annotations['summary']?.length, rule.alert).toBeGreaterThan(10);
      expect(rule.annotations['description']?.length, rule.alert).toBeGreaterThan(20);
      expect(selectors(rule.expr).length, rule.alert).toBeGreaterThan(0);
    }
  });

  it('the thresholds are the seed’s', () => {
    const expr = Object.fromEntries(rules.map((r) => [r.alert, `${r.expr} for ${r.for}`]));
    expect(expr).toEqual({
      FairpackNodeOffline: 'fairpack_node_offline_seconds > 60 for 0s',
      FairpackRealTimeSchedulingLatencyHigh: 'fairpack_scheduling_latency_seconds{priority="real-time",quantile="0.99"} > 0.1 for 5m',
      FairpackQueueBacklog: 'fairpack_queue_depth > 50 and fairpack_queue_head_wait_seconds > 1800 for 5m',
      FairpackUtilisationHigh: 'fairpack_utilisation_ratio > 0.95 for 10m',
      FairpackUtilisationLow: 'fairpack_utilisation_ratio < 0.30 for 30m',
      FairpackPreemptionsHigh: 'sum without (preemptor, victim) (increase(fairpack_preemptions_total[1h])) > 10 for 0s',
      FairpackTenantOverQuota: 'fairpack_tenant_usage / fairpack_tenant_quota > 1.2 for 5m',
    });
  });

  it('docs/http.md lists the same alerts, expressions, `for` and severities', () => {
    const http = readFileSync(fileURLToPath(new URL('../../docs/http.md', import.meta.url)), 'utf8');
    const rows = [...http.matchAll(/^\| `(Fairpack\w+)` \| `([^`]+)` \| `(\w+)`[^|]* \| (\w+) \|$/gm)].map((m) => m.slice(1));
    expect(rows).toEqual(rules.map((r) => [r.alert, r.expr, r.for, r.labels['severity']]));
  });

  it('the parser refuses what it does not know', () => {
    const ok = 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up > 0\n';
    expect(parseRules(ok)[0]?.rules[0]).toEqual({ alert: 'A', expr: 'up > 0' });
    expect(() => parseRules(`${ok}        keep_firing_for: 1m\n`)).toThrow(/:6: unexpected here/);
    expect(() => parseRules(`${ok}        for: |\n          5m\n`)).toThrow(/plain value/);
    expect(() => parseRules(`${ok}        expr: up\n`)).toThrow(/a second expr/);
    expect(() => parseRules(`${ok}      - record: r\n`)).toThrow(/unexpected here/);
    expect(() => parseRules(ok.replace('expr: up > 0', "expr: 'up'"))).toThrow(/plain value/);
    expect(() => parseRules(ok.replace('expr: up > 0', 'expr: "up'))).toThrow(/double-quoted/);
    expect(() => parseRules(ok.replace('expr: up > 0', 'expr: up # > 0'))).toThrow(/plain value/);
  });
});

describe('docs/alerts.yml: every metric is on GET /metrics', () => {
  const start = serversClosedAfterEach();

  it('a scrape with an offline node, a quota, running, queued and preempted jobs has every series the rules use', async () => {
    const manager = new AllocationManager({
      nodes: [
        { id: 'a', capacity: { cpu: 4 } },
        { id: 'b', capacity: { cpu: 4 } },
        { id: 'c', capacity: { cpu: 4 } },
      ],
      // the seed's real-time class with no grace period, so the preemption completes at once
      priorityClasses: [
        { name: 'real-time', value: 1000, preemptible: false, canPreempt: true, preemptionGraceMs: 0 },
        { name: 'default', value: 0 },
      ],
    });
    manager.setQuota('q', { cpu: 2 });
    manager.setNodeStatus('c', 'offline');
    const { url } = await start({ manager });
    // 8 cpu online: q's real-time 2, then lo's 4 and 2 fill it
    expect((await call(url, 'POST', '/jobs', { tenant: 'q', priority: 'real-time', resources: { cpu: 2 } })).status).toBe(201);
    expect((await call(url, 'POST', '/jobs', { tenant: 'lo', resources: { cpu: 4 } })).status).toBe(201);
    expect((await call(url, 'POST', '/jobs', { tenant: 'lo', resources: { cpu: 2 } })).status).toBe(201);
    expect((await call(url, 'POST', '/jobs', { tenant: 'w', resources: { cpu: 4 } })).status).toBe(202);
    // a real-time job that does not fit evicts lo's jobs
    expect([201, 202]).toContain((await call(url, 'POST', '/jobs', { id: 'rt', tenant: 'rt', priority: 'real-time', resources: { cpu: 4 } })).status);

    let scrape = '';
    const deadline = performance.now() + 10_000;
    while (!/^fairpack_preemptions_total\{.*\} [1-9]/m.test(scrape)) {
      if (performance.now() > deadline) throw new Error(`no preemption on /metrics:\n${scrape}`);
      scrape = (await call(url, 'GET', '/metrics')).text;
    }
    const samples = scrape.split('\n').filter((line) => line.startsWith('fairpack_'));

    for (const rule of rules) {
      for (const { metric, matchers } of selectors(rule.expr)) {
        const series = samples.filter((line) => line.startsWith(`${metric}{`) || line.startsWith(`${metric} `));
        expect(series.length, `${rule.alert}: ${metric} on /metrics`).toBeGreaterThan(0);
        const wanted = matchers.map(([name, value]) => `${name}="${value}"`);
        expect(
          series.some((line) => wanted.every((w) => line.includes(w))),
          `${rule.alert}: ${metric}{${wanted.join(',')}}`,
        ).toBe(true);
        // every label an annotation names is on the series (instance and job come from Prometheus)
        for (const [, label] of `${rule.annotations['summary']} ${rule.annotations['description']}`.matchAll(/\$labels\.([a-z_]+)/g)) {
          if (label === 'instance' || label === 'job') continue;
          expect(
            series.every((line) => line.includes(`${label}="`)),
            `${rule.alert}: ${metric} has label ${label}`,
          ).toBe(true);
        }
      }
    }
    // the worked figures behind the scrape: the series the rules compare are the expected ones
    expect(samples.some((line) => line.startsWith('fairpack_node_offline_seconds{node="c"} '))).toBe(true);
    expect(samples).toContain('fairpack_tenant_quota{tenant="q",dimension="cpu"} 2');
    expect(samples).toContain('fairpack_tenant_usage{tenant="q",dimension="cpu"} 2');
    expect(samples.some((line) => line.startsWith('fairpack_queue_head_wait_seconds{tenant="w",priority="default"} '))).toBe(true);
  });
});

// CI installs promtool (.ci/run): there its absence is a failure, not a skip
it('promtool is on PATH wherever CI runs', () => {
  expect(PROMTOOL || process.env['CI'] !== 'true', 'promtool is not on PATH: .ci/run installs Debian\'s prometheus package').toBe(true);
});

describe.skipIf(!PROMTOOL)('docs/alerts.yml: promtool', () => {
  const directory = mkdtempSync(join(tmpdir(), 'fairpack-alerts-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('promtool check rules: the file loads, exprs parse, annotation templates compile', () => {
    const out = execFileSync('promtool', ['check', 'rules', ALERTS], { encoding: 'utf8' });
    // the same number of rules as the line parser found: it missed none
    expect(out).toContain(`SUCCESS: ${rules.length} rules found`);
  });

  it('promtool test rules: each alert fires past its threshold and `for`, and not before', () => {
    // the rules as the parser read them, without annotations (promtool compares those verbatim): JSON is YAML
    const rulesFile = join(directory, 'rules.json');
    writeFileSync(rulesFile, JSON.stringify({ groups: groups.map((g) => ({ name: g.name, rules: g.rules.map(({ annotations: _, ...rule }) => rule) })) }));
    const at = { instance: 'fp:8080', job: 'fairpack' };
    const series = (name: string, labels: Record<string, string>, values: string) => ({
      series: `${name}{${Object.entries({ ...labels, ...at })
        .map(([k, v]) => `${k}="${v}"`)
        .join(',')}}`,
      values,
    });
    const alert = (alertname: string, eval_time: string, ...fired: Record<string, string>[]) => ({
      alertname,
      eval_time,
      exp_alerts: fired.map((labels) => ({ exp_labels: { ...labels, ...at } })),
    });
    const tests = [
      {
        // offline since 0, scraped every 15 s: 60 at 1m is not past the threshold, 75 at 1m15s is
        interval: '15s',
        input_series: [series('fairpack_node_offline_seconds', { node: 'a' }, '0+15x20')],
        alert_rule_test: [alert('FairpackNodeOffline', '1m'), alert('FairpackNodeOffline', '1m15s', { node: 'a', severity: 'critical' })],
      },
      {
        // real-time p99 at 200 ms from 3m: pending 3m → 8m; other classes and the median never alert
        interval: '1m',
        input_series: [
          series('fairpack_scheduling_latency_seconds', { priority: 'real-time', quantile: '0.99' }, '0.05x2 0.2x20'),
          series('fairpack_scheduling_latency_seconds', { priority: 'real-time', quantile: '0.5' }, '0.2x22'),
          series('fairpack_scheduling_latency_seconds', { priority: 'default', quantile: '0.99' }, '5x22'),
        ],
        alert_rule_test: [
          alert('FairpackRealTimeSchedulingLatencyHigh', '7m'),
          alert('FairpackRealTimeSchedulingLatencyHigh', '8m', { priority: 'real-time', quantile: '0.99', severity: 'critical' }),
        ],
      },
      {
        // t/default: 60 jobs, head wait growing from 0 (past 1800 s at 31m, firing at 36m);
        // u: 40 jobs waiting as long (too few); v: 60 jobs whose head keeps starting (wait 120 s)
        interval: '1m',
        input_series: [
          series('fairpack_queue_depth', { tenant: 't', priority: 'default' }, '60x40'),
          series('fairpack_queue_head_wait_seconds', { tenant: 't', priority: 'default' }, '0+60x40'),
          series('fairpack_queue_depth', { tenant: 'u', priority: 'default' }, '40x40'),
          series('fairpack_queue_head_wait_seconds', { tenant: 'u', priority: 'default' }, '0+60x40'),
          series('fairpack_queue_depth', { tenant: 'v', priority: 'low' }, '60x40'),
          series('fairpack_queue_head_wait_seconds', { tenant: 'v', priority: 'low' }, '120x40'),
        ],
        alert_rule_test: [alert('FairpackQueueBacklog', '35m'), alert('FairpackQueueBacklog', '36m', { tenant: 't', priority: 'default', severity: 'warning' })],
      },
      {
        // cpu 96 % (high after 10m), memory 50 % (neither), gpu 10 % (low after 30m)
        interval: '1m',
        input_series: [
          series('fairpack_utilisation_ratio', { dimension: 'cpu' }, '0.96x40'),
          series('fairpack_utilisation_ratio', { dimension: 'memory' }, '0.5x40'),
          series('fairpack_utilisation_ratio', { dimension: 'gpu' }, '0.1x40'),
        ],
        alert_rule_test: [
          alert('FairpackUtilisationHigh', '9m'),
          alert('FairpackUtilisationHigh', '10m', { dimension: 'cpu', severity: 'warning' }),
          alert('FairpackUtilisationLow', '29m'),
          alert('FairpackUtilisationLow', '30m', { dimension: 'gpu', severity: 'info' }),
        ],
      },
      {
        // two class pairs at 6 an hour each: 12 in the last hour at 60m, past 10; at 30m only 6
        interval: '1m',
        input_series: [
          series('fairpack_preemptions_total', { preemptor: 'real-time', victim: 'default' }, '0+0.1x70'),
          series('fairpack_preemptions_total', { preemptor: 'high', victim: 'low' }, '0+0.1x70'),
        ],
        alert_rule_test: [alert('FairpackPreemptionsHigh', '30m'), alert('FairpackPreemptionsHigh', '60m', { severity: 'warning' })],
      },
      {
        // t: 3 cpu on a quota of 2 (150 %, burst room): fires after 5m; u: 110 %; _other has no quota series
        interval: '1m',
        input_series: [
          series('fairpack_tenant_usage', { tenant: 't', dimension: 'cpu' }, '3x10'),
          series('fairpack_tenant_quota', { tenant: 't', dimension: 'cpu' }, '2x10'),
          series('fairpack_tenant_usage', { tenant: 'u', dimension: 'cpu' }, '2.2x10'),
          series('fairpack_tenant_quota', { tenant: 'u', dimension: 'cpu' }, '2x10'),
          series('fairpack_tenant_usage', { tenant: '_other', dimension: 'cpu' }, '100x10'),
        ],
        alert_rule_test: [alert('FairpackTenantOverQuota', '4m'), alert('FairpackTenantOverQuota', '5m', { tenant: 't', dimension: 'cpu', severity: 'warning' })],
      },
    ];
    // every alert has a case
    expect(new Set(tests.flatMap((t) => t.alert_rule_test.map((a) => a.alertname)))).toEqual(new Set(rules.map((r) => r.alert)));
    const testFile = join(directory, 'tests.json');
    writeFileSync(testFile, JSON.stringify({ rule_files: [rulesFile], evaluation_interval: '15s', tests }));
    const result = spawnSync('promtool', ['test', 'rules', testFile], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toContain('SUCCESS');
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });
});
