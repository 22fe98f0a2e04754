import { packagePath } from '../package-root.ts';

/** The platform's own SDL (catalogues, requests, grants, audit, me), appended to the generated one. */
export const PLATFORM_SDL_FILE = packagePath('schema', 'platform.graphql');
