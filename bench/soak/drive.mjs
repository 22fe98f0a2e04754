// Drives a running `govgraph serve` with a province's mix for a while, and what an attacker varies to grow
// the gateway's state, sampling its /metrics (RSS, heap, handles, the page's size) every 10 s.
// Usage: node bench/soak/drive.mjs URL SECRET SECONDS PLATFORM_DIR   (writes samples as JSON lines to stdout)
import { SignJWT } from 'jose';
import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const [url, secretText, seconds, platformDir] = [process.argv[2], process.argv[3], Number(process.argv[4]), process.argv[5]];
const secret = new TextEncoder().encode(secretText);
const base = new URL(url);
const districts = Array.from({ length: 38 }, (_, i) => `5001${String(i + 1).padStart(2, '0')}`);
const depts = [...['GA', 'SCJG', 'MZ', 'JW', 'SJJ'].map((k) => `500000-${k}`), ...districts.flatMap((d) => ['MZ', 'SCJG', 'GA', 'RSJ', 'WJW', 'JW'].map((k) => `${d}-${k}`))];
const purposes = ['household-checks', 'subsidy-review', 'market-inspection', 'medical-insurance'];
const pick = (a) => a[Math.floor(Math.random() * a.length)];
const rnd = () => randomBytes(6).toString('hex');
const token = (dept, user) => new SignJWT({ dept, roles: ['applicant'] }).setProtectedHeader({ alg: 'HS256' }).setSubject(user).setIssuedAt().setExpirationTime('2h').sign(secret);
const stable = new Map();
const stableToken = async (dept, user) => stable.get(dept + user) ?? (stable.set(dept + user, await token(dept, user)), stable.get(dept + user));

const QUERIES = [
  '{ cqga { cqResidents(first: 10) { nodes { residentNo idNumber fullName district } totalCount } } }',
  '{ cqscjg { cqFirms(first: 5, filter: { district: { eq: "500101" } }) { nodes { firmNo name capital } } } }',
  '{ cqmz { cqAids(first: 5) { nodes { aidNo idNumber amount } } } }',
  '{ me { department user } }',
];
let sent = 0;
const statuses = {};
async function post(body, headers) {
  const res = await fetch(new URL('/graphql', base), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  sent++;
  statuses[res.status] = (statuses[res.status] ?? 0) + 1;
}
const kinds = [
  // a province's ordinary reads: known users, the platform's purposes
  async () => post({ query: pick(QUERIES) }, { authorization: `Bearer ${await stableToken(pick(depts), `user${Math.floor(Math.random() * 50)}`)}`, 'x-purpose': pick(purposes) }),
  async () => post({ query: pick(QUERIES) }, { authorization: `Bearer ${await stableToken(pick(depts), `user${Math.floor(Math.random() * 50)}`)}`, 'x-purpose': pick(purposes), 'x-request-id': rnd() }),
  // a new user per request
  async () => post({ query: QUERIES[0] }, { authorization: `Bearer ${await token(pick(depts), `u-${rnd()}`)}`, 'x-purpose': pick(purposes) }),
  // a department code of its own making
  async () => post({ query: QUERIES[3] }, { authorization: `Bearer ${await token(`5${String(Math.floor(Math.random() * 99999)).padStart(5, '0')}-X${rnd()}`, 'intruder')}`, 'x-purpose': pick(purposes) }),
  // a new document text, operation name, purpose per request
  async () => post({ query: `query Q${rnd()} { cqga { a${rnd()}: cqResidents(first: ${1 + Math.floor(Math.random() * 50)}) { totalCount } } }`, operationName: undefined }, { authorization: `Bearer ${await stableToken(pick(depts), 'docs')}`, 'x-purpose': pick(purposes) }),
  async () => post({ query: `query Op${rnd()} { me { user } }` }, { authorization: `Bearer ${await stableToken(pick(depts), 'names')}`, 'x-purpose': pick(purposes) }),
  async () => post({ query: QUERIES[0] }, { authorization: `Bearer ${await stableToken(pick(depts), 'purposes')}`, 'x-purpose': `purpose-${rnd()}` }),
  // a new APQ registration per request
  async () => {
    const query = `{ cqscjg { cqFirms(first: ${Math.floor(Math.random() * 1000)}) { totalCount } } } # ${rnd()}`;
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    await post({ query, extensions: { persistedQuery: { version: 1, sha256Hash } } }, { authorization: `Bearer ${await stableToken(pick(depts), 'apq')}`, 'x-purpose': pick(purposes) });
  },
  async () => post({ extensions: { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(rnd()).digest('hex') } } }, { authorization: `Bearer ${await stableToken(pick(depts), 'apq2')}`, 'x-purpose': pick(purposes) }),
  // masked probes: eq on a masked item with new values, by many users
  async () => post({ query: `{ cqga { cqResidents(filter: { idNumber: { eq: "${rnd()}" } }) { totalCount } } }` }, { authorization: `Bearer ${await stableToken(pick(depts), `prober${Math.floor(Math.random() * 500)}`)}`, 'x-purpose': pick(purposes) }),
  // unauthenticated, bad tokens
  async () => post({ query: QUERIES[3] }, { authorization: `Bearer ${rnd()}.${rnd()}.${rnd()}` }),
];
// connections opened and dropped: half a request, or nothing at all
function dropConnection() {
  return new Promise((resolve) => {
    const s = connect(Number(base.port), base.hostname, () => {
      if (Math.random() < 0.5) s.write(`POST /graphql HTTP/1.1\r\nHost: x\r\ncontent-length: 100\r\n\r\n{"qu`);
      setTimeout(() => { s.destroy(); resolve(); }, Math.random() * 200);
    });
    s.on('error', () => resolve());
  });
}

