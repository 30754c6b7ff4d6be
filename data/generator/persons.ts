// Households and the people in them: residents with Tiantai ID numbers, and arrival households from
// other cities (ID area code of the origin, arrival in the 14 days before the epoch, registration
// mostly within the hour). Isolation is assigned afterwards, nearest site with room first.
import { idNumberCheckChar } from '../../shared/id-number.ts';
import type { HealthCode } from '../../shared/domain.ts';
import type { ArrivalOrigin } from './arrival-origins.ts';
import { arrivalOriginWeights, arrivalOrigins, TIANTAI_AREA_CODE } from './arrival-origins.ts';
import type { AddressRecord, IsolationSiteRecord, PersonRecord } from './dataset.ts';
import { chinaDate, DAY_MS, HOUR_MS, isoAt, MINUTE_MS } from './epoch.ts';
import type { Sex } from './person-names.ts';
import { personName, surname } from './person-names.ts';
import type { PhoneBook } from './phone-numbers.ts';
import type { Rng } from './prng.ts';
import { metersBetween } from './ring-math.ts';

/** Share of households that arrived from elsewhere in the last 14 days (~3% of persons). */
export const ARRIVAL_HOUSEHOLD_SHARE = 0.03;
/** Share of arrivals who registered more than an hour after arriving. */
export const OVERDUE_SHARE = 0.05;
export const ARRIVAL_WINDOW_MS = 14 * DAY_MS;
export const REGISTRATION_DEADLINE_MS = HOUR_MS;

/** 1-6 persons, mean about 2.6. */
const HOUSEHOLD_SIZE_WEIGHTS = [24, 30, 24, 12, 7, 3];

/** Household sizes adding up to exactly `persons`. */
export function householdSizes(rng: Rng, persons: number): number[] {
  const sizes: number[] = [];
  let left = persons;
  while (left > 0) {
    const size = Math.min(left, rng.weightedIndex(HOUSEHOLD_SIZE_WEIGHTS) + 1);
    sizes.push(size);
    left -= size;
  }
  return sizes;
}

export interface PersonContext {
  epochMs: number;
  phones: PhoneBook;
  /** ID numbers issued so far, to keep them unique. */
  ids: Set<string>;
}

function idNumber(rng: Rng, ids: Set<string>, areaCode: string, birthDate: string, sex: Sex): string {
  const ymd = birthDate.replaceAll('-', '');
  for (;;) {
    const sequence = rng.int(0, 499) * 2 + (sex === 'male' ? 1 : 0);
    const first17 = `${areaCode}${ymd}${String(sequence).padStart(3, '0')}`;
    const id = first17 + idNumberCheckChar(first17);
    if (!ids.has(id)) {
      ids.add(id);
      return id;
    }
  }
}

/** Shares as in the reference county in February 2020: red codes were rare and almost all isolated at a
 *  site, so a red code at home is an alert (the risk rule's "high"), not the normal state of a grid. */
function healthCode(rng: Rng, arrival: boolean): HealthCode {
  const r = rng.next();
  if (arrival) return r < 0.9 ? 'green' : r < 0.98 ? 'yellow' : 'red';
  return r < 0.9955 ? 'green' : r < 0.9996 ? 'yellow' : 'red';
}

interface Member {
  sex: Sex;
  age: number;
  familyName: string;
}

/** Head, spouse, then children (or a parent of an older head). */
function members(rng: Rng, size: number, arrival: boolean): Member[] {
  const headSex: Sex = rng.chance(0.5) ? 'male' : 'female';
  const headAge = arrival ? rng.int(20, 55) : rng.int(25, 62) + Math.floor(rng.next() * rng.next() * 24);
  const head: Member = { sex: headSex, age: headAge, familyName: surname(rng) };
  const list = [head];
  let familyName = head.familyName;
  let youngestParent = headAge;
  if (size >= 2) {
    const spouse: Member = {
      sex: headSex === 'male' ? 'female' : 'male',
      age: Math.max(18, headAge + rng.int(-3, 5) * (headSex === 'male' ? -1 : 1)),
      familyName: surname(rng),
    };
    if (spouse.sex === 'male') familyName = spouse.familyName;
    youngestParent = Math.min(headAge, spouse.age);
    list.push(spouse);
  }
  while (list.length < size) {
    const sex: Sex = rng.chance(0.5) ? 'male' : 'female';
    if (headAge >= 45 && rng.chance(0.3)) {
      list.push({ sex, age: Math.min(98, headAge + rng.int(22, 32)), familyName: surname(rng) });
    } else {
      list.push({ sex, age: Math.max(0, youngestParent - rng.int(22, 36)), familyName });
    }
  }
  return list;
}

