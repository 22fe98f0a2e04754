// What a gateway says when the published catalogues it serves change (a publication by this or another
// process, a withdrawal): it swapped schemas without a word, and an operator who saw clients' requests
// turn GRAPHQL_VALIDATION_FAILED found nothing in the log to tie them to (h225). One line at level 30,
// `"event":"schema"`, names each catalogue whose version changed, from the holder's version signature.

/** `ID@version,...` (SchemaHolder.version) as a map from id to version. */
function versionsOf(signature: string): Map<string, string> {
  return new Map(signature.split(',').filter(Boolean).map((head) => {
    const at = head.lastIndexOf('@');
    return [head.slice(0, at), head.slice(at + 1)] as const;
  }));
}

/** Each catalogue whose version differs between two signatures: `ID v1 -> v2`, `ID v1 (new)`, `ID v3 withdrawn`. */
export function catalogueChanges(was: string, now: string): string[] {
  const before = versionsOf(was);
  const after = versionsOf(now);
  const out: string[] = [];
  for (const [id, version] of after) {
    const old = before.get(id);
    if (old === undefined) out.push(`${id} v${version} (new)`);
    else if (old !== version) out.push(`${id} v${old} -> v${version}`);
  }
  for (const [id, version] of before) if (!after.has(id)) out.push(`${id} v${version} withdrawn`);
  return out;
}

/** The log line's fields and message for a swap from `was` to `now`. */
export function schemaChangeLine(was: string, now: string): { fields: Record<string, unknown>; message: string } {
  const changed = catalogueChanges(was, now);
  return {
    fields: { event: 'schema', changed, catalogues: now },
    message: `published catalogues changed: serving ${changed.join(', ')}; an operation using what a new version removed or renamed is refused from now on (GRAPHQL_VALIDATION_FAILED): govgraph catalogue list shows the versions`,
  };
}
