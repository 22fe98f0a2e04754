// What a gateway says as it starts of the data imports the store holds unfinished: each `data import`
// whose `attempted` audit entry no outcome follows (src/workflow/unfinished-imports.ts), of a resource of
// the catalogues in effect, and that no later import of the resource that wrote its records came after. A
// night's import killed with -9 left only that entry; the next `serve` said nothing of it, /readyz said
// ready and /metrics counted only records to place: the operator learned of it from `platform status` or
// `audit verify`, if they thought to ask. Now each is said once, at level 40 (`"event":"unfinished-work"`,
// `"work":"data-import"`), with the command that finishes it, and counted by
// `govgraph_unfinished_resources{work="data-import"}`. Not an alarm: the import is all-or-nothing on both
// adapters (one transaction on SQLite, a staging collection renamed over the collection on MongoDB), so
// nothing is half-written, and the gateway serves as it would (ready, the resource as the store holds it).
//
// Read from the store's audit log (the entries of `data import`, indexed by [action, seq]), after the
// gateway is ready and not awaited by it. Those found are followed every `retryMs` (the entries written
// since only) while any is left, and dropped once an outcome or a later import that wrote the resource's
// records follows them, or their resource leaves the catalogues in effect; never added to: an import begun
// after the start is running, or the next start tells.
import type { Logger } from 'pino';
import type { Catalogue } from '../model/catalogue.ts';
import type { Store } from '../store/port.ts';
import { importPairing, type UnfinishedImport } from '../workflow/unfinished-imports.ts';

export interface ImportsLeft {
  /** Resources with an import found unfinished at the start and not finished since (the gauge's `data-import`). */
  readonly unfinished: number;
  /** Reads no more (the gateway drains). */
  stop(): void;
}

/**
 * A path as a shell reads it back: as it is when it holds only letters, digits and ./_-@+=:, (else in
 * single quotes, or in $'...' with escapes when it holds a control character: a line break, an escape,
 * which in single quotes made a command of two lines, or one that printed changed the terminal), and
 * after `./` when it begins with `-`, which the command read as an option (`-w.jsonl`: unknown option).
 */
function shell(path: string): string {
  const text = path.startsWith('-') ? `./${path}` : path;
  if (/^[\w./@+=:,-]+$/.test(text)) return text;
  const control = /[\u0000-\u001f\u007f]/;
  if (!control.test(text)) return `'${text.replaceAll("'", "'\\''")}'`;
  const escaped = [...text].map((c) => (c === '\\' || c === "'" ? `\\${c}` : control.test(c) ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : c));
  return `$'${escaped.join('')}'`;
}

/** How an attempt's detail ends after the resource's code (data-import.ts): all or nothing, or --skip-invalid. */
const ATTEMPTED = / attempted \((all or nothing|--skip-invalid: the valid records)\)$/;

/**
 * The file an attempt names (`data import of FILE into CODE attempted (...)`), as that command was given it,
 * and whether it was given --skip-invalid; undefined when its detail was cut (a path past MAX_DETAIL):
 * the end that names the resource is then gone, and a file name holding ` into CODE attempted` itself
 * (a folder an attacker named) made another file, the part of the path before it, the one to import.
 */
export function importedFile(u: UnfinishedImport): { file: string; skipInvalid: boolean } | undefined {
  const prefix = 'data import of ';
  const how = ATTEMPTED.exec(u.detail);
  const into = ` into ${u.resource}`;
  if (!u.detail.startsWith(prefix) || how === null || !u.detail.slice(0, how.index).endsWith(into)) return undefined;
  const end = how.index - into.length;
  return end > prefix.length ? { file: u.detail.slice(prefix.length, end), skipInvalid: how[1] !== 'all or nothing' } : undefined;
}

/**
 * The command that finishes an unfinished import, the same in the gateway's log and `platform status`: the
 * same file imported again into the same resource, as it was (records are upserted by key, so the resource
 * then holds the file whether the killed import's commit happened or not). With --skip-invalid when the
 * attempt had it: without, a file with a record refused was refused whole, and the command said did nothing.
 * FILE when the entry no longer names it.
 */
export function importAgain(u: UnfinishedImport): string {
  const given = importedFile(u);
  const options = given?.skipInvalid ? ' --skip-invalid' : '';
  return `govgraph data import --resource ${u.resource}${options} ${given === undefined ? 'FILE' : shell(given.file)}`;
}

