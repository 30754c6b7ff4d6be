// Unique, plausible mainland mobile numbers (11 digits with real carrier prefixes).
import type { Rng } from './prng.ts';

// prettier-ignore
const PREFIXES = [
  '130', '131', '132', '133', '134', '135', '136', '137', '138', '139', '150', '151', '152', '153',
  '155', '156', '157', '158', '159', '166', '176', '177', '178', '180', '181', '182', '183', '184',
  '185', '186', '187', '188', '189', '191', '198', '199',
];

/** Hands out numbers that never repeat within one book. */
export class PhoneBook {
  private readonly issued = new Set<string>();

  next(rng: Rng): string {
    for (;;) {
      const phone = rng.pick(PREFIXES) + String(rng.int(0, 99_999_999)).padStart(8, '0');
      if (!this.issued.has(phone)) {
        this.issued.add(phone);
        return phone;
      }
    }
  }
}
