// GraphiQL in a real browser: Debian's Chromium driven by playwright-core opens the page that
// src/server/graphiql.ts serves, types headers and a query into GraphiQL's editors, presses the run
// button and reads the result pane. Every request the browser makes is recorded: none may leave the
// machine. Screenshots go to test/artifacts/.
//
// `startDemoServer()` and `startYunnanServer()` are the places that know which server is under test: the
// real gateway (startGateway) in a temporary SQLite store, with a real token and purpose, over the demo
// platform and over another province's (test/fixtures/yunnan: other codes, names, purposes and types),
// so that nothing of the page depends on the demo's departments or catalogues. Every case runs on both.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { graphiqlAssetsDir } from '../src/server/graphiql.ts';
import { signToken } from '../src/identity/token.ts';
import { startGateway } from '../src/server/app.ts';
import { startTestGateway } from './helpers/gateway.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { importRecords } from '../src/records/import.ts';

const chromiumPath = '/usr/bin/chromium';
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const root = fileURLToPath(new URL('..', import.meta.url));
const artifacts = join(root, 'test', 'artifacts');

/** A server under test and what the cases need to know about it. */
interface ServerUnderTest {
  /** Short name, for the screenshots' file names. */
  name: string;
  /** Texts of the welcome text in the query editor on a first visit (the platform's purpose codes). */
  welcomeTexts: string[];
  /** Origin of the server, e.g. `http://127.0.0.1:4321`; GraphiQL is at `/graphiql`. */
  url: string;
  close(): Promise<void>;
  /** Headers of an accepted token and purpose. */
  goodHeaders: Record<string, string>;
  /** Headers with a token the server refuses. */
  badHeaders: Record<string, string>;
  /** A query that returns data, and a piece of text its result shows. */
  dataQuery: string;
  dataText: string;
  /** A query of which one field is denied, and the denial's error code. */
  deniedQuery: string;
  deniedCode: string;
  /** A type of the schema, and texts from the catalogue that its documentation shows. */
  docsType: string;
  docsTexts: string[];
  /** An item of `docsType` the department can never read: introspection (and so the docs) leave it out. */
  hiddenText: string;
  /** A second gateway on the same store whose GraphiQL opens with `goodHeaders` prefilled, as under `serve --demo`. */
  prefilled: { url: string; close(): Promise<void> };
}

// ---- the real gateway over the demo platform (test/helpers/gateway.ts) ----

/** The demo developer of `npm start`: the Provincial Department of Civil Affairs, for social assistance. */
const demoDept = '430000-MZ';
const demoPurpose = 'social-assistance';

async function startDemoServer(): Promise<ServerUnderTest> {
  const gw = await startTestGateway({ demo: true });
  const token = await gw.token(demoDept, ['applicant'], 'demo-developer');
  const forged = await signToken(new TextEncoder().encode('not the platform secret, 32 bytes!'), { dept: demoDept, user: 'demo-developer', roles: [], ttl: '1h' });
  const dataQuery = '{ humanResources { employmentRegistrations(first: 2) { nodes { registrationNo employerName } } } }';
  // The text the result pane must show: the first registration number, read over HTTP beforehand.
  const direct = await gw.query(dataQuery, { token, purpose: demoPurpose });
  const first = direct.data?.humanResources?.employmentRegistrations?.nodes?.[0]?.registrationNo;
  if (typeof first !== 'string' || direct.errors) throw new Error(`the demo gateway answered ${JSON.stringify(direct)}`);
  const prefilled = await startGateway({
    platform: gw.platform, store: gw.store, port: 0, pollMs: 0,
    graphiqlHeaders: { Authorization: `Bearer ${token}`, 'x-purpose': demoPurpose },
  });
  return {
    name: 'demo',
    welcomeTexts: ['social-assistance', 'administrative-licensing'],
    url: gw.gateway.url,
    close: async () => {
      await prefilled.close();
      await gw.close();
    },
    goodHeaders: { Authorization: `Bearer ${token}`, 'x-purpose': demoPurpose },
    // Well formed and unexpired, but signed with a secret that is not the platform's.
    badHeaders: { Authorization: `Bearer ${forged}`, 'x-purpose': demoPurpose },
    dataQuery,
    dataText: first,
    // monthlyWage is `share: { type: none }` in the demo catalogue: only its provider reads it.
    deniedQuery: '{ humanResources { employmentRegistrations(first: 2) { nodes { registrationNo monthlyWage } } } }',
    deniedCode: 'NOT_SHARED',
    docsType: 'EmploymentRegistration',
    docsTexts: [
      'Employment registration · provider 430000-RST · unconditional · daily',
      'Registration number',
      'Position',
    ],
    // monthlyWage is not shared: 430000-MZ's view of the schema has no such field.
    hiddenText: 'Monthly wage (yuan)',
    prefilled: { url: prefilled.url, close: () => prefilled.close() },
  };
}

