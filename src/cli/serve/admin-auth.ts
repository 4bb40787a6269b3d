import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-io.js';

/**
 * Checks `Authorization: Bearer <token>` for the admin routes: 401 without credentials, 403 with
 * the wrong token, and 403 `ADMIN_DISABLED` when the server has no admin token at all.
 */
export function adminGuard(adminToken: string | undefined): (request: IncomingMessage) => void {
  return bearerGuard(adminToken, 'admin token', ['ADMIN_DISABLED', 'The admin API is off: start the server with --admin-token or FAIRPACK_ADMIN_TOKEN.']);
}

/**
 * The same for the node routes (heartbeats): a token of their own, so that a client that holds
 * the admin token — or a compromised one — cannot keep a dead node "alive", and a node agent holds
 * no admin rights. 403 `NODE_API_DISABLED` when the server has no node token.
 */
export function nodeGuard(nodeToken: string | undefined): (request: IncomingMessage) => void {
  return bearerGuard(nodeToken, 'node token', ['NODE_API_DISABLED', 'The node API (heartbeats) is off: start the server with --node-token or FAIRPACK_NODE_TOKEN.']);
}

/**
 * Both tokens are hashed first and the digests compared with `timingSafeEqual`: the comparison
 * then takes the same time whatever the token's length or how many leading characters match,
 * so timing reveals nothing about the secret.
 */
function bearerGuard(token: string | undefined, what: string, [disabledCode, disabledMessage]: readonly [string, string]): (request: IncomingMessage) => void {
  const expected = token === undefined ? undefined : digest(token);
  return (request) => {
    if (expected === undefined) throw new HttpError(403, disabledCode, disabledMessage);
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    if (match === null) {
      throw new HttpError(401, 'UNAUTHORIZED', `Expected an \`Authorization: Bearer <${what}>\` header.`, { 'www-authenticate': 'Bearer realm="fairpack"' });
    }
    if (!timingSafeEqual(digest(match[1] as string), expected)) throw new HttpError(403, 'FORBIDDEN', `The ${what} is not valid.`);
  };
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
