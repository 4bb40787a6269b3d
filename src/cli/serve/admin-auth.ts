import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-io.js';

/**
 * Checks `Authorization: Bearer <token>` for the admin routes: 401 without credentials, 403 with
 * the wrong token, and 403 `ADMIN_DISABLED` when the server has no admin token at all.
 *
 * Both tokens are hashed first and the digests compared with `timingSafeEqual`: the comparison
 * then takes the same time whatever the token's length or how many leading characters match,
 * so timing reveals nothing about the secret.
 */
export function adminGuard(adminToken: string | undefined): (request: IncomingMessage) => void {
  const expected = adminToken === undefined ? undefined : digest(adminToken);
  return (request) => {
    if (expected === undefined) throw new HttpError(403, 'ADMIN_DISABLED', 'The admin API is off: start the server with --admin-token or FAIRPACK_ADMIN_TOKEN.');
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    if (match === null) {
      throw new HttpError(401, 'UNAUTHORIZED', 'Expected an `Authorization: Bearer <admin token>` header.', { 'www-authenticate': 'Bearer realm="fairpack"' });
    }
    if (!timingSafeEqual(digest(match[1] as string), expected)) throw new HttpError(403, 'FORBIDDEN', 'The admin token is not valid.');
  };
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
