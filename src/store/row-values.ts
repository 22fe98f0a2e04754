// Reading values back from flat store rows, where lists are kept as JSON strings.

/** A nullable text column. */
export const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** A list of strings kept as JSON text. */
export const strings = (v: unknown): string[] => (typeof v === 'string' && v ? (JSON.parse(v) as string[]) : []);
