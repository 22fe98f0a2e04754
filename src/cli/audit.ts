// `govgraph audit verify` (SPEC §10, §11): checks the audit log's hash chain on the store.
import type { Command } from 'commander';
import { CHECKPOINT_FILE_ENV, checkpointFileFromEnv, readCheckpointFile } from '../audit/checkpoint.ts';
import { adoptionSaid } from '../audit/adoption.ts';
import { PREVIOUS_SECRET_ENV } from '../audit/key-change.ts';
import type { ClockWentBack, KeyChangeChecked } from '../audit/verify.ts';
import { envSecretProblem } from '../identity/secret.ts';
import { setting } from '../model/settings.ts';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { requireReadableFile, requireWritableFile } from './file-argument.ts';
import { checkpointsInDataFolder } from './serve.ts';
import { unfinishedImports, unfinishedImportSaid } from '../workflow/unfinished-imports.ts';
import { unfinishedOperations, unfinishedOperationSaid } from '../workflow/unfinished-operations.ts';
import { announce, openCommandStore, UserError, withCommonOptions, type CommonOptions } from './options.ts';

/**
 * The checkpoint file must be one to read (file-argument.ts). A path that named nothing (a typo, a volume not mounted) was
 * taken as a file without checkpoints: `audit chain ok`, without the check against the copy outside the
 * store that the operator asked for; a folder ended in EISDIR's stack.
 */
const CHECKPOINTS_HINT = 'name the file the gateways append their checkpoints to';

/** The checkpoint file to read (and, for rekey, to append to), refused when it is none (a typo, another file). */
function checkpointFileOf(opts: { checkpoints?: string }): string | null {
  const checkpointFile = opts.checkpoints ?? checkpointFileFromEnv();
  if (checkpointFile) {
    requireReadableFile(checkpointFile, opts.checkpoints ? `--checkpoints ${checkpointFile}` : `${CHECKPOINT_FILE_ENV}=${checkpointFile}`, CHECKPOINTS_HINT);
    // A file that is not a checkpoint file (empty, another JSON or text file, a line that is no checkpoint)
    // is the operator's to fix, said as `FILE: ...` or `FILE:LINE: ...`; it was reported as checkpoints
    // altered or forged, and an empty one as `audit chain ok` without the check outside the store.
    const { problem } = readCheckpointFile(checkpointFile);
    if (problem) throw new UserError(problem);
  }
  return checkpointFile;
}

/**
 * The checkpoint file `audit adopt` appends to, and whether it starts it. The releases of 25 November 2026
 * signed no checkpoints, so the file the gateways will append to is not there yet, or empty (made with
 * touch): adopt starts it with the adoption's checkpoint, as a gateway starts it (in a folder that exists and
 * this user may write, outside the data folder). It refused both ("no such file", "it is empty"), so the
 * command of docs/operations.md, Upgrading, failed as written. A file with checkpoints is read as verify reads it.
 */
function adoptCheckpointFile(opts: CommonOptions & { checkpoints?: string }): { file: string | null; starts: boolean } {
  const file = opts.checkpoints ?? checkpointFileFromEnv();
  if (!file || (existsSync(file) && !emptyFile(file))) return { file: checkpointFileOf(opts), starts: false };
  const label = opts.checkpoints ? `--checkpoints ${file}` : `${CHECKPOINT_FILE_ENV}=${file}`;
  requireWritableFile(file, label, 'name a file in a folder that exists and that this user may write');
  const folder = opts.mongodbUri ? null : checkpointsInDataFolder(file, opts.data);
  if (folder) {
    throw new UserError(`${label}: lies in the data folder ${folder}, beside the store whose audit log it anchors: whoever can rewrite the store rewrites it too; name a file outside the data folder; nothing was written`);
  }
  return { file, starts: true };
}

function emptyFile(file: string): boolean {
  try {
    return statSync(file).isFile() && readFileSync(file, 'utf8').trim() === '';
  } catch {
    return false; // said by checkpointFileOf
  }
}

/** How verify says the key changes it passed: where, and what the entries before were checked with. */
export function keyChangesSaid(changes: readonly KeyChangeChecked[]): string {
  return changes
    .map((c) =>
      `; the audit key changed at entry #${c.seq}: entries #1-#${c.after} are under a previous key, ` +
      (c.previousKeyChecked
        ? `checked with ${PREVIOUS_SECRET_ENV} and the change's proof`
        : `their contents checked against the digest the change recorded (not their own hashes nor the change's proof: export ${PREVIOUS_SECRET_ENV} to check those)`),
    )
    .join('');
}

