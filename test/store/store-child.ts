/*
 * A process that uses a data directory, for the tests that need a real second process (the lock)
 * or a real crash (kill -9). Built once per test file by child.ts and run as
 *
 *   node store-child.js append <dir> <snapshotEvery>   append as fast as it can (32 in flight),
 *        printing `ready <seq>` once open, `ack <seq>` after each append resolves, `snap <seq>`
 *        after each snapshot is durable; a snapshot is written every <snapshotEvery> entries
 *        while appends go on. Runs until killed (or 20 s).
 *   node store-child.js hold <dir>                       open, print `ready`, close when stdin ends
 *   node store-child.js open <dir>                       try to open: print `opened` or the error
 *        as JSON `{ code, message }`
 *
 * Entries and snapshots are those of crash-history.ts, so the test can check what it recovers.
 */
import { DataDirectory } from '../../src/store/index.js';
import { type CrashEntry, type CrashSnapshot, entryFor, snapshotAfter } from './crash-history.js';

const [mode, dir, every] = process.argv.slice(2);
const say = (line: string): void => {
  // stdout is a pipe: writes are synchronous on POSIX, so a line printed is a line the test gets
  process.stdout.write(`${line}\n`);
};

async function appendForever(directory: string, snapshotEvery: number): Promise<void> {
  const store = await DataDirectory.open<CrashSnapshot, CrashEntry>(directory);
  const { snapshot, entries } = store.recovered;
  let sum = snapshot?.sum ?? 0;
  for (const entry of entries) sum += entry.value;
  let next = (entries[entries.length - 1]?.seq ?? snapshot?.seq ?? 0) + 1;
  say(`ready ${next - 1}`);
  let snapshotting = false;
  let inFlight = 0;
  const stopAt = Date.now() + 20_000;
  const pump = (): void => {
    while (inFlight < 32 && Date.now() < stopAt) {
      const entry = entryFor(next++);
      sum += entry.value;
      inFlight++;
      store.append(entry).then(
        () => {
          inFlight--;
          say(`ack ${entry.seq}`);
          pump();
        },
        (error: unknown) => {
          console.error(error);
          process.exit(3);
        },
      );
      if (entry.seq % snapshotEvery === 0 && !snapshotting) {
        // taken now, like mgr.snapshot(): it covers every entry appended so far
        snapshotting = true;
        const taken = snapshotAfter(entry.seq, sum);
        store.writeSnapshot(taken).then(
          () => {
            snapshotting = false;
            say(`snap ${taken.seq}`);
          },
          (error: unknown) => {
            console.error(error);
            process.exit(4);
          },
        );
      }
    }
    if (inFlight === 0) void store.close();
  };
  pump();
}

async function hold(directory: string): Promise<void> {
  const store = await DataDirectory.open(directory);
  say('ready');
  process.stdin.resume();
  process.stdin.on('end', () => void store.close());
}

async function tryOpen(directory: string): Promise<void> {
  try {
    const store = await DataDirectory.open(directory);
    say('opened');
    await store.close();
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    say(JSON.stringify({ code, message }));
  }
}

if (dir === undefined) throw new Error('usage: store-child.js append|hold|open <dir> [snapshotEvery]');
if (mode === 'append') await appendForever(dir, Number(every ?? 500));
else if (mode === 'hold') await hold(dir);
else if (mode === 'open') await tryOpen(dir);
else throw new Error(`unknown mode ${String(mode)}`);
