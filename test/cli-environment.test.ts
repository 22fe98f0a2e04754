// Settings from the environment as an operator's compose file or service unit gives them: a variable set
// but empty counts as unset. `HOST=` used to make `serve` listen on every interface (and print
// `http://:4000/graphql`), and `PORT=x` was reported as `--port x`, an option nobody had passed. A
// value that is not one of its kind is refused in one line naming the variable.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkpointFileFromEnv } from '../src/audit/checkpoint.ts';
import { checkpointsInDataFolder } from '../src/cli/serve.ts';
import { envSecret } from '../src/identity/secret.ts';
import { logLevel } from '../src/server/plugins/logging.ts';
import { cliEnv, runGovgraph } from './helpers/cli.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'govgraph.js');
const work = mkdtempSync(join(tmpdir(), 'govgraph-cli-env-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const guizhou = join(root, 'test', 'fixtures', 'guizhou');

const envWith = (set: Record<string, string>) =>
  cliEnv(set, ['PORT', 'HOST', 'GOVGRAPH_LOG_LEVEL', 'GOVGRAPH_JWKS_URL', 'GOVGRAPH_JWT_ISSUER', 'GOVGRAPH_JWT_AUDIENCE', 'GOVGRAPH_AUDIT_CHECKPOINTS']);

const govgraph = (set: Record<string, string>, ...args: string[]) => runGovgraph(args, { cwd: work, env: envWith(set), timeout: 20_000 });

describe('settings from the environment', () => {
  it('take the default when set but empty', async () => {
    const help = await govgraph({ PORT: '', HOST: ' ', GOVGRAPH_DATA_DIR: '' }, 'serve', '--help');
    expect(help.stdout).toMatch(/--port <n> +port \(env PORT\) \(default: "4000"\)/);
    expect(help.stdout).toMatch(/--host <addr> +address to listen on \(env HOST\)\s+\(default: "127\.0\.0\.1"\)/);
    expect(help.stdout).toMatch(/GOVGRAPH_DATA_DIR\)\s+\(default: "\.\/data"\)/);
  });

  // Read where they are used, not through the command line's options: the same rule.
  it('take the default when set but blank, for the secret, the checkpoint file and the log level too', () => {
    expect(envSecret({ GOVGRAPH_JWT_SECRET: '  ' })).toBeNull(); // the platform's stored secret, not a secret of spaces
    expect(envSecret({ GOVGRAPH_JWT_SECRET: ' s3cret ' })).toEqual(new TextEncoder().encode(' s3cret '));
    expect(checkpointFileFromEnv({ GOVGRAPH_AUDIT_CHECKPOINTS: ' ' })).toBeNull();
    expect(checkpointFileFromEnv({ GOVGRAPH_AUDIT_CHECKPOINTS: '/var/log/cp.jsonl' })).toBe('/var/log/cp.jsonl');
    expect(logLevel({ GOVGRAPH_LOG_LEVEL: ' ' })).toBe('info');
    expect(logLevel({ GOVGRAPH_LOG_LEVEL: ' warn ' })).toBe('warn');
    expect(logLevel({ GOVGRAPH_LOG_LEVEL: 'WARN' })).toBe('warn');
  });

  // Found (h200): set but empty, these took their default as every setting does, and each default admits
  // more than the setting would: tokens of any audience or issuer, HS256 tokens besides the provider's, the
  // secret kept in the store (in every backup of it). Every command refuses them, naming the variable only.
  it('a setting whose default admits more is refused set but empty, by every command; the others still take their default', async () => {
    const platform = join(guizhou, 'platform.yaml');
    const said: Record<string, string> = {
      GOVGRAPH_JWT_SECRET: 'for the secret kept in the store',
      GOVGRAPH_JWKS_URL: 'for tokens signed with the platform secret only',
      GOVGRAPH_JWT_ISSUER: "to take a token's `iss`, whatever it names",
      GOVGRAPH_JWT_AUDIENCE: "to take a token's `aud`, whatever it names",
    };
    for (const [name, unset] of Object.entries(said)) {
      const refusal = {
        code: 1,
        stdout: '',
        stderr: `govgraph: ${name}: is set but empty; a variable set from one that is not (${name}=$SECRET) would take its default, which admits more. Give it its value, or unset it (unset ${name}) ${unset}\n`,
      };
      expect(await govgraph({ [name]: '' }, 'serve', '--port', '0', '--platform', platform, '--data', join(work, 'guarded'))).toEqual(refusal);
      expect(await govgraph({ [name]: ' ' }, 'token', '--dept', '520000-GAT', '--platform', platform)).toEqual(refusal);
    }
    expect(existsSync(join(work, 'guarded'))).toBe(false);
    const token = await govgraph({ PORT: '', HOST: '', GOVGRAPH_LOG_LEVEL: '', GOVGRAPH_AUDIT_CHECKPOINTS: '' }, 'token', '--dept', '520000-GAT', '--platform', platform, '--data', join(work, 'default-taken'));
    expect(token.stderr).not.toContain('is set but empty');
  }, 60_000);

  it('name the variable when its value is wrong, and an empty --host is refused', async () => {
    expect(await govgraph({ PORT: 'eighty' }, 'serve')).toEqual({ code: 1, stdout: '', stderr: 'govgraph: PORT=eighty: a port is a whole number from 0 to 65535\n' });
    expect(await govgraph({ PORT: '4000' }, 'serve', '--port', '70000')).toEqual({ code: 1, stdout: '', stderr: 'govgraph: --port 70000: a port is a whole number from 0 to 65535\n' });
    const host = await govgraph({}, 'serve', '--port', '0', '--host', '');
    expect(host).toEqual({ code: 1, stdout: '', stderr: 'govgraph: --host: an empty address; name the one to listen on (127.0.0.1 for this machine only, 0.0.0.0 for every interface)\n' });
  });

  // `--data ''` was taken as the current folder (a store made there by an import), `--mongodb-uri ''` as no
  // URI (the embedded store, silently), and `--platform ''` failed with a message that did not name it.
  it('an option or argument given an empty value is refused, naming it, before anything is made', async () => {
    const refused = (message: string) => ({ code: 1, stdout: '', stderr: `govgraph: ${message}\n` });
    const police = join(guizhou, 'police.yaml');
    expect(await govgraph({}, 'catalogue', 'import', police, '--platform', join(guizhou, 'platform.yaml'), '--data', '')).toEqual(
      refused('--data: an empty folder name; name the data folder (--data . for this one), or leave --data out for GOVGRAPH_DATA_DIR or ./data'),
    );
    expect(existsSync(join(work, 'govgraph.sqlite'))).toBe(false);
    for (const args of [['audit', 'verify'], ['catalogue', 'validate', police], ['token', '--dept', '520000-GAT']]) {
      expect(await govgraph({}, ...args, '--platform', ' ')).toEqual(
        refused('--platform: an empty file name; name the platform file, or leave --platform out for GOVGRAPH_PLATFORM, ./platform.yaml or the demo platform'),
      );
    }
    expect(await govgraph({}, 'grant', 'list', '--mongodb-uri', '')).toEqual(
      refused('--mongodb-uri: an empty URI; give a mongodb:// or mongodb+srv:// URI, or leave --mongodb-uri out for the embedded store'),
    );
    expect(await govgraph({}, 'token', '--dept', '520000-GAT', '--ttl', '')).toEqual(refused('--ttl: an empty value; write --ttl <ttl>, or leave --ttl out for its default (8h)'));
    expect(await govgraph({}, 'data', 'import', '--resource', '', 'x.jsonl')).toEqual(refused('--resource: an empty value; write --resource <code>'));
    expect(await govgraph({}, 'catalogue', 'validate', police, '')).toEqual(refused('<files>: an empty argument; give a value'));
  });

  // `--ttl 0s` said "Invalid lifetime", naming no option; a secret of a few bytes signed and checked
  // tokens (HS256 wants a key of at least 256 bits, RFC 7518 §3.2).
  it('a lifetime that is none and a GOVGRAPH_JWT_SECRET shorter than 32 bytes are refused in one line naming them', async () => {
    const platform = join(guizhou, 'platform.yaml');
    const token = (set: Record<string, string>, ...args: string[]) => govgraph(set, 'token', '--dept', '520000-GAT', '--platform', platform, ...args);
    const strong = 'x'.repeat(32);
    expect(await token({ GOVGRAPH_JWT_SECRET: strong }, '--ttl', '0s')).toEqual({
      code: 1, stdout: '', stderr: 'govgraph: --ttl 0s: must be a positive duration: a whole number from 1 and a unit s, m, h or d, like 30m, 8h or 7d\n',
    });
    expect(await token({ GOVGRAPH_JWT_SECRET: strong }, '--ttl', '400d')).toEqual({ code: 1, stdout: '', stderr: 'govgraph: --ttl 400d: must be at most 366d\n' });
    const weak =
      'govgraph: GOVGRAPH_JWT_SECRET: 31 bytes; an HS256 secret needs at least 32 (256 bits, RFC 7518 §3.2). Make one with `openssl rand -base64 32`, ' +
      'or leave GOVGRAPH_JWT_SECRET unset for the secret kept in the store. A new secret changes the audit key: run govgraph audit verify first (docs/operations.md)\n';
    expect(await token({ GOVGRAPH_JWT_SECRET: strong.slice(1) })).toEqual({ code: 1, stdout: '', stderr: weak });
    expect(await govgraph({ GOVGRAPH_JWT_SECRET: strong.slice(1) }, 'serve', '--port', '0', '--platform', platform, '--data', join(work, 'weak'))).toEqual({ code: 1, stdout: '', stderr: weak });
    expect(existsSync(join(work, 'weak'))).toBe(false);
    const signed = await token({ GOVGRAPH_JWT_SECRET: strong });
    expect(signed.code, signed.stderr).toBe(0);
    expect(signed.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  });

  // A secret with a line break at its end (a Kubernetes secret made from a file, an env file) signed and keyed
  // the audit log as it was, and the same secret read by a shell's $(cat FILE), without it, was another:
  // `govgraph token` from a shell made tokens the gateways refused, `audit verify` said the chain broken.
  it('a GOVGRAPH_JWT_SECRET beginning or ending with white space is refused in one line, not shown', async () => {
    const platform = join(guizhou, 'platform.yaml');
    const strong = 'y'.repeat(40);
    const padded = (where: string) =>
      `govgraph: GOVGRAPH_JWT_SECRET: ${where} with white space (a line break or a space), which a shell's $(cat FILE) drops and a secret ` +
      'made from a file or an env file keeps: commands run from a shell would sign tokens and key the audit log with another secret ' +
      'than the gateways. Remove it where the secret is set. A new secret changes the audit key: run govgraph audit verify first (docs/operations.md)\n';
    const token = (secret: string) => govgraph({ GOVGRAPH_JWT_SECRET: secret }, 'token', '--dept', '520000-GAT', '--platform', platform);
    expect(await token(`${strong}\n`)).toEqual({ code: 1, stdout: '', stderr: padded('ends') });
    expect(await token(` ${strong}`)).toEqual({ code: 1, stdout: '', stderr: padded('begins') });
    expect(await govgraph({ GOVGRAPH_JWT_SECRET: `\t${strong}\r\n` }, 'serve', '--port', '0', '--platform', platform, '--data', join(work, 'padded'))).toEqual({
      code: 1, stdout: '', stderr: padded('begins and ends'),
    });
    expect(existsSync(join(work, 'padded'))).toBe(false);
    expect((await token(`${strong.slice(20)} ${strong.slice(20)}`)).code).toBe(0); // a space within is the secret's own
  });

  // Both used to end in a stack trace (pino's "default level:verbose must be included in custom levels",
  // and URL's "Invalid URL"), after the command had opened the store.
  it('a log level or a JWKS URL that is none is refused in one line, before the store is opened', async () => {
    expect(await govgraph({ GOVGRAPH_LOG_LEVEL: 'verbose' }, 'serve', '--port', '0')).toEqual({
      code: 1, stdout: '', stderr: 'govgraph: GOVGRAPH_LOG_LEVEL=verbose: not a log level; use one of trace, debug, info, warn, error, fatal, silent\n',
    });
    for (const url of ['not-a-url', 'file:///etc/keys.json']) {
      expect(await govgraph({ GOVGRAPH_JWKS_URL: url }, 'serve', '--port', '0')).toEqual({
        code: 1, stdout: '', stderr: `govgraph: GOVGRAPH_JWKS_URL=${url}: not an http:// or https:// URL (your identity provider's JSON Web Key Set)\n`,
      });
    }
  });

  // The gateways check HS256 tokens beside an identity provider only under GOVGRAPH_JWT_SECRET.
  it('token refuses to sign with the stored secret when GOVGRAPH_JWKS_URL is set, and says what to do', async () => {
    const args = ['token', '--dept', '520000-SWJ', '--platform', join(guizhou, 'platform.yaml'), '--data', join(work, 'token-store')];
    const refused = await govgraph({ GOVGRAPH_JWKS_URL: 'https://idp.example.gov.cn/jwks.json' }, ...args);
    expect(refused).toEqual({
      code: 1, stdout: '',
      stderr: 'govgraph: GOVGRAPH_JWKS_URL is set: the gateways take tokens from the identity provider, and refuse tokens signed with the secret kept in the store. Get a token from the provider, or set the same GOVGRAPH_JWT_SECRET for the gateways and for govgraph token\n',
    });
    const signed = await govgraph({ GOVGRAPH_JWKS_URL: 'https://idp.example.gov.cn/jwks.json', GOVGRAPH_JWT_SECRET: 'an-operator-secret-of-at-least-32-bytes!' }, ...args);
    expect(signed.code, signed.stderr).toBe(0);
    expect(signed.stdout).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+\n$/);
  });

  // A key set is public: credentials in its URL would only reach the log (fetch refused such a URL, and every token with it).
  it('a JWKS URL with a user name or password is refused in one line that does not repeat them', async () => {
    const refused = await govgraph({ GOVGRAPH_JWKS_URL: 'https://admin:S3cret@idp.example.gov.cn/jwks?x=1' }, 'serve', '--port', '0');
    expect(refused).toEqual({
      code: 1, stdout: '',
      stderr: 'govgraph: GOVGRAPH_JWKS_URL (https://idp.example.gov.cn/jwks): holds a user name or password, which the gateway does not send (a key set is public: credentials in its URL would only reach the log); name a key set URL without them\n',
    });
  });

  it('a checkpoint file that cannot be written is refused at start, not found out at the first checkpoint', async () => {
    const file = join(work, 'no-such-folder', 'checkpoints.jsonl');
    expect(await govgraph({ GOVGRAPH_AUDIT_CHECKPOINTS: file }, 'serve', '--port', '0')).toEqual({
      code: 1, stdout: '', stderr: `govgraph: GOVGRAPH_AUDIT_CHECKPOINTS=${file}: cannot be made: there is no folder ${join(work, 'no-such-folder')}; name a file in a folder that exists and that this user may write\n`,
    });
  });

  // The checkpoint file anchors the store's audit log from outside it; named inside the data folder it was
  // taken without a word, and whoever rewrites the store (or restores the folder) rewrote it along.
  it('a checkpoint file in the data folder is refused at start, by any path to it', async () => {
    const data = join(work, 'cp-data');
    mkdirSync(data);
    symlinkSync(data, join(work, 'cp-link'));
    for (const file of [join(data, 'checkpoints.jsonl'), join(work, 'cp-data', 'sub', '..', 'checkpoints.jsonl'), join(work, 'cp-link', 'checkpoints.jsonl')]) {
      const refused = await govgraph({ GOVGRAPH_AUDIT_CHECKPOINTS: file, GOVGRAPH_DATA_DIR: data }, 'serve', '--port', '0');
      expect(refused).toEqual({
        code: 1, stdout: '',
        stderr: `govgraph: GOVGRAPH_AUDIT_CHECKPOINTS=${file}: lies in the data folder ${realpathSync(data)}, beside the store whose audit log it anchors: ` +
          'whoever can rewrite the store rewrites it too, and a copy or restore of the folder takes it along; name a file outside the data folder (another disk, a log volume shipped elsewhere)\n',
      });
    }
    expect(checkpointsInDataFolder(join(work, 'cp-data-2', 'checkpoints.jsonl'), data)).toBeNull(); // a folder whose name only starts so
    expect(checkpointsInDataFolder(join(work, 'checkpoints.jsonl'), data)).toBeNull();
  });

  // A store that cannot be opened or reached is the operator's to fix: its reason in one line, exit 1.
  // Both used to print the error's stack (and MongoDB's parse error was not even named as the store's).
  it('a store that cannot be opened or reached is said in one line, without a stack', async () => {
    const aFile = join(work, 'a-file');
    writeFileSync(aFile, 'not a folder');
    const sqlite = await govgraph({}, 'catalogue', 'import', join(guizhou, 'police.yaml'), '--platform', join(guizhou, 'platform.yaml'), '--data', aFile);
    expect(sqlite.code).toBe(1);
    expect(sqlite.stderr).toBe(`govgraph: --data: ${aFile} is a file, not a folder; name the folder of the store (it holds govgraph.sqlite)\n`);
    const mongo = await govgraph({}, 'grant', 'list', '--platform', join(guizhou, 'platform.yaml'), '--mongodb-uri', 'mongo://db.example/govgraph');
    expect(mongo.code).toBe(1);
    expect(mongo.stderr).toBe(
      'govgraph: store MongoDB (the URI of --mongodb-uri)\n' +
        'govgraph: --mongodb-uri: not a MongoDB connection string: Invalid scheme, expected connection string to start with "mongodb://" or "mongodb+srv://"\n',
    );
    // From the environment, a URI without its scheme is named as MONGODB_URI's (the store line said "MongoDB 27017").
    const fromEnv = await govgraph({ MONGODB_URI: 'localhost:27017' }, 'grant', 'list', '--platform', join(guizhou, 'platform.yaml'));
    expect(fromEnv).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'govgraph: store MongoDB (the URI of MONGODB_URI)\n' +
        'govgraph: MONGODB_URI: not a MongoDB connection string: Invalid scheme, expected connection string to start with "mongodb://" or "mongodb+srv://"\n',
    });
  });

  // mkdir says ENOENT for a new folder in /proc although /proc exists; Node's recursive mkdir then tried
  // again for ever, and the command hung.
  it.runIf(existsSync('/proc/self'))('a data folder that cannot be made is said in one line, not waited on for ever', async () => {
    const data = join('/proc', 'govgraph-data', 'inner');
    const importTo = (folder: string) => govgraph({}, 'catalogue', 'import', join(guizhou, 'police.yaml'), '--platform', join(guizhou, 'platform.yaml'), '--data', folder);
    const made = await importTo(data);
    expect(made.code).toBe(1);
    expect(made.stderr.split('\n').slice(1)).toEqual([`govgraph: cannot open the SQLite store ${join(data, 'govgraph.sqlite')}: ENOENT: no such file or directory, mkdir '/proc/govgraph-data'`, '']);
    const nested = join(work, 'new', 'nested', 'folder');
    expect((await importTo(nested)).code).toBe(0);
    expect(existsSync(join(nested, 'govgraph.sqlite'))).toBe(true);
  });

  it('HOST set but empty serves on 127.0.0.1, not on every interface', async () => {
    const data = join(work, 'gz');
    const imported = await govgraph({}, 'catalogue', 'import', join(guizhou, 'police.yaml'), '--publish', '--platform', join(guizhou, 'platform.yaml'), '--data', data);
    expect(imported.code, imported.stderr).toBe(0);
    const child = spawn(process.execPath, [bin, 'serve', '--platform', join(guizhou, 'platform.yaml'), '--data', data], { cwd: work, env: envWith({ HOST: '', PORT: '0' }) });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /GraphQL +(\S+)\/graphql/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
