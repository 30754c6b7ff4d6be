// A GET refreshed on an interval and, throttled, whenever the live status moves (so the big screen's
// figures follow the stream without one request per delta).
import { useEffect, useRef, useState } from 'react';
import type { z } from 'zod';
import { apiRequest } from '../api/http.ts';
import { useConsole } from '../state/store.ts';

export function usePolled<S extends z.ZodType>(
  schema: S,
  path: string,
  options: { everyMs: number; onLiveMs: number },
): { data: z.output<S> | null; error: Error | null; updatedAt: Date | null } {
  const [data, setData] = useState<z.output<S> | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
  const last = useRef(0);
  const timer = useRef(0);
  const schemaRef = useRef(schema);

  const fetchNow = useRef(async () => {
    last.current = Date.now();
    try {
      setData(await apiRequest(schemaRef.current, path));
      setError(null);
      setUpdatedAt(new Date());
    } catch (err) {
      setError(err as Error);
    }
  });

  useEffect(() => {
    const run = fetchNow.current;
    void run();
    const interval = window.setInterval(() => void run(), options.everyMs);
    return () => {
      window.clearInterval(interval);
      window.clearTimeout(timer.current);
    };
  }, [options.everyMs]);

  // A store subscription, not a selector: the stream moves the revision with every push, and the
  // component has nothing to re-render until the refetch answers.
  useEffect(
    () =>
      useConsole.subscribe((state, prev) => {
        if (state.live.rev === prev.live.rev || state.live.rev === 0 || timer.current) return;
        const wait = Math.max(0, last.current + options.onLiveMs - Date.now());
        timer.current = window.setTimeout(() => {
          timer.current = 0;
          void fetchNow.current();
        }, wait);
      }),
    [options.onLiveMs],
  );

  return { data, error, updatedAt };
}
