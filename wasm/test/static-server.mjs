// A tiny static file server for the browser test, bound to 127.0.0.1 on a free port.
// Routes: /pkg/* -> the built package, everything else -> the given root folders in order.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.json': 'application/json', '.wasm': 'application/wasm', '.ts': 'text/plain',
};

/** Starts serving; resolves to {url, close()}. mounts: [[urlPrefix, folder], ...], first match wins. */
export function serveStatic(mounts) {
  const server = createServer(async (request, response) => {
    let pathname = decodeURIComponent(new URL(request.url, 'http://127.0.0.1').pathname);
    if (pathname.endsWith('/')) pathname += 'index.html';
    for (const [prefix, folder] of mounts) {
      if (!pathname.startsWith(prefix)) continue;
      const file = path.resolve(folder, `.${pathname.slice(prefix.length - 1)}`);
      if (!file.startsWith(path.resolve(folder))) break; // no escaping the folder
      try {
        const body = await readFile(file);
        response.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
        response.end(body);
        return;
      } catch {
        // try the next mount
      }
    }
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('not found');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}
