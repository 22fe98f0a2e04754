import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { compareExact } from './helpers/decimal-oracle.ts';
import {
  FORMATS, creditCodeCheckChar, idCardCheckDigit, isValidCreditCode, isValidEmail, isValidIdCard, isValidPhone,
} from '../src/formats/index.ts';

describe('idcard (GB 11643)', () => {
  it('computes the check character, including X', () => {
    expect(idCardCheckDigit('11010519491231002')).toBe('X');
    expect(idCardCheckDigit('43010219900307123')).toBe('4');
    expect(() => idCardCheckDigit('4301021990030712')).toThrow('expected 17 digits');
  });
  it('accepts valid numbers', () => {
    expect(isValidIdCard('11010519491231002X')).toBe(true);
    expect(isValidIdCard('430102199003071234')).toBe(true);
  });
  it.each([
    ['11010519491231002x', 'lower-case x'],
    ['110105194912310021', 'wrong check digit'],
    ['430102199002301235', 'no such date (1990-02-30)'],
    ['430102199013011231', 'month 13'],
    ['990102199003071234', 'unknown province prefix'],
    ['43010219900307123', '17 characters'],
    ['4301021990030712345', '19 characters'],
    ['43010219900307123A', 'letter other than X'],
  ])('refuses %s (%s)', (s) => {
    expect(isValidIdCard(s)).toBe(false);
  });
  it('refuses a birth date in the future', () => {
    const first17 = '43010220300101123';
    expect(isValidIdCard(first17 + idCardCheckDigit(first17), new Date('2026-01-01'))).toBe(false);
    expect(isValidIdCard(first17 + idCardCheckDigit(first17), new Date('2031-01-01'))).toBe(true);
  });
});

describe('credit code (GB 32100)', () => {
  it('computes the check character', () => {
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
    expect(creditCodeCheckChar('91430100MA4L16JQ9')).toBe('D');
    expect(() => creditCodeCheckChar('91430100MA4L16JQ')).toThrow('expected 17 characters');
  });
  it('accepts valid codes', () => {
    expect(isValidCreditCode('91350100M000100Y43')).toBe(true);
    expect(isValidCreditCode('91110108551385082Q')).toBe(true);
    expect(isValidCreditCode('91430100MA4L16JQ9D')).toBe(true);
  });
  it.each([
    ['91350100M000100Y44', 'wrong check character'],
    ['91350100M000100Y4', '17 characters'],
    ['9135010OM000100Y43', 'O is not in the charset'],
    ['91A50100M000100Y43', 'letter in the region code'],
    ['91350100m000100y43', 'lower case'],
  ])('refuses %s (%s)', (s) => {
    expect(isValidCreditCode(s)).toBe(false);
  });
});

describe('phone and email', () => {
  it('phone: mainland mobile numbers only', () => {
    expect(['13812345678', '19912345678'].map(isValidPhone)).toEqual([true, true]);
    expect(['12812345678', '1381234567', '138123456789', '+8613812345678', '138 1234 5678'].map(isValidPhone))
      .toEqual([false, false, false, false, false]);
  });
  it('email', () => {
    expect(['li.na@hunan.gov.cn', 'a+b@x.org'].map(isValidEmail)).toEqual([true, true]);
    expect(['li.na@hunan', '@hunan.gov.cn', 'li na@hunan.gov.cn', 'a..b@x.org', 'a@-x.org'].map(isValidEmail))
      .toEqual([false, false, false, false, false]);
  });
});

describe('FORMATS', () => {
  it('lists every item format once, each checking its own kind of value', () => {
    expect(FORMATS.map((f) => f.name)).toEqual(['idcard', 'credit-code', 'phone', 'email']);
    const samples = ['11010519491231002X', '91350100M000100Y43', '13812345678', 'li.na@hunan.gov.cn'];
    expect(FORMATS.map((f) => samples.map((s) => f.check(s)))).toEqual([
      [true, false, false, false],
      [false, true, false, false],
      [false, false, true, false],
      [false, false, false, true],
    ]);
  });
});

