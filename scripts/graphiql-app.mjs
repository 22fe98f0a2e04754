// Browser entry of govgraph's GraphiQL page, bundled by scripts/build-graphiql.mjs into dist/graphiql/.
// Everything it loads (script, styles, fonts, Monaco's web workers) comes from the gateway itself:
// the page works on a closed government network.
import { createElement, useCallback, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import 'graphiql/style.css';

// Monaco runs its language services in web workers; each is a file next to this bundle.
const workerUrls = {
  editor: new URL('./editor.worker.js', import.meta.url),
  json: new URL('./json.worker.js', import.meta.url),
  graphql: new URL('./graphql.worker.js', import.meta.url),
};
globalThis.MonacoEnvironment = {
  getWorker(_workerId, label) {
    const url = label === 'json' ? workerUrls.json : label === 'graphql' ? workerUrls.graphql : workerUrls.editor;
    return new Worker(url);
  },
};

/** The page's settings, written by the gateway (src/server/graphiql.ts) as JSON into the page. */
function readConfig() {
  const element = document.getElementById('govgraph-graphiql-config');
  const config = JSON.parse(element?.textContent ?? '{}');
  return {
    endpoint: new URL(config.endpoint ?? '/graphql', window.location.href).href,
    defaultHeaders: config.defaultHeaders ?? '{}',
    defaultQuery: config.defaultQuery ?? '',
  };
}

/** Parses the headers editor's text; undefined while it is not a JSON object. */
function parseHeaders(text) {
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

// The headers the gateway prefilled last time this browser opened the page (under `serve --demo`, the printed
// token and purpose), to tell a reload from a gateway that now prefills other headers.
const DEFAULTS_KEY = 'govgraph:defaultHeaders';

/**
 * The headers GraphiQL starts with: those of the URL (`?headers=`); the gateway's prefilled ones when they
 * are new to this browser (first visit, or a new demo token); otherwise none, so that GraphiQL restores
 * what the user had in its editor (shouldPersistHeaders), across reloads.
 */
function startingHeaders(params, defaultHeaders) {
  const fromUrl = params.get('headers');
  if (fromUrl !== null) return fromUrl;
  try {
    const known = window.localStorage.getItem(DEFAULTS_KEY);
    window.localStorage.setItem(DEFAULTS_KEY, defaultHeaders);
    return known === defaultHeaders ? undefined : defaultHeaders;
  } catch {
    return defaultHeaders; // no storage (a locked-down browser): GraphiQL keeps nothing either
  }
}

function App({ config }) {
  const params = new URLSearchParams(window.location.search);
  const initialHeaders = startingHeaders(params, config.defaultHeaders);
  // Headers no kept tab holds get a tab of their own; GraphiQL leaves its query empty unless it is given one
  // (only a first visit's tab starts with defaultQuery). Given, it starts with the welcome text, as a first
  // visit's does: a new demo token, or tabs kept from before govgraph:defaultHeaders was written.
  const initialQuery = params.get('query') ?? (initialHeaders !== undefined ? config.defaultQuery : undefined);
  // Introspection needs a valid token on this platform. GraphiQL introspects again whenever its fetcher
  // changes, so a new fetcher is made (after a short pause in typing) when the headers editor holds a
  // different JSON object: pasting a token loads the schema and the documentation without a reload.
  const [generation, setGeneration] = useState(0);
  const fetcher = useMemo(() => createGraphiQLFetcher({ url: config.endpoint }), [config.endpoint, generation]);
  const lastHeaders = useRef(JSON.stringify(parseHeaders(initialHeaders) ?? null));
  const timer = useRef(undefined);
  const onEditHeaders = useCallback((text) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      const headers = parseHeaders(text);
      if (!headers) return;
      const key = JSON.stringify(headers);
      if (key === lastHeaders.current) return;
      lastHeaders.current = key;
      setGeneration((g) => g + 1);
    }, 500);
  }, []);
  return createElement(GraphiQL, {
    fetcher,
    defaultQuery: config.defaultQuery,
    defaultHeaders: config.defaultHeaders,
    initialQuery,
    initialVariables: params.get('variables') ?? undefined,
    initialHeaders,
    isHeadersEditorEnabled: true,
    defaultEditorToolsVisibility: 'headers',
    // Headers, the token included, are kept in this origin's local storage, so that a reload keeps them
    // (docs/typed-clients.md says so; tokens expire, 8 h by default).
    shouldPersistHeaders: true,
    schemaDescription: true,
    inputValueDeprecation: true,
    onEditHeaders,
  });
}

const config = readConfig();
createRoot(document.getElementById('graphiql')).render(createElement(App, { config }));
