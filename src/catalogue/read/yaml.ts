// YAML documents (parse.ts): one or several a file, merge keys read as YAML 1.1 reads them, sizes and
// aliases checked before the documents are built.

import { Composer, Parser, type CST } from 'yaml';
import { DocumentInvalidError, type Problem } from '../problems.ts';
import { refusedKeyProblems, illFormedTextProblems } from './texts.ts';
import { oversized } from './yaml-sizes.ts';
import { MAX_ALIASES, recursiveAlias } from './yaml-aliases.ts';
import { collectionKey } from './yaml-keys.ts';
import { badMergeSource } from './yaml-merges.ts';
import { lineCol } from './positions.ts';

/** How many alias uses a YAML document may resolve. */
export const MAX_ALIAS_COUNT = 100;

export function parseYaml(text: string, file: string): unknown[] {
  // Merge keys (`<<: *common`) as YAML 1.1 and most tools read them, so that a compiler may write a share or
  // an item's settings once: without them `<<` was a key of its own, refused as no field of a catalogue.
  // Their aliases count towards MAX_ALIAS_COUNT as every other alias does.
  // Parsed in two steps (what parseAllDocuments does), so that the syntax tree's sizes are checked before
  // the documents are built from it (oversized): building checks each mapping's keys against the ones
  // before (quadratic), and is most of the time a catalogue of 10,000 resources took to be refused.
  const tokens = [...new Parser().parse(text)];
  const tooBig = tokens.filter((t): t is CST.Document => t.type === 'document').flatMap((doc, i, docs) =>
    oversized(doc).map((p) => ({ path: `${file}${docs.length > 1 ? ` (document ${i + 1})` : ''}: ${p.path}`, message: p.message })),
  );
  if (tooBig.length) throw new DocumentInvalidError(tooBig, file);
  const list = [...new Composer({ prettyErrors: false, uniqueKeys: true, merge: true }).compose(tokens)];
  const problems: Problem[] = [];
  for (const doc of list) {
    for (const err of doc.errors) {
      const [line, col] = err.linePos ? [err.linePos[0].line, err.linePos[0].col] : lineCol(text, err.pos[0]);
      problems.push({ path: `${file}:${line}:${col}`, message: `YAML syntax error: ${firstLine(err.message)}` });
    }
  }
  for (const [i, doc] of list.entries()) {
    const alias = recursiveAlias(doc);
    if (alias && 'aliases' in alias) {
      const where = list.length > 1 ? ` (document ${i + 1})` : '';
      problems.push({ path: `${file}${where}`, message: `YAML aliases: the document uses ${alias.aliases}; at most ${MAX_ALIASES} allowed (write the values out, or use fewer anchors)` });
    } else if (alias) {
      const [line, col] = lineCol(text, alias.offset);
      problems.push({
        path: `${file}:${line}:${col}`,
        message: `YAML alias *${alias.name} stands inside the node it names, so the value would contain itself; write the value out instead`,
      });
    }
  }
  for (const doc of list) {
    const merge = badMergeSource(doc);
    if (!merge) continue;
    const [line, col] = lineCol(text, merge.offset);
    problems.push({ path: `${file}:${line}:${col}`, message: `a merge key << takes a mapping or an alias of one (<<: *common, where &common names a mapping), not ${merge.what}` });
  }
  for (const doc of list) {
    const at = collectionKey(doc);
    if (at === undefined) continue;
    const [line, col] = lineCol(text, at);
    problems.push({ path: `${file}:${line}:${col}`, message: 'a key that is a list or a mapping; a key is a name, such as title' });
  }
  if (problems.length) throw new DocumentInvalidError(problems, file);
  const docs = list
    .filter((d) => d.contents !== null)
    .map((d, i) => {
      try {
        return d.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown;
      } catch (err) {
        // The yaml library's only refusal here: aliases that expand past the count (an alias bomb); a merge
        // source that is no mapping, its other one, is refused above (badMergeSource).
        const where = list.length > 1 ? ` (document ${i + 1})` : '';
        const message = `YAML aliases expand too much (more than ${MAX_ALIAS_COUNT} uses of an alias): ${(err as Error).message}`;
        throw new DocumentInvalidError([{ path: `${file}${where}`, message }], file);
      }
    });
  const refused = docs.flatMap((doc, i) =>
    [...refusedKeyProblems(doc), ...illFormedTextProblems(doc)].map((p) => ({ path: `${file}${docs.length > 1 ? ` (document ${i + 1})` : ''}: ${p.path}`, message: p.message })),
  );
  if (refused.length) throw new DocumentInvalidError(refused, file);
  return docs;
}

function firstLine(s: string): string {
  return s.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}
