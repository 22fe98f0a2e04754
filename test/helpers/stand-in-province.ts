import type { ConnectedPlatform, Department, Platform } from '../../src/model/platform.ts';

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
