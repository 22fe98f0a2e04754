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

function App({ config }) {
  const params = new URLSearchParams(window.location.search);
  const initialHeaders = params.get('headers') ?? config.defaultHeaders;
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
    initialQuery: params.get('query') ?? undefined,
    initialVariables: params.get('variables') ?? undefined,
    initialHeaders,
    isHeadersEditorEnabled: true,
    defaultEditorToolsVisibility: 'headers',
    shouldPersistHeaders: false, // tokens stay out of the browser's storage
    schemaDescription: true,
    inputValueDeprecation: true,
    onEditHeaders,
  });
}

const config = readConfig();
createRoot(document.getElementById('graphiql')).render(createElement(App, { config }));
