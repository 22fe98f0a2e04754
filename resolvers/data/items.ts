// Item fields that need more than reading the record: personal and secret items, returned masked as
// the access decision says.
import type { ResourceModel } from '../../src/generate/model.ts';
import { isSensitive } from '../../src/generate/model.ts';
import { applyMask } from '../../src/formats/masks.ts';
import type { Row } from '../../src/store/port.ts';
import type { RequestContext } from '../request.ts';

type ItemResolver = (row: Row, args: unknown, ctx: RequestContext) => string | null;

export function sensitiveItemResolvers(model: ResourceModel): Record<string, ItemResolver> {
  const out: Record<string, ItemResolver> = {};
  for (const item of model.resource.items) {
    if (!isSensitive(item)) continue;
    const name = item.name;
    out[name] = (row, _args, ctx) => {
      const value = row[name];
      if (value === null || value === undefined) return null;
      const d = ctx.access.item(model, name);
      if (!d.allowed) return null; // the shield rule has already refused; never return the value
      return d.mask ? applyMask(d.mask, String(value)) : String(value);
    };
  }
  return out;
}
