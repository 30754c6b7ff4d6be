// Browser-test helpers for the console: polling with a deadline (no fixed sleeps), reading the
// `window.gc` test hook, waiting for the map to settle, logging in, and pixels of a screenshot.
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import type { GcHook } from '../../client/test-hook.ts';

export type { GcHook };

/** Polls `probe` until `done(value)` holds or the deadline passes; returns the last value. */
export async function poll<T>(
  probe: () => Promise<T> | T,
  done: (value: T) => boolean,
  options: { timeout?: number; interval?: number; message?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeout ?? 30_000);
  const interval = options.interval ?? 100;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(
        `${options.message ?? 'condition not met'} (last value: ${JSON.stringify(value)?.slice(0, 500)})`,
      );
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** Runs `fn` against `window.gc` in the page; `fn` must return plain data. */
export function gc<T, A = undefined>(page: Page, fn: (gc: GcHook, arg: A) => T, arg?: A): Promise<T> {
  return page.evaluate(
    ({ source, arg }) => {
      const hook = (window as unknown as { gc?: GcHook }).gc;
      if (!hook) throw new Error('window.gc is not installed');
      return (new Function('gc', 'arg', `return (${source})(gc, arg);`) as (g: GcHook, a: unknown) => T)(
        hook,
        arg,
      );
    },
    { source: fn.toString(), arg: arg as unknown },
  ) as Promise<T>;
}

/** The map has drawn the grids and is idle on two checks in a row. */
export async function waitForMapIdle(page: Page, timeout = 60_000): Promise<void> {
  let streak = 0;
  await poll(
    () => gc(page, (g) => g.idle()),
    (idle) => {
      streak = idle ? streak + 1 : 0;
      return streak >= 2;
    },
    { timeout, interval: 150, message: 'map did not become idle' },
  );
}

export async function waitForLive(page: Page, timeout = 20_000): Promise<void> {
  await poll(
    () => gc(page, (g) => ({ connection: g.connection(), lastSeq: g.lastSeq() })),
    (s) => s.connection === 'live' && s.lastSeq !== null,
    { timeout, message: 'the status stream did not go live (socket server side not available?)' },
  );
}

/** Logs the browser context in through the API (cookie shared with the page). */
export async function loginByApi(
  page: Page,
  baseUrl: string,
  username: string,
  password: string,
): Promise<void> {
  const res = await page.request.post(`${baseUrl}/api/auth/login`, { data: { username, password } });
  if (!res.ok()) throw new Error(`login as ${username} failed: ${res.status()}`);
}

export interface Pixels {
  at(x: number, y: number): [number, number, number];
}

export function readPixels(file: string): Pixels {
  const png = PNG.sync.read(fs.readFileSync(file));
  return {
    at(x, y) {
      const i = (png.width * Math.round(y) + Math.round(x)) * 4;
      return [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
    },
  };
}

export const colorDistance = (a: readonly number[], b: readonly number[]): number =>
  Math.abs(a[0]! - b[0]!) + Math.abs(a[1]! - b[1]!) + Math.abs(a[2]! - b[2]!);

export const hex = (color: string): [number, number, number] => [
  parseInt(color.slice(1, 3), 16),
  parseInt(color.slice(3, 5), 16),
  parseInt(color.slice(5, 7), 16),
];

/** Browser console errors, minus Chromium noise that is not ours. */
export const realErrors = (errors: string[]): string[] =>
  errors.filter((e) => !/Download the React DevTools/.test(e));
