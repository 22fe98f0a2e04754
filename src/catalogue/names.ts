// GraphQL names: what a valid name is, and the names the platform itself generates or reserves, so that
// catalogue names can be checked against them before the schema is generated.

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** A GraphQL name (letters, digits, _; not starting with a digit), not reserved for introspection (__). */
export function isGraphqlName(s: string): boolean {
  return NAME.test(s) && !s.startsWith('__');
}

/** A GraphQL enum value: a name other than true, false and null. */
export function isEnumValue(s: string): boolean {
  return isGraphqlName(s) && !['true', 'false', 'null'].includes(s);
}

/** Fields of Query that the platform itself defines; department graphqlNames must avoid them. */
export const PLATFORM_QUERY_FIELDS: readonly string[] = [
  'catalogues',
  'catalogue',
  'resourceInfo',
  'me',
  'sharingRequests',
  'grants',
  'audit',
  'auditLog',
  'usage',
  'verifyAuditChain',
  'health',
];

/** Type names the schema defines whatever the catalogues hold. */
export const RESERVED_TYPE_NAMES: readonly string[] = [
  // built-in and custom scalars
  'String', 'Int', 'Float', 'Boolean', 'ID', 'Date', 'DateTime', 'Decimal', 'JSON',
  // roots and shared types
  'Query', 'Mutation', 'Subscription', 'PageInfo', 'OrderDirection',
  // filter inputs per scalar kind
  'StringFilter', 'TextFilter', 'IntFilter', 'FloatFilter', 'DecimalFilter', 'DateFilter', 'DateTimeFilter',
  'BooleanFilter', 'EnumFilter', 'IDFilter',
  // platform types (catalogues, requests, grants, audit)
  'Catalogue', 'CatalogueVersion', 'CatalogueStatus', 'CatalogueKind', 'Resource', 'ResourceInfo', 'Item',
  'Share', 'ShareType', 'ShareMethod', 'Scope', 'Department', 'Purpose', 'Problem', 'Me', 'Identity',
  'SharingRequest', 'SharingRequestStatus', 'Grant', 'GrantStatus', 'AuditEntry', 'AuditLog', 'AuditChain',
  'AuditVerification', 'Usage', 'Health',
];

/** Fields every generated filter input has besides one per item; item names must avoid them. */
export const FILTER_COMBINATORS: readonly string[] = ['and', 'or'];

/** `publicSecurity` → `PublicSecurity`. */
export function pascalCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** The type holding a department's resources: `publicSecurity` → `PublicSecurityResources`. */
export function departmentTypeName(graphqlName: string): string {
  return pascalCase(graphqlName) + 'Resources';
}

/** The types generated for a resource type besides itself. */
export function generatedTypeNames(type: string): string[] {
  return [`${type}Filter`, `${type}Connection`, `${type}Order`, `${type}OrderField`];
}