export interface Arrival {
  origin: ArrivalOrigin;
  arrivedAtMs: number;
}

/** Draws whether a new household is an arrival household, and from where and when. */
export function drawArrival(rng: Rng, epochMs: number): Arrival | null {
  if (!rng.chance(ARRIVAL_HOUSEHOLD_SHARE)) return null;
  const origin = arrivalOrigins[rng.weightedIndex(arrivalOriginWeights)] as ArrivalOrigin;
  return { origin, arrivedAtMs: epochMs - rng.float(0, ARRIVAL_WINDOW_MS) };
}

export function buildHousehold(
  rng: Rng,
  context: PersonContext,
  address: AddressRecord,
  householdCode: string,
  size: number,
  arrival: Arrival | null,
): PersonRecord[] {
  const { epochMs } = context;
  const areaCode = arrival ? rng.pick(arrival.origin.areaCodes) : TIANTAI_AREA_CODE;
  return members(rng, size, arrival !== null).map((member) => {
    const birthMs = epochMs - (member.age + rng.next()) * 365.2425 * DAY_MS;
    const birthDate = chinaDate(Math.min(birthMs, epochMs - DAY_MS));
    let registeredAtMs: number;
    if (arrival) {
      const sinceArrival = epochMs - arrival.arrivedAtMs;
      registeredAtMs =
        rng.chance(OVERDUE_SHARE) && sinceArrival > REGISTRATION_DEADLINE_MS + 2 * MINUTE_MS
          ? arrival.arrivedAtMs +
            rng.float(REGISTRATION_DEADLINE_MS + MINUTE_MS, Math.min(48 * HOUR_MS, sinceArrival))
          : arrival.arrivedAtMs + rng.float(0, Math.min(REGISTRATION_DEADLINE_MS - MINUTE_MS, sinceArrival));
    } else {
      registeredAtMs = epochMs - rng.float(15 * DAY_MS, 5 * 365 * DAY_MS);
    }
    const left = rng.chance(arrival ? 0.03 : 0.01);
    return {
      idNumber: idNumber(rng, context.ids, areaCode, birthDate, member.sex),
      name: personName(rng, member.sex, member.familyName),
      phone: context.phones.next(rng),
      householdCode,
      addressCode: address.code,
      gridCode: address.gridCode,
      kind: arrival ? 'arrival' : 'resident',
      arrivedAt: arrival ? isoAt(arrival.arrivedAtMs) : null,
      origin: arrival ? arrival.origin.city : null,
      healthCode: healthCode(rng, arrival !== null),
      status: left ? 'left' : 'at_home',
      isolationSiteCode: null,
      registeredAt: isoAt(registeredAtMs),
    };
  });
}

/** Chance that a person with this code is sent to an isolation site (the rest isolate at home). */
function isolationChance(person: PersonRecord): number {
  if (person.healthCode === 'red') return 0.92;
  if (person.healthCode === 'yellow' && person.kind === 'arrival') return 0.03;
  return 0;
}

/** Sends some red/yellow-coded persons to the nearest isolation site that still has room. */
export function assignIsolation(
  rng: Rng,
  persons: PersonRecord[],
  addresses: ReadonlyMap<string, AddressRecord>,
  sites: readonly IsolationSiteRecord[],
): void {
  const occupancy = new Map(sites.map((s) => [s.code, 0]));
  for (const person of persons) {
    if (person.status !== 'at_home') continue;
    const chance = isolationChance(person);
    if (chance === 0 || !rng.chance(chance)) continue;
    const address = addresses.get(person.addressCode);
    if (!address) continue;
    const home: [number, number] = [address.lon, address.lat];
    const site = sites
      .filter((s) => (occupancy.get(s.code) ?? 0) < s.capacity)
      .sort((a, b) => metersBetween(home, [a.lon, a.lat]) - metersBetween(home, [b.lon, b.lat]))[0];
    if (!site) continue;
    occupancy.set(site.code, (occupancy.get(site.code) ?? 0) + 1);
    person.status = 'isolated';
    person.isolationSiteCode = site.code;
  }
}
