// govgraph serve: the gateway. With --demo, the demo platform is loaded into the data folder on first run.
// SIGTERM and SIGINT drain (SPEC §15); a second signal during the drain stops at once.
import { closeSync, openSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { DEMO_PLATFORM_FILE } from '../demo/paths.ts';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, trustedDocumentsOf, type Platform } from '../model/platform.ts';
import { TrustedDocumentStore } from '../limits/trusted.ts';
import { loadPlatform } from '../catalogue/platform.ts';
import { inValuesOverCostNote } from '../catalogue/checks/platform/limits.ts';
import { CHECKPOINT_FILE_ENV, checkpointFileFromEnv } from '../audit/checkpoint.ts';
import { setting } from '../model/settings.ts';
import { announce, loadCommandPlatform, openCommandStore, UserError, withCommonOptions, type CommonOptions } from './options.ts';
import { requireWritableFile } from './file-argument.ts';
import { errorFields } from './error-fields.ts';
import { StoreUnavailableError } from '../store/port.ts';

interface ServeOptions extends CommonOptions {
  port: string;
  host: string;
  demo?: boolean;
}

/** The demo's developer: the Provincial Department of Civil Affairs, for social assistance. */
const DEMO_DEPT = '430000-MZ';
const DEMO_PURPOSE = 'social-assistance';

/**
 * An unexpected error (a bug, a driver failure) in the log, as errorFields says it: no message nor stack
 * (docs/operations.md, Logs). The poll runs every 2 s: the same line is said again at most once a minute.
 */
const REPEAT_LOG_MS = 60_000;
let lastError: { line: string; at: number } | null = null;
function logError(err: unknown): void {
  const line = JSON.stringify(errorFields(err));
  const now = Date.now();
  if (lastError?.line === line && now - lastError.at < REPEAT_LOG_MS) return;
  lastError = { line, at: now };
  const fields = JSON.parse(line) as Record<string, unknown>;
  process.stderr.write(JSON.stringify({ level: 50, time: now, service: 'govgraph', ...fields, msg: fields.reason ? 'error' : 'unexpected error' }) + '\n');
}

/**
 * The store's platform not recorded at start (another process holding the write lock longer than the
 * store waits): said in words with what follows, as the start-up checkpoint's line is, not as a bare
 * StoreUnavailableError an operator could take for a bug (its message is the store's, as the checkpoint's
 * line holds it). Any other error stays as errorFields says it.
 */
function notRecorded(err: unknown): unknown {
  if (!(err instanceof StoreUnavailableError)) return err;
  return Object.assign(new Error(`The store's platform cannot be recorded now; the gateway serves, and the next command or start records it: ${err.message}`), {
    name: 'StorePlatformNotRecorded', userFacing: true, cause: err,
  });
}

/** The port, said as where it came from when it is wrong (`--port x` or `PORT=x`). */
function parsePort(text: string, fromEnvironment: boolean): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UserError(`${fromEnvironment ? `PORT=${text}` : `--port ${text}`}: a port is a whole number from 0 to 65535`);
  return port;
}

/**
 * GOVGRAPH_LOG_LEVEL, GOVGRAPH_JWT_SECRET, GOVGRAPH_JWKS_URL (with GOVGRAPH_JWT_ISSUER and GOVGRAPH_JWT_AUDIENCE), GOVGRAPH_AUDIT_CHECKPOINTS and GOVGRAPH_METRICS_TOKEN, checked before
 * anything starts (pino and URL threw with a stack; a short secret signed and checked tokens).
 */
