import { describe, expect, it } from 'vitest';
import type { Resource } from '../src/model/catalogue.ts';
import { validateRecord } from '../src/records/validate.ts';
import { Decimal } from '../src/formats/decimal.ts';

const dec = (text: string) => Decimal.parse(text)!;

const resource: Resource = {
  code: '430000-GA-00009',
  name: 'Test resource',
  provider: '430000-GA',
  graphql: { type: 'T', list: 'ts', byKey: 't' },
  key: 'idNumber',
  share: { type: 'unconditional', methods: ['api'] },
  items: [
    { name: 'idNumber', type: 'string', length: 18, required: true, format: 'idcard' },
    { name: 'fullName', type: 'string', length: 4 },
    { name: 'notes', type: 'text' },
    { name: 'age', type: 'int' },
    { name: 'height', type: 'float' },
    { name: 'allowance', type: 'decimal' },
    { name: 'insured', type: 'boolean' },
    { name: 'birthDate', type: 'date' },
    { name: 'registeredAt', type: 'datetime' },
    { name: 'status', type: 'enum', values: ['active', 'ended'] },
    { name: 'employerCode', type: 'string', format: 'credit-code' },
    { name: 'phone', type: 'string', format: 'phone' },
    { name: 'email', type: 'string', format: 'email' },
    { name: 'caseNo', type: 'string', pattern: '^DB[0-9]{4}$' },
  ],
};

const ID = '11010519491231002X';
const nulls = Object.fromEntries(resource.items.map((i) => [i.name, null]));

