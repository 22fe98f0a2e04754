// `compareJoined` of the embedded store (port.ts, JoinComparison): two collections joined on a field, the
// rows whose compared fields differ counted and sampled, on reader threads when a side is large.

import type { Filter, JoinComparison, JoinSide, ReadOptions, Value } from '../port.ts';
import { PackedRows } from '../sqlite-readers.ts';
import { Decimal } from '../../formats/decimal.ts';
import type { Connection } from './connection.ts';
import { DECIMALS } from './documents.ts';
import { checkCount, checkField, compileFilter, expr, table, type Param } from './sql.ts';
import type { ThreadReads } from './thread-reads.ts';

/**
 * A side's compared value (JoinSide.compareAs): as stored; a number as SQLite's REAL, a decimal from its
 * text (its field holds an order key, a string no number equals); a datetime as its date at UTC+08:00.
 */
function compared(alias: string, side: JoinSide): string {
  const field = checkField(side.field);
  const stored = `json_extract(${alias}.doc, '$.${field}')`;
  if (side.compareAs === 'number') return `coalesce(CAST(json_extract(${alias}.doc, '$."${DECIMALS}".${field}') AS REAL), ${stored})`;
  if (side.compareAs === 'day') return `date(${stored}, '+8 hours')`;
  return stored;
}

/** `compareJoined(left, right, sample)` of the store on `conn`. */
export async function joinedComparison(
  conn: Connection, threads: ThreadReads, left: JoinSide, right: JoinSide, sample: number, options: ReadOptions = {},
): Promise<JoinComparison> {
  if (options.signal?.aborted) throw options.signal.reason;
  const { prepare, read } = conn;
  const { isLarge, readOnThread } = threads;
  checkCount('sample', sample);
  const [lt, rt] = [table(left.collection), table(right.collection)];
  const q = (alias: string, field: string) => `json_extract(${alias}.doc, '$.${checkField(field)}')`;
  const differs = `${compared('l', left)} IS NOT ${compared('r', right)}`;
  // A side with a filter is the subquery of its rows (SQLite flattens it, the join keeps the index).
  const side = (t: string, filter: Filter | undefined) => {
    if (filter === undefined) return { sql: t, params: [] as Param[] };
    const where = compileFilter(filter);
    return { sql: `(SELECT id, doc FROM ${t} WHERE ${where.sql})`, params: where.params };
  };
  const [ls, rs] = [side(lt, left.filter), side(rt, right.filter)];
  const params = [...ls.params, ...rs.params];
  const from = `FROM ${ls.sql} AS l JOIN ${rs.sql} AS r ON ${q('l', left.on)} = ${q('r', right.on)} WHERE ${q('l', left.on)} IS NOT NULL`;
  const what = `compare ${left.collection} with ${right.collection}`;
  const totalsSql = `SELECT count(*) AS compared, coalesce(sum(${differs}), 0) AS differing ${from}`;
  // By the left rows' places, then the order they were stored in (rowid), not key order: see JoinComparison.
  const place = left.sampleOrder === undefined ? 'NULL' : `min(${q('l', left.sampleOrder)})`;
  const keysSql = `SELECT k FROM (SELECT ${q('l', left.on)} AS k, ${place} AS p, min(l.id) AS o ${from} AND ${differs} GROUP BY k) ORDER BY p, o LIMIT ?`;
  // Decimal join values are order keys here: the texts of the sample, through the join field's index.
  const textsOf = (keys: Value[]): Value[] => {
    const texts = new Map<unknown, string>();
    if (keys.length > 0) {
      const sql = `SELECT ${expr(left.on)} AS k, json_extract(doc, '$."${DECIMALS}".${left.on}') AS t FROM ${lt} WHERE ${expr(left.on)} IN (SELECT value FROM json_each(?)) AND t IS NOT NULL`;
      for (const { k, t } of prepare(sql).all(JSON.stringify(keys)) as { k: unknown; t: string }[]) texts.set(k, t);
    }
    return keys.map((k) => (texts.has(k) ? Decimal.fromStored(texts.get(k)!) : k));
  };
  const none: JoinComparison = { compared: 0, differing: 0, sampleKeys: [] };
  if (isLarge(left.collection) || isLarge(right.collection)) {
    // Both joins walk every row of a side: on reader threads.
    const totals = (await readOnThread(what, [[0, 0]], { sql: totalsSql, params }, 'rows', options)) as [number, number][];
    const found = sample === 0 ? [] : await readOnThread<Value[] | PackedRows>(what, [], { sql: keysSql, params: [...params, sample] }, 'all', options);
    // 64 keys or more, all texts, come packed (sqlite-readers.ts): a sample of 80 failed with `keys.map is not a function`.
    const keys = found instanceof PackedRows ? Array.from({ length: found.length }, (_, i): Value => found.text(i)) : found;
    const [[compared, differing]] = totals;
    return { compared, differing, sampleKeys: await read(what, [], () => textsOf(keys), options) };
  }
  return read(what, none, () => {
    const totals = prepare(totalsSql).get(...params) as { compared: number; differing: number };
    const keys = sample === 0 ? [] : (prepare(keysSql).pluck().all(...params, sample) as Value[]);
    return { compared: totals.compared, differing: totals.differing, sampleKeys: textsOf(keys) };
  }, options);
}

/**
 * `caseOnlyKeys(left, right)` of the store on `conn` (port.ts): each side's texts without a partner as
 * written (NOT EXISTS through the other side's join index), upper-cased (SQLite's upper() folds ASCII
 * letters only, as MongoDB's $toUpper), distinct, and joined.
 */
export async function caseOnlyKeys(conn: Connection, threads: ThreadReads, left: JoinSide, right: JoinSide, options: ReadOptions = {}): Promise<number> {
  if (options.signal?.aborted) throw options.signal.reason;
  const side = (s: JoinSide) => {
    const t = table(s.collection);
    if (s.filter === undefined) return { sql: t, params: [] as Param[] };
    const where = compileFilter(s.filter);
    return { sql: `(SELECT id, doc FROM ${t} WHERE ${where.sql})`, params: where.params };
  };
  const q = (alias: string, field: string) => `json_extract(${alias}.doc, '$.${checkField(field)}')`;
  const [ls, rs] = [side(left), side(right)];
  // The unpartnered texts of `a`, upper-cased: a's rows whose join text no row of `b` holds as written.
  const lone = (a: { sql: string }, aOn: string, b: { sql: string }, bOn: string) =>
    `SELECT DISTINCT upper(${q('a', aOn)}) AS u FROM ${a.sql} AS a WHERE typeof(${q('a', aOn)}) = 'text' AND NOT EXISTS (SELECT 1 FROM ${b.sql} AS b WHERE ${q('b', bOn)} = ${q('a', aOn)})`;
  const sql = `SELECT count(*) AS n FROM (${lone(ls, left.on, rs, right.on)}) AS l JOIN (${lone(rs, right.on, ls, left.on)}) AS r ON l.u = r.u`;
  const params = [...ls.params, ...rs.params, ...rs.params, ...ls.params];
  const what = `compare the keys of ${left.collection} with ${right.collection}`;
  if (threads.isLarge(left.collection) || threads.isLarge(right.collection)) {
    const [[n]] = (await threads.readOnThread(what, [[0]], { sql, params }, 'rows', options)) as [number][];
    return n;
  }
  return conn.read(what, 0, () => (conn.prepare(sql).get(...params) as { n: number }).n, options);
}
