import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
