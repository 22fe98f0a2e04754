// What lifts a mask (SPEC §9): only an item shared on conditions is granted, so only a grant can read it
// unmasked; an item shared unconditionally stays masked for every department but its provider. Refusals
// about a masked item end with the sentence `liftingMask` words, so that the developer who meets one knows
// whether to request sharing or to stop asking; the schema's descriptions say the same (src/generate/sdl.ts).
import type { Resource } from '../model/catalogue.ts';
import { effectiveItems } from './effective-share.ts';

/** Whether a grant can unmask item `item` of `resource`: its effective share is conditional. */
export const grantCanUnmask = (resource: Resource, item: string): boolean => effectiveItems(resource).get(item)?.share.type === 'conditional';

/** The last sentence of a refusal about masked item `item`: what lifts it, or that nothing does. */
export function liftingMask(resource: Resource, item: string): string {
  return grantCanUnmask(resource, item)
    ? `A grant that unmasks ${item} lifts this: request sharing from its provider ${resource.provider}.`
    : `No grant lifts this: shared unconditionally, ${item} is masked for every department but its provider ${resource.provider}.`;
}
