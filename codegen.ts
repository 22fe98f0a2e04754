// Resolver types of the platform's own schema (schema/platform.graphql), generated into
// resolvers/platform/types.generated.ts: `npm run codegen`. The file is committed; a test
// (test/workflow-units.test.ts) fails when it no longer matches the schema.
// And the typed client of examples/client/ (client preset) from schema/demo.graphql, into
// examples/client/gql/ (committed; test/typed-client.test.ts checks it and runs the example).
//
// The platform SDL extends types the data schema defines (Query, PageInfo, the scalars); BASE_SDL stands
// in for them here, so the generated types do not depend on which catalogues are published.
import type { CodegenConfig } from '@graphql-codegen/cli';
import { ENUM_VALUES } from './resolvers/platform/enums.ts';
import { operationCheck } from './examples/client/operation-check.ts';

export const BASE_SDL = `
scalar Date
scalar DateTime
type Query { _empty: Boolean }
type PageInfo { hasNextPage: Boolean! endCursor: String }
`;

/** The typed client of the example (the client preset), from the demo platform's kept SDL. */
export const CLIENT_OUTPUT = 'examples/client/gql/';

export const clientTarget = {
  schema: 'schema/demo.graphql',
  documents: ['examples/client/**/*.graphql'],
  preset: 'client',
  // persistedDocuments: gql/persisted-documents.json, the manifest a platform's `trustedDocuments` reads
  // (SPEC §13); each document carries its hash (sha256 of its text, the same as Apollo's persisted queries),
  // which the client sends as `documentId` instead of the text.
  presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: 'sha256' } },
  // Fails naming each operation that no longer fits the schema (before codegen's own validation).
  documentTransforms: [operationCheck],
  config: {
    // Plain strings with their types attached, for `fetch`; no GraphQL client library needed.
    documentMode: 'string',
    useTypeImports: true,
    enumsAsTypes: true,
    // `./graphql.js` imports, which TypeScript's NodeNext resolution and tsx both map to the .ts files.
    emitLegacyCommonJSImports: false,
    scalars: { Date: 'string', DateTime: 'string', Decimal: 'string' },
  },
} satisfies CodegenConfig['generates'][string];

const config: CodegenConfig = {
  overwrite: true,
  // Each target names its schema: the two are different schemas (the platform's own fields alone, and the
  // whole demo platform).
  generates: {
    'resolvers/platform/types.generated.ts': {
      schema: [BASE_SDL, 'schema/platform.graphql'],
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        enumValues: ENUM_VALUES,
        contextType: '../request.ts#RequestContext',
        scalars: { Date: 'string', DateTime: 'string', ID: 'string' },
        mappers: {
          // Enums: the domain's own types (the internal values), working around the `null` resolver type
          // that enumValues objects produce (dotansimha/graphql-code-generator#10204).
          CatalogueStatus: '../../src/catalogue/repository/rows.ts#VersionStatus',
          CatalogueKind: '../../src/model/catalogue.ts#CatalogueKind',
          RevisionTrigger: '../../src/workflow/deadlines.ts#RevisionTrigger',
          ReviewDecision: '../../src/workflow/catalogues.ts#ReviewDecision',
          ShareType: '../../src/model/catalogue.ts#ShareType',
          SharingRequestStatus: '../../src/workflow/sharing.ts#RequestStatus',
          SharingSide: '../../src/workflow/sharing.ts#SharingSide',
          SharingDecision: '../../src/workflow/sharing.ts#SharingDecision',
          AuditKind: '../../src/audit/entry.ts#AuditKind',
          AuditOutcome: '../../src/audit/entry.ts#AuditOutcome',
          Catalogue: '../../src/workflow/catalogues.ts#ListedCatalogue',
          CatalogueVersion: '../../src/catalogue/repository/rows.ts#ListedVersion',
          Revision: '../../src/workflow/deadlines.ts#RevisionState',
          SubmissionWarning: '../../src/workflow/warnings/warning.ts#SubmissionWarning',
          SubmitCatalogueResult: '../../src/workflow/catalogues.ts#Submission',
          ResourceInfo: '../../src/workflow/resource-info.ts#ResourceView',
          ItemInfo: '../../src/workflow/resource-info.ts#ItemView',
          ShareInfo: '../../src/workflow/resource-info.ts#ShareView',
          SharingRequest: '../../src/workflow/sharing.ts#SharingRequest',
          Grant: '../../src/access/grant-model.ts#Grant',
          AuditEntry: '../../src/audit/entry.ts#AuditEntry',
          AuditConnection: '../../src/audit/query.ts#AuditConnection',
          UsageReport: '../../src/workflow/usage.ts#UsageView',
          BreakingChange: '../../src/workflow/warnings/warning.ts#BreakingChange',
          ObjectionStatus: '../../src/workflow/objections.ts#ObjectionStatus',
          ObjectionDecision: '../../src/workflow/objections.ts#ObjectionDecision',
          Objection: '../../src/workflow/objections.ts#Objection',
          RecordObjection: '../../src/workflow/objections.ts#Objection',
          DemandStatus: '../../src/workflow/demands/rows.ts#DemandStatus',
          DemandDecision: '../../src/workflow/demands/rows.ts#DemandDecision',
          Demand: '../../src/workflow/demands/rows.ts#Demand',
          ConsistencyPair: '../../src/workflow/consistency/pairs.ts#ConsistencyPair',
        },
        mapperTypeSuffix: 'Model',
        emitLegacyCommonJSImports: false,
      },
    },
    [CLIENT_OUTPUT]: clientTarget,
  },
};

export default config;
