// Reading platform files and catalogue documents: YAML (one or several documents separated by ---) or
// JSON. A syntax error becomes a DocumentInvalidError whose problem path is `FILE:LINE:COLUMN`.
//
// Whatever the bytes, reading ends in documents or problems, never in an exception: text that is not
// UTF-8 is refused at its line (never read with U+FFFD in place of the bad bytes), nesting deeper than
// MAX_NESTING is refused before a parser recurses into it, YAML aliases that would expand past
// MAX_ALIAS_COUNT (an alias bomb), or more than MAX_ALIASES of them in all, are refused while the document
// is built, and so is an alias inside the node it names (`&a [*a]`: a value that contains itself, which every later walk would follow forever).

import { DocumentInvalidError } from '../problems.ts';
import { MAX_NESTING, tooDeep } from './depth.ts';
import { parseYaml } from './yaml.ts';
import { parseJson } from './json.ts';

/** Parses text as JSON when the file name ends in .json, as YAML otherwise. */
export function parseDocuments(text: string, file: string): unknown[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const json = /\.json$/i.test(file);
  const deep = tooDeep(text, !json);
  if (deep) {
    throw new DocumentInvalidError([{ path: `${file}:${deep.line}:${deep.col}`, message: `nests more than ${MAX_NESTING} levels deep` }], file);
  }
  return json ? [parseJson(text, file)] : parseYaml(text, file);
}
