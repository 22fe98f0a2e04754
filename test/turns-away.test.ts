// Which queries take their turn among a department's queries of connected platforms' namespaces only
// (src/limits/turns.ts waitsOnlyAway, src/server/deadline.ts): a query of namespaces and light fields
// only, fragments followed. Own data hidden in a fragment, an inline fragment or a fragment spread twice
// makes it a query of this platform's data, which takes an own turn (the bound on the work done here).
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { waitsOnlyAway } from '../src/limits/turns.ts';

const away = (text: string) => {
  const document = parse(text);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  return waitsOnlyAway(document, operation, new Set(['city', 'county']));
};

describe('which queries wait only on connected platforms (waitsOnlyAway)', () => {
  it('namespaces and light fields only', () => {
    expect(away('{ city { a } county { b } me { user } }')).toBe(true);
    expect(away('{ county: city { a } }')).toBe(true); // an alias is not the field
  });

  it('own data hidden in a fragment, an inline fragment, or a fragment spread twice takes an own turn', () => {
    expect(away('{ city { a } ...F } fragment F on Query { county { b } ...G } fragment G on Query { landParcels { c } }')).toBe(false);
    expect(away('{ ... on Query { city { a } ... @include(if: true) { auditLog { totalCount } } } }')).toBe(false);
    expect(away('{ ...F ...F } fragment F on Query { city { a } own: landParcels { c } }')).toBe(false);
    expect(away('{ city: landParcels { c } }')).toBe(false);
  });

  // Introspection is answered on this platform, from its department's view (plugins/introspection.ts):
  // walking the schema is work done here, which took a turn among the namespaces' on a platform that
  // connects any, not the own turn its department's lookups wait for.
  it('introspection walking the schema takes an own turn', () => {
    expect(away('{ __schema { types { name fields { name } } } }')).toBe(false);
    expect(away('{ a: __type(name: "Query") { fields { type { fields { name } } } } }')).toBe(false);
    expect(away('query { ...S } fragment S on Query { __schema { types { name } } }')).toBe(false);
  });

  it('no namespace at all: never', () => {
    const document = parse('{ me { user } }');
    expect(waitsOnlyAway(document, document.definitions[0] as OperationDefinitionNode, new Set())).toBe(false);
  });
});
