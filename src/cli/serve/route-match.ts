import { HttpError } from './http-io.js';
import { ROUTES, type Route } from './routes.js';

/** The route whose pattern matches the path (`:name` matches one segment), with its decoded parameters. */
export function matchRoute(pathname: string): { route: Route; params: Readonly<Record<string, string>> } | undefined {
  const segments = pathname.split('/').slice(1);
  for (const route of ROUTES) {
    const pattern = route.path.split('/').slice(1);
    if (pattern.length !== segments.length) continue;
    // keyed by the pattern's parameter names; null prototype all the same, as every table here
    const params = Object.create(null) as Record<string, string>;
    let ok = true;
    for (let i = 0; i < pattern.length && ok; i++) {
      const want = pattern[i] as string;
      const got = segments[i] as string;
      if (want.startsWith(':')) {
        ok = got.length > 0;
        if (ok) params[want.slice(1)] = decodeSegment(got);
      } else ok = want === got;
    }
    if (ok) return { route, params };
  }
  return undefined;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'INVALID_PATH', `Expected a URL-encoded path segment, got "${segment}".`);
  }
}
