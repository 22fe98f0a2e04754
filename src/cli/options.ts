// Options every command takes (SPEC §11): --platform, --data or --mongodb-uri.
import { identifierFault, shownEscaped, trimWhiteSpace } from '../model/identifier-text.ts';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command, Option } from 'commander';
import { DEMO_PLATFORM_FILE } from '../demo/paths.ts';
import type { Platform } from '../model/platform.ts';
import { setting } from '../model/settings.ts';
import type { Store } from '../store/port.ts';

const DEFAULT_DATA_DIR = './data';

export interface CommonOptions {
  platform: string;
  data: string;
  mongodbUri?: string;
  /** The store setting given but not used, said after the store (store-choice.ts). */
  storeNote?: string;
}


export function withCommonOptions(cmd: Command): Command {
  return cmd
    .option('--platform <file>', 'platform file (env GOVGRAPH_PLATFORM; default ./platform.yaml, or the demo platform when there is none)', defaultPlatformFile())
    .option('--data <dir>', 'data folder of the embedded store (env GOVGRAPH_DATA_DIR)', setting('GOVGRAPH_DATA_DIR') ?? DEFAULT_DATA_DIR)
    .option('--mongodb-uri <uri>', 'use MongoDB instead of the embedded store (env MONGODB_URI)', setting('MONGODB_URI'));
}

// ---- empty values: `--data ''` was taken as the current folder, `--mongodb-uri ''` as no URI (the embedded
// store, silently) and `--platform ''` failed without naming the option. A value given empty (or blank) is
// refused before the command does anything, naming the option; an unset or blank environment variable
// is no value at all (settings.ts) and takes the default.

/** What to say after `--OPTION:` when it was given empty; the others get a sentence made from their flags. */
const EMPTY_VALUE_HINTS: Readonly<Record<string, string>> = {
  '--data': 'an empty folder name; name the data folder (--data . for this one), or leave --data out for GOVGRAPH_DATA_DIR or ./data',
  '--platform': 'an empty file name; name the platform file, or leave --platform out for GOVGRAPH_PLATFORM, ./platform.yaml or the demo platform',
  '--mongodb-uri': 'an empty URI; give a mongodb:// or mongodb+srv:// URI, or leave --mongodb-uri out for the embedded store',
  '--host': 'an empty address; name the one to listen on (127.0.0.1 for this machine only, 0.0.0.0 for every interface)',
};

function emptyValueHint(option: Option): string {
  const hint = EMPTY_VALUE_HINTS[option.long ?? ''];
  if (hint) return hint;
  const usage = option.flags.replace(/^-\w, /, ''); // `--port <n>`, as the help shows it
  if (option.mandatory) return `an empty value; write ${usage}`;
  return `an empty value; write ${usage}, or leave ${option.long} out${option.defaultValue !== undefined ? ` for its default (${String(option.defaultValue)})` : ''}`;
}

/**
 * Refuses an option or argument given an empty or blank value, naming it (`--platform: an empty file
 * name; ...`). Runs before every command's action (main.ts).
 */
export function refuseEmptyValues(cmd: Command): void {
  const blank = (value: unknown) => typeof value === 'string' && value.trim() === '';
  for (const option of cmd.options) {
    if (!option.required && !option.optional) continue; // a switch takes no value
    if (cmd.getOptionValueSource(option.attributeName()) !== 'cli') continue; // defaults and settings are not the user's text
    if (blank(cmd.getOptionValue(option.attributeName()))) throw new UserError(`${option.long}: ${emptyValueHint(option)}`);
  }
  cmd.registeredArguments.forEach((argument, i) => {
    const given: unknown = cmd.processedArgs[i];
    if ((Array.isArray(given) ? given : [given]).some(blank)) throw new UserError(`<${argument.name()}>: an empty argument; give a value`);
  });
}

