/**
 * fairpack/simulate in a web page: the whole simulator runs in the browser — no server, no
 * network — and the report it draws is shown in an iframe. The companion of docs/simulate.md
 * ("In a browser"). Bundle it next to simulate.html and open the page:
 *
 *   npx esbuild examples/browser/simulate.ts --bundle --format=esm --outfile=examples/browser/simulate.js
 *
 * (in an app that installed fairpack, esbuild finds `fairpack/simulate` in node_modules; in this
 * repository test/browser/simulate-example.test.ts points it at src/). The simulation yields to the
 * page at every progress point, so the bar moves and Stop works while it runs.
 */
import { isFairpackError } from 'fairpack';
import { type Objective, renderReport, simulate } from 'fairpack/simulate';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const runButton = $<HTMLButtonElement>('run');
const stopButton = $<HTMLButtonElement>('stop');
const bar = $<HTMLProgressElement>('progress');
const status = $<HTMLSpanElement>('status');
let controller: AbortController | undefined;

runButton.addEventListener('click', async () => {
  controller = new AbortController();
  runButton.disabled = true;
  stopButton.disabled = false;
  const started = performance.now();
  try {
    const results = await simulate({
      workload: { jobs: Number($<HTMLInputElement>('jobs').value) },
      nodes: Number($<HTMLInputElement>('nodes').value),
      strategies: ['first-fit', 'best-fit', 'worst-fit'],
      policies: ['fifo', 'drf'],
      objective: $<HTMLSelectElement>('objective').value as Objective,
      signal: controller.signal,
      wallClock: () => performance.now(),
      onProgress: ({ run, runs, label, fraction }) => {
        bar.value = (run - 1 + fraction) / runs;
        status.textContent = `run ${run}/${runs}: ${label}`;
        // hand the page a turn: it repaints, and a click on Stop gets through
        return new Promise((resolve) => setTimeout(resolve, 0));
      },
    });
    bar.value = 1;
    status.textContent = `Done in ${Math.round(performance.now() - started)} ms — recommended: ${results.recommendation?.best ?? '–'}`;
    document.body.dataset['state'] = 'done';
    $<HTMLIFrameElement>('report').srcdoc = renderReport(results, { command: 'examples/browser/simulate.html' });
  } catch (error) {
    status.textContent = isFairpackError(error) && error.code === 'SIMULATION_ABORTED' ? 'Stopped.' : `Failed: ${(error as Error).message}`;
    document.body.dataset['state'] = 'stopped';
  } finally {
    runButton.disabled = false;
    stopButton.disabled = true;
  }
});

stopButton.addEventListener('click', () => controller?.abort(new Error('stopped from the page')));
