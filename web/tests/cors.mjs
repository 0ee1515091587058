// Cross-origin browser test: a page on another origin (another port) reads the TileJSON, a tile
// and items from `chanye serve` without any --cors-origin, and is refused a write with a token;
// with --cors-origin naming it, the same write passes the preflight. Exits non-zero on a failure.

import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fromRepo = (p) => (isAbsolute(p) ? p : join(repo, p));
const BIN = fromRepo(process.env.CHANYE_BIN || 'target/debug/chanye');
const DATA = fromRepo(process.env.CHANYE_DATA || 'geodata');

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

// `chanye serve` on a free port and a fresh store; resolves to its base URL and process.
async function serve(extra) {
  const dir = await mkdtemp(join(tmpdir(), 'chanye-cors-'));
  const port = await freePort();
  const args = ['serve', '--data', DATA, '--store', join(dir, 's.gpkg'), '--listen', `127.0.0.1:${port}`, ...extra];
  const proc = spawn(BIN, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, RUST_LOG: 'warn' } });
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited: ${err.slice(-1500)}`);
    try {
      if ((await fetch(`${base}/readyz`)).ok) return { base, proc, dir };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('server not ready');
    await new Promise((r) => setTimeout(r, 250));
  }
}

// What the page on the other origin manages to read and write.
async function tryFrom(page, base) {
  return page.evaluate(async (base) => {
    const out = {};
    const read = async (name, url, f) => {
      try {
        const r = await fetch(url);
        out[name] = r.ok ? await f(r) : `status ${r.status}`;
      } catch (e) {
        out[name] = `refused: ${e.message}`;
      }
    };
    await read('tilejson', `${base}/tiles/parcels.json`, async (r) => (await r.json()).tiles[0]);
    // the tile over 密云 at zoom 12
    await read('tile', `${base}/tiles/parcels/12/3377/1545.mvt`, async (r) => `status ${r.status}`);
    await read('items', `${base}/collections/parcels/items?limit=2`, async (r) => (await r.json()).features.length);
    try {
      const r = await fetch(`${base}/collections/parcels/items/x`, {
        method: 'PATCH',
        headers: { Authorization: 'Bearer not-a-token', 'If-Match': '"v1"', 'Content-Type': 'application/merge-patch+json' },
        body: '{}',
      });
      out.write = `status ${r.status}`;
    } catch (e) {
      out.write = `refused: ${e.message}`;
    }
    return out;
  }, base);
}

const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'ok' : 'FAIL'} - ${what}`);
  if (!ok) failures.push(what);
};

const otherPort = await freePort();
const other = `http://127.0.0.1:${otherPort}`;
const site = createHttpServer((_, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>elsewhere</title>'));
await new Promise((r) => site.listen(otherPort, '127.0.0.1', r));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
const started = [];
try {
  const page = await browser.newPage();
  await page.goto(`${other}/`);

  const open = await serve([]);
  started.push(open);
  const got = await tryFrom(page, open.base);
  check(typeof got.tilejson === 'string' && got.tilejson.includes('/tiles/parcels/'), `TileJSON read from another origin (${got.tilejson})`);
  check(/^status (200|204)$/.test(got.tile), `a tile read from another origin (${got.tile})`);
  check(got.items === 2, `items read from another origin (${got.items})`);
  check(got.write.startsWith('refused'), `a write with a token from an unconfigured origin is refused (${got.write})`);
  const preflight = await fetch(`${open.base}/collections/parcels/items/x`, {
    method: 'OPTIONS',
    headers: { Origin: other, 'Access-Control-Request-Method': 'PATCH', 'Access-Control-Request-Headers': 'authorization' },
  });
  const why = await preflight.text();
  check(preflight.status === 403 && why.includes(`--cors-origin ${other}`), `the refused preflight names --cors-origin (${preflight.status})`);

  const configured = await serve(['--cors-origin', other]);
  started.push(configured);
  const allowed = await tryFrom(page, configured.base);
  check(/^status 40[134]$/.test(allowed.write), `with --cors-origin the write reaches the server and is judged there (${allowed.write})`);
} catch (e) {
  check(false, `the test ran: ${e.stack || e}`);
} finally {
  await browser.close();
  site.close();
  for (const s of started) {
    s.proc.kill('SIGTERM');
    await rm(s.dir, { recursive: true, force: true });
  }
}
console.log(failures.length ? `${failures.length} failed` : 'all passed');
process.exit(failures.length ? 1 : 0);
