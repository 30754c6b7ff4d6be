// Browser side of bench/render.ts: plain JavaScript installed into the console page as `window.__bench`
// (a string, not a serialised TS function, so no bundler helper such as tsx's `__name` leaks into the page).
// It uses only `window.gc.map` (client/test-hook.ts). Every loop is bounded in time.

/** Shapes returned to Node (plain data only). */
export interface FrameStats {
  frames: number;
  p50: number;
  p95: number;
  mean: number;
  max: number;
  seconds: number;
}
export interface StreamStats extends FrameStats {
  issued: number;
  rate: number;
}
export interface RefreshSample {
  n: number;
  reps: number;
  /** Median ms of the setFeatureState calls themselves. */
  js: number;
  /** Median ms of a synchronous redraw (GPU work included) with no change, just before. */
  base: number;
  /** Median ms of the synchronous redraw that applied the batch. */
  frame: number;
  /** Median of (frame − base) per rep. */
  extra: number;
  /** Fastest no-change and with-change redraws (least disturbed by other load on the machine). */
  baseMin: number;
  frameMin: number;
}
export interface ProvinceRender {
  ok: boolean;
  ms: number;
  stateMs: number;
  reason: string;
}

export const pageScript = String.raw`
(() => {
  const map = () => {
    const m = window.gc && window.gc.map;
    if (!m) throw new Error('window.gc.map is not available');
    return m;
  };
  const q = (sorted, p) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN;
  const median = (values) => q([...values].sort((a, b) => a - b), 0.5);
  const stats = (deltas, seconds) => {
    const s = [...deltas].sort((a, b) => a - b);
    const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, s.length);
    return { frames: s.length, p50: q(s, 0.5), p95: q(s, 0.95), mean, max: s.length ? s[s.length - 1] : NaN, seconds };
  };
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r()));

  /** rAF deltas while forcing a repaint every frame, for ms milliseconds. */
  function frames(ms) {
    const m = map();
    const deltas = [];
    let last = null;
    const start = performance.now();
    return new Promise((resolve) => {
      const step = (t) => {
        if (last !== null) deltas.push(t - last);
        last = t;
        if (performance.now() - start >= ms) {
          resolve(stats(deltas, (performance.now() - start) / 1000));
          return;
        }
        m.triggerRepaint();
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    });
  }

  /** Random feature-state writes at rate/s on source (ids from idList) while frames(ms) is measured. */
  async function streamLocal(source, idList, rate, warmMs, ms) {
    const m = map();
    let issued = 0;
    let value = 1;
    const start = performance.now();
    const pump = () => {
      const due = Math.floor(((performance.now() - start) * rate) / 1000) - issued;
      for (let i = 0; i < due; i++) {
        const id = idList[Math.floor(Math.random() * idList.length)];
        value = (value * 7 + 3) % 23;
        m.setFeatureState({ source, id }, { risk: value % 3, health: (value >> 1) % 3, openTasks: value, arrivals24h: value, overdue: value % 6 });
      }
      if (due > 0) issued += due;
    };
    const timer = setInterval(pump, 10);
    try {
      await sleep(warmMs);
      const issuedBefore = issued;
      const t0 = performance.now();
      const result = await frames(ms);
      const seconds = (performance.now() - t0) / 1000;
      return { ...result, issued: issued - issuedBefore, rate: (issued - issuedBefore) / seconds };
    } finally {
      clearInterval(timer);
    }
  }

  /** Waits for maplibre's 'idle' (bounded). */
  function idle(timeoutMs) {
    const m = map();
    return new Promise((resolve) => {
      let done = false;
      const finish = (ok) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        m.off('idle', onIdle);
        resolve(ok);
      };
      const onIdle = () => finish(true);
      const timer = setTimeout(() => finish(false), timeoutMs);
      m.on('idle', onIdle);
      m.triggerRepaint();
    });
  }

  /** Cost of one setFeatureState batch of n grids: the JS calls, then a synchronous redraw (map.redraw)
   *  completed on the GPU (1-pixel readPixels), against a redraw with no change just before it. */
  async function refreshCost(source, idList, sizes, reps, budgetMs) {
    const m = map();
    const canvas = m.getCanvas();
    const gl = canvas.getContext('webgl2') || canvas.getContext('webgl');
    const px = new Uint8Array(4);
    const draw = () => {
      const t0 = performance.now();
      m.redraw();
      gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
      return performance.now() - t0;
    };
    if (window.gc.realtime) window.gc.realtime.pause();
    await idle(5000);
    const out = [];
    const deadline = performance.now() + budgetMs;
    let flip = 0;
    for (const n of sizes) {
      const js = [], base = [], frame = [], extra = [];
      const min = (a) => Math.min(...a);
      for (let r = 0; r < reps && performance.now() < deadline; r++) {
        await nextFrame();
        draw(); // absorbs work still queued from earlier frames, so that b and f start alike
        const b = draw();
        flip++;
        const ids = new Set();
        while (ids.size < Math.min(n, idList.length)) ids.add(idList[Math.floor(Math.random() * idList.length)]);
        const v = flip % 2 ? 40 : 0;
        const t0 = performance.now();
        for (const id of ids) m.setFeatureState({ source, id }, { openTasks: v, arrivals24h: v, overdue: v ? 5 : 0, risk: v ? 2 : 0, health: v ? 2 : 0 });
        const t1 = performance.now();
        const f = draw();
        js.push(t1 - t0);
        base.push(b);
        frame.push(f);
        extra.push(f - b);
      }
      out.push({ n: Math.min(n, idList.length), reps: js.length, js: median(js), base: median(base), frame: median(frame), extra: median(extra),
        baseMin: min(base), frameMin: min(frame) });
    }
    if (window.gc.realtime) window.gc.realtime.resume();
    return out;
  }

  /** Adds the province grids as a GeoJSON source styled like the console's territorial grids. */
  async function addProvince(url, count, bounds, timeoutMs) {
    const m = map();
    for (const id of ['territorial-fill', 'territorial-line', 'territorial-highlight'])
      if (m.getLayer(id)) m.setLayoutProperty(id, 'visibility', 'none');
    const before = m.getLayer('territorial-fill') ? 'territorial-fill' : undefined;
    const t0 = performance.now();
    m.addSource('bench-province', { type: 'geojson', data: url });
    m.addLayer({ id: 'bench-province-fill', type: 'fill', source: 'bench-province',
      paint: { 'fill-color': m.getPaintProperty('territorial-fill', 'fill-color'),
               'fill-opacity': m.getPaintProperty('territorial-fill', 'fill-opacity') } }, before);
    m.addLayer({ id: 'bench-province-line', type: 'line', source: 'bench-province',
      paint: { 'line-color': '#9fc9d6', 'line-opacity': 0.4, 'line-width': 0.3 } }, before);
    const s0 = performance.now();
    for (let id = 0; id < count; id++) {
      const v = (id * 2654435761) % 13;
      m.setFeatureState({ source: 'bench-province', id }, { risk: v % 3, health: v % 3, openTasks: v, arrivals24h: v, overdue: v % 6 });
    }
    const stateMs = performance.now() - s0;
    m.fitBounds(bounds, { padding: 10, duration: 0 });
    const ok = await new Promise((resolve) => {
      const deadline = performance.now() + timeoutMs;
      const check = () => {
        if (m.isSourceLoaded('bench-province') && m.loaded() && m.areTilesLoaded() && !m.isMoving()) resolve(true);
        else if (performance.now() > deadline) resolve(false);
        else setTimeout(check, 50);
      };
      m.once('idle', check);
      setTimeout(check, 100);
    });
    return { ok, ms: performance.now() - t0, stateMs, reason: ok ? '' : 'not idle within ' + timeoutMs + ' ms' };
  }

  window.__bench = { frames, streamLocal, refreshCost, addProvince, idle };
})();
`;
