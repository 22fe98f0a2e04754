// The connected platform's side of a namespace read (SPEC §12, issue 11) in one process: the check of a
// forwarded token as the city's gateway makes it (src/identity/forwarded.ts: its decoding, the issuer's
// key from its published key set, the Ed25519 signature, the claims, the `jti` stored once through the
// store as the gateway wraps it), token after token, each signed beforehand by the province's key with a
// fresh `jti`. Beside it, in the same blocks, its two fixed parts alone: the signature check (libsodium,
// src/identity/ed25519.ts), and the `jti` claimed alone (Store.claimOnce). Far less noisy than
// bench/federation.ts: to compare two versions of the check, run this same file in both checkouts,
// alternated.
// Run: npx tsx bench/federation-forwarded.ts [--tokens 1000] [--blocks 8]
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { createPublicKey, randomUUID } from 'node:crypto';
import { verifyEd25519 } from '../src/identity/ed25519.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createForwardedVerifier, signForwarded } from '../src/identity/forwarded.ts';
import { PlatformKeys } from '../src/identity/platform-keys.ts';
import type { Platform } from '../src/model/platform.ts';
import { createMetrics, instrumentStore } from '../src/server/metrics.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const TOKENS = arg('--tokens', 1000);
const BLOCKS = arg('--blocks', 8);

const dir = mkdtempSync(join(tmpdir(), 'govgraph-federation-forwarded-'));
const provinceStore = await openSqliteStore(join(dir, 'province'));
const keys = new PlatformKeys(provinceStore);
// The province's published keys, as its gateway serves them.
const jwksServer = createServer(async (_req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(await keys.jwks()));
});
await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
const city = {
  platform: { region: '610100', level: 'city', name: 'Bench City', competentDepartment: '610100-ZWB', holidays: [] },
  purposes: [{ code: 'land-survey', name: 'Land survey' }],
  departments: [{ code: '610100-ZWB', name: 'City Service Bureau', graphqlName: 'cityService', level: 'city', region: '610100' }],
  connected: [{ region: '610000', name: 'Bench Province', url: `http://127.0.0.1:${(jwksServer.address() as { port: number }).port}`, namespace: 'province', timeoutMs: 3000 }],
} as unknown as Platform;
const rawStore = await openSqliteStore(join(dir, 'city'));
// As the gateway passes it (src/server/app.ts): every operation timed for the metrics.
const store = instrumentStore(rawStore, createMetrics());
const verifier = createForwardedVerifier({ platform: city, store });
const claims = { iss: '610000', aud: '610100', sub: 'bench', dept: '610000-MZ', deptLevel: 'province', deptRegion: '610000', purpose: 'land-survey' } as const;
const tokens = () => Promise.all(Array.from({ length: TOKENS }, async () => `Bearer ${await signForwarded(keys, claims)}`));

const { key: privateKey } = await keys.signing();
const publicKey = createPublicKey(privateKey);
const signed = (await signForwarded(keys, claims)).split('.');
const input = Buffer.from(`${signed[0]}.${signed[1]}`);
const signature = Buffer.from(signed[2], 'base64url');

const series = {
  async check(list: string[]) {
    for (const t of list) await verifier.verify(t, '610000');
  },
  async signature(list: string[]) {
    for (let i = 0; i < list.length; i++) if (!verifyEd25519(input, signature, publicKey)) throw new Error('bad signature');
  },
  async claim(list: string[]) {
    const jtis = list.map(() => randomUUID());
    const until = Date.now() + 120_000;
    for (const jti of jtis) if (!(await store.claimOnce('bench_jti', jti, until))) throw new Error('claimed twice');
  },
};
type Series = keyof typeof series;
const cpu: Record<Series, number[]> = { check: [], signature: [], claim: [] };
await series.check(await tokens()); // warm-up: the key set fetched, the code compiled
for (let b = 0; b < BLOCKS; b++) {
  for (const k of (b % 2 ? ['claim', 'signature', 'check'] : ['check', 'signature', 'claim']) as Series[]) {
    const list = await tokens();
    // The claim's UUIDs are made inside its timing: about 1.5 µs each, within the noise.
    const before = process.cpuUsage();
    await series[k](list);
    const used = process.cpuUsage(before);
    cpu[k].push((used.user + used.system) / TOKENS);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`${BLOCKS} blocks of ${TOKENS} forwarded tokens, CPU µs per token (median of the blocks)`);
const label: Record<Series, string> = { check: 'the whole check', signature: 'the Ed25519 signature alone', claim: 'the jti claimed alone' };
for (const k of Object.keys(cpu) as Series[]) console.log(`${label[k].padEnd(28)} ${median(cpu[k]).toFixed(1).padStart(7)}  (${cpu[k].map((x) => x.toFixed(0)).join(' ')})`);
const rest = median(cpu.check) - median(cpu.signature) - median(cpu.claim);
console.log(`the rest of the check (decoding, the issuer's key, the claims, the awaits): ${rest.toFixed(1)} µs, ${((100 * rest) / median(cpu.check)).toFixed(0)}% of it`);
jwksServer.close();
await rawStore.close();
await provinceStore.close();
rmSync(dir, { recursive: true, force: true });
