// Where in a text an offset is, as the problems of a syntax error name it (FILE:LINE:COLUMN).

export function lineCol(text: string, offset: number): [number, number] {
  const before = text.slice(0, Math.max(0, offset));
  const line = before.split('\n').length;
  return [line, offset - before.lastIndexOf('\n')];
}
