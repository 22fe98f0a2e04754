// What a record's item held, kept as a fingerprint (no value): raised, confirmed, and judged again by an
// import (corrections.ts).
import { createHash } from 'node:crypto';
import { publishedCatalogues } from '../../catalogue/repository/versions.ts';
import { collectionOf } from '../../model/catalogue.ts';
import { eq, type Store, type Value } from '../../store/port.ts';
import { text } from '../../store/row-values.ts';
import { findPublishedResource } from '../resource-info.ts';
import { keyOrNull, keyText } from './keys.ts';
import { OBJECTIONS, type Objection } from './record.ts';

const hashed = (o: Pick<Objection, 'id'>, v: Value) => createHash('sha256').update(`${o.id}\n${keyText(v)}`).digest('hex');

/**
 * A fingerprint of a stored value (SHA-256 of its text as the store compares it, a decimal by value, after
 * the objection's own random id, so that no table of common values' hashes reads it back), so that the
 * objection row keeps no record value, only whether the item still holds what was confirmed wrong. A text
 * is taken in Unicode NFC: "José" written with a combining accent (NFD) and with the precomposed letter
 * read alike, and an import that only changed the normal form (a provider's tool that normalises every
 * text) marked a CONFIRMED objection CORRECTED, its doubt gone from every read of a value still wrong.
 */
export const fingerprint = (o: Pick<Objection, 'id'>, v: Value | undefined) =>
  hashed(o, typeof v === 'string' ? v.normalize('NFC') : (v ?? null));

/**
 * Whether `v` is the value fingerprinted as `kept`: by its NFC fingerprint, or, for a fingerprint kept
 * before texts were taken in NFC (of the text as stored), by its text as stored or in NFD: an objection
 * confirmed then on a text stored in NFD was marked CORRECTED by an import writing it in NFC, the very
 * change NFC fingerprints were made for (a text stored in NFC then matches by its NFC fingerprint).
 */
export const holdsFingerprint = (o: Pick<Objection, 'id'>, v: Value | undefined, kept: string) =>
  fingerprint(o, v) === kept || hashed(o, v ?? null) === kept || (typeof v === 'string' && hashed(o, v.normalize('NFD')) === kept);

/**
 * The fingerprint of what the objection's record holds in its item now; null when the resource is no
 * longer published or the record is gone (then an import that changes the item corrects it, as before).
 */
export async function itemFingerprint(store: Store, o: Objection): Promise<string | null> {
  const found = findPublishedResource(await publishedCatalogues(store), o.resource);
  if (!found) return null;
  const { resource } = found;
  const key = keyOrNull(resource, o.key); // as the store keeps it: a decimal key by value
  if (key === null) return null;
  const [row] = await store.findByValues(collectionOf(resource), resource.key, [key], [resource.key, o.item]);
  return row ? fingerprint(o, row[o.item]) : null;
}

/** The fingerprint of what the objection's item held when it was raised; null for an objection raised before it was kept. */
export async function raisedFingerprint(store: Store, id: string): Promise<string | null> {
  const [row] = await store.find(OBJECTIONS, { filter: eq('id', id), projection: ['raisedValue'], limit: 1 });
  return row ? text(row.raisedValue) : null;
}
