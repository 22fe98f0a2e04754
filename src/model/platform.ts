// The platform file (SPEC §3) as the rest of the code sees it after validation.

export type Level = 'province' | 'city' | 'county';
export const LEVELS: readonly Level[] = ['province', 'city', 'county'];

export interface Department {
  code: string; // e.g. "430000-GA"
  name: string;
  graphqlName: string; // field of Query holding the department's resources
  level: Level;
  region: string; // administrative division code
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
}

export interface Platform {
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
  limits?: { maxRequestBytes?: number };
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

export function deadlinesOf(p: Platform): Deadlines {
  return { ...DEFAULT_DEADLINES, ...p.deadlines };
}

/** How `govgraph serve` answers HTTP (the platform file's `server`). */
export interface ServerSettings {
  corsOrigins?: string[];
  graphiql?: boolean;
  introspection?: boolean;
  drainDelayMs?: number;
  shutdownTimeoutMs?: number;
}

export const DEFAULT_MAX_REQUEST_BYTES = 1_048_576;
export const DEFAULT_DRAIN_DELAY_MS = 5000;
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000;

export const DEFAULT_MAX_PAGE_SIZE = 1000;

export function maxPageSize(p: Platform): number {
  return p.platform.maxPageSize ?? DEFAULT_MAX_PAGE_SIZE;
}

export function departmentByCode(p: Platform, code: string): Department | undefined {
  return p.departments.find((d) => d.code === code);
}