// ---- the real gateway over another province's platform (test/fixtures/yunnan) ----

const yunnanFile = (name: string) => fileURLToPath(new URL(`./fixtures/yunnan/${name}`, import.meta.url));
/** A county's civil affairs bureau of Kunming, for minimum living allowance reviews. */
const yunnanDept = '530102-MZJ';
const yunnanPurpose = 'minimum-living-allowance';

async function startYunnanServer(): Promise<ServerUnderTest> {
  const gw = await startTestGateway({
    platformFile: yunnanFile('platform.yaml'),
    catalogueFiles: [yunnanFile('police.yaml'), yunnanFile('agriculture.yaml')],
  });
  const coops = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources).find((r) => r.code === '530000-NYNCT-001')!;
  await importRecords(gw.store, coops, yunnanFile('coops.jsonl'));
  const token = await gw.token(yunnanDept, ['applicant'], 'kunming-developer');
  const forged = await signToken(new TextEncoder().encode('not the platform secret, 32 bytes!'), { dept: yunnanDept, user: 'kunming-developer', roles: [], ttl: '1h' });
  const dataQuery = '{ agriculture { cooperatives(first: 2) { nodes { creditCode name crop } } } }';
  const direct = await gw.query(dataQuery, { token, purpose: yunnanPurpose });
  const first = direct.data?.agriculture?.cooperatives?.nodes?.[0]?.name;
  if (typeof first !== 'string' || direct.errors) throw new Error(`the Yunnan gateway answered ${JSON.stringify(direct)}`);
  const prefilled = await startGateway({
    platform: gw.platform, store: gw.store, port: 0, pollMs: 0,
    graphiqlHeaders: { Authorization: `Bearer ${token}`, 'x-purpose': yunnanPurpose },
  });
  return {
    name: 'yunnan',
    welcomeTexts: ['minimum-living-allowance', 'plateau-agriculture', 'housing-fund'],
    url: gw.gateway.url,
    close: async () => {
      await prefilled.close();
      await gw.close();
    },
    goodHeaders: { Authorization: `Bearer ${token}`, 'x-purpose': yunnanPurpose },
    badHeaders: { Authorization: `Bearer ${forged}`, 'x-purpose': yunnanPurpose },
    dataQuery,
    dataText: first,
    // subsidy is shared on conditions, and only for plateau-agriculture: not for this purpose.
    deniedQuery: '{ agriculture { cooperatives(first: 2) { nodes { name subsidy } } } }',
    deniedCode: 'PURPOSE_OUT_OF_SCOPE',
    docsType: 'Cooperative',
    // The subsidy's scope as rendered: descriptions are Markdown, and its department patterns keep their
    // asterisks only in code spans (without them, "530000-*, 5301*" showed as "530000-, 5301" with ", 5301" in italics).
    docsTexts: ['高原特色农业专业合作社 · provider 530000-NYNCT · unconditional · monthly', '统一社会信用代码', '合作社名称', 'departments 530000-*, 5301*'],
    // email is offered only for download, never through the API: not in any department's view of the schema.
    hiddenText: 'email',
    prefilled: { url: prefilled.url, close: () => prefilled.close() },
  };
}

// ---- driving GraphiQL ----

/** Text of the Monaco editor inside `container`, as rendered (Monaco draws spaces as U+00A0). */
async function editorText(page: Page, container: string): Promise<string> {
  const text = await page.locator(`${container} .view-lines`).first().innerText();
  return text.replace(/\u00a0/g, ' ');
}

/** Replaces the contents of the Monaco editor inside `container` as a person would: select all, type. */
async function fillEditor(page: Page, container: string, text: string): Promise<void> {
  await page.locator(`${container} .view-lines`).first().click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  // insertText types one line as one input, so Monaco's auto-closing of brackets and quotes stays out
  // (a line break in it would let Monaco close a bracket, hence single-line text).
  if (text.includes('\n')) throw new Error('fillEditor takes single-line text');
  await page.keyboard.insertText(text);
  await expect.poll(() => editorText(page, container).then(squash), { timeout: 20_000 }).toBe(squash(text));
}

