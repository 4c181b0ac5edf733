// A minimal static file server for the portal's static mode: the portal folder at `/` and the wasm package
// at `/pkg/`, no API. Loopback only. Also runnable by hand: node static-server.mjs WEB_ROOT PKG_ROOT [PORT].
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript',
  '.mjs': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml',
  '.ts': 'text/plain; charset=utf-8', '.md': 'text/plain; charset=utf-8',
};

async function resolveFile(rootDir, urlPath) {
  const root = path.resolve(rootDir);
  const rel = path.normalize(decodeURIComponent(urlPath)).replace(/^([/\\])+/, '');
  const file = path.join(root, rel);
  if (file !== root && !file.startsWith(`${root}${path.sep}`)) return null;
  try {
    const s = await stat(file);
    if (s.isDirectory()) return resolveFile(root, path.join(rel, 'index.html'));
    return file;
  } catch {
    return null;
  }
}

/** Starts the server on 127.0.0.1 (port 0 = any free port). Resolves to {url, close()}. */
export async function startStaticServer({ webRoot, pkgRoot, port = 0 }) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const isPkg = url.pathname.startsWith('/pkg/');
    const file = await resolveFile(isPkg ? pkgRoot : webRoot, isPkg ? url.pathname.slice(5) : url.pathname);
    if (!file || req.method !== 'GET') {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
      return;
    }
    const body = await readFile(file);
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
      'Cache-Control': 'no-store' });
    res.end(body);
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: actual } = server.address();
  return {
    url: `http://127.0.0.1:${actual}/`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [webRoot, pkgRoot, port] = process.argv.slice(2);
  const s = await startStaticServer({ webRoot, pkgRoot, port: Number(port || 0) });
  console.log(`serving ${webRoot} and ${pkgRoot} at ${s.url}`);
}