async function checkedEnvironment(dataDir: string | null): Promise<{ jwksUrl: string | undefined; provider: { issuer?: string; audience?: string } }> {
  const { LOG_LEVELS, logLevel } = await import('../server/plugins/logging.ts');
  const level = logLevel();
  if (!LOG_LEVELS.includes(level)) throw new UserError(`GOVGRAPH_LOG_LEVEL=${level}: not a log level; use one of ${LOG_LEVELS.join(', ')}`);
  const { envSecretProblem } = await import('../identity/secret.ts');
  const weak = envSecretProblem();
  if (weak) throw new UserError(weak);
  const { METRICS_TOKEN_ENV, metricsTokenProblem } = await import('../server/http/metrics-token.ts');
  const metricsToken = metricsTokenProblem(setting(METRICS_TOKEN_ENV));
  if (metricsToken) throw new UserError(metricsToken);
  const jwksUrl = setting('GOVGRAPH_JWKS_URL');
  const isHttpUrl = (text: string) => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol);
  if (jwksUrl !== undefined && !isHttpUrl(jwksUrl)) {
    throw new UserError(`GOVGRAPH_JWKS_URL=${jwksUrl}: not an http:// or https:// URL (your identity provider's JSON Web Key Set)`);
  }
  // fetch refuses a URL with credentials: every token of the provider would be refused, for ever.
  if (jwksUrl !== undefined && (new URL(jwksUrl).username || new URL(jwksUrl).password)) {
    const { shownUrl } = await import('../identity/provider-key-set.ts');
    throw new UserError(`GOVGRAPH_JWKS_URL (${shownUrl(jwksUrl)}): holds a user name or password, which the gateway does not send (a key set is public: credentials in its URL would only reach the log); name a key set URL without them`);
  }
  // What the provider's tokens must name besides (src/identity/verify.ts ProviderClaims); an HS256 token
  // that names an `iss` or `aud` is held to them too, with or without a key set (a gateway of the secret
  // alone names its audience so: tokens another system makes with a shared secret name theirs).
  const provider = { issuer: setting('GOVGRAPH_JWT_ISSUER')?.trim(), audience: setting('GOVGRAPH_JWT_AUDIENCE')?.trim() };
  // A checkpoint file that cannot be written failed only at the first checkpoint, as an "unexpected
  // error" in the log every minute, while the operator believed the checkpoints went off-site.
  const checkpoints = checkpointFileFromEnv();
  if (checkpoints) {
    const label = `${CHECKPOINT_FILE_ENV}=${checkpoints}`;
    const hint = 'name a file in a folder that exists and that this user may write';
    requireWritableFile(checkpoints, label, hint);
    const folder = dataDir === null ? null : checkpointsInDataFolder(checkpoints, dataDir);
    if (folder) {
      // The file anchors the store's log from outside it: kept beside the store, it is rewritten by whoever
      // rewrites the store, and a copy or restore of the folder takes it along (the restore's report of
      // what was lost, docs/operations.md, then has nothing to compare with).
      throw new UserError(
        `${label}: lies in the data folder ${folder}, beside the store whose audit log it anchors: whoever can rewrite the store rewrites it too, ` +
          'and a copy or restore of the folder takes it along; name a file outside the data folder (another disk, a log volume shipped elsewhere)',
      );
    }
    try {
      closeSync(openSync(checkpoints, 'a', 0o600));
    } catch (err) {
      throw new UserError(`${label}: cannot be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); ${hint}`);
    }
  }
  return { jwksUrl, provider };
}

/**
 * Where this gateway's tokens come from, said when it starts on a platform of one's own: `govgraph token`
 * run elsewhere reads ./platform.yaml (else the demo's) and ./data, whose secret this gateway refuses.
 * The command names the platform file and store as resolved, and never a MongoDB URI (it may hold a password).
 */
