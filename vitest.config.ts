import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    // tests import the package by name, as users do; the smoke tests cover the built output
    alias: [
      { find: /^fairpack\/testing$/, replacement: src('testing/index.ts') },
      { find: /^fairpack\/mcp$/, replacement: src('mcp/index.ts') },
      { find: /^fairpack\/client$/, replacement: src('client/index.ts') },
      { find: /^fairpack$/, replacement: src('index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // the browser tests have their own script (vitest.browser.config.ts)
    exclude: [...configDefaults.exclude, 'test/browser/**'],
    setupFiles: ['test/setup-fast-check.ts'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.test.json' },
    testTimeout: 120_000,
  },
});
