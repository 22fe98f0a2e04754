// The purpose of a request (SPEC §6): the `x-purpose` header, one code of the platform's vocabulary.
// Absent: null (rows of the access table that need a purpose then answer PURPOSE_REQUIRED). Present but
// empty, repeated (Node joins repeated headers with ", "), too long or unknown: BAD_USER_INPUT.
import { identifierFault, trimWhiteSpace } from '../model/identifier-text.ts';
import type { Platform } from '../model/platform.ts';
import { BadUserInputError } from './errors.ts';

export const MAX_PURPOSE_LENGTH = 100;

const vocabularies = new WeakMap<Platform, Set<string>>();

function vocabulary(platform: Platform): Set<string> {
  let codes = vocabularies.get(platform);
  if (!codes) {
    codes = new Set(platform.purposes.map((p) => p.code));
    vocabularies.set(platform, codes);
  }
  return codes;
}

/**
 * The header as the client typed it: Node reads header bytes as Latin-1, so a name typed in Chinese (sent
 * as UTF-8) would come back to its sender as mojibake. Codes are ASCII (the platform file's pattern), so
 * this only serves the message.
 */
function asSent(value: string): string {
  if (!/[\u0080-\u00ff]/.test(value) || /[^\u0000-\u00ff]/.test(value)) return value;
  const text = Buffer.from(value, 'latin1').toString('utf8');
  return text.includes('\ufffd') ? value : text;
}

export function parsePurpose(header: string | string[] | undefined, platform: Platform): string | null {
  if (header === undefined) return null;
  const valid = () => platform.purposes.map((p) => p.code).join(', ');
  const values = Array.isArray(header) ? header : [header];
  if (values.length !== 1 || values[0].includes(',')) {
    throw new BadUserInputError(`Send one purpose in the \`x-purpose\` header, not several; valid codes: ${valid()}.`);
  }
  const code = trimWhiteSpace(values[0]); // not trim(): it takes U+FEFF, a forwarded purpose's too (identifier-text.ts)
  if (code === '') throw new BadUserInputError(`The \`x-purpose\` header is empty; send one of: ${valid()}.`);
  if (code.length > MAX_PURPOSE_LENGTH) {
    throw new BadUserInputError(`The \`x-purpose\` header is longer than ${MAX_PURPOSE_LENGTH} characters; send one of: ${valid()}.`);
  }
  if (!vocabulary(platform).has(code)) {
    // `welfare-review` + U+200B, quoted, reads as a valid code, in the answer and the refusal's audit
    // entry; a C1 control (a header that is no UTF-8) would act on the terminal that prints the log.
    const fault = identifierFault(asSent(code));
    if (fault) throw new BadUserInputError(`The purpose in the \`x-purpose\` header ${fault}; send one of: ${valid()}.`);
    throw new BadUserInputError(`Unknown purpose ${JSON.stringify(asSent(code))} in the \`x-purpose\` header; send one of: ${valid()}.`);
  }
  return code;
}
