import { count, duration, percent, thousands } from '../format.js';
import type { RunResult, SimulationResults } from '../results.js';
import { type ReportContext, queueChart, shareCharts, timeAxis, toggleRules, utilisationCharts, waitChart } from './charts.js';
import { costWaitChart, nodeCharts } from './cost-charts.js';
import { jainChart } from './fairness-charts.js';
import { heatmaps } from './heatmap.js';
import { recommendationSection } from './recommendation.js';
import { restartCharts } from './restarts-chart.js';
import { waitBoxCharts } from './wait-boxes.js';
import { STYLE } from './style.js';
import { checkHelperOptions, checkResults } from '../helper-arguments.js';
import { escapeXml } from './svg.js';
import { groupTables, summary } from './tables.js';

export interface ReportOptions {
  /** The command that produced the results, shown so the reader can run it again. */
  readonly command?: string;
}

/** What the parts of the page need. */
interface ReportInput {
  readonly report: SimulationResults;
  readonly command?: string;
}

/**
 * The HTML report: one self-contained file (inline CSS and SVG, no scripts, no fonts or images
 * fetched), readable on screen and printable.
 */
export function renderReport(results: SimulationResults, options: ReportOptions = {}): string {
  checkResults(results, 'renderReport', true);
  checkHelperOptions(options, 'renderReport', ['command']);
  const input: ReportInput = { report: results, ...(options.command === undefined ? {} : { command: options.command }) };
  const { report } = input;
  const { series } = report;
  const strategies = [...new Set(report.results.map((r) => r.strategy))];
  const context: ReportContext = { results: report.results, series, strategies, time: timeAxis(report.results) };
  const body = [
    header(input),
    recommendationSection(report),
    glance(context),
    summary(context),
    section('utilisation', 'Utilisation over time', utilisationIntro, utilisationCharts(context)),
    section('waits', 'Wait-time distribution', waitIntro, waitChart(context)),
    section('wait-boxes', 'Waits by tenant and by priority class', boxIntro, waitBoxCharts(context)),
    section('queue', 'Jobs waiting over time', queueIntro, queueChart(context)),
    section('fairness', "Jain's index over time", jainIntro, jainChart(context)),
    section('shares', 'Dominant share per tenant over time', shareIntro, shareCharts(context)),
    section('restarts', 'Preemptions and lost work over time', restartsIntro, restartCharts(context)),
    ...(report.results.some((r) => r.cost !== undefined) ? [section('cost', 'Cost against wait', costIntro, costWaitChart(context))] : []),
    ...(report.results.some((r) => r.autoscaling !== undefined) ? [section('nodes', 'Nodes over time, by type', nodesIntro, nodeCharts(context))] : []),
    section('heatmap', 'Node fill at one moment', heatmapIntro, heatmaps(context)),
    section('groups', 'Wait figures by tenant and by priority class', groupIntro, groupTables(context)),
    reading(
      report.results.some((r) => r.interruptions !== undefined),
      report.results.some((r) => r.lostWorkHoursWithoutCheckpoints !== undefined),
    ),
    '<footer>Made by <code>fairpack simulate</code>. Every figure except decisions per second depends only on the inputs and the seed.</footer>',
  ].join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>fairpack simulate — ${escapeXml(report.scenario.workload === 'trace' ? (report.scenario.trace ?? 'trace') : 'synthetic workload')}</title>
<style>${STYLE}${toggleRules(report.results.length)}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

function header(input: ReportInput): string {
  const s = input.report.scenario;
  const workload =
    s.workload === 'trace'
      ? `the trace <code>${escapeXml(s.trace ?? '')}</code> (${count(s.jobs, 'job')})`
      : `a synthetic workload of ${count(s.jobs, 'job')} (seed ${s.seed}, offered load ${s.load ?? ''} of the busiest dimension)`;
  const cluster = s.nodeShapes.map((shape) => `${thousands(shape.count)} × ${resources(shape.capacity)}`).join(', ');
  const tenants = s.tenants
    .map((t) => `<li><strong>${escapeXml(t.name)}</strong> — ${count(t.jobs, 'job')}${t.about === undefined ? '' : `: ${escapeXml(t.about)}`}</li>`)
    .join('');
  const failures = s.nodeFailures > 0 ? `<dt>Failures</dt><dd>${count(s.nodeFailures, 'node failure')}, each down ${duration(s.repairS)}</dd>` : '';
  const spot =
    s.spot === undefined
      ? ''
      : `<dt>Spot</dt><dd>${thousands(s.spot.nodes)} of the ${count(s.nodes, 'node')} are spot nodes${
          s.spot.interruptionsPerHour > 0
            ? `, reclaimed ${s.spot.interruptionsPerHour} times per hour on average (seeded Poisson times) with ${duration(s.spot.noticeS)} notice; a reclaimed node is back ${duration(s.spot.returnAfterS)} after its notice ends`
            : ', never reclaimed'
        }</dd>\n`;
  const checkpoints = s.checkpointEveryS === undefined ? '' : `<dt>Checkpoints</dt><dd>every ${duration(s.checkpointEveryS)} of a job’s work: a restarted job loses only the work since its last checkpoint</dd>\n`;
  return `<header>
<p class="kicker">fairpack simulate</p>
<h1>Which placement strategy and fairness policy suit this workload?</h1>
<p class="lede">${count(input.report.results.length, 'run')} of ${workload} on ${count(s.nodes, 'node')}, one per combination of placement strategy and fairness policy. Each run replays exactly the same jobs through the real AllocationManager in simulated time.</p>
<dl class="facts">
<dt>Cluster</dt><dd>${cluster}</dd>
<dt>Tenants</dt><dd><ul>${tenants}</ul></dd>
${failures}
${spot}${checkpoints}${input.command === undefined ? '' : `<dt>Command</dt><dd><code>${escapeXml(input.command)}</code></dd>`}
</dl>
</header>`;
}

function resources(capacity: Readonly<Record<string, number>>): string {
  return Object.entries(capacity)
    .map(([name, amount]) => (name === 'memory' ? `${thousands(amount)} GiB` : `${thousands(amount)} ${escapeXml(name)}`))
    .join(' / ');
}

/**
 * The findings a reader wants first: which run was best at what, and how far apart the runs are.
 * Ties (equal as printed) credit every tied run.
 */
function glance(context: ReportContext): string {
  const { results } = context;
  if (results.length < 2) return '';
  const credits = new Map<string, string[]>();
  const credit = (text: string, value: (r: RunResult) => number | null, better: 'low' | 'high', format: (v: number) => string): void => {
    const values = results.map(value);
    const known = values.filter((v): v is number => v !== null);
    if (known.length < 2 || Math.min(...known) === Math.max(...known)) return;
    const best = format(better === 'low' ? Math.min(...known) : Math.max(...known));
    results.forEach((r, i) => {
      const v = values[i];
      if (v === null || v === undefined || format(v) !== best) return;
      credits.set(r.label, [...(credits.get(r.label) ?? []), `${text} (${best})`]);
    });
  };
  const meanOf = (record: Readonly<Record<string, number>>): number => {
    const values = Object.values(record);
    return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  };
  credit('the shortest mean wait', (r) => r.wait.meanS, 'low', duration);
  credit('the shortest 95th-percentile wait', (r) => r.wait.p95S, 'low', duration);
  credit('the shortest makespan', (r) => r.makespanS, 'low', duration);
  credit('the fullest nodes', (r) => r.packingEfficiency, 'high', (v) => `packing ${percent(v)}`);
  credit('the least stranded capacity', (r) => meanOf(r.strandedCapacity), 'low', (v) => `${percent(v)} on average over the dimensions`);
  credit('the most even shares between tenants', (r) => r.jainIndex, 'high', (v) => `Jain ${v.toFixed(3)}`);
  const items = [...credits].map(([label, texts]) => `<li><strong>${escapeXml(label)}</strong> had ${joinAnd(texts)}.</li>`);
  const range = (value: (r: RunResult) => number): string => `${duration(Math.min(...results.map(value)))} to ${duration(Math.max(...results.map(value)))}`;
  items.push(`<li>Across the runs, the mean wait ranges from ${range((r) => r.wait.meanS)}, the 95th-percentile wait from ${range((r) => r.wait.p95S)} and the makespan from ${range((r) => r.makespanS)}.</li>`);
  const preempting = results.filter((r) => r.preemptions > 0);
  if (preempting.length > 0) {
    const evicted = preempting.map((r) => r.preemptions);
    items.push(`<li>Preemption evicted ${thousands(Math.min(...evicted))}–${thousands(Math.max(...evicted))} jobs per run where it happened; restarted runs threw away up to ${Math.max(...results.map((r) => r.lostWorkHours)).toFixed(1)} job-hours of work.</li>`);
  }
  const interrupted = results.filter((r) => r.interruptions !== undefined && r.interruptions.count > 0);
  if (interrupted.length > 0) {
    const figures = interrupted.map((r) => r.interruptions as NonNullable<RunResult['interruptions']>);
    const span = (values: number[], format: (v: number) => string): string => (Math.min(...values) === Math.max(...values) ? format(values[0] as number) : `${format(Math.min(...values))}–${format(Math.max(...values))}`);
    const hours = (v: number): string => v.toFixed(1);
    const withAndWithout = results.some((r) => r.lostWorkHoursWithoutCheckpoints !== undefined)
      ? ` with checkpoints, against ${span(figures.map((f) => f.lostWorkHoursWithoutCheckpoints), hours)} the same restarts would have thrown away without them`
      : '';
    items.push(
      `<li>The spot market reclaimed ${span(figures.map((f) => f.count), thousands)} nodes per run; ${span(figures.map((f) => f.restarts), thousands)} jobs were restarted, throwing away ${span(figures.map((f) => f.lostWorkHours), hours)} job-hours of work${withAndWithout}.</li>`,
    );
  }
  return `<section id="glance">\n<h2>At a glance</h2>\n<ul class="glance">${items.join('')}</ul>\n</section>`;
}

function joinAnd(texts: readonly string[]): string {
  return texts.length <= 1 ? (texts[0] ?? '') : `${texts.slice(0, -1).join(', ')} and ${texts[texts.length - 1] as string}`;
}

function section(id: string, title: string, intro: string, content: string): string {
  return `<section id="${id}">\n<h2>${title}</h2>\n<p>${intro}</p>\n${content}\n</section>`;
}

const utilisationIntro =
  'Share of each dimension’s total capacity held by running jobs, averaged over each time bucket. One panel per run, same axes everywhere: compare how high and how steadily the lines stay while work is queued, and how soon the run ends (the right end of the lines).';
const waitIntro =
  'Fraction of completed jobs that waited at most a given time before their (final) start. Higher and further left is better. The time axis is logarithmic; jobs that started within a second sit at its left edge.';
const boxIntro =
  'The spread of the waits of each tenant’s jobs (and of each priority class), one box per run: the box spans the middle half of the waits (25th to 75th percentile), the thick line is the median, the whiskers reach the 5th and 95th percentiles. The axis is logarithmic; waits under a second sit at its bottom. Hover a box for its figures.';
const jainIntro =
  'Jain’s index of the backlogged tenants’ (weighted) dominant shares, sampled at the start of each time bucket: 1 when every tenant with work waiting holds the same share, lower when some hold much more than others. Gaps are stretches where fewer than two tenants were waiting — nobody to be unfair to.';
const restartsIntro =
  'Jobs evicted by preemption, and the job-hours of work that restarts threw away (preemption, node failures, spot interruptions), counted from the start of the run. A step is a burst of evictions; a line that stays flat means the combination needed none.';
const heatmapIntro =
  'Every node at one moment, one grid per run: a cell per node, in the same order in every grid, coloured by its fullest dimension; crossed-out cells are nodes that were down. The moment is the instant half of the jobs had been submitted (or <code>--snapshot-at</code>). Hover a cell for each dimension’s fill.';
const costIntro =
  'Each run as a point: what the cluster cost over the run (the nodes’ costPerHour, by the manager’s own books) across, and the 95th-percentile wait up. Lower left is better; a run that is cheaper but higher up buys its saving with waiting.';
const nodesIntro =
  'How many nodes the cluster had, averaged over each time bucket: the starting nodes (never removed), and the nodes of each type the autoscaler added — a launch shows after the provisioning delay.';
const queueIntro = 'How many jobs were waiting, averaged over each time bucket. A queue that keeps growing means the cluster could not keep up with arrivals under that combination.';
const shareIntro =
  'Each tenant’s dominant share — its largest share of any one dimension (cpu, memory, gpu) of the cluster — over time. Watch what happens when a tenant submits a burst: under FIFO the burst takes the room that frees up in arrival order; DRF (within each priority class) serves the tenant with the lowest share first.';
const groupIntro = 'Mean / 95th-percentile wait of completed jobs, per tenant and per priority class, in the unit named in each table.';

function reading(spotOn: boolean, checkpoints: boolean): string {
  const items: [string, string][] = [
    ['recommendation', 'The run with the best score on the objective (--objective; the balanced score by default: mean wait, p95 wait, makespan and unfairness, each scaled from 0 for the best run to 1 for the worst, averaged — lower is better). Each other run gets one sentence: its largest advantage and its largest disadvantage against the recommended run. With several seeds (--seeds), a lead is beyond noise when the recommended run beat that run on every seed.'],
    ['completed, rejected, unfinished', 'Jobs that ran to the end; jobs the manager refused at submission (no node could ever hold them, or over a tenant’s quota); jobs still waiting when nothing else could happen (should be 0).'],
    ['makespan', 'From the first submission to the last completion. The arrivals are the same in every run, so a shorter makespan means the backlog was worked off sooner; when the cluster keeps up with arrivals it is mostly the arrival period plus the last long job, and differs little.'],
    ['wait', 'Time a job spent in the queue before the run that completed it (summed over its waits if it was re-queued). Mean and 95th percentile (nearest rank) over completed jobs.'],
    ['preempted, restarts, lost work', 'Jobs evicted by the manager’s preemption (a victim stops at once and is re-queued); runs cut short by preemption or node failure, each started again from zero; the running time those runs threw away, in job-hours.'],
    ["Jain's index", 'How evenly the backlogged tenants — those with jobs waiting, who want more than they hold — share the cluster: (Σx)² / (n·Σx²) over their dominant shares x (divided by their weights), sampled over time while at least two tenants were backlogged. 1 when they hold the same share, 1/n when one holds everything. Tenants whose work all runs are left out: they have what they asked for.'],
    ['missed deadlines', 'Jobs with a deadline (trace column deadline_s) whose first start came after it.'],
    ['decisions/s', 'Jobs started by the manager per second of wall-clock time, simulation overhead included. The only figure that varies between runs of the same command.'],
    ['used', 'Time-averaged share of a dimension’s total capacity (failed nodes included) held by running jobs. Higher means more work done per hour — for the same work, it comes with a shorter makespan.'],
    ['packing', 'Over the nodes that hold at least one job: the mean of each node’s average fill over its dimensions, sampled over time. High means the strategy fills nodes up rather than spreading jobs thinly (spreading is not always worse: it leaves room for bursts).'],
    ['stranded', 'Share of a dimension’s capacity left free on nodes where no job shape of the workload fits any more (e.g. memory free on a node whose cpus are all taken), sampled over time. That room is unusable until something on the node ends.'],
  ];
  if (spotOn) {
    items.push(
      ['spot interruptions', 'A spot node reclaimed by the spot market (interruptNode): the jobs running there are warned (jobs hit); those that end within the notice finish, the others are re-queued when it runs out and start again later (restarted). The node is back, same id, after the repair time. Reclaims come at seeded Poisson times, on a spot node drawn uniformly among those up.'],
    );
  }
  if (checkpoints) {
    items.push(['checkpoints', 'Jobs save their progress after every interval of work. A restarted job loses only the work since its last checkpoint, and runs what is left. “Without checkpoints” is what the same restarts would have thrown away with none: all of each cut-short run.']);
  }
  return `<section id="reading">
<h2>How to read this report</h2>
<p>The simulation replays the same jobs for every run: only the placement strategy (where a job goes), the fairness policy (whose job goes next) and, if compared, preemption differ. A job starts when the manager finds room, runs for its duration, and is released; a job that loses its node or is preempted starts again from zero. Times are simulated, so a run of many hours takes seconds.</p>
<dl class="definitions">${items.map(([term, text]) => `<dt>${escapeXml(term)}</dt><dd>${escapeXml(text)}</dd>`).join('')}</dl>
</section>`;
}

