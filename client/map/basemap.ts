// An optional basemap for deployments that have one: a maplibre style URL given at build time
// (VITE_BASEMAP_STYLE) or at run time (`?basemap=<url>`). Its sources and its non-symbol layers go
// under the grids (its labels would need its own glyphs). Without one the map makes no request at all.
import type { LayerSpecification, Map as MaplibreMap, StyleSpecification } from 'maplibre-gl';

export function basemapUrl(): string | null {
  const fromQuery = new URLSearchParams(window.location.search).get('basemap');
  const fromBuild = (import.meta.env.VITE_BASEMAP_STYLE as string | undefined) ?? null;
  return fromQuery || fromBuild || null;
}

export async function addBasemap(
  map: MaplibreMap,
  url: string,
  beforeId: () => string | undefined,
): Promise<void> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`basemap style ${url}: HTTP ${res.status}`);
  const style = (await res.json()) as StyleSpecification;
  const base = new URL(url, window.location.href);
  for (const [id, source] of Object.entries(style.sources)) {
    const resolved = { ...source } as Record<string, unknown>;
    if (typeof resolved.url === 'string') resolved.url = new URL(resolved.url, base).href;
    if (Array.isArray(resolved.tiles))
      resolved.tiles = resolved.tiles.map((t: string) => new URL(t, base).href);
    map.addSource(`basemap:${id}`, resolved as Parameters<MaplibreMap['addSource']>[1]);
  }
  for (const layer of style.layers) {
    if (layer.type === 'symbol' || layer.type === 'background') continue;
    const copy = { ...layer, id: `basemap:${layer.id}` } as LayerSpecification & { source?: string };
    if (copy.source) copy.source = `basemap:${copy.source}`;
    map.addLayer(copy, beforeId());
  }
}
