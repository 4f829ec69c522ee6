// Vite builds web/ into web/dist (served by the API server at `/`); `npm run dev` serves it with a proxy to the
// API (API_URL, default http://localhost:8080).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import postcss from 'postcss';
import { defineConfig, type Plugin, type Rollup } from 'vite';
import { routePreloads } from './src/preloads.ts';

const webRoot = fileURLToPath(new URL('.', import.meta.url));

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

/** One address's preloads as the server reads them from dist/preloads.json. */
export interface BuiltPreload {
  path: string;
  modules: string[];
  styles: string[];
  fetch: { url: string; unlessSearch: string[] }[];
}

/**
 * dist/preloads.json: src/preloads.ts with each route's source modules resolved to the chunks the router
 * loads (the module's chunk and the chunks and stylesheets it imports statically, less the entry's, which
 * index.html loads already) and its URLs as templates with `{param}` holes.
 */
function routePreloadTable(): Plugin {
  return {
    name: 'route-preloads',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter((c): c is Rollup.OutputChunk => c.type === 'chunk');
      const byFile = new Map(chunks.map((c) => [c.fileName, c]));
      const entry = new Set<string>();
      const walk = (c: Rollup.OutputChunk, into: Set<string>) => {
        if (into.has(c.fileName)) return;
        into.add(c.fileName);
        for (const f of c.imports) {
          const next = byFile.get(f);
          if (next) walk(next, into);
        }
      };
      for (const c of chunks.filter((x) => x.isEntry)) walk(c, entry);
      const cssOf = (c: Rollup.OutputChunk) => [
        ...((c as { viteMetadata?: { importedCss?: Set<string> } }).viteMetadata?.importedCss ?? []),
      ];
      const table: BuiltPreload[] = routePreloads.map((route) => {
        const files = new Set<string>();
        for (const module of route.modules) {
          const id = path.join(webRoot, module);
          const chunk = chunks.find((c) => c.facadeModuleId === id);
          if (!chunk) this.error(`src/preloads.ts: no chunk for ${module} (is it imported lazily?)`);
          walk(chunk, files);
        }
        const own = [...files].filter((f) => !entry.has(f));
        const holes = Object.fromEntries(
          [...route.path.matchAll(/:(\w+)/g)].map((m) => [m[1] as string, `{${m[1]}}`]),
        );
        return {
          path: route.path,
          modules: own.map((f) => `/${f}`),
          styles: own.flatMap((f) => cssOf(byFile.get(f) as Rollup.OutputChunk)).map((f) => `/${f}`),
          fetch: route.fetch(holes).map((u) => (typeof u === 'string' ? { url: u, unlessSearch: [] } : u)),
        };
      });
      this.emitFile({ type: 'asset', fileName: 'preloads.json', source: JSON.stringify(table, null, 1) });
    },
  };
}

export default defineConfig({
  root: webRoot,
  plugins: [react(), labelStudioCss(), routePreloadTable()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  server: {
    port: Number(process.env.WEB_PORT ?? 5173),
    strictPort: false,
    proxy: { '/api': { target: api }, '/healthz': { target: api } },
  },
});
