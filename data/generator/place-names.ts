// Names derived from the reference names: the short village name used in addresses and grid names,
// and road names for the address registry (县城 streets for communities, 村 roads for villages).
import type { Rng } from './prng.ts';

/** 九峰村委会 -> 九峰村 (the committee is the institution, the village is the place); 社区 unchanged. */
export function shortVillageName(name: string): string {
  return name.endsWith('村委会') ? name.slice(0, -2) : name;
}

/** 九峰村委会 -> 九峰, 跃龙社区 -> 跃龙: the stem road names are built from. */
export function villageStem(name: string): string {
  const short = shortVillageName(name);
  if (short.endsWith('社区')) return short.slice(0, -2);
  if (short.endsWith('村') && short.length > 2) return short.slice(0, -1);
  return short;
}

/** 跃龙社区第1网格. */
export function territorialGridName(villageName: string, number: number): string {
  return `${shortVillageName(villageName)}第${number}网格`;
}

/** Streets of the county town, by the subdistrict they run through (some cross into the next). */
// prettier-ignore
const townStreets: Readonly<Record<string, readonly string[]>> = {
  '331023001': [
    '人民东路', '人民西路', '赤城路', '劳动路', '工人路', '飞鹤路', '丰泽路', '玉龙路', '紫凝路', '桥南路',
    '环城东路', '环城南路', '环城北路', '永宁路', '三茅路', '和合路', '寒山路', '文明路', '中山路',
    '东门弄', '文庙弄', '大井弄', '县前弄', '横街弄',
  ],
  '331023002': ['始丰路', '城西路', '兴业路', '环城西路', '人民西路', '桥头弄', '始丰溪路', '西门弄'],
  '331023003': ['福溪路', '国清路', '环城东路', '天台山大道', '赤城山路', '济公路', '东山弄', '福溪弄'],
};

// prettier-ignore
const villageRoadPatterns = [
  '中心路', '前街', '后街', '东路', '西路', '新村路', '溪边路', '大道', '东弄', '西弄', '南弄', '北弄', '老街',
  '一弄', '二弄', '三弄',
];

/** 2-4 roads for a community (from the town's streets) or a village (from its own stem). */
export function roadsFor(rng: Rng, villageName: string, townshipCode: string, community: boolean): string[] {
  const pool = community
    ? (townStreets[townshipCode] ?? townStreets['331023001'] ?? [])
    : villageRoadPatterns.map((suffix) => villageStem(villageName) + suffix);
  const count = Math.min(pool.length, rng.int(2, 4));
  return rng.shuffle(pool.slice()).slice(0, count);
}
