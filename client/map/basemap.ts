// An optional basemap, drawn under the grids. Either a PMTiles archive the server announces in the app
// shell (`<meta name="gc-basemap">`, a file dropped in data/), read with HTTP range requests through the
// `pmtiles` protocol and styled here from its own header and metadata; or a maplibre style URL given at
// build time (VITE_BASEMAP_STYLE) or at run time (`?basemap=<url>`), whose sources may be `pmtiles://`.
// Only its non-symbol layers are used (its labels would need its own glyphs). Without either, the map
// makes no basemap request at all (the pmtiles module itself is loaded only when one is configured).
import * as maplibregl from 'maplibre-gl';
import type {
  LayerSpecification,
  Map as MaplibreMap,
  SourceSpecification,
  StyleSpecification,
} from 'maplibre-gl';
import type * as Pmtiles from 'pmtiles';

export type BasemapSource = { kind: 'pmtiles'; url: string } | { kind: 'style'; url: string };

/** Layer ids of the basemap start with this prefix. */
export const basemapPrefix = 'basemap:';

export function basemapSource(): BasemapSource | null {
  const fromQuery = new URLSearchParams(window.location.search).get('basemap');
  const fromBuild = (import.meta.env.VITE_BASEMAP_STYLE as string | undefined) ?? null;
  const fromServer = document.querySelector<HTMLMetaElement>('meta[name="gc-basemap"]')?.content ?? null;
  const style = fromQuery || fromBuild;
  if (style)
    return style.endsWith('.pmtiles') ? { kind: 'pmtiles', url: style } : { kind: 'style', url: style };
  return fromServer ? { kind: 'pmtiles', url: fromServer } : null;
}

let protocolAdded = false;
async function pmtilesProtocol(): Promise<typeof Pmtiles> {
  const pmtiles = await import('pmtiles');
  if (!protocolAdded) {
    protocolAdded = true;
    maplibregl.addProtocol('pmtiles', new pmtiles.Protocol().tile);
  }
  return pmtiles;
}

/** Muted colours for a dark console: the basemap is context, the grids are the content. */
const land = '#13222d';
const water = '#0a1c2b';
const road = '#2a4150';
const isWater = (id: string): boolean => /water|ocean|sea|lake|river/i.test(id);

interface VectorLayerInfo {
  id: string;
}

/** A style for one PMTiles archive, from its header (raster or vector tiles) and metadata (layers). */
async function pmtilesStyle(url: string): Promise<{
  sources: Record<string, SourceSpecification>;
  layers: LayerSpecification[];
}> {
  const pmtiles = await pmtilesProtocol();
  const absolute = new URL(url, window.location.href).href;
  const archive = new pmtiles.PMTiles(absolute);
  const header = await archive.getHeader();
  const source = `pmtiles://${absolute}`;
  if (header.tileType === pmtiles.TileType.Mvt) {
    const metadata = (await archive.getMetadata()) as { vector_layers?: VectorLayerInfo[] } | null;
    const vectorLayers = metadata?.vector_layers ?? [];
    const layers: LayerSpecification[] = [];
    for (const { id } of vectorLayers) {
      layers.push({
        id: `${id}-fill`,
        type: 'fill',
        source: 'pmtiles',
        'source-layer': id,
        filter: ['==', ['geometry-type'], 'Polygon'],
        paint: { 'fill-color': isWater(id) ? water : land, 'fill-opacity': 0.9 },
      });
      layers.push({
        id: `${id}-line`,
        type: 'line',
        source: 'pmtiles',
        'source-layer': id,
        filter: ['==', ['geometry-type'], 'LineString'],
        paint: { 'line-color': isWater(id) ? water : road, 'line-width': 0.8 },
      });
    }
    return { sources: { pmtiles: { type: 'vector', url: source } }, layers };
  }
  return {
    sources: { pmtiles: { type: 'raster', url: source, tileSize: 256 } },
    // Dimmed so that a light raster basemap stays behind the grid colours.
    layers: [
      {
        id: 'raster',
        type: 'raster',
        source: 'pmtiles',
        paint: { 'raster-brightness-max': 0.6, 'raster-saturation': -0.4 },
      },
    ],
  };
}

async function styleFromUrl(url: string): Promise<{
  sources: Record<string, SourceSpecification>;
  layers: LayerSpecification[];
}> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`basemap style ${url}: HTTP ${res.status}`);
  const style = (await res.json()) as StyleSpecification;
  const base = new URL(url, window.location.href);
  const sources: Record<string, SourceSpecification> = {};
  for (const [id, source] of Object.entries(style.sources)) {
    const resolved = { ...source } as Record<string, unknown>;
    if (typeof resolved.url === 'string') {
      if (resolved.url.startsWith('pmtiles://')) {
        await pmtilesProtocol();
        resolved.url = `pmtiles://${new URL(resolved.url.slice('pmtiles://'.length), base).href}`;
      } else resolved.url = new URL(resolved.url, base).href;
    }
    if (Array.isArray(resolved.tiles))
      resolved.tiles = resolved.tiles.map((t: string) => new URL(t, base).href);
    sources[id] = resolved as SourceSpecification;
  }
  const layers = style.layers.filter((l) => l.type !== 'symbol' && l.type !== 'background');
  return { sources, layers };
}

/** Adds the basemap directly above the background, under everything the console draws. */
export async function addBasemap(map: MaplibreMap, basemap: BasemapSource): Promise<void> {
  const { sources, layers } =
    basemap.kind === 'pmtiles' ? await pmtilesStyle(basemap.url) : await styleFromUrl(basemap.url);
  for (const [id, source] of Object.entries(sources)) map.addSource(`${basemapPrefix}${id}`, source);
  for (const layer of layers) {
    const copy = { ...layer, id: `${basemapPrefix}${layer.id}` } as LayerSpecification & { source?: string };
    if (copy.source) copy.source = `${basemapPrefix}${copy.source}`;
    // Above the background and any basemap layer added before it, below the first console layer.
    const styleLayers = map.getStyle().layers;
    const firstOwn = styleLayers.find((l) => l.type !== 'background' && !l.id.startsWith(basemapPrefix));
    map.addLayer(copy, firstOwn?.id);
  }
}