/** What is not to fear about an unfinished import, said wherever it is named. */
export const NOTHING_HALF_WRITTEN = 'nothing is half-written: an import is all-or-nothing, so the resource holds all of the file or none of it, and serves as it is';

const inEffect = (catalogues: readonly Catalogue[]): Set<string> => new Set(catalogues.flatMap((c) => c.resources.map((r) => r.code)));

const reasonOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Reads the unfinished imports of the resources of `catalogues()` and says each once (level 40); then reads
 * again those left every `retryMs`, saying each one finished (level 30). Not awaited by the start: its
 * first read runs at once, `ready` resolving once it is said (or failed, said too, and read again later).
 */
export function watchImportsLeft(
  store: Store,
  catalogues: () => readonly Catalogue[],
  logger: Pick<Logger, 'info' | 'warn'>,
  retryMs: number,
): ImportsLeft & { ready: Promise<void> } {
  /** The imports said, by their `attempted` entry's seq; null until the first read succeeded. */
  let left: Map<number, UnfinishedImport> | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let failed = false;

  /** The imports of the log with no outcome: the whole log's data imports at first, then only the entries written since. */
  const pairing = importPairing();
  const unanswered = (): Promise<UnfinishedImport[]> => pairing.read(store);
  const isOpen = (u: UnfinishedImport, codes: ReadonlySet<string>) => u.laterDone === undefined && codes.has(u.resource);

  const first = async (): Promise<void> => {
    const codes = inEffect(catalogues());
    const found = (await unanswered()).filter((u) => isOpen(u, codes));
    left = new Map(found.map((u) => [u.seq, u]));
    for (const u of found) {
      logger.warn(
        { event: 'unfinished-work', work: 'data-import', resource: u.resource, entry: u.seq, attempted: u.time, user: u.user, next: importAgain(u) },
        `${u.resource}: entry #${u.seq} (${u.time}, ${u.user ?? 'no user'}) says ${u.detail}, and no outcome follows it: the import was stopped before it ended ` +
          `(kill -9, the machine going down) or is still running; ${NOTHING_HALF_WRITTEN}; to finish: make sure it is not running (\`ps\`, on every machine ` +
          `that runs commands on this store), then \`${importAgain(u)}\` (docs/operations.md, What a gateway says at its start)`,
      );
    }
  };

  /** Why an import said at the start is no longer unfinished, or undefined while it is. */
  const finished = (u: UnfinishedImport, now: ReadonlyMap<number, UnfinishedImport>, codes: ReadonlySet<string>): string | undefined => {
    const read = now.get(u.seq);
    if (read === undefined) return 'its outcome is in the audit log now (it was still running)';
    if (read.laterDone !== undefined) return `a later import of ${u.resource} wrote its records (entry #${read.laterDone})`;
    if (!codes.has(u.resource)) return `${u.resource} is no longer published (nothing to finish)`;
    return undefined;
  };

  const again = async (): Promise<void> => {
    if (left === null || left.size === 0) return;
    const codes = inEffect(catalogues());
    const now = new Map((await unanswered()).map((u) => [u.seq, u]));
    for (const [seq, u] of left) {
      const why = finished(u, now, codes);
      if (why === undefined) continue;
      left.delete(seq);
      logger.info(
        { event: 'unfinished-work', work: 'data-import', resource: u.resource, entry: u.seq, finished: true },
        `${u.resource}: the data import of entry #${u.seq} is no longer unfinished: ${why}`,
      );
    }
  };

  const read = async (): Promise<void> => {
    try {
      await (left === null ? first() : again());
      failed = false;
    } catch (err) {
      if (stopped) return; // the store closed under it by the drain
      // A store that does not answer now: said once, read again later (platform status reads it too).
      if (!failed) {
        logger.warn(
          { event: 'unfinished-work', work: 'data-import', reason: reasonOf(err) },
          'the data imports left unfinished could not be read from the audit log now; read again later (`govgraph platform status` says them too)',
        );
      }
      failed = true;
    }
    if (!stopped && (left === null || left.size > 0)) timer = setTimeout(() => void read(), retryMs).unref();
  };

  const ready = read();
  return {
    ready,
    get unfinished() {
      return left?.size ?? 0;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
