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
  /** The raw rAF deltas (ms), for pooling across rounds. */
  deltas: number[];
}
export interface StreamStats extends FrameStats {
  issued: number;
  rate: number;
}
/** Median and quartiles of a sample. */
export interface Spread {
  median: number;
  p25: number;
  p75: number;
}
export interface RefreshSample {
  n: number;
  reps: number;
  /** ms of the setFeatureState calls themselves. */
  js: Spread;
  /** ms maplibre spent applying the batch when it next drew: the source's prepare() (feature-state
   *  coalescing, paint-array updates of the changed features, paint-buffer uploads), minus the same
   *  call in the no-change redraw just before. */
  apply: Spread;
  /** js + apply, per rep: the colour-refresh cost. */
  cost: Spread;
  /** Whole synchronous redraw with the batch minus the no-change redraw before it (GPU done; noisy). */
  extra: Spread;
}
export interface PairedStats {
  pairs: number;
  /** Changes applied before each streamed redraw (rate × the no-change redraw time). */
  changes: Spread;
  plain: Spread;
  streamed: Spread;
  /** Per-pair streamed ÷ plain. */
  ratio: Spread;
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
  const spread = (values) => {
    const s = [...values].sort((a, b) => a - b);
    return { median: q(s, 0.5), p25: q(s, 0.25), p75: q(s, 0.75) };
  };
  const shuffle = (list) => {
    const a = [...list];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  };
  /** Times the source's prepare() (where maplibre applies feature-state changes to its tiles). */
  const timePrepare = (m, source) => {
    const managers = m.style && (m.style.tileManagers || m.style.sourceCaches);
    const manager = managers && managers[source];
    if (!manager || typeof manager.prepare !== 'function') throw new Error('no tile manager for ' + source);
    const original = manager.prepare;
    const timer = { ms: 0, restore: () => { manager.prepare = original; } };
    manager.prepare = function (context) {
      const t0 = performance.now();
      try { return original.call(this, context); } finally { timer.ms += performance.now() - t0; }
    };
    return timer;
  };
  let flip = 0;
  const stateFor = (v) => ({ openTasks: v, arrivals24h: v, overdue: v ? 5 : 0, risk: v ? 2 : 0, health: v ? 2 : 0 });
  const pick = (idList, n) => {
    const ids = new Set();
    const k = Math.min(n, idList.length);
    if (k === idList.length) return [...idList];
    while (ids.size < k) ids.add(idList[Math.floor(Math.random() * idList.length)]);
    return [...ids];
  };
  const stats = (deltas, seconds) => {
    const s = [...deltas].sort((a, b) => a - b);
    const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, s.length);
    return { frames: s.length, p50: q(s, 0.5), p95: q(s, 0.95), mean, max: s.length ? s[s.length - 1] : NaN, seconds, deltas };
  };
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r()));

  /** rAF deltas while forcing a repaint every frame, for ms milliseconds; beforeFrame (optional) runs at
   *  the start of every frame callback and once when the window ends. */
  function frames(ms, beforeFrame) {
    const m = map();
    const deltas = [];
    let last = null;
    const start = performance.now();
    return new Promise((resolve) => {
      const step = (t) => {
        if (last !== null) deltas.push(t - last);
        last = t;
        if (beforeFrame) beforeFrame();
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
    // A frame of the province set blocks the page for seconds, and timers with it: the pump also runs
    // at every frame (so each frame carries all the changes due by then) and at both ends of the window
    // (so the count covers the window exactly, not up to the last timer that fired inside it).
    const timer = setInterval(pump, 10);
    try {
      await sleep(warmMs);
      pump();
      const issuedBefore = issued;
      const t0 = performance.now();
      const result = await frames(ms, pump);
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

  /** A synchronous redraw (map.redraw) completed on the GPU (1-pixel readPixels); returns ms. */
  const drawer = (m) => {
    const canvas = m.getCanvas();
    const gl = canvas.getContext('webgl2') || canvas.getContext('webgl');
    const px = new Uint8Array(4);
    return () => {
      const t0 = performance.now();
      m.redraw();
      gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
      return performance.now() - t0;
    };
  };

  /** Cost of one setFeatureState batch of n grids: the JS calls, plus what maplibre spends applying them
   *  when it next draws (timed inside the source's prepare()), against a no-change redraw just before.
   *  Every rep visits all sizes in a new random order, so drift in machine load spreads over all sizes. */
  async function refreshCost(source, idList, sizes, reps, budgetMs) {
    const m = map();
    const draw = drawer(m);
    if (window.gc.realtime) window.gc.realtime.pause();
    await idle(5000);
    const prep = timePrepare(m, source);
    const acc = new Map(sizes.map((n) => [n, { js: [], apply: [], cost: [], extra: [] }]));
    const deadline = performance.now() + budgetMs;
    try {
      for (let r = 0; r < reps && performance.now() < deadline; r++) {
        for (const n of shuffle(sizes)) {
          await nextFrame();
          draw(); // absorbs work still queued from earlier frames, so that b and f start alike
          prep.ms = 0;
          const b = draw();
          const pb = prep.ms;
          flip++;
          const ids = pick(idList, n);
          const state = stateFor(flip % 2 ? 40 : 0);
          const t0 = performance.now();
          for (const id of ids) m.setFeatureState({ source, id }, state);
          const js = performance.now() - t0;
          prep.ms = 0;
          const f = draw();
          const a = acc.get(n);
          a.js.push(js);
          a.apply.push(prep.ms - pb);
          a.cost.push(js + prep.ms - pb);
          a.extra.push(f - b);
        }
      }
    } finally {
      prep.restore();
      if (window.gc.realtime) window.gc.realtime.resume();
    }
    return sizes.map((n) => {
      const a = acc.get(n);
      return { n: Math.min(n, idList.length), reps: a.js.length, js: spread(a.js), apply: spread(a.apply),
        cost: spread(a.cost), extra: spread(a.extra) };
    });
  }

  /** Paired synchronous redraws: a forced redraw with no change and a redraw after the changes that
   *  arrive at rate/s during one such redraw, in alternating order, pairs times (bounded by budgetMs). */
  async function paired(source, idList, rate, pairs, budgetMs) {
    const m = map();
    const draw = drawer(m);
    if (window.gc.realtime) window.gc.realtime.pause();
    await idle(5000);
    const plain = [], streamed = [], ratio = [], changes = [];
    const deadline = performance.now() + budgetMs;
    let lastPlain = NaN;
    try {
      for (let i = 0; i < pairs && performance.now() < deadline; i++) {
        await nextFrame();
        draw();
        const streamedRun = () => {
          const n = Math.max(1, Math.round((rate * (Number.isFinite(lastPlain) ? lastPlain : 100)) / 1000));
          flip++;
          let value = flip;
          for (let k = 0; k < n; k++) {
            const id = idList[Math.floor(Math.random() * idList.length)];
            value = (value * 7 + 3) % 23;
            m.setFeatureState({ source, id }, { risk: value % 3, health: (value >> 1) % 3, openTasks: value, arrivals24h: value, overdue: value % 6 });
          }
          changes.push(n);
          return draw();
        };
        let p, s;
        if (i % 2 === 0) { p = draw(); lastPlain = p; s = streamedRun(); }
        else { s = streamedRun(); p = draw(); lastPlain = p; }
        plain.push(p);
        streamed.push(s);
        ratio.push(s / p);
      }
    } finally {
      if (window.gc.realtime) window.gc.realtime.resume();
    }
    return { pairs: ratio.length, changes: spread(changes), plain: spread(plain), streamed: spread(streamed), ratio: spread(ratio) };
  }

  /** Adds the province grids as a GeoJSON source styled like the console's territorial grids. */
  async function addProvince(url, count, bounds, timeoutMs) {
    const m = map();
    for (const id of ['territorial-fill', 'territorial-line', 'territorial-flash', 'territorial-highlight'])
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

  /** Control: the map's setFeatureState becomes a no-op (on; for the given sources only, or all when
   *  none are given) or is restored (off). */
  let realSetFeatureState = null;
  function dropFeatureState(on, sources) {
    const m = map();
    if (on && !realSetFeatureState) {
      const real = m.setFeatureState;
      realSetFeatureState = real;
      m.setFeatureState = function (target, state) {
        if (sources && !sources.includes(target.source)) return real.call(this, target, state);
        return this;
      };
    } else if (!on && realSetFeatureState) {
      m.setFeatureState = realSetFeatureState;
      realSetFeatureState = null;
    }
  }

  window.__bench = { frames, streamLocal, refreshCost, paired, addProvince, idle, dropFeatureState };
})();
`;
