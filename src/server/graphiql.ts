// GraphiQL for department developers, served by the gateway from local files: the page, its script and
// styles (fonts inlined) and Monaco's web workers are built from the `graphiql` package into
// dist/graphiql/ by scripts/build-graphiql.mjs (run by `npm run build`). No request leaves the machine, which a
// Content-Security-Policy on the page enforces in the browser.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { chooseEncoding, compress, sendJson } from './http/respond.ts';
import { packagePath } from '../package-root.ts';

/** Where scripts/build-graphiql.mjs writes the page's static files. */
export const graphiqlAssetsDir = packagePath('dist', 'graphiql') + '/';

/**
 * The schema's descriptions put one fact per line (a resource's methods, scope of use, conditions, basis:
 * src/generate/sdl.ts); Markdown joins a paragraph's lines with spaces, so that a condition with no full
 * stop ran into the next ("Conditions: Under a sharing grant Basis: ..."). The Docs keep the lines.
 */
const DESCRIPTION_LINES = '.graphiql-markdown-description p, .graphiql-markdown-preview p { white-space: pre-line; }';

export const graphiqlPlaceholderHeaders: Readonly<Record<string, string>> = {
  Authorization: 'Bearer <paste a token from govgraph token>',
  'x-purpose': '<purpose code>',
};

/**
 * The welcome text when the headers editor holds placeholders: the developer pastes a token, and a purpose
 * code of this platform, which the text names. The placeholder `<purpose code>` left in place is refused
 * (an unknown purpose, HTTP 400) even beside a good token, so the schema and its Docs would not load: a
 * developer new to the platform learns its codes here, or deletes the line (introspection needs none).
 */
export function placeholderWelcome(purposes: readonly string[] = [], schema: SchemaAnswer = 'introspection'): string {
  // The command alone, run in the govgraph folder, signs with ./data's secret (the demo's): on a platform
  // of one's own that token is refused. The page is public, so it names no path of the gateway's store.
  const lines = [
    '# Welcome to govgraph.',
    '# 1. Put a token from `npx govgraph token --dept CODE` in the',
    "#    Authorization header below (run with this gateway's --platform",
    '#    and --data, as `govgraph serve` printed: a token made on another',
    '#    data folder is refused), and a purpose code as x-purpose',
  ];
  if (purposes.length) {
    lines[lines.length - 1] += ', one of';
    let line = '#   ';
    for (const [i, code] of purposes.entries()) {
      const word = ` ${code}${i < purposes.length - 1 ? ',' : ''}`;
      if (line.length + word.length > 72 && line !== '#   ') {
        lines.push(line);
        line = '#   ';
      }
      line += word;
    }
    lines.push(line);
  }
  lines.push(
    '#    (or delete the x-purpose line: the schema needs none; reading',
    "#    another department's data does).",
    ...(schema === 'introspection'
      ? ['# 2. The schema and its Docs load once the token is accepted and', '#    x-purpose is one of those codes or left out.']
      : noSchemaLines(2, schema)),
    ...runLines(3, schema),
  );
  return `${lines.join('\n')}\nquery {\n  __typename\n}\n`;
}

/**
 * Whether this gateway answers GraphiQL's introspection: `off` under `server.introspection: false`,
 * `untrusted` under `trustedDocuments.mode: require` (introspection is in no manifest). In both the Docs
 * never load, whatever the token, and the welcome text says so rather than promising them.
 */
export type SchemaAnswer = 'introspection' | 'off' | 'untrusted';

/** Step `n` of a welcome text when introspection is refused: why the Docs stay empty, and where the schema is. */
function noSchemaLines(n: number, schema: Exclude<SchemaAnswer, 'introspection'>): string[] {
  const why = schema === 'off'
    ? [`# ${n}. Introspection is turned off on this platform`, '#    (server.introspection: false): the schema and its Docs do not load.']
    : [`# ${n}. This gateway runs only trusted documents (trustedDocuments:`, '#    require) and introspection is in no manifest: the schema and', '#    its Docs do not load.'];
  return [...why, "#    The operator prints your department's view of the schema with", '#    `govgraph schema print --dept CODE` (docs/typed-clients.md).'];
}

/** Step `n` of a welcome text: how to run a query; under `require`, only a manifest's operation runs. */
function runLines(n: number, schema: SchemaAnswer): string[] {
  if (schema !== 'untrusted') return [`# ${n}. Run a query with the run button or Ctrl-Enter.`];
  return [
    `# ${n}. Only the operations of the persisted-documents manifests run`,
    "#    (this one too is refused): paste one of your typed client's",
    '#    operations and run it with the run button or Ctrl-Enter.',
  ];
}

/** The welcome text when the gateway prefilled the headers (\`serve --demo\`: its token and purpose). */
export function prefilledWelcome(schema: SchemaAnswer = 'introspection'): string {
  const lines = [
    '# Welcome to govgraph.',
    '# 1. The headers below already hold a token and a purpose (x-purpose);',
    '#    edit them to act for another department (`npx govgraph token --dept CODE`)',
    '#    or purpose. What you type there is kept across reloads.',
    ...(schema === 'introspection' ? ['# 2. The schema and its Docs show what that department may read.'] : noSchemaLines(2, schema)),
    ...runLines(3, schema),
  ];
  return `${lines.join('\n')}\nquery {\n  __typename\n}\n`;
}

