// A connected platform that publishes while this gateway still holds its older schema (SPEC §12): for up
// to a poll (3 s), a request valid against the schema held here asks the platform for what it no longer
// has (a resource or item removed, renamed, retyped), and the platform refuses the whole sub-selection as
// GRAPHQL_VALIDATION_FAILED. The caller got "is unavailable: it refused the request (HTTP 400): Cannot
// query field "amount" on type "Recipient"", naming a type it never saw (its schema says
// `Kunming_Recipient`), and the same again until the next poll. Now such a refusal has the platform's
// schema asked again at once (forward.ts, ConnectedPlatforms.recheck) and the caller is told what changed.

import { GraphQLError } from 'graphql';
import type { ConnectedPlatform } from '../model/platform.ts';
import { connectedTypePrefix } from '../catalogue/names.ts';
import { theirError } from './their-text.ts';
import { withoutStack } from './unavailable.ts';

/**
 * What asking the platform's schema again found, against the text the refused request was planned on:
 * `built`, a new text now in effect here; `pending`, a new text whose build waits (SchemaRebuilds) until
 * `at`; `unstitchable`, a new text that cannot be stitched; `same`, the text the request was planned on
 * (or no answer): the refusal is not a schema change, and is said as any other refusal.
 */
export type SchemaRecheck = { found: 'built' | 'unstitchable' | 'same' } | { found: 'pending'; at: string | null };

/** Built-in scalars: never prefixed by PrefixTypes (transforms.ts). */
const BUILT_IN = new Set(['String', 'Int', 'Float', 'Boolean', 'ID']);

/**
 * A connected platform's validation message in the caller's names: each type it quotes (`type "Recipient"`,
 * `type "[Recipient!]"`, `Unknown type "RecipientFilter"`) with the namespace's prefix, as this gateway's
 * schema names it once rebuilt (`Kunming_Recipient`); field and argument names are the same on both sides.
 */
export function inCallersNames(message: string, c: ConnectedPlatform): string {
  const prefix = connectedTypePrefix(c.namespace);
  return message.replace(/\btype "([^"]{1,300})"/g, (_, quoted: string) =>
    `type "${quoted.replace(/[_A-Za-z][_0-9A-Za-z]*/g, (name) => (BUILT_IN.has(name) ? name : prefix + name))}"`);
}

/** The platform's first validation message, cut, in the caller's names. */
function theirWords(c: ConnectedPlatform, errors: readonly { message?: unknown }[] | undefined): string {
  const message = errors?.[0]?.message;
  return typeof message === 'string' ? inCallersNames(theirError(withoutStack(message)), c) : 'no reason given';
}

/**
 * The error at the namespace for a read refused as invalid by a platform whose schema changed since the
 * request was planned; null when it did not (`same`: the refusal is said as before). PLATFORM_UNAVAILABLE
 * (SPEC §8 has no code of its own for it): the namespace could not be read from that platform now, and
 * a client that asks again once gets the new schema's own answer.
 */
export function schemaChanged(c: ConnectedPlatform, recheck: SchemaRecheck, errors: readonly { message?: unknown }[] | undefined): GraphQLError | null {
  if (recheck.found === 'same') return null;
  const theirs = theirWords(c, errors);
  const head = `The connected platform ${c.name} (${c.region}) changed its schema after this request was checked against the one this gateway held, and refused it: ${theirs}`;
  return unavailableSo(c, head + (/[.!?]$/.test(head) ? '' : '.') + whatNow(recheck, 'check the request against it (introspection shows the namespace as it is now) and send it again', 'the namespace is read with the schema held, and this field is refused so'));
}

/**
 * The error at the namespace for a read answered by another schema version there than the one the request
 * was planned on (its `x-schema-version`, ConnectedPlatforms.answerFits): graphql-tools reads each value
 * with the type held here, and one that does not fit it (an item retyped there, `int` to `string`) is read
 * as null without an error, so the answer is not used at all. `same`: the version that answered is not
 * known here even after asking the platform's schema again (a publication under way there, one instance
 * of several having it before the others, or yet another publication).
 */
export function answeredByAnother(c: ConnectedPlatform, recheck: SchemaRecheck): GraphQLError {
  const head = `The connected platform ${c.name} (${c.region}) changed its schema while this request was read there: it answered with another schema than the one this gateway checked the request against, and its answer was not used (a value whose type changed there would read as null here).`;
  return unavailableSo(c, head + (recheck.found === 'same'
    ? ' Send the request again in a few seconds.'
    : whatNow(recheck, 'send the request again (introspection shows the namespace as it is now)', 'the namespace is refused so (its answers come from a schema this gateway does not hold)')));
}

/** What the caller can do now, by what asking the platform's schema again found (not `same`). */
function whatNow(recheck: SchemaRecheck, built: string, refused: string): string {
  if (recheck.found === 'built') return ` This gateway holds its new schema now: ${built}.`;
  if (recheck.found === 'pending') return ` This gateway builds its new schema at ${recheck.at ?? 'once'} or later (a connected platform's schema changing often is built at most once a minute); until then ${refused}.`;
  return ` Its new schema cannot be stitched here (the operator sees why in \`govgraph platform status\`); until it is fixed there, ${refused}.`;
}

/** PLATFORM_UNAVAILABLE (SPEC §8 has no code of its own for it): the namespace could not be read from that platform now. */
const unavailableSo = (c: ConnectedPlatform, message: string) => new GraphQLError(message, { extensions: { code: 'PLATFORM_UNAVAILABLE', platform: c.region } });
