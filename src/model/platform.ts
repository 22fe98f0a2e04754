// The platform file (SPEC §3) as the rest of the code sees it after validation.

export type Level = 'province' | 'city' | 'county';
export const LEVELS: readonly Level[] = ['province', 'city', 'county'];

export interface Department {
  code: string; // e.g. "430000-GA"
  name: string;
  graphqlName: string; // field of Query holding the department's resources
  level: Level;
  region: string; // administrative division code
  /**
   * A department of a connected platform whose request that platform forwarded (SPEC §12): its region. It
   * holds no grant here: grants are this platform's, given to its own departments (src/access/grant-model.ts).
   */
  via?: string;
}

export interface Purpose {
  code: string;
  name: string;
}

export interface ConnectedPlatform {
  region: string;
  name: string;
  url: string;
  namespace: string;
  /** How long a request to it may take, ms (default 5000). */
  timeoutMs?: number;
}

/** The base url of a connected platform: its `url` without a trailing `/graphql`. */
export function platformBase(c: ConnectedPlatform): string {
  return c.url.replace(/\/+$/, '').replace(/\/graphql$/, '');
}

/** A token bucket: `requests` at once, refilled at `requests` per `perMs` (SPEC §13). */
export interface RateBucket {
  requests: number;
  perMs: number;
}

/** The limits of SPEC §13, every key filled in (defaults in DEFAULT_LIMITS). */
export interface Limits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxCost: number;
  maxRequestBytes: number;
  timeoutMs: number;
  /**
   * Data queries of one department executing at once on one gateway; the others wait their turn within
   * their time limit (src/limits/turns.ts).
   */
  concurrentPerDepartment: number;
  /** Filters (issue 9): conditions in one filter argument, nesting of and/or, values of one `in`. */
  filter: { maxConditions: number; maxDepth: number; maxInValues: number };
  /**
   * null: no bucket of that kind (`perPlatform` absent: none either). `perPlatform` holds the requests
   * forwarded by one connected platform (SPEC §12), whatever department they name: its departments' codes
   * are its own, each with its own bucket, so only this one bounds a platform that makes codes up.
   */
  rate: { perDepartment: RateBucket | null; perUser: RateBucket | null; perPlatform?: RateBucket | null };
  /** Values compared with a masked item (issue 8): `in` size, and a quota per department and resource. */
  maskedProbes: { maxIn: number; perHour: number; perDay: number };
}

export type TrustMode = 'off' | 'log' | 'require';

export interface TrustedDocuments {
  mode: TrustMode;
  /** graphql-codegen client preset manifests (persisted-documents.json), relative to the platform file. */
  manifests: string[];
}

export const DEFAULT_MAX_REQUEST_BYTES = 1_048_576;

export const DEFAULT_LIMITS: Limits = {
  maxDepth: 15,
  maxAliases: 30,
  maxTokens: 4000,
  maxCost: 200_000,
  maxRequestBytes: DEFAULT_MAX_REQUEST_BYTES,
  timeoutMs: 15_000,
  concurrentPerDepartment: 4,
  filter: { maxConditions: 50, maxDepth: 5, maxInValues: 10_000 },
  rate: {
    perDepartment: { requests: 1200, perMs: 60_000 },
    perUser: { requests: 300, perMs: 60_000 },
    // Ten busy departments' worth: a city forwards for many, but not for codes made up without end.
    perPlatform: { requests: 12_000, perMs: 60_000 },
  },
  maskedProbes: { maxIn: 20, perHour: 100, perDay: 500 },
};

export const DEFAULT_CONNECTED_TIMEOUT_MS = 5000;

export interface Platform {
  /** Filled in by loadPlatform; read through limitsOf. */
  limits?: Limits;
  trustedDocuments?: TrustedDocuments;
  platform: {
    region: string;
    level: Level;
    name: string;
    competentDepartment: string;
    holidays: string[]; // ISO dates
    maxPageSize?: number; // `first` maximum, default 1000
  };
  purposes: Purpose[];
  departments: Department[];
  connected: ConnectedPlatform[];
  server?: ServerSettings;
  /** Working days allowed for answers of the data-quality workflow (SPEC §14); see deadlinesOf. */
  deadlines?: Partial<Deadlines>;
}

export interface Deadlines {
  /** The provider answers an objection within this many working days (default 5). */
  objectionDays: number;
  /** The provider answers a demand within this many working days (default 10). */
  demandDays: number;
}

export const DEFAULT_DEADLINES: Deadlines = { objectionDays: 5, demandDays: 10 };

export function deadlinesOf(p: Pick<Platform, 'deadlines'>): Deadlines {
  return { ...DEFAULT_DEADLINES, ...p.deadlines };
}

/** How `govgraph serve` answers HTTP (the platform file's `server`). */
export interface ServerSettings {
  corsOrigins?: string[];
  graphiql?: boolean;
  introspection?: boolean;
  drainDelayMs?: number;
  shutdownTimeoutMs?: number;
  /** How long a client may send none of its request body, or take none of its answer, before it is cut off. */
  clientIdleMs?: number;
}

export const DEFAULT_DRAIN_DELAY_MS = 5000;
export const DEFAULT_CLIENT_IDLE_MS = 30_000;
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000;

/** The last part of shutdownTimeoutMs a drain keeps for closing what is still open (1 s, a tenth at most). */
export const closingMs = (shutdownTimeoutMs: number): number => Math.min(1000, shutdownTimeoutMs / 10);

export const DEFAULT_MAX_PAGE_SIZE = 1000;

export function maxPageSize(p: Platform): number {
  return p.platform.maxPageSize ?? DEFAULT_MAX_PAGE_SIZE;
}

/** The audit log's page when `first` is left out, before the platform's maximum (schema/platform.graphql writes it). */
export const AUDIT_PAGE = 50;

/** The page of a list whose query leaves `first` out: 20, or the platform's maximum when that is smaller. */
export function defaultPageSize(p: Platform, page = 20): number {
  return Math.min(page, maxPageSize(p));
}

export const limitsOf = (p: Platform): Limits => p.limits ?? DEFAULT_LIMITS;

export const trustedDocumentsOf = (p: Platform): TrustedDocuments => p.trustedDocuments ?? { mode: 'off', manifests: [] };

export function departmentByCode(p: Platform, code: string): Department | undefined {
  return p.departments.find((d) => d.code === code);
}

/**
 * A department code given to a filter, as the platform lists it: a listed department's code in another
 * case (or with blanks around it) is that department's, as resource codes are found in any case; any
 * other code is kept as given (a department the platform no longer lists still has its entries and grants).
 * Tokens and `--dept` name a department exactly: those act, a filter only finds.
 */
export function listedDepartmentCode(p: Platform, code: string): string {
  const trimmed = code.trim();
  if (departmentByCode(p, trimmed)) return trimmed;
  const key = trimmed.toLowerCase();
  return p.departments.find((d) => d.code.toLowerCase() === key)?.code ?? code;
}
