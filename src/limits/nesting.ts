// How deeply a document nests, fragments followed, read from its text before Apollo parses or validates
// it. graphql-armor's depth rule, graphql's NoFragmentCyclesRule, our own cycle check (fragment-cycles.ts) and
// the turns' walk (turns.ts) recurse once per level of selection set and once per fragment spread: with
// maxTokens raised, `{ ...F0 } fragment F0 on T { ...F1 } … fragment F1999 on T { f }` (96 KB) ran
// them out of stack, and an error thrown inside Apollo's validation is a bare 500, before formatError
// can word it. So the document is refused here, from the request's context (request-context.ts), with
// its figure: a loop over its tokens and over its fragments, no recursion on the input.
import { Lexer, Source, TokenKind, type GraphQLError } from 'graphql';
import { tooComplex } from './too-complex.ts';

/**
 * The levels a document may nest, counting each selection set (and object value) and each fragment
 * spread: fixed, not a key of the platform file. The walks were shown to follow about 3,000 (a chain of
 * 2,000 fragments, 1,000 fragments each nesting `ofType`, inline fragments 1,500 deep: nesting 4,000 to
 * 4,500 ran them out of stack), so half of it leaves room; a query at the highest maxDepth (1,000) nests
 * 1,000. Within it, maxDepth and the other limits refuse a document with their own figures.
 */
const NESTING_CEILING = 1500;
/** How the bound is named in a refusal. */
const NESTING_LIMIT = 'maxNesting';

/** A definition of the document: how deep its own braces go, and the fragments it spreads at which depth. */
interface Definition {
  deepest: number;
  spreads: { name: string; depth: number }[];
}

/**
 * The document's nesting, fragments followed: for each definition, its deepest brace, or a spread's
 * depth plus one plus the nesting of the fragment it spreads, whichever is more; the most of any
 * definition (graphql's rules walk unused fragments too). Counts past `most` are not exact. In a document
 * whose fragments spread each other in a cycle (refused by graphql's own rule, but walked by the rules
 * beside it), the walks follow every path of spreads: there the figure is the document's braces and
 * spreads together, which no path is longer than. Undefined for a text that does not lex (graphql
 * refuses it as it parses).
 */
export function documentNesting(text: string, most = Infinity): number | undefined {
  // Most documents hold fewer braces and spreads than `most`: no path can be longer. Native scans, no tokens.
  const marks = count(text, '{') + count(text, '...');
  if (marks <= most) return undefined;
  const definitions = readDefinitions(text);
  if (!definitions) return undefined;
  const { figure, cyclic } = deepestPath(definitions.all, definitions.fragments);
  return cyclic ? Math.max(figure, marks) : figure;
}

function count(text: string, mark: string): number {
  let n = 0;
  for (let at = text.indexOf(mark); at !== -1; at = text.indexOf(mark, at + mark.length)) n++;
  return n;
}

/** The document's definitions, by its tokens (a brace within parentheses is a value's, never a body's). */
function readDefinitions(text: string): { all: Definition[]; fragments: Map<string, Definition> } | undefined {
  const lexer = new Lexer(new Source(text));
  const all: Definition[] = [];
  const fragments = new Map<string, Definition>();
  let current: Definition | undefined; // the definition being read; undefined between definitions
  let depth = 0;
  let parens = 0;
  let naming = false; // the token after `fragment` names it
  let spreading = false; // the token after `...` may name a fragment
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      const { kind, value } = token;
      if (spreading) {
        spreading = false;
        if (kind === TokenKind.NAME && value !== 'on' && current) current.spreads.push({ name: value, depth });
      }
      if (naming) {
        naming = false;
        if (kind === TokenKind.NAME && current) fragments.set(value, current);
        continue;
      }
      if (kind === TokenKind.SPREAD) spreading = true;
      else if (kind === TokenKind.PAREN_L) parens++;
      else if (kind === TokenKind.PAREN_R) parens = Math.max(0, parens - 1);
      else if (kind === TokenKind.BRACE_L) {
        if (depth === 0 && parens === 0 && !current) all.push((current = { deepest: 0, spreads: [] })); // `{ … }`, an operation without its keyword
        depth++;
        if (current) current.deepest = Math.max(current.deepest, depth);
      } else if (kind === TokenKind.BRACE_R) {
        depth = Math.max(0, depth - 1);
        if (depth === 0 && parens === 0) current = undefined; // its body ends
      } else if (kind === TokenKind.NAME && depth === 0 && parens === 0 && !current) {
        // A definition's keyword, between definitions (a name after it, `on` or a type is no keyword).
        if (value === 'fragment' || value === 'query' || value === 'mutation' || value === 'subscription') {
          all.push((current = { deepest: 0, spreads: [] }));
          naming = value === 'fragment';
        }
      }
    }
  } catch {
    return undefined; // not lexical GraphQL: graphql's parser says where
  }
  return { all, fragments };
}

/**
 * The deepest nesting of any definition, each fragment's worked out once (a loop with a stack of its
 * own, no recursion); `cyclic` when a spread leads back to a fragment on the way.
 */
function deepestPath(all: Definition[], fragments: Map<string, Definition>): { figure: number; cyclic: boolean } {
  const nesting = new Map<Definition, number>(); // worked out
  const open = new Set<Definition>(); // on the way
  let cyclic = false;
  let figure = 0;
  for (const start of all) {
    const stack: { def: Definition; next: number }[] = [{ def: start, next: 0 }];
    open.add(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const spread = top.def.spreads[top.next];
      if (spread) {
        const target = fragments.get(spread.name);
        if (target && !nesting.has(target)) {
          if (open.has(target)) cyclic = true;
          else {
            open.add(target);
            stack.push({ def: target, next: 0 });
            continue; // top.next stays: read again once the target is worked out
          }
        }
        top.next++;
        continue;
      }
      let deepest = top.def.deepest;
      for (const s of top.def.spreads) deepest = Math.max(deepest, s.depth + 1 + (nesting.get(fragments.get(s.name)!) ?? 0));
      nesting.set(top.def, deepest);
      open.delete(top.def);
      stack.pop();
      figure = Math.max(figure, deepest);
    }
  }
  return { figure, cyclic };
}

/**
 * The refusal of a document nested past `bound` (QUERY_TOO_COMPLEX, its figure and the
 * bound), undefined for any other: a request without a text (a persisted query's hash, its text checked
 * when it was registered) included.
 */
export function nestingRefusal(text: string | undefined, bound = NESTING_CEILING): GraphQLError | undefined {
  if (text === undefined) return undefined;
  const figure = documentNesting(text, bound);
  if (figure === undefined || figure <= bound) return undefined;
  return tooComplex(NESTING_LIMIT, 'nesting of selection sets and fragment spreads, fragments followed (a bound of the gateway, not of the platform file)', figure, bound);
}
