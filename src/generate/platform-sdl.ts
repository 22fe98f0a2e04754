import { fileURLToPath } from 'node:url';

/** The platform's own SDL (catalogues, requests, grants, audit, me), appended to the generated one. */
export const PLATFORM_SDL_FILE = fileURLToPath(new URL('../../schema/platform.graphql', import.meta.url));
