// What the log says of an unexpected error (a bug, a driver failure): its kind, code and cause's kind, and
// where it was thrown in govgraph's own code (a file and line, as `src/store/sqlite.ts:120`), so that an
// operator can report it. Never its message (it can echo a request or a value) nor the whole stack; the
// message of an error written for the operator (`userFacing`) is said, as the command line would print it.
// The gateway runs compiled (dist/, `npm start`, `node bin/govgraph.js`): a frame of a compiled file is
// named by the TypeScript source and line its source map (written beside it by the build) gives, since a
// line of dist/ names no file of the repository; without a map, the compiled file and line as run.
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ErrorFields {
  error: string;
  code?: string | number;
  cause?: string;
  /** The cause's code (SQLite's `SQLITE_CORRUPT`, a system's `ENOSPC`): a code names no value. */
  causeCode?: string;
  at?: string;
  reason?: string;
}

export function errorFields(err: unknown): ErrorFields {
  const e = err as { name?: unknown; code?: unknown; message?: unknown; stack?: unknown; userFacing?: unknown; cause?: { name?: unknown; code?: unknown } } | null;
  const at = typeof e?.stack === 'string' ? ownFrame(framesOf(e.stack, e.name, e.message)) : undefined;
  return {
    error: typeof e?.name === 'string' ? e.name : typeof err,
    ...(typeof e?.code === 'string' || typeof e?.code === 'number' ? { code: e.code } : {}),
    ...(typeof e?.cause?.name === 'string' ? { cause: e.cause.name } : {}),
    // Which failure of the store an operator meets (a damaged file's SQLITE_CORRUPT or SQLITE_NOTADB, a full
    // disk's SQLITE_FULL): the line said only `cause: SqliteError` (docs/operations.md, Logs).
    ...(typeof e?.cause?.code === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(e.cause.code) ? { causeCode: e.cause.code } : {}),
    ...(at ? { at } : {}),
    ...(e?.userFacing === true && typeof e.message === 'string' ? { reason: e.message } : {}),
  };
}

/**
 * The stack's frames, without its header (`Name: message`): a message can span lines, and one of them, a
 * value a request or a record put there, can read like a frame (`    at x (/srv/src/430102….ts:1:1)`).
 * V8 writes the header as the error's name and message when it was made; a stack set otherwise has its
 * first line taken for the header.
 */
function framesOf(stack: string, name: unknown, message: unknown): string[] {
  const head = typeof message === 'string' && message ? `${String(name)}: ${message}` : String(name);
  const rest = stack.startsWith(head) ? stack.slice(head.length).split('\n').slice(1) : stack.split('\n').slice(1);
  return rest;
}

/** The innermost stack frame in govgraph's own `src/` or `resolvers/`, as `folder/…/file:line`; not a dependency's or Node's. */
function ownFrame(frames: string[]): string | undefined {
  for (const line of frames) {
    if (!/^\s*at\s/.test(line)) continue; // a frame, not a line of a message
    if (line.includes('node_modules') || line.includes('node:')) continue;
    const m = /[/\\]((?:src|resolvers)[/\\][^():\s]+?\.[cm]?[jt]s):(\d+)(?::(\d+))?\)?\s*$/.exec(line);
    if (!m) continue;
    const source = /\.[cm]?js$/.test(m[1]) ? sourceOf(line, Number(m[2]), Number(m[3] ?? 1)) : undefined;
    // The last `src/` of the path: a project kept under a folder named src still names its own file.
    return source ?? `${lastOwnFolder(m[1])}:${m[2]}`;
  }
  return undefined;
}

const maps = new Map<string, SourceMap | null>();

/** The TypeScript file and line a compiled frame comes from, by the source map beside the compiled file. */
function sourceOf(frame: string, line: number, column: number): string | undefined {
  const loc = /\(([^()]+?):\d+(?::\d+)?\)\s*$/.exec(frame)?.[1] ?? /^\s*at\s+(.+?):\d+(?::\d+)?\s*$/.exec(frame)?.[1];
  if (loc === undefined) return undefined;
  let file: string;
  try {
    file = loc.startsWith('file:') ? fileURLToPath(loc) : loc;
  } catch {
    return undefined;
  }
  let map = maps.get(file);
  if (map === undefined) {
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
    } catch {
      map = null; // no map (or not one): the compiled file is named
    }
    if (maps.size < 1000) maps.set(file, map);
  }
  const entry = map?.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number } | undefined;
  if (entry?.originalSource === undefined || entry.originalLine === undefined) return undefined;
  const original = entry.originalSource.startsWith('file:') ? fileURLToPath(entry.originalSource) : resolve(dirname(file), entry.originalSource);
  const own = /[/\\]((?:src|resolvers)[/\\][^():\s]+?\.[cm]?[jt]s)$/.exec(original);
  return own ? `${lastOwnFolder(own[1])}:${entry.originalLine + 1}` : undefined;
}

function lastOwnFolder(path: string): string {
  const parts = path.split(/[/\\]/);
  const i = Math.max(parts.lastIndexOf('src'), parts.lastIndexOf('resolvers'));
  return parts.slice(i).join('/');
}