describe('one grammar for decimals and date-times, shared by the importer and the scalars', async () => {
  const { readDecimal } = await import('../src/formats/decimal.ts');
  const { readDateTime } = await import('../src/formats/datetime.ts');
  const { DecimalScalar, DateTimeScalar } = await import('../src/generate/scalars.ts');
  const { validateRecord } = await import('../src/records/validate.ts');
  const resource = {
    code: '430000-T-00001', name: 't', provider: '430000-T', graphql: { type: 'T', list: 'ts', byKey: 't' }, key: 'k',
    share: { type: 'unconditional' as const }, items: [{ name: 'k', type: 'string' as const }, { name: 'd', type: 'decimal' as const }, { name: 't', type: 'datetime' as const }],
  };
  const imports = (field: 'd' | 't', v: string) => validateRecord(resource, { k: 'x', [field]: v }, 1).problems.length === 0;
  const scalarTakes = (scalar: typeof DecimalScalar, v: string) => { try { scalar.parseValue(v); return true; } catch { return false; } };
  it.each(['450.10', '-3', '+0.5', '0', '12345678901234567.89', '1e3', '.5', '5.', '1,000', ' 1', 'NaN'])('decimal %j: importer and scalar agree', (v) => {
    expect(imports('d', v)).toBe(readDecimal(v) !== undefined);
    expect(scalarTakes(DecimalScalar, v)).toBe(readDecimal(v) !== undefined);
  });
  it.each(['2026-03-01T09:30:00+08:00', '2026-03-01T09:30Z', '2026-03-01T09:30:00.123456789+0800', '2026-02-29T09:30:00Z', '2026-03-01T24:00:00Z', '2026-03-01 09:30:00Z', '2026-03-01T09:30:00'])('date-time %j: importer and scalar agree', (v) => {
    expect(imports('t', v)).toBe(readDateTime(v) !== undefined);
    expect(scalarTakes(DateTimeScalar, v)).toBe(readDateTime(v) !== undefined);
  });
  it('refuses exponents and bare points, keeps the UTC instant', () => {
    expect(['1e3', '.5', '5.'].map(readDecimal)).toEqual([undefined, undefined, undefined]);
    expect(readDateTime('2026-03-01T09:30:00+0800')).toBe('2026-03-01T01:30:00.000Z');
  });
});

describe('exact decimals (src/formats/decimal.ts)', async () => {
  const { Decimal, decimalOrderKey, plainDecimalText, readDecimal } = await import('../src/formats/decimal.ts');
  const { DecimalScalar } = await import('../src/generate/scalars.ts');
  const { Rng } = await import('../src/demo/generate.ts');
  const exact = compareExact; // the oracle
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

  it('keeps the text written, without "+" and leading zeros of the integer part', () => {
    expect(['450.10', '+0.5', '-0', '-0.00', '007', '-007.50', '0.0000001', '12345678901234567.89'].map((t) => String(readDecimal(t))))
      .toEqual(['450.10', '0.5', '-0', '-0.00', '7', '-7.50', '0.0000001', '12345678901234567.89']);
    expect(JSON.stringify({ a: readDecimal('1.50') })).toBe('{"a":"1.50"}');
  });

  it('bounds digits and length: 34 digits besides leading zeros, 200 characters read', () => {
    expect(readDecimal('9'.repeat(34))?.text).toBe('9'.repeat(34));
    expect(readDecimal('9'.repeat(35))).toBeUndefined();
    expect(readDecimal('0.' + '9'.repeat(34))?.text).toBe('0.' + '9'.repeat(34)); // the integer's 0 is a leading zero
    expect(readDecimal('0.' + '9'.repeat(35))).toBeUndefined();
    expect(readDecimal('1.' + '0'.repeat(33))?.text).toBe('1.' + '0'.repeat(33));
    expect(readDecimal('1.' + '0'.repeat(34))).toBeUndefined(); // trailing zeros are digits of the scale
    expect(readDecimal('0'.repeat(201))).toBeUndefined();
  });

  it('takes a number as its shortest text when a double holds it exactly (15 digits), refuses it otherwise', () => {
    expect([450.1, 450.10, -0, 1e-7, 1e21, 123456789012345].map((n) => String(readDecimal(n)))).toEqual(['450.1', '450.1', '-0', '0.0000001', '1000000000000000000000', '123456789012345']);
    for (const n of [12345678901234567.89, 0.1 + 0.2, 2 ** 60, NaN, Infinity]) expect(readDecimal(n)).toBeUndefined();
  });

  it('makes Decimal128 scientific text plain again', () => {
    expect(['1E-7', '1.0E-7', '-1.234E-10', '1E+3', '450.10', '-0'].map(plainDecimalText)).toEqual(['0.0000001', '0.00000010', '-0.0000000001234', '1000', '450.10', '-0']);
  });

  it('orders keys exactly as values, equal keys for equal values (random texts against BigInt arithmetic)', () => {
    const rng = new Rng(12);
    const texts: string[] = ['0', '-0', '0.00', '-0.000', '1', '-1', '10', '9.99', '-9.99', '-10'];
    for (let i = 0; i < 400; i++) {
      const int = rng.chance(0.3) ? '0' : String(rng.int(0, 10 ** rng.int(0, 9))) + (rng.chance(0.2) ? '0'.repeat(rng.int(1, 20)) : '');
      const frac = rng.chance(0.3) ? '' : '0'.repeat(rng.int(0, 8)) + String(rng.int(0, 10 ** rng.int(1, 8))) + '0'.repeat(rng.int(0, 3));
      const d = Decimal.parse(`${rng.chance(0.5) ? '-' : ''}${int}${frac ? `.${frac}` : ''}`);
      if (d) texts.push(d.text);
    }
    for (let i = 0; i < texts.length; i++) {
      for (let j = 0; j < texts.length; j += 7) {
        expect(cmp(decimalOrderKey(texts[i]), decimalOrderKey(texts[j])), `${texts[i]} vs ${texts[j]}`).toBe(exact(texts[i], texts[j]));
      }
    }
    expect(readDecimal('450.1')!.equals(readDecimal('450.100')!)).toBe(true);
  });

  it('the scalar returns a Decimal for text, literals and short numbers, and serialises the text', () => {
    expect(String(DecimalScalar.parseValue('450.10'))).toBe('450.10');
    expect(DecimalScalar.serialize(readDecimal('450.10'))).toBe('450.10');
    expect(() => DecimalScalar.parseValue(12345678901234567.89)).toThrow(/more than 15 significant digits/);
    expect(() => DecimalScalar.parseValue('9'.repeat(35))).toThrow(/at most 34 digits/);
  });
});

