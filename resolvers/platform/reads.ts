// What the platform's fields read of the store once per request, and the mutations that drop it.
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { readStore, scanStore, type RequestContext } from '../request.ts';
import { wholeDocument, type ListedVersion } from '../../src/catalogue/repository/rows.ts';
import { catalogueVersions, type CatalogueVersions } from '../../src/catalogue/repository/versions.ts';
import { submissionWarnings, warningReads, type WarningReads } from '../../src/workflow/catalogues.ts';
import type { Catalogue } from '../../src/model/catalogue.ts';
import type { SubmissionWarning } from '../../src/workflow/warnings/warning.ts';
import { findPublishedResource } from '../../src/workflow/resource-info.ts';
import { providerLookup } from '../../src/workflow/sharing.ts';
import { envOf } from './context.ts';

/**
 * What the platform's catalogue fields read of the store, once per request whatever the aliases, lists and
 * rows asking (dropped with the request: the next reads the store afresh). The versions are read without
 * their documents (CatalogueVersions.listed): `catalogues` read and parsed every version of every catalogue
 * (60 catalogues of 12 versions of 200 resources: ~3 s) to show ids and titles. A version's document is
 * read when a field needs it (resources, document, warnings), once; its warnings are made once, and the
 * reads they share (the active grants, the audit log's readers of the version in effect) once for all
 * versions; a grant's provider is looked up once a code.
 */
interface PlatformReads {
  versions: CatalogueVersions;
  listed: Map<string | undefined, Promise<ListedVersion[]>>;
  documents: Map<string, Promise<Catalogue>>;
  warnings: Map<string, Promise<SubmissionWarning[]>>;
  warningReads: WarningReads;
  providerOf: (code: string) => Promise<string | null>;
}

const readsPerRequest = new WeakMap<RequestContext, PlatformReads>();

function platformReads(ctx: RequestContext): PlatformReads {
  let reads = readsPerRequest.get(ctx);
  if (!reads) {
    const store = readStore(ctx);
    reads = {
      versions: catalogueVersions(store), listed: new Map(), documents: new Map(), warnings: new Map(),
      warningReads: warningReads(scanStore(ctx)), providerOf: providerLookup(store),
    };
    readsPerRequest.set(ctx, reads);
  }
  return reads;
}

/**
 * The mutations, each dropping the request's platform reads before it writes: GraphQL runs a request's
 * mutations one after another, each with its selection, so a version's warnings (or revision, or list)
 * selected after an earlier mutation's are read as the platform stands then, not as the reads memoised
 * for the earlier one left it (a grant revoked by the request's second mutation was still named by the
 * third's warnings). A query writes nothing: its fields share the reads.
 */
export function readingAfresh<M extends object>(mutations: M): M {
  return Object.fromEntries(Object.entries(mutations).map(([name, resolve]) => [
    name,
    (parent: unknown, args: unknown, ctx: RequestContext, info: GraphQLResolveInfo) => {
      readsPerRequest.delete(ctx);
      return (resolve as (...a: unknown[]) => unknown)(parent, args, ctx, info);
    },
  ])) as M;
}

const once = <T>(memo: Map<string | undefined, Promise<T>>, key: string | undefined, read: () => Promise<T>): Promise<T> => {
  let found = memo.get(key);
  if (!found) memo.set(key, (found = read()));
  return found;
};

/** The catalogue versions (all, or catalogue `id`'s) without their documents, read once per request. */
export function listedOnce(ctx: RequestContext): (id?: string) => Promise<ListedVersion[]> {
  const reads = platformReads(ctx);
  return (id) => once(reads.listed, id, () => reads.versions.listed(id));
}

/** A version's document: as it came (a mutation's version, one stored before summaries), else read once per request. */
export function documentOf(ctx: RequestContext, v: ListedVersion): Promise<Catalogue> {
  const whole = wholeDocument(v);
  if (whole) return Promise.resolve(whole);
  const reads = platformReads(ctx);
  return once(reads.documents, `${v.id}@${v.version}`, async () => {
    const read = await reads.versions.get(v.id, v.version);
    // A version is never deleted by the workflow; one taken out of the store by hand since it was listed.
    if (!read) throw new GraphQLError(`Catalogue ${v.id} version ${v.version} is no longer in the store.`, { extensions: { code: 'NOT_FOUND' } });
    return read.catalogue;
  });
}

/** A version's warnings as the requester may read them, made once per request. */
export function warningsOnce(ctx: RequestContext, v: ListedVersion): Promise<SubmissionWarning[]> {
  const reads = platformReads(ctx);
  // The warnings of many drafts scan 90 days of the audit log, page by page, through the request's
  // scanStore (platformReads' warningReads): once the time limit has answered the request, the next page
  // is not read (with the store taken once, the scans of a supervisor's `catalogues { versions { warnings
  // } }` went on for seconds after the answer).
  return once(reads.warnings, `${v.id}@${v.version}`, async () =>
    submissionWarnings(envOf(ctx), await documentOf(ctx, v), { dept: ctx.identity.dept.code, roles: ctx.identity.roles }, reads.versions, reads.warningReads));
}

/**
 * The provider of a resource: from the catalogues in effect the gateway holds; the versions are read only
 * for a resource no longer published (a grant can outlive it), once a code per request.
 */
export async function providerIn(ctx: RequestContext, code: string): Promise<string | null> {
  return findPublishedResource(ctx.published, code)?.resource.provider ?? platformReads(ctx).providerOf(code);
}
