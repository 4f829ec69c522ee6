// Vite builds web/ into web/dist (served by the API server at `/`); `npm run dev` serves it with a proxy to the
// API (API_URL, default http://localhost:8080).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const api = process.env.API_URL ?? 'http://localhost:8080';

/**
 * `virtual:label-studio-css`: the URL of the Label Studio frontend's stylesheet, emitted as a file as it
 * ships. It cannot go through the CSS pipeline: some of its selectors are invalid and the minifier refuses them.
 */
function labelStudioCss(): Plugin {
  const id = 'virtual:label-studio-css';
  const file = createRequire(import.meta.url).resolve('@heartexlabs/label-studio/build/static/css/main.css');
  let serving = false;
  return {
    name: 'label-studio-css',
    configResolved: (config) => {
      serving = config.command === 'serve';
    },
    resolveId: (source) => (source === id ? `\0${id}` : null),
    load(resolved) {
      if (resolved !== `\0${id}`) return null;
      if (serving) return `export default ${JSON.stringify(`/@fs${file}`)};`;
      const ref = this.emitFile({ type: 'asset', name: 'label-studio.css', source: readFileSync(file) });
      return `export default import.meta.ROLLUP_FILE_URL_${ref};`;
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react(), labelStudioCss()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  server: {
    port: Number(process.env.WEB_PORT ?? 5173),
    strictPort: false,
    proxy: { '/api': { target: api }, '/healthz': { target: api } },
  },
});