/** The unfinished data imports `audit verify` names, newest last; older ones are counted. */
const MAX_UNFINISHED_SAID = 10;

/** The note of `audit verify` on entries timed before the entry before them (verify.ts); the chain is ok all the same. */
export function clockWentBackSaid(c: ClockWentBack): string {
  const minutes = Math.round((Date.parse(c.previous.time) - Date.parse(c.time)) / 60_000);
  const others = c.count > 1 ? ` (and ${c.count - 1} more ${c.count === 2 ? 'entry' : 'entries'} so, further on)` : '';
  return (
    `  entry #${c.seq} is timed ${c.time}, ${minutes} min before entry #${c.previous.seq} (${c.previous.time})${others}: ` +
    'the clock of the process that wrote it was behind, set back or stepped back by NTP, or the clocks of the instances on this store are apart. ' +
    'The chain holds (the order of the log is its entry numbers), but its times do not follow that order: keep every machine\'s clock in step ' +
    '(docs/operations.md, Audit verify and checkpoints)'
  );
}

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the audit log');

  withCommonOptions(
    audit
      .command('rekey')
      .description(`record a deliberate change of the platform secret in the audit log (the previous secret in ${PREVIOUS_SECRET_ENV})`)
      .option('--checkpoints <file>', `the checkpoint file outside the store (env ${CHECKPOINT_FILE_ENV}); the change's checkpoint is appended to it`),
  ).action(async (opts: CommonOptions & { checkpoints?: string }) => {
    announce(opts, { store: true });
    // From the environment only: never an option (a shell's history, the process list), never printed.
    const previous = setting(PREVIOUS_SECRET_ENV);
    if (previous === undefined) {
      throw new UserError(
        `${PREVIOUS_SECRET_ENV} is unset: export the secret the audit log was keyed with until now (the gateways' GOVGRAPH_JWT_SECRET of before, ` +
          `or the value of the jwt-secret row deleted from the store), and GOVGRAPH_JWT_SECRET as the gateways run now (unset for the secret kept in the store); nothing was written`,
      );
    }
    const problem = envSecretProblem();
    if (problem) throw new UserError(`${problem}; nothing was written`);
    const checkpointFile = checkpointFileOf(opts);
    // Not refused over the log's key as the appending commands are: recording the change is what it is for.
    const store = await openCommandStore(opts, { appendsAudit: false });
    try {
      const { rekeyAudit } = await import('../audit/rekey.ts');
      const done = await rekeyAudit(store, { previous: new TextEncoder().encode(previous), checkpointFile });
      const secret = { env: 'GOVGRAPH_JWT_SECRET', kept: 'the secret kept in the store', made: 'a secret made now and kept in the store (the gateways run without GOVGRAPH_JWT_SECRET)' }[done.newSecret];
      const seq = done.entry.seq;
      console.log(`audit key changed: entry #${seq} records it, keyed with the new secret, ${secret}`);
      console.log(`  entries #1-#${done.after} verified under ${PREVIOUS_SECRET_ENV}` +
        (done.after < seq - 1 ? `, entries #${done.after + 1}-#${seq - 1} under the new secret (recorded by a gateway that ran with it before the change was)` : ''));
      console.log(done.checkpoint
        ? `  checkpoint of entry #${done.checkpoint.seq} signed with the new key (the store${checkpointFile ? ` and ${checkpointFile}` : ''})`
        : `  no checkpoint signed (${done.checkpointProblem}): the gateways sign one when they start`);
    } finally {
      await store.close();
    }
  });

  withCommonOptions(
    audit
      .command('adopt')
      .description('adopt an audit log begun before keyed hashes (plain SHA-256): record it under the platform key, so that commands and serve append to it again')
      .option('--checkpoints <file>', `the checkpoint file outside the store (env ${CHECKPOINT_FILE_ENV}); the adoption's checkpoint is appended to it`),
  ).action(async (opts: CommonOptions & { checkpoints?: string }) => {
    announce(opts, { store: true });
    const problem = envSecretProblem();
    if (problem) throw new UserError(`${problem}; nothing was written`);
    const { file: checkpointFile, starts } = adoptCheckpointFile(opts);
    // Not refused over the log's key as the appending commands are: a plain-hashed log is what it takes.
    const store = await openCommandStore(opts, { appendsAudit: false });
    try {
      const { adoptUnkeyedLog } = await import('../audit/adopt.ts');
      const done = await adoptUnkeyedLog(store, { checkpointFile, startsCheckpointFile: starts });
      const secret = { env: 'GOVGRAPH_JWT_SECRET', kept: 'the secret kept in the store', made: 'a secret made now and kept in the store (the gateways run without GOVGRAPH_JWT_SECRET)' }[done.secret];
      const keyed = done.keyedTo === null ? '' : ` and entries #${done.after + 1}-#${done.keyedTo} (keyed after them before the adoption)`;
      console.log(`audit log adopted: entry #${done.entry.seq} records entries #1-#${done.after} (plain SHA-256, as written before keyed hashes)${keyed}, keyed with ${secret}`);
      console.log(done.checkpoint
        ? `  checkpoint of entry #${done.checkpoint.seq} signed (the store${checkpointFile ? ` and ${checkpointFile}` : ''})`
        : `  no checkpoint signed (${done.checkpointProblem}): the gateways sign one when they start`);
    } finally {
      await store.close();
    }
  });

  withCommonOptions(
    audit
      .command('verify')
      .description('check the hash chain of the audit log against its signed checkpoints and name the first broken entry')
      .option('--checkpoints <file>', `the checkpoint file outside the store (env ${CHECKPOINT_FILE_ENV})`),
  ).action(async (opts: CommonOptions & { checkpoints?: string }) => {
    // The audit key comes from the store (key.ts: the platform secret kept there, or GOVGRAPH_JWT_SECRET),
    // never from the platform file: the command names the store only (SPEC §15).
    announce(opts, { store: true });
    const checkpointFile = checkpointFileOf(opts);
    // Read-only: it must run whatever key the log is under (it says which entry does not verify).
    const store = await openCommandStore(opts, { appendsAudit: false });
    const { verifyAuditChain } = await import('../audit/verify.ts');
    try {
      const result = await verifyAuditChain(store, undefined, { checkpointFile });
      const anchor = result.checkpoint ? `, anchored by the checkpoint of entry #${result.checkpoint.seq} signed at ${result.checkpoint.time}` : ', no signed checkpoint';
      if (result.ok) {
        console.log(`audit chain ok: ${result.entries} ${result.entries === 1 ? 'entry' : 'entries'}${anchor}${checkpointFile ? '' : ` (store only; ${CHECKPOINT_FILE_ENV} names the file outside it)`}${keyChangesSaid(result.keyChanges ?? [])}`);
        if (result.adopted) console.log(`  ${adoptionSaid(result.adopted)}`);
        if (result.clockWentBack) console.log(clockWentBackSaid(result.clockWentBack));
      } else {
        const broken = result.firstBroken!;
        console.log(`audit chain broken at entry #${broken.seq}: ${broken.reason}`);
        process.exitCode = 1;
      }
      // Notes, not breaks: an import killed between its two entries leaves a sound chain (unfinished-imports.ts).
      // Best effort: the verdict above is said already, and a store that cannot be read says so there.
      const unfinished = await unfinishedImports(store).catch((err: Error) => {
        console.log(`  note: the data imports of the log could not be read for those left without an outcome: ${err.message}`);
        return [];
      });
      for (const u of unfinished.slice(-MAX_UNFINISHED_SAID)) console.log(unfinishedImportSaid(u));
      if (unfinished.length > MAX_UNFINISHED_SAID) {
        console.log(`  note: ${unfinished.length - MAX_UNFINISHED_SAID} older data imports have no outcome either (action "data import" in the log)`);
      }
      // So are catalogue imports, publications, key rotations and platform adoptions (unfinished-operations.ts).
      const operations = await unfinishedOperations(store).catch((err: Error) => {
        console.log(`  note: the catalogue imports, publications and key changes of the log could not be read for those left without an outcome: ${err.message}`);
        return [];
      });
      for (const u of operations.slice(-MAX_UNFINISHED_SAID)) console.log(unfinishedOperationSaid(u));
      if (operations.length > MAX_UNFINISHED_SAID) {
        console.log(`  note: ${operations.length - MAX_UNFINISHED_SAID} older catalogue imports, publications or key changes have no outcome either`);
      }
    } finally {
      await store.close();
    }
  });
}
