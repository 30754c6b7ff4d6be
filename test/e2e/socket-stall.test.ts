// A console whose page stalls while its socket connects (a busy wall display drawing a large grid set)
// outlives the server's heartbeat: the server closes that connection, and the console must reconnect
// without a failed request. Over HTTP long-polling it did not: the page, once free, polled with the
// closed session's id and got "400 Session ID unknown" (the intermittent console error of bench:render).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type Browser } from '../support/browser.ts';
import { loginByApi, poll, realErrors, waitForLive } from '../support/console-page.ts';
import { createTestDb, demoPassword, type TestDb } from '../support/test-db.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/** A short heartbeat, so that a stall of a few seconds outlives it (the product's is 10 s + 8 s). */
const heartbeat = { pingIntervalMs: 1000, pingTimeoutMs: 1000 };
const stallMs = heartbeat.pingIntervalMs + heartbeat.pingTimeoutMs + 2000;

let db: TestDb;
let server: TestServer;
let browser: Browser;
const closes: string[] = [];
const failed: string[] = [];

beforeAll(async () => {
  db = await createTestDb();
  server = await startTestServer(db, { clientDir: path.resolve('dist/client'), heartbeat });
  server.console.realtime.io.engine.on(
    'connection',
    (socket: { on(e: 'close', f: (r: string) => void): void }) =>
      socket.on('close', (reason) => closes.push(reason)),
  );
  browser = await openBrowser({ width: 960, height: 640 });
  browser.page.on('response', (res) => {
    if (res.status() >= 400) failed.push(`${res.status()} ${res.request().method()} ${res.url()}`);
  });
  await loginByApi(browser.page, server.baseUrl, 'dispatcher', demoPassword);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await db?.drop();
});

describe('a page that stalls while its socket connects', () => {
  it('reconnects after the server gave up on it, with no failed request', async () => {
    const { page } = browser;
    // Stall the main thread once, just after the first Socket.IO request or WebSocket is opened,
    // whichever transport the console starts with.
    await page.addInitScript((ms: number) => {
      let stalled = false;
      const stall = (): void => {
        if (stalled) return;
        stalled = true;
        setTimeout(() => {
          const end = Date.now() + ms;
          while (Date.now() < end);
        }, 0);
      };
      const isSocket = (url: string | URL): boolean => String(url).includes('/socket.io/');
      const open = XMLHttpRequest.prototype.open;
      XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, ...args: unknown[]) {
        if (isSocket(args[1] as string)) stall();
        return (open as (...a: unknown[]) => void).apply(this, args);
      } as typeof open;
      const Native = window.WebSocket;
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          if (isSocket(url)) stall();
        }
      };
    }, stallMs);
    await page.goto(`${server.baseUrl}/`);
    // The stall outlived the heartbeat: the server closed the console's first connection.
    await poll(
      () => Promise.resolve(closes.length),
      (n) => n >= 1,
      { timeout: 30_000, message: 'the server never closed the stalled connection' },
    );
    expect(closes[0]).toBe('ping timeout');
    await waitForLive(page, 30_000);
    expect(failed).toEqual([]);
    expect(realErrors(browser.consoleErrors)).toEqual([]);
  });
});