/** GraphiQL's prettify button formats the query, variables and headers editors. */
async function prettify(page: Page, texts: string[]): Promise<void> {
  await page.getByRole('button', { name: /prettify/i }).click();
  await expect.poll(() => editorText(page, headersEditor).then((t) => t.split('\n').length), { timeout: 20_000 }).toBeGreaterThan(1);
  for (const [container, text] of [[headersEditor, texts[0]], [queryEditor, texts[1]]] as const) {
    expect(squash(await editorText(page, container))).toBe(squash(text ?? ''));
  }
}

function squash(text: string): string {
  return text.replace(/\s+/g, '');
}

const queryEditor = '.graphiql-query-editor';
const headersEditor = '.graphiql-editor-tool .graphiql-editor:not(.hidden)';
const resultPane = '.graphiql-response';

/**
 * Clears this origin's storage from a page of it where GraphiQL does not run (/healthz): cleared from the
 * GraphiQL page itself, the page could still be saving its first tab (its script writes the storage after
 * `goto` has returned), so that on a loaded machine it wrote its tabs back after the clear, but not the
 * headers the gateway gave it last, and the next load opened an empty tab beside them.
 */
async function clearStorage(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/healthz`);
  await page.evaluate(() => window.localStorage.clear());
}

/** Opens GraphiQL as on a first visit: the tabs an earlier case left in the browser's storage are gone. */
async function openGraphiql(page: Page, url: string): Promise<void> {
  await clearStorage(page, url);
  await page.goto(`${url}/graphiql`);
  await page.locator(`${queryEditor} .view-lines`).waitFor();
  await page.locator(`${headersEditor} .view-lines`).waitFor();
}

async function runAndReadResult(page: Page, expected: string): Promise<string> {
  await page.getByRole('button', { name: /execute query/i }).click();
  await expect.poll(() => editorText(page, resultPane), { timeout: 20_000 }).toContain(expected);
  return editorText(page, resultPane);
}

function isLocal(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:') return true;
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}

const chromiumMissing = !existsSync(chromiumPath);
// In CI (.ci/run installs Debian's chromium) a missing browser is a failure, never a silent skip.
const inCI = process.env.CI === 'true';
if (chromiumMissing && !inCI) {
  console.warn(`SKIPPED the GraphiQL browser tests: ${chromiumPath} is absent (apt-get install -y chromium)`);
}

test.runIf(chromiumMissing && inCI)('Chromium is installed in CI', () => {
  expect.fail(`${chromiumPath} is absent but CI=true: .ci/run installs it (apt-get install -y --no-install-recommends chromium)`);
});

describe.skipIf(chromiumMissing).each([
  { platform: 'the demo platform', startServer: startDemoServer },
  { platform: 'another province (Yunnan)', startServer: startYunnanServer },
])(`GraphiQL in Chromium (${chromiumPath}; skipped when it is absent outside CI) on $platform`, ({ startServer }) => {
  let server: ServerUnderTest;
  let context: BrowserContext;
  let userDataDir: string;
  const requests: string[] = [];
  const pageProblems: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(graphiqlAssetsDir, 'graphiql.js'))) {
      const built = spawnSync(process.execPath, [join(root, 'scripts', 'build-graphiql.mjs')], { stdio: 'inherit' });
      if (built.status !== 0) throw new Error('scripts/build-graphiql.mjs failed');
    }
    await mkdir(artifacts, { recursive: true });
    server = await startServer();
    userDataDir = await mkdtemp(join(tmpdir(), 'govgraph-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: chromiumArgs,
      viewport: { width: 1400, height: 900 },
    });
    context.on('request', (request) => requests.push(request.url()));
    context.on('weberror', (error) => pageProblems.push(`page error: ${error.error().message}`));
    context.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) {
        pageProblems.push(`console: ${message.text()}`);
      }
    });
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  test('(a) with a good token and purpose, a query run from the editor shows its data', { timeout: 90_000 }, async () => {
    const page = await context.newPage();
    await openGraphiql(page, server.url);
    // The headers editor is visible and prefilled with the placeholders (polled, as the welcome text below).
    await expect.poll(() => editorText(page, headersEditor), { timeout: 20_000 }).toContain('Bearer <paste a token from govgraph token>');
    expect(await editorText(page, headersEditor)).toContain('x-purpose');
    // The welcome text in the query editor names this platform's purpose codes (polled: Monaco draws the
    // editor's lines a moment after they exist).
    for (const text of server.welcomeTexts) await expect.poll(() => editorText(page, queryEditor), { timeout: 20_000 }).toContain(text);

    await fillEditor(page, headersEditor, JSON.stringify(server.goodHeaders));
    await fillEditor(page, queryEditor, server.dataQuery);
    await prettify(page, [JSON.stringify(server.goodHeaders), server.dataQuery]);
    const result = await runAndReadResult(page, server.dataText);
    expect(result).toContain('"data"');
    expect(result).not.toContain('"errors"');
    await page.screenshot({ path: join(artifacts, `graphiql-${server.name}-a-data.png`) });

    // With the token accepted, the schema loads and the documentation shows the catalogue's descriptions.
    await page.getByRole('button', { name: /documentation explorer/i }).click();
    const docs = page.locator('.graphiql-doc-explorer');
    await docs.getByText(server.docsType, { exact: true }).first().click({ timeout: 20_000 });
    for (const text of server.docsTexts) {
      await expect.poll(() => docs.innerText(), { timeout: 20_000 }).toContain(text);
    }
    expect(await docs.innerText()).not.toContain(server.hiddenText);
    // Each fact of the description keeps its line: Markdown would join "Methods: api." and "Scope of use: ..."
    // (and a condition with no full stop and its "Basis:") into one run of text.
    expect(await docs.innerText()).toMatch(/(^|\n)Scope of use: /);
    // Back to the top of the type's page, where its description (provider, share type, cycle) stands.
    await docs.evaluate((el) => {
      for (let node: Element | null = el; node; node = node.parentElement) node.scrollTop = 0;
      for (const node of el.querySelectorAll('*')) if (node.scrollTop > 0) node.scrollTop = 0;
    });
    await page.screenshot({ path: join(artifacts, `graphiql-${server.name}-a-docs.png`) });

    // The Monaco workers were loaded from the gateway too.
    expect(requests.some((url) => url.endsWith('/graphiql/assets/graphql.worker.js'))).toBe(true);
    // The page names its icon inline: a browser with favicons (not this headless one) asks the gateway,
    // which has none, for /favicon.ico otherwise, and shows the 404 in its console.
    expect(await page.evaluate(() => document.querySelector('link[rel="icon"]')?.getAttribute('href'))).toBe('data:,');
    await page.close();
  });

  test('(b) a denied field shows its error and code in the result pane', { timeout: 90_000 }, async () => {
    const page = await context.newPage();
    await openGraphiql(page, server.url);
    await fillEditor(page, headersEditor, JSON.stringify(server.goodHeaders));
    await fillEditor(page, queryEditor, server.deniedQuery);
    await prettify(page, [JSON.stringify(server.goodHeaders), server.deniedQuery]);
    const result = await runAndReadResult(page, server.deniedCode);
    expect(result).toContain('"errors"');
    expect(result).toContain('"data"');
    await page.screenshot({ path: join(artifacts, `graphiql-${server.name}-b-denied.png`) });
    await page.close();
  });

  test('(c) without a token, and with a bad one, the result pane shows UNAUTHENTICATED', { timeout: 90_000 }, async () => {
    const page = await context.newPage();
    await openGraphiql(page, server.url);
    // The schema fetch with the placeholder headers fails visibly, not with a blank page.
    await expect.poll(() => editorText(page, resultPane), { timeout: 20_000 }).toContain('UNAUTHENTICATED');
    await page.screenshot({ path: join(artifacts, `graphiql-${server.name}-c-no-token.png`) });

    await fillEditor(page, headersEditor, JSON.stringify(server.badHeaders));
    await fillEditor(page, queryEditor, server.dataQuery);
    // The pane already shows the failed schema fetch: wait for the answer to this run itself.
    const answer = page.waitForResponse(
      (response) => response.url().endsWith('/graphql') && (response.request().postData() ?? '').includes(squash(server.dataQuery).slice(1, 12)),
    );
    const result = await runAndReadResult(page, 'UNAUTHENTICATED');
    expect(JSON.stringify(await (await answer).json())).toContain('UNAUTHENTICATED');
    expect(result).toContain('"errors"');
    expect(result).not.toContain(server.dataText);
    await page.screenshot({ path: join(artifacts, `graphiql-${server.name}-c-unauthenticated.png`) });
    await page.close();
  });

  /** Which token GraphiQL has saved as its active tab's headers (graphiql:tabState), once it has saved the edit. */
  const storedTokens = (page: Page) =>
    page.evaluate(({ good, bad }) => {
      const state = JSON.parse(window.localStorage.getItem('graphiql:tabState') ?? '{}') as { activeTabIndex?: number; tabs?: { headers?: string | null }[] };
      const headers = state.tabs?.[state.activeTabIndex ?? 0]?.headers ?? '';
      return { good: headers.includes(good), bad: headers.includes(bad) };
    }, { good: server.goodHeaders.Authorization.slice(-20), bad: server.badHeaders.Authorization.slice(-20) });

  test('(d) under --demo the page opens with the token and purpose; a reload keeps the headers the user typed', { timeout: 120_000 }, async () => {
    const page = await context.newPage();
    await openGraphiql(page, server.prefilled.url);
    // Polled: Monaco draws the editor's lines a moment after they exist.
    await expect.poll(() => editorText(page, headersEditor).then(squash), { timeout: 20_000 }).toContain(squash(server.goodHeaders.Authorization));
    const prefilled = await editorText(page, headersEditor);
    expect(squash(prefilled)).toContain(squash(`"x-purpose": "${server.goodHeaders['x-purpose']}"`));
    // A query runs at once, with no header typed.
    await fillEditor(page, queryEditor, server.dataQuery);
    await runAndReadResult(page, server.dataText);

    // The user changes the headers (here: a bad token); a reload keeps them, not the prefilled ones.
    await fillEditor(page, headersEditor, JSON.stringify(server.badHeaders));
    await expect.poll(() => storedTokens(page), { timeout: 20_000 }).toEqual({ good: false, bad: true });
    await page.reload();
    await page.locator(`${headersEditor} .view-lines`).waitFor();
    await expect.poll(() => editorText(page, headersEditor).then(squash), { timeout: 20_000 }).toContain(squash(server.badHeaders.Authorization).slice(-20));
    expect(squash(await editorText(page, headersEditor))).not.toContain(squash(server.goodHeaders.Authorization).slice(-20));

    // Back to the good token: after a reload the schema loads with it (the docs show the catalogue's texts).
    await fillEditor(page, headersEditor, JSON.stringify(server.goodHeaders));
    await expect.poll(() => storedTokens(page), { timeout: 20_000 }).toEqual({ good: true, bad: false });
    await page.reload();
    await page.locator(`${headersEditor} .view-lines`).waitFor();
    await page.getByRole('button', { name: /documentation explorer/i }).click();
    const docs = page.locator('.graphiql-doc-explorer');
    await docs.getByText(server.docsType, { exact: true }).first().click({ timeout: 20_000 });
    await expect.poll(() => docs.innerText(), { timeout: 20_000 }).toContain(server.docsTexts[0]);
    await page.screenshot({ path: join(artifacts, `graphiql-${server.name}-d-reloaded.png`) });
    await page.close();
  });

  test('(e) when the gateway prefills headers new to this browser (a new demo token), its welcome text opens beside the tabs kept', { timeout: 90_000 }, async () => {
    const page = await context.newPage();
    // An earlier visit: a tab of the user's own, and the headers the gateway prefilled then (another token).
    await clearStorage(page, server.prefilled.url);
    const earlier = { Authorization: server.badHeaders.Authorization, 'x-purpose': server.goodHeaders['x-purpose'] };
    await page.evaluate((earlierHeaders) => {
      const headers = JSON.stringify(earlierHeaders, null, 2);
      const tab = { id: 'earlier-tab', title: 'Mine', query: 'query Mine { __typename }', variables: null, headers, operationName: 'Mine', response: null };
      window.localStorage.setItem('graphiql:tabState', JSON.stringify({ tabs: [tab], activeTabIndex: 0 }));
      window.localStorage.setItem('govgraph:defaultHeaders', headers);
    }, earlier);
    await page.goto(`${server.prefilled.url}/graphiql`);
    await page.locator(`${queryEditor} .view-lines`).waitFor();
    await page.locator(`${headersEditor} .view-lines`).waitFor();
    // The new tab holds the new headers and the welcome text of a first visit (it was empty: GraphiQL
    // makes a tab for headers that no kept tab holds, with no query unless the page gives one).
    await expect.poll(() => editorText(page, headersEditor).then(squash), { timeout: 20_000 }).toContain(squash(server.goodHeaders.Authorization).slice(-20));
    await expect.poll(() => editorText(page, queryEditor), { timeout: 20_000 }).toContain('# 1. The headers below already hold a token');
    // The user's own tab is still there.
    await expect.poll(() => page.locator('.graphiql-tab').allInnerTexts(), { timeout: 20_000 }).toEqual([expect.stringContaining('Mine'), expect.stringContaining('<untitled>')]);
    await page.close();
  });

  test('no request left the machine and the page broke no rule of its Content-Security-Policy', () => {
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((url) => !isLocal(url))).toEqual([]);
    expect(pageProblems).toEqual([]);
  });
});
