// Vite builds web/ into web/dist (served by the API server at `/`); `npm run dev` serves it with a proxy to the
// API (API_URL, default http://localhost:8080).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import postcss from 'postcss';
import { defineConfig, type Plugin } from 'vite';

const api = process.env.API_URL ?? 'http://localhost:8080';

/**
 * The Label Studio frontend's stylesheet made local to it: every rule is prefixed with
 * `:where(.lsf-root, body > div:not(#root))` (its root node and the popups it appends to <body>), at zero
 * specificity so its own cascade is unchanged, and its html/body/:root rules apply to its root instead.
 * Without this its global reset (antd) restyles the whole application.
 */
function scopeLabelStudioCss(css: string): string {
  const scope = ':where(.lsf-root, body > div:not(#root))';
  const root = postcss.parse(css);
  root.walkRules((rule) => {
    const parent = rule.parent;
    if (parent?.type === 'atrule' && /keyframes$/i.test((parent as postcss.AtRule).name)) return;
    rule.selectors = rule.selectors.map((s) =>
      /^(html|body|:root)\b/.test(s.trim()) ? s.trim().replace(/^(html|body|:root)/, scope) : `${scope} ${s}`,
    );
  });
  return root.toString();
}

/**
 * `virtual:label-studio-css`: the URL of the Label Studio frontend's stylesheet, scoped, emitted as a file.
 * It cannot go through the CSS pipeline: some of its selectors are invalid and the minifier refuses them.
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
      const source = scopeLabelStudioCss(readFileSync(file, 'utf8'));
      if (serving)
        return `export default ${JSON.stringify(`data:text/css;base64,${Buffer.from(source).toString('base64')}`)};`;
      const ref = this.emitFile({ type: 'asset', name: 'label-studio.css', source });
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
