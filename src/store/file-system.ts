import { promises as fs } from 'node:fs';

/** The calls the store makes on an open file (a `node:fs` FileHandle has them all). */
export interface StoreFile {
  write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ readonly bytesWritten: number }>;
  /** fdatasync(2): the data and the metadata needed to read it (the size), not the timestamps. */
  datasync(): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Every file-system call of the store, behind one small interface: the default is `node:fs`;
 * tests pass a wrapper that counts fsyncs or fails on cue (a full disk, an fsync error).
 */
export interface StoreFileSystem {
  /** Creates the directory and its parents; resolves to true when it did not exist. */
  mkdir(path: string): Promise<boolean>;
  readdir(path: string): Promise<string[]>;
  readFile(path: string): Promise<Buffer>;
  writeFile(path: string, data: string): Promise<void>;
  /** `'w+'` creates or empties the file; `'r+'` opens an existing one for writing. */
  open(path: string, flags: 'w+' | 'r+'): Promise<StoreFile>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** link(2): fails with EEXIST when `to` exists, which makes it an atomic create-if-absent. */
  link(from: string, to: string): Promise<void>;
  /** fsync(2) on a directory, so that the names created, renamed or removed in it are durable. */
  syncDirectory(path: string): Promise<void>;
}

export const nodeFileSystem: StoreFileSystem = {
  mkdir: async (path) => (await fs.mkdir(path, { recursive: true })) !== undefined,
  readdir: (path) => fs.readdir(path),
  readFile: (path) => fs.readFile(path),
  writeFile: (path, data) => fs.writeFile(path, data, 'utf8'),
  open: (path, flags) => fs.open(path, flags),
  rename: (from, to) => fs.rename(from, to),
  unlink: (path) => fs.unlink(path),
  link: (from, to) => fs.link(from, to),
  syncDirectory: async (path) => {
    // Windows cannot open a directory for fsync, and NTFS journals renames itself
    if (process.platform === 'win32') return;
    const handle = await fs.open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
};

/** The `code` of a system error (`ENOENT`, `EEXIST` …), if it has one. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Writes all of `bytes` at `position` (a file write may write less than asked). */
export async function writeFully(file: StoreFile, bytes: Uint8Array, position: number): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    const { bytesWritten } = await file.write(bytes, written, bytes.length - written, position + written);
    if (bytesWritten <= 0) throw new Error(`the file system wrote ${bytesWritten} bytes of ${bytes.length - written}`);
    written += bytesWritten;
  }
}
