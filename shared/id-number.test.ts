import { describe, expect, it } from 'vitest';
import {
  idNumberBirthDate,
  idNumberCheckChar,
  idNumberSex,
  isValidIdNumber,
  maskIdNumber,
  maskName,
  maskPhone,
} from './id-number.ts';

describe('ID numbers (GB 11643-1999)', () => {
  it('computes the ISO 7064 MOD 11-2 check character', () => {
    // The example from the standard's explanatory material.
    expect(idNumberCheckChar('11010519491231002')).toBe('X');
    expect(idNumberCheckChar('33102319900101123')).toBe(
      '10X98765432'[
        [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2].reduce(
          (sum, w, i) => sum + w * Number('33102319900101123'[i]),
          0,
        ) % 11
      ],
    );
    expect(() => idNumberCheckChar('1234')).toThrow();
  });

  it('accepts valid numbers and rejects bad checksums, dates and formats', () => {
    const today = new Date('2026-01-01T00:00:00Z');
    expect(isValidIdNumber('11010519491231002X', today)).toBe(true);
    const first17 = '33102320000229001';
    const valid = first17 + idNumberCheckChar(first17);
    expect(isValidIdNumber(valid, today)).toBe(true);
    const wrongCheck = first17 + (valid.endsWith('0') ? '1' : '0');
    expect(isValidIdNumber(wrongCheck, today)).toBe(false);
    expect(isValidIdNumber('11010519491231002x', today)).toBe(false); // lower-case x
    expect(isValidIdNumber('1101051949123100', today)).toBe(false);
    const feb30 = '33102319990230001';
    expect(isValidIdNumber(feb30 + idNumberCheckChar(feb30), today)).toBe(false);
    const future = '33102320300101001';
    expect(isValidIdNumber(future + idNumberCheckChar(future), today)).toBe(false);
    const ancient = '33102318800101001';
    expect(isValidIdNumber(ancient + idNumberCheckChar(ancient), today)).toBe(false);
    const noProvince = '99102319900101001';
    expect(isValidIdNumber(noProvince + idNumberCheckChar(noProvince), today)).toBe(false);
  });

  it('reads birth date and sex', () => {
    expect(idNumberBirthDate('11010519491231002X')).toBe('1949-12-31');
    expect(idNumberSex('11010519491231002X')).toBe('female');
    expect(idNumberSex('11010519491231001X')).toBe('male');
  });
});

describe('masking', () => {
  it('masks ID numbers to the first and last four characters', () => {
    expect(maskIdNumber('331023199001011234')).toBe('3310**********1234');
    expect(maskIdNumber('1234')).toBe('****');
  });

  it('masks mobile numbers', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
    expect(maskPhone('123')).toBe('***');
  });

  it('keeps only the surname', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('张')).toBe('张');
    expect(maskName('')).toBe('');
  });
});
