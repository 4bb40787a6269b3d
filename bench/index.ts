/**
 * `npm run bench [-- part …]`: runs the benchmark parts, each in its own node process started
 * with --expose-gc (so heap readings and between-repetition collections work), then prints every
 * PASS/FAIL line again as a summary. Exits 1 when a target fails.
 *
 *   npm run bench                      all parts (PARTS below), one process each
 *   npm run bench -- placement         just one (or several) parts
 *   FAIRPACK_BENCH_SIZES=1000,10000 npm run bench -- placement
 *
 * Sizes, repetitions and seeds come from FAIRPACK_BENCH_* environment variables; each part's
 * file lists the ones it reads. Results and their interpretation: docs/performance.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TargetResult } from './lib/report.js';

// manager: the AllocationManager's scheduling cycle (bench/manager.ts; figures only, no verdicts)
// preemption: one preemption decision among 100,000 running jobs (bench/preemption.ts; figures only)
// durability: durable appends/s through the data directory's log, then submit+release pairs/s through
//   `fairpack serve --data` against in memory (bench/durability.ts, bench/durability-serve.ts; one verdict)
// snapshot: snapshot and restore of 100,000 live jobs (bench/snapshot.ts); `-- durability` runs it too
// replicas: serve on PostgreSQL against --data and in memory, failover time, follower lag (bench/replicas.ts)
// scaling: scaling advice and defragmentation plans on 1,000 nodes (bench/scaling.ts; figures only)
// simulate: a decision inside simulate() against the bare pool, and the GC's share, by size (bench/simulate.ts)
// construction: a pool's and a manager's construction over 10,000 and 100,000 nodes (bench/construction.ts; figures only)
const PARTS = ['placement', 'batch', 'memory', 'manager', 'preemption', 'durability', 'snapshot', 'replicas', 'scaling', 'simulate', 'construction'] as const;
type Part = (typeof PARTS)[number];

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);

function parseParts(args: readonly string[]): Part[] {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(`usage: npm run bench [-- ${PARTS.join(' | ')} …]\nEnvironment variables: see the header of bench/<part>.ts and docs/performance.md.`);
    process.exit(0);
  }
  const unknown = args.filter((arg) => !(PARTS as readonly string[]).includes(arg));
  if (unknown.length > 0) {
    console.error(`Unknown bench part(s): ${unknown.join(', ')}. Expected some of: ${PARTS.join(', ')}.`);
    process.exit(2);
  }
  if (args.length === 0) return [...PARTS];
  // the durability issue's figures are one command: `durability` brings `snapshot` (restore time,
  // snapshot size) along unless it is asked for by itself too
  const asked = args as Part[];
  return asked.includes('durability') && !asked.includes('snapshot') ? [...asked, 'snapshot'] : asked;
}

function main(): void {
  const parts = parseParts(process.argv.slice(2));
  const scratch = mkdtempSync(join(tmpdir(), 'fairpack-bench-'));
  const resultsFile = join(scratch, 'results.jsonl');
  const started = performance.now();
  let crashed = false;
  try {
    for (const part of parts) {
      const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(here, `${part}.ts`)], {
        cwd: root,
        stdio: 'inherit',
        env: { ...process.env, FAIRPACK_BENCH_RESULTS: resultsFile },
      });
      if (result.status !== 0) {
        console.error(`bench part "${part}" exited with ${result.status ?? result.signal ?? 'an error'}`);
        crashed = true;
      }
      console.log('');
    }
    let lines: TargetResult[] = [];
    try {
      lines = readFileSync(resultsFile, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as TargetResult);
    } catch {
      // no part wrote a result
    }
    console.log(`## Summary (${((performance.now() - started) / 1000).toFixed(0)} s; node ${process.version})\n`);
    for (const line of lines) console.log(`${line.verdict}  [${line.part}] ${line.target} — ${line.detail}`);
    const failed = lines.filter((line) => line.verdict === 'FAIL').length;
    console.log(`\n${lines.length - failed} of ${lines.length} checks did not fail${failed > 0 ? `; ${failed} FAILED` : ''}.`);
    if (failed > 0 || crashed) process.exitCode = 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main();
