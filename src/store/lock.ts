import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { FairpackError } from '../errors.js';
import { errorCode, type StoreFileSystem } from './file-system.js';
import { LOCK_FILE } from './file-names.js';

/*
 * One process per data directory. `flock` needs native code in Node, so the lock is a file,
 * LOCK, holding `{ pid, host, token }`:
 *
 * - Taking it: the content is written to a private temporary file, then hard-linked to LOCK.
 *   link(2) fails with EEXIST when LOCK exists — an atomic create-if-absent like O_EXCL — and,
 *   unlike O_CREAT|O_EXCL followed by a write, LOCK never exists half-written, even when the
 *   process is killed in between.
 * - A stale lock is taken over: LOCK names a pid on this host that no longer runs
 *   (`process.kill(pid, 0)` fails with ESRCH), or this process's own pid while this process does
 *   not hold the directory (a restarted container whose process is pid 1 again).
 * - Release: LOCK is removed only if it still holds this opening's token.
 *
 * Limits (docs/durability.md, "The lock"): a pid reused by an unrelated process makes a stale
 * lock look held (the message says to delete LOCK); a lock from another host is never taken
 * over; two processes taking over the same stale lock in the same instant are not excluded.
 */

/**
 * The tokens of the locks this process holds or is taking. A LOCK with this pid and one of them is
 * held here (a second open in this process is refused, whatever path names the directory); this
 * pid with another token is a previous process that had the same pid.
 */
const heldHere = new Set<string>();

export interface DirectoryLock {
  /** Set when a stale lock was taken over: whose it was. */
  readonly note: string | undefined;
  release(): Promise<void>;
}

interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly token: string;
}

/** True unless signalling `pid` fails with ESRCH (EPERM: it runs, under another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) !== 'ESRCH';
  }
}

export async function acquireLock(fs: StoreFileSystem, directory: string, alive: (pid: number) => boolean): Promise<DirectoryLock> {
  const path = join(directory, LOCK_FILE);
  const mine: Holder = { pid: process.pid, host: hostname(), token: randomUUID() };
  const draft = join(directory, `${LOCK_FILE}.${mine.pid}.${mine.token}.tmp`);
  // claimed before the link: another open in this process that finds LOCK then knows it is ours
  heldHere.add(mine.token);
  let note: string | undefined;
  try {
    await fs.writeFile(draft, `${JSON.stringify(mine)}\n`);
    // a few rounds: another process may release, or take over, between our reads
    for (let round = 0; round < 5; round++) {
      try {
        await fs.link(draft, path);
        await removeDeadDrafts(fs, directory, alive);
        return { note, release: () => releaseLock(fs, path, mine.token) };
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw error;
      }
      const holder = await readHolder(fs, path);
      if (holder === 'gone') continue;
      if (holder === undefined) throw locked(directory, `its lock file ${path} holds no readable pid`, path);
      if (holder.pid === mine.pid && heldHere.has(holder.token)) {
        throw locked(directory, `this process (pid ${mine.pid}) already has it open: close that DataDirectory first`);
      }
      const stale = holder.host === mine.host && (holder.pid === mine.pid || !alive(holder.pid));
      if (!stale) {
        const where = holder.host === mine.host ? '' : ` on host "${holder.host}" (a lock from another host is never taken over)`;
        throw locked(directory, `process ${holder.pid}${where} holds it (lock file ${path})`, path, holder.pid);
      }
      note = `took over the lock of process ${holder.pid}, which is no longer running`;
      await fs.unlink(path).catch((error: unknown) => {
        if (errorCode(error) !== 'ENOENT') throw error;
      });
    }
    throw locked(directory, `its lock file ${path} kept changing while this process tried to take it`, path);
  } catch (error) {
    heldHere.delete(mine.token);
    throw error;
  } finally {
    await fs.unlink(draft).catch(() => undefined);
  }
}

/** Drafts (`LOCK.<pid>.<token>.tmp`) left by processes killed while taking the lock. */
async function removeDeadDrafts(fs: StoreFileSystem, directory: string, alive: (pid: number) => boolean): Promise<void> {
  for (const name of await fs.readdir(directory)) {
    const match = DRAFT.exec(name);
    if (match === null) continue;
    const pid = Number(match[1]);
    const dead = pid === process.pid ? !heldHere.has(match[2] as string) : !alive(pid);
    if (dead) await fs.unlink(join(directory, name)).catch(() => undefined);
  }
}

const DRAFT = /^LOCK\.(\d+)\.([\w-]+)\.tmp$/;

async function releaseLock(fs: StoreFileSystem, path: string, token: string): Promise<void> {
  heldHere.delete(token);
  const holder = await readHolder(fs, path);
  if (typeof holder === 'object' && holder.token === token) await fs.unlink(path);
}

/** The holder recorded in LOCK; 'gone' when the file vanished; undefined when unreadable. */
async function readHolder(fs: StoreFileSystem, path: string): Promise<Holder | 'gone' | undefined> {
  let text: string;
  try {
    text = (await fs.readFile(path)).toString('utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<Holder> | null;
    if (value !== null && Number.isSafeInteger(value.pid) && (value.pid as number) > 0 && typeof value.host === 'string' && typeof value.token === 'string') {
      return value as Holder;
    }
  } catch {
    // not JSON: reported as unreadable below
  }
  return undefined;
}

function locked(directory: string, why: string, lockFile?: string, pid?: number): FairpackError {
  const remedy =
    lockFile === undefined
      ? ''
      : ` If no fairpack process uses the directory any more, delete ${lockFile}.`;
  return new FairpackError(
    'STORE_LOCKED',
    `The data directory ${directory} is in use: ${why}. Expected no other user of the directory: stop the other process or give this one another data directory.${remedy}`,
    { directory, ...(pid === undefined ? {} : { pid }), ...(lockFile === undefined ? {} : { lockFile }) },
  );
}
