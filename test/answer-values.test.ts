// The count of a connected platform's answer's JSON values over its bytes (src/federation/answer-values.ts),
// against the values JSON.parse makes of the same text: strings (escaped quotes, backslashes, commas,
// colons and braces inside them, unicode) count once and nothing inside them counts; keys do not count;
// values under the top-level `data` (however its key is escaped) are counted apart from the rest.
import { describe, expect, it } from 'vitest';
import { answerValueBounds, valuesOver, type ValueBounds } from '../src/federation/answer-values.ts';
import { MAX_ANSWER_ERRORS } from '../src/federation/answer-errors.ts';

const bytes = (text: string) => Buffer.from(text, 'utf8');

/** What the count must be: every value JSON.parse makes, under the top-level `data` or not. */
function parsedValues(text: string): ValueBounds {
  const counts = { data: 0, other: 0 };
  const walk = (v: unknown, where: keyof ValueBounds) => {
    counts[where]++;
    if (v && typeof v === 'object') for (const child of Object.values(v)) walk(child, where);
  };
  const root: unknown = JSON.parse(text);
  if (!root || typeof root !== 'object' || Array.isArray(root)) walk(root, 'other');
  else {
    counts.other++;
    for (const [key, v] of Object.entries(root)) walk(v, key === 'data' ? 'data' : 'other');
  }
  return counts;
}

/** The count, read off the bounds: over at one below each figure, not over at it. */
function expectCount(text: string): void {
  const figures = parsedValues(text);
  const big = text.length + 1; // never passed: each value takes a byte of its own
  expect(valuesOver(bytes(text), { data: figures.data, other: figures.other })).toBeNull();
  if (figures.data > 0) expect(valuesOver(bytes(text), { data: figures.data - 1, other: big })).toEqual({ where: 'data', counted: figures.data, bound: figures.data - 1 });
  if (figures.other > 0) expect(valuesOver(bytes(text), { data: big, other: figures.other - 1 })).toEqual({ where: 'other', counted: figures.other, bound: figures.other - 1 });
}

const ANSWERS: [string, string][] = [
  ['records', '{"data":{"city":{"housing":{"nodes":[{"permits":7,"name":"a"},{"permits":null,"name":"b"}],"pageInfo":{"hasNextPage":false,"endCursor":null}}}}}'],
  ['escaped quotes in strings and keys', String.raw`{"data":{"a\"b":"say \"x\", then \"y\":","c":["\"","\"\"",",:{}[]"]}}`],
  ['backslashes before a closing quote', String.raw`{"data":{"k":"ends in a backslash \\","l":"\\\\","m":"\\\"still in\\\"","n":[1,2]}}`],
  ['commas, colons and brackets in strings', '{"data":{"x":"a,b,c:d:e","y":"{[1,2,3]}","z":"\\",\\":\\"","w":[",",":","{","}","[","]"]}}'],
  ['nested arrays, empty containers', '{"data":{"m":[[[1,[2,[]]],[{}],[[],[[]]]],{"e":{}}]}}'],
  ['numbers and literals', '{"data":{"n":[-1,0,1.5e-3,2E+10,-0.0,true,false,null]},"extensions":{"t":1e3}}'],
  ['unicode, raw and escaped', '{"data":{"名称":"西安市住房","emoji":"😀\\ud83d\\ude00","q":"\\u0022,\\u003a","k\\u0022":["é","\\u00e9"]}}'],
  ['whitespace everywhere', '{ "data" : { "a" : [ 1 , "x" ,\n\t null ] ,\r\n "b" : { } } , "errors" : [ ] }'],
  ['errors and extensions apart from the data', '{"errors":[{"message":"Denied: a, b: c.","locations":[{"line":1,"column":20}],"path":["housing",0,"permits"],"extensions":{"code":"FORBIDDEN","resource":"610100-ZJ-00001"}}],"data":{"housing":[{"permits":null}]},"extensions":{"cost":3}}'],
  ['the data key escaped', '{"d\\u0061ta":{"a":[1,2,3]},"errors":[{"message":"m"}]}'],
  ['a key that only looks like data', '{"datas":{"a":[1,2,3]},"Data":[4],"d\\u0061t":[5]}'],
  ['data nested below the top level is not the data', '{"errors":[{"data":[1,2,3],"message":"x"}],"data":null}'],
  ['a top-level array', '[{"data":[1,2]},[3,"4"]]'],
  ['a lone string', '"a, b: [c]"'],
];

describe('the values of a connected platform\'s answer, counted over its bytes', () => {
  for (const [name, text] of ANSWERS) it(name, () => expectCount(text));

  it('a body no larger than both bounds is not scanned: it cannot hold more values than it has bytes', () => {
    expect(valuesOver(bytes('[1,2,3,4,5,6,7]'), { data: 15, other: 15 })).toBeNull();
    expect(valuesOver(bytes('[1,2,3,4,5,6,7]'), { data: 15, other: 7 })).toEqual({ where: 'other', counted: 8, bound: 7 });
  });

  it('counting stops at the first bound passed', () => {
    const many = `{"data":[${Array.from({ length: 100_000 }, () => '{}').join(',')}]}`;
    expect(valuesOver(bytes(many), { data: 10, other: 10 })).toEqual({ where: 'data', counted: 11, bound: 10 });
  });

  it('a duplicate data member counts both (JSON.parse reads both before it keeps the last)', () => {
    expect(valuesOver(bytes('{"data":[1,2,3,4],"data":null}'), { data: 5, other: 100 })).toEqual({ where: 'data', counted: 6, bound: 5 });
  });

  it('text that is not JSON counts at least what JSON.parse reads of it before giving up', () => {
    // A key's colon in an array (JSON.parse gives up there, having read the string before it, which is
    // not counted: at most one value short); stray bytes count as values.
    expect(valuesOver(bytes('[{},{},{},"k":{},{}]'), { data: 100, other: 5 })).toEqual({ where: 'other', counted: 6, bound: 5 });
    expect(valuesOver(bytes('[@@ @@ @@ @@]'), { data: 100, other: 4 })).toEqual({ where: 'other', counted: 5, bound: 4 });
    // An unterminated string ends the count (JSON.parse refuses the text there).
    expect(valuesOver(bytes('[1,2,"abc\\"'), { data: 1, other: 3 })).toEqual(null);
  });

  it('the bounds: twice maxCost and one under data (each field a value, each list element one), a fixed allowance besides', () => {
    expect(answerValueBounds(200_000)).toEqual({ data: 400_001, other: MAX_ANSWER_ERRORS * 100 });
  });
});
