// Attacks on the audit log's chain (issue 8, point 4), by someone who can write the store: deleting the
// newest entries, editing an entry and rehashing every later one with the public algorithm, rehashing
// with the key read from the store, forging a checkpoint. `audit verify` names the first altered entry
// or the lost tail, against signed checkpoints kept in the store and in a file outside it.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_CHECKPOINTS, startCheckpoints, writeCheckpoint } from '../src/audit/checkpoint.ts';
import { AUDIT_COLLECTION, canonicalJson, entryHash, fromRow, toRow, type NewAuditEntry } from '../src/audit/entry.ts';
import { auditKey } from '../src/audit/key.ts';
import { appendAudit } from '../src/audit/log.ts';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { eq, type Store } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { cliEnv, runGovgraph } from './helpers/cli.ts';
import { startTestGateway } from './helpers/gateway.ts';

let dir: string;
let store: Store;
let file: string;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-attack-chain-'));
  store = await openSqliteStore(join(dir, 'data'));
  file = join(dir, 'checkpoints.jsonl');
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const entry = (n: number): NewAuditEntry => ({
  requestId: `req-${n}`, department: '430000-MZ', user: 'u', purpose: 'social-assistance', operationName: null, documentHash: null,
  kind: 'read', action: null, outcome: 'allowed', detail: null,
  resources: [{ resource: '430000-GA-00001', provider: '430000-GA', items: ['idNumber'], denied: [], masked: ['idNumber'], records: n, filtered: [], ordered: [], counted: false }],
});
async function appendEntries(from: number, to: number) {
  for (let n = from; n <= to; n++) await appendAudit(store, entry(n));
}
const allEntries = async () => (await store.find(AUDIT_COLLECTION, { sort: [{ field: 'seq', direction: 'asc' }] })).map(fromRow);

/** Rewrites every entry from `seq` on with `hash` (the attacker's function), after `edit` changed one. */
async function rewriteFrom(seq: number, hash: (e: Omit<ReturnType<typeof fromRow>, 'hash'>) => string, edit: (e: ReturnType<typeof fromRow>) => void) {
  const entries = await allEntries();
  let prev = entries[seq - 2]?.hash;
  for (const e of entries.slice(seq - 1)) {
    if (e.seq === seq) edit(e);
    if (prev !== undefined) e.prevHash = prev;
    const { hash: _old, ...rest } = e;
    e.hash = hash(rest);
    prev = e.hash;
    await store.delete(AUDIT_COLLECTION, eq('seq', e.seq));
    await store.insert(AUDIT_COLLECTION, [toRow(e)]);
  }
}

