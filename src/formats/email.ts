// E-mail addresses, checked the way a form would: local@domain with a dot in the domain, no spaces.
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function isValidEmail(s: string): boolean {
  return s.length <= 254 && EMAIL.test(s) && !s.startsWith('.') && !s.includes('..') && !/\.@/.test(s);
}
