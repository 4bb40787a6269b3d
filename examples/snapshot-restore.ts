/**
 * Keeps an AllocationManager's state in a file: a snapshot now and then, the journal's entries
 * appended as they come, and a restore that replays them — `npx tsx examples/snapshot-restore.ts`.
 * (`fairpack serve --data <dir>` does the same, durably, with a write-ahead log: docs/durability.md.)
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AllocationManager, type JournalEntry } from 'fairpack';

const directory = mkdtempSync(join(tmpdir(), 'fairpack-example-'));
const snapshotFile = join(directory, 'snapshot.json');
const journalFile = join(directory, 'journal.jsonl');

// one JSON line per state-changing call, handed over before the call returns
const journal = (entry: JournalEntry): void => appendFileSync(journalFile, `${JSON.stringify(entry)}\n`);

const manager = new AllocationManager({ capacity: { cpu: 8, memory: 32 }, journal });
writeFileSync(snapshotFile, JSON.stringify(manager.snapshot()));
writeFileSync(journalFile, '');

const train = manager.submit({ id: 'train', tenant: 'research', resources: { cpu: 6, memory: 24 } });
manager.submit({ id: 'web', tenant: 'web', resources: { cpu: 4, memory: 8 } }); // waits for train
console.log('before:', manager.jobs().map((job) => `${job.id} ${job.status}`).join(', '));

// …the process stops here. A new one reads the snapshot and the entries written after it:
const snapshot: unknown = JSON.parse(readFileSync(snapshotFile, 'utf8'));
const entries = readFileSync(journalFile, 'utf8')
  .split('\n')
  .filter((line) => line !== '')
  .map((line) => JSON.parse(line) as JournalEntry);
const restored = AllocationManager.restore(snapshot, { entries, journal });
console.log('restored:', restored.jobs().map((job) => `${job.id} ${job.status}`).join(', '));

// and carries on exactly where the first one was: the same ids, the same queue
if (train.status === 'allocated') restored.release(train.allocation.id);
console.log('after release:', restored.jobs().map((job) => `${job.id} ${job.status}`).join(', '));

// a new snapshot compacts: the entries up to its seq are no longer needed
writeFileSync(snapshotFile, JSON.stringify(restored.snapshot()));
writeFileSync(journalFile, '');
restored.close();
manager.close();
rmSync(directory, { recursive: true, force: true });
