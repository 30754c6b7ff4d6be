// SQL that renders stored geometry as RFC 7946 GeoJSON: exterior rings counter-clockwise, a lone
// polygon as Polygon rather than a one-part MultiPolygon, 7 decimals (~1 cm).
export const areaGeoJsonSql = (geom: string): string =>
  `ST_AsGeoJSON(ST_ForcePolygonCCW(CASE WHEN ST_NumGeometries(${geom}) = 1 THEN ST_GeometryN(${geom}, 1) ELSE ${geom} END), 7)::json`;

export const pointGeoJsonSql = (geom: string): string => `ST_AsGeoJSON(${geom}, 7)::json`;