/** An error whose message is for the person at the terminal (no stack trace). */
export class UserError extends Error {
  readonly userFacing = true;
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * Refuses a code given to `option` that holds a character that shows nothing or is not NFC, naming the
 * code point (identifier-text.ts): a lookup's refusal would print `430000-M\u200bZ` among the codes it
 * knows, where it reads as one of them, and a trim would take a U+FEFF silently.
 */
export function requireShownCode(option: string, code: string): void {
  const fault = identifierFault(trimWhiteSpace(code));
  if (fault) throw new UserError(`${option}: ${fault}`);
}

/** GOVGRAPH_PLATFORM, else ./platform.yaml, else the demo platform (so the README's commands work on a clone). */
export function defaultPlatformFile(): string {
  const named = setting('GOVGRAPH_PLATFORM');
  if (named) return named;
  return existsSync('platform.yaml') ? 'platform.yaml' : DEMO_PLATFORM_FILE;
}

// ---- what a command uses, said on stderr; stores found, not made (SPEC §15) ----
// The command modules import what their actions need inside the actions, so that `govgraph --help` and
// `--version` load commander and these few lines only.

/** The platform file, validated (problems become a DocumentInvalidError). */
export async function loadCommandPlatform(file: string): Promise<Platform> {
  const { loadPlatform } = await import('../catalogue/platform.ts');
  return loadPlatform(file);
}

/** How a platform file was chosen, for the line that names it. */
export function platformSource(file: string): string {
  if (setting('GOVGRAPH_PLATFORM') === file) return ' (GOVGRAPH_PLATFORM)';
  return file === DEMO_PLATFORM_FILE ? ' (the demo platform: there is no ./platform.yaml here)' : '';
}

/**
 * The refusal of a `--dept` code the platform file lacks (`token`, `schema print`): the file's departments,
 * and, when the file is the demo's because none was named and there is no ./platform.yaml here, how to
 * name one's own: a developer of another platform would otherwise see only the demo's codes.
 */
export function unknownDepartmentMessage(code: string, file: string, platform: Platform): string {
  // A code in another case or with spaces around it (`--dept "$DEPT "`) is refused as the gateway refuses
  // such a token's `dept`; shown bare, `530000-SJJ ` read as a code the list holds, so it is quoted, and
  // the department it nearly names is offered.
  const near = platform.departments.find((d) => d.code !== code && d.code.toUpperCase() === code.trim().toUpperCase());
  const shown = /^[\p{L}\p{N}_.:-]*$/u.test(code) && code !== '' ? code : shownEscaped(JSON.stringify(code));
  // `430000-M\u200bZ` is said to hold U+200B: quoted alone, it reads as the code the list holds. Blanks
  // around a code are the near-miss below (a tab from a script), not a hidden character.
  const fault = identifierFault(trimWhiteSpace(code));
  if (fault) return `Department ${shown} ${fault}`;
  const listed = near
    ? `Department ${shown} is not a department of the platform (${file}); codes are matched exactly (case and spaces too, as the gateway matches a token's dept): did you mean ${near.code}?`
    : `Department ${shown} is not a department of the platform (${file}); its departments are: ${platform.departments.map((d) => d.code).join(', ')}`;
  if (file !== DEMO_PLATFORM_FILE || setting('GOVGRAPH_PLATFORM') === file) return listed;
  return `${listed}. That is the demo platform, read because no platform file was named and there is no ./platform.yaml here: name yours with --platform FILE (env GOVGRAPH_PLATFORM)`;
}

/** Where the embedded store of a data folder lives. */
export function sqliteFile(dataDir: string): string {
  return join(resolve(dataDir), 'govgraph.sqlite');
}

/** The store as the line says it: the SQLite file, or the MongoDB host and database without credentials. */
function storeLabel(opts: CommonOptions): string {
  if (!opts.mongodbUri) return sqliteFile(opts.data);
  try {
    const url = new URL(opts.mongodbUri);
    if (!/^mongodb(\+srv)?:$/.test(url.protocol)) throw new Error('not a MongoDB URI'); // `localhost:27017` named the store "MongoDB 27017"
    return `MongoDB ${url.host}${url.pathname.length > 1 ? url.pathname : '/govgraph'}`;
  } catch {
    return `MongoDB (the URI of ${mongodbUriSource(opts.mongodbUri)})`;
  }
}

/** Writes, on stderr, which platform file and which store the command uses. */
export function announce(opts: CommonOptions, uses: { platform?: string | null; store?: boolean }): void {
  const parts: string[] = [];
  if (uses.platform) parts.push(`platform ${uses.platform}${platformSource(uses.platform)}`);
  if (uses.store) parts.push(`store ${storeLabel(opts)}${opts.storeNote ?? ''}`);
  if (parts.length) console.error(`govgraph: ${parts.join('; ')}`);
}

/** How a command opens its store. */
export interface StoreUse {
  /** Make the store when there is none (`serve --demo`, `catalogue import`). */
  create?: boolean;
  /** The platform file the command read: refused when the store is another region's. */
  platform?: { platform: Platform; file: string; onRefusal?: OnOtherPlatform };
  /**
   * False for a command that never appends to the audit log (`audit verify`, the lists) and for `serve`,
   * whose gateway says so instead, each minute, and goes on (AuditHeadError, checkpoint.ts: after a change
   * of the secret on purpose, its first entry starts the new key; but see refusesUnkeyedLog). Every other command is refused, before
   * it changes anything, when the log's newest entry does not verify under the key it would chain with.
   */
  appendsAudit?: boolean;
  /**
   * With `appendsAudit: false`, for `serve`: refused all the same, before it changes anything, when the log
   * was written by a release before keyed hashes, which no secret lets this release append to
   * (chain-key.ts, unkeyedLogProblem).
   */
  refusesUnkeyedLog?: boolean;
}

/**
 * Opens the command's store. Only `serve --demo` and `catalogue import` make one (`create`), and only
 * once their input has passed its checks; every other command refuses a data folder without a store,
 * saying where it looked, instead of making an empty store with a new secret. (`data import` needs a
 * published resource, which a store it made could not hold.)
 */
export async function openCommandStore(opts: CommonOptions, how: StoreUse = {}): Promise<Store> {
  if (!opts.mongodbUri && !how.create && !existsSync(sqliteFile(opts.data))) {
    const from = setting('GOVGRAPH_DATA_DIR') === opts.data ? 'GOVGRAPH_DATA_DIR' : opts.data === DEFAULT_DATA_DIR ? 'the default' : '--data';
    throw new UserError(
      `no store at ${sqliteFile(opts.data)} (${from} ${opts.data}); run the command where the data folder is, pass --data DIR ` +
        '(env GOVGRAPH_DATA_DIR) or --mongodb-uri URI, or make a store with govgraph catalogue import (or serve --demo, on the demo platform)',
    );
  }
  const store = await openNamedStore(opts, !how.create);
  if (how.platform) await refuseOtherPlatform(store, how.platform.platform, how.platform.file, how.platform.onRefusal);
  if (how.appendsAudit !== false) await refuseOtherAuditKey(store);
  else if (how.refusesUnkeyedLog) await refuseUnkeyedLog(store);
  return store;
}

/** Opens the store the options name; `existing`: refused when there is none (src/store/open.ts). */
async function openNamedStore(opts: CommonOptions, existing: boolean): Promise<Store> {
  const { openStore } = await import('../store/open.ts');
  try {
    return await openStore({ dataDir: opts.data, mongodbUri: opts.mongodbUri, existing });
  } catch (err) {
    // The driver's refusal of the URI named neither the setting nor the option it came from (never the URI
    // itself, which may hold a password).
    if (opts.mongodbUri && err instanceof Error && err.name === 'StoreUnavailableError' && err.message.startsWith('not a MongoDB connection string')) {
      throw new UserError(`${mongodbUriSource(opts.mongodbUri)}: ${err.message}`);
    }
    throw err;
  }
}

/**
 * Whether the options name a store that is there: the embedded store's file exists, the MongoDB database
 * holds a store (opened without making one, and closed).
 */
export async function storeIsThere(opts: CommonOptions): Promise<boolean> {
  if (!opts.mongodbUri) return existsSync(sqliteFile(opts.data));
  const { NoMongoStoreError } = await import('../store/mongo-foreign.ts');
  try {
    await (await openNamedStore(opts, true)).close();
    return true;
  } catch (err) {
    if (err instanceof NoMongoStoreError) return false;
    throw err;
  }
}

/**
 * Refuses (closing the store) a command whose audit entries would not chain under the log's key: run
 * without the gateways' GOVGRAPH_JWT_SECRET, or with another value (src/audit/chain-key.ts). Its entries
 * broke the chain for good (`audit verify` failed at the first, the gateways refused to checkpoint), and
 * with no secret at all it made one in the store. Checked here, where every command opens its store, so
 * that a command added later is checked too; a new store's log is empty, and passes.
 */
async function refuseOtherAuditKey(store: Store): Promise<void> {
  await refuseWith(store, async () => {
    const { chainKeyProblem } = await import('../audit/chain-key.ts');
    return chainKeyProblem(store);
  });
}

/**
 * Refuses (closing the store) a gateway on a log written before keyed hashes (src/audit/chain-key.ts). A
 * log that cannot be read (a damaged store file, another process's lock held) refuses nothing here: the
 * gateway starts not ready and says why, at /readyz and in its log, as for every other read at its start.
 */
async function refuseUnkeyedLog(store: Store): Promise<void> {
  await refuseWith(store, async () => {
    const { unkeyedLogProblem } = await import('../audit/chain-key.ts');
    return unkeyedLogProblem(store).catch(() => null);
  });
}

/** Closes the store and refuses the command with the problem `check` finds (or its failure); else goes on. */
async function refuseWith(store: Store, check: () => Promise<string | null>): Promise<void> {
  let problem: string | null;
  try {
    problem = await check();
  } catch (err) {
    await store.close();
    throw err;
  }
  if (!problem) return;
  await store.close();
  throw new UserError(problem);
}

/**
 * Refuses (closing the store) a platform file of another region than the store records: the operator
 * named one platform's file with the other's store (src/catalogue/store-platform.ts). Every command that
 * reads the platform file with the store passes it to openCommandStore, so that nothing is read or
 * written against the wrong platform.
 */
async function refuseOtherPlatform(store: Store, platform: Platform, file: string, onRefusal?: OnOtherPlatform): Promise<void> {
  await refuseWith(store, async () => {
    const problem = await otherPlatformProblem(store, platform, file);
    if (problem) await onRefusal?.(store, problem);
    return problem;
  });
}

/** What the command does with a store it refuses for another region's platform file, before it closes it. */
export type OnOtherPlatform = (store: Store, problem: string) => Promise<void>;

/** Why the platform file is not the store's (another region), or null: as refuseOtherPlatform says it. */
async function otherPlatformProblem(store: Store, platform: Platform, file: string): Promise<string | null> {
  const { platformMismatch, storePlatform } = await import('../catalogue/store-platform.ts');
  return platformMismatch(await storePlatform(store), platform, `${file}${platformSource(file)}`);
}

/** Where the MongoDB URI came from, as a message names it. */
function mongodbUriSource(uri: string): string {
  return setting('MONGODB_URI') === uri ? 'MONGODB_URI' : '--mongodb-uri';
}
