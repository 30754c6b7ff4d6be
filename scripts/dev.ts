// Development: the API server restarted on change (node --watch) and Vite's dev server with hot reload,
// which proxies /api and /socket.io to the API server.
import { spawn } from 'node:child_process';

const children = [
  spawn(
    process.execPath,
    ['--watch-path=server', '--watch-path=shared', '--import', 'tsx', 'server/main.ts'],
    {
      stdio: 'inherit',
      env: { ...process.env, PORT: process.env.PORT ?? '8080' },
    },
  ),
  spawn(process.execPath, ['node_modules/vite/bin/vite.js', '--port', process.env.DEV_PORT ?? '5173'], {
    stdio: 'inherit',
  }),
];

const stop = (): void => {
  for (const child of children) child.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const child of children) child.on('exit', stop);
