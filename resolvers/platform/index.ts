// Resolvers of the platform's own schema (schema/platform.graphql). They hold only what a field means:
// the workflow (src/workflow/) checks roles and ownership and writes the audit entries, the audit and
// grant modules answer the reads. Types come from codegen (types.generated.ts, `npm run codegen`).
//
// One file a concern: the Query fields (query.ts), the Mutation fields (mutation.ts), the fields of each
// type (catalogue-fields.ts, resource-fields.ts, sharing-fields.ts, objection-fields.ts, demand-fields.ts,
// audit-fields.ts), the reads shared within a request (reads.ts) and the lists counted against its cost
// (counted-lists.ts). This file puts them together.
import { ENUM_VALUES } from './enums.ts';
import type { Resolvers } from './types.generated.ts';
import { queryFields } from './query.ts';
import { mutationFields } from './mutation.ts';
import { objectionFields } from './objection-fields.ts';
import { demandFields } from './demand-fields.ts';
import { catalogueFields } from './catalogue-fields.ts';
import { auditFields } from './audit-fields.ts';
import { resourceFields } from './resource-fields.ts';
import { sharingFields } from './sharing-fields.ts';

const resolvers: Resolvers = {
  ...ENUM_VALUES,
  ...queryFields,
  ...mutationFields,
  ...objectionFields,
  ...demandFields,
  ...catalogueFields,
  ...auditFields,
  ...resourceFields,
  ...sharingFields,
};

export function platformResolvers() {
  return resolvers as Record<string, Record<string, unknown>> & { Query: Record<string, unknown> };
}
