// The bounds of the workflow's inputs (src/workflow/bounds.ts) are said in the descriptions of the
// arguments they bound, so that GraphiQL and typed clients show them: schema/platform.graphql is static,
// and this test holds each bounded argument's description to the sentence of src/model/input-bounds.ts.
// After changing a bound or the file, regenerate schema/demo.graphql (test/demo-sdl.test.ts) and the
// generated types (npm run codegen).
import { readFileSync } from 'node:fs';
import { Kind, parse, type FieldDefinitionNode, type InputValueDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { boundNote, type BoundKind } from '../src/model/input-bounds.ts';
import { PLATFORM_SDL_FILE } from '../src/model/platform-sdl.ts';
import { INPUT_BOUNDS } from '../src/workflow/bounds.ts';

const document = parse(readFileSync(PLATFORM_SDL_FILE, 'utf8'));

/** The root field of an action: every action is a mutation of its name, but consistencyReport, a query. */
function rootField(action: string): FieldDefinitionNode {
  for (const def of document.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    if (def.name.value !== 'Mutation' && def.name.value !== 'Query') continue;
    const field = def.fields?.find((f) => f.name.value === action);
    if (field) return field;
  }
  throw new Error(`no root field ${action} in ${PLATFORM_SDL_FILE}`);
}

/** The arguments a caller types for an action: those of its `input` object, or the field's own. */
function argumentsOf(action: string): readonly InputValueDefinitionNode[] {
  const field = rootField(action);
  const input = field.arguments?.find((a) => a.name.value === 'input');
  if (!input) return field.arguments ?? [];
  let type = input.type;
  while (type.kind !== Kind.NAMED_TYPE) type = type.type;
  const name = type.name.value;
  const def = document.definitions.find((d) => d.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION && d.name.value === name);
  if (def?.kind !== Kind.INPUT_OBJECT_TYPE_DEFINITION) throw new Error(`no input ${name}`);
  return def.fields ?? [];
}

/** The named type under lists and non-nulls. */
function namedType(arg: InputValueDefinitionNode): string {
  let type = arg.type;
  while (type.kind !== Kind.NAMED_TYPE) type = type.type;
  return type.name.value;
}

describe('schema/platform.graphql says the bounds of the workflow inputs', () => {
  const bounded = Object.entries(INPUT_BOUNDS).flatMap(([action, bounds]) =>
    Object.entries(bounds as Record<string, BoundKind>).map(([path, kind]) => ({ action, path, kind })),
  );

  it.each(bounded)('$action $path: $kind', ({ action, path, kind }) => {
    const arg = argumentsOf(action).find((a) => a.name.value === path);
    expect(arg, `${action} has no argument ${path}`).toBeDefined();
    // A Date (`until`) is refused by its scalar long before its bound: the description need not say it.
    if (namedType(arg!) !== 'String' && namedType(arg!) !== 'ID') return;
    expect(arg!.description?.value ?? '').toContain(boundNote(kind));
  });

  it('and says no bound on an argument that has none', () => {
    const said = Object.keys(INPUT_BOUNDS).flatMap((action) =>
      argumentsOf(action)
        .filter((a) => /At most \d+/.test(a.description?.value ?? ''))
        .map((a) => `${action}.${a.name.value}`),
    );
    const typed = bounded.filter((b) => ['String', 'ID'].includes(namedType(argumentsOf(b.action).find((a) => a.name.value === b.path)!)));
    expect(said.sort()).toEqual(typed.map((b) => `${b.action}.${b.path}`).sort());
  });
});
