// The limits of SPEC §13 over the request lifecycle. The document's own limits (depth, aliases, tokens,
// cost) are validation rules and a parser option (src/limits/document.ts), run once per document; this
// plugin adds what depends on the request:
// - rates are taken while the request context is made (src/server/app.ts), before grants, parsing or any
//   store read: an empty bucket refuses the request with RATE_LIMITED (HTTP 429, Retry-After);
// - arguments under the variables: filter bounds (BAD_USER_INPUT), `contains` toward the cost, the `in`
//   cap and the quota of values compared with masked items (src/limits/arguments.ts, probes.ts).
// - trusted documents: under `require` a document not in the manifests is refused (DOCUMENT_NOT_TRUSTED)
//   as the context is made, once its rate is taken (checked here again on the parsed document); under
//   `log` it runs and a warning names its hash, as its audit entry records it (recorded-document.ts). Not a request a connected platform forwards: its document is
//   that platform's delegation of its own client's, checked against the manifests there.
// All of it before the operation runs: a refused request reads nothing. Its refusal is noted for the audit
// plugin, which writes the request's entry with it (SPEC §10: denied requests are logged too).
import type { ApolloServerPlugin, GraphQLRequestContextDidResolveOperation, GraphQLRequestListener } from '@apollo/server';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { limitsOf, maxPageSize, type Platform } from '../../model/platform.ts';
import type { Store } from '../../store/port.ts';
import type { SchemaModel } from '../../generate/model.ts';
import { argumentFigures } from '../../limits/arguments.ts';
import { costOf } from '../../limits/cost.ts';
import { tooComplex } from '../../limits/too-complex.ts';
import { schemaWalksOver, tooManyWalks } from '../../limits/schema-walks.ts';
import { nullWhereRequired } from '../../limits/null-variables.ts';
import { reservedVariable } from '../../limits/reserved-variables.ts';
import { takeProbes } from '../../limits/probes.ts';
import { counterKey } from '../../identity/verify.ts';
import { asksSchemaOnly, type TrustedDocumentStore } from '../../limits/trusted.ts';
import { noteRefusal, type RequestContext } from '../../../resolvers/request.ts';
import { recordedOperationName } from '../../audit/entry.ts';
import type { DocumentHashes } from '../recorded-document.ts';

export type LimitsPluginOptions = {
  /** The schema model of the request's schema (the build it was validated against). */
  model: (schema: GraphQLSchema) => SchemaModel;
  /** Warnings: untrusted documents under `log`, manifests that cannot be read. */
  warn?: (fields: Record<string, unknown>, message: string) => void;
} & (
  | { trusted?: undefined }
  /** The manifests, and how an untrusted document is named (in its refusal and warning) as its audit entry records it. */
  | { trusted: TrustedDocumentStore; documents: DocumentHashes }
);

/**
 * The refusal of a document not in the manifests, naming its hash as its audit entry records it
 * (recorded-document.ts: never an id as sent, which a documentId of 300,000 characters was, whole).
 */
export function notTrusted(recorded: string | null, schemaOnly = false): GraphQLError {
  const hash = recorded ?? undefined;
  // An introspection (codegen's or GraphiQL's schema load) is no client's operation: adding a manifest
  // would not let it run, so its refusal says where the schema comes from instead.
  const message = schemaOnly
    ? 'This gateway runs only trusted documents (trustedDocuments: require), and introspection is in no manifest: generate your typed client from the schema file that `govgraph schema print --dept CODE` prints for your department (docs/typed-clients.md), or against a gateway of the platform whose trustedDocuments mode is log.'
    : 'This gateway runs only trusted documents (trustedDocuments: require): send the documentId of an operation from your typed client\'s persisted documents, or its text as persisted (spacing and the order of fields, arguments and variables do not matter, except a mutation\'s fields, which run in the order written). Ask the platform operator to add your client\'s persisted-documents.json to the manifests.';
  return new GraphQLError(message, { extensions: { code: 'DOCUMENT_NOT_TRUSTED', hash, http: { status: 400 } } });
}

/** A hook's answer when there is nothing to wait for: one settled promise, shared. */
const DONE: Promise<void> = Promise.resolve();

