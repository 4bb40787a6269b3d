import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildDashboard } from '../../scripts/build-dashboard.js';
import { DASHBOARD_HTML, DASHBOARD_SCRIPT_HASH } from '../../src/cli/serve/dashboard/dashboard-asset.generated.js';

describe('the dashboard asset', () => {
  it('is current: the committed module equals a fresh build of src/cli/serve/dashboard/client (else run npm run build:dashboard)', async () => {
    const fresh = await buildDashboard();
    expect(DASHBOARD_SCRIPT_HASH).toBe(fresh.scriptHash);
    expect(DASHBOARD_HTML === fresh.html).toBe(true);
  });

  it('stays small: under 100 KB gzipped (docs/performance.md records the figure)', () => {
    expect(gzipSync(DASHBOARD_HTML, { level: 9 }).length).toBeLessThan(100 * 1024);
  });
});
