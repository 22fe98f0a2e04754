// Mainland China mobile numbers: 11 digits, '1' then 3-9, e.g. 13812345678 (no country code, no spaces).
export function isValidPhone(s: string): boolean {
  return /^1[3-9]\d{9}$/.test(s);
}