describe('validateRecord', () => {
  it('converts a good JSON record to a row with every item', () => {
    expect(validateRecord(resource, {
      idNumber: ID, fullName: '欧阳娜娜', notes: '', age: 42, height: 1.72, allowance: '650.50', insured: true,
      birthDate: '1984-02-29', registeredAt: '2026-03-01T09:30:00+08:00', status: 'active',
      employerCode: '91350100M000100Y43', phone: '13812345678', email: 'li.na@hunan.gov.cn', caseNo: 'DB0001',
    }, 3)).toEqual({
      row: {
        idNumber: ID, fullName: '欧阳娜娜', notes: '', age: 42, height: 1.72, allowance: dec('650.50'), insured: true,
        birthDate: '1984-02-29', registeredAt: '2026-03-01T01:30:00.000Z', status: 'active',
        employerCode: '91350100M000100Y43', phone: '13812345678', email: 'li.na@hunan.gov.cn', caseNo: 'DB0001',
      },
      problems: [],
    });
  });

  it('converts CSV strings: numbers, booleans, nulls', () => {
    const csv = { fromText: true };
    expect(validateRecord(resource, { idNumber: ID, age: '-7', height: '1e2', allowance: ' 0.5 ', insured: '0', status: null }, 2, csv))
      .toEqual({ row: { ...nulls, idNumber: ID, age: -7, height: 100, allowance: dec('0.5'), insured: false }, problems: [] });
    expect(validateRecord(resource, { idNumber: ID, insured: '1', registeredAt: '2026-03-01T09:30Z' }, 2, csv).row)
      .toEqual({ ...nulls, idNumber: ID, insured: true, registeredAt: '2026-03-01T09:30:00.000Z' });
  });

  it.each([
    [{ birthDate: '1990-02-30' }, 'line 7: birthDate: "1990-02-30" is not a date (YYYY-MM-DD)'],
    [{ birthDate: '1990-2-3' }, 'line 7: birthDate: "1990-2-3" is not a date (YYYY-MM-DD)'],
    [{ registeredAt: '2026-03-01 09:30:00' }, 'line 7: registeredAt: "2026-03-01 09:30:00" is not a date and time (ISO 8601 with an offset, e.g. 2026-03-01T09:30:00+08:00)'],
    [{ registeredAt: '2026-03-01T09:30:00' }, 'line 7: registeredAt: "2026-03-01T09:30:00" is not a date and time (ISO 8601 with an offset, e.g. 2026-03-01T09:30:00+08:00)'],
    [{ registeredAt: '2026-02-29T09:30:00Z' }, 'line 7: registeredAt: "2026-02-29T09:30:00Z" is not a date and time (ISO 8601 with an offset, e.g. 2026-03-01T09:30:00+08:00)'],
    [{ age: 1.5 }, 'line 7: age: 1.5 is not an integer'],
    [{ age: '12a' }, 'line 7: age: "12a" is not an integer'],
    [{ age: 2 ** 60 }, 'line 7: age: 1152921504606847000 is not an integer'],
    // GraphQL's Int holds 32 bits: a larger value would import and then fail every read of the record.
    [{ age: 3000000000 }, 'line 7: age: 3000000000 is not an integer within GraphQL\'s Int (-2147483648 to 2147483647); declare the item as decimal for larger whole numbers'],
    [{ age: '-2147483649' }, 'line 7: age: "-2147483649" is not an integer within GraphQL\'s Int (-2147483648 to 2147483647); declare the item as decimal for larger whole numbers'],
    [{ height: 'tall' }, 'line 7: height: "tall" is not a number'],
    [{ allowance: '650,50' }, 'line 7: allowance: "650,50" is not a decimal number (digits with an optional sign and fraction, e.g. "1234.50"; no exponent; at most 34 digits)'],
    // One grammar with the Decimal scalar (src/formats/decimal.ts): what cannot be a filter value does not import.
    [{ allowance: '1e3' }, 'line 7: allowance: "1e3" is not a decimal number (digits with an optional sign and fraction, e.g. "1234.50"; no exponent; at most 34 digits)'],
    [{ allowance: '.5' }, 'line 7: allowance: ".5" is not a decimal number (digits with an optional sign and fraction, e.g. "1234.50"; no exponent; at most 34 digits)'],
    [{ insured: 'yes' }, 'line 7: insured: "yes" is not a boolean (true, false, 1 or 0)'],
    [{ status: 'Active' }, 'line 7: status: "Active" is not one of active, ended; did you mean "active"?'],
    // As the GraphQL answers write an enum value: the value meant, in the catalogue's case.
    [{ status: 'ENDED' }, 'line 7: status: "ENDED" is not one of active, ended; did you mean "ended"?'],
    [{ status: 'actve' }, 'line 7: status: "actve" is not one of active, ended; did you mean "active"?'],
    [{ status: 'gone' }, 'line 7: status: "gone" is not one of active, ended'],
    [{ fullName: 42 }, 'line 7: fullName: 42 is not a string'],
    // Half of a surrogate pair (a JSON line's "\ud800"): refused on its line, as a catalogue's text is;
    // MongoDB's store refused the whole import at the write, naming no line, and SQLite's kept it.
    [{ notes: 'a\ud800b' }, 'line 7: notes: "a\\ud800b" is not a string of characters: this one holds half of a surrogate pair (\\ud800, character 2), which is no character and cannot be stored as UTF-8; write the character itself, or both halves of its pair'],
    [{ fullName: '\udc00' }, 'line 7: fullName: "\\udc00" is not a string of characters: this one holds half of a surrogate pair (\\udc00, character 1), which is no character and cannot be stored as UTF-8; write the character itself, or both halves of its pair'],
    [{ fullName: '欧阳娜娜子' }, 'line 7: fullName: "欧阳娜娜子" is longer than 4 characters (5)'],
    [{ employerCode: '91350100M000100Y44' }, 'line 7: employerCode: "91350100M000100Y44" is not a valid unified social credit code (18 characters, GB 32100 check character)'],
    [{ phone: '12812345678' }, 'line 7: phone: "12812345678" is not a mainland mobile number (11 digits, 1[3-9]...)'],
    [{ email: 'li.na@' }, 'line 7: email: "li.na@" is not an e-mail address'],
    [{ caseNo: 'DB12' }, 'line 7: caseNo: "DB12" does not match the pattern ^DB[0-9]{4}$'],
    [{ extra: 1 }, 'line 7: extra: is not an item of 430000-GA-00009 (items: idNumber, fullName, notes, age, height, allowance, insured, birthDate, registeredAt, status, employerCode, phone, email, caseNo)'],
  ])('%j → %s', (fields, message) => {
    expect(validateRecord(resource, { idNumber: ID, ...fields }, 7, { fromText: true })).toEqual({ problems: [message] });
  });

  it('an int item takes the whole range of GraphQL\'s Int', () => {
    expect(validateRecord(resource, { idNumber: ID, age: 2147483647 }, 1).row!.age).toBe(2147483647);
    expect(validateRecord(resource, { idNumber: ID, age: '-2147483648' }, 1, { fromText: true }).row!.age).toBe(-2147483648);
  });

  it.each([
    [{ age: '7' }, 'line 3: age: "7" is not an integer (a JSON number, not a string)'],
    [{ height: '1.5' }, 'line 3: height: "1.5" is not a number (a JSON number, not a string)'],
    [{ insured: 'true' }, 'line 3: insured: "true" is not a boolean (true or false)'],
    [{ insured: 1 }, 'line 3: insured: 1 is not a boolean (true or false)'],
  ])('in JSON a value of the wrong type is refused: %j', (fields, message) => {
    expect(validateRecord(resource, { idNumber: ID, ...fields }, 3)).toEqual({ problems: [message] });
  });

  it('a decimal keeps its digits and scale; a JSON number has none, and too many digits for a double are refused', () => {
    const allowance = (value: unknown, fromText = false) => validateRecord(resource, { idNumber: ID, allowance: value }, 5, { fromText });
    expect(String(allowance('450.10').row!.allowance)).toBe('450.10');
    expect(String(allowance('12345678901234567.89').row!.allowance)).toBe('12345678901234567.89');
    expect(String(allowance(' -0.00 ', true).row!.allowance)).toBe('-0.00');
    expect(String(allowance('+007.50').row!.allowance)).toBe('7.50'); // no "+", no leading zeros: Decimal128 keeps neither
    expect(String(allowance(450.10).row!.allowance)).toBe('450.1'); // JSON.parse already dropped the zero
    expect(String(allowance(1e-7).row!.allowance)).toBe('0.0000001');
    expect(allowance(12345678901234567.89).problems).toEqual([
      'line 5: allowance: 12345678901234568 is not a decimal written as a string: a number with more than 15 significant digits may already have lost digits',
    ]);
    expect(allowance('1' + '0'.repeat(34)).problems).toEqual([
      `line 5: allowance: "1${'0'.repeat(34)}" is not a decimal number (digits with an optional sign and fraction, e.g. "1234.50"; no exponent; at most 34 digits)`,
    ]);
    expect(String(allowance('0.' + '0'.repeat(33) + '1').row!.allowance)).toBe('0.' + '0'.repeat(33) + '1'); // 34 digits
    expect(allowance('0.' + '0'.repeat(34) + '1').problems).toHaveLength(1);
    expect(allowance('0'.repeat(150) + '1.5').row!.allowance).toEqual(dec('1.5'));
    expect(allowance('0'.repeat(1000) + '1').problems).toHaveLength(1); // not read at all
  });

  it('a number past a double\'s range is refused, never stored as null: a CSV cell 1e400, a JSON number 1e400', () => {
    // Number('1e400') is Infinity, which the store's JSON keeps as null: a required float was imported
    // empty, exit status 0. JSON.parse gives Infinity for the JSON number, shown as "null" in the message.
    const float = "a number within a double's range (about ±1.8e308)";
    expect(validateRecord(resource, { idNumber: ID, height: '1e400' }, 2, { fromText: true }).problems).toEqual([`line 2: height: "1e400" is not ${float}`]);
    expect(validateRecord(resource, { idNumber: ID, height: '-1e999' }, 2, { fromText: true }).problems).toEqual([`line 2: height: "-1e999" is not ${float}`]);
    expect(validateRecord(resource, { idNumber: ID, height: '1e300' }, 2, { fromText: true }).row!.height).toBe(1e300);
    expect(validateRecord(resource, JSON.parse(`{"idNumber":"${ID}","height":1e400}`), 4).problems).toEqual([`line 4: height: a number past a double's range (over 1.8e308) is not ${float}`]);
    expect(validateRecord(resource, JSON.parse(`{"idNumber":"${ID}","age":-1e400}`), 4).problems).toEqual(["line 4: age: a number past a double's range (below -1.8e308) is not an integer"]);
  });

  it('reports every problem of a record, in item order', () => {
    expect(validateRecord(resource, { idNumber: '110105194912310021', age: 'x', status: 'gone' }, 12, { fromText: true })).toEqual({
      problems: [
        'line 12: idNumber: "110105194912310021" is not a valid ID number (18 characters, GB 11643 check digit)',
        'line 12: age: "x" is not an integer',
        'line 12: status: "gone" is not one of active, ended',
      ],
    });
  });

  it('a row scope\'s item written with full-width digits, blanks or invisible characters is refused: it would match no region', () => {
    const scoped: Resource = {
      ...resource, code: '430000-GA-00010', share: { type: 'unconditional', methods: ['api'], scope: { rows: { item: 'caseNo' } } },
      items: [{ name: 'idNumber', type: 'string', required: true }, { name: 'caseNo', type: 'string' }, { name: 'notes', type: 'text' }],
    };
    const problems = (caseNo: string) => validateRecord(scoped, { idNumber: ID, caseNo, notes: ` ${caseNo}` }, 3).problems;
    const refused = (value: string, plain: string) =>
      [`line 3: caseNo: ${JSON.stringify(value)} is not written as a division code is (ASCII digits and letters, no spaces or invisible characters), so the row scope would show the record to no department of its region; write ${JSON.stringify(plain)}`];
    expect(problems('４３０１０２')).toEqual(refused('４３０１０２', '430102'));
    expect(problems(' 430102')).toEqual(refused(' 430102', '430102'));
    expect(problems('430102\u3000')).toEqual(refused('430102\u3000', '430102'));
    expect(problems('\u200b430102')).toEqual(refused('\u200b430102', '430102'));
    expect(problems('\ufeff43010219491231002X')).toEqual(refused('\ufeff43010219491231002X', '43010219491231002X'));
    // As written, and any other item (notes holds a blank before the value): taken.
    expect(problems('430102')).toEqual([]);
    expect(problems('43010219491231002X')).toEqual([]);
  });

  it('checks a link item as the item it links to holds its values', () => {
    // A register keyed by case number, holding ID numbers (format idcard) and names that are not its key.
    const register: Resource = {
      ...resource, code: '430000-GA-00010', key: 'caseNo',
      items: [{ name: 'caseNo', type: 'string' }, { name: 'holderId', type: 'string', format: 'idcard' }, { name: 'holder', type: 'string' }],
    };
    const linking: Resource = {
      ...resource, code: '430000-MZ-00010', key: 'no',
      items: [
        { name: 'no', type: 'string' },
        { name: 'caseNo', type: 'string', link: { resource: register.code, item: 'caseNo', field: 'byCase' } },
        { name: 'holderId', type: 'string', link: { resource: register.code, item: 'holderId', field: 'byId' } },
        { name: 'holder', type: 'string', link: { resource: register.code, item: 'holder', field: 'byHolder' } },
      ],
    };
    const linked = (code: string) => (code === register.code ? register : undefined);
    const problems = (record: Record<string, unknown>) => validateRecord(linking, { no: 'N1', ...record }, 5, { linked }).problems;
    // A name with blanks around it: the register holds names as written.
    expect(problems({ holder: ' 李四 ' })).toEqual([]);
    // A link to the key: the key's spelling rules, naming the key linked to.
    expect(problems({ caseNo: ' C1' })).toEqual([
      'line 5: caseNo: " C1" is not written as a link to the key caseNo of 430000-GA-00010 is (NFC, ASCII letters and digits rather than full-width ones, no blanks before or after), so a lookup by its usual spelling would not find it; write "C1"',
    ]);
    // The linked item's format: an 'x' check character is the number the register holds with 'X'; a wrong check digit is none.
    expect(problems({ holderId: '11010519491231002x' })).toEqual([]);
    expect(problems({ holderId: '110105194912310021' })).toEqual([
      'line 5: holderId: "110105194912310021" is not a valid ID number (18 characters, GB 11643 check digit), as holderId of 430000-GA-00010 requires, so a link to the item holderId of 430000-GA-00010 would meet no record',
    ]);
  });

  it('a required item must have a value', () => {
    expect(validateRecord(resource, {}, 4)).toEqual({ problems: ['line 4: idNumber: a value is required'] });
    expect(validateRecord(resource, { idNumber: '' }, 4)).toEqual({ problems: ['line 4: idNumber: a value is required'] });
    expect(validateRecord(resource, { idNumber: null }, 4)).toEqual({ problems: ['line 4: idNumber: a value is required'] });
  });

  it('an empty string is null for non-string items, a value for string items', () => {
    expect(validateRecord(resource, { idNumber: ID, age: '', birthDate: '', fullName: '' }, 1).row)
      .toEqual({ ...nulls, idNumber: ID, fullName: '' });
  });

  it('cuts long values short in messages', () => {
    expect(validateRecord(resource, { idNumber: ID, fullName: 'x'.repeat(100) }, 1).problems)
      .toEqual([`line 1: fullName: "${'x'.repeat(76)}... is longer than 4 characters (100)`]);
  });
});
