// The gateway: Apollo Server 5 on express 5, GraphQL at /graphql, GraphiQL at /graphiql, /healthz.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import express from 'express';
import { GraphQLError } from 'graphql';
import type { Platform } from '../model/platform.ts';
import type { Store } from '../store/port.ts';
import { createAccessContext } from '../access/context.ts';
import { activeGrantsFor } from '../access/grants.ts';
import { createVerifier } from '../identity/verify.ts';
import { parsePurpose } from '../identity/purpose.ts';
import { platformSecret } from '../identity/secret.ts';
import type { RequestContext } from './context.ts';
import { createCursorCodec } from './cursors.ts';
import { createFormatError } from './format-error.ts';
import { loggingPlugin } from './plugins/logging.ts';
import { auditPlugin } from './plugins/audit.ts';
import { SchemaHolder } from './schema-holder.ts';
import { graphiqlRouter } from './graphiql.ts';

export interface GatewayOptions {
  platform: Platform;
  store: Store;
  port?: number;
  host?: string;
  /** Apply the access rules (default true); off only in the benchmark measuring their cost. */
  rules?: boolean;
  /** How often to look for newly published catalogues, ms (default 2000; 0 = never). */
  pollMs?: number;
  jwksUrl?: string;
  development?: boolean;
  plugins?: ApolloServerPlugin<RequestContext>[];
  log?: (err: unknown) => void;
}

export interface Gateway {
  url: string;
  port: number;
  holder: SchemaHolder;
  secret: Uint8Array;
  close(): Promise<void>;
}

function authError(err: unknown): GraphQLError {
  const code = (err as { code?: string }).code;
  if (code === 'UNAUTHENTICATED' || code === 'BAD_USER_INPUT') {
    return new GraphQLError((err as Error).message, {
      extensions: { code, http: { status: code === 'UNAUTHENTICATED' ? 401 : 400 } },
    });
  }
  return err as GraphQLError;
}

/** A caller's x-request-id when it is a plain token (it goes into logs and the audit log), else a new one. */
function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && /^[\w.:-]{1,128}$/.test(header) ? header : randomUUID();
}

export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const { platform, store } = opts;
  const secret = await platformSecret(store);
  const verifier = createVerifier({ secret, jwksUrl: opts.jwksUrl, platform });
  const cursors = createCursorCodec(secret);
  const holder = new SchemaHolder(platform, store, { rules: opts.rules, pollMs: opts.pollMs, onError: opts.log });
  await holder.refresh();

  const app = express();
  const httpServer = http.createServer(app);
  const server = new ApolloServer<RequestContext>({
    gateway: holder,
    introspection: true, // still behind authentication: the context refuses anonymous requests
    includeStacktraceInErrorResponses: opts.development ?? false,
    formatError: createFormatError({ development: opts.development ?? false, log: opts.log }),
    // Compact JSON: Apollo pretty-prints by default, which costs a tenth of a 100-record response.
    stringifyResult: (value) => JSON.stringify(value),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // No per-field cache hints are used, and Apollo's landing page loads from a CDN: both off.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      auditPlugin,
      loggingPlugin(), // one structured line per request (GOVGRAPH_LOG_LEVEL)
      ...(opts.plugins ?? []),
    ],
  });
  await server.start();

  app.get('/healthz', (_req, res) => {
    res.status(holder.loaded ? 200 : 503).json({ status: holder.loaded ? 'ok' : 'loading' });
  });
  // GraphiQL's page and files load without a token; its queries go to /graphql, which needs one.
  app.use('/graphiql', graphiqlRouter({ graphqlPath: '/graphql' }));
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(server, {
      context: async ({ req }): Promise<RequestContext> => {
        let identity, purpose;
        try {
          identity = await verifier.verify(req.headers.authorization);
          purpose = parsePurpose(req.headers['x-purpose'], platform);
        } catch (err) {
          throw authError(err);
        }
        const now = new Date();
        const grants = await activeGrantsFor(store, identity.dept.code, now);
        return {
          requestId: requestIdOf(req.headers['x-request-id']),
          platform,
          store,
          identity,
          purpose,
          now,
          access: createAccessContext({ requester: identity.dept, purpose, grants, now }),
          grants,
          cursors,
          loaders: new Map(),
          records: new Map(),
          reads: new Map(),
          schema: holder,
        };
      },
    }),
  );

  await new Promise<void>((resolve) => httpServer.listen(opts.port ?? 4000, opts.host ?? '127.0.0.1', resolve));
  const port = (httpServer.address() as AddressInfo).port;
  const host = opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1';
  return {
    url: `http://${host}:${port}`,
    port,
    holder,
    secret,
    async close() {
      await server.stop();
      await holder.stop();
    },
  };
}
