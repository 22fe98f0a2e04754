import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalogue, Resource } from '../src/model/catalogue.ts';
import type { Row } from '../src/store/port.ts';
import { DEMO_PLATFORM_FILE, demoCatalogueFiles } from '../src/demo/paths.ts';
import { Rng, generateDemoRecords } from '../src/demo/generate.ts';
import { validateRecord } from '../src/records/validate.ts';
import { isValidCreditCode, isValidIdCard } from '../src/formats/index.ts';
import { validatePlatform } from '../src/catalogue/platform.ts';
import { validateCatalogues } from '../src/catalogue/validate.ts';

const docs = demoCatalogueFiles().map((f) => parse(readFileSync(f, 'utf8')) as Catalogue);
const resources: Resource[] = docs.flatMap((c) => c.resources);
const byCode = new Map(resources.map((r) => [r.code, r]));
let records: Map<string, Row[]>;

beforeAll(() => {
  records = generateDemoRecords();
});

describe('demo documents', () => {
  it('the platform and every catalogue are valid', () => {
    const { platform, problems } = validatePlatform(parse(readFileSync(DEMO_PLATFORM_FILE, 'utf8')));
    expect(problems).toEqual([]);
    expect(validateCatalogues(docs, platform!, []).map((r) => r.problems)).toEqual(docs.map(() => []));
  });

  it('cover every share type, every method, an api-less resource and each mask', () => {
    expect(new Set(resources.map((r) => r.share.type))).toEqual(new Set(['unconditional', 'conditional', 'none']));
    expect(new Set(resources.flatMap((r) => r.share.methods ?? [])))
      .toEqual(new Set(['api', 'system-integration', 'online-query', 'download', 'copy', 'other']));
    expect(resources.filter((r) => !r.share.methods?.includes('api')).map((r) => r.code))
      .toEqual(['430000-ZRZYT-00001', '430000-GA-00002']);
    const items = resources.flatMap((r) => r.items);
    expect(new Set(items.flatMap((i) => (i.mask ? [i.mask] : [])))).toEqual(new Set(['idcard', 'name', 'phone', 'partial', 'full']));
    expect(items.some((i) => i.sensitivity === 'secret')).toBe(true);
    expect(resources.length).toBeGreaterThanOrEqual(10);
  });
});

describe('demo records', () => {
  it('has a record set for every demo resource, with 10,000 people and 2,000 enterprises', () => {
    expect([...records.keys()].sort()).toEqual(resources.map((r) => r.code).sort());
    expect(records.get('430000-GA-00001')!.length).toBe(10_000);
    expect(records.get('430000-SCJG-00001')!.length).toBe(2_000);
    for (const rows of records.values()) expect(rows.length).toBeGreaterThan(100);
  });

  it('every row passes validateRecord unchanged, and keys are unique', () => {
    for (const [code, rows] of records) {
      const resource = byCode.get(code)!;
      const keys = new Set<unknown>();
      const problems: string[] = [];
      rows.forEach((row, i) => {
        const v = validateRecord(resource, row, i + 1);
        problems.push(...v.problems);
        if (v.row) expect(v.row).toEqual(row);
        keys.add(row[resource.key]);
      });
      expect({ code, problems: problems.slice(0, 5) }).toEqual({ code, problems: [] });
      expect(keys.size).toBe(rows.length);
    }
  });

  it('ID numbers and credit codes carry valid check characters', () => {
    const people = records.get('430000-GA-00001')!;
    expect(people.filter((p) => !isValidIdCard(String(p.idNumber)))).toEqual([]);
    const enterprises = records.get('430000-SCJG-00001')!;
    expect(enterprises.filter((e) => !isValidCreditCode(String(e.creditCode)))).toEqual([]);
  });

  it('every link resolves to a generated record', () => {
    for (const resource of resources) {
      for (const item of resource.items) {
        if (!item.link) continue;
        const targets = new Set(records.get(item.link.resource)!.map((r) => r[item.link!.item]));
        const values = records.get(resource.code)!.map((r) => r[item.name]).filter((v) => v !== null);
        expect(values.length, `${resource.code}.${item.name}`).toBeGreaterThan(0);
        expect(values.filter((v) => !targets.has(v)), `${resource.code}.${item.name}`).toEqual([]);
      }
    }
  });

  it('is deterministic', () => {
    const again = generateDemoRecords();
    for (const [code, rows] of records) expect(again.get(code)).toEqual(rows);
    const small = generateDemoRecords({ seed: 7, people: 200, enterprises: 40 });
    expect(generateDemoRecords({ seed: 7, people: 200, enterprises: 40 })).toEqual(small);
    expect(small.get('430000-GA-00001')![0]).not.toEqual(generateDemoRecords({ seed: 8, people: 200, enterprises: 40 }).get('430000-GA-00001')![0]);
  });

  it('the PRNG is a fixed sequence', () => {
    const rng = new Rng(1);
    expect([rng.next(), rng.next(), rng.int(1, 6)]).toEqual([0.6270739405881613, 0.002735721180215478, 4]);
  });
});