describe('a deleted tail', () => {
  it('is named against the newest checkpoint, in the store or (when that is gone too) in the file', async () => {
    await appendEntries(1, 5);
    await writeCheckpoint(store, file);
    await store.delete(AUDIT_COLLECTION, { kind: 'compare', field: 'seq', op: 'gte', value: 4 });
    const viaStore = await verifyAuditChain(store);
    expect(viaStore.ok).toBe(false);
    expect(viaStore.firstBroken!.seq).toBe(4);
    expect(viaStore.firstBroken!.reason).toMatch(/^entries #4 to #5 are missing: the checkpoint signed at .* \(the store\) names entry #5 \(the tail of the log was deleted, or the store was restored from a backup older than that checkpoint\)$/);

    await store.delete(AUDIT_CHECKPOINTS, { kind: 'and', filters: [] }); // the attacker wipes the store's checkpoints
    expect((await verifyAuditChain(store)).ok).toBe(true); // the store alone can no longer tell
    const viaFile = await verifyAuditChain(store, undefined, { checkpointFile: file });
    expect(viaFile.firstBroken).toEqual({ seq: 4, reason: expect.stringContaining(`(${file} line 1) names entry #5`) });
  });

  it('passes when nothing was lost after the checkpoint, and says which checkpoint anchored it', async () => {
    await appendEntries(1, 3);
    const c = await writeCheckpoint(store, file);
    await appendEntries(4, 6);
    expect(await verifyAuditChain(store, undefined, { checkpointFile: file })).toEqual({ ok: true, entries: 6, checkpoint: { seq: 3, time: c.time } });
  });
});

describe('a checkpoint file named but gone (removed, its volume not mounted)', () => {
  it('is said at entry #0, not passed over as a check of the store alone (the gateway\'s verifyAuditChain)', async () => {
    await appendEntries(1, 5);
    await writeCheckpoint(store, file);
    // The insider's deletion of the tail and the store's checkpoints, with the file out of the way.
    await store.delete(AUDIT_COLLECTION, { kind: 'compare', field: 'seq', op: 'gte', value: 4 });
    await store.delete(AUDIT_CHECKPOINTS, { kind: 'and', filters: [] });
    rmSync(file);
    const v = await verifyAuditChain(store, undefined, { checkpointFile: file });
    expect(v.ok).toBe(false);
    expect(v.firstBroken).toEqual({ seq: 0, reason: expect.stringMatching(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: no such file`)) });
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    expect((await verifyAuditChain(store, undefined, { checkpointFile: folder })).firstBroken).toEqual({ seq: 0, reason: expect.stringContaining('cannot be read (EISDIR)') });
  });
});

describe('a log keyed with GOVGRAPH_JWT_SECRET, verified without it exported', () => {
  it('says the secret is missing, without making one in the store or calling the log forged', async () => {
    const secret = 'a'.repeat(40);
    const saved = process.env.GOVGRAPH_JWT_SECRET;
    process.env.GOVGRAPH_JWT_SECRET = secret;
    const data = join(dir, 'keyed');
    try {
      const keyed = await openSqliteStore(data);
      for (let n = 1; n <= 3; n++) await appendAudit(keyed, entry(n));
      await writeCheckpoint(keyed, null);
      await keyed.close();
    } finally {
      if (saved === undefined) delete process.env.GOVGRAPH_JWT_SECRET;
      else process.env.GOVGRAPH_JWT_SECRET = saved;
    }
    const again = await openSqliteStore(data);
    try {
      const v = await verifyAuditChain(again, undefined, { env: {} });
      expect(v).toEqual({ ok: false, entries: 0, firstBroken: { seq: 0, reason: expect.stringMatching(/^the audit log cannot be checked: GOVGRAPH_JWT_SECRET is unset and the store keeps no platform secret/) } });
      expect(await again.find('_settings', {})).toEqual([]); // no secret made by a check
      expect(await verifyAuditChain(again, undefined, { env: { GOVGRAPH_JWT_SECRET: secret } })).toMatchObject({ ok: true, entries: 3 });
    } finally {
      await again.close();
    }
  });
});

describe('a rewritten chain', () => {
  it('edited and rehashed with the public algorithm (SHA-256, no key) is named at the edited entry', async () => {
    await appendEntries(1, 6);
    const sha = (rest: object) => createHash('sha256').update('govgraph-audit-v1\n').update(canonicalJson(rest)).digest('hex');
    await rewriteFrom(3, sha, (e) => (e.resources[0].records = 0));
    expect((await verifyAuditChain(store)).firstBroken).toEqual({
      seq: 3, reason: "hash does not match the entry's contents (the entry was altered, or rehashed without the platform's key; or the platform secret changed since it was written: if on purpose, record the change with govgraph audit rekey)",
    });
  });

  it('rehashed with the key read from the store is named at the checkpoint kept in the file', async () => {
    await appendEntries(1, 4);
    await writeCheckpoint(store, file);
    await appendEntries(5, 6);
    const key = await auditKey(store); // the secret is in the store: this attacker has it
    await rewriteFrom(2, (rest) => entryHash(rest, key), (e) => (e.department = '430000-GA'));
    await store.delete(AUDIT_CHECKPOINTS, { kind: 'and', filters: [] });
    expect((await verifyAuditChain(store)).ok).toBe(true); // the chain is consistent again...
    const r = await verifyAuditChain(store, undefined, { checkpointFile: file });
    expect(r.firstBroken).toEqual({ seq: 4, reason: expect.stringMatching(/^the entry's hash differs from the checkpoint signed at .* \(.*line 1\): this entry or one before it was rewritten$/) });
  });

  it('a checkpoint forged without the key is reported', async () => {
    await appendEntries(1, 2);
    await store.insert(AUDIT_CHECKPOINTS, [{ seq: 2, hash: 'f'.repeat(64), time: new Date().toISOString(), mac: '0'.repeat(64) }]);
    expect((await verifyAuditChain(store)).firstBroken).toEqual({ seq: 2, reason: "the checkpoint in the store does not carry the platform's signature (it was altered or forged)" });
  });

  it('a checkpoint line cut short by an interrupted write (a crash, a full disk) is not glued to the next', async () => {
    await appendEntries(1, 2);
    const whole = JSON.stringify(await writeCheckpoint(store, file));
    appendFileSync(file, whole.slice(0, 60)); // the next write stopped there: no newline
    await appendEntries(3, 4);
    await writeCheckpoint(store, file);
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines.map((l) => (l ? JSON.parse(l === whole.slice(0, 60) ? 'null' : l)?.seq ?? 'cut' : ''))).toEqual([2, 'cut', 4, '']);
    expect(await verifyAuditChain(store, undefined, { checkpointFile: file })).toMatchObject({ ok: true, checkpoint: { seq: 4 } });
    // Any other line that is no checkpoint is still reported, as what it is.
    appendFileSync(file, '{"seq":4,"hash":"x"}\n');
    expect(await verifyAuditChain(store, undefined, { checkpointFile: file })).toEqual({
      ok: false, entries: 0, checkpoint: { seq: 4, time: expect.any(String) },
      firstBroken: { seq: 0, reason: `${file}:4: not a checkpoint (a JSON object without time, mac) among the gateways' checkpoints: the line was altered, or written there by something else` },
    });
  });
});

describe('the gateway and the command', () => {
  it('a gateway writes a signed checkpoint to the store and the file on start and on close', async () => {
    const gw = await startTestGateway({ gateway: { auditCheckpoints: { file, intervalMs: 60_000 } } });
    try {
      await gw.query(`{ adminService { electronicLicences(first: 1) { totalCount } } }`, { dept: '430000-RST', purpose: 'employment-services' });
      // Supervisors see which checkpoint the chain was checked against (the one written at start).
      const v = await gw.query(`{ verifyAuditChain { ok checkpoint { seq time } } }`, { dept: '430000-ZWB', roles: ['supervisor'] });
      expect(v.data!.verifyAuditChain).toEqual({ ok: true, checkpoint: { seq: expect.any(Number), time: expect.any(String) } });
    } finally {
      await gw.close();
    }
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const last = lines.at(-1);
    expect(last).toEqual({ seq: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{64}$/), time: expect.any(String), mac: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it("a gateway's verifyAuditChain reads the file the gateway writes its checkpoints to, and says when there is none", async () => {
    const gw = await startTestGateway({ gateway: { auditCheckpoints: { file, intervalMs: 60_000 } } });
    try {
      await gw.query(`{ adminService { electronicLicences(first: 1) { totalCount } } }`, { dept: '430000-RST', purpose: 'employment-services' });
      await writeCheckpoint(gw.store, file); // as the gateway's next tick would: the read's entry anchored
      // The insider deletes the newest entry with the store's checkpoints: only the file still names it.
      const [tail] = await gw.store.find(AUDIT_COLLECTION, { sort: [{ field: 'seq', direction: 'desc' }], limit: 1 });
      await gw.store.delete(AUDIT_COLLECTION, eq('seq', tail.seq as number));
      await gw.store.delete(AUDIT_CHECKPOINTS, { kind: 'and', filters: [] });
      const v = await gw.query(`{ verifyAuditChain { ok storeOnly firstBroken { seq reason } } }`, { dept: '430000-ZWB', roles: ['supervisor'] });
      expect(v.data!.verifyAuditChain).toEqual({
        ok: false, storeOnly: false, firstBroken: { seq: tail.seq, reason: expect.stringContaining(`(${file} line `) },
      });
    } finally {
      await gw.close();
    }
    const bare = await startTestGateway({ gateway: { auditCheckpoints: { file: null } } });
    try {
      const v = await bare.query(`{ verifyAuditChain { ok storeOnly } }`, { dept: '430000-ZWB', roles: ['supervisor'] });
      expect(v.data!.verifyAuditChain).toEqual({ ok: true, storeOnly: true });
    } finally {
      await bare.close();
    }
  });

  it('`govgraph audit verify` names the lost tail (exit 1) with --checkpoints, and the env names the file too', async () => {
    await appendEntries(1, 3);
    await writeCheckpoint(store, file);
    await store.delete(AUDIT_COLLECTION, eq('seq', 3));
    await store.delete(AUDIT_CHECKPOINTS, { kind: 'and', filters: [] });
    const run = promisify(execFile);
    const verify = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
      run('node', ['bin/govgraph.js', 'audit', 'verify', '--data', join(dir, 'data'), ...args], { env }).then(
        (r) => ({ code: 0, stdout: r.stdout }),
        (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
      );
    const byOption = await verify(['--checkpoints', file]);
    expect(byOption.code).toBe(1);
    expect(byOption.stdout).toMatch(/^audit chain broken at entry #3: entry #3 is missing: the checkpoint signed at /);
    const byEnv = await verify([], { ...process.env, GOVGRAPH_AUDIT_CHECKPOINTS: file });
    expect(byEnv.code).toBe(1);
    const blind = await verify([], { ...process.env, GOVGRAPH_AUDIT_CHECKPOINTS: '' });
    expect(blind).toEqual({ code: 0, stdout: expect.stringContaining('audit chain ok: 2 entries, no signed checkpoint (store only;') });
  }, 120_000);

  // A mistyped path (or a volume not mounted) was read as a file without checkpoints: `audit chain ok`,
  // exit 0, the check against the copy outside the store silently skipped; a folder ended in a stack trace.
  it('`govgraph audit verify` refuses a checkpoint file that is not there or is a folder, by option or env', async () => {
    const run = promisify(execFile);
    const verify = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
      run('node', ['bin/govgraph.js', 'audit', 'verify', '--data', join(dir, 'data'), ...args], { env }).then(
        (r) => ({ code: 0, stderr: r.stderr.split('\n').slice(1).join('\n') }),
        (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr.split('\n').slice(1).join('\n') }),
      );
    const missing = join(dir, 'no-such-checkpoints.jsonl');
    const hint = 'name the file the gateways append their checkpoints to\n';
    expect(await verify(['--checkpoints', missing])).toEqual({ code: 1, stderr: `govgraph: --checkpoints ${missing}: no such file; ${hint}` });
    expect(await verify(['--checkpoints', dir])).toEqual({ code: 1, stderr: `govgraph: --checkpoints ${dir}: a folder, not a file; ${hint}` });
    expect(await verify([], { ...process.env, GOVGRAPH_AUDIT_CHECKPOINTS: missing })).toEqual({
      code: 1, stderr: `govgraph: GOVGRAPH_AUDIT_CHECKPOINTS=${missing}: no such file; ${hint}`,
    });
  }, 120_000);
});

// A file that is not a checkpoint file (another JSON file, a text file, an empty one: the wrong path given
// to --checkpoints) was read as checkpoints failing their signature: `audit chain broken at entry #0: ...
// the file was altered or forged`, as if the log had been attacked; an empty one passed as `audit chain
// ok` without the check outside the store the operator asked for. The command now says what is wrong with
// the file, as `FILE: message` or `FILE:LINE: message`, exit 1; a real checkpoint file that does not
// match the store is still reported as altered or forged.
describe('audit verify against a file that is not a checkpoint file', () => {
  const verify = (checkpoints: string) => runGovgraph(['audit', 'verify', '--data', join(dir, 'data'), '--checkpoints', checkpoints], { cwd: dir, env: cliEnv() });
  const saysStore = () => `govgraph: store ${join(dir, 'data', 'govgraph.sqlite')}\n`;
  const aLine = 'a checkpoint file holds one JSON object of seq, hash, time and mac a line, as the gateways append them';
  const at = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('says what is wrong with the file in one line, exit 1, without a stack trace', async () => {
    await appendEntries(1, 3);
    await writeCheckpoint(store, file);
    await writeCheckpoint(store, file);
    const empty = at('empty.jsonl', '');
    const blank = at('blank.jsonl', '\n  \n');
    const pretty = at('package.json', JSON.stringify({ name: 'govgraph', version: '0.1.0' }, null, 2) + '\n');
    const oneLine = at('one-line.json', '{"name":"govgraph","seq":1}\n');
    const array = at('array.json', '[{"seq":1,"hash":"x","time":"t","mac":"m"}]\n');
    const text = at('notes.txt', 'checkpoints are kept in /var/log/govgraph\n');
    const cut = at('cut.jsonl', readFileSync(file, 'utf8').slice(0, 40));
    const mixed = at('mixed.jsonl', readFileSync(file, 'utf8') + 'Dec 04 12:00:00 govgraph started\n');
    const cases: [string, string][] = [
      [empty, `${empty}: not a checkpoint file: it is empty, so there is nothing to check the log against (a gateway appends a checkpoint when it starts and every minute the log moves)`],
      [blank, `${blank}: not a checkpoint file: it is empty, so there is nothing to check the log against (a gateway appends a checkpoint when it starts and every minute the log moves)`],
      [pretty, `${pretty}: not a checkpoint file: line 2 is not JSON; ${aLine}`],
      [oneLine, `${oneLine}: not a checkpoint file: line 1 is a JSON object without hash, time, mac; ${aLine}`],
      [array, `${array}: not a checkpoint file: line 1 is JSON, but not an object; ${aLine}`],
      [text, `${text}: not a checkpoint file: line 1 is not JSON; ${aLine}`],
      [cut, `${cut}: not a checkpoint file: it holds no whole checkpoint (line 1 was cut short); ${aLine}`],
      [mixed, `${mixed}:3: not a checkpoint (not JSON) among the gateways' checkpoints: the line was altered, or written there by something else`],
    ];
    for (const [path, message] of cases) {
      expect(await verify(path), path).toEqual({ code: 1, stdout: '', stderr: `${saysStore()}govgraph: ${message}\n` });
    }
  }, 120_000);

  it('a real checkpoint file that does not match the store is still altered or forged', async () => {
    await appendEntries(1, 3);
    await writeCheckpoint(store, file);
    await appendEntries(4, 4);
    const c = await writeCheckpoint(store, file);
    const altered = at('altered.jsonl', readFileSync(file, 'utf8').replace(c.mac, c.mac.replace(/^./, (d) => (d === '0' ? '1' : '0'))));
    const r = await verify(altered);
    expect(r).toEqual({ code: 1, stdout: `audit chain broken at entry #4: the checkpoint in ${altered} line 2 does not carry the platform's signature (it was altered or forged)\n`, stderr: saysStore() });

    // Another store's checkpoints (a backup of another platform restored here), every line well formed.
    const other = await openSqliteStore(join(dir, 'other'));
    const othersFile = join(dir, 'others.jsonl');
    try {
      await appendAudit(other, entry(1));
      await writeCheckpoint(other, othersFile);
    } finally {
      await other.close();
    }
    const o = await verify(othersFile);
    expect(o.code).toBe(1);
    expect(o.stdout).toMatch(new RegExp(`^audit chain broken at entry #1: none of the 1 checkpoints in ${othersFile} carries this store's signature .*; if neither, the file was altered or forged\n$`));
    expect(o.stderr).toBe(saysStore());
  }, 120_000);
});

// The file outside the store going away (a volume unmounted, a folder removed) must show in the log as
// what it is, not as an anonymous "unexpected error"; the gateway goes on answering.
describe('a checkpoint file that cannot be written', () => {
  it('is logged as an AuditCheckpointError with the file system\'s code, at every tick', async () => {
    await appendEntries(1, 2);
    const logged: unknown[] = [];
    const checkpoints = startCheckpoints(store, { file: join(dir, 'gone', 'checkpoints.jsonl'), intervalMs: 60_000, log: (err) => logged.push(err) });
    await checkpoints.stop();
    expect(logged).toHaveLength(2); // the first tick's and the last one's, on stop
    for (const err of logged) expect(err).toMatchObject({ name: 'AuditCheckpointError', code: 'ENOENT', message: 'audit checkpoint not written' });
  });
});

// Two gateways on one store with different secrets: each one's entries break the chain from the first,
// for good. A gateway signs no checkpoint over a newest entry its key does not verify (that would anchor
// it), and says why in its log, each minute the head stays so.
describe('a second gateway with another secret', () => {
  it('gets no checkpoint over its entry from this one, and this one says why', async () => {
    await appendEntries(1, 3);
    await writeCheckpoint(store, file);
    process.env.GOVGRAPH_JWT_SECRET = 'another-secret-of-at-least-thirty-two-bytes';
    const other = await openSqliteStore(join(dir, 'data'));
    try {
      await appendAudit(other, entry(4));
      await expect(writeCheckpoint(store, file)).rejects.toThrow(
        /^The audit log's newest entry #4 does not verify under this gateway's key, so no checkpoint signs it: another gateway writes to this store with another GOVGRAPH_JWT_SECRET/,
      );
      const logged: unknown[] = [];
      await startCheckpoints(store, { file, log: (err) => logged.push(err) }).stop();
      expect(logged.length).toBeGreaterThan(0);
      expect(logged.every((e) => (e as Error).name === 'AuditHeadError' && (e as { userFacing?: boolean }).userFacing === true)).toBe(true);
      expect(readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).seq)).toEqual([3]);
      // This gateway's own entry on top: it signs again (verify still names #4).
      await appendAudit(store, entry(5));
      expect(await writeCheckpoint(store, file)).toMatchObject({ seq: 5 });
      expect(await verifyAuditChain(store)).toMatchObject({ ok: false, firstBroken: { seq: 4 } });
    } finally {
      delete process.env.GOVGRAPH_JWT_SECRET;
      await other.close();
    }
  });
});
