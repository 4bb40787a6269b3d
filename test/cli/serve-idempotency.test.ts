import { AllocationManager } from 'fairpack';
import { describe, expect, it } from 'vitest';
import { serversClosedAfterEach } from './in-process-server.js';

/*
 * `POST /jobs` retried (issue 14 §3): with an `Idempotency-Key` header, or a client-given job id,
 * a retry gets the first answer — same status, same job — and creates nothing. Real sockets.
 */

const start = serversClosedAfterEach();
type Json = Record<string, any>;

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Json }> {
  const response = await fetch(`${url}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Json };
}

describe('POST /jobs retried', () => {
  it('with the same Idempotency-Key: the first answer again, one job; another body under the key: 422, nothing made', async () => {
    const { url, manager } = await start({ manager: new AllocationManager({ capacity: { cpu: 2 } }) });
    const first = await post(url, { tenant: 't', resources: { cpu: 2 } }, { 'idempotency-key': 'abc' });
    const retry = await post(url, { tenant: 't', resources: { cpu: 2 } }, { 'idempotency-key': 'abc' });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.json['job']['id']).toBe(first.json['job']['id']);
    expect(retry.json['allocation']).toEqual(first.json['allocation']);
    expect(manager.jobs()).toHaveLength(1);
    const other = await post(url, { tenant: 't', resources: { cpu: 1 } }, { 'idempotency-key': 'abc' });
    expect([other.status, other.json['error']['code']]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect(manager.jobs()).toHaveLength(1);
    // a new key is a new job (queued: the cluster is full)
    expect((await post(url, { tenant: 't', resources: { cpu: 2 } }, { 'idempotency-key': 'def' })).status).toBe(202);
    const tooLong = await post(url, { tenant: 't', resources: { cpu: 1 } }, { 'idempotency-key': 'x'.repeat(251) });
    expect([tooLong.status, tooLong.json['error']['code']]).toEqual([400, 'INVALID_REQUEST']);
    expect(manager.jobs()).toHaveLength(2);
  });

  it('with a client-given id and no key: the retry gets the first answer; another body with that id is refused', async () => {
    const { url, manager } = await start({ manager: new AllocationManager({ capacity: { cpu: 1 } }) });
    const first = await post(url, { id: 'train-7', tenant: 't', resources: { cpu: 1 } });
    const retry = await post(url, { id: 'train-7', tenant: 't', resources: { cpu: 1 } });
    expect([first.status, retry.status]).toEqual([201, 201]);
    expect(retry.json['allocation']['id']).toBe(first.json['allocation']['id']);
    const clash = await post(url, { id: 'train-7', tenant: 'u', resources: { cpu: 1 } });
    expect([clash.status, clash.json['error']['code']]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect(manager.jobs().map((job) => job.id)).toEqual(['train-7']);
  });
});
