/**
 * The server's JSON API, from the page. The admin token lives in this module's memory only: never
 * in a URL, storage or cookie; it is sent as `Authorization: Bearer` on admin actions and is gone
 * when the page is closed or reloaded.
 */
let adminToken: string | undefined;

export function setAdminToken(token: string | undefined): void {
  adminToken = token === undefined || token.trim() === '' ? undefined : token.trim();
}

export function hasAdminToken(): boolean {
  return adminToken !== undefined;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function request<T>(method: string, path: string, body?: unknown, admin = false): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (admin && adminToken !== undefined) headers['authorization'] = `Bearer ${adminToken}`;
  const response = await fetch(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }), cache: 'no-store' });
  const text = await response.text();
  let json: unknown = {};
  try {
    json = text === '' ? {} : JSON.parse(text);
  } catch {
    // not JSON: reported below with the status
  }
  if (!response.ok) {
    const error = (json as { error?: { code?: string; message?: string } }).error;
    throw new ApiError(response.status, error?.code ?? `HTTP_${response.status}`, error?.message ?? `${method} ${path} answered ${response.status}.`);
  }
  return json as T;
}

export const getJson = <T>(path: string): Promise<T> => request<T>('GET', path);
/** An admin action: carries the token when one was entered (the server refuses it otherwise). */
export const adminCall = <T>(method: string, path: string, body?: unknown): Promise<T> => request<T>(method, path, body, true);
