// What the log says of an unexpected error (a bug, a driver failure): its kind, code and cause's kind, and
// where it was thrown in govgraph's own code (a file and line, as `src/store/sqlite.ts:120`), so that an
// operator can report it. Never its message (it can echo a request or a value) nor the whole stack; the
// message of an error written for the operator (`userFacing`) is said, as the command line would print it.

export interface ErrorFields {
  error: string;
  code?: string | number;
  cause?: string;
  at?: string;
  reason?: string;
}

export function errorFields(err: unknown): ErrorFields {
  const e = err as { name?: unknown; code?: unknown; message?: unknown; stack?: unknown; userFacing?: unknown; cause?: { name?: unknown } } | null;
  const at = typeof e?.stack === 'string' ? ownFrame(e.stack) : undefined;
  return {
    error: typeof e?.name === 'string' ? e.name : typeof err,
    ...(typeof e?.code === 'string' || typeof e?.code === 'number' ? { code: e.code } : {}),
    ...(typeof e?.cause?.name === 'string' ? { cause: e.cause.name } : {}),
    ...(at ? { at } : {}),
    ...(e?.userFacing === true && typeof e.message === 'string' ? { reason: e.message } : {}),
  };
}

/** The innermost stack frame in govgraph's own `src/` or `resolvers/`, as `folder/…/file:line`; not a dependency's or Node's. */
function ownFrame(stack: string): string | undefined {
  for (const line of stack.split('\n').slice(1)) {
    if (line.includes('node_modules') || line.includes('node:')) continue;
    const m = /[/\\]((?:src|resolvers)[/\\][^():\s]+?\.[cm]?[jt]s):(\d+)(?::\d+)?\)?\s*$/.exec(line);
    // The last `src/` of the path: a project kept under a folder named src still names its own file.
    if (m) return `${lastOwnFolder(m[1])}:${m[2]}`;
  }
  return undefined;
}

function lastOwnFolder(path: string): string {
  const parts = path.split(/[/\\]/);
  const i = Math.max(parts.lastIndexOf('src'), parts.lastIndexOf('resolvers'));
  return parts.slice(i).join('/');
}
