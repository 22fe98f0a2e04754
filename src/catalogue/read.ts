// Reading platform files and catalogue documents, split into src/catalogue/read/ (parse.ts and files.ts
// are where reading starts): this path is kept for the tests that import it.
export { readDocument, readDocuments } from './read/files.ts';
export { parseDocuments } from './read/parse.ts';
export { MAX_ALIAS_COUNT } from './read/yaml.ts';
export { MAX_ALIASES } from './read/yaml-aliases.ts';
export { MAX_MAPPING_KEYS } from './read/yaml-sizes.ts';
