import { describe, expect, it } from 'vitest';
import { normalizeAddress } from './address-normalize.ts';

describe('normalizeAddress', () => {
  it.each([
    ['天台县赤城街道跃龙社区人民东路12号3幢2单元301室', '赤城街道跃龙社区人民东路12号3幢2单元301室'],
    [
      '浙江省台州市天台县 赤城街道 跃龙社区 人民东路１２號３栋２单元３０１室',
      '赤城街道跃龙社区人民东路12号3幢2单元301室',
    ],
    ['赤城街道跃龙社区人民东路12号3号楼2單元301房', '赤城街道跃龙社区人民东路12号3幢2单元301室'],
    ['白鹤镇，下洋村、中心路 ８ 号', '白鹤镇下洋村中心路8号'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeAddress(input)).toBe(expected);
  });
});
