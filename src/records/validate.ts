// Record validation (SPEC §4, §11): one input record (a JSON object, or a CSV row of strings) becomes a
// store row by the port's conventions (src/store/port.ts), or a list of problems naming the line, the item
// and what was expected, e.g. `line 7: birthDate: "1990-02-30" is not a date (YYYY-MM-DD)`.
//
// Each item type is one named converter in TYPES; after conversion, the checks in CHECKS (required,
// length, format, pattern) apply in order. Every item of the resource appears in the row, null when the
// record has no value for it, so that an upsert replaces a record whole.
//
// The parts, in validate/: the converters of TYPES (conversions.ts), the checks of CHECKS and the row
// scope's (checks.ts), a link item's value checked as the item it links to holds its (links.ts), a value as
// messages show it (show.ts), a record validated (record.ts). This path is kept for the tests that import it.
export { compiledPattern, keptPatterns, PATTERN_CHARS_KEPT, PATTERNS_KEPT } from './validate/checks.ts';
export { validateRecord } from './validate/record.ts';
