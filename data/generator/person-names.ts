// Synthetic Chinese personal names: a surname weighted towards those common in Tiantai and one or two
// given-name characters drawn from pools that lean male or female.
import type { Rng } from './prng.ts';

/** [surname, relative weight]; 陈 王 张 许 范 庞 齐 are frequent in Tiantai. */
// prettier-ignore
const SURNAMES: readonly (readonly [string, number])[] = [
  ['陈', 12], ['王', 9], ['张', 8], ['许', 6], ['李', 6], ['范', 5], ['庞', 4], ['齐', 4], ['金', 3],
  ['曹', 3], ['徐', 3], ['胡', 3], ['周', 3], ['杨', 3], ['袁', 2], ['赵', 2], ['吴', 2], ['刘', 2],
  ['林', 2], ['黄', 2], ['朱', 2], ['叶', 2], ['孙', 1], ['潘', 2], ['何', 1], ['郑', 2], ['汤', 1],
  ['奚', 1], ['褚', 1], ['丁', 1], ['俞', 1], ['戴', 1], ['裘', 1], ['姜', 1], ['蒋', 1], ['梁', 1],
  ['邱', 1], ['施', 1], ['屈', 1], ['娄', 1], ['夏', 1], ['卢', 1], ['方', 1], ['汪', 1], ['应', 1],
  ['项', 1], ['葛', 1], ['严', 1], ['谢', 1], ['童', 1],
];
const SURNAME_WEIGHTS = SURNAMES.map(([, w]) => w);

const MALE = Array.from(
  '伟强军杰涛斌磊勇超明华建国平海峰浩宇俊鹏飞刚波辉林洋彬晨凯睿轩博文志永德义荣福根忠立成新锋旭阳亮晓天家振光',
);
const FEMALE = Array.from(
  '芳娜敏静丽艳娟霞燕玲萍红洁琳雪梅英华兰凤慧婷颖倩佳欣怡悦雨晨思诗涵瑶琪梦露月秀彩春素翠丹晓',
);

export type Sex = 'male' | 'female';

export function surname(rng: Rng): string {
  return (SURNAMES[rng.weightedIndex(SURNAME_WEIGHTS)] as readonly [string, number])[0];
}

export function givenName(rng: Rng, sex: Sex): string {
  const pool = sex === 'male' ? MALE : FEMALE;
  const first = rng.pick(pool);
  return rng.chance(0.3) ? first : first + rng.pick(pool);
}

export function personName(rng: Rng, sex: Sex, familyName = surname(rng)): string {
  return familyName + givenName(rng, sex);
}
