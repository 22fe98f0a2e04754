// A Sichuan platform of the tests' own (no demo department, code or name): the province's big data
// centre (the competent department), its public security department and Chengdu's police, and whatever
// departments a test adds.
import { fileURLToPath } from 'node:url';
import { validatePlatform } from '../../src/catalogue/platform.ts';
import type { Platform } from '../../src/model/platform.ts';
import { startTestGateway, type TestGateway } from './gateway.ts';

type DepartmentDoc = { code: string; name: string; graphqlName: string; level: string; region: string };

/** The platform file's document, named `name`, with `more` departments. */
export function sichuanPlatformDoc(name: string, more: DepartmentDoc[] = []) {
  return {
    platform: { region: '510000', level: 'province', name, competentDepartment: '510000-DSJ' },
    purposes: [{ code: 'licensing', name: 'Licensing' }],
    departments: [
      { code: '510000-DSJ', name: 'Big Data Centre', graphqlName: 'scData', level: 'province', region: '510000' },
      { code: '510000-GAT', name: 'Public Security', graphqlName: 'scPolice', level: 'province', region: '510000' },
      { code: '510100-GAJ', name: 'Chengdu Police', graphqlName: 'cdPolice', level: 'city', region: '510100' },
      ...more,
    ],
    connected: [],
  };
}

/** The platform itself; a document the platform checks refuse fails the test at once. */
export function sichuanPlatform(name: string, more: DepartmentDoc[] = []): Platform {
  const { platform, problems } = validatePlatform(sichuanPlatformDoc(name, more));
  if (!platform) throw new Error(`the test platform is refused: ${JSON.stringify(problems)}`);
  return platform;
}

/** test/fixtures/sichuan's files, by name. */
export const sichuanFixture = (file: string): string => fileURLToPath(new URL(`../fixtures/sichuan/${file}`, import.meta.url));

/**
 * test/fixtures/sichuan's platform with its two catalogues (vehicles, blood) published, as a test
 * gateway; `opts` as startTestGateway takes them.
 */
export const startSichuanGateway = (opts: Omit<Parameters<typeof startTestGateway>[0] & object, 'platformFile' | 'catalogueFiles'> = {}): Promise<TestGateway> =>
  startTestGateway({ platformFile: sichuanFixture('platform.yaml'), catalogueFiles: [sichuanFixture('vehicles.yaml'), sichuanFixture('blood.yaml')], ...opts });
