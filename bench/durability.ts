/**
 * Durable appends per second through the data directory's write-ahead log (src/store), with 1
 * appender (each append awaited before the next: one fdatasync per append) and with 50
 * concurrent appenders (each awaits its own append, all share the log: group commit), against
 * an in-memory baseline that appends to an array behind the same `await`. Also: log fsyncs per
 * append, the mean group-commit batch, and append latency. Figures only.
 *
 * Then submit+release pairs per second through the real `fairpack serve` process, with
 * `--data <dir>` and in memory, at 1 and 50 clients, with one verdict: 50 clients through
 * `serve --data` within 2× of in memory (bench/durability-serve.ts).
 *
 *   npm run bench -- durability            (or: node --import tsx bench/durability.ts)
 *
 * Environment: FAIRPACK_BENCH_DURABILITY_MS (2000: how long each row runs),
 * FAIRPACK_BENCH_DURABILITY_ROUNDS (3: rounds of the serve rows),
 * FAIRPACK_BENCH_DURABILITY_DIR (a fresh folder under the OS temp dir: put it on the disk you
 * mean to measure — a tmpfs makes fsync free).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirectory, type StoredObject } from '../src/store/index.js';
import { benchServe } from './durability-serve.js';
import { envInt, fixed, percentile, printTable } from './lib/report.js';

const durationMs = envInt('FAIRPACK_BENCH_DURABILITY_MS', 2_000);
const parent = process.env['FAIRPACK_BENCH_DURABILITY_DIR'] ?? tmpdir();

interface Sink {
  append(entry: StoredObject): Promise<void>;
}

interface Row {
  readonly sink: string;
  readonly appenders: number;
  readonly appends: number;
  readonly seconds: number;
  readonly fsyncs: number | undefined;
  readonly batches: number | undefined;
  readonly latencies: number[];
}

/** The journal entry every row appends (about the size of a manager's `submit` entry). */
function entryFor(seq: number): StoredObject {
  return { seq, at: 1_700_000_000_000 + seq, op: 'submit', job: { id: `job-${seq}`, tenant: `t${seq % 10}`, priority: 'default', resources: { cpu: 2, memory: 4 } } };
}

/** `appenders` loops, each appending and awaiting, until the time is up. */
async function drive(sink: Sink, appenders: number): Promise<{ appends: number; seconds: number; latencies: number[] }> {
  let next = 1;
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + durationMs;
  const loop = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      await sink.append(entryFor(next++));
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: appenders }, loop));
  return { appends: latencies.length, seconds: (performance.now() - started) / 1000, latencies };
}

async function durable(appenders: number): Promise<Row> {
  const dir = mkdtempSync(join(parent, 'fairpack-bench-durability-'));
  try {
    const store = await DataDirectory.open(dir);
    const { appends, seconds, latencies } = await drive(store, appenders);
    const { fsyncs, batches } = store.stats();
    await store.close();
    return { sink: 'data directory (fdatasync)', appenders, appends, seconds, fsyncs, batches, latencies };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function inMemory(appenders: number): Promise<Row> {
  const log: object[] = [];
  const sink: Sink = {
    append: (entry) => {
      log.push(JSON.parse(JSON.stringify(entry)) as object); // the store serialises every entry too
      return Promise.resolve();
    },
  };
  const { appends, seconds, latencies } = await drive(sink, appenders);
  return { sink: 'in memory (array push)', appenders, appends, seconds, fsyncs: undefined, batches: undefined, latencies };
}

async function main(): Promise<void> {
  console.log(`## Durability: appends/s through the write-ahead log (${durationMs} ms per row, data under ${parent})\n`);
  const rows: Row[] = [];
  for (const appenders of [1, 50]) {
    rows.push(await durable(appenders));
    rows.push(await inMemory(appenders));
  }
  printTable(
    ['sink', 'appenders', 'appends/s', 'fsyncs per append', 'mean batch', 'latency p50 (ms)', 'p99 (ms)'],
    rows.map((row) => {
      const sorted = [...row.latencies].sort((a, b) => a - b);
      return [
        row.sink,
        String(row.appenders),
        Math.round(row.appends / row.seconds).toLocaleString('en-US'),
        row.fsyncs === undefined ? '—' : fixed(row.fsyncs / row.appends, 3),
        row.batches === undefined ? '—' : fixed(row.appends / row.batches, 1),
        fixed(percentile(sorted, 50), 3),
        fixed(percentile(sorted, 99), 3),
      ];
    }),
  );
  console.log('');
  await benchServe();
}

await main();