// Only this origin: scripts, styles, fonts (inlined as data: URLs), workers and the GraphQL endpoint.
// Monaco sets styles at run time, hence 'unsafe-inline' for styles only.
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

export interface GraphiqlOptions {
  /** Path of the GraphQL endpoint on the same origin, e.g. `/graphql`. */
  graphqlPath: string;
  /** Prefilled request headers; placeholders for `Authorization` and `x-purpose` when absent. */
  defaultHeaders?: Record<string, string>;
  /** Query editor contents for a new tab. */
  defaultQuery?: string;
  /** The platform's purpose codes, which the welcome text names when the headers hold placeholders. */
  purposes?: readonly string[];
  /** Whether the gateway answers introspection, which the welcome text tells (default `introspection`). */
  schema?: SchemaAnswer;
}

/** JSON that is safe inside a `<script>` element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function pageHtml(base: string, config: unknown): string {
  const assets = `${escapeHtml(base)}/assets`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>govgraph · GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${assets}/graphiql.css">
<style>html, body { height: 100%; margin: 0; } #graphiql { height: 100vh; }
${DESCRIPTION_LINES}</style>
<script type="application/json" id="govgraph-graphiql-config">${scriptJson(config)}</script>
<script type="module" src="${assets}/graphiql.js"></script>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<noscript>GraphiQL needs JavaScript.</noscript>
</body>
</html>
`;
}

const notBuiltHtml = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>govgraph · GraphiQL not built</title><link rel="icon" href="data:,"></head>
<body><h1>GraphiQL is not built</h1>
<p>Its files are made by <code>npm run build</code>.</p>
</body></html>
`;

// The page's scripts and styles only: beside them the build writes build.json (GraphiQL's version and the
// time of the build, for scripts/prepare.mjs), which told anyone without a token which GraphiQL this
// gateway serves and when it was deployed; a source map would name the build's paths.
const CONTENT_TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

/** The page's files, read once and compressed once per encoding (they change only with a new build). */
function assetCache() {
  const cache = new Map<string, Promise<Buffer | null>>();
  const get = (name: string, encoding: 'br' | 'gzip' | null): Promise<Buffer | null> => {
    const key = `${name}|${encoding ?? ''}`;
    let hit = cache.get(key);
    if (!hit) {
      hit = encoding
        ? get(name, null).then((raw) => raw && compress(raw, encoding))
        : readFile(`${graphiqlAssetsDir}${name}`).catch(() => null);
      cache.set(key, hit);
      // A missing file is looked for again next time (the build may come after the start).
      hit.then((b) => b ?? cache.delete(key), () => cache.delete(key));
    }
    return hit;
  };
  return get;
}

/** Handles a request under `/graphiql` (`subpath` is what follows it, `/` for the page). */
export type GraphiqlHandler = (req: IncomingMessage, res: ServerResponse, subpath: string) => Promise<void>;

/**
 * GraphiQL at its root (the gateway mounts it at `/graphiql`) and the page's files under `assets/`. The
 * endpoint is `graphqlPath` on the page's own origin.
 */
/** What the page gives GraphiQL: the endpoint, the headers editor's and the query editor's first contents. */
export function graphiqlConfig(opts: GraphiqlOptions): { endpoint: string; defaultHeaders: string; defaultQuery: string } {
  return {
    endpoint: opts.graphqlPath,
    defaultHeaders: JSON.stringify(opts.defaultHeaders ?? graphiqlPlaceholderHeaders, null, 2),
    defaultQuery: opts.defaultQuery ?? (opts.defaultHeaders ? prefilledWelcome(opts.schema) : placeholderWelcome(opts.purposes, opts.schema)),
  };
}

export function graphiqlHandler(opts: GraphiqlOptions & { base?: string }): GraphiqlHandler {
  const config = graphiqlConfig(opts);
  const base = opts.base ?? '/graphiql';
  const assets = assetCache();
  return async (req, res, subpath) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      // In JSON, as every other refusal of the gateway (routes.ts): a plain-text 405 was the one exception.
      await sendJson(req, res, 405, { error: 'method not allowed; use GET or HEAD' }, { Allow: 'GET, HEAD' });
      return;
    }
    if (subpath === '' || subpath === '/') {
      res.setHeader('Cache-Control', 'no-cache');
      const built = existsSync(`${graphiqlAssetsDir}graphiql.js`);
      if (built) res.setHeader('Content-Security-Policy', contentSecurityPolicy);
      res.writeHead(built ? 200 : 503, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : built ? pageHtml(base, config) : notBuiltHtml);
      return;
    }
    const name = /^\/assets\/([\w-]+(?:\.[\w-]+)*)$/.exec(subpath)?.[1];
    const type = name && CONTENT_TYPES[name.slice(name.lastIndexOf('.') + 1)];
    const encoding = chooseEncoding(req.headers['accept-encoding']);
    const body = type ? await assets(name, encoding) : null;
    if (!body) {
      await sendJson(req, res, 404, { error: `not found: no such GraphiQL asset (the page is at ${base})` });
      return;
    }
    res.setHeader('Content-Type', type as string);
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Vary', 'Accept-Encoding');
    if (encoding) res.setHeader('Content-Encoding', encoding);
    res.setHeader('Content-Length', body.length);
    res.statusCode = 200;
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
