// The schema version that answered a request (SPEC §15), in the answer's `x-schema-version` header.
// /metrics named the version in effect (`govgraph_schema_version`), for the operator; a department's
// developer, whose answer changed shape or whose new field was unknown after a publication, could not
// tell which schema the answer came from: the instance behind the load balancer may not have polled the
// publication yet (within 2 s), or a request begun just before it ran on the schema before (Apollo keeps a
// request's schema to its end). The header names the request's own build, by the same digest /metrics
// gives (the first 12 hexadecimal digits of the SHA-256 of its SDL), so both can be compared. A header,
// not the body's `extensions`: answers keep their shape, and refusals before a schema was picked (a token,
// a rate) carry none, as nothing answered them.
import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { RequestContext } from '../../../resolvers/request.ts';

export const SCHEMA_VERSION_HEADER = 'x-schema-version';

/** The digest of an SDL as /metrics (`govgraph_schema_version`) and this header give it. */
export const schemaVersionOf = (sdl: string): string => createHash('sha256').update(sdl).digest('hex').slice(0, 12);

/** `sdlOf`: the SDL of the build a schema handed to Apollo was made from (SchemaHolder.buildOf). */
export function schemaVersionPlugin(sdlOf: (schema: GraphQLSchema) => string | undefined): ApolloServerPlugin<RequestContext> {
  const digests = new WeakMap<GraphQLSchema, string>();
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ schema, response }) {
          let digest = digests.get(schema);
          if (digest === undefined) {
            const sdl = sdlOf(schema);
            if (sdl === undefined) return;
            digests.set(schema, (digest = schemaVersionOf(sdl)));
          }
          response.http.headers.set(SCHEMA_VERSION_HEADER, digest);
        },
      };
    },
  };
}
