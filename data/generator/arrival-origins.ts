// Where arrivals come from: real prefecture-level cities with real district codes, used both as the
// arrival's origin and as the area code of their ID number. Zhejiang and nearby cities dominate.

export interface ArrivalOrigin {
  city: string;
  /** County-level area codes (first 6 digits of an ID number) within the city. */
  areaCodes: readonly string[];
  weight: number;
}

export const arrivalOrigins: readonly ArrivalOrigin[] = [
  { city: '杭州市', areaCodes: ['330102', '330105', '330106', '330108', '330109', '330110'], weight: 10 },
  { city: '宁波市', areaCodes: ['330203', '330205', '330206', '330212'], weight: 8 },
  {
    city: '台州市',
    areaCodes: ['331002', '331003', '331004', '331022', '331024', '331081', '331082'],
    weight: 10,
  },
  { city: '绍兴市', areaCodes: ['330602', '330624', '330683'], weight: 6 },
  { city: '温州市', areaCodes: ['330302', '330303', '330304', '330381', '330382'], weight: 6 },
  { city: '金华市', areaCodes: ['330702', '330782', '330783'], weight: 5 },
  { city: '上海市', areaCodes: ['310101', '310104', '310105', '310106', '310115'], weight: 8 },
  { city: '武汉市', areaCodes: ['420102', '420103', '420104', '420106', '420111'], weight: 4 },
  { city: '深圳市', areaCodes: ['440303', '440304', '440305', '440306'], weight: 3 },
  { city: '广州市', areaCodes: ['440103', '440104', '440106'], weight: 2 },
  { city: '北京市', areaCodes: ['110101', '110102', '110105', '110108'], weight: 2 },
  { city: '南京市', areaCodes: ['320102', '320104', '320106'], weight: 2 },
  { city: '苏州市', areaCodes: ['320505', '320506', '320508'], weight: 3 },
  { city: '合肥市', areaCodes: ['340102', '340103', '340104'], weight: 2 },
  { city: '南昌市', areaCodes: ['360102', '360103'], weight: 1 },
  { city: '长沙市', areaCodes: ['430102', '430103', '430104'], weight: 1 },
  { city: '郑州市', areaCodes: ['410102', '410103', '410105'], weight: 1 },
  { city: '成都市', areaCodes: ['510104', '510105', '510107'], weight: 1 },
  { city: '重庆市', areaCodes: ['500103', '500106'], weight: 1 },
  { city: '西安市', areaCodes: ['610102', '610103', '610113'], weight: 1 },
  { city: '福州市', areaCodes: ['350102', '350103'], weight: 1 },
  { city: '厦门市', areaCodes: ['350203', '350206'], weight: 1 },
  { city: '黄冈市', areaCodes: ['421102'], weight: 1 },
  { city: '孝感市', areaCodes: ['420902'], weight: 1 },
];

export const arrivalOriginWeights: readonly number[] = arrivalOrigins.map((o) => o.weight);

/** Area code of Tiantai County, for residents' ID numbers. */
export const TIANTAI_AREA_CODE = '331023';
