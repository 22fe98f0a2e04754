// YAML merge keys (`<<: *anchor`) in catalogue documents and platform files, as a compiler writes a share
// or an item's settings once: read as YAML 1.1 and most tools read them, the keys written beside `<<`
// winning, and counted with the other aliases against the alias bomb.
import { describe, expect, it } from 'vitest';
import { MAX_ALIAS_COUNT, parseDocuments } from '../src/catalogue/read.ts';
import { DocumentInvalidError } from '../src/catalogue/problems.ts';

const catalogue = `id: XJ-GAT
resources:
  - code: "650000-GAT-00001"
    share: &share { type: conditional, conditions: 仅限行政许可, basis: 户口登记条例, methods: [api] }
    items:
      - &text { name: note, type: text, title: "备注 བོད་ཡིག" }
      - { <<: *text, name: remark }
      - { name: other, <<: [*text, { required: true }] }
  - code: "650000-GAT-00002"
    share: { <<: *share, methods: [api, download] }
`;

describe('YAML merge keys', () => {
  it('merges the anchored mapping, the keys written beside << winning wherever they stand', () => {
    const [doc] = parseDocuments(catalogue, 'gat.yaml') as { resources: { share: unknown; items: unknown[] }[] }[];
    expect(doc.resources[0].items).toEqual([
      { name: 'note', type: 'text', title: '备注 བོད་ཡིག' },
      { name: 'remark', type: 'text', title: '备注 བོད་ཡིག' },
      { name: 'other', type: 'text', title: '备注 བོད་ཡིག', required: true },
    ]);
    expect(doc.resources[1].share).toEqual({ type: 'conditional', conditions: '仅限行政许可', basis: '户口登记条例', methods: ['api', 'download'] });
  });

  it('counts the aliases of merge keys against the alias bomb', () => {
    const layers = Array.from({ length: 20 }, (_, i) => `l${i + 1}: &l${i + 1} { <<: [*l${i}, *l${i}] }`);
    const bomb = ['l0: &l0 { a: 1 }', ...layers].join('\n');
    const problems = (() => {
      try {
        parseDocuments(bomb, 'bomb.yaml');
        return [];
      } catch (err) {
        return (err as DocumentInvalidError).problems;
      }
    })();
    expect(problems).toEqual([{ path: 'bomb.yaml', message: expect.stringContaining(`YAML aliases expand too much (more than ${MAX_ALIAS_COUNT} uses of an alias)`) as string }]);
  });
});
