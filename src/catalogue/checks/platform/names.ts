// Checks of the names people read in a platform file (checks/texts.ts): shown, and told apart.
import type { Platform } from '../../../model/platform.ts';
import type { Problem } from '../../problems.ts';
import { readingKey, sameReading, shown } from '../texts.ts';
import { problem, repeats } from '../util.ts';

/** Names people read (the platform's, each department's, each purpose's) show something (checks/texts.ts). */
export function* namesShown(p: Platform): Iterable<Problem> {
  yield* shown(p.platform.name, 'platform.name', "platform's name");
  for (const [i, d] of p.departments.entries()) yield* shown(d.name, `departments[${i}].name`, "department's name");
  for (const [i, x] of p.purposes.entries()) yield* shown(x.name, `purposes[${i}].name`, "purpose's name");
}

/**
 * Names people choose among (a department's, a purpose's) that differ as written differ as read too
 * (readingKey): a second "Café Bureau" written with e and U+0301, or with a zero-width space, was a second
 * department that GraphiQL's descriptions, a grant's or request's view and the audit log showed under the
 * same name as the first, one a person could not tell was another. A name written twice the same is
 * plainly one name used twice, and was always accepted (two counties' bureaus may share one): it stays so,
 * so that no platform file that loaded before is refused for it.
 */
export function* namesDistinct(p: Platform): Iterable<Problem> {
  const lists = [
    { list: p.departments, at: 'departments', what: 'department' },
    { list: p.purposes, at: 'purposes', what: 'purpose' },
  ];
  for (const { list, at, what } of lists) {
    for (const [i, first] of repeats(list, (x: { name: string }) => readingKey(x.name))) {
      const [mine, other] = [list[i]!, list[first]!];
      if (mine.name === other.name) continue;
      yield problem(
        `${at}[${i}].name`,
        `${sameReading(mine.name, other.name, `${at}[${first}] (${other.code})`)}; ${what} names must be told apart by people: choose another name`,
      );
    }
  }
}
