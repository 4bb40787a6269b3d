import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCli, useBuiltCli } from '../cli/built-cli.js';
import { FUZZ_SCALE, FUZZ_SEED, fuzzTimeout } from './support/budget.js';
import { type LineSource, lineSource, lineText } from './support/protocol-messages.js';
import { type Envelope, answerProblems, readLine } from './support/protocol-replies.js';
import { tallies } from './support/tally.js';

/*
 * Layer 2, `fairpack node` as a process: the bin built from today's sources (as test/cli does),
 * fed one batch of fuzzed lines on stdin — valid, mutated and broken JSON, random text, invalid
 * UTF-8, NUL bytes, blank lines, CRLF, a line past the 1 MiB limit — read on stdout. Every line
 * that is a request gets exactly one reply (its own type or `error`), in order; the process never
 * crashes and exits 0 at the end of input.
 */

const cli = useBuiltCli();
const [tally] = tallies('fairpack node', 'fairpack node (process, stdin/stdout)');

/** Raw lines that are not text a JSON encoder makes: invalid UTF-8, NUL, control bytes. */
const RAW_LINES: readonly Buffer[] = [Buffer.from([0xff, 0xfe, 0x80]), Buffer.from([0x7b, 0x00, 0x7d]), Buffer.from('{"src":"c1","body":{"type":"capacity","msg_id":7}}\u0000'), Buffer.from([0xc3]), Buffer.from('\u001b[2J'), Buffer.from('   '), Buffer.alloc(0)];

/** A usable msg_id replaced by a fresh, unique, increasing one, so that replies pair with requests unambiguously. */
function withUniqueMsgId(message: unknown, msgId: number): unknown {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return message;
  const body = (message as Record<string, unknown>)['body'];
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return message;
  const current = (body as Record<string, unknown>)['msg_id'];
  if (!Number.isSafeInteger(current) || (current as number) < 0) return message;
  return { ...message, body: { ...body, msg_id: msgId } };
}

describe('fuzz: fairpack node (the built bin)', () => {
  // one process per batch of 400 lines (FAIRPACK_FUZZ_SCALE batches, seeds seed, seed + 1 …)
  it('batches of fuzzed lines on stdin: one reply per request, in order, no crash, exit 0', async () => {
    // a fresh seed each run unless pinned; a failure names it (replay: FAIRPACK_FUZZ_SEED=<seed>)
    const first = FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31);
    for (let batch = 0; batch < FUZZ_SCALE; batch++) await fuzzBatch(first + batch);
  }, fuzzTimeout(120_000));
});

/** Runs one batch of 400 lines drawn with `seed` through a fresh node process, and checks every answer. */
async function fuzzBatch(seed: number): Promise<void> {
  const sources: LineSource[] = fc.sample(lineSource, { seed, numRuns: 400 });
  const lines: Buffer[] = sources.map((source, i) => Buffer.from(lineText(source, (message) => withUniqueMsgId(message, 1_000 + i))));
  // every tenth line a raw one; line ends LF or CRLF
  for (let i = 0; i < lines.length; i += 10) lines.splice(i, 0, RAW_LINES[(i / 10) % RAW_LINES.length] as Buffer);
  const input = Buffer.concat(lines.flatMap((line, i) => [line, Buffer.from(i % 3 === 0 ? '\r\n' : '\n')]));
  const run = await runCli(cli(), ['node', '--max-queued', '50', '--max-queued-per-tenant', '20'], input);
  const context = `(seed ${seed}; replay with FAIRPACK_FUZZ_SEED=${seed})`;
  expect(run.code, `exit code ${context}; stderr: ${run.stderr.slice(-2000)}`).toBe(0);
  expect(run.stderr, context).toMatch(/end of input/);
  expect(run.stderr, context).not.toMatch(/\n\s+at /); // no stack trace

  const out = run.stdout.split('\n').filter((line) => line.length > 0).map((line) => JSON.parse(line) as Envelope);
  // the node reads UTF-8 (bad bytes become U+FFFD), skips blank lines and answers no reply
  const requests = lines
    .map((bytes) => bytes.toString('utf8'))
    .filter((text) => text.trim().length > 0)
    .map((text) => ({ text, asked: readLine(text) }))
    .filter(({ asked }) => !asked.reply);
  let next = 0;
  requests.forEach(({ text, asked }, r) => {
    tally.inputs++;
    // its reply, then the unsolicited news it caused: `allocated`/`preempted` for earlier
    // requests (usable msg_ids are unique and increasing, so never the next request's)
    const following = requests[r + 1]?.asked.msgId;
    const answer: Envelope[] = [];
    if (next < out.length) answer.push(out[next++] as Envelope);
    while (next < out.length && ['allocated', 'preempted'].includes(out[next]?.body.type ?? '') && out[next]?.body.in_reply_to !== following) answer.push(out[next++] as Envelope);
    expect(answerProblems(asked, answer), `line ${JSON.stringify(text.slice(0, 200))} ${context}`).toEqual([]);
    if (answer[0]?.body.type === 'error') tally.refusals++;
    else tally.accepted++;
  });
  expect(next, `more output than requests ${context}`).toBe(out.length);
}
