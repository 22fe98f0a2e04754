import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { GatewayOptions } from '../../src/server/app.ts';
import type { ConnectedPlatform, Department, Limits, Platform } from '../../src/model/platform.ts';
import { startTestGateway, type TestGateway } from './gateway.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The smallest province (610000, one department, no purposes) listing `connected`: what the tests of a
 * connected platform's behaviour need on the connecting side, built without a platform file.
 */
export function provinceListing(connected: readonly Partial<ConnectedPlatform>[], departments?: readonly Department[]): Platform {
  return {
    platform: { region: '610000', level: 'province', name: 'p', competentDepartment: '610000-ZWB', holidays: [] },
    purposes: [],
    departments: departments ?? [{ code: '610000-ZWB', name: 'z', graphqlName: 'z', level: 'province', region: '610000' }],
    connected,
  } as unknown as Platform;
}

/**
 * The levels fixture's province (test/fixtures/levels, 610000, with its catalogue) as a gateway whose
 * `connected` list is `entries` (YAML list lines), its platform file written in `work`; `limits` as
 * startTestGateway takes them.
 */
export async function startLevelsProvince(
  work: string,
  entries: readonly string[],
  gateway: Partial<GatewayOptions>,
  limits?: Partial<Limits>,
): Promise<{ gw: TestGateway; platformFile: string }> {
  const platformFile = join(work, 'province.yaml');
  writeFileSync(platformFile, readFileSync(join(root, 'test/fixtures/levels/province.yaml'), 'utf8').replace(/connected:[\s\S]*$/, `connected:\n${entries.join('\n')}\n`));
  const gw = await startTestGateway({ platformFile, catalogueFiles: [join(root, 'test/fixtures/levels/province-catalogue.yaml')], gateway, limits });
  return { gw, platformFile };
}

/** The levels fixture's entry for its city (610100, namespace `city`), at `url`. */
export const levelsCityEntry = (url: string): string =>
  `  - { region: "610100", name: Test City Sharing Platform, url: "${url}", namespace: city, timeoutMs: 3000 }`;

/**
 * What a stand-in city answers a namespace read with: a status and a JSON body, or `raw` text sent as it
 * is (and headers); none: it never answers.
 */
export type StandInAnswer = { status?: number; body?: unknown; raw?: string; headers?: Record<string, string> } | undefined;

/**
 * A stand-in connected city on loopback (610100), for tests of what a connecting gateway makes of a
 * connected platform's schema and answers: it serves `sdl` as its data schema and answers each namespace
 * read with `answer(query)`, the delegated document's text (when its promise settles, if it gives one).
 */
export async function startStandInCity(
  sdl: string,
  answer: (query: string) => StandInAnswer | Promise<StandInAnswer>,
): Promise<{ url: string; close(): void }> {
  const city = createServer((req, res) => {
    if (req.url?.startsWith('/.well-known/govgraph/schema')) {
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ region: '610100', name: 'City', version: 'v1', sdl }));
    }
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', async () => {
      const a = await answer(JSON.parse(text).query as string);
      if (a) res.writeHead(a.status ?? 200, { 'content-type': 'application/json', ...a.headers }).end(a.raw ?? JSON.stringify(a.body));
    });
  });
  await new Promise<void>((r) => city.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(city.address() as { port: number }).port}`,
    close() {
      city.closeAllConnections();
      city.close();
    },
  };
}

/** The aliases the delegated document gives root field `field` (graphql-tools aliases each, two spaces in). */
export const rootAliases = (query: string, field: string): string[] => [...query.matchAll(new RegExp(`^ {2}(\\w+): ${field}\\b`, 'gm'))].map(([, alias]) => alias);

/**
 * The levels province (startLevelsProvince) listing a stand-in city (startStandInCity) at `entry(url)`
 * (default levelsCityEntry), its files in a folder of its own; `close` stops both and removes the folder.
 */
export async function startProvinceOfStandInCity(
  sdl: string,
  answer: (query: string) => StandInAnswer,
  gateway: Partial<GatewayOptions> = { connectedPollMs: 0 },
  entry: (url: string) => string = levelsCityEntry,
): Promise<{ gw: TestGateway; url: string; close(): Promise<void> }> {
  const city = await startStandInCity(sdl, answer);
  const work = mkdtempSync(join(tmpdir(), 'govgraph-stand-in-city-'));
  const { gw } = await startLevelsProvince(work, [entry(city.url)], gateway);
  return {
    gw,
    url: city.url,
    async close() {
      await gw.close();
      city.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
