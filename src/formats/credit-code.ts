// GB 32100 unified social credit codes: registration authority (1 char), entity type (1 char), region
// code (6 digits), organisation code (9 chars, GB 11714) and a check character, all from a 31-character
// set without I, O, S, V and Z. The check character is computed mod 31 over the first 17.

export const CREDIT_CODE_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const FIRST17 = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{9}$/;

/** The check character of a credit code given its first 17 characters. Throws on anything else. */
export function creditCodeCheckChar(first17: string): string {
  if (!FIRST17.test(first17)) throw new Error(`expected 17 characters of a credit code, got "${first17}"`);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CODE_CHARSET.indexOf(first17[i]) * WEIGHTS[i];
  return CREDIT_CODE_CHARSET[(31 - (sum % 31)) % 31];
}

/** 18 characters from the charset, digits in the region code, and the right check character. */
export function isValidCreditCode(s: string): boolean {
  if (s.length !== 18 || !FIRST17.test(s.slice(0, 17))) return false;
  return creditCodeCheckChar(s.slice(0, 17)) === s[17];
}

/** GB 11714 organisation code check character over the first 8 characters (digits and A-Z). */
export function organisationCodeCheckChar(first8: string): string {
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const c = first8.charCodeAt(i);
    sum += (c >= 65 ? c - 55 : c - 48) * weights[i];
  }
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}
