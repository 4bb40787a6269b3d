import { readFileSync } from 'node:fs';

/**
 * CPU milliseconds the process's main thread has used, from Linux's per-thread accounting
 * (`/proc/self/task/<pid>/stat`: user and system time in clock ticks, 10 ms each), or undefined
 * where that file does not exist. `process.cpuUsage` counts every thread — V8's compiler threads
 * and its concurrent marking and sweeping among them — so the difference between the two is the
 * work done beside the main thread, most of it compiling in a cold process (Node 20 has no
 * `process.threadCpuUsage`).
 */
export function mainThreadCpuMs(): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // fields after the command name (which may hold spaces, inside parentheses): state is the first,
  // utime the 12th and stime the 13th of them (fields 14 and 15 of the file)
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? ticks * 10 : undefined;
}
