// Problems found in a platform file or a catalogue document: each names where (a path such as
// `resources[0].items[3].link.item`) and what is wrong, in a sentence a department developer can act on.

export interface Problem {
  path: string;
  message: string;
}

/** A document refused whole: `problems` lists every problem; the message summarises and lists them. */
export class DocumentInvalidError extends Error {
  readonly problems: Problem[];
  /** Commands print the message without a stack trace. */
  readonly userFacing = true;

  constructor(problems: Problem[], subject = 'the document') {
    super(summarise(subject, problems));
    this.name = 'DocumentInvalidError';
    this.problems = problems;
  }
}

function summarise(subject: string, problems: Problem[]): string {
  const n = problems.length;
  const head = `${subject} is invalid (${n} problem${n === 1 ? '' : 's'})`;
  return [head + ':', ...problems.map((p) => '  ' + formatProblem(p))].join('\n');
}

/** `path: message`, or the message alone for a problem about the whole document. */
export function formatProblem(p: Problem): string {
  return p.path ? `${p.path}: ${p.message}` : p.message;
}

/**
 * Prefixes every path with the document it is about: `cat.yaml` + `resources[0].code` gives
 * `cat.yaml: resources[0].code`. A path that already starts with the prefix (a syntax error's
 * `cat.yaml:3:5`) is kept.
 */
export function prefixProblems(prefix: string, problems: readonly Problem[]): Problem[] {
  return problems.map((p) => ({
    path: !p.path ? prefix : p.path.startsWith(prefix) ? p.path : `${prefix}: ${p.path}`,
    message: p.message,
  }));
}
