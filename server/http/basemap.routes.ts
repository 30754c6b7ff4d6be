// The optional basemap: one PMTiles archive (a file dropped in data/, or BASEMAP_PMTILES) served at a
// fixed URL with HTTP range requests, which is how the browser reads PMTiles (header, directories and
// tiles are byte ranges of the one file). The console learns of it from a <meta> in the app shell, so
// that without a file it makes no basemap request at all.
import fs from 'node:fs';
import path from 'node:path';
import type { Express, Request, Response } from 'express';

export const basemapPath = '/basemap.pmtiles';
export const basemapMetaName = 'gc-basemap';

/** BASEMAP_PMTILES if set, else the first `*.pmtiles` in `dir` (by name), else none. */
export function findBasemap(explicit: string | undefined, dir: string): string | null {
  if (explicit) {
    if (!fs.existsSync(explicit)) throw new Error(`BASEMAP_PMTILES: no such file ${explicit}`);
    return path.resolve(explicit);
  }
  if (!fs.existsSync(dir)) return null;
  const files = fs
    .readdirSync(dir)
    .filter((name) => name.toLowerCase().endsWith('.pmtiles'))
    .sort();
  return files.length ? path.join(dir, files[0]!) : null;
}

export function basemapRoutes(app: Express, file: string): void {
  app.get(basemapPath, (_req: Request, res: Response, next) => {
    // send answers Range with 206 and Content-Range, If-Range/ETag included; no caching of a stale
    // archive beyond revalidation, since an operator may swap the file.
    res.sendFile(
      file,
      {
        acceptRanges: true,
        cacheControl: true,
        maxAge: 0,
        headers: { 'content-type': 'application/vnd.pmtiles' },
      },
      (error) => {
        if (error && !res.headersSent) next(error);
      },
    );
  });
}

/** The app shell with the basemap announced, for the browser to find without asking. */
export function shellWithBasemap(indexHtml: string): string {
  return indexHtml.replace(
    '</head>',
    `    <meta name="${basemapMetaName}" content="${basemapPath}" />\n  </head>`,
  );
}
