// The app shell (index.html) with the preloads of the address it is answered for: the route chunks the UI's
// router will load (`<link rel="modulepreload">`, stylesheets as `rel="preload" as="style"`) and the first API
// requests its screens make (`<link rel="preload" as="fetch">`), so the browser starts them while the entry
// chunk downloads and runs instead of after it. The table is web/src/preloads.ts, resolved by the UI's build
// into dist/preloads.json (hashed chunk names, URL templates with `{param}` holes), so it always matches the
// built UI. A preload is a hint to the user's own browser: its request carries the user's own cookie and goes
// through the normal authentication and access checks; nothing is fetched or embedded here.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ACCESS_COOKIE } from '../auth/authenticate.ts';

interface BuiltPreload {
  path: string;
  modules: string[];
  styles: string[];
  fetch: { url: string; unlessSearch: string[] }[];
}

interface Route {
  pattern: RegExp;
  names: string[];
  preload: BuiltPreload;
}

interface Shell {
  mtimeMs: number;
  html: string;
  routes: Route[];
}

const shells = new Map<string, Shell>();

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function compile(preload: BuiltPreload): Route {
  const names: string[] = [];
  const source = preload.path
    .split(/(:\w+)/)
    .map((part) => {
      if (!part.startsWith(':')) return escapeRegExp(part);
      names.push(part.slice(1));
      return '([A-Za-z0-9_-]+)';
    })
    .join('');
  return { pattern: new RegExp(`^${source}/?$`), names, preload };
}

function readTable(root: string): Route[] {
  let text: string;
  try {
    text = readFileSync(path.join(root, 'preloads.json'), 'utf8');
  } catch {
    return []; // built before the table existed, or a build without it: the shell as it is
  }
  const table = JSON.parse(text) as BuiltPreload[];
  return Array.isArray(table) ? table.map(compile) : [];
}

/** index.html and the table, read again whenever index.html changes (a rebuild while the server runs). */
function shellOf(root: string): Shell {
  const file = path.join(root, 'index.html');
  const { mtimeMs } = statSync(file);
  const known = shells.get(root);
  if (known && known.mtimeMs === mtimeMs) return known;
  const shell = { mtimeMs, html: readFileSync(file, 'utf8'), routes: readTable(root) };
  shells.set(root, shell);
  return shell;
}

/** The `<link>` tags for `pathname` (empty when no route matches); data only for a signed-in browser. */
export function preloadLinks(routes: Route[], pathname: string, search: URLSearchParams, signedIn: boolean) {
  for (const route of routes) {
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    const fill = (template: string) =>
      route.names.reduce((url, name, i) => url.replaceAll(`{${name}}`, match[i + 1] ?? ''), template);
    const links: string[] = [];
    if (signedIn) {
      for (const f of route.preload.fetch) {
        if (f.unlessSearch.some((name) => search.has(name))) continue;
        // `crossorigin` (anonymous): a same-origin request with cookies, as the app's own fetch() makes it,
        // so the browser hands this response to that fetch instead of asking again.
        links.push(`<link rel="preload" as="fetch" crossorigin href="${attr(fill(f.url))}">`);
      }
    }
    for (const m of route.preload.modules)
      links.push(`<link rel="modulepreload" crossorigin href="${attr(m)}">`);
    for (const s of route.preload.styles)
      links.push(`<link rel="preload" as="style" crossorigin href="${attr(s)}">`);
    return links;
  }
  return [];
}

/** The app shell's HTML for a request's URL and cookie header. */
export function shellHtml(root: string, url: string, cookieHeader: string | undefined): string {
  const shell = shellOf(root);
  if (shell.routes.length === 0) return shell.html;
  const [pathname = '/', query = ''] = url.split('?', 2);
  const signedIn = new RegExp(`(?:^|;\\s*)${ACCESS_COOKIE}=[^;]`).test(cookieHeader ?? '');
  const links = preloadLinks(shell.routes, pathname, new URLSearchParams(query), signedIn);
  if (links.length === 0 || !shell.html.includes('</head>')) return shell.html;
  return shell.html.replace('</head>', `  ${links.join('\n    ')}\n  </head>`);
}
