// A connected platform's data schema (SPEC §12): asked for with a signed request, the answer checked, and
// the text stitched alone into its namespace, its type names prefixed, its reads sent by `send`.

import { createBatchingExecutor } from '@graphql-tools/batch-execute';
import { stitchSchemas } from '@graphql-tools/stitch';
import type { SubschemaConfig } from '@graphql-tools/delegate';
import type { ExecutionRequest, ExecutionResult, Executor } from '@graphql-tools/utils';
import { buildSchema, Kind, validateSchema, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { DEFAULT_CONNECTED_TIMEOUT_MS, type ConnectedPlatform } from '../model/platform.ts';
import { connectedTypePrefix } from '../catalogue/names.ts';
import { TransportError, type PlatformClient } from './http-client.ts';
import { plannedProxyingResolver } from './delegation.ts';
import { Namespace, PrefixTypes, type NamespaceDocs } from './transforms.ts';
import { theirError, theirLabel } from './their-text.ts';
import { of, redirected, refusal, said, unavailable, type Reason } from './unavailable.ts';

export const SCHEMA_PATH = '/.well-known/govgraph/schema';

/**
 * The largest schema document read from a connected platform (its data SDL in JSON), then refused: it is
 * asked for every few seconds, and parsing and stitching it holds the event loop (about 2 s a megabyte
 * measured on a shared 2-core machine). The data schema of a platform at the catalogue bounds
 * (src/catalogue/limits.ts: 2,000 resources) with the demo's items is 5.8 MB.
 */
export const MAX_SCHEMA_BYTES = 8 * 1024 * 1024;

/** A platform's schema text built here: its stitching config, or why it cannot be stitched. */
export type Built = { config: SubschemaConfig } | { problem: Reason };

export interface SchemaDocument {
  region: string;
  name: string;
  version: string;
  sdl: string;
  /**
   * The schema version that served the document (its `x-schema-version`, the digest a govgraph gateway's
   * answers to reads name too), when it said one: which text an answer's version stands for.
   */
  servedAs?: string;
}

/**
 * Asks `c` for its data schema with `client` and `headers` (signed as this platform, region `ownRegion`), as
 * the department the headers name sees it when `view` (`?view=department`); checks what it answered.
 */
export async function fetchSchema(c: ConnectedPlatform, client: PlatformClient, headers: () => Promise<Record<string, string>>, view: boolean, ownRegion: string): Promise<SchemaDocument> {
  let res;
  try {
    res = await client.request(view ? `${SCHEMA_PATH}?view=department` : SCHEMA_PATH, {
      method: 'GET',
      headers: await headers(),
      timeoutMs: c.timeoutMs ?? DEFAULT_CONNECTED_TIMEOUT_MS,
      maxBytes: MAX_SCHEMA_BYTES,
    });
  } catch (err) {
    if (!(err instanceof TransportError && err.code === 'TOO_LARGE')) throw err;
    throw unavailable(c, of(`sent a schema document larger than ${MAX_SCHEMA_BYTES} bytes (${MAX_SCHEMA_BYTES / 1024 / 1024} MiB), the most this gateway reads of a connected platform's schema; it was read no further.`));
  }
  const away = redirected(res);
  if (away) throw unavailable(c, away);
  const body = res.body as (Partial<SchemaDocument> & { errors?: { message: string }[] }) | undefined;
  if (!body || typeof body !== 'object') throw unavailable(c, of(`did not answer as a govgraph gateway (HTTP ${res.status}).`));
  // Another platform than the one listed answers at the url (its refusals say its region too, as its
  // schema does): that is the reason, whatever it refused. A refusal of one that does not say its region
  // (an older gateway) keeps the reasons below.
  if (typeof body.region === 'string' && body.region !== c.region) throw unavailable(c, answersAs(c, body.region));
  if (res.status === 401) {
    throw unavailable(c, said(`it refused this platform (HTTP 401): ${refusal(body)} `
      + `It verifies this platform's signature with the keys at the url its own \`connected\` lists for region ${ownRegion}: `
      + 'that entry must exist and this platform\'s gateway must serve /.well-known/jwks.json there. '
      // The token's audience is the region listed here: a platform listed under another region than its own refuses it alike.
      + `And it must be the platform of region ${c.region}, as this platform's file lists it: the requests are signed for that region.`));
  }
  if (res.status < 200 || res.status > 299) throw unavailable(c, said(`it refused this platform (HTTP ${res.status}): ${refusal(body)}`));
  if (typeof body.sdl !== 'string' || typeof body.version !== 'string') throw unavailable(c, of('did not answer as a govgraph gateway.'));
  if (body.region !== c.region) throw unavailable(c, answersAs(c, body.region));
  return { ...(body as SchemaDocument), servedAs: res.schemaVersion };
}

/** The platform at `c`'s url says it is platform `region`, not the one listed. */
const answersAs = (c: ConnectedPlatform, region: unknown): Reason => (url) => url
  ? `${url} answers as platform ${theirLabel(region)}, not ${c.region}; check the url.`
  : `it answers as platform ${theirLabel(region)}, not ${c.region}: this platform's file lists a wrong url for it.`;

/** Parses a platform's schema text (`subschema` makes its stitching config) and stitches it alone. */
export function stitchAlone(c: ConnectedPlatform, subschema: () => SubschemaConfig): Built {
  try {
    const config = subschema();
    // Refused here, alone, what cannot be stitched or would make the served schema invalid (a schema
    // without Query leaves an empty namespace type), so that one platform never breaks the others.
    const alone = stitchSchemas({ subschemas: [config] });
    const problems = validateSchema(alone);
    if (problems.length) throw new Error(problems.map((p) => p.message).join('; '));
    if (!alone.getQueryType()?.getFields()[c.namespace]) throw new Error('it has no data fields (no Query type).');
    return { config };
  } catch (err) {
    return { problem: said(`its schema cannot be stitched: ${theirError((err as Error).message)}`) };
  }
}

/** How often an operation selects each field at its root (fragments included), per operation. */
const rootSelections = new WeakMap<object, Map<string, number>>();

/** Whether the operation of this delegation selects the namespace field more than once. */
function selectsMoreThanOnce(info: GraphQLResolveInfo, namespace: string): boolean {
  let counts = rootSelections.get(info.operation);
  if (!counts) {
    counts = new Map();
    const seen = new Set<string>();
    const count = (set: SelectionSetNode) => {
      for (const s of set.selections) {
        if (s.kind === Kind.FIELD) counts!.set(s.name.value, (counts!.get(s.name.value) ?? 0) + 1);
        else if (s.kind === Kind.INLINE_FRAGMENT) count(s.selectionSet);
        else if (!seen.has(s.name.value) && info.fragments[s.name.value]) {
          seen.add(s.name.value);
          count(info.fragments[s.name.value].selectionSet);
        }
      }
    };
    count(info.operation.selectionSet);
    rootSelections.set(info.operation, counts);
  }
  return (counts.get(namespace) ?? 0) > 1;
}

/** What GraphiQL's Docs and a typed client's editor say of `c`'s namespace (the name and region of this platform's file). */
function namespaceDocs(c: ConnectedPlatform, prefix: string): NamespaceDocs {
  const platform = `the connected platform ${c.name} (${c.region})`;
  return {
    field: `The data of ${platform}, under its namespace ${c.namespace}: its departments' resources, read there under its own `
      + 'rules for your department and purpose (scope of use, row scope, masks; nothing it shares on conditions, whose grants '
      + `are for its own departments). Its types carry the prefix ${prefix}. null with the error PLATFORM_UNAVAILABLE while it `
      + 'does not answer; the rest of the response stands.',
    type: `The departments of ${platform}, each a field.`,
  };
}

/** The stitching config of `c`'s schema text, its namespace's reads sent by `send`. */
export function subschemaOf(c: ConnectedPlatform, sdl: string, send: (request: ExecutionRequest) => Promise<ExecutionResult>): SubschemaConfig {
  const prefix = connectedTypePrefix(c.namespace);
  // Batched: an operation that selects the namespace several times (aliases, fragments) sends the
  // platform one request for all of them, through graphql-tools' batching executor made for that
  // request. Only then: graphql-tools' own `batch: true` makes one per request whatever it selects,
  // which measured about a third of the delegation's cost (docs/benchmarks.md), for nothing when the
  // namespace is selected once (one request either way).
  const batches = new WeakMap<object, Executor>();
  const executor = (request: ExecutionRequest) => {
    if (!request.info || !selectsMoreThanOnce(request.info, c.namespace) || !request.context) return send(request);
    let batching = batches.get(request.context);
    if (!batching) batches.set(request.context, (batching = createBatchingExecutor(send)));
    return batching(request);
  };
  return {
    schema: buildSchema(sdl),
    executor: executor as Executor,
    // graphql-tools' delegation, its request planned once per operation (src/federation/delegation.ts).
    createProxyingResolver: plannedProxyingResolver,
    transforms: [new PrefixTypes(prefix), new Namespace('Query', `${prefix}Query`, c.namespace, namespaceDocs(c, prefix))],
  };
}
