import type { Prng } from '../../bench/lib/prng.js';

/**
 * The end of one round of a crash test, while clients work against the process: in a round that
 * is not the last, a SIGKILL at a random moment (50–450 ms in), then the clients stop (their
 * requests in flight were never answered); in the last round the clients stop after 300 ms and
 * `finish` runs the final checks on the live process.
 */
export async function endRound(last: boolean, rng: Prng, run: { readonly kill: () => void; readonly exited: Promise<void>; readonly stopClients: () => Promise<void>; readonly finish: () => Promise<void> }): Promise<void> {
  if (!last) {
    await new Promise((resolve) => setTimeout(resolve, 50 + rng.int(0, 400)));
    run.kill();
    await run.exited;
    await run.stopClients();
    return;
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  await run.stopClients();
  await run.finish();
}
