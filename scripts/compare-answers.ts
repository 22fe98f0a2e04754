// Issue 10's "Must not change": sends every GraphQL query of README.md and docs/access-rules.md to two
// gateways, after the same set-up on both (the grants the documents add), and compares the answers byte
// for byte: `same` or a unified diff per query; exit code 1 on any difference.
// Run: npx tsx scripts/compare-answers.ts \
//        --a http://127.0.0.1:4312 --a-cli 'GOVGRAPH_DATA_DIR=/tmp/data-old node /tmp/old/bin/govgraph.js' \
//        --b http://127.0.0.1:4313 --b-cli 'GOVGRAPH_DATA_DIR=/tmp/data-new node bin/govgraph.js'
// Each gateway serves the demo (`govgraph serve --demo`) on a fresh store of its own; --X-cli is the
// govgraph command of that gateway's checkout on that store, which makes its tokens (signed with the
// store's secret) and its grants. Ids a gateway makes (a sharing request's, a grant's) are named in the
// table; each is replaced by a label in both answers before they are compared, and the script says so.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};

interface Gateway {
  name: string;
  url: string;
  cli: string;
  tokens: Map<string, string>;
  made: Record<string, string>; // ids this gateway made, by label
}

const gateways: Gateway[] = ['a', 'b'].map((name) => {
  const [url, cli] = [arg(name), arg(`${name}-cli`)];
  if (!url || !cli) throw new Error('usage: --a URL --a-cli COMMAND --b URL --b-cli COMMAND (see the head of this file)');
  return { name, url, cli, tokens: new Map(), made: {} };
});

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const govgraph = (g: Gateway, args: string[]) =>
  execFileSync('sh', ['-c', `${g.cli} ${args.map(quote).join(' ')}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
// A grant made or revoked by another process reaches the gateway at its next poll of the store (2 s).
const POLL_MS = 3000;

async function addGrant(g: Gateway, label: string, args: string[]) {
  const out = govgraph(g, ['grant', 'add', ...args]);
  // A grant its store already holds is named, not made again (grant add adds the same grant once).
  g.made[label] = /^grant (\S+)(?::| already gives this)/.exec(out)?.[1] ?? '';
  if (!g.made[label]) throw new Error(`${g.name}: grant add printed no id: ${out}`);
}

// ---- the examples, in the documents' order: who sends each, and what it needs first ----

interface Example {
  find: string; // a part of the query, so that the table cannot drift from the documents
  dept: string;
  purpose: string; // '' sends no x-purpose header
  user?: string;
  roles?: string;
  ids?: Record<string, string>; // path in `data` -> label of an id the gateway makes
}

interface Document {
  file: string;
  setup: (g: Gateway) => Promise<void>;
  examples: Example[];
  cleanup?: (g: Gateway) => Promise<void>;
}

const MZ = '430000-MZ';
const SA = 'social-assistance';
const WANG = { user: 'wang.li', roles: 'applicant' }; // README step 1's $TOKEN

const documents: Document[] = [
  {
    file: 'README.md',
    // step 4's grant (step 3 reads an unconditional resource, which it does not touch)
    setup: (g) =>
      addGrant(g, 'README grant', ['--requester', MZ, '--resource', '430000-GA-00001', '--items', 'idNumber,fullName,birthDate,address,regionCode',
        '--purposes', SA, '--unmasked', 'fullName', '--until', '2027-06-30']),
    examples: [
      { find: 'employmentRegistrations(first: 2) { nodes { registrationNo', dept: MZ, purpose: SA, ...WANG },
      { find: 'householdRegistrations(first: 2) { nodes { idNumber fullName birthDate', dept: MZ, purpose: SA, ...WANG },
      { find: 'requestSharing(', dept: MZ, purpose: SA, ...WANG, ids: { 'requestSharing.id': 'request id' } },
      { find: 'decideSharingRequest(', dept: '430000-GA', purpose: SA, user: 'li.gang', roles: 'approver',
        ids: { 'decideSharingRequest.grant.id': 'workflow grant' } },
    ],
    // the access rules' answers assume only their own grants
    cleanup: async (g) => {
      for (const label of ['README grant', 'workflow grant']) govgraph(g, ['grant', 'revoke', g.made[label]]);
    },
  },
  {
    file: 'docs/access-rules.md',
    // "Running the examples", and the grant of "Row scope"
    setup: async (g) => {
      await addGrant(g, 'examples grant', ['--requester', MZ, '--resource', '430000-GA-00001', '--items', 'idNumber,fullName,gender,birthDate,phone,address',
        '--purposes', `${SA},administrative-licensing`, '--unmasked', 'fullName']);
      await addGrant(g, 'row scope grant', ['--requester', '430100-MZ', '--resource', '430000-GA-00001', '--items', 'idNumber,fullName,regionCode',
        '--purposes', SA, '--rows', '430102,430104']);
    },
    examples: [
      { find: 'householdRegistration(idNumber: "43010219350227846X") { fullName phone', dept: '430000-GA', purpose: '' }, // the gql line
      { find: 'householdRegistration(idNumber: "43010219350227846X") { fullName phone', dept: '430000-GA', purpose: '' }, // row 0
      { find: 'criminalCaseFiles', dept: MZ, purpose: SA },
      { find: 'employmentRegistration(registrationNo', dept: MZ, purpose: SA },
      { find: 'realEstateRegistration(', dept: MZ, purpose: SA },
      { find: 'landUseRights(', dept: '430000-SCJG', purpose: 'market-regulation' },
      { find: 'holder { gender }', dept: '430300-MZ', purpose: SA },
      { find: 'householdRegistrations(first: 2) { nodes { gender } }', dept: '430121-MZ', purpose: SA },
      { find: 'employmentRegistrations(first: 2) { nodes { position } }', dept: MZ, purpose: '' },
      { find: 'electronicLicences(first: 2) { nodes { licenceNo } }', dept: '430000-GA', purpose: 'land-management' },
      { find: 'nodes { gender birthDate address }', dept: MZ, purpose: 'administrative-licensing' },
      { find: 'householdRegistrations(first: 2) { nodes { gender } }', dept: '430000-ZWB', purpose: SA },
      { find: 'nodes { gender ethnicity }', dept: MZ, purpose: SA },
      { find: 'nodes { idNumber fullName phone address gender }', dept: MZ, purpose: SA },
      { find: 'nodes { name legalRepresentative contactPhone }', dept: MZ, purpose: SA },
      // "No leaks around the rules": read as 430000-MZ, social-assistance
      { find: 'monthlyWage: { gt: 8000 }', dept: MZ, purpose: SA },
      { find: 'phone: { startsWith: "139" }', dept: MZ, purpose: SA },
      { find: 'phone: { eq: "18506432240" }', dept: MZ, purpose: SA },
      { find: 'legalRepresentativePerson { fullName }', dept: MZ, purpose: SA },
    ],
    // so that the script can run again against the same gateways
    cleanup: async (g) => {
      for (const label of ['examples grant', 'row scope grant']) govgraph(g, ['grant', 'revoke', g.made[label]]);
    },
  },
];

// ---- the queries of a document: graphql blocks, curl bodies and gql lines of sh blocks ----

/** A line that opens a selection (`{ publicSecurity {`, `{ requestSharing(`): a query, wherever it stands. */
const SELECTION = /\{ *[a-z]\w* *[({]/;

function queriesOf(file: string): string[] {
  const queries: string[] = [];
  const text = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
  for (const m of text.matchAll(/^( *)```(\w*)\n([\s\S]*?)^ *```$/gm)) {
    const [, , lang, body] = m;
    const line = text.slice(0, m.index).split('\n').length;
    const found: string[] = [];
    if (lang === 'graphql') found.push(...body.split(/\n\s*\n/).map((q) => q.trim()).filter((q) => q !== ''));
    if (lang === 'sh') {
      for (const [, json] of body.matchAll(/-d '(\{"query".*\})'/g)) found.push(JSON.parse(json).query);
      for (const [, q] of body.matchAll(/^gql \S+ \S+ '(.*)'$/gm)) found.push(q);
    }
    const selections = body.split('\n').filter((l) => SELECTION.test(l)).length;
    if (lang !== 'graphql' && selections !== found.length) {
      throw new Error(`${file}:${line}: a \`\`\`${lang} block holds ${selections} query lines, of which this script reads ${found.length}; teach it to read them`);
    }
    queries.push(...found);
  }
  return queries;
}

// ---- sending, comparing ----

function token(g: Gateway, ex: Example): string {
  const args = ['token', '--dept', ex.dept, ...(ex.user ? ['--user', ex.user] : []), ...(ex.roles ? ['--roles', ex.roles] : [])];
  const key = args.join(' ');
  if (!g.tokens.has(key)) g.tokens.set(key, govgraph(g, args));
  return g.tokens.get(key)!;
}

async function send(g: Gateway, ex: Example, query: string): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${token(g, ex)}` };
  if (ex.purpose) headers['x-purpose'] = ex.purpose;
  const text = query.replace('<request id>', g.made['request id'] ?? '<request id>');
  const r = await fetch(`${g.url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query: text }) });
  return { status: r.status, body: await r.text() };
}