async function sample(t) {
  const res = await fetch(new URL('/metrics', base));
  const text = await res.text();
  const value = (name) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1]);
  return { t, sent, rssMiB: +(value('govgraph_process_resident_memory_bytes') / 2 ** 20).toFixed(1), heapUsedMiB: +(value('govgraph_nodejs_heap_size_used_bytes') / 2 ** 20).toFixed(1),
    handles: value('govgraph_nodejs_active_handles_total'), fds: value('govgraph_process_open_fds'), metricsBytes: text.length, metricsLines: text.split('\n').length, statuses: { ...statuses } };
}

const end = Date.now() + seconds * 1000;
const start = Date.now();
let version = 1;
const only = process.env.KINDS ? process.env.KINDS.split(",").map((k) => kinds[Number(k)]) : kinds;
const workers = Array.from({ length: 8 }, async () => { while (Date.now() < end) await pick(only)().catch(() => undefined); });
const droppers = Array.from({ length: process.env.KINDS ? 0 : 2 }, async () => { while (Date.now() < end) await dropConnection(); });
const sampler = (async () => {
  let nextPublish = Date.now() + 60_000;
  while (Date.now() < end) {
    console.log(JSON.stringify(await sample(Math.round((Date.now() - start) / 1000))));
    if (platformDir && Date.now() >= nextPublish) {
      // a schema publication: a new version of the Civil Affairs catalogue
      const file = `${platformDir}/mz.json`;
      const cat = JSON.parse(readFileSync(file, 'utf8'));
      cat.title = `Catalogue CQ-MZ v${++version}`;
      writeFileSync(file, JSON.stringify(cat));
      try { execFileSync('node', [new URL('../../bin/govgraph.js', import.meta.url).pathname, 'catalogue', 'import', file, '--publish'], { stdio: 'ignore' }); } catch (e) { console.error('publish failed', e.message); }
      nextPublish += 60_000;
    }
    await new Promise((r) => setTimeout(r, 10_000));
  }
})();
await Promise.all([...workers, ...droppers, sampler]);
console.log(JSON.stringify(await sample(Math.round((Date.now() - start) / 1000))));
