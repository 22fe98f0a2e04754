// Consistency between departments (SPEC §14, Art. 13): items of different providers that carry the same
// data `element` and belong to resources sharing a key element are compared record by record. The join
// runs in the store (`compareJoined`), streaming, so no resource is loaded into memory; the report gives,
// per pair of resources, the records compared, those that differ, and up to SAMPLE_KEYS of their keys (in
// the order the left records were stored: key order would tell the masked keys' hidden characters),
// masked as an `idcard` mask would (the first 6 and last 4 characters kept), or as a join item's own
// mask when it is personal or secret in either resource (each mask keeps no more than `idcard`).
//
// A supervisor reads the sample keys as its department reads the data (`decide` with its purpose and
// grants): a key is a value of both join items, and a sample tells of each record whether its compared
// items differ, so the keys are given only when the department may read all four items, masked by the
// join items' masks for it (`idcard` when it reads one in clear: SPEC §14 says the keys come masked);
// otherwise none, and none either when a compared item is a boolean or an enum it reads masked on either
// side (a key's "differs" beside the other side's value tells the hidden one, docs/access-rules.md), or
// any item it reads masked on one side and in clear on the other (the keys left out of a short sample say
// the hidden value is the clear one).
// The counts are given whatever items it may read (the report's own figures, SPEC §14,
// that name no record), but over the records its department sees: a resource under row scope (SPEC §6)
// counts, and gives sample keys of, only the records within the department's rows (its region, or what
// its grants reach), as its lists and totalCount do; a record outside is as missing. Without a purpose
// its grants cover, the rows all its grants reach (decideFigureRows): leaving the purpose out widens
// nothing. A supervisor of the providing department sees all of that resource's records (row 0).
//
// Decisions where the spec is silent:
// - The key element of a pair is the element of either resource's key item that the other resource also
//   carries (the left one's first); the pair is joined on the items carrying it. A pair with none is
//   not compared.
// - Pairs are ordered by resource code (left < right); each element is compared on its own. The key
//   element itself is not compared with itself.
//
// The parts, in consistency/: the pairs of resources compared (pairs.ts), how a reader sees them (views.ts),
// the comparisons run in the store (compare.ts), the report asked for and audited (report.ts). This path
// is kept for the tests that import it.
export { consistencyPairs } from './consistency/pairs.ts';
export { operatorConsistencyReport } from './consistency/report.ts';
