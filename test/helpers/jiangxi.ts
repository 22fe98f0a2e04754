// A Jiangxi platform of the tests' own (360000; no demo department, code or name): the province's big data
// bureau (the competent department), its public security and civil affairs departments, Nanchang's police.
// Public security provides `resources` conditional resources in catalogue JX-GAT; civil affairs one in
// JX-MZT; publishHistory adds catalogues of the big data bureau, each published many times, as history.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { addVersion, markPublished } from '../../src/catalogue/repository.ts';
import type { Catalogue, Resource } from '../../src/model/catalogue.ts';
import type { Store } from '../../src/store/port.ts';

export const JX = { supervisor: '360000-DSJ', police: '360000-GAT', civil: '360000-MZT', city: '360100-GAJ', commerce: '360000-SWT' } as const;

export function writeJiangxiPlatform(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'jiangxi.yaml');
  writeFileSync(file, stringify({
    platform: { region: '360000', level: 'province', name: 'Jiangxi test platform', competentDepartment: JX.supervisor },
    purposes: [{ code: 'household-checks', name: 'Household checks' }],
    departments: [
      { code: JX.supervisor, name: 'Big Data Bureau', graphqlName: 'jxData', level: 'province', region: '360000' },
      { code: JX.police, name: 'Public Security', graphqlName: 'jxPolice', level: 'province', region: '360000' },
      { code: JX.civil, name: 'Civil Affairs', graphqlName: 'jxCivil', level: 'province', region: '360000' },
      { code: JX.city, name: 'Nanchang Police', graphqlName: 'ncPolice', level: 'city', region: '360100' },
      { code: JX.commerce, name: 'Commerce', graphqlName: 'jxCommerce', level: 'province', region: '360000' },
    ],
    connected: [],
  }));
  return file;
}

export function jiangxiResource(code: string, provider: string, n: string): Resource {
  return {
    code,
    name: `Register ${n}`,
    provider,
    graphql: { type: `Register${n}`, list: `registers${n}`, byKey: `register${n}` },
    key: 'householdNo',
    share: { type: 'conditional', conditions: 'Under a sharing grant', basis: 'Provincial rules, Art. 3', methods: ['api'], scope: { purposes: ['household-checks'] } },
    items: [
      { name: 'householdNo', type: 'string', required: true },
      { name: 'head', type: 'string' },
    ],
  } as Resource;
}

/** The catalogues of the platform: JX-GAT (`resources` of public security), JX-MZT (one of civil affairs). */
export function jiangxiCatalogues(resources = 2): Catalogue[] {
  return [
    {
      id: 'JX-GAT', kind: 'departmental', title: 'Public security', compiler: JX.police,
      resources: Array.from({ length: resources }, (_, i) => jiangxiResource(`${JX.police}-${String(i + 1).padStart(5, '0')}`, JX.police, `P${i}`)),
    },
    { id: 'JX-MZT', kind: 'departmental', title: 'Civil affairs', compiler: JX.civil, resources: [jiangxiResource(`${JX.civil}-00001`, JX.civil, 'C0')] },
  ] as Catalogue[];
}

/** Catalogues of the big data bureau, each published `versions` times, as history (every version in the store). */
export async function publishHistory(store: Store, catalogues: number, versions: number): Promise<void> {
  for (let c = 0; c < catalogues; c++) {
    for (let v = 0; v < versions; v++) {
      const catalogue = {
        id: `JX-HIST${c}`, kind: 'departmental', title: `History ${c}`, compiler: JX.supervisor,
        resources: Array.from({ length: 20 }, (_, r) => ({
          ...jiangxiResource(`${JX.supervisor}-${String(c * 100 + r).padStart(5, '0')}`, JX.supervisor, `H${c}x${r}`),
          share: { type: 'unconditional', methods: ['api'] },
          items: Array.from({ length: 20 }, (_, k) => ({ name: k === 0 ? 'householdNo' : `item${k}v${v}`, type: 'string', ...(k === 0 ? { required: true } : {}) })),
        })),
      } as Catalogue;
      const added = await addVersion(store, catalogue, 'operator', 'approved');
      if (!(await markPublished(store, catalogue.id, added.version))) throw new Error(`${catalogue.id} version ${added.version} was not published`);
    }
  }
}