/** Keeps the ids the example names (for later queries and clean-up) and replaces each, in the body only, by its label. */
function replaceIds(g: Gateway, ex: Example, body: string): { body: string; notes: string[] } {
  const notes: string[] = [];
  for (const [path, label] of Object.entries(ex.ids ?? {})) {
    const id = path.split('.').reduce((v: any, k) => v?.[k], JSON.parse(body).data);
    if (typeof id !== 'string') continue;
    g.made[label] = id;
    body = body.split(id).join(`<${label}>`);
    notes.push(`${g.name}: ${path} ${id} compared as <${label}>`);
  }
  return { body, notes };
}

const dir = mkdtempSync(join(tmpdir(), 'compare-answers-'));
function unifiedDiff(a: string, b: string): string {
  const pretty = (s: string) => {
    try {
      return JSON.stringify(JSON.parse(s), null, 1) + '\n';
    } catch {
      return s + '\n';
    }
  };
  // Pretty-printed, so that the diff shows the values; raw when only their layout differs.
  const [pa, pb] = pretty(a) === pretty(b) ? [a + '\n', b + '\n'] : [pretty(a), pretty(b)];
  writeFileSync(join(dir, 'a'), pa);
  writeFileSync(join(dir, 'b'), pb);
  return spawnSync('diff', ['-u', '--label', 'a', '--label', 'b', join(dir, 'a'), join(dir, 'b')], { encoding: 'utf8' }).stdout;
}

