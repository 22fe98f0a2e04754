/* eslint-disable */
import * as types from './graphql.js';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query EnterpriseByCreditCode($creditCode: String!) {\n  marketRegulation {\n    enterpriseRegistration(creditCode: $creditCode) {\n      creditCode\n      name\n      enterpriseType\n      establishedOn\n      registeredCapital\n      status\n    }\n  }\n}": typeof types.EnterpriseByCreditCodeDocument,
    "query OpenEndedWorkers($first: Int!, $after: String) {\n  humanResources {\n    employmentRegistrations(\n      first: $first\n      after: $after\n      filter: {contractType: {eq: OPEN_ENDED}}\n    ) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        registrationNo\n        fullName\n        position\n        contractType\n        contractStart\n        employer {\n          creditCode\n          name\n          status\n        }\n      }\n    }\n  }\n}": typeof types.OpenEndedWorkersDocument,
};
const documents: Documents = {
    "query EnterpriseByCreditCode($creditCode: String!) {\n  marketRegulation {\n    enterpriseRegistration(creditCode: $creditCode) {\n      creditCode\n      name\n      enterpriseType\n      establishedOn\n      registeredCapital\n      status\n    }\n  }\n}": types.EnterpriseByCreditCodeDocument,
    "query OpenEndedWorkers($first: Int!, $after: String) {\n  humanResources {\n    employmentRegistrations(\n      first: $first\n      after: $after\n      filter: {contractType: {eq: OPEN_ENDED}}\n    ) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        registrationNo\n        fullName\n        position\n        contractType\n        contractStart\n        employer {\n          creditCode\n          name\n          status\n        }\n      }\n    }\n  }\n}": types.OpenEndedWorkersDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query EnterpriseByCreditCode($creditCode: String!) {\n  marketRegulation {\n    enterpriseRegistration(creditCode: $creditCode) {\n      creditCode\n      name\n      enterpriseType\n      establishedOn\n      registeredCapital\n      status\n    }\n  }\n}"): typeof import('./graphql.js').EnterpriseByCreditCodeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query OpenEndedWorkers($first: Int!, $after: String) {\n  humanResources {\n    employmentRegistrations(\n      first: $first\n      after: $after\n      filter: {contractType: {eq: OPEN_ENDED}}\n    ) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        registrationNo\n        fullName\n        position\n        contractType\n        contractStart\n        employer {\n          creditCode\n          name\n          status\n        }\n      }\n    }\n  }\n}"): typeof import('./graphql.js').OpenEndedWorkersDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