export function limitsPlugin(platform: Platform, store: Store, opts: LimitsPluginOptions): ApolloServerPlugin<RequestContext> {
  const limits = limitsOf(platform);
  const maxPage = maxPageSize(platform);
  const trusted = opts.trusted;
  const mode = trusted?.config.mode ?? 'off';
  type Context = GraphQLRequestContextDidResolveOperation<RequestContext>;
  // Marked for the audit plugin: a refused request gets an entry with the refusal's code (SPEC §10).
  const refusal = (rc: Context, err: unknown) => {
    if (err instanceof GraphQLError && typeof err.extensions.code === 'string') noteRefusal(rc.contextValue, err);
    return Promise.reject(err);
  };
  const check = (rc: Context): Promise<void> => {
    const ctx = rc.contextValue;
    // Not a forwarded request: its document is the connected platform's delegation (src/server/app.ts).
    if (opts.trusted && mode !== 'off' && !ctx.identity?.via && !opts.trusted.trusts(rc.queryHash, rc.document, rc.source)) {
      const hash = opts.documents.ofDocument(rc.document, rc.source);
      if (mode === 'require') return refusal(rc, notTrusted(hash, asksSchemaOnly(rc.document)));
      opts.warn?.({ requestId: ctx.requestId, department: ctx.identity?.dept.code, operationName: recordedOperationName(rc.operationName), hash }, 'untrusted document');
    }
    const { operation, document, schema } = rc;
    if (!operation) return DONE;
    const variables = rc.request.variables;
    const reserved = reservedVariable(operation);
    if (reserved) return refusal(rc, reserved);
    const nulled = nullWhereRequired(schema, document, operation, variables);
    if (nulled) return refusal(rc, nulled);
    // Introspection written otherwise each time, alias after alias, is worked out each time (./introspection-once.ts).
    const walks = schemaWalksOver(schema, document, operation, variables);
    if (walks !== null) return refusal(rc, tooManyWalks(walks));
    const figures = argumentFigures({ schema, document, operation, variables, model: opts.model(schema), access: ctx.access, limits });
    // A `contains` cannot use an index: it reads every record of its resource, a page maximum at least.
    // Each value of an `in` is a comparison the store makes and a value the gateway turns into the query:
    // one each (a variable named by every `in` of 30 aliases counts in each).
    const cost = costOf(schema, document, operation, maxPage, variables) + figures.contains * maxPage + figures.inValues;
    if (cost > limits.maxCost) {
      // Validation refused what the document alone asks; here the cost grew with the request: its
      // `contains` conditions and `in` values, or the pages its variables ask for and the fields their @skip/@include keep.
      const grew = [figures.contains > 0 && 'contains counts as a page maximum', figures.inValues > 0 && 'each value an in lists counts one'].filter(Boolean);
      const what = grew.length > 0
        ? `estimated number of field values (${grew.join(', ')})`
        : 'estimated number of field values (with the pages its variables ask for and the fields they include)';
      return refusal(rc, tooComplex('maxCost', what, cost, limits.maxCost));
    }
    // Variables are sent once and named anywhere: the values compared may not hold more text than the body
    // could have written out (src/limits/arguments.ts, valueChars).
    if (figures.valueChars > limits.maxRequestBytes) {
      return refusal(rc, tooComplex('maxRequestBytes', 'number of characters compared by filters (each value as often as its filter runs: more than the body could hold written out)', figures.valueChars, limits.maxRequestBytes));
    }
    // The lists whose length was estimated add what they hold once read (src/limits/unpaged.ts).
    ctx.valueCount = { spent: cost, bound: limits.maxCost };
    if (figures.maskedValues.size > 0 && ctx.identity) {
      return takeProbes(store, limits.maskedProbes, counterKey(ctx.identity), figures.maskedValues, figures.unmaskable).then((over) => (over ? refusal(rc, over) : undefined));
    }
    return DONE;
  };
  const listener: GraphQLRequestListener<RequestContext> = {
    // Rejected, not thrown: Apollo calls every plugin's hook before it answers with the refusal.
    didResolveOperation(rc) {
      try {
        return check(rc);
      } catch (err) {
        return refusal(rc, err);
      }
    },
  };
  const started = Promise.resolve(listener);
  return {
    async serverWillStart() {
      trusted?.watch();
      return {
        async serverWillStop() {
          trusted?.stop();
        },
      };
    },
    // One listener for every request (it reads all it needs from the request's context), settled once: no
    // closure and no promise per request; a hook makes a promise only when it waits (masked probes) or refuses.
    requestDidStart: () => started,
  };
}
