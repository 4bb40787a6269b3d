import { type DefragmentationPlan, type ScalingOptions, isFairpackError } from '../../index.js';
import { checkKnownKeys, knownKeys } from '../../known-keys.js';
import { HttpError, type Reply, readJsonBody } from './http-io.js';
import type { Route, RouteContext } from './routes.js';

const ADVICE_QUERY = ['types', 'minNodes', 'maxNodes', 'utilisationBelow', 'idleForMs', 'cooldownMs', 'scaleDown', 'waitTargetMs'] as const;
const NUMBER_QUERY = ['minNodes', 'maxNodes', 'utilisationBelow', 'idleForMs', 'cooldownMs', 'waitTargetMs'] as const;
const DEFRAGMENT_FIELDS = knownKeys('defragment body field', ['for', 'maxMoves', 'priorityAtMost', 'dryRun', 'plan'], 'INVALID_REQUEST');

/**
 * Capacity planning over HTTP (admin token; docs/costs-and-scaling.md, docs/http.md):
 *
 * - `GET /scaling-advice?types=<JSON array of node types>&minNodes=&maxNodes=&utilisationBelow=&idleForMs=&cooldownMs=&scaleDown=false&waitTargetMs=`
 *   — `mgr.scalingAdvice()`; the node types are one URL-encoded JSON array (the query stays a
 *   plain GET that a dashboard or `curl` can build). `POST /scaling-advice` takes the same options
 *   as a JSON body (`{ "nodeTypes": [...], ... }`), for type lists too long for a URL. Both are
 *   reads: nothing changes.
 * - `POST /defragment` — `{ "for"?, "maxMoves"?, "priorityAtMost"?, "dryRun"?: true }`: plans
 *   (`mgr.planDefragmentation()`); with `"dryRun": false` also applies the plan in the same request
 *   (`mgr.applyDefragmentation()`). `{ "plan": {...}, "dryRun": false }` applies a plan a dry run
 *   returned earlier; a plan the cluster no longer matches is `409 STALE_PLAN`.
 */
export const SCALING_ROUTES: readonly Route[] = [
  { path: '/scaling-advice', methods: { GET: getAdvice, POST: postAdvice } },
  { path: '/defragment', methods: { POST: defragment } },
];

function getAdvice({ manager, query, request, requireAdmin }: RouteContext): Reply {
  requireAdmin(request);
  for (const key of query.keys()) {
    if (!(ADVICE_QUERY as readonly string[]).includes(key)) throw new HttpError(400, 'INVALID_QUERY', `Unknown query parameter \`${key}\` of GET /scaling-advice. Accepted: ${ADVICE_QUERY.join(', ')}.`);
  }
  const raw = query.get('types');
  if (raw === null) throw new HttpError(400, 'INVALID_QUERY', 'Expected `types`, the node types that may be added, as a JSON array: types=[{"name":"small","capacity":{"cpu":4},"costPerHour":0.2}] (URL-encoded). POST /scaling-advice takes them as a body instead.');
  let nodeTypes: unknown;
  try {
    nodeTypes = JSON.parse(raw);
  } catch {
    throw new HttpError(400, 'INVALID_QUERY', `Expected \`types\` to be a JSON array of node types, got text that is not JSON: "${raw.slice(0, 80)}".`);
  }
  const options: Record<string, unknown> = { nodeTypes };
  const scaleDown: Record<string, number> = {};
  for (const key of NUMBER_QUERY) {
    const value = query.get(key);
    if (value === null) continue;
    if (!/^\d+(\.\d+)?$/.test(value) && !(key === 'maxNodes' && value === 'Infinity')) throw new HttpError(400, 'INVALID_QUERY', `Expected \`${key}\` to be a number >= 0, got "${value.slice(0, 80)}".`);
    if (key === 'utilisationBelow' || key === 'idleForMs') scaleDown[key] = Number(value);
    else if (key === 'waitTargetMs') options['scaleUp'] = { waitTargetMs: Number(value) };
    else options[key] = Number(value);
  }
  const off = query.get('scaleDown');
  if (off !== null && off !== 'false') throw new HttpError(400, 'INVALID_QUERY', `Expected \`scaleDown\` to be "false" (no removals) or left out, got "${off.slice(0, 80)}".`);
  options['scaleDown'] = off === 'false' ? false : scaleDown;
  return { status: 200, body: manager.scalingAdvice(options as unknown as ScalingOptions) };
}

async function postAdvice({ manager, request, requireAdmin, bodyLimit }: RouteContext): Promise<Reply> {
  requireAdmin(request);
  const body = await readJsonBody(request, bodyLimit);
  return { status: 200, body: manager.scalingAdvice(body as ScalingOptions) }; // 400 INVALID_OPTION with the manager's words
}

async function defragment({ manager, request, requireAdmin, bodyLimit }: RouteContext): Promise<Reply> {
  requireAdmin(request);
  const hasBody = request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? '0') > 0;
  const body = hasBody ? await readJsonBody(request, bodyLimit) : {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'INVALID_BODY', 'Expected a body { "for"?, "maxMoves"?, "priorityAtMost"?, "dryRun"?: true, "plan"? } or none.');
  const fields = body as Record<string, unknown>;
  checkKnownKeys(fields, DEFRAGMENT_FIELDS);
  const dryRun = fields['dryRun'] ?? true;
  if (typeof dryRun !== 'boolean') throw new HttpError(400, 'INVALID_BODY', `Expected \`dryRun\` to be true (plan only, the default) or false (plan and apply), got ${JSON.stringify(dryRun)}.`);
  const given = fields['plan'];
  if (given !== undefined && (dryRun || fields['for'] !== undefined || fields['maxMoves'] !== undefined || fields['priorityAtMost'] !== undefined)) {
    throw new HttpError(400, 'INVALID_BODY', 'Expected `plan` with `"dryRun": false` and nothing else: a given plan is applied as it is.');
  }
  const plan = (given ?? manager.planDefragmentation({
    ...(fields['for'] === undefined ? {} : { for: fields['for'] }),
    ...(fields['maxMoves'] === undefined ? {} : { maxMoves: fields['maxMoves'] }),
    ...(fields['priorityAtMost'] === undefined ? {} : { priorityAtMost: fields['priorityAtMost'] }),
  } as never)) as DefragmentationPlan;
  if (dryRun) return { status: 200, body: { dryRun: true, plan } };
  try {
    const { migrated } = manager.applyDefragmentation(plan);
    return { status: 200, body: { dryRun: false, plan, migrated } };
  } catch (error) {
    // the cluster moved on since the plan was made: a conflict, not a bad request
    if (isFairpackError(error) && error.code === 'STALE_PLAN') throw new HttpError(409, 'STALE_PLAN', error.message);
    throw error;
  }
}
