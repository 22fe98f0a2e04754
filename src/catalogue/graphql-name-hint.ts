// What to write instead of a GraphQL name (an item's, a resource's type, list or lookup, a department's
// graphqlName, a connected platform's namespace) that holds a letter outside A-Z. A developer of a
// province whose words are Chinese, or Uyghur, Kazakh or Mongolian in Latin script, reads "letters,
// digits and _" as taking 金额 or Ürümchi: both are letters. The refusal says which character is no Latin
// letter, and either the name without its accents (Ürümchi → Urumchi, the fold enum values get in the
// schema: ../model/names.ts) or where the words in another script go.

/** The document's place for the wording a GraphQL name at `pointer` (a JSON pointer) cannot hold. */
function wordingPlace(pointer: string): string {
  if (/^\/resources\/[0-9]+\/items\/[0-9]+\/name$/.test(pointer)) return "the item's title";
  if (/^\/resources\/[0-9]+\/(graphql\/|key$)/.test(pointer)) return "the resource's name or the items' titles";
  if (/^\/departments\/[0-9]+\/graphqlName$/.test(pointer)) return "the department's name";
  return 'a name or title beside it';
}

/** `s` with its accents and marks taken off (Ü → U, é → e); letters that have no Latin base stay. */
const withoutMarks = (s: string): string => s.normalize('NFKD').replace(/\p{M}/gu, '');

/**
 * The hint for a GraphQL name `value` refused by its `pattern` at `pointer`, when it holds a letter other
 * than A-Z and a-z; undefined otherwise (a digit first, a dash: the pattern's own wording says those).
 */
export function nonLatinNameHint(value: string, pointer: string, pattern: RegExp): string | undefined {
  const chars = [...value];
  const at = chars.findIndex((c) => /\p{L}/u.test(c) && !/[A-Za-z]/.test(c));
  if (at < 0) return undefined;
  const which = `${chars[at]} (character ${at + 1}) is no Latin letter A-Z or a-z, the only letters a GraphQL name takes`;
  const folded = withoutMarks(value);
  // A type name takes a capital first: ürümchi → Urumchi there.
  const fit = [folded, folded.charAt(0).toUpperCase() + folded.slice(1)].find((n) => pattern.test(n));
  if (fit !== undefined) return `${which}: write "${fit}"`;
  return `${which}: write the name in pinyin or Latin script without accents (jinE for 金额), and the words in ${wordingPlace(pointer)}`;
}
