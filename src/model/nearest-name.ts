// The known name a mistyped one nearly is, for "did you mean" (a platform file's keys, the environment's
// settings): the closest by edit distance ignoring case, when it is close enough to be a slip.

export function closest(word: string, candidates: readonly string[]): string | undefined {
  const near = Math.max(1, Math.floor(word.length / 4)) + 1;
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    // Two texts are at least their difference in length apart: a candidate that far is never the one
    // meant, and its distance, a product of the lengths, is not worked out. A data import asks this of
    // every record whose enum value is wrong: a CSV whose 2,000-character remarks had shifted into the
    // enum's column spent about 1 ms a record on eight values (20 minutes for a million records).
    const other = c.toLowerCase();
    if (Math.abs(lower.length - other.length) > near) continue;
    const d = distance(lower, other);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return bestD <= near ? best : undefined;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
