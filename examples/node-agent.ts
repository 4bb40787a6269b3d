/**
 * A node agent: the piece that runs on each machine of a cluster that `fairpack serve` schedules
 * (docs/nodes.md). It registers its node, heartbeats with the node token, runs the work the
 * scheduler placed on its node and reports it done, and on shutdown drains its node and removes
 * it once nothing runs there. Copy the `NodeAgent` class; replace `run()` with your own work.
 *
 * Against your server:
 *   FAIRPACK_URL=http://127.0.0.1:8080 FAIRPACK_ADMIN_TOKEN=… FAIRPACK_NODE_TOKEN=… \
 *     npx tsx examples/node-agent.ts
 * Without FAIRPACK_URL it starts a local `fairpack serve --heartbeat-timeout 1s`, runs two agents,
 * crashes one and shows its job move to the other within the timeout.
 */
import { startLocalServe } from './lib/local-serve.js';

type Json = Record<string, any>;

class NodeAgent {
  /** Allocation ids started here (a job re-queued and placed here again gets a new one). */
  readonly #running = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #crashed = false;
  #stopped = false;

  constructor(
    readonly url: string,
    readonly id: string,
    readonly capacity: Record<string, number>,
    readonly tokens: { readonly admin: string; readonly node: string },
    readonly log: (line: string) => void,
    /** How long the demo's work takes. */
    readonly workMs = 1_500,
  ) {}

  /** Registers the node (if new) and starts the loop: heartbeat, then start what was placed here. */
  async start(everyMs: number): Promise<void> {
    const added = await this.#call('POST', '/nodes', this.tokens.admin, { id: this.id, capacity: this.capacity });
    if (added.status !== 201 && added.json['error']?.code !== 'DUPLICATE_NODE') throw new Error(`${this.id}: ${JSON.stringify(added.json)}`);
    this.log(`${this.id}: registered`);
    const beat = async (): Promise<void> => {
      await this.#call('POST', `/nodes/${encodeURIComponent(this.id)}/heartbeat`, this.tokens.node);
      const answer = await this.#call('GET', `/nodes/${encodeURIComponent(this.id)}`);
      // a beat still in flight when the agent stopped finds its node removed (404): nothing to start
      if (this.#stopped || answer.status !== 200) return;
      for (const allocation of answer.json['allocations'] as Json[]) {
        const [jobId, allocationId] = [allocation['jobId'] as string, allocation['id'] as string];
        if (this.#running.has(allocationId)) continue;
        this.#running.add(allocationId);
        void this.run(jobId).then(() => this.#done(jobId, allocationId));
      }
    };
    await beat();
    this.#timer = setInterval(() => void beat().catch((error: unknown) => this.log(`${this.id}: ${String(error)}`)), everyMs);
  }

  /** The work of one job: here a short sleep. Yours runs the job, and checkpoints on `interrupted`. */
  async run(jobId: string): Promise<void> {
    const job = (await this.#call('GET', `/jobs/${encodeURIComponent(jobId)}`)).json['job'] as Json;
    this.log(`${this.id}: running ${jobId}${job['restarts'] === undefined ? '' : ` (restart ${job['restarts']})`}`);
    await new Promise((resolve) => setTimeout(resolve, this.workMs));
  }

  /**
   * Reports a job done — naming the allocation this agent ran: a job whose node was declared dead
   * meanwhile runs elsewhere now, under a new allocation, and is not ours to end (409
   * ALLOCATION_REPLACED, nothing released).
   */
  async #done(jobId: string, allocationId: string): Promise<void> {
    if (this.#crashed) return;
    const answer = await this.#call('POST', `/jobs/${encodeURIComponent(jobId)}/release`, undefined, { allocationId });
    if (answer.status === 200) this.log(`${this.id}: ${jobId} done, released`);
  }

  /** A crash: the agent just stops (no heartbeats, nothing reported). */
  crash(): void {
    this.#crashed = true;
    clearInterval(this.#timer);
    this.log(`${this.id}: crashed`);
  }

  /** A clean shutdown: drain, wait until nothing runs here, remove the node. */
  async stop(): Promise<void> {
    const path = `/nodes/${encodeURIComponent(this.id)}`;
    await this.#call('POST', `${path}/drain`, this.tokens.admin);
    while (((await this.#call('GET', path)).json['node'] as Json)['allocationCount'] > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#call('DELETE', path, this.tokens.admin);
    this.log(`${this.id}: drained and removed`);
  }

  async #call(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; json: Json }> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) };
    const response = await fetch(`${this.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: response.status, json: (await response.json()) as Json };
  }
}

const tokens = { admin: process.env['FAIRPACK_ADMIN_TOKEN'] ?? 'demo-admin', node: process.env['FAIRPACK_NODE_TOKEN'] ?? 'demo-node' };
const log = (line: string): void => console.log(line);

if (process.env['FAIRPACK_URL'] !== undefined) {
  const agent = new NodeAgent(process.env['FAIRPACK_URL'], process.env['FAIRPACK_NODE_ID'] ?? 'agent-1', { cpu: 4, memory: 16 }, tokens, log);
  await agent.start(5_000);
  process.once('SIGTERM', () => void agent.stop().then(() => process.exit(0)));
} else {
  const { url, server } = await startLocalServe(['--heartbeat-timeout', '1s', '--capacity', 'cpu=1'], {
    env: { FAIRPACK_ADMIN_TOKEN: tokens.admin, FAIRPACK_NODE_TOKEN: tokens.node },
    stderr: 'inherit',
  });
  const admin = { 'content-type': 'application/json', authorization: `Bearer ${tokens.admin}` };
  await fetch(`${url}/nodes/default`, { method: 'DELETE', headers: admin }); // the flag's node: ours replace it
  const a = new NodeAgent(url, 'a', { cpu: 4 }, tokens, log);
  const b = new NodeAgent(url, 'b', { cpu: 4 }, tokens, log);
  await a.start(200);
  const submitted = (await (await fetch(`${url}/jobs`, { method: 'POST', body: JSON.stringify({ id: 'train', resources: { cpu: 3 } }) })).json()) as Json;
  log(`scheduler: train placed on ${submitted['allocation'].placements[0].nodeId}`);
  await new Promise((resolve) => setTimeout(resolve, 400)); // a's next poll starts it
  await b.start(200);
  a.crash(); // train's node falls silent: 1 s later it is offline and train runs on b
  for (let i = 0; i < 50; i++) {
    const job = (await (await fetch(`${url}/jobs/train`)).json()) as Json;
    if (job['job'].status === 'completed') break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await b.stop();
  server.kill('SIGTERM');
}
