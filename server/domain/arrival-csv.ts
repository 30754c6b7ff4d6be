// Reads an arrivals CSV as exported by township offices: UTF-8 (with or without BOM) or GBK, Chinese or
// English headers, dates with or without a zone (then China time). Pure; returns rows or a reason.
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';

export type CsvEncoding = 'utf-8' | 'gbk';

const headerAliases: Record<string, readonly string[]> = {
  name: ['姓名', '名字', 'name'],
  idNumber: ['身份证号', '身份证号码', '证件号码', '身份证', 'idnumber', 'id_number', 'id'],
  phone: ['手机', '手机号', '手机号码', '联系电话', '电话', 'phone'],
  origin: ['来源地', '来自', '出发地', '来源', 'origin', 'from'],
  arrivedAt: ['到达时间', '抵达时间', '返回时间', '到达日期', 'arrivedat', 'arrived_at'],
  healthCode: ['健康码', '健康码颜色', 'healthcode', 'health_code'],
  address: ['地址', '住址', '居住地址', '现住址', 'address'],
  lon: ['经度', 'lon', 'lng', 'longitude'],
  lat: ['纬度', 'lat', 'latitude'],
};
export type CsvField = keyof typeof headerAliases;
export const requiredFields: readonly CsvField[] = [
  'name',
  'idNumber',
  'phone',
  'origin',
  'arrivedAt',
  'healthCode',
];

const healthCodeWords: Record<string, 'green' | 'yellow' | 'red'> = {
  绿: 'green',
  绿码: 'green',
  green: 'green',
  黄: 'yellow',
  黄码: 'yellow',
  yellow: 'yellow',
  红: 'red',
  红码: 'red',
  red: 'red',
};

export function decodeCsv(bytes: Uint8Array): { text: string; encoding: CsvEncoding } {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { text: text.replace(/^\uFEFF/, ''), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(Buffer.from(bytes), 'gbk'), encoding: 'gbk' };
  }
}

export function parseHealthCode(value: string): 'green' | 'yellow' | 'red' | null {
  return healthCodeWords[value.trim().toLowerCase()] ?? null;
}

/** `2026-11-27 14:30[:00]` or `2026/11/27 14:30` without a zone is China time (UTC+8); ISO passes as is. */
export function parseArrivalTime(value: string): string | null {
  const v = value.trim();
  const local = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(v);
  if (local) {
    const [, y, mo, d, h, mi, s] = local;
    const iso = `${y}-${mo!.padStart(2, '0')}-${d!.padStart(2, '0')}T${h!.padStart(2, '0')}:${mi}:${s ?? '00'}+08:00`;
    return Number.isNaN(Date.parse(iso)) ? null : iso;
  }
  if (
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v) &&
    !Number.isNaN(Date.parse(v))
  )
    return v;
  return null;
}

export interface CsvTable {
  /** Column index of each recognised field. */
  columns: Partial<Record<CsvField, number>>;
  /** Data rows (header excluded); `line` is the 1-based row number in the file, header = 1. */
  rows: { line: number; get(field: CsvField): string }[];
}

export function readArrivalCsv(text: string): CsvTable | { error: string } {
  let records: string[][];
  try {
    records = parse(text, { relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (error) {
    return { error: `not a readable CSV file: ${(error as Error).message}` };
  }
  const [header, ...data] = records;
  if (!header) return { error: 'the file is empty' };
  const columns: Partial<Record<CsvField, number>> = {};
  header.forEach((title, index) => {
    const key = title.replace(/\s+/g, '').toLowerCase();
    for (const [field, aliases] of Object.entries(headerAliases)) {
      if (aliases.includes(key) && columns[field as CsvField] === undefined)
        columns[field as CsvField] = index;
    }
  });
  const missing = requiredFields.filter((field) => columns[field] === undefined);
  const hasLocation =
    columns.address !== undefined || (columns.lon !== undefined && columns.lat !== undefined);
  if (missing.length || !hasLocation) {
    const need = [...missing, ...(hasLocation ? [] : ['address (or lon + lat)'])];
    return {
      error: `missing column(s): ${need.join(', ')} — headers may be Chinese (姓名, 身份证号, …) or English`,
    };
  }
  return {
    columns,
    rows: data.map((cells, i) => ({
      line: i + 2,
      get: (field: CsvField) => {
        const index = columns[field];
        return index === undefined ? '' : (cells[index] ?? '');
      },
    })),
  };
}
