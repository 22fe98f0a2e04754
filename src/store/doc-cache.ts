// Documents of the embedded store already parsed, kept between reads (bounded), so that a page read
// again costs its index walk and not SQLite's row text and JSON.parse of every document: those were most
// of a page's read (bench/doc-cache.ts). With them, the row ids that a read's statement found (a page,
// a page's links), so that the same read again costs neither: the index walk was what a page read again
// still paid, and most of a list request's reads (bench/store-reads.ts).
//
// Why the documents and the ids can be trusted, without a poll or a notice from other processes:
// - another connection (a second gateway, an import, the workflow's worker, the CLI) that commits
//   changes SQLite's `PRAGMA data_version` for this connection; every cached read asks it first (in
//   the same read transaction as the rows it reads, or alone when the cache holds every row), and a
//   different answer forgets everything;
// - this connection's own writes do not change that number, so each write forgets the documents of
//   the collection it wrote.
// Forgetting only moves a number on (entries made under an older one are never returned again and
// age out), so that it costs nothing: with several gateways on one store every request's audit entry
// makes the others forget.
import type { Row, Value } from './port.ts';

interface Entry {
  epoch: number;
  generation: number;
  value: Row | Ids;
  size: number; // the length of a document's stored JSON text; of a statement, its ids and values
}

/** The ids a read found; with the values it looked for when its statement's key leaves them out. */
interface Ids {
  ids: readonly number[];
  values: readonly Value[] | undefined;
}

/**
 * Entries by collection, then by row id for a document (a number key: a string key made per row cost 5%
 * of a list request), or by a read's statement (its SQL and parameters) for the ids it found.
 */
type Generation = Map<string, Map<number | string, Entry>>;

/** What an entry of ids counts per id, beside its statement's characters. */
const ID_SIZE = 8;

/**
 * Two generations of entries: what is read or kept goes into the young one; when it holds half the
 * capacity it becomes the old one and the old one is dropped. Least recently used in effect, at two map
 * operations a hit (lru-cache's bookkeeping cost 4% of a list request's CPU). The capacity counts the
 * characters of the documents' stored JSON, not documents: a record of a catalogue with 2,000 items is
 * a hundred times one of 20.
 */
export class DocCache {
  #young: Generation = new Map();
  #youngSize = 0;
  #old: Generation = new Map();
  #oldSize = 0;
  readonly #generations = new Map<string, number>();
  #dataVersion: unknown;
  #epoch = 0; // moves on when another connection committed

  constructor(readonly capacity: number) {}

  /** Characters of the documents held, at most `capacity` (one kept in both generations counts twice). */
  get size(): number {
    return this.#youngSize + this.#oldSize;
  }

  /** `PRAGMA data_version` is the one the cache was last checked against (nothing is forgotten). */
  isDataVersion(version: unknown): boolean {
    return version === this.#dataVersion;
  }

  /** `PRAGMA data_version` as read in the current read transaction; false when it forgot everything. */
  checkDataVersion(version: unknown): boolean {
    if (version === this.#dataVersion) return true;
    this.#epoch++;
    this.#dataVersion = version;
    return false;
  }

  /** This connection wrote `collection` (or may have: also after a failed write). */
  forget(collection: string): void {
    this.#generations.set(collection, (this.#generations.get(collection) ?? 0) + 1);
  }

  get(collection: string, id: number): Row | undefined {
    return this.#find(collection, id) as Row | undefined;
  }

  /** Keeps `doc`, parsed from stored JSON text of `size` characters. */
  set(collection: string, id: number, doc: Row, size: number): void {
    this.#keep(collection, id, { epoch: this.#epoch, generation: this.#generations.get(collection) ?? 0, value: doc, size });
  }

  /**
   * The ids that `statement` (a read's SQL and parameters, one string) found in `collection`, in its order.
   * With `values`: the statement's key leaves them out, and its ids are those of the same values (===).
   */
  ids(collection: string, statement: string, values?: readonly Value[]): readonly number[] | undefined {
    const found = this.#find(collection, statement) as Ids | undefined;
    if (found === undefined || !sameValues(found.values, values)) return undefined;
    return found.ids;
  }

  setIds(collection: string, statement: string, ids: readonly number[], values?: readonly Value[]): void {
    let size = statement.length + ids.length * ID_SIZE;
    for (const v of values ?? []) size += typeof v === 'string' ? v.length : ID_SIZE;
    this.#keep(collection, statement, { epoch: this.#epoch, generation: this.#generations.get(collection) ?? 0, value: { ids, values }, size });
  }

  #find(collection: string, key: number | string): Entry['value'] | undefined {
    let entry = this.#young.get(collection)?.get(key);
    if (entry === undefined) {
      entry = this.#old.get(collection)?.get(key);
      if (entry !== undefined) this.#keep(collection, key, entry);
    }
    return entry !== undefined && entry.epoch === this.#epoch && entry.generation === (this.#generations.get(collection) ?? 0)
      ? entry.value
      : undefined;
  }

  #keep(collection: string, key: number | string, entry: Entry): void {
    let docs = this.#young.get(collection);
    if (docs === undefined) this.#young.set(collection, (docs = new Map()));
    const replaced = docs.get(key);
    docs.set(key, entry);
    this.#youngSize += entry.size - (replaced?.size ?? 0);
    if (this.#youngSize * 2 >= this.capacity) {
      this.#old = this.#young;
      this.#oldSize = this.#youngSize;
      this.#young = new Map();
      this.#youngSize = 0;
    }
  }
}

function sameValues(a: readonly Value[] | undefined, b: readonly Value[] | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
