// `govgraph audit verify` (SPEC §10, §11): checks the audit log's hash chain on the store.
import type { Command } from 'commander';
import { CHECKPOINT_FILE_ENV, checkpointFileFromEnv, readCheckpointFile } from '../audit/checkpoint.ts';
import { requireReadableFile } from './file-argument.ts';
import { announce, openCommandStore, UserError, withCommonOptions, type CommonOptions } from './options.ts';

/**
 * The checkpoint file must be one to read (file-argument.ts). A path that named nothing (a typo, a volume not mounted) was
 * taken as a file without checkpoints: `audit chain ok`, without the check against the copy outside the
 * store that the operator asked for; a folder ended in EISDIR's stack.
 */
const CHECKPOINTS_HINT = 'name the file the gateways append their checkpoints to';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the audit log');

  withCommonOptions(
    audit
      .command('verify')
      .description('check the hash chain of the audit log against its signed checkpoints and name the first broken entry')
      .option('--checkpoints <file>', `the checkpoint file outside the store (env ${CHECKPOINT_FILE_ENV})`),
  ).action(async (opts: CommonOptions & { checkpoints?: string }) => {
    // The audit key comes from the store (key.ts: the platform secret kept there, or GOVGRAPH_JWT_SECRET),
    // never from the platform file: the command names the store only (SPEC §15).
    announce(opts, { store: true });
    const checkpointFile = opts.checkpoints ?? checkpointFileFromEnv();
    if (checkpointFile) {
      requireReadableFile(checkpointFile, opts.checkpoints ? `--checkpoints ${checkpointFile}` : `${CHECKPOINT_FILE_ENV}=${checkpointFile}`, CHECKPOINTS_HINT);
      // A file that is not a checkpoint file (empty, another JSON or text file, a line that is no checkpoint)
      // is the operator's to fix, said as `FILE: ...` or `FILE:LINE: ...`; it was reported as checkpoints
      // altered or forged, and an empty one as `audit chain ok` without the check outside the store.
      const { problem } = readCheckpointFile(checkpointFile);
      if (problem) throw new UserError(problem);
    }
    // Read-only: it must run whatever key the log is under (it says which entry does not verify).
    const store = await openCommandStore(opts, { appendsAudit: false });
    const { verifyAuditChain } = await import('../audit/verify.ts');
    try {
      const result = await verifyAuditChain(store, undefined, { checkpointFile });
      const anchor = result.checkpoint ? `, anchored by the checkpoint of entry #${result.checkpoint.seq} signed at ${result.checkpoint.time}` : ', no signed checkpoint';
      if (result.ok) {
        console.log(`audit chain ok: ${result.entries} ${result.entries === 1 ? 'entry' : 'entries'}${anchor}${checkpointFile ? '' : ` (store only; ${CHECKPOINT_FILE_ENV} names the file outside it)`}`);
      } else {
        const broken = result.firstBroken!;
        console.log(`audit chain broken at entry #${broken.seq}: ${broken.reason}`);
        process.exitCode = 1;
      }
    } finally {
      await store.close();
    }
  });
}
