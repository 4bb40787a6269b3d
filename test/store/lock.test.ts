import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirectory } from '../../src/store/index.js';
import { buildStoreChild, startStoreChild } from './child.js';
import { tempDir } from './helpers.js';

let script = '';
let cleanup = (): void => undefined;
beforeAll(async () => {
  ({ script, cleanup } = await buildStoreChild());
});
afterAll(() => cleanup());

const lockOf = (dir: string, holder: Record<string, unknown>): void => writeFileSync(join(dir, 'LOCK'), `${JSON.stringify(holder)}\n`);

describe('the lock: one process per data directory', () => {
  it('a second process fails at once, with a message naming the directory and the holder', async () => {
    const dir = tempDir();
    const store = await DataDirectory.open(dir);
    const child = startStoreChild(script, ['open', dir]);
    const line = await child.waitFor((l) => l.startsWith('{'));
    await child.exited;
    const { code, message } = JSON.parse(line) as { code: string; message: string };
    expect(code).toBe('STORE_LOCKED');
    expect(message).toBe(
      `The data directory ${dir} is in use: process ${process.pid} holds it (lock file ${join(dir, 'LOCK')}). ` +
        'Expected no other user of the directory: stop the other process or give this one another data directory. ' +
        `If no fairpack process uses the directory any more, delete ${join(dir, 'LOCK')}.`,
    );
    await store.close();
    expect(existsSync(join(dir, 'LOCK'))).toBe(false);
  });

  it('this process is refused while another one holds it, and gets it once that one closes', async () => {
    const dir = tempDir();
    const child = startStoreChild(script, ['hold', dir]);
    await child.waitFor((l) => l === 'ready');
    const error = await DataDirectory.open(dir).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'STORE_LOCKED', details: { directory: dir, pid: child.process.pid } });
    expect((error as Error).message).toContain(`process ${child.process.pid} holds it`);
    child.process.stdin?.end();
    await child.exited;
    const store = await DataDirectory.open(dir);
    expect(store.recovered.notes).toEqual([]); // released cleanly: nothing taken over
    await store.close();
  });

  it('takes over the lock of a process killed with SIGKILL', async () => {
    const dir = tempDir();
    const child = startStoreChild(script, ['hold', dir]);
    await child.waitFor((l) => l === 'ready');
    child.process.kill('SIGKILL');
    await child.exited; // reaped: its pid no longer runs
    const store = await DataDirectory.open(dir);
    expect(store.recovered.notes).toEqual([`took over the lock of process ${child.process.pid}, which is no longer running`]);
    expect(JSON.parse(readFileSync(join(dir, 'LOCK'), 'utf8'))).toMatchObject({ pid: process.pid });
    await store.close();
  });

  it('a second open in the same process is refused too, whatever path names the directory', async () => {
    const dir = tempDir();
    const alias = `${tempDir()}/alias`;
    symlinkSync(dir, alias);
    const first = await DataDirectory.open(dir);
    const outcomes = await Promise.allSettled([DataDirectory.open(dir), DataDirectory.open(`${dir}/.`), DataDirectory.open(alias)]);
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'STORE_LOCKED' } });
      expect((outcome as PromiseRejectedResult).reason.message).toContain(`this process (pid ${process.pid}) already has it open: close that DataDirectory first`);
    }
    await first.close();
    await (await DataDirectory.open(dir)).close();
  });

  it('stale-lock rule: a dead pid or this pid (a restarted container) is taken over; a live pid, another host or junk is not', async () => {
    const dir = tempDir();
    lockOf(dir, { pid: 4_000_000, host: hostname(), token: 'old' });
    let store = await DataDirectory.open(dir, { isProcessAlive: (pid) => pid !== 4_000_000 });
    expect(store.recovered.notes).toEqual(['took over the lock of process 4000000, which is no longer running']);
    await store.close();

    lockOf(dir, { pid: process.pid, host: hostname(), token: 'from a previous life' });
    store = await DataDirectory.open(dir);
    expect(store.recovered.notes).toEqual([`took over the lock of process ${process.pid}, which is no longer running`]);
    await store.close();

    lockOf(dir, { pid: 4_000_001, host: hostname(), token: 'live' });
    await expect(DataDirectory.open(dir, { isProcessAlive: () => true })).rejects.toMatchObject({ code: 'STORE_LOCKED', details: { pid: 4_000_001 } });

    lockOf(dir, { pid: 4_000_002, host: 'elsewhere', token: 'remote' });
    await expect(DataDirectory.open(dir, { isProcessAlive: () => false })).rejects.toThrow('process 4000002 on host "elsewhere" (a lock from another host is never taken over) holds it');

    writeFileSync(join(dir, 'LOCK'), '');
    await expect(DataDirectory.open(dir)).rejects.toThrow(`its lock file ${join(dir, 'LOCK')} holds no readable pid`);
    expect(readFileSync(join(dir, 'LOCK'), 'utf8')).toBe(''); // refused: left as it was
  });
});
