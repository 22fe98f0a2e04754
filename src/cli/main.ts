// The `govgraph` command line (SPEC §11). Each command group lives in its own module.
import { govgraphProgram } from './program.ts';
import { exitCodeOf } from './interrupt.ts';
import { storesLeftUnclosed } from '../store/sqlite.ts';
import { lockAdvice } from './locked-out.ts';

// A reader that stops early (`govgraph schema print | head -1`) closes the pipe, and the next write fails
// with EPIPE, which crashed the command with node's stack for an unhandled 'error'. The output has no
// reader left: it is dropped, and the command finishes its work (an import run into `head` still imports)
// with the exit code of that work.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

const program = govgraphProgram();

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // Errors meant for the user carry a plain message, and so does a store that cannot be opened or reached
  // (the operator's to fix: a folder, a URI, a server), or an audit log it cannot write (a full disk,
  // another process holding the write lock: the action is refused, its entry coming first); anything else
  // is a bug worth a stack.
  const operators = ['StoreUnavailableError', 'AuditUnavailableError'];
  if (err instanceof Error && ((err as { userFacing?: boolean }).userFacing || operators.includes(err.name))) {
    console.error(`govgraph: ${err.message}${lockAdvice(err)}`);
  } else {
    console.error(err);
  }
  process.exitCode = process.exitCode || exitCodeOf(err);
  // A MongoDB that never answered (src/store/mongo/connection.ts): nothing of the command is open, and the
  // driver's socket to it would hold the process 30 s more after the message.
  if ((err as { exitNow?: boolean } | null)?.exitNow === true) process.exit();
}

// The store's files were changed under the command (a backup restored into the data folder while it ran):
// its connection is left unclosed (src/store/sqlite/store.ts), and the command exits here, before node's
// exit closes it and copies the old store's write-ahead log into the restored file. Standard error is
// written synchronously to files and pipes on Linux, so the lines before are out.
const changed = storesLeftUnclosed();
if (changed.length > 0) {
  console.error(
    `govgraph: ${changed[0]}: this command's store is no longer that file, so what it wrote since is not in the store; ` +
      'the file was left as it was put there. Run the command again once nothing else changes the data folder',
  );
  process.exit(1);
}
