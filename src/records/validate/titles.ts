// A column or property named by an item's title rather than its name: a department's export often heads
// its columns with the titles people read (姓名, 开户日期), which the catalogue gives beside each name.
import type { Item, Resource } from '../../model/catalogue.ts';

/** The item of `resource` whose title `field` is (blanks around it aside), if any. */
export function itemTitled(resource: Resource, field: string): Item | undefined {
  const wanted = field.trim();
  if (wanted === '') return undefined;
  return resource.items.find((i) => i.title !== undefined && i.title.trim() === wanted);
}

/** "is the title of the item holderName: ... write holderName", for a field that is an item's title. */
export function titleOf(item: Item): string {
  return `is the title of the item ${item.name}: records name items by name, so write ${item.name}`;
}
