// Checks of a platform file beyond its JSON Schema: each a named function yielding problems; the list
// `platformChecks` is applied in order by validatePlatform.
// The checks, one family a file, in platform/: departments and purposes (departments.ts), connected
// platforms (connected.ts), how the gateway serves (serving.ts), the names people read (names.ts), the
// document limits that must let a data query through (limits.ts), and a connected platform's reads
// both ways (forwarded-limits.ts).
import type { Platform } from '../../model/platform.ts';
import type { Problem } from '../problems.ts';
import { competentDepartmentExists, departmentCodesUnique, departmentRegionsOfTheirLevels, graphqlNamesNotPlatformFields, graphqlNamesUnique, platformRegionOfItsLevel, purposeCodesUnique, purposesListed } from './platform/departments.ts';
import { connectedNamespacesFree, connectedRegionsRelated, connectedRegionsUnique, connectedUrlsUnique, connectedUrlsUsable } from './platform/connected.ts';
import { corsOriginsAreOrigins, drainDelayWithinShutdown, requiredDocumentsHaveManifests } from './platform/serving.ts';
import { namesDistinct, namesShown } from './platform/names.ts';
import { limitsLetDataQueriesThrough } from './platform/limits.ts';
import { limitsLetForwardedReadsThrough } from './platform/forwarded-limits.ts';

type PlatformCheck = (p: Platform) => Iterable<Problem>;

export const platformChecks: readonly PlatformCheck[] = [
  platformRegionOfItsLevel,
  departmentRegionsOfTheirLevels,
  departmentCodesUnique,
  graphqlNamesUnique,
  graphqlNamesNotPlatformFields,
  competentDepartmentExists,
  purposesListed,
  purposeCodesUnique,
  connectedNamespacesFree,
  connectedRegionsRelated,
  connectedRegionsUnique,
  connectedUrlsUsable,
  connectedUrlsUnique,
  drainDelayWithinShutdown,
  corsOriginsAreOrigins,
  requiredDocumentsHaveManifests,
  limitsLetDataQueriesThrough,
  limitsLetForwardedReadsThrough,
  namesShown,
  namesDistinct,
];
