// Starts the real `acmepolicy serve` on a free loopback port with a temporary SQLite database, and talks
// to its REST API (seeding the inventory the browser tests use).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

async function freePort() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts the server. binary: path of the acmepolicy CLI; webRoot, wasmRoot: what it serves at / and /pkg/;
 * extra: more `serve` arguments (e.g. a NanoMDM URL). Resolves to {url, token, database, api(method, path,
 * body, token?), close()}; rejects with the server's log when it does
 * not become healthy within 15 s.
 */
export async function startAcmepolicyServer({ binary, webRoot, wasmRoot, extra = [] }) {
  const dir = await mkdtemp(path.join(tmpdir(), 'acmepolicy-portal-'));
  const tokenFile = path.join(dir, 'acmepolicy.token');
  let log = '';
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/`;
    const child = spawn(binary, ['serve', '--listen', `127.0.0.1:${port}`,
      '--database', `sqlite:${path.join(dir, 'acmepolicy.db')}`, '--admin-token-file', tokenFile,
      '--web-root', webRoot, '--wasm-root', wasmRoot, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => { log += d; });
    child.stderr.on('data', (d) => { log += d; });
    let exited = false;
    child.on('exit', () => { exited = true; });
    for (let i = 0; i < 150 && !exited; i += 1) {
      try {
        const r = await fetch(`${url}api/v1/health`);
        if (r.ok) {
          const token = (await readFile(tokenFile, 'utf8')).trim();
          const api = async (method, p, body, as = token) => {
            const res = await fetch(`${url}api/v1${p}`, {
              method,
              headers: { Authorization: `Bearer ${as}`, 'Content-Type': 'application/json' },
              body: body === undefined ? undefined : JSON.stringify(body),
            });
            const text = await res.text();
            return { status: res.status, body: text ? JSON.parse(text) : null };
          };
          return {
            url, token, api, log: () => log, database: `sqlite:${path.join(dir, 'acmepolicy.db')}`,
            close: async () => {
              if (!exited) {
                child.kill('SIGTERM');
                for (let j = 0; j < 50 && !exited; j += 1) await sleep(100);
                if (!exited) child.kill('SIGKILL');
              }
              await rm(dir, { recursive: true, force: true });
            },
          };
        }
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    if (!exited) child.kill('SIGKILL');
    if (!/address already in use|bind/i.test(log)) break;
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`acmepolicy serve did not become healthy:\n${log}`);
}
