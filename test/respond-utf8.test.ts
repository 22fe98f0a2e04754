// The answers' encoding (src/server/http/respond.ts): the same bytes as Buffer.from, each answer its own
// buffer although they are encoded in one scratch buffer.
import { describe, expect, it } from 'vitest';
import { utf8 } from '../src/server/http/respond.ts';

describe('utf8', () => {
  it('encodes as Buffer.from does: ASCII, Chinese, astral and lone surrogates, empty, past the scratch bound', () => {
    const texts = ['', '{"data":null}', '{"name":"长沙市星城食品有限责任公司"}', '😀 汉字', 'x\ud800y\udc00', '汉'.repeat(100_000), 'a'.repeat(300_000)];
    for (const text of texts) expect(utf8(text).equals(Buffer.from(text))).toBe(true);
  });

  it('hands out copies: an answer is not overwritten by the next', () => {
    const first = utf8('{"name":"侯*"}');
    utf8('{"other":"answer that is longer"}');
    expect(first.toString()).toBe('{"name":"侯*"}');
  });
});
