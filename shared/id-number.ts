// Chinese resident identity numbers (GB 11643-1999) and masking of personal data for display.
// An ID is 6 digits of area code, 8 of birth date, 3 of sequence (odd = male) and an ISO 7064
// MOD 11-2 check character (0-9 or X).

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/** Province-level prefixes in use (mainland, Taiwan, Hong Kong, Macao). */
// prettier-ignore
const PROVINCE_PREFIXES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82',
]);

/** The check character for the first 17 digits. */
export function idNumberCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error('idNumberCheckChar: expected 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] as number);
  return CHECK_CHARS[sum % 11] as string;
}

/** The birth date encoded in an ID (YYYY-MM-DD), or null if it is not a real calendar date. */
export function idNumberBirthDate(id: string): string | null {
  const match = /^\d{6}(\d{4})(\d{2})(\d{2})/.exec(id);
  if (!match) return null;
  const [, y, m, d] = match as unknown as [string, string, string, string];
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  const valid =
    date.getUTCFullYear() === Number(y) &&
    date.getUTCMonth() === Number(m) - 1 &&
    date.getUTCDate() === Number(d);
  return valid ? `${y}-${m}-${d}` : null;
}

/**
 * Format, province prefix, a real birth date between 1900-01-01 and `today`, and checksum.
 * The check character must be an upper-case X.
 */
export function isValidIdNumber(id: string, today: Date = new Date()): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  if (!PROVINCE_PREFIXES.has(id.slice(0, 2))) return false;
  const birth = idNumberBirthDate(id);
  if (!birth || birth < '1900-01-01' || birth > today.toISOString().slice(0, 10)) return false;
  return idNumberCheckChar(id.slice(0, 17)) === id[17];
}

/** 'male' for an odd sequence digit, 'female' for an even one. */
export function idNumberSex(id: string): 'male' | 'female' {
  return Number(id[16]) % 2 === 1 ? 'male' : 'female';
}

/** First 4 and last 4 characters kept: 331023199001011234 -> 3310**********1234. */
export function maskIdNumber(id: string): string {
  if (id.length <= 8) return '*'.repeat(id.length);
  return id.slice(0, 4) + '*'.repeat(id.length - 8) + id.slice(-4);
}

/** 13812341234 -> 138****1234. */
export function maskPhone(phone: string): string {
  if (phone.length <= 7) return '*'.repeat(phone.length);
  return phone.slice(0, 3) + '*'.repeat(phone.length - 7) + phone.slice(-4);
}

/** Surname kept, the rest starred: 张三 -> 张*, 张三丰 -> 张**. */
export function maskName(name: string): string {
  const chars = Array.from(name);
  if (chars.length <= 1) return name;
  return (chars[0] as string) + '*'.repeat(chars.length - 1);
}
