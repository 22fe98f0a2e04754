// A platform listing connected platforms (SPEC §12) reads them under `Query.<namespace>` and is read by
// them, through the document limits (SPEC §13) of both sides. `maxDepth: 3` was accepted (the least for a
// lookup) and answered every read under a namespace with QUERY_TOO_COMPLEX: a namespace is one level
// more. Now such a platform file is refused with `path: message` (src/catalogue/checks/platform/
// forwarded-limits.ts). The figures are measured here on two real gateways on loopback, Guizhou (520000)
// and its city Guiyang (520100, test/helpers/guizhou.ts): each smallest read runs at exactly its figures
// and is refused one below, on the asking side (the province's limits) and on the answering side (the
// city's limits, which apply to the document graphql-tools delegates: no namespace, two aliased
// `__typename`s more).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallestAskedReads, smallestReceivedReads, type ForwardedRead } from '../src/catalogue/checks/platform/forwarded-limits.ts';
import { validatePlatform } from '../src/catalogue/platform.ts';
import { readDocument } from '../src/catalogue/read.ts';
import type { Limits } from '../src/model/platform.ts';
import { runGovgraph, storeOfCase } from './helpers/cli.ts';
import { eventually } from './helpers/eventually.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { guizhouFixture, startGuizhouPair, startGuizhouProvince, writeCityFile } from './helpers/guizhou.ts';

type Bound = keyof ForwardedRead['figures'];
const BOUNDS: Bound[] = ['maxDepth', 'maxTokens', 'maxCost'];

/** A smallest read's text in the Guizhou pair's names: the city's housing bureau and its homes. */
const asGuiyang = (text: string) =>
  text.replace('ns', 'guiyang').replace('dept', 'gyHousing').replace('resources', 'subsidisedHomes').replace('resource(key:', 'subsidisedHome(homeNo:').replace('item', 'rent');
const asked = smallestAskedReads().map((r) => ({ ...r, text: asGuiyang(r.text) }));

describe('the smallest reads of a connected platform, measured on two gateways', () => {
  let pair: Awaited<ReturnType<typeof startGuizhouPair>>;
  let provincePort: number;
  let cityPort: number;
  beforeAll(async () => {
    pair = await startGuizhouPair('forwarded-limits');
    provincePort = Number(new URL(pair.province.gateway.url).port);
    cityPort = Number(new URL(pair.city.gateway.url).port);
  }, 60_000);
  afterAll(() => pair?.close());

  const read = (text: string) => pair.province.query(text, { dept: '520102-XCZX', purpose: 'poverty-relief' });

  /** The province again, under `limits`, once its view of the city holds the namespace. */
  async function provinceUnder(limits: Partial<Limits>): Promise<void> {
    await pair.province.close();
    pair.province = await startGuizhouProvince(pair.work, pair.city.gateway.url, provincePort, { connectedPollMs: 300 }, undefined, limits);
    await eventually(async () => {
      const r = await read('{ guiyang { __typename } }');
      if (!r.data?.guiyang) throw new Error(`no namespace yet: ${JSON.stringify(r.errors)}`);
    });
  }

  /** The city again, under `limits`, on its port (the province's file names it). */
  async function cityUnder(limits: Partial<Limits>): Promise<void> {
    await pair.city.close();
    pair.city = await startTestGateway({ platformFile: writeCityFile(pair.work, provincePort), catalogueFiles: [guizhouFixture('city-housing.yaml')], gateway: { port: cityPort, connectedPollMs: 0 }, limits });
  }

  const limitsOf = (figures: ForwardedRead['figures'], over: Partial<Limits> = {}): Partial<Limits> =>
    ({ ...figures, ...over });

  for (const r of asked) {
    it(`${r.what}, asked: runs under the province's limits at ${JSON.stringify(r.figures)}, each one lower refuses it`, async () => {
      await provinceUnder(limitsOf(r.figures));
      expect((await read(r.text)).errors).toBeUndefined();
      for (const b of BOUNDS) {
        await provinceUnder(limitsOf(r.figures, { [b]: r.figures[b] - 1 }));
        const refused = await read(r.text);
        expect(refused.errors?.map((e) => [e.extensions?.code, e.extensions?.limit]), b).toEqual([['QUERY_TOO_COMPLEX', b]]);
      }
    }, 120_000);
  }

  for (const [i, r] of smallestReceivedReads().entries()) {
    it(`${r.what}: runs under the city's limits at ${JSON.stringify(r.figures)}, each one lower refuses it`, async () => {
      await provinceUnder({});
      const text = asked[i].text;
      // The aliases graphql-tools gives `__typename` and the namespace's field count for nothing: the least maxAliases lets it through.
      await cityUnder(limitsOf(r.figures, { maxAliases: 1 }));
      expect((await read(text)).errors).toBeUndefined();
      for (const b of BOUNDS) {
        await cityUnder(limitsOf(r.figures, { [b]: r.figures[b] - 1 }));
        const refused = await read(text);
        expect(refused.data, b).toEqual({ guiyang: null });
        expect(refused.errors?.map((e) => [e.extensions?.code, e.extensions?.limit]), b).toEqual([['QUERY_TOO_COMPLEX', b]]);
      }
    }, 120_000);
  }
});

