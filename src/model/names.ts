// Names the generator gives to the types it derives from a resource or a department.

export const pascal = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

export const departmentTypeName = (graphqlName: string): string => `${pascal(graphqlName)}Resources`;
export const filterTypeName = (type: string): string => `${type}Filter`;
export const connectionTypeName = (type: string): string => `${type}Connection`;
export const orderTypeName = (type: string): string => `${type}Order`;
export const orderFieldTypeName = (type: string): string => `${type}OrderField`;
export const enumTypeName = (type: string, item: string): string => `${type}${pascal(item)}`;
export const enumFilterTypeName = (type: string, item: string): string => `${enumTypeName(type, item)}Filter`;

/**
 * GraphQL name of a catalogue enum value: `limited-liability` → `LIMITED_LIABILITY`. Catalogues keep
 * their own values (stored as is); the schema maps them to GraphQL's naming convention.
 */
export const enumValueName = (value: string): string => {
  const n = value.normalize('NFKD').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toUpperCase();
  return /^[0-9]/.test(n) || n === '' ? `V_${n}` : n;
};
