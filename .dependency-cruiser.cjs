// The pipeline runs one way (docs/architecture.md): each layer imports only the layers below it, and no
// file imports itself back through others. `npm test` runs `depcruise` with this file first.
//
// Layers, bottom to top:
const LAYERS = [
  // the vocabulary: the catalogue and platform model, value formats, generated names, the store port
  { name: 'model', path: '^src/((model|formats|store|calendar)/|package-root\\.ts$)' },
  // reading and checking documents; access decisions and grants; tokens; the audit log; record import
  { name: 'catalogue', path: '^src/(catalogue|access|identity|audit|records)/' },
  // the schema model, SDL, filters and read plans: values derived from the catalogues in effect
  { name: 'generate and plan', path: '^src/(generate|limits)/' },
  // catalogue lifecycle, sharing requests, usage, connected platforms: take ports (store, schema
  // service, keys), never the gateway
  { name: 'workflow', path: '^src/(workflow|federation)/' },
  // what a field means (resolvers, the request context) and who may ask for it (shield rules)
  { name: 'resolvers and rules', path: '^(resolvers|src/rules)/' },
  // the one place the pieces meet: schema assembly, the schema holder, Apollo Server, plugins, HTTP
  { name: 'server', path: '^src/server/' },
  // commands and the demo
  { name: 'cli', path: '^src/(cli|demo)/' },
];

const upward = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `${layer.name} imports no layer above it`,
  comment: `${layer.name} sits below ${LAYERS.slice(i + 1).map((l) => l.name).join(', ')}`,
  severity: 'error',
  from: { path: layer.path },
  to: { path: LAYERS.slice(i + 1).map((l) => l.path) },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle ties layers into one knot; type-only imports count too.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'layered source only',
      comment: 'Every source file belongs to a layer above; a new folder gets its place in LAYERS.',
      severity: 'error',
      from: { path: '^(src|resolvers)/', pathNot: LAYERS.map((l) => l.path) },
      to: {},
    },
    ...upward,
    {
      name: 'graphql-shield through src/rules/shield.ts',
      comment:
        "graphql-shield's ES module build imports util.isUndefined, which Node 23 removed: src/rules/shield.ts " +
        'loads its CommonJS build (and graphql-middleware from the same copy); types may come from the packages.',
      severity: 'error',
      from: { pathNot: '^src/rules/shield\\.ts$' },
      to: { path: 'node_modules/(graphql-shield|graphql-middleware)/', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/|\\.generated\\.ts$' },
    // type-only imports are dependencies too (a cycle of types is still a knot)
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};