describe('numbers written with more digits than a double holds (src/formats/written-numbers.ts)', async () => {
  const { longNumbers, markWrittenNumbers } = await import('../src/formats/written-numbers.ts');
  const { WrittenNumber } = await import('../src/formats/decimal.ts');

  it('finds each by its path, through keys with quotes and escapes, lists and nesting; none in strings', () => {
    const text = '{"a\\"b":[1, {"c": 0.10000000000000000001}], "d": "2.00000000000000000001", "e\\\\": [[3, -12345678901234567.89e2]], "f": 1e300}';
    expect(longNumbers(text)).toEqual([
      { path: ['a"b', 1, 'c'], token: '0.10000000000000000001' },
      { path: ['e\\', 0, 1], token: '-12345678901234567.89e2' },
    ]);
    const value = JSON.parse(text);
    expect(markWrittenNumbers(text, value, (p) => p[0] === 'e\\')).toEqual([['e\\', 0, 1]]);
    expect(value['e\\'][0][1]).toEqual(new WrittenNumber('-12345678901234567.89e2', -1234567890123456789));
    expect(value['a"b'][1].c).toBe(0.1);
  });

  it('finds nothing in a text without one (the cheap test), nor at the top of a text that is a number alone', () => {
    expect(longNumbers('{"id":"430102199001011234","n":123456789012345}')).toEqual([]);
    expect(markWrittenNumbers('1.00000000000000000001', 1)).toEqual([]);
  });

  it('marks nothing where a key written twice took a later value (JSON.parse keeps the last)', () => {
    const text = '{"variables":{"f":{"eq":0.10000000000000000001,"eq":10.5},"g":{"eq":10.5,"eq":0.10000000000000000001}}}';
    const value = JSON.parse(text);
    expect(markWrittenNumbers(text, value)).toEqual([['variables', 'g', 'eq']]);
    expect(value.variables.f.eq).toBe(10.5);
  });
});

describe('long numbers as deep as the limits let variables be (src/formats/written-numbers.ts, MAX_DEPTH)', async () => {
  const { longNumbers, MAX_DEPTH } = await import('../src/formats/written-numbers.ts');
  const { variablesDepth } = await import('../src/limits/arguments.ts');
  const { DEFAULT_LIMITS } = await import('../src/model/platform.ts');
  const schema = JSON.parse(readFileSync(new URL('../schema/platform.schema.json', import.meta.url), 'utf8'));

  it('finds a number in variables nested as deep as the largest filter.maxDepth allows', () => {
    const maxFilterDepth: number = schema.properties.limits.properties.filter.properties.maxDepth.maximum;
    const deepest = variablesDepth({ ...DEFAULT_LIMITS, filter: { ...DEFAULT_LIMITS.filter, maxDepth: maxFilterDepth } });
    // The body's object, its `variables` object (depth 0 of variablesDepth), then `deepest` levels more.
    expect(MAX_DEPTH).toBeGreaterThanOrEqual(deepest + 2);
    // A Decimal under 31 and/or (filter.maxDepth 40): 64 frames and more; it was not looked for.
    let v = '{"sum":{"eq":0.10000000000000000001}}';
    for (let i = 0; i < 31; i++) v = `{"and":[${v}]}`;
    const found = longNumbers(`{"query":"q","variables":{"f":${v}}}`);
    expect(found.map((f) => f.token)).toEqual(['0.10000000000000000001']);
    expect(found[0].path).toEqual(['variables', 'f', ...Array.from({ length: 31 }, () => ['and', 0]).flat(), 'sum', 'eq']);
  });
});
