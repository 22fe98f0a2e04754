// GraphiQL for department developers, served by the gateway from local files: the page, its script and
// styles (fonts inlined) and Monaco's web workers are built from the `graphiql` package into
// dist/graphiql/ by scripts/build-graphiql.mjs (run by `npm ci`). No request leaves the machine, which a
// Content-Security-Policy on the page enforces in the browser.
import express from 'express';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where scripts/build-graphiql.mjs writes the page's static files. */
export const graphiqlAssetsDir = fileURLToPath(new URL('../../dist/graphiql/', import.meta.url));

export const graphiqlPlaceholderHeaders: Readonly<Record<string, string>> = {
  Authorization: 'Bearer <paste a token from govgraph token>',
  'x-purpose': '<purpose code>',
};

const defaultQueryText = `# Welcome to govgraph.
# 1. Put a token from \`govgraph token --dept CODE\` in the
#    Authorization header below, and a purpose code as x-purpose.
# 2. The schema and its Docs load once the token is accepted.
# 3. Run a query with the run button or Ctrl-Enter.
query {
  __typename
}
`;

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
<link rel="stylesheet" href="${assets}/graphiql.css">
<style>html, body { height: 100%; margin: 0; } #graphiql { height: 100vh; }</style>
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
<html lang="en"><head><meta charset="utf-8"><title>govgraph · GraphiQL not built</title></head>
<body><h1>GraphiQL is not built</h1>
<p>Its files are made by <code>npm ci</code>; to build them again, run <code>node scripts/build-graphiql.mjs</code>.</p>
</body></html>
`;

/**
 * A router serving GraphiQL at its root (the gateway mounts it at `/graphiql`) and the page's files
 * under `assets/`. The endpoint is `graphqlPath` on the page's own origin.
 */
export function graphiqlRouter(opts: GraphiqlOptions): express.Router {
  const config = {
    endpoint: opts.graphqlPath,
    defaultHeaders: JSON.stringify(opts.defaultHeaders ?? graphiqlPlaceholderHeaders, null, 2),
    defaultQuery: opts.defaultQuery ?? defaultQueryText,
  };
  const router = express.Router();
  router.use(
    '/assets',
    express.static(graphiqlAssetsDir, { index: false, fallthrough: false, immutable: false, maxAge: 0 }),
  );
  router.get('/', (req, res) => {
    res.set('Cache-Control', 'no-cache');
    if (!existsSync(`${graphiqlAssetsDir}graphiql.js`)) {
      res.status(503).type('html').send(notBuiltHtml);
      return;
    }
    res.set('Content-Security-Policy', contentSecurityPolicy);
    res.set('X-Content-Type-Options', 'nosniff');
    res.type('html').send(pageHtml(req.baseUrl, config));
  });
  return router;
}
