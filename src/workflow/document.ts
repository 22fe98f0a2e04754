// A submitted catalogue document's text, parsed (YAML or JSON, one catalogue). Pure: the workflow runs it
// on the worker thread of off-thread.ts (parsing a catalogue at the bounds, about a megabyte, held the
// event loop for a second), and the worker calls it here.
import { DocumentInvalidError, type Problem } from '../catalogue/problems.ts';
import { parseDocuments } from '../catalogue/read/parse.ts';
import { WorkflowError, listProblems } from './errors.ts';

export function invalid(head: string, problems: Problem[]): WorkflowError {
  return new WorkflowError('CATALOGUE_INVALID', listProblems(head, problems), problems);
}

/**
 * The one document of `text` (YAML or JSON); CATALOGUE_INVALID when it does not parse or holds several.
 * `source` names it in a parse error's place (`police.yaml:2:1`): the file a command read, else `document`.
 */
export function parseCatalogueText(text: string, source?: string): unknown {
  let docs: unknown[];
  try {
    docs = parseDocuments(text, source ?? 'document');
  } catch (err) {
    if (err instanceof DocumentInvalidError) throw invalid('The document does not parse:', err.problems);
    throw err;
  }
  if (docs.length !== 1) {
    // Named by its file when it has one (`catalogue submit empty.yaml` said only `  is empty`).
    throw invalid('The document is refused:', [{ path: source ?? '', message: docs.length ? `holds ${docs.length} documents; submit one catalogue at a time` : source ? 'holds no catalogue' : 'is empty' }]);
  }
  return docs[0];
}
