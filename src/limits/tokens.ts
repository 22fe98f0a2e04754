// maxTokens (SPEC §13): graphql-js's own parser limit (Apollo's `parseOptions.maxTokens`), its refusal
// reworded with the document's count.
import { GraphQLError, Lexer, Source, TokenKind } from 'graphql';
import { tooComplex } from './too-complex.ts';

/**
 * The Lexer counts tokens of a document the parser gave up on (graphql-js stops at the limit, so its own
 * error says only "more than"): the figure for the message. It stops past `most`: counting all of a
 * megabyte of tokens took 150-300 ms of the event loop (a token object each) for every refused request.
 */
export function countTokens(body: string, most = Infinity): number {
  const lexer = new Lexer(new Source(body));
  let n = 0;
  try {
    while (n <= most && lexer.advance().kind !== TokenKind.EOF) n++;
  } catch {
    return n; // a lexical error past the limit: count what came before
  }
  return n;
}

/** How far past maxTokens a refused document's tokens are counted for its message: twice the bound. */
const TOKENS_COUNTED = 2;

/**
 * graphql-js's refusal of a document over `maxTokens` ("Document contains more than N tokens"), reworded
 * as QUERY_TOO_COMPLEX with the document's count, or "more than" twice the bound for a longer one;
 * undefined for any other error.
 */
export function tokenLimitError(error: unknown, bound: number): GraphQLError | undefined {
  if (!(error instanceof GraphQLError) || !/Document contains more tha[nt] \d+ tokens/.test(error.message)) return undefined;
  const most = TOKENS_COUNTED * bound;
  const counted = error.source ? countTokens(error.source.body, most) : Infinity;
  return tooComplex('maxTokens', 'number of lexical tokens', counted > most ? `more than ${most}` : counted, bound);
}
