// Valid synthetic ID numbers and arrival payloads for tests.
import { idNumberCheckChar } from '../../shared/id-number.ts';

/** A valid 18-character ID number from Wuhan (420106), born in 1990, unique per `n` (< 1000 per day). */
export function testIdNumber(n: number): string {
  const day = String(1 + (Math.floor(n / 1000) % 28)).padStart(2, '0');
  const first17 = `42010619900${String(1 + (Math.floor(n / 28000) % 9))}${day}${String(n % 1000).padStart(3, '0')}`;
  return first17 + idNumberCheckChar(first17);
}

export const hoursAgo = (hours: number): string => new Date(Date.now() - hours * 3_600_000).toISOString();
