// maxDepth (SPEC §13): graphql-armor's rule (fragments followed), its refusal re-worded.
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import type { ASTVisitor, GraphQLError, ValidationRule } from 'graphql';
import { tooComplex } from './too-complex.ts';

/** graphql-armor's refusals say "..., found N."; the figure of the document. */
const figureOf = (error: GraphQLError): number | string => {
  const found = /found (-?\d+)/.exec(error.message)?.[1];
  return found === undefined ? 'more' : Number(found);
};

export function depthRule(bound: number): ValidationRule {
  return (context) =>
    maxDepthRule({
      n: bound,
      flattenFragments: true, // a fragment spread is not a level: its fields are
      ignoreIntrospection: false, // introspection counts like any other query (SPEC §13)
      propagateOnRejection: false,
      onReject: [(_ctx, error) => context.reportError(tooComplex('maxDepth', 'selection depth', figureOf(error), bound))],
    })(context) as unknown as ASTVisitor;
}
