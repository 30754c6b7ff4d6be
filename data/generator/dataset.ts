// The shape of a generated reference dataset: what the generator produces and the loader writes.
// Geometry is GeoJSON in WGS84 (lon, lat). Codes are the keys that tie records together.
import type { MultiPolygon, Polygon } from 'geojson';
import type {
  CheckpointKind,
  GridWorkerRole,
  HealthCode,
  OccupantKind,
  OccupantStatus,
  RegionKind,
  SectorKind,
} from '../../shared/domain.ts';

export type Area = Polygon | MultiPolygon;

export interface GenerateOptions {
  /** PRNG seed; the same seed and options give byte-identical output. */
  seed: number;
  /**
   * Fraction of the full population (600,000) to generate: 1 = full set, 0.01 = small test set
   * (0 < scale <= 4). Polygons, grids, workers, checkpoints and sites are the same at every scale.
   */
  scale: number;
  /**
   * ISO 8601 instant every generated timestamp is derived from (arrivals fall in the 14 days before
   * it, registrations and isolation-site openings before it). Fixed epoch => identical output; a
   * loader may pass "now". Default: DEFAULT_EPOCH in generate.ts.
   */
  epoch: string;
}

export interface RegionRecord {
  code: string;
  /** Official name as in data/reference (villages keep the 村委会 suffix, e.g. 九峰村委会). */
  name: string;
  kind: RegionKind;
  parentCode: string | null;
  geometry: Area;
  /** Planned resident count the generator aimed for (the loaded persons are the truth). */
  population: number;
}

export interface TerritorialGridRecord {
  /** `<villageCode>-<NN>`, e.g. 331023001040-01. */
  code: string;
  name: string;
  villageCode: string;
  geometry: Area;
  /** Planned resident count at this scale (the persons living in the grid add up to it). */
  population: number;
}

export interface SectorGridRecord {
  code: string;
  name: string;
  sectorKind: SectorKind;
  geometry: Area;
}

export interface GridWorkerRecord {
  code: string;
  name: string;
  phone: string;
  /** The territorial grid this worker belongs to. */
  gridCode: string;
  role: GridWorkerRole;
  /** Sector grids (行业网格) this worker also looks after; every sector grid has at least one worker. */
  sectorGridCodes: string[];
}

/** A standard address (标准地址). Parts hold bare values; `text` adds 号/幢/单元/室. */
export interface AddressRecord {
  /** `<gridCode>-A<NNNN>`. */
  code: string;
  /** Township name, e.g. 赤城街道. */
  township: string;
  /** Village or community name as used in addresses, e.g. 跃龙社区, 九峰村. */
  village: string;
  /** Road, street or lane, e.g. 人民东路, 九峰中心路, 文庙弄. */
  road: string;
  /** House number without 号, e.g. '12'. */
  number: string;
  /** Building (幢), unit (单元) and room (室) numbers in urban communities; null for village houses. */
  building: string | null;
  unit: string | null;
  room: string | null;
  /** Full display text, e.g. 天台县赤城街道跃龙社区人民东路12号3幢2单元301室. */
  text: string;
  lon: number;
  lat: number;
  /** The territorial grid strictly containing (lon, lat). */
  gridCode: string;
}

export interface PersonRecord {
  idNumber: string;
  name: string;
  phone: string;
  householdCode: string;
  addressCode: string;
  gridCode: string;
  kind: OccupantKind;
  /** ISO timestamp (UTC); arrivals only, within the 14 days before the epoch. */
  arrivedAt: string | null;
  /** City the arrival came from, e.g. 武汉市; arrivals only. */
  origin: string | null;
  healthCode: HealthCode;
  status: OccupantStatus;
  /** Set exactly when status is 'isolated'. */
  isolationSiteCode: string | null;
  /** ISO timestamp (UTC): arrivals mostly within 1 hour of arriving, ~5% later (overdue). */
  registeredAt: string;
}

export interface CheckpointRecord {
  code: string;
  name: string;
  kind: CheckpointKind;
  lon: number;
  lat: number;
  gridCode: string;
  staffing: number;
}

export interface IsolationSiteRecord {
  code: string;
  name: string;
  lon: number;
  lat: number;
  gridCode: string;
  capacity: number;
  /** Date (YYYY-MM-DD, China time), 15-20 days before the epoch; 丰泽 opened first. */
  openedOn: string;
}

export interface Dataset {
  options: GenerateOptions;
  county: RegionRecord;
  townships: RegionRecord[];
  villages: RegionRecord[];
  territorialGrids: TerritorialGridRecord[];
  sectorGrids: SectorGridRecord[];
  gridWorkers: GridWorkerRecord[];
  addresses: AddressRecord[];
  persons: PersonRecord[];
  checkpoints: CheckpointRecord[];
  isolationSites: IsolationSiteRecord[];
}
