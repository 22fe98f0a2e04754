// A codegen document transform that checks each operation against the schema and, when one no longer
// fits, fails naming the operation and its file: "Operation OpenEndedWorkers (workers.graphql) does not
// match the schema: ...". graphql-codegen's own validation names only the file and line; with several
// operations a file, the name is what a developer looks for. Copy it into your own project with codegen.ts.
import type { Types } from '@graphql-codegen/plugin-helpers';
import { buildASTSchema, Kind, validate, type DefinitionNode, type DocumentNode, type FragmentDefinitionNode } from 'graphql';

export class OperationMismatchError extends Error {
  constructor(readonly problems: { operation: string; file: string; messages: string[] }[]) {
    super(
      problems
        .map((p) => `Operation ${p.operation} (${p.file}) does not match the schema:\n${p.messages.map((m) => `  - ${m}`).join('\n')}`)
        .join('\n'),
    );
    this.name = 'OperationMismatchError';
  }
}

export const operationCheck: Types.DocumentTransformObject = {
  transform({ documents, schema }) {
    const built = buildASTSchema(schema as DocumentNode, { assumeValidSDL: true });
    const fragments: FragmentDefinitionNode[] = documents.flatMap(
      (d) => (d.document?.definitions ?? []).filter((x): x is FragmentDefinitionNode => x.kind === Kind.FRAGMENT_DEFINITION),
    );
    const problems: OperationMismatchError['problems'] = [];
    for (const file of documents) {
      for (const def of file.document?.definitions ?? []) {
        if (def.kind !== Kind.OPERATION_DEFINITION) continue;
        const definitions: DefinitionNode[] = [def, ...fragments];
        const errors = validate(built, { kind: Kind.DOCUMENT, definitions })
          // Fragments of other operations are not used by this one; that is no mistake of this operation.
          .filter((e) => !/^Fragment ".*" is never used\.$/.test(e.message));
        if (errors.length) {
          problems.push({
            operation: def.name?.value ?? '(anonymous)',
            file: file.location ?? '(unknown file)',
            messages: errors.map((e) => e.message),
          });
        }
      }
    }
    if (problems.length) throw new OperationMismatchError(problems);
    return documents;
  },
};
