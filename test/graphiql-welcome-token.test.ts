// GraphiQL's welcome text on a platform of one's own told a Beijing developer (110100-MZJ, test/fixtures/
// beijing-masks) to paste a token from `npx govgraph token --dept CODE`; run so in the govgraph folder, the
// command signs with ./data's secret, and the gateway refused the token (UNAUTHENTICATED). The text now says
// to run it with the gateway's --platform and --data, without naming them: the page is public, and a
// store's path or MongoDB URI is the operator's.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/beijing-masks/${name}`, import.meta.url));
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('residents.yaml')] });
});
afterAll(() => gw?.close());

it("the welcome text says a token is made with the gateway's --platform and --data, naming neither", async () => {
  const page = await (await fetch(`${gw.gateway.url}/graphiql`)).text();
  const json = /<script type="application\/json" id="govgraph-graphiql-config">(.*?)<\/script>/s.exec(page)?.[1];
  const welcome = (JSON.parse(json!) as { defaultQuery: string }).defaultQuery;
  const prose = welcome.split('\n').filter((l) => l.startsWith('#')).map((l) => l.replace(/^#\s*/, '')).join(' ');
  expect(prose).toContain("Put a token from `npx govgraph token --dept CODE` in the Authorization header below (run with this gateway's --platform and --data, as `govgraph serve` printed: a token made on another data folder is refused), and a purpose code as x-purpose, one of housing-security");
  expect(welcome).not.toContain(gw.dataDir);
  expect(welcome).not.toContain(fixture('platform.yaml'));
  for (const line of welcome.split('\n')) expect(line.length, line).toBeLessThanOrEqual(74);
});
