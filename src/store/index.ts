/*
 * The embedded durable store (Node only, below the line of DESIGN.md's layers): a data directory
 * of snapshots and a write-ahead log. Used by `fairpack serve --data` and `fairpack node --data`;
 * the core never imports it. Docs: docs/durability.md, "Data directory".
 */
export { DataDirectory, type DataDirectoryOptions, type Recovered, type Sequenced, type StoredObject, type StorePosition } from './data-directory.js';
export { StoreCorruptionError } from './errors.js';
export type { JournalStore } from './journal-store.js';
export { POSTGRES_SCHEMA_VERSION, PostgresStore, type PostgresStoreOptions } from './postgres-store.js';
export { redactUrl } from './postgres-connect.js';
export { type StoreFile, type StoreFileSystem, nodeFileSystem } from './file-system.js';
export type { LogStats } from './log-writer.js';
export { type LeaseState, PostgresLease } from './postgres-lease.js';
export { type JournalTail, PostgresFollower } from './postgres-follower.js';
