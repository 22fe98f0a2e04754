// A resource code that no catalogue here publishes may be one of a connected platform's (SPEC §12): the
// data a department reads under `Query.<namespace>` carries that platform's codes (in errors'
// `extensions.resource`, in descriptions), so a developer who reads a city's records through the
// province and doubts one, or wants a conditional resource of it, names the city's code to the province's
// raiseObjection or requestSharing. "No published resource" sent them to the province's catalogues, where
// it is not; these say whose it is and where it goes (docs/workflow.md). So for an operator's `grant add`
// to a department of a connected platform: it holds no grant here (docs/access-rules.md).
import { regionPrefix } from './row-scope.ts';
import type { ConnectedPlatform, Platform } from '../model/platform.ts';

/**
 * The connected platform whose region the code's division (before its first `-`) lies within, the most
 * specific one; none when this platform's own region is more specific still (a city's mistyped code of its
 * own lies within its province's region too, but is the city's).
 */
export function connectedPlatformOfCode(platform: Platform, code: string): ConnectedPlatform | undefined {
  const division = code.trim().split('-')[0];
  if (!/^[0-9]{6}$/.test(division)) return undefined;
  const prefixOf = (region: string) => (division.startsWith(regionPrefix(region)) ? regionPrefix(region).length : -1);
  let best: ConnectedPlatform | undefined;
  for (const c of platform.connected ?? []) if (prefixOf(c.region) > (best ? prefixOf(best.region) : -1)) best = c;
  return best && prefixOf(best.region) > prefixOf(platform.platform.region) ? best : undefined;
}

/** "No published resource CODE" for a workflow action, naming the connected platform the code is of, if any. */
export function noPublishedResource(platform: Platform, code: string, action: 'objection' | 'sharing'): string {
  const c = connectedPlatformOfCode(platform, code);
  if (!c) return `No published resource ${code}; the catalogues query lists them.`;
  const what = action === 'objection'
    ? 'objections to its records are raised there, by its own departments'
    : 'its conditional resources are shared by grants it gives its own departments';
  return `No published resource ${code} on this platform: the code is of the region of the connected platform ${c.name} (${c.region}), whose data is read under ${c.namespace} and stays its own; ${what}, not through this platform.`;
}

/** "No department CODE on the platform" for a grant's requester, naming the connected platform the code is of, if any. */
export function noDepartment(platform: Platform, code: string): string {
  const c = connectedPlatformOfCode(platform, code);
  if (!c) return `No department ${JSON.stringify(code)} on the platform.`;
  return `No department ${JSON.stringify(code)} on the platform: the code is of the region of the connected platform ${c.name} (${c.region}); grants here are for this platform's own departments, and one whose requests that platform forwards holds none here (its grants are that platform's to give).`;
}
