// The order of two decimal texts computed exactly (scaled BigInts): the oracle the decimal tests compare with.
export function compareExact(a: string, b: string): number {
  const scale = Math.max(...[a, b].map((t) => (t.split('.')[1] ?? '').length));
  const scaled = (t: string) => {
    const [i, f = ''] = t.split('.');
    return BigInt(i.replace(/^[-+]/, '') + f.padEnd(scale, '0')) * (t.startsWith('-') ? -1n : 1n);
  };
  const [x, y] = [scaled(a), scaled(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}
