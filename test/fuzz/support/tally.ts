import { appendFileSync } from 'node:fs';
import { afterAll } from 'vitest';

/*
 * What a fuzzer tried and how it came out, for docs/reliability.md. Each fuzzer counts into its
 * own Tally; with FAIRPACK_FUZZ_TALLY=<file> set, `record()` appends one JSON line per fuzzer to
 * that file (test files run in separate workers: one short append each). Crashes and untyped
 * errors fail the test where they happen, so a recorded line always says 0 of them.
 */
export class Tally {
  inputs = 0;
  /** Typed refusals: a FairpackError, an `error` reply, a 4xx. */
  refusals = 0;
  accepted = 0;
  untyped = 0;
  crashes = 0;

  constructor(readonly layer: string) {}

  record(): void {
    const file = process.env['FAIRPACK_FUZZ_TALLY'];
    if (file === undefined || file === '') return;
    const { layer, inputs, refusals, accepted, untyped, crashes } = this;
    appendFileSync(file, `${JSON.stringify({ layer, inputs, refusals, accepted, untyped, crashes })}\n`);
  }
}

/**
 * FAIRPACK_FUZZ_EXPLORE=1: a fuzzer that meets an untyped error (or a refusal that changed state)
 * notes it and goes on, and prints every distinct kind at the end, instead of stopping at the
 * first — for hunting bugs, never for CI (the counts then say what was found).
 */
export const EXPLORE = process.env['FAIRPACK_FUZZ_EXPLORE'] === '1';

const found = new Map<string, { count: number; example: string }>();

/** Fails the test with `message`, or in explore mode records it under `signature` and returns. */
export function bug(signature: string, message: string): void {
  if (!EXPLORE) throw new Error(message);
  const entry = found.get(signature);
  if (entry === undefined) found.set(signature, { count: 1, example: message });
  else entry.count++;
}

/** A signature for an error: its name, its message with numbers and quoted text masked, and where in src/ it came from. */
export function errorSignature(where: string, error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : `thrown ${typeof error}: ${String(error)}`;
  const frame = error instanceof Error ? (/\(?([^()\s]*\/src\/[^():]+:\d+)/.exec(error.stack ?? '')?.[1] ?? 'no src frame') : 'no stack';
  return `${where} | ${text.replace(/"[^"]*"/g, '"…"').replace(/\d+/g, 'N').slice(0, 160)} | ${frame.replace(/^.*\/src\//, 'src/')}`;
}

/** Prints what explore mode found (call it in afterAll). */
export function reportFound(layer: string): void {
  if (!EXPLORE) return;
  const lines = [...found].map(([signature, { count, example }]) => `  ${count}× ${signature}\n      e.g. ${example.split('\n').slice(0, 3).join('\n      ')}`);
  console.log(`fuzz explore — ${layer}: ${found.size} distinct problem(s)\n${lines.join('\n')}`);
  found.clear();
}

/**
 * One Tally per layer a test file fuzzes, recorded (and, in explore mode, what was found printed)
 * once all the file's tests are done.
 */
export function tallies<const L extends readonly string[]>(file: string, ...layers: L): { readonly [K in keyof L]: Tally } {
  const out = layers.map((layer) => new Tally(layer));
  afterAll(() => {
    for (const tally of out) tally.record();
    reportFound(file);
  });
  return out as unknown as { readonly [K in keyof L]: Tally };
}
