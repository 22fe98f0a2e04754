// A platform file given where a catalogue is expected (`catalogue validate platform.yaml`), or a catalogue
// given with --platform, is an easy mistake; the JSON Schema then listed every required field missing and
// every field unknown, without saying what had happened. A document that fails its schema and carries a
// field only the other kind has is said to be that kind, in one problem about the whole document.
import type { Problem } from './problems.ts';

type SchemaName = 'platform.schema.json' | 'catalogue.schema.json';

interface DocumentKind {
  schema: SchemaName;
  /** As a message names it: `a platform file`. */
  name: string;
  /** Top-level fields that this kind requires and the other kind has not. */
  marks: readonly string[];
  /** What to do with a document of this kind given in the other's place. */
  giveIt: string;
}

const KINDS: readonly DocumentKind[] = [
  { schema: 'platform.schema.json', name: 'a platform file', marks: ['departments', 'purposes'], giveIt: 'the platform file goes with --platform' },
  { schema: 'catalogue.schema.json', name: 'a catalogue', marks: ['resources'], giveIt: 'catalogues go as the arguments of catalogue validate or import' },
];

const fieldOf = (doc: Record<string, unknown>, marks: readonly string[]) => marks.find((m) => Object.prototype.hasOwnProperty.call(doc, m));

/**
 * The one problem to report when `doc`, checked against `schema`, is a document of another kind (it lacks
 * every mark of the expected kind and has one of the other's); undefined otherwise.
 */
export function otherKindProblem(schema: SchemaName, doc: unknown): Problem | undefined {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
  const fields = doc as Record<string, unknown>;
  const expected = KINDS.find((k) => k.schema === schema);
  if (!expected || fieldOf(fields, expected.marks)) return undefined;
  for (const other of KINDS) {
    const mark = other === expected ? undefined : fieldOf(fields, other.marks);
    if (mark) return { path: '', message: `this is ${other.name}, not ${expected.name} (it has ${mark}:); ${other.giveIt}` };
  }
  return undefined;
}