const oneLine = (q: string) => q.replace(/\s+/g, ' ');
// Every document checked against the table before anything is sent.
const queriesByDocument = documents.map((doc) => {
  const queries = queriesOf(doc.file);
  if (queries.length !== doc.examples.length || queries.some((q, i) => !oneLine(q).includes(doc.examples[i].find))) {
    throw new Error(`${doc.file} holds ${queries.length} queries, the table ${doc.examples.length}, or they do not match in order; the documents' queries:\n${queries.join('\n')}`);
  }
  return queries;
});

let n = 0;
let differ = 0;
for (const [d, doc] of documents.entries()) {
  const queries = queriesByDocument[d];
  for (const g of gateways) await doc.setup(g);
  await sleep(POLL_MS);
  for (const [i, query] of queries.entries()) {
    const ex = doc.examples[i];
    const answers = [];
    const notes: string[] = [];
    for (const g of gateways) {
      const { status, body } = await send(g, ex, query);
      const replaced = replaceIds(g, ex, body);
      notes.push(...replaced.notes);
      answers.push({ status, body: replaced.body });
    }
    n += 1;
    const same = answers[0].status === answers[1].status && answers[0].body === answers[1].body;
    console.log(`\n${doc.file} #${i + 1} (${ex.dept}, ${ex.purpose || 'no purpose'}): ${oneLine(query)}`);
    for (const note of notes) console.log(`  ${note}`);
    if (same) {
      console.log(`same (HTTP ${answers[0].status}, ${Buffer.byteLength(answers[0].body)} bytes)`);
      continue;
    }
    differ += 1;
    if (answers[0].status !== answers[1].status) console.log(`HTTP ${answers[0].status} (a) / ${answers[1].status} (b)`);
    console.log(unifiedDiff(answers[0].body, answers[1].body) || 'bodies the same');
  }
  if (doc.cleanup) {
    for (const g of gateways) await doc.cleanup(g);
    await sleep(POLL_MS);
  }
}
console.log(`\n${n} queries: ${n - differ} same, ${differ} differ`);
rmSync(dir, { recursive: true, force: true });
process.exit(differ ? 1 : 0);
