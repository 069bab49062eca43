// Builds the page (src/web) into dist/web, served by the dashboard's server. Preact's JSX through
// Vite's own transform (no plugin needed); one script and one stylesheet file, no inline code, so
// the server's Content-Security-Policy can forbid inline scripts and styles.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('./src/web', import.meta.url)),
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
