// A record's key as objections name it: from the text a person typed, as the store keeps it, as the store
// compares it.
import type { Item, Resource } from '../../model/catalogue.ts';
import { typedValue } from '../../records/validate/conversions.ts';
import type { Value } from '../../store/port.ts';
import { Decimal } from '../../formats/decimal.ts';
import { badInput } from '../errors.ts';

/**
 * The key as the store keeps it, from the text a person typed; BAD_USER_INPUT when it cannot be one. The
 * message does not repeat the text: refusals go to the audit log, which stores no variables (SPEC §10).
 */
export function keyValue(resource: Resource, key: string): Value {
  const item = resource.items.find((i) => i.name === resource.key)!;
  const converted = typedValue(item, key);
  if (!converted.ok) throw badInput(`key: the value given is not ${converted.expected}, so it cannot be a ${resource.key} of ${resource.code}.`, [{ path: 'key', message: `is not ${converted.expected}` }]);
  return converted.value;
}

/** A key as the store compares it: a decimal by value ("0.50" is the record 0.5), anything else as JSON. */
export const keyText = (v: Value) => (v instanceof Decimal ? `decimal:${v.orderKey}` : JSON.stringify(v));

/** The objection's key as the store keeps it for the resource's key item (null when it cannot be one). */
export function keyOrNull(resource: Resource | undefined, key: Value): Value {
  if (!resource || key === null) return null;
  try {
    return keyValue(resource, String(key));
  } catch {
    return null;
  }
}