export function tokenHint(platformFile: string, opts: Pick<CommonOptions, 'data' | 'mongodbUri'>, jwksUrl: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const secretSet = setting('GOVGRAPH_JWT_SECRET', env) !== undefined;
  if (jwksUrl !== undefined && !secretSet) return 'tokens: from your identity provider (GOVGRAPH_JWKS_URL)';
  // Quoted for the shell when a path holds anything but letters, digits and ./_-@+=:, (a space, a quote).
  const shell = (text: string) => (/^[\w./@+=:,-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`);
  const store = opts.mongodbUri ? '--mongodb-uri "$MONGODB_URI"' : `--data ${shell(resolve(opts.data))}`;
  return (
    `tokens (in the govgraph folder${secretSet ? ', with the same GOVGRAPH_JWT_SECRET' : ''}): ` +
    `npx govgraph token --dept CODE [--roles applicant,approver] --platform ${shell(resolve(platformFile))} ${store}`
  );
}

/** The data folder (as resolved, symbolic links followed where they exist) when `file` lies in it, else null. */
export function checkpointsInDataFolder(file: string, dataDir: string): string | null {
  const real = (p: string): string => {
    const full = resolve(p);
    try {
      return realpathSync(full);
    } catch {
      const parent = dirname(full);
      return parent === full ? full : join(real(parent), basename(full));
    }
  };
  const folder = real(dataDir);
  return real(file).startsWith(folder.endsWith(sep) ? folder : folder + sep) ? folder : null;
}

/**
 * --demo loads the demo's catalogues and records and signs a token for its department of civil affairs:
 * a platform without the demo's departments fits none of them, so it is refused before a store is made.
 */
function refuseDemoElsewhere(platform: Platform, platformFile: string): void {
  const codes = new Set(platform.departments.map((d) => d.code));
  const missing = loadPlatform(DEMO_PLATFORM_FILE).departments.map((d) => d.code).filter((code) => !codes.has(code));
  if (missing.length === 0) return;
  throw new UserError(
    `--demo serves the demo platform (${DEMO_PLATFORM_FILE}) with its catalogues, records and token; ${platformFile} is another platform ` +
      `(it has no department ${missing[0]}${missing.length > 1 ? `, nor ${missing.length - 1} more of the demo's` : ''}). ` +
      'Leave out --demo, and load your catalogues with govgraph catalogue import and your records with govgraph data import.',
  );
}

/**
 * The trusted documents' manifests, read as the gateway reads them: a manifest that cannot be read (not
 * there, not JSON), or that names by one hash another manifest's document, refuses the start, each as
 * `trustedDocuments.manifests[i]: FILE: problem`. Started anyway, under `require` the clients of that
 * manifest were refused with nothing but a warning in the log to say why; with a clash, a client's
 * documentId ran another client's document. Once running, a manifest changed so keeps its last contents.
 */
export function refuseUnreadManifests(platform: Platform): void {
  const unread = new TrustedDocumentStore(trustedDocumentsOf(platform)).unread;
  if (unread.length === 0) return;
  throw new UserError(`${unread.join('\n')}\nmend the manifest${unread.length > 1 ? 's' : ''} (or take ${unread.length > 1 ? 'them' : 'it'} out of trustedDocuments.manifests) and start again`);
}

export function registerServeCommand(program: Command): void {
  withCommonOptions(program.command('serve'))
    .description('serve GraphQL at /graphql, GraphiQL at /graphiql, /healthz, /readyz and /metrics')
    .option('--port <n>', 'port (env PORT)', setting('PORT') ?? '4000')
    .option('--host <addr>', 'address to listen on (env HOST)', setting('HOST') ?? '127.0.0.1')
    .option('--demo', 'serve the demo platform, loading it into the data folder on first run')
    .action(async (opts: ServeOptions, cmd: Command) => {
      const port = parsePort(opts.port, cmd.getOptionValueSource('port') === 'default' && setting('PORT') !== undefined);
      const host = opts.host; // never empty: an empty --host, which Node takes as every interface, is refused (options.ts)
      const { jwksUrl, provider } = await checkedEnvironment(opts.mongodbUri ? null : opts.data);
      // --demo serves the demo platform unless the operator named a platform file (--platform or
      // GOVGRAPH_PLATFORM, which commander reports as the option's default): a ./platform.yaml found here is not a choice.
      const named = cmd.getOptionValueSource('platform') !== 'default' || setting('GOVGRAPH_PLATFORM') !== undefined;
      const platformFile = opts.demo && !named ? DEMO_PLATFORM_FILE : opts.platform;
      const platform = await loadCommandPlatform(platformFile);
      announce(opts, { platform: platformFile, store: true });
      if (opts.demo) refuseDemoElsewhere(platform, platformFile);
      // Bounds that admit an `in` the cost never lets through: said, serving anyway.
      const inOverCost = inValuesOverCostNote(platform);
      if (inOverCost) console.error(`govgraph: warning: ${platformFile}: ${inOverCost}`);
      refuseUnreadManifests(platform);
      // A log a release before keyed hashes wrote refuses the start here, before the demo, the platform's
      // record, the secret, the indexes, the records' places and the first entry change anything.
      const store = await openCommandStore(opts, { create: opts.demo, platform: { platform, file: platformFile }, appendsAudit: false, refusesUnkeyedLog: true });
      if (!opts.mongodbUri) {
        // A store put in place by hand (a restore with cp) keeps the mode it got: say so, serving anyway.
        const { storeReadableByOthers } = await import('../store/sqlite/file-modes.ts');
        const exposed = storeReadableByOthers(opts.data);
        if (exposed) console.error(`govgraph: warning: ${exposed}`);
      }
      // A MongoDB standalone server: no transactions, one instance only (said, serving anyway).
      if (store.warning) console.error(`govgraph: warning: ${store.warning}`);
      const { ListenError, startGateway } = await import('../server/app.ts');
      const { signToken } = await import('../identity/token.ts');
      const { platformSecret } = await import('../identity/secret.ts');
      if (opts.demo) {
        const { ensureDemo } = await import('../demo/setup.ts');
        await ensureDemo(store, platform, (line) => console.log(line));
      }
      let demoToken: string | null = null;
      if (opts.demo) {
        const secret = await platformSecret(store);
        demoToken = await signToken(secret, { dept: DEMO_DEPT, user: 'demo-developer', roles: ['applicant'], ttl: '8h' });
      }
      // The store's platform is this one (recorded for a store made before stores recorded it), before the
      // gateway listens: recorded after, a gateway started at once with another region's file on a store
      // recording none answered requests (and ran its polls and checkpoints) under its region until its
      // record found the other's. Not being able to write it stops nothing: the next command records it.
      // Another process that recorded another region first: this one stops, having served nothing.
      const { platformMismatch, recordStorePlatform } = await import('../catalogue/store-platform.ts');
      const recorded = await recordStorePlatform(store, platform).catch((err) => (logError(notRecorded(err)), null));
      const mixedUp = platformMismatch(recorded, platform, platformFile);
      if (mixedUp) {
        await store.close();
        throw new UserError(mixedUp);
      }
      let gateway;
      try {
        gateway = await startGateway({
          platform,
          store,
          port,
          host,
          jwksUrl,
          provider,
          development: process.env.NODE_ENV === 'development',
          log: logError,
          graphiqlHeaders: demoToken ? { Authorization: `Bearer ${demoToken}`, 'x-purpose': DEMO_PURPOSE } : undefined,
          // Ctrl-C on the demo stops at once unless the platform file asks for a drain delay.
          server: opts.demo ? { drainDelayMs: platform.server?.drainDelayMs ?? 0 } : undefined,
        });
      } catch (err) {
        await store.close();
        if (err instanceof ListenError) throw new UserError(err.message);
        throw err;
      }
      // Another gateway on this store read another platform file (its trusted documents, limits, ...): said,
      // serving anyway. Recorded once this one serves: a gateway refused at its start (a file whose scopes do
      // not fit the catalogues) serves nothing, and must not be the one the next gateway is compared with.
      const { recordServedPlatform } = await import('../catalogue/served-platform.ts');
      const otherFile = await recordServedPlatform(store, platform, resolve(platformFile)).catch(() => null);
      if (otherFile) console.error(`govgraph: warning: ${otherFile}`);
      console.log(`govgraph: ${platform.platform.name}`);
      console.log(`  GraphQL   ${gateway.url}/graphql`);
      console.log(`  GraphiQL  ${gateway.url}/graphiql`);
      const checkpointFile = checkpointFileFromEnv();
      console.log(`  audit checkpoints every minute to the store${checkpointFile ? ` and ${checkpointFile}` : ` only (name a file outside it with ${CHECKPOINT_FILE_ENV})`}`);
      if (!demoToken) console.log(`  ${tokenHint(platformFile, opts, jwksUrl)}`);
      // The process to signal: under `npx govgraph serve &` or `npm start`, `$!` is npm's, whose SIGTERM may
      // not reach the gateway (docs/operations.md, Draining); a script's wait loop needs this id.
      console.log(`  stop: kill ${process.pid} (this gateway's own process: it drains, then exits; docs/operations.md#draining)`);
      if (demoToken) {
        console.log(`\nA demo token for the Provincial Department of Civil Affairs (${DEMO_DEPT}), valid 8 hours`);
        console.log('(GraphiQL opens with it in its headers):');
        console.log(`  Authorization: Bearer ${demoToken}`);
        console.log(`  x-purpose: ${DEMO_PURPOSE}`);
        console.log('Make others with: npx govgraph token --dept CODE [--roles applicant,approver]' + (opts.data !== './data' ? ` --data ${opts.data}` : ''));
      }
      const shutdownTimeoutMs = platform.server?.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
      let stopping = false;
      // What the stop says is a log line like the drain's own (JSON, never a stack): a log collector reads
      // every line after the start as JSON (docs/operations.md, Logs).
      const stopLine = (level: number, fields: Record<string, unknown>, msg: string) =>
        process.stderr.write(JSON.stringify({ level, time: Date.now(), service: 'govgraph', ...fields, msg }) + '\n');
      const stop = (signal: NodeJS.Signals) => {
        if (stopping) {
          stopLine(40, { event: 'drain-abort', signal }, `${signal} again: stopping without finishing the drain`);
          process.exit(1);
        }
        stopping = true;
        // The drain closes what is left at the deadline; this is the backstop should anything hang.
        setTimeout(() => {
          stopLine(50, { event: 'drain-timeout', shutdownTimeoutMs }, 'not stopped within shutdownTimeoutMs, exiting');
          process.exit(1);
        }, shutdownTimeoutMs).unref();
        gateway
          .drain()
          .then(() => store.close()) // the store's own shutdown (audit flushed, files closed) runs here
          .then(
            () => process.exit(0),
            (err) => {
              logError(err); // its kind and code, not console.error's stack
              process.exit(1);
            },
          );
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
}