describe('a platform file whose limits stop every read of or from a connected platform is refused', () => {
  // Guiyang's file, listing its province at an address (the fixture holds a placeholder), with `limits`.
  const city = (limits: object): any => {
    const doc = readDocument(guizhouFixture('city.yaml')) as { connected: { url: string }[] };
    return { ...doc, connected: doc.connected.map((c) => ({ ...c, url: 'http://127.0.0.1:6991' })), limits };
  };
  const alone = (limits: object): any => ({ ...city(limits), connected: [] });

  it('maxDepth 3 with a platform connected: path: message naming the smallest read under a namespace', () => {
    expect(validatePlatform(city({ maxDepth: 3 })).problems).toEqual([{
      path: 'limits.maxDepth',
      message: '3 lets no read of a connected platform through while connected lists platforms: the smallest, a lookup under a namespace, `{ ns { dept { resource(key: "x") { item } } } }`, is 4 levels deep; make it at least 4',
    }]);
    // Without connected platforms it is the least a lookup needs, and accepted.
    expect(validatePlatform(alone({ maxDepth: 3 })).problems).toEqual([]);
    expect(validatePlatform(city({ maxDepth: 4 })).problems).toEqual([]);
  });

  it('maxTokens and maxCost too, on either side: what the platform asks and what it is forwarded', () => {
    // 14 tokens: the own lookup (14) and list (12) run, a list under a namespace needs 15, a forwarded list arrives with 18.
    expect(validatePlatform(city({ maxTokens: 14 })).problems).toEqual([
      { path: 'limits.maxTokens', message: '14 lets no read of a connected platform through while connected lists platforms: the smallest, a list under a namespace, `{ ns { dept { resources { nodes { item } } } } }`, is 15 tokens; make it at least 15' },
      { path: 'limits.maxTokens', message: '14 lets no read a connected platform forwards through while connected lists platforms: the smallest, a list a connected platform forwards, `{ __typename __gqtld0__: dept { resources { nodes { item } } } __gqtld1__: __typename }`, is 18 tokens; make it at least 18' },
    ]);
    expect(validatePlatform(city({ maxTokens: 18 })).problems).toEqual([]);
    expect(validatePlatform(city({ maxCost: 4 })).problems.map((p) => p.message)).toEqual([
      '4 lets no read a connected platform forwards through while connected lists platforms: the smallest, a lookup a connected platform forwards, `{ __typename __gqtld0__: dept { resource(key: "x") { item } } __gqtld1__: __typename }`, is 5 field values; make it at least 5',
    ]);
    for (const limits of [{ maxTokens: 14 }, { maxCost: 4 }, { maxCost: 3 }]) expect(validatePlatform(alone(limits)).problems, JSON.stringify(limits)).toEqual([]);
  });

  it('bounds each letting one read through but together none: one problem on limits', () => {
    // maxDepth 4 lets only lookups under a namespace through (5 for a list), and they need 17 tokens
    // (what arrives forwarded needs 18 at least, said on its own).
    expect(validatePlatform(city({ maxDepth: 4, maxTokens: 16 })).problems).toEqual([expect.objectContaining({ path: 'limits.maxTokens' }), {
      path: 'limits',
      message: 'maxDepth 4, maxTokens 16 and maxCost 200000 together let no read of a connected platform through while connected lists platforms: the smallest need a lookup under a namespace (`{ ns { dept { resource(key: "x") { item } } } }`) 4 deep, 17 tokens, 4 field values; a list under a namespace (`{ ns { dept { resources { nodes { item } } } } }`) 5 deep, 15 tokens, 24 field values; a list of one under a namespace (`{ ns { dept { resources(first: 1) { nodes { item } } } } }`) 5 deep, 20 tokens, 5 field values; raise the bounds that fall short of one of them',
    }].reverse());
    // The platform's own queries stopped already (`limits`, by the check of its own limits): no second
    // problem on `limits`, only the bounds that stop forwarded reads whatever the others.
    expect(validatePlatform(city({ maxDepth: 3, maxTokens: 13 })).problems.map((p) => p.path)).toEqual(['limits', 'limits.maxDepth', 'limits.maxTokens', 'limits.maxTokens']);
    // At each read's figures, both ways: accepted.
    for (const [i, r] of smallestAskedReads().entries()) {
      const received = smallestReceivedReads()[i];
      const at = Object.fromEntries((['maxDepth', 'maxTokens', 'maxCost'] as const).map((b) => [b, Math.max(r.figures[b], received.figures[b])]));
      expect(validatePlatform(city(at)).problems, r.what).toEqual([]);
    }
  });

  describe('by serve', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'govgraph-forwarded-limits-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('refuses it with path: message, no stack trace, and serves nothing', async () => {
      const file = join(dir, 'city.yaml');
      writeFileSync(file, `${readFileSync(guizhouFixture('city.yaml'), 'utf8').replace('PROVINCE_URL', 'http://127.0.0.1:6991')}limits: { maxDepth: 3 }\n`);
      const { env } = storeOfCase(dir, 'serve', file);
      const r = await runGovgraph(['serve', '--port', '0'], { env, timeout: 60_000 });
      expect(r.code).toBe(1);
      const said = r.stdout + r.stderr;
      expect(said).toContain('limits.maxDepth: 3 lets no read of a connected platform through while connected lists platforms: the smallest, a lookup under a namespace, `{ ns { dept { resource(key: "x") { item } } } }`, is 4 levels deep; make it at least 4');
      expect(said).not.toMatch(/\n\s+at /);
    });
  });
});
