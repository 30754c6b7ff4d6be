import { beforeAll, describe, expect, it } from 'vitest';
import { AddressIndex, type IndexedAddress } from './address-index.ts';

const roads = ['人民东路', '赤城路', '始丰路', '中心街'];
const villages = [
  { township: '赤城街道', village: '跃龙社区' },
  { township: '赤城街道', village: '妙山社区' },
  { township: '白鹤镇', village: '下洋村' },
];

let addresses: IndexedAddress[];
let index: AddressIndex;
beforeAll(() => {
  addresses = [];
  let id = 1;
  for (const { township, village } of villages) {
    for (const road of roads) {
      for (let number = 1; number <= 30; number++) {
        addresses.push({
          id: id++,
          text: `天台县${township}${village}${road}${number}号`,
          township,
          village,
          gridId: id % 7,
          lon: 121,
          lat: 29,
        });
        addresses.push({
          id: id++,
          text: `天台县${township}${village}${road}${number}号2幢1单元301室`,
          township,
          village,
          gridId: id % 7,
          lon: 121,
          lat: 29,
        });
      }
    }
  }
  index = new AddressIndex(addresses);
});

describe('AddressIndex', () => {
  it('resolves the exact text and its variants to one address', () => {
    const target = addresses.find((a) => a.text === '天台县赤城街道跃龙社区人民东路12号2幢1单元301室')!;
    for (const query of [
      target.text,
      '浙江省台州市天台县赤城街道跃龙社区人民东路１２号２栋１单元３０１室',
      '赤城街道 跃龙社区 人民东路12号2幢1单元301室',
      '跃龙社区人民东路12号2号楼1单元301房',
    ]) {
      expect(index.resolveExact(query)?.id).toBe(target.id);
    }
  });

  it('does not resolve a prefix-free text that is ambiguous across villages', () => {
    expect(index.resolveExact('人民东路12号')).toBeNull();
    expect(index.search('人民东路12号', 10).filter((c) => c.match === 'exact')).toHaveLength(3);
  });

  it('autocompletes a partial address, prefixes first', () => {
    const results = index.search('赤城街道妙山社区赤城路1', 5);
    expect(results).toHaveLength(5);
    expect(results.every((r) => r.text.includes('妙山社区赤城路1'))).toBe(true);
    expect(results[0]!.match).toBe('prefix');
    expect(results[0]!.text).toBe('天台县赤城街道妙山社区赤城路1号');
  });

  it('offers ranked fuzzy candidates for a misspelt address and never an exact match', () => {
    const results = index.search('白鹤镇下洋村中心路8号', 5); // 中心街 in the registry
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((r) => r.match === 'fuzzy')).toBe(true);
    expect(results[0]!.text).toMatch(/下洋村中心街8号/);
    expect(index.resolveExact('白鹤镇下洋村中心路8号')).toBeNull();
    const scores = results.map((r) => r.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('returns nothing for nothing', () => {
    expect(index.search('   ')).toEqual([]);
    expect(index.search('纽约第五大道')).toEqual([]);
  });
});
