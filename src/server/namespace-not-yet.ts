// Why a request selecting a connected platform's namespace is refused while this gateway has had no schema
// of that platform (format-error.ts adds it to graphql's `Cannot query field`): said from its status as
// /healthz gives it, without its url. A platform that answers, but with a schema that cannot be stitched
// here, is not one that has not answered: the refusal said so, and that the namespace came within
// seconds, while it stays missing until the schema is fixed there.
import type { PublicConnectedStatus } from '../federation/connected-status.ts';

/** The sentences after graphql's words, or undefined when `field` is no namespace lacking its schema. */
export function namespaceNotYet(statuses: readonly PublicConnectedStatus[], field: string): string | undefined {
  const s = statuses.find((p) => p.namespace === field && p.schemaVersion === null);
  if (!s) return undefined;
  const platform = `It is the namespace of the connected platform ${s.name} (${s.region})`;
  const why = s.lastError ? ` (${s.lastError.replace(/\.$/, '')})` : '';
  const own = `without ${field}, this platform's own fields answer now.`;
  if (s.reachable && s.lastError) {
    return `${platform}, which answers this gateway, but with a schema not taken here since it started${why}: `
      + `the namespace is added once that is fixed there (the operator sees why in \`govgraph platform status\`); ${own}`;
  }
  return `${platform}, which has not answered this gateway since it started${why}: the namespace is added within seconds `
    + `of its answering. Send the request again then; ${own}`;
}
