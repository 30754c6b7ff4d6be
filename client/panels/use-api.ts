// A GET through apiRequest as React state: refetches when the path changes, aborts the previous call.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { z } from 'zod';
import { apiRequest, isAbort, type ApiRequestError } from '../api/http.ts';

export interface ApiState<T> {
  data: T | null;
  error: ApiRequestError | Error | null;
  loading: boolean;
  reload(): void;
}

export function useApi<S extends z.ZodType>(schema: S, path: string | null): ApiState<z.output<S>> {
  const [data, setData] = useState<z.output<S> | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(false);
  const [nonce, setNonce] = useState(0);
  const schemaRef = useRef(schema);
  useEffect(() => {
    if (!path) {
      setData(null);
      setError(null);
      return;
    }
    const controller = new AbortController();
    setLoading(true);
    apiRequest(schemaRef.current, path, { signal: controller.signal }).then(
      (value) => {
        setData(value);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (isAbort(err)) return;
        setError(err as Error);
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [path, nonce]);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { data, error, loading, reload };
}
