// Browser test of the map page: starts `chanye serve` on a free port with a fresh
// store, drives the page in headless Chromium and checks it against the JSON API.
// Exits non-zero when any check fails. Expected values come from the API, not
// from counts written down here.

import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { xlsx } from './xlsx.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const fromRepo = (p) => (isAbsolute(p) ? p : join(repo, p));
const BIN = fromRepo(process.env.CHANYE_BIN || 'target/debug/chanye');
const DATA = fromRepo(process.env.CHANYE_DATA || 'geodata');
const WEB_DIR = process.env.CHANYE_WEB_DIR ? fromRepo(process.env.CHANYE_WEB_DIR) : null;
const SHOTS = fromRepo(process.env.SCREENSHOT_DIR || 'target/browser-test');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SAMPLE = join(repo, 'tests/projects/miyun-fosun-emergency-medicine.json');
// The page's Chinese labels of the request fields a measure may name as missing.
const FIELD_ZH = {
  total_investment_wan: '总投资',
  investment_wan: '固定资产投资',
  registered_capital_wan: '在京新增实缴资本',
  foreign_invested: '是否外资企业',
  foreign_investment_usd_wan: '实际利用外资',
  annual_rnd_wan: '年研发投入',
  regional_contribution_wan: '年度区域贡献',
  annual_output_wan: '年产值',
  annual_tax_wan: '年税收',
  enterprise_titles: '企业称号',
  project_type: '项目类型',
  enterprise_status: '企业状态',
};
// Amounts as the Chinese page writes them (万元, grouped, up to two decimals).
const zhNumber = (n) => Number(n).toLocaleString('zh-CN', { maximumFractionDigits: 2 });

const results = [];
const servers = [];
let browser = null;
let tileServer = null;

function log(...a) {
  console.log(...a);
}

async function check(name, f) {
  const n = results.length + 1;
  const t0 = Date.now();
  try {
    const note = await f();
    results.push({ name, ok: true });
    log(`ok ${n} - ${name}${note ? ` (${note})` : ''} [${Date.now() - t0} ms]`);
    return true;
  } catch (e) {
    results.push({ name, ok: false, error: e });
    log(`FAIL ${n} - ${name}: ${e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : e}`);
    return false;
  }
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

// Starts `chanye serve` on a free port with a fresh store; extra flags appended.
// Starts `chanye serve` on a new store made from `data`; returns once /readyz is 200, or with
// `ready: false` once the server answers at all (503 while its inventory loads).
async function startServer(extra = [], { data = DATA, ready = true } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'chanye-browser-'));
  const port = await freePort();
  const args = ['serve', '--data', data, '--store', join(dir, 'chanye.gpkg'), '--listen', `127.0.0.1:${port}`, ...extra];
  if (WEB_DIR) args.push('--web-dir', WEB_DIR);
  log(`# server: ${BIN} ${args.join(' ')}`);
  const proc = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn' } });
  const srv = { proc, dir, exited: null };
  servers.push(srv);
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  proc.on('exit', (code) => (srv.exited = code ?? -1));
  proc.on('error', (e) => {
    // e.g. ENOENT: no binary at that path
    out += `${e.message}\n`;
    srv.exited = -1;
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000; // the first run builds the store
  for (;;) {
    if (srv.exited !== null) throw new Error(`server exited with ${srv.exited}:\n${out.slice(-2000)}`);
    try {
      const r = await fetch(`${base}/readyz`);
      if (r.ok || !ready) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server not ready after 180 s:\n${out.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return base;
}

async function stopServer(srv) {
  if (srv.exited === null && srv.proc.exitCode === null) {
    srv.proc.kill('SIGTERM');
    await new Promise((r) => {
      const t = setTimeout(() => {
        srv.proc.kill('SIGKILL');
        r();
      }, 5000);
      srv.proc.once('exit', () => {
        clearTimeout(t);
        r();
      });
    });
  }
  await rm(srv.dir, { recursive: true, force: true }).catch(() => {});
}

async function cleanup() {
  if (browser) await browser.close().catch(() => {});
  browser = null;
  while (servers.length) await stopServer(servers.pop());
  if (tileServer) tileServer.close();
  tileServer = null;
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    await cleanup();
    process.exit(130);
  });
}

// ---- page helpers

// Resolves after the next frame at which the map has nothing left to load.
async function waitIdle(page) {
  await page.evaluate(
    () =>
      new Promise((res) => {
        const m = window.chanyeMap;
        const t = setTimeout(res, 20000);
        m.once('idle', () => {
          clearTimeout(t);
          res();
        });
        m.triggerRepaint();
      }),
  );
}

async function waitReady(page) {
  await page.waitForFunction(() => window.chanyeReady === true, null, { timeout: 60000 });
  await waitIdle(page);
}

async function renderedParcels(page) {
  return page.evaluate(() => {
    const m = window.chanyeMap;
    const fs = m.queryRenderedFeatures({ layers: [window.chanyeLayers.parcels] });
    const byId = new Map();
    for (const f of fs) byId.set(f.properties.id, f.properties);
    return [...byId.values()];
  });
}

// allowed: statuses a check asks for on purpose (a 412 or 422 the page must explain);
// Chromium logs them as console errors too.
function watchPage(page, errors, allowed = new Set()) {
  const expected = (status) => allowed.has(status);
  page.on('console', (m) => {
    const status = /status of (\d{3})/.exec(m.text());
    if (status && expected(Number(status[1]))) return;
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => {
    const f = r.failure()?.errorText || '';
    // MapLibre cancels tile requests it no longer needs while moving: not an error.
    if (f.includes('ERR_ABORTED') && /\/tiles\//.test(r.url())) return;
    if (f.includes('ERR_ABORTED') && r.resourceType() === 'document') return;
    errors.push(`requestfailed: ${r.url()} ${f}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !expected(r.status())) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
}

// [west, south, east, north] of a GeoJSON geometry.
function bboxOf(geometry) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      b[0] = Math.min(b[0], c[0]);
      b[1] = Math.min(b[1], c[1]);
      b[2] = Math.max(b[2], c[0]);
      b[3] = Math.max(b[3], c[1]);
    } else for (const x of c) walk(x);
  };
  walk(geometry.coordinates);
  return b;
}

// Runs action and resolves once the map has stopped moving (10 s at most).
async function afterMove(page, action) {
  await page.evaluate(() => {
    window.testMoved = new Promise((r) => window.chanyeMap.once('moveend', r));
  });
  await action();
  await page.evaluate(() => Promise.race([window.testMoved, new Promise((r) => setTimeout(r, 10000))]));
  await waitIdle(page);
}

// Waits for the filtered set to be read again for the filters now in force.
async function waitSet(page) {
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid=filter-set]');
    return el && el.dataset.query !== undefined && !el.hasAttribute('aria-busy');
  }, null, { timeout: 20000 });
  return page.evaluate(() => {
    const c = document.querySelector('[data-testid=set-count]');
    return { parcels: Number(c.dataset.parcels), buildings: Number(c.dataset.buildings), text: c.textContent };
  });
}

// Parcels (points or clusters, counted by point_count) drawn below zoom 12.
async function renderedOverview(page) {
  return page.evaluate(() => {
    const m = window.chanyeMap;
    const fs = m.queryRenderedFeatures({ layers: [window.chanyeLayers.clusters, window.chanyeLayers.points] });
    const seen = new Map();
    for (const f of fs) {
      const key = f.properties.cluster != null ? `c${f.properties.cluster_id}` : `p${f.properties.id}`;
      seen.set(key, f.properties.point_count ?? 1);
    }
    let total = 0;
    for (const n of seen.values()) total += n;
    return { features: seen.size, clusters: [...seen.keys()].filter((k) => k[0] === 'c').length, total };
  });
}

// Local calendar date, as the page reads "today".
function todayIso() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

// An editor's bearer token for a running server's store, made with the CLI.
function editorToken(srv) {
  return makeToken(srv, 'editor');
}

// A token of a role, city-wide or with scope flags (['--district', '110118']).
function makeToken(srv, role, scope = [], name = `browser-test-${role}-${Date.now()}`) {
  return new Promise((res, rej) => {
    const args = ['token', 'create', '--store', join(srv.dir, 'chanye.gpkg'), '--role', role, '--name', name, ...scope];
    const p = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', rej);
    p.on('exit', (code) => (code === 0 && out.trim() ? res(out.trim()) : rej(new Error(`token create: ${code} ${err}`))));
  });
}

// Back to no filter whatever a failed check left, so the next checks do not fail with it.
async function clearFilters(page) {
  await page.evaluate(() => {
    const close = document.querySelector('[data-testid=info-panel]:not([hidden]) [data-testid=info-close]');
    if (close) close.click();
    document.querySelector('[data-testid=filter-reset]')?.click();
  });
  await waitSet(page).catch(() => {});
}

async function shot(page, name) {
  const p = join(SHOTS, `${name}.png`);
  await page.screenshot({ path: p });
  log(`  screenshot ${p}`);
}

async function main() {
  await mkdir(SHOTS, { recursive: true });
  const base = await startServer();
  const api = async (path, init) => {
    const r = await fetch(base + path, init);
    if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return r.json();
  };
  const sample = JSON.parse(await readFile(SAMPLE, 'utf8'));

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true, locale: 'zh-CN' });
  const page = await context.newPage();
  const errors = [];
  watchPage(page, errors);

  // 1. The page loads cleanly.
  await check('/map/ loads with no console errors and no failed requests', async () => {
    const r = await page.goto(`${base}/map/`);
    assert(r.ok(), `GET /map/ answered ${r.status()}`);
    await waitReady(page);
    const layers = await page.evaluate(() => window.chanyeMap.getStyle().layers.map((l) => l.id));
    for (const id of ['districts-fill', 'parks-fill', 'zones-fill', 'parcels-fill', 'buildings-circle', 'highlight-fill']) {
      assert(layers.includes(id), `style lacks layer ${id}`);
    }
    await shot(page, '01-main-map');
    assert(errors.length === 0, `errors while loading:\n  ${errors.join('\n  ')}`);
    return `${layers.length} style layers`;
  });

  // 2. Parcels render around the first parcel of the API.
  const first = (await api('/collections/parcels/items?limit=1')).features[0];
  const ring = first.geometry.type === 'Polygon' ? first.geometry.coordinates[0] : first.geometry.coordinates[0][0];
  const center = [
    (Math.min(...ring.map((c) => c[0])) + Math.max(...ring.map((c) => c[0]))) / 2,
    (Math.min(...ring.map((c) => c[1])) + Math.max(...ring.map((c) => c[1]))) / 2,
  ];
  let before = [];
  await check(`parcels render at zoom 14 around ${first.id}`, async () => {
    await page.evaluate(([c]) => window.chanyeMap.jumpTo({ center: c, zoom: 14 }), [center]);
    await waitIdle(page);
    before = await renderedParcels(page);
    assert(before.length > 0, 'queryRenderedFeatures on the parcel layer is empty');
    assert(before.some((p) => p.id === first.id), `${first.id} is not among the rendered parcels`);
    const p = before.find((x) => x.id === first.id);
    for (const k of ['id', 'name', 'status', 'land_use', 'district', 'industries', 'area_mu', 'area_m2']) {
      assert(k in p, `tile feature lacks property ${k}`);
    }
    return `${before.length} parcels rendered`;
  });

  // 3. A status filter changes what is rendered, shows in the URL and survives a reload.
  await check('a status filter changes the rendered parcels, is in the URL and survives a reload', async () => {
    assert(before.length > 0, 'no parcels to filter');
    const counts = {};
    for (const p of before) counts[p.status] = (counts[p.status] || 0) + 1;
    // A status present in view but not held by every parcel, so the count must change.
    const status = Object.keys(counts).sort((a, b) => counts[b] - counts[a]).find((s) => counts[s] < before.length);
    assert(status, `every rendered parcel has the same status (${JSON.stringify(counts)})`);
    await page.click(`[data-testid=filter-status-${status}]`);
    await waitIdle(page);
    const after = await renderedParcels(page);
    assert(after.length !== before.length, `count unchanged (${after.length})`);
    assert(after.length === counts[status], `expected ${counts[status]} ${status} parcels, got ${after.length}`);
    assert(after.every((p) => p.status === status), 'a parcel of another status is still rendered');
    const url = new URL(page.url());
    assert(url.searchParams.get('status') === status, `URL lacks status=${status}: ${page.url()}`);
    await shot(page, '02-filtered-map');
    await page.goto(page.url());
    await waitReady(page);
    const checked = await page.isChecked(`[data-testid=filter-status-${status}]`);
    assert(checked, 'the status checkbox is not restored from the URL');
    const again = await renderedParcels(page);
    assert(again.length === after.length, `after reload ${again.length} parcels, before ${after.length}`);
    // Land use too: M1 among the filtered ones.
    await page.click('[data-testid=filter-reset]');
    await waitIdle(page);
    const reset = await renderedParcels(page);
    assert(reset.length === before.length, `reset shows ${reset.length}, expected ${before.length}`);
    assert(!new URL(page.url()).searchParams.has('status'), 'status stays in the URL after reset');
    return `${before.length} → ${after.length} (${status}) → reload ${again.length} → reset ${reset.length}`;
  });

  await check('the land-use colouring and an industry filter follow the UI and the URL', async () => {
    await page.click('label:has([data-testid=color-landuse])');
    const fill = await page.evaluate(() => window.chanyeMap.getPaintProperty(window.chanyeLayers.parcels, 'fill-color'));
    assert(JSON.stringify(fill).includes('land_use'), `parcel colour does not follow land use: ${JSON.stringify(fill).slice(0, 80)}`);
    assert(new URL(page.url()).searchParams.get('color') === 'landuse', 'URL lacks color=landuse');
    const legend = await page.$$eval('[data-testid=legend] li[data-key]', (els) => els.map((e) => e.dataset.key));
    assert(legend.includes('M1') && legend.includes('M4'), `legend keys ${legend}`);
    // An industry the rendered parcels carry: its category must keep exactly those parcels.
    const cat = before.map((p) => String(p.industries).split(',')[0]).find(Boolean).split('.')[0];
    await page.fill('[data-testid=filter-industry]', cat);
    await page.click(`[data-testid=filter-industry-option][data-code="${cat}"]`);
    await waitIdle(page);
    const kept = await renderedParcels(page);
    const want = before.filter((p) => String(p.industries).split(',').some((c) => c === cat || c.startsWith(`${cat}.`)));
    assert(kept.length === want.length, `industry ${cat}: ${kept.length} rendered, ${want.length} expected`);
    assert(new URL(page.url()).searchParams.get('industry') === cat, `URL lacks industry=${cat}`);
    await page.click('[data-testid=filter-reset]');
    await page.click('label:has([data-testid=color-status])');
    await waitIdle(page);
    return `industry ${cat}: ${kept.length} of ${before.length}`;
  });

  // The filters' district choice, the filtered set and the city-zoom points.
  const districts = (await api('/collections/districts/items?limit=100')).features;
  const miyun = districts.find((d) => d.properties.name === '密云区');
  const count = async (layer, q) => (await api(`/collections/${layer}/items?${q}&limit=1`)).numberMatched;
  await check('choosing 密云区 in the filters zooms the map onto the district', async () => {
    assert(miyun, 'the API has no 密云区');
    const b = bboxOf(miyun.geometry);
    await afterMove(page, () => page.selectOption('[data-testid=filter-district]', miyun.properties.id));
    const v = await page.evaluate(() => {
      const m = window.chanyeMap.getBounds();
      return { w: m.getWest(), s: m.getSouth(), e: m.getEast(), n: m.getNorth(), z: window.chanyeMap.getZoom() };
    });
    const cx = (b[0] + b[2]) / 2;
    const cy = (b[1] + b[3]) / 2;
    assert(v.w < cx && cx < v.e && v.s < cy && cy < v.n, `view ${JSON.stringify(v)} does not hold the district's centre ${cx},${cy}`);
    // The whole district fits, and the view is not much larger than it in its tighter direction.
    const rx = (v.e - v.w) / (b[2] - b[0]);
    const ry = (v.n - v.s) / (b[3] - b[1]);
    assert(rx >= 0.98 && ry >= 0.98, `the district does not fit: view/district ${rx.toFixed(2)} × ${ry.toFixed(2)}`);
    assert(Math.min(rx, ry) < 2, `the view is far larger than the district: ${rx.toFixed(2)} × ${ry.toFixed(2)}`);
    assert(new URL(page.url()).searchParams.get('district') === miyun.properties.id, 'URL lacks the district');
    return `zoom ${v.z.toFixed(2)}, view/district ${rx.toFixed(2)} × ${ry.toFixed(2)}`;
  });

  // The view, and how much of it a bbox fills: the bbox must fit and fill it in one direction.
  const viewOver = async (b) => {
    const v = await page.evaluate(() => {
      const m = window.chanyeMap.getBounds();
      return { w: m.getWest(), s: m.getSouth(), e: m.getEast(), n: m.getNorth(), z: window.chanyeMap.getZoom() };
    });
    const fits = v.w <= b[0] && v.s <= b[1] && v.e >= b[2] && v.n >= b[3];
    return { ...v, fits, ratio: Math.min((v.e - v.w) / (b[2] - b[0]), (v.n - v.s) / (b[3] - b[1])) };
  };
  await check('choosing a park zooms onto it, and "all parks" goes back to the district', async () => {
    const parks = (await api(`/collections/parks/items?district=${miyun.properties.id}&limit=100`)).features;
    assert(parks.length > 0, 'the API has no park in 密云区');
    const park = parks[0];
    const b = bboxOf(park.geometry);
    await afterMove(page, () => page.selectOption('[data-testid=filter-park]', park.properties.id));
    const v = await viewOver(b);
    // Parks are fitted up to zoom 15: a small park may leave more room around it.
    assert(v.fits, `the view ${JSON.stringify(v)} does not hold ${park.properties.id} ${b}`);
    assert(v.ratio < 2 || v.z >= 14.99, `the view is ${v.ratio.toFixed(2)}× the park at zoom ${v.z.toFixed(2)}`);
    assert(new URL(page.url()).searchParams.get('park') === park.properties.id, 'URL lacks the park');
    await afterMove(page, () => page.selectOption('[data-testid=filter-park]', ''));
    const d = await viewOver(bboxOf(miyun.geometry));
    assert(d.fits && d.ratio < 2, `back to all parks: the view ${JSON.stringify(d)} is not the district's`);
    return `${park.properties.name}: zoom ${v.z.toFixed(2)}, view/park ${v.ratio.toFixed(2)}; district again at ${d.z.toFixed(2)}`;
  });
  // The checks after it read 密云区 without a park, whatever this one left.
  if (new URL(page.url()).searchParams.get('park')) {
    await page.selectOption('[data-testid=filter-park]', '');
    await waitSet(page).catch(() => {});
  }

  let setQ = '';
  await check('the filtered set counts and lists what the items API selects for the same filter', async () => {
    await page.click('[data-testid=filter-status-available]');
    const got = await waitSet(page);
    setQ = `district=${miyun.properties.id}&status=available`;
    const wantP = await count('parcels', setQ);
    const wantB = await count('buildings', setQ);
    assert(wantP > 0, 'the API has no available parcel in 密云区');
    assert(got.parcels === wantP && got.buildings === wantB, `set ${got.parcels}/${got.buildings}, API ${wantP}/${wantB}`);
    assert(got.text === `共 ${wantP} 块地 / ${wantB} 处厂房`, `count reads ${got.text}`);
    // The list begins with the API's first items, in its order.
    const first = (await api(`/collections/parcels/items?${setQ}&limit=5`)).features.map((f) => f.id ?? f.properties.id);
    const rows = await page.$$eval('[data-testid=set-item][data-kind=parcels]', (els) => els.map((e) => e.dataset.id));
    assert(JSON.stringify(rows.slice(0, first.length)) === JSON.stringify(first), `list ${rows.slice(0, 5)} ≠ API ${first}`);
    return got.text;
  });

  await check('the filtered set exports as CSV with the same filter', async () => {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15000 }), page.click('[data-testid=set-export-parcels-csv]')]);
    const text = await readFile(await download.path(), 'utf8');
    const ids = (await api(`/collections/parcels/items?${setQ}&limit=10000`)).features.map((f) => f.properties.id);
    const missing = ids.filter((id) => !text.includes(id));
    assert(missing.length === 0, `the CSV lacks ${missing.slice(0, 3)}`);
    const others = (await api(`/collections/parcels/items?status=sold&limit=10000`)).features.map((f) => f.properties.id);
    const extra = others.filter((id) => text.includes(`${id},`) || text.includes(`${id}"`));
    assert(extra.length === 0, `the CSV holds parcels outside the filter: ${extra.slice(0, 3)}`);
    return `${download.suggestedFilename()}, ${ids.length} parcels`;
  });

  await check('below zoom 12 the filtered parcels show as points or clusters adding up to the count', async () => {
    const want = await count('parcels', setQ);
    // Centred on the filtered parcels themselves, so all of them are in view at zoom 10.
    const all = (await api(`/collections/parcels/items?${setQ}&limit=10000`)).features;
    const b = bboxOf({ coordinates: all.map((f) => f.geometry.coordinates) });
    await page.evaluate(([c]) => window.chanyeMap.jumpTo({ center: c, zoom: 10 }), [[(b[0] + b[2]) / 2, (b[1] + b[3]) / 2]]);
    await waitIdle(page);
    const inView = await page.evaluate(([w, s, e, n]) => {
      const v = window.chanyeMap.getBounds();
      return v.getWest() < w && v.getSouth() < s && v.getEast() > e && v.getNorth() > n;
    }, b);
    assert(inView, `the filtered parcels (${b}) do not fit the view at zoom 10`);
    const got = await renderedOverview(page);
    assert(got.features > 0, 'nothing is drawn for the parcels at zoom 10');
    assert(got.total === want, `points and clusters hold ${got.total} parcels, the API ${want}`);
    // The clusters' counts are written on them (HTML markers: no glyphs offline).
    const labels = await page.$$eval('.cluster-count', (els) => els.map((e) => Number(e.textContent)));
    assert(labels.length === got.clusters, `${labels.length} cluster counts written for ${got.clusters} clusters`);
    const written = labels.reduce((a, n) => a + n, 0) + (got.features - got.clusters);
    assert(written === want, `the written counts and single points add up to ${written}, the API ${want}`);
    await shot(page, '02b-city-zoom-clusters');
    // Another status: the points follow the filter.
    await page.click('[data-testid=filter-status-available]');
    await page.click('[data-testid=filter-status-sold]');
    await waitSet(page);
    await waitIdle(page);
    const sold = await count('parcels', `district=${miyun.properties.id}&status=sold`);
    const got2 = await renderedOverview(page);
    assert(got2.total === sold, `sold: ${got2.total} drawn, the API ${sold}`);
    await page.click('[data-testid=filter-status-sold]');
    await page.click('[data-testid=filter-status-available]');
    await waitSet(page);
    return `${got.features} features (${got.clusters} clusters) = ${want} parcels; sold ${got2.total}`;
  });

  await check('clicking an entry of the filtered set flies to it and opens its panel', async () => {
    const item = (await api(`/collections/parcels/items?${setQ}&limit=3`)).features[2];
    const b = bboxOf(item.geometry);
    await afterMove(page, () => page.click(`[data-testid=set-item][data-id="${item.properties.id}"]`));
    const c = await page.evaluate(() => window.chanyeMap.getCenter().toArray());
    const slack = 1e-4;
    assert(c[0] > b[0] - slack && c[0] < b[2] + slack && c[1] > b[1] - slack && c[1] < b[3] + slack, `centre ${c} is not on ${item.properties.id} ${b}`);
    await page.waitForSelector('[data-testid=info-panel]:not([hidden]) table.kv');
    const text = await page.textContent('[data-testid=info-panel]');
    assert(text.includes(item.properties.id), `the panel does not show ${item.properties.id}`);
    const hit = await page.evaluate(([p]) => window.chanyeMap.queryRenderedFeatures(window.chanyeMap.project(p), { layers: [window.chanyeLayers.parcels] }).map((f) => f.properties.id), [c]);
    assert(hit.includes(item.properties.id), `the map centre shows ${hit.join(',') || 'nothing'}`);
    await shot(page, '02c-set-item');
    await page.click('[data-testid=info-close]');
    return `${item.properties.id} at zoom ${(await page.evaluate(() => window.chanyeMap.getZoom())).toFixed(1)}`;
  });

  await check('the M1 filter keeps M1 and M1/M4 land as the matcher accepts it, and the legend says so', async () => {
    await page.click('[data-testid=filter-reset]');
    // The land uses the matcher accepts for a project asking for M1.
    const m = await api('/api/v1/match', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ industry: sample.industry, space: 'land', land_use: ['M1'], limit: 100 }),
    });
    const accepted = [...new Set(m.candidates.filter((c) => c.kind === 'parcel').map((c) => c.land_use))].sort();
    assert(accepted.includes('M1/M4'), `the matcher's M1 candidates hold no M1/M4 land (${accepted}): nothing to check`);
    await page.click('[data-testid=filter-lu-M1]');
    const got = await waitSet(page);
    const want = await count('parcels', `land_use=${accepted.join(',')}`);
    assert(got.parcels === want, `M1 filter: ${got.parcels} parcels, API for ${accepted}: ${want}`);
    const note = await page.textContent('[data-testid=legend-lu-note]');
    assert(note.includes('M1/M4'), `legend note: ${note}`);
    const label = await page.textContent('label:has([data-testid=filter-lu-M1])');
    assert(label.includes('M1/M4'), `the M1 checkbox reads ${label}`);
    await page.evaluate(([c]) => window.chanyeMap.jumpTo({ center: c, zoom: 13 }), [center]);
    await waitIdle(page);
    const shown = await renderedParcels(page);
    const uses = [...new Set(shown.map((p) => p.land_use))].sort();
    assert(shown.length > 0 && uses.every((u) => accepted.includes(u)), `rendered land uses ${uses}, accepted ${accepted}`);
    await page.click('[data-testid=filter-reset]');
    await waitSet(page);
    return `${got.parcels} parcels (${accepted.join(' + ')}); rendered ${uses.join(', ')}`;
  });
  await clearFilters(page);

  await check('available parcels with a later available_from are hatched and read 可供应（YYYY-MM 起）', async () => {
    // One more such parcel made through the API, so the check does not hang on the sample's dates.
    const now = (await api(`/collections/parcels/items?status=available&filter=${encodeURIComponent('available_from IS NULL')}&limit=1`)).features[0];
    assert(now, 'no available parcel without available_from to edit');
    const token = await editorToken(servers[0]);
    const next = new Date();
    const from = `${next.getFullYear() + 1}-${String(next.getMonth() + 1).padStart(2, '0')}-15`;
    const item = `${base}/collections/parcels/items/${encodeURIComponent(now.properties.id)}`;
    const etag = (await fetch(item)).headers.get('etag');
    const r = await fetch(item, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${token}`, 'If-Match': etag, 'Content-Type': 'application/json' },
      body: JSON.stringify({ properties: { available_from: from } }),
    });
    assert(r.ok, `PATCH ${now.properties.id}: ${r.status} ${await r.text()}`);
    await page.reload();
    await waitReady(page);
    await clearFilters(page);
    const later = (await api(`/collections/parcels/items?status=available&filter=${encodeURIComponent(`available_from > DATE('${todayIso()}')`)}&limit=10000`)).features;
    const f = later.find((x) => x.properties.id === now.properties.id);
    assert(f && f.properties.available_from.startsWith(from), `the API does not list ${now.properties.id} as available from ${from}`);
    const b = bboxOf(f.geometry);
    const c = [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
    await page.evaluate(([p]) => window.chanyeMap.jumpTo({ center: p, zoom: 15 }), [c]);
    await waitIdle(page);
    const hatched = await page.evaluate(() => [...new Set(window.chanyeMap.queryRenderedFeatures({ layers: [window.chanyeLayers.future] }).map((x) => x.properties.id))]);
    assert(hatched.includes(f.properties.id), `${f.properties.id} is not hatched (${hatched})`);
    const laterIds = new Set(later.map((x) => x.properties.id));
    assert(hatched.every((id) => laterIds.has(id)), `hatched but not available later: ${hatched.filter((id) => !laterIds.has(id))}`);
    const label = `可供应（${f.properties.available_from.slice(0, 7)} 起）`;
    const pt = await page.evaluate(([p]) => window.chanyeMap.project(p), [c]);
    const box = await page.locator('#map').boundingBox();
    await page.mouse.click(box.x + pt.x, box.y + pt.y);
    await page.waitForSelector('[data-testid=info-panel]:not([hidden]) table.kv');
    await page.waitForFunction(() => !document.querySelector('[data-testid=info-panel] .info-body').textContent.includes('加载'));
    const chip = await page.textContent('[data-testid=info-panel] [data-testid=status-chip]');
    assert(chip === label, `panel status reads ${chip}, expected ${label}`);
    await shot(page, '02d-available-later');
    await page.click('[data-testid=info-close]');
    const legend = await page.textContent('[data-testid=legend-future]');
    assert(legend.includes('可供应') && legend.includes('起'), `legend: ${legend}`);
    // The set's hint counts them among the available parcels.
    await page.click('[data-testid=filter-status-available]');
    await waitSet(page);
    const hint = await page.textContent('[data-testid=set-future]');
    assert(hint.includes(`${later.length} 块`), `set hint: ${hint}, API ${later.length}`);
    await page.click('[data-testid=filter-reset]');
    await waitSet(page);
    return `${later.length} parcels; ${f.properties.id}: ${chip}`;
  });
  await clearFilters(page);

  // 4. The match form ranks the sample project as the API does; a row click highlights it.
  const project = {
    industry: sample.industry,
    space: 'land',
    land_area_mu: { min: sample.land_area_mu.min },
    floor_area_m2: sample.floor_area_m2,
    land_use: sample.land_use,
    investment_wan: sample.investment_wan,
    districts: sample.districts,
    limit: 10,
  };
  let expected = null;
  await check('the match form returns the ranked candidates of the API; a row click highlights its parcel', async () => {
    expected = await api('/api/v1/match', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(project),
    });
    assert(expected.candidates.length > 0, 'the API found no candidate for the sample');
    await page.click('[data-testid=tab-match]');
    const ind = (await api(`/api/v1/industries?q=${encodeURIComponent(sample.industry)}`)).industries.find((i) => i.code === sample.industry);
    assert(ind, `${sample.industry} not in the catalogue`);
    // Type the Chinese name, as a user would, and pick the entry from the list.
    await page.fill('[data-testid=match-industry]', ind.name_zh);
    await page.click(`[data-testid=match-industry-option][data-code="${sample.industry}"]`);
    await page.selectOption('[data-testid=match-space]', 'land');
    await page.fill('[data-testid=match-area-min]', String(project.land_area_mu.min));
    await page.fill('[data-testid=match-floor-area]', String(project.floor_area_m2));
    for (const lu of project.land_use) await page.check(`[data-testid=match-lu-${lu.replace('/', '-')}]`);
    await page.fill('[data-testid=match-investment]', String(project.investment_wan));
    await page.selectOption('[data-testid=match-district]', project.districts[0]);
    await page.click('[data-testid=match-submit]');
    await page.waitForSelector('[data-testid=match-row]', { timeout: 20000 });
    const ids = await page.$$eval('[data-testid=match-row]', (els) => els.map((e) => e.dataset.id));
    const want = expected.candidates.map((c) => c.id);
    assert(JSON.stringify(ids) === JSON.stringify(want), `rows ${ids.join(',')} ≠ API ${want.join(',')}`);
    const bars = await page.$$eval('[data-testid=match-row]:first-child .crit', (els) => els.length);
    assert(bars === expected.candidates[0].criteria.length, `first row shows ${bars} criterion bars`);
    const top = expected.candidates[0];
    await page.click(`[data-testid=match-row][data-id="${top.id}"] .cname`);
    await page.waitForFunction(() => !window.chanyeMap.isMoving(), null, { timeout: 10000 });
    await waitIdle(page);
    const hl = await page.evaluate(() => {
      const m = window.chanyeMap;
      const fs = m.queryRenderedFeatures({ layers: [window.chanyeLayers.highlight, window.chanyeLayers.highlightBuildings] });
      return [...new Set(fs.map((f) => f.properties.id))];
    });
    for (const id of top.members) assert(hl.includes(id), `highlight layer lacks ${id} (has ${hl.join(',')})`);
    assert(hl.length === top.members.length, `highlight shows ${hl.join(',')}, expected ${top.members.join(',')}`);
    await shot(page, '03-match-results');
    return `${ids.length} rows; highlighted ${hl.join(',')}`;
  });

  await check('export buttons download the match as CSV', async () => {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15000 }), page.click('[data-testid=export-csv]')]);
    const path = await download.path();
    const text = await readFile(path, 'utf8');
    assert(expected && text.includes(expected.candidates[0].id), 'the CSV lacks the first candidate');
    return download.suggestedFilename();
  });

  await check('two ticked rows open the compare view with one column each', async () => {
    assert(expected.candidates.length >= 2, 'fewer than two candidates');
    const boxes = await page.$$('[data-testid=match-row-check]');
    await boxes[0].check();
    await boxes[1].check();
    await page.click('[data-testid=compare-button]');
    await page.waitForSelector('[data-testid=compare-view]:not([hidden])');
    const cols = await page.$$eval('[data-testid=compare-col]', (els) => els.length);
    assert(cols === 2, `${cols} columns`);
    const crits = await page.$$eval('[data-testid=compare-table] .crit-row', (els) => els.map((e) => e.dataset.criterion));
    const names = [...new Set(expected.candidates.slice(0, 2).flatMap((c) => c.criteria.map((x) => x.name)))];
    assert(names.every((n) => crits.includes(n)), `criteria rows ${crits} lack some of ${names}`);
    await shot(page, '04-compare');
    await page.click('[data-testid=compare-close]');
    return `${cols} columns × ${crits.length} criteria`;
  });

  await check('首谈制 ranks the 16 districts as the API and shades them', async () => {
    const want = await api('/api/v1/recommend-districts', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(project),
    });
    await page.click('[data-testid=tab-firsttalk]');
    await page.click('[data-testid=ft-submit]');
    await page.waitForSelector('[data-testid=ft-row]');
    const got = await page.$$eval('[data-testid=ft-row]', (els) => els.map((e) => e.dataset.adcode));
    const exp = want.districts.map((d) => d.adcode);
    assert(JSON.stringify(got) === JSON.stringify(exp), `order ${got} ≠ ${exp}`);
    const fill = await page.evaluate(() => window.chanyeMap.getPaintProperty('districts-fill', 'fill-color'));
    assert(Array.isArray(fill) && fill[0] === 'match', `districts fill is not a choropleth: ${JSON.stringify(fill)}`);
    await page.evaluate(() => window.chanyeMap.jumpTo({ center: [116.4, 40.2], zoom: 7.6 }));
    await waitIdle(page);
    await shot(page, '05-firsttalk');
    return `${got.length} districts, first ${got[0]}`;
  });

  await check('statistics draw SVG bar charts from /api/v1/stats', async () => {
    const stats = await api('/api/v1/stats');
    await page.click('[data-testid=tab-stats]');
    await page.waitForSelector('[data-testid=chart-avail-district] svg');
    const bars = await page.$$eval('[data-testid=chart-avail-district] rect', (els) => els.length);
    const want = stats.by_district.filter((d) => d.available_area_mu > 0).length;
    assert(bars === want, `${bars} bars, ${want} districts with available land`);
    const st = await page.$$eval('[data-testid=chart-status] rect', (els) => els.length);
    assert(st === stats.by_status.filter((d) => d.area_mu > 0).length, `${st} status bars`);
    await shot(page, '06-statistics');
    return `${bars} district bars, ${st} status bars`;
  });

  // 5. Language.
  await check('the language switch changes labels to English and back', async () => {
    await page.click('[data-testid=tab-map]');
    const zh = await page.textContent('[data-testid=tab-map]');
    await page.click('[data-testid=lang-switch]');
    const en = await page.textContent('[data-testid=tab-map]');
    assert(zh === '地图筛选' && en === 'Map', `tab label ${zh} → ${en}`);
    assert(new URL(page.url()).searchParams.get('lang') === 'en', 'URL lacks lang=en');
    const legend = await page.textContent('[data-testid=legend]');
    assert(/Parcels/.test(legend), `legend not in English: ${legend.slice(0, 80)}`);
    await page.click('[data-testid=tab-match]');
    const row = await page.textContent('[data-testid=match-row]:first-child .reason');
    const wantEn = expected.candidates[0].criteria.map((c) => c.reason_en).join('; ');
    assert(row === wantEn, `first row's explanation is not reason_en: ${row}`);
    await shot(page, '07-english');
    await page.click('[data-testid=lang-switch]');
    const back = await page.textContent('[data-testid=tab-map]');
    assert(back === '地图筛选', `back to ${back}`);
    return `${zh} → ${en} → ${back}`;
  });


  // Issue 18: the policy measures judged for a project, with estimates, on the candidates.
  // A Tongzhou building project renovating an old factory (the issue's example: 30% of the
  // 4,000 万元 fixed-asset investment, capped at 1,000 万元), with 总投资, 实缴资本 and titles.
  const tongzhou = districts.find((d) => d.properties.name === '通州区');
  const policyForm = {
    investment_wan: 4000,
    total_investment_wan: 6000,
    registered_capital_wan: 5000,
    enterprise_titles: ['专精特新中小企业', '高新技术企业'],
    project_type: '老旧厂房改造',
    enterprise_status: '新引进',
  };
  let policySent = null;
  let policyExpected = null;
  await check('a project with 总投资, 实缴资本 and titles shows eligible measures with estimates, workings and the total on a candidate', async () => {
    assert(tongzhou, 'the API has no 通州区');
    await page.click('[data-testid=tab-match]');
    await page.click('[data-testid=match-reset]');
    // An industry Tongzhou's park leads in, as the API lists it.
    const tzPark = (await api(`/collections/parks/items?district=${tongzhou.properties.id}&limit=100`)).features.find((f) => f.properties.industries?.length);
    assert(tzPark, 'the API has no park with leading industries in 通州区');
    const code = tzPark.properties.industries[0];
    const ind = (await api(`/api/v1/industries?q=${encodeURIComponent(code)}`)).industries.find((i) => i.code === code);
    assert(ind, `${code} not in the catalogue`);
    await page.fill('[data-testid=match-industry]', ind.name_zh);
    await page.click(`[data-testid=match-industry-option][data-code="${code}"]`);
    await page.selectOption('[data-testid=match-space]', 'building');
    await page.selectOption('[data-testid=match-district]', tongzhou.properties.id);
    const label = await page.$eval('[data-testid=match-investment]', (e) => e.previousElementSibling.textContent);
    assert(label.includes('固定资产投资'), `the investment field reads ${label}`);
    await page.fill('[data-testid=match-investment]', String(policyForm.investment_wan));
    // The enterprise facts are folded away until asked for.
    assert(!(await page.isVisible('[data-testid=match-total-investment]')), '企业与投资信息 is not folded');
    const summary = await page.textContent('[data-testid=match-enterprise] > summary');
    assert(summary === '企业与投资信息', `the section reads ${summary}`);
    await page.click('[data-testid=match-enterprise] > summary');
    await page.fill('[data-testid=match-total-investment]', String(policyForm.total_investment_wan));
    await page.fill('[data-testid=match-registered-capital]', String(policyForm.registered_capital_wan));
    for (const title of policyForm.enterprise_titles) await page.check(`[data-testid=match-enterprise] input[name=title][value='${title}']`);
    await page.selectOption('[data-testid=match-project-type]', policyForm.project_type);
    await page.selectOption('[data-testid=match-enterprise-status]', policyForm.enterprise_status);
    const [req] = await Promise.all([
      page.waitForRequest((r) => r.url().endsWith('/api/v1/match') && r.method() === 'POST'),
      page.click('[data-testid=match-submit]'),
    ]);
    policySent = JSON.parse(req.postData());
    for (const [k, v] of Object.entries(policyForm)) {
      assert(JSON.stringify(policySent[k]) === JSON.stringify(v), `the request's ${k} is ${JSON.stringify(policySent[k])}, the form ${JSON.stringify(v)}`);
    }
    assert(policySent.space === 'building' && policySent.districts?.[0] === tongzhou.properties.id, `request ${req.postData()}`);
    policyExpected = await api('/api/v1/match', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(policySent) });
    const cand = policyExpected.candidates.find((c) => c.policy_support_wan > 0);
    assert(cand, `no candidate of the API has an estimated support (${policyExpected.candidates.length} candidates)`);
    // The issue's worked example, as the API gives it.
    const example = cand.policies.find((p) => p.id === 'tongzhou-17-old-factory-renovation');
    assert(example && example.eligibility === 'eligible' && example.estimate_wan === 1000, `tongzhou-17-old-factory-renovation on ${cand.id}: ${JSON.stringify(example)?.slice(0, 200)}`);
    assert(example.basis_zh.includes('30% × 4,000 万元 = 1,200 万元，上限 1,000 万元'), `its working reads ${example.basis_zh}`);

    const row = `[data-testid=match-row][data-id="${cand.id}"]`;
    await page.waitForSelector(row, { timeout: 20000 });
    const ids = await page.$$eval('[data-testid=match-row]', (els) => els.map((e) => e.dataset.id));
    assert(JSON.stringify(ids) === JSON.stringify(policyExpected.candidates.map((c) => c.id)), `rows ${ids} ≠ API`);
    // The total.
    const support = await page.$eval(`${row} [data-testid=policy-support]`, (e) => ({ wan: Number(e.dataset.wan), text: e.querySelector('b').textContent }));
    const want = `政策支持估算 最高 ${zhNumber(cand.policy_support_wan)} 万元`;
    assert(support.wan === cand.policy_support_wan && support.text === want, `the row's total reads ${support.text} (${support.wan}), the API ${want}`);
    // The eligible measures with an estimate, in the API's order, each with its estimate and working.
    const eligible = cand.policies.filter((p) => p.eligibility === 'eligible');
    const withEstimate = eligible.filter((p) => p.estimate_wan != null);
    const shown = await page.$$eval(`${row} [data-testid=policy-estimates] [data-testid=policy-eligible]`, (els) =>
      els.map((e) => ({ id: e.dataset.id, est: e.querySelector('[data-testid=policy-estimate]').textContent, basis: e.querySelector('[data-testid=policy-basis]').textContent })),
    );
    assert(JSON.stringify(shown.map((x) => x.id)) === JSON.stringify(withEstimate.map((p) => p.id)), `measures with an estimate shown ${shown.map((x) => x.id)}, API ${withEstimate.map((p) => p.id)}`);
    for (const [i, p] of withEstimate.entries()) {
      assert(shown[i].est === `最高 ${zhNumber(p.estimate_wan)} 万元`, `${p.id}: estimate reads ${shown[i].est}, API ${p.estimate_wan}`);
      assert(shown[i].basis === p.basis_zh, `${p.id}: working reads ${shown[i].basis}, API ${p.basis_zh}`);
    }
    assert(await page.isVisible(`${row} [data-testid=policy-estimates] [data-id="${example.id}"] [data-testid=policy-basis]`), 'the working of the example is not visible without unfolding');
    // Every eligible and possible measure is there (the others folded), with what to ask the investor.
    const listed = await page.$$eval(`${row} [data-testid=policy-eligible], ${row} [data-testid=policy-possible]`, (els) => els.map((e) => e.dataset.id).sort());
    const listedApi = cand.policies.filter((p) => p.eligibility !== 'ineligible').map((p) => p.id).sort();
    assert(JSON.stringify(listed) === JSON.stringify(listedApi), `measures shown ${listed.length}, API ${listedApi.length}`);
    const possible = cand.policies.filter((p) => p.eligibility === 'possible');
    for (const p of possible) {
      const text = await page.textContent(`${row} [data-testid=policy-possible][data-id="${p.id}"]`);
      for (const f of p.missing) assert(text.includes(FIELD_ZH[f] ?? f), `${p.id} does not name the missing ${f}`);
      for (const c of p.confirm_zh || []) assert(text.includes(c), `${p.id} does not say to confirm ${c}`);
    }
    const counts = await page.textContent(`${row} [data-testid=policy-counts]`);
    assert(counts === `符合 ${eligible.length} 项 · 可能符合 ${possible.length} 项 · 不符合 ${cand.policies_ineligible} 项`, `counts read ${counts}`);
    // The document's sentence on demand, with document, item and line.
    const item = `${row} [data-testid=policy-eligible][data-id="${example.id}"]`;
    assert(!(await page.isVisible(`${item} blockquote`)), 'the quote is shown before it is asked for');
    await page.click(`${item} [data-testid=policy-quote] > summary`);
    const quote = await page.textContent(`${item} blockquote`);
    assert(quote === example.quote_zh, `quote reads ${quote}`);
    const cite = await page.textContent(`${item} [data-testid=policy-cite]`);
    assert(cite.includes(example.item) && cite.includes(`第 ${example.line} 行`), `citation reads ${cite}`);
    // Drafts are marked 征求意见稿 wherever they are listed.
    const drafts = policyExpected.candidates.flatMap((c) => c.policies.filter((p) => p.status === 'draft').map((p) => [c.id, p.id]));
    for (const [c, p] of drafts) {
      const tag = await page.textContent(`[data-testid=match-row][data-id="${c}"] [data-id="${p}"] [data-testid=policy-status]`);
      assert(tag === '征求意见稿', `draft ${p} on ${c} is marked ${tag}`);
    }
    await page.evaluate((sel) => document.querySelector(sel).scrollIntoView(), row);
    await shot(page, '03b-policy-support');
    return `${cand.id}: ${support.text}; ${withEstimate.length} with an estimate, ${eligible.length} eligible, ${possible.length} possible, ${cand.policies_ineligible} ineligible; ${drafts.length} drafts marked`;
  });

  await check('the comparison shows estimated policy support and eligible counts, not the number of measures', async () => {
    assert(policyExpected && policyExpected.candidates.length >= 2, 'fewer than two candidates for the policy project');
    const two = policyExpected.candidates.slice(0, 2);
    for (const c of two) await page.check(`[data-testid=match-row][data-id="${c.id}"] [data-testid=match-row-check]`);
    await page.click('[data-testid=compare-button]');
    await page.waitForSelector('[data-testid=compare-view]:not([hidden])');
    const heads = await page.$$eval('[data-testid=compare-table] tbody th', (els) => els.map((e) => e.textContent.trim()));
    assert(heads.includes('政策支持估算'), `rows ${heads}`);
    assert(!heads.includes('适用政策'), 'the comparison still counts the measures listed');
    const cells = await page.$$eval('[data-testid=compare-support] td', (els) => els.map((e) => ({ wan: Number(e.dataset.wan), text: e.querySelector('b').textContent, best: e.classList.contains('best') })));
    const counts = await page.$$eval('[data-testid=compare-eligible] td', (els) => els.map((e) => Number(e.dataset.eligible)));
    const top = Math.max(...two.map((c) => c.policy_support_wan));
    for (const [i, c] of two.entries()) {
      const want = c.policy_support_wan > 0 ? `最高 ${zhNumber(c.policy_support_wan)} 万元` : '暂无可计金额';
      assert(cells[i].wan === c.policy_support_wan && cells[i].text === want, `column ${i + 1}: ${cells[i].text}, API ${want}`);
      assert(cells[i].best === (c.policy_support_wan > 0 && c.policy_support_wan === top), `column ${i + 1} best mark ${cells[i].best}`);
      const eligible = c.policies.filter((p) => p.eligibility === 'eligible').length;
      assert(counts[i] === eligible, `column ${i + 1}: ${counts[i]} eligible, API ${eligible}`);
    }
    await shot(page, '04b-compare-support');
    await page.click('[data-testid=compare-close]');
    return cells.map((c, i) => `${two[i].id} ${c.text}, ${counts[i]} eligible`).join('; ');
  });

  await check('政策预审 judges the project without a site and lists each district\'s support as /api/v1/policies/check', async () => {
    assert(policySent, 'no policy project was sent');
    await page.selectOption('[data-testid=match-district]', '');
    const [req] = await Promise.all([
      page.waitForRequest((r) => r.url().endsWith('/api/v1/policies/check') && r.method() === 'POST'),
      page.click('[data-testid=match-precheck]'),
    ]);
    const sent = JSON.parse(req.postData());
    assert(!sent.districts && sent.project_type === policyForm.project_type && sent.total_investment_wan === policyForm.total_investment_wan, `request ${req.postData()}`);
    const want = await api('/api/v1/policies/check', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(sent) });
    await page.waitForSelector('[data-testid=precheck-district]');
    const rows = await page.$$eval('[data-testid=precheck-district]', (els) => els.map((e) => ({ d: e.dataset.adcode, wan: Number(e.dataset.wan), text: e.querySelector('[data-testid=precheck-support]').textContent })));
    assert(JSON.stringify(rows.map((r) => r.d)) === JSON.stringify(want.districts.map((d) => d.district)), `districts ${rows.map((r) => r.d)} ≠ API`);
    for (const [i, d] of want.districts.entries()) {
      assert(rows[i].wan === d.support_wan, `${d.district_name}: ${rows[i].wan}, API ${d.support_wan}`);
      if (d.support_wan > 0) assert(rows[i].text === `最高 ${zhNumber(d.support_wan)} 万元`, `${d.district_name} reads ${rows[i].text}`);
    }
    const est = await page.$$eval('[data-testid=precheck-measures] [data-testid=policy-estimates] [data-testid=policy-eligible]', (els) => els.map((e) => e.dataset.id));
    const estApi = want.measures.filter((m) => m.eligibility === 'eligible' && m.estimate_wan != null).map((m) => m.id);
    assert(JSON.stringify(est) === JSON.stringify(estApi), `measures with an estimate ${est}, API ${estApi}`);
    // Mentougou's document is a 征求意见稿: its measures say so here too.
    const drafts = want.measures.filter((m) => m.status === 'draft').map((m) => m.id);
    const tags = await page.$$eval('[data-testid=precheck-measures] [data-id]', (els) =>
      Object.fromEntries(els.map((e) => [e.dataset.id, e.querySelector(':scope > .pm-head [data-testid=policy-status]')?.textContent ?? null])),
    );
    for (const id of drafts) assert(tags[id] === '征求意见稿', `draft ${id} is marked ${tags[id]}`);
    assert(Object.entries(tags).every(([id, tag]) => tag !== '征求意见稿' || drafts.includes(id)), 'a measure in force is marked 征求意见稿');
    await shot(page, '03c-policy-precheck');
    await page.click('[data-testid=match-reset]');
    const best = want.districts[0];
    return `${rows.length} districts, first ${best.district_name} ${best.support_wan} 万元; ${est.length} measures with an estimate; ${drafts.length} drafts marked`;
  });

  await check('clicking a parcel opens the info panel with its park standards, documented figures and measures for projects', async () => {
    await page.click('[data-testid=tab-map]');
    await page.evaluate(([c]) => window.chanyeMap.jumpTo({ center: c, zoom: 15 }), [center]);
    await waitIdle(page);
    const pt = await page.evaluate(([c]) => window.chanyeMap.project(c), [center]);
    await page.mouse.click(pt.x, pt.y);
    await page.waitForSelector('[data-testid=info-panel]:not([hidden]) table.kv');
    await page.waitForFunction(() => !document.querySelector('[data-testid=info-panel] .info-body').textContent.includes('加载'));
    const text = await page.textContent('[data-testid=info-panel]');
    assert(text.includes(first.id), `panel does not show ${first.id}`);
    assert(text.includes('亩') && text.includes('m²'), 'panel lacks the area in m² and 亩');
    if (first.properties.park) assert(text.includes('园区准入标准'), 'panel lacks the park admission standards');
    assert(text.includes('适用政策措施'), 'panel lacks the policies');
    let figures = 'no park';
    if (first.properties.park) {
      // The park's documented figures, with their source, when the API has them.
      const park = (await api(`/collections/parks/items/${encodeURIComponent(first.properties.park)}`)).properties;
      if (park.land_income_2020_wan_per_ha != null || park.industrial_output_2020_wan_per_ha != null) {
        const fig = await page.textContent('[data-testid=info-panel] [data-testid=park-figures]');
        for (const v of [park.land_income_2020_wan_per_ha, park.industrial_output_2020_wan_per_ha].filter((x) => x != null)) {
          assert(fig.includes(`${zhNumber(Math.round(v))} 万元/公顷`), `figures read ${fig}, the API ${v}`);
        }
        const src = park.land_output_source ?? park.land_income_source;
        if (src) assert((await page.textContent('[data-testid=info-panel] [data-testid=park-figures-source]')).includes(src), 'the figures come without their source');
        figures = `${park.id}: ${fig}`;
      } else figures = `${park.id} has no documented figures`;
    }
    // The measures for projects reaching the place, as the listing gives them; never `others`.
    const listing = await api(`/api/v1/policies?${first.properties.park ? `park=${first.properties.park}` : `district=${first.properties.district}`}`);
    const want = listing.measures.filter((m) => m.status !== 'expired').map((m) => m.id).sort();
    const got = await page.$$eval('[data-testid=info-panel] [data-testid=policy-measure]', (els) => els.map((e) => e.dataset.id).sort());
    assert(JSON.stringify(got) === JSON.stringify(want), `panel lists ${got.length} measures, the listing ${want.length}`);
    const others = new Set(listing.others.map((m) => m.id));
    assert(!got.some((id) => others.has(id)), 'a measure for someone else than the project is listed');
    const drafts = await page.$$eval('[data-testid=info-panel] [data-testid=policy-measure][data-status=draft] [data-testid=policy-status]', (els) => els.map((e) => e.textContent));
    assert(drafts.every((d) => d === '征求意见稿'), `drafts marked ${drafts}`);
    await shot(page, '08-info-panel');
    await page.click('[data-testid=info-close]');
    return `${got.length} measures (${drafts.length} drafts); ${figures}`;
  });

  await check('an assembly candidate highlights all its member parcels', async () => {
    // Find through the API an area that only groups of parcels can offer.
    let req = null;
    let asm = null;
    for (const mu of [160, 120, 200, 100, 250, 80]) {
      const body = { industry: 'health', space: 'land', land_area_mu: { min: mu }, limit: 10 };
      const r = await api('/api/v1/match', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      asm = r.candidates.find((c) => c.kind === 'assembly');
      if (asm) {
        req = body;
        break;
      }
    }
    if (!asm) return 'skipped: the data offers no assembly for these requests';
    await page.click('[data-testid=tab-match]');
    await page.fill('[data-testid=match-industry]', 'health');
    await page.click('[data-testid=match-industry-option][data-code="health"]');
    await page.selectOption('[data-testid=match-space]', 'land');
    await page.selectOption('[data-testid=match-district]', '');
    await page.fill('[data-testid=match-area-min]', String(req.land_area_mu.min));
    await page.fill('[data-testid=match-floor-area]', '');
    await page.fill('[data-testid=match-investment]', '');
    for (const lu of ['M1', 'M4', 'M1-M4']) await page.uncheck(`[data-testid=match-lu-${lu}]`);
    await page.click('[data-testid=match-submit]');
    await page.waitForSelector(`[data-testid=match-row][data-id="${asm.id}"]`, { timeout: 20000 });
    await page.click(`[data-testid=match-row][data-id="${asm.id}"] .cname`);
    await page.waitForFunction(() => !window.chanyeMap.isMoving(), null, { timeout: 10000 });
    await waitIdle(page);
    const hl = await page.evaluate(() => [...new Set(window.chanyeMap.queryRenderedFeatures({ layers: [window.chanyeLayers.highlight] }).map((f) => f.properties.id))]);
    for (const id of asm.members) assert(hl.includes(id), `member ${id} not highlighted (${hl.join(',')})`);
    await shot(page, '05b-assembly');
    return `${asm.members.join(' + ')}`;
  });

  await check('the match form keeps its last project across a reload (localStorage)', async () => {
    const p = await context.newPage();
    const perr = [];
    watchPage(p, perr);
    await p.goto(`${base}/map/?tab=match`);
    await waitReady(p);
    const ind = (await api('/api/v1/industries?q=health.devices')).industries.find((i) => i.code === 'health.devices');
    const d = districts.find((x) => x.properties.name === '平谷区') || districts[0];
    const values = {
      'match-name': '本地保存测试项目',
      'match-area-min': '12.5',
      'match-area-max': '40',
      'match-floor-area': '8000',
      'match-investment': '30000',
      'match-output': '50000',
      'match-tax': '2000',
      'match-radius': '7',
      'match-limit': '6',
    };
    await p.fill('[data-testid=match-industry]', ind.name_zh);
    await p.click('[data-testid=match-industry-option][data-code="health.devices"]');
    await p.selectOption('[data-testid=match-space]', 'building');
    await p.selectOption('[data-testid=match-district]', d.properties.id);
    for (const [k, v] of Object.entries(values)) await p.fill(`[data-testid=${k}]`, v);
    for (const lu of ['M1', 'M4', 'M1-M4']) await p.setChecked(`[data-testid=match-lu-${lu}]`, lu === 'M4');
    // The folded 企业与投资信息 too.
    await p.$eval('[data-testid=match-enterprise]', (e) => (e.open = true));
    const enterprise = { 'match-total-investment': '45000', 'match-registered-capital': '12000', 'match-rnd': '800' };
    for (const [k, v] of Object.entries(enterprise)) await p.fill(`[data-testid=${k}]`, v);
    await p.check(`[data-testid=match-enterprise] input[name=title][value='高新技术企业']`);
    await p.selectOption('[data-testid=match-project-type]', '新建');
    await p.reload();
    await waitReady(p);
    for (const [k, v] of Object.entries(values)) {
      const got = await p.inputValue(`[data-testid=${k}]`);
      assert(got === v, `${k}: ${got} after reload, ${v} before`);
    }
    assert((await p.inputValue('[data-testid=match-space]')) === 'building', 'space not restored');
    assert((await p.inputValue('[data-testid=match-district]')) === d.properties.id, 'district not restored');
    assert((await p.inputValue('[data-testid=match-industry]')) === ind.name_zh, 'industry not restored');
    const lus = await p.$$eval('input[name=lu]:checked', (els) => els.map((e) => e.value));
    assert(JSON.stringify(lus) === '["M4"]', `land uses after reload ${lus}`);
    assert(await p.isVisible('[data-testid=match-restored]'), 'no note that the project was restored');
    assert(await p.isVisible('[data-testid=match-total-investment]'), '企业与投资信息 is folded although it holds values');
    for (const [k, v] of Object.entries(enterprise)) {
      const got = await p.inputValue(`[data-testid=${k}]`);
      assert(got === v, `${k}: ${got} after reload, ${v} before`);
    }
    assert((await p.inputValue('[data-testid=match-project-type]')) === '新建', 'project type not restored');
    // The restored form sends the same request as before.
    const [req] = await Promise.all([
      p.waitForRequest((r) => r.url().includes('/api/v1/match') && r.method() === 'POST'),
      p.click('[data-testid=match-submit]'),
    ]);
    const sent = JSON.parse(req.postData());
    assert(sent.industry === 'health.devices' && sent.space === 'building' && sent.floor_area_m2 === 8000 && sent.limit === 6, `request ${req.postData()}`);
    assert(sent.land_area_mu?.min === 12.5 && sent.land_area_mu?.max === 40 && sent.districts?.[0] === d.properties.id, `request ${req.postData()}`);
    assert(
      sent.total_investment_wan === 45000 && sent.registered_capital_wan === 12000 && sent.annual_rnd_wan === 800 && JSON.stringify(sent.enterprise_titles) === '["高新技术企业"]' && sent.project_type === '新建',
      `request ${req.postData()}`,
    );
    // Clearing forgets it.
    await p.click('[data-testid=match-reset]');
    await p.reload();
    await waitReady(p);
    assert((await p.inputValue('[data-testid=match-name]')) === '', 'the cleared form came back after a reload');
    assert(perr.length === 0, perr.join('\n'));
    await p.close();
    return `${Object.keys(values).length + Object.keys(enterprise).length + 6} fields restored, then cleared`;
  });

  // Phone width.
  await check('phone width (390×844) lays the panel out below the map without overflow', async () => {
    const phone = await context.newPage();
    const perr = [];
    watchPage(phone, perr);
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${base}/map/?tab=match`);
    await waitReady(phone);
    const m = await phone.evaluate(() => {
      const r = (s) => document.querySelector(s).getBoundingClientRect();
      return { sw: document.documentElement.scrollWidth, map: r('#map'), side: r('#sidebar'), toggle: r('[data-testid=panel-toggle]') };
    });
    assert(m.sw <= 390, `page is ${m.sw}px wide`);
    assert(m.side.top >= m.map.bottom - 1, 'sidebar is not below the map');
    assert(m.toggle.height > 0, 'no collapse toggle');
    await shot(phone, '09-phone');
    await phone.click('[data-testid=panel-toggle]');
    await phone.waitForTimeout(400);
    const collapsed = await phone.evaluate(() => document.querySelector('#map').getBoundingClientRect().height);
    assert(collapsed > m.map.height, 'collapsing the panel does not enlarge the map');
    await shot(phone, '10-phone-collapsed');
    assert(perr.length === 0, perr.join('\n'));
    await phone.close();
    return `map ${Math.round(m.map.height)}px → ${Math.round(collapsed)}px`;
  });

  // 6. Content negotiation at /.
  await check('/ gives the page for text/html and JSON for application/json', async () => {
    const h = await fetch(`${base}/`, { headers: { Accept: 'text/html' } });
    const ht = await h.text();
    assert(h.ok && /text\/html/.test(h.headers.get('content-type')), `text/html: ${h.status} ${h.headers.get('content-type')}`);
    assert(ht.includes('/map/app.js') && ht.includes('/map/app.css'), 'the page does not reference /map/app.js and /map/app.css');
    const j = await fetch(`${base}/`, { headers: { Accept: 'application/json' } });
    assert(j.ok && /json/.test(j.headers.get('content-type')), `application/json: ${j.status} ${j.headers.get('content-type')}`);
    const body = await j.json();
    assert(Array.isArray(body.links), 'the JSON landing page has no links');
    // The page loads at / as well (absolute asset paths).
    const p = await context.newPage();
    const perr = [];
    watchPage(p, perr);
    await p.goto(`${base}/`);
    await waitReady(p);
    assert(perr.length === 0, perr.join('\n'));
    await p.close();
    return `${body.links.length} links`;
  });

  await check('no console errors or failed requests during the whole run', async () => {
    assert(errors.length === 0, errors.join('\n  '));
  });

  // After the error check above: this one asks for a refusal on purpose.
  await check('a refused match is explained in the page language (the problem detail, in Chinese or English)', async () => {
    await page.click('[data-testid=tab-match]');
    const ind = (await api(`/api/v1/industries?q=${encodeURIComponent(sample.industry)}`)).industries.find((i) => i.code === sample.industry);
    await page.fill('[data-testid=match-industry]', ind.name_zh);
    await page.click(`[data-testid=match-industry-option][data-code="${sample.industry}"]`);
    await page.selectOption('[data-testid=match-area-unit]', 'mu');
    await page.fill('[data-testid=match-area-min]', '120');
    await page.fill('[data-testid=match-area-max]', '80');
    await page.click('[data-testid=match-submit]');
    await page.waitForSelector('[data-testid=match-error]:not([hidden])', { timeout: 10000 });
    const zh = await page.textContent('[data-testid=match-error]');
    assert(zh.includes('最小值 120 大于最大值 80'), `Chinese page shows: ${zh}`);
    await page.click('[data-testid=lang-switch]');
    await page.click('[data-testid=match-submit]');
    await page.waitForFunction(() => /greater than/.test(document.querySelector('[data-testid=match-error]').textContent), null, { timeout: 10000 });
    const en = await page.textContent('[data-testid=match-error]');
    assert(en.includes('min 120 is greater than max 80'), `English page shows: ${en}`);
    await page.click('[data-testid=lang-switch]');
    await page.click('[data-testid=match-reset]');
    return `${zh} / ${en}`;
  });

  await editChecks(context, base);
  await gcjChecks(context, first, center);
}

// ---- Issue 19: signing in, the status workflow, editing, drawing, importing, 待核实.

// The colour of one pixel of the page: a 1×1 screenshot, its PNG decoded (for one pixel
// every PNG row filter leaves the bytes as they are).
async function pixelAt(page, x, y) {
  const png = await page.screenshot({ clip: { x: Math.round(x), y: Math.round(y), width: 1, height: 1 } });
  const idat = [];
  for (let pos = 8; pos < png.length; ) {
    const len = png.readUInt32BE(pos);
    if (png.toString('ascii', pos + 4, pos + 8) === 'IDAT') idat.push(png.subarray(pos + 8, pos + 8 + len));
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  return [raw[1], raw[2], raw[3]];
}

// Which status colour of the parcel layer's paint a pixel is nearest to (drawn at 75% over a light base).
async function statusAtPixel(page, x, y) {
  const paint = await page.evaluate(() => window.chanyeMap.getPaintProperty(window.chanyeLayers.parcels, 'fill-color'));
  const rgb = await pixelAt(page, x, y);
  const hex = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
  let best = null;
  for (let i = 2; i + 1 < paint.length; i += 2) {
    const c = hex(paint[i + 1]).map((v) => 0.75 * v + 0.25 * 245);
    const d = Math.hypot(...c.map((v, k) => v - rgb[k]));
    if (!best || d < best.d) best = { status: paint[i], d };
  }
  return { ...best, rgb };
}

// Metres between two lon/lat points (haversine).
function metres([lon1, lat1], [lon2, lat2]) {
  const r = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * r) / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(a));
}

function centreOf(geometry) {
  const b = bboxOf(geometry);
  return [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
}

async function signInPage(page, token) {
  await page.click('[data-testid=signin-open]');
  await page.fill('[data-testid=signin-token]', token);
  await page.click('[data-testid=signin-submit]');
  await page.waitForSelector('[data-testid=session-user]', { timeout: 10000 });
}

// The panel shows the feature, loaded; with tools: its edit tools (or the out-of-scope note) too.
async function waitPanel(page, id, tools = true) {
  await page.waitForFunction(
    ([id, tools]) => {
      const el = document.querySelector('[data-testid=info-panel]');
      if (!el || el.hidden || el.querySelector('table.kv code')?.textContent !== id) return false;
      if (el.querySelector('.info-body').textContent.includes('加载')) return false;
      return !tools || !!el.querySelector('[data-testid=audit-list]:not([aria-busy])') || !!el.querySelector('[data-testid=out-of-scope]');
    },
    [id, tools],
    { timeout: 20000 },
  );
}

// The first feature a click at its centre (zoom 16) opens, not a building dot over a parcel.
async function findClickable(page, layer, features) {
  for (const f of features) {
    const c = layer === 'buildings' ? f.geometry.coordinates : centreOf(f.geometry);
    await page.evaluate(([c]) => window.chanyeMap.jumpTo({ center: c, zoom: 16 }), [c]);
    await waitIdle(page);
    const hit = await page.evaluate(([c]) => {
      const m = window.chanyeMap;
      const p = m.project(c);
      const box = [[p.x - 4, p.y - 4], [p.x + 4, p.y + 4]];
      return m.queryRenderedFeatures(box, { layers: [window.chanyeLayers.buildings, window.chanyeLayers.parcels] })[0]?.properties.id;
    }, [c]);
    if (hit === f.properties.id) return f;
  }
  throw new Error(`no ${layer} among ${features.length} can be clicked alone`);
}

// Clicks the feature on the map (as findClickable left the view) and waits for its panel.
async function openOnMap(page, layer, f, tools = true) {
  const c = layer === 'buildings' ? f.geometry.coordinates : centreOf(f.geometry);
  await page.evaluate(([c]) => window.chanyeMap.jumpTo({ center: c, zoom: 16 }), [c]);
  await waitIdle(page);
  const pt = await page.evaluate(([c]) => window.chanyeMap.project(c), [c]);
  const box = await page.locator('#map').boundingBox();
  await page.mouse.click(box.x + pt.x, box.y + pt.y);
  await waitPanel(page, f.properties.id, tools);
  // off the map, so the name popup does not cover the feature
  await page.mouse.move(box.x + box.width + 40, box.y + 200);
  return { x: box.x + pt.x, y: box.y + pt.y, c };
}

async function renderedAt(page, c, layer) {
  return page.evaluate(([c, layer]) => {
    const m = window.chanyeMap;
    return m.queryRenderedFeatures(m.project(c), { layers: [window.chanyeLayers[layer]] }).map((f) => f.properties);
  }, [c, layer]);
}

async function editChecks(context, base) {
  const srv = servers[0];
  const promoter = await makeToken(srv, 'promoter', ['--district', '110118'], '王科长（浏览器测试）');
  const editor = await makeToken(srv, 'editor', ['--district', '110118'], '李编辑（浏览器测试）');
  const call = async (method, path, token, { body, etag, lang, type } = {}) => {
    const headers = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    if (etag) headers['If-Match'] = etag;
    if (lang) headers['Accept-Language'] = lang;
    if (body !== undefined) headers['Content-Type'] = type || 'application/json';
    const r = await fetch(base + path, { method, headers, body: body === undefined || Buffer.isBuffer(body) ? body : JSON.stringify(body) });
    const text = await r.text();
    return { status: r.status, etag: r.headers.get('etag'), data: text ? JSON.parse(text) : null };
  };
  const get = async (path, token) => {
    const r = await call('GET', path, token);
    if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${JSON.stringify(r.data)}`);
    return r;
  };
  const item = (layer, id) => `/collections/${layer}/items/${encodeURIComponent(id)}`;
  const daysAgo = (n) => new Date(Date.now() + 8 * 3600e3 - n * 86400e3).toISOString().slice(0, 10);
  const beijingToday = daysAgo(0);
  const allowed = new Set([401, 412, 422]);
  const errors = [];
  const page = await context.newPage();
  watchPage(page, errors, allowed);
  const tileAuth = [];
  page.on('request', async (r) => {
    if (/\/tiles\/(parcels|buildings)\/\d/.test(r.url())) tileAuth.push((await r.allHeaders()).authorization || '');
  });
  await page.goto(`${base}/map/`);
  await waitReady(page);

  const me = (await get('/api/v1/me', promoter)).data;
  const available = (await get('/collections/parcels/items?district=110118&status=available&limit=1000', promoter)).data.features;
  // recently verified, available now: plain colour, no hatch over it
  const plain = available.filter((f) => !f.properties.available_from && f.properties.verified_at >= daysAgo(150));

  await check('signing in: a wrong token is refused; the header shows name, role and scope from /api/v1/me; the token is in sessionStorage only and rides on tile requests', async () => {
    await page.click('[data-testid=signin-open]');
    await page.fill('[data-testid=signin-token]', 'not-a-token');
    await page.click('[data-testid=signin-submit]');
    await page.waitForSelector('[data-testid=signin-error]:not([hidden])');
    const refused = await page.textContent('[data-testid=signin-error]');
    assert(refused.includes('令牌无效'), `a wrong token reads ${refused}`);
    await page.click('[data-testid=signin-cancel]');
    assert(!(await page.isVisible('[data-testid=tab-stale]')), '待核实 is offered before signing in');
    await signInPage(page, promoter);
    const shown = {
      name: await page.textContent('[data-testid=session-name]'),
      role: await page.textContent('[data-testid=session-role]'),
      scope: await page.textContent('[data-testid=session-scope]'),
    };
    assert(shown.name === me.name, `name ${shown.name}, API ${me.name}`);
    assert(me.role === 'promoter' && shown.role === '招商专员', `role ${shown.role}, API ${me.role}`);
    assert(me.scope.kind === 'district' && shown.scope === me.scope.name, `scope ${shown.scope}, API ${JSON.stringify(me.scope)}`);
    const kept = await page.evaluate(() => ({ session: Object.values(sessionStorage), local: Object.values(localStorage), cookie: document.cookie, url: location.href }));
    assert(kept.session.includes(promoter), 'the token is not in sessionStorage');
    assert(!kept.local.some((v) => v.includes(promoter)), 'the token is in localStorage');
    const cookies = await context.cookies();
    assert(!kept.cookie.includes(promoter) && !cookies.some((c) => c.value.includes(promoter)), 'the token is in a cookie');
    assert(!kept.url.includes(promoter), 'the token is in the URL');
    assert(await page.isVisible('[data-testid=tab-stale]'), 'no 待核实 tab for a promoter');
    assert(!(await page.isVisible('[data-testid=tab-import]')), 'a promoter is offered 导入');
    tileAuth.length = 0;
    await page.evaluate(([c]) => window.chanyeMap.jumpTo({ center: c, zoom: 14 }), [centreOf(plain[0].geometry)]);
    await waitIdle(page);
    assert(tileAuth.length > 0, 'no parcel or building tile was requested');
    assert(tileAuth.every((a) => a === `Bearer ${promoter}`), `tile requests without the token: ${tileAuth.filter((a) => a !== `Bearer ${promoter}`).length} of ${tileAuth.length}`);
    await shot(page, '12-signed-in');
    return `${shown.name} · ${shown.role} · ${shown.scope}; ${tileAuth.length} tile requests with the token`;
  });

  let changedParcel = null;
  await check('a promoter moves a parcel to 洽谈中 with the workflow buttons: new colour on the map at once, the API and the audit trail agree', async () => {
    const target = await findClickable(page, 'parcels', plain);
    const id = target.properties.id;
    const before = await get(item('parcels', id), promoter);
    const at = await openOnMap(page, 'parcels', target);
    const offered = await page.$$eval('[data-testid=edit-tools] [data-to]', (els) => els.map((e) => e.dataset.to));
    assert(JSON.stringify(offered) === '["negotiating"]', `an available parcel offers a promoter ${offered}`);
    const colourBefore = await statusAtPixel(page, at.x, at.y);
    assert(colourBefore.status === 'available', `the parcel is painted ${colourBefore.status} (${colourBefore.rgb}) before`);
    const project = `浏览器测试项目 ${Date.now()}`;
    await page.click('[data-testid=status-to-negotiating]');
    await page.fill('[data-testid=status-form] [data-field=project]', project);
    await page.fill('[data-testid=status-form] [data-field=project_id]', 'BT-001');
    await page.fill('[data-testid=status-form] [data-field=note]', '投资方已看地');
    await page.click('[data-testid=status-confirm]');
    await page.waitForSelector('[data-testid=edit-done]:not([hidden])', { timeout: 10000 });
    const chip = await page.textContent('[data-testid=info-panel] [data-testid=status-chip]');
    assert(chip === '洽谈中', `the panel's status reads ${chip}`);
    const after = await get(item('parcels', id), promoter);
    const p = after.data.properties;
    assert(p.status === 'negotiating' && p.project === project && p.project_id === 'BT-001', `API: ${p.status} ${p.project} ${p.project_id}`);
    assert(after.etag && after.etag !== before.etag, `ETag ${before.etag} → ${after.etag}`);
    // the map, without a reload: the rendered feature and the paint at that point
    await page.waitForFunction(
      ([c, id]) => {
        const m = window.chanyeMap;
        return m.queryRenderedFeatures(m.project(c), { layers: [window.chanyeLayers.parcels] }).some((f) => f.properties.id === id && f.properties.status === 'negotiating');
      },
      [at.c, id],
      { timeout: 10000 },
    );
    await waitIdle(page);
    const rendered = (await renderedAt(page, at.c, 'parcels')).find((x) => x.id === id);
    assert(rendered.project === project, `the promoter's tile carries project ${rendered.project}`);
    const colourAfter = await statusAtPixel(page, at.x, at.y);
    assert(colourAfter.status === 'negotiating', `the parcel is painted ${colourAfter.status} (${colourAfter.rgb}) after`);
    // the next steps offered, and the audit trail newest first as the API lists it
    const next = await page.$$eval('[data-testid=edit-tools] [data-to]', (els) => els.map((e) => e.dataset.to).sort());
    assert(JSON.stringify(next) === '["available","reserved"]', `from 洽谈中 a promoter is offered ${next}`);
    const audit = (await get(`/api/v1/audit?feature=${encodeURIComponent(id)}`, promoter)).data.entries.sort((a, b) => b.seq - a.seq);
    const shownAudit = await page.$$eval('[data-testid=audit-entry]', (els) => els.map((e) => ({ action: e.dataset.action, text: e.textContent })));
    assert(shownAudit.length === audit.length, `${shownAudit.length} audit entries shown, API ${audit.length}`);
    assert(shownAudit[0].action === 'status' && audit[0].action === 'status', `newest entry ${shownAudit[0].action}`);
    for (const want of ['可供应', '洽谈中', project, '投资方已看地', me.name]) assert(shownAudit[0].text.includes(want), `the newest entry lacks ${want}: ${shownAudit[0].text}`);
    await shot(page, '13-status-changed');
    changedParcel = { id, at };
    return `${id}: ${colourBefore.status} rgb(${colourBefore.rgb}) → ${colourAfter.status} rgb(${colourAfter.rgb}); ETag ${before.etag} → ${after.etag}; ${audit.length} audit entries`;
  });

  await check('a feature outside the token\'s scope (a 大兴区 parcel for a 密云区 promoter) shows no edit tools', async () => {
    const daxing = (await get('/collections/parcels/items?district=110115&limit=50')).data.features;
    const target = await findClickable(page, 'parcels', daxing);
    await openOnMap(page, 'parcels', target);
    assert(!(await page.$('[data-testid=info-panel] [data-testid=edit-tools]')), 'edit tools on a 大兴区 parcel');
    assert(!(await page.$('[data-testid=info-panel] [data-to]')), 'status buttons on a 大兴区 parcel');
    const note = await page.textContent('[data-testid=out-of-scope]');
    assert(note.includes(me.scope.name), `the note reads ${note}`);
    // and the server would refuse the write the page does not offer
    const r = await call('POST', `/api/v1/parcels/${encodeURIComponent(target.properties.id)}/verify`, promoter, { etag: (await get(item('parcels', target.properties.id))).etag });
    assert(r.status === 403, `the API answers a write out of scope with ${r.status}`);
    return `${target.properties.id}: ${note}`;
  });

  // One parcel and one building of 密云 made stale through the API, so the checks do not hang on the sample's dates.
  const staleParcel = await findClickable(page, 'parcels', plain.filter((f) => f.properties.id !== changedParcel?.id));
  const staleBuilding = (await get('/collections/buildings/items?district=110118&limit=1')).data.features[0];
  for (const [layer, f] of [['parcels', staleParcel], ['buildings', staleBuilding]]) {
    const now = await get(item(layer, f.properties.id), editor);
    const r = await call('PATCH', item(layer, f.properties.id), editor, { etag: now.etag, body: { properties: { verified_at: '2020-01-15' } } });
    if (r.status !== 200) log(`# PATCH ${f.properties.id} verified_at: ${r.status} ${JSON.stringify(r.data)}`);
  }

  await check('a feature not verified for stale_after_days is hatched on the map (tiles carry stale), apart from the available-later hatch', async () => {
    const id = staleParcel.properties.id;
    const api = (await get(item('parcels', id), promoter)).data.properties;
    assert(api.stale === true, `the API's ${id} has stale ${api.stale} (verified_at ${api.verified_at})`);
    await page.click('[data-testid=info-close]').catch(() => {});
    const tileLog = [];
    const onTile = async (r) => {
      if (r.url().includes('/tiles/parcels/')) tileLog.push(`${r.url().split('/tiles/')[1]} ${r.status()} ${r.headers().etag} ${r.request().headers()['if-none-match'] || ''}`);
    };
    page.on('response', onTile);
    await page.evaluate(() => window.chanyeReloadTiles(['parcels']));
    const c = centreOf(staleParcel.geometry);
    await page.evaluate(([c]) => window.chanyeMap.jumpTo({ center: c, zoom: 16 }), [c]);
    await waitIdle(page);
    // the reloaded tiles may land after the first idle
    await page
      .waitForFunction(([c, id]) => {
        const m = window.chanyeMap;
        return m.queryRenderedFeatures(m.project(c), { layers: [window.chanyeLayers.stale] }).some((f) => f.properties.id === id);
      }, [c, id], { timeout: 15000 })
      .catch(() => {});
    const hatched = (await renderedAt(page, c, 'stale')).map((p) => p.id);
    if (!hatched.includes(id)) {
      const seen = (await renderedAt(page, c, 'parcels')).map((p) => `${p.id}:${p.stale}`);
      const filter = await page.evaluate(() => JSON.stringify(window.chanyeMap.getFilter(window.chanyeLayers.stale)));
      const zoom = await page.evaluate(() => [window.chanyeMap.getZoom(), window.chanyeMap.getSource('parcels').maxzoom]);
      throw new Error(`${id} is not hatched as stale (${hatched}); drawn there: ${seen}; filter ${filter}; url ${page.url()}; zoom ${zoom}; tiles ${tileLog.join(' ; ')}`);
    }
    const future = (await renderedAt(page, c, 'future')).map((p) => p.id);
    assert(!future.includes(id), `${id} is hatched as available later`);
    const pattern = await page.evaluate(() => [window.chanyeMap.getPaintProperty(window.chanyeLayers.stale, 'fill-pattern'), window.chanyeMap.getPaintProperty(window.chanyeLayers.future, 'fill-pattern')]);
    assert(pattern[0] && pattern[0] !== pattern[1], `stale and available-later patterns: ${pattern}`);
    page.off('response', onTile);
    const legend = await page.textContent('[data-testid=legend-stale]');
    assert(legend.includes('待核实'), `legend: ${legend}`);
    await shot(page, '14-stale-hatched');
    return `${id} hatched with ${pattern[0]}; legend ${legend}`;
  });

  await check('核实无误 in the panel sets verified_at to today (Beijing), the API agrees and the hatch goes', async () => {
    const id = staleParcel.properties.id;
    await openOnMap(page, 'parcels', staleParcel);
    const was = await page.textContent('[data-testid=info-panel] [data-testid=verified-at]');
    assert(was !== beijingToday, `${id} already reads ${was}`);
    await page.click('[data-testid=verify]');
    await page.waitForSelector('[data-testid=edit-done]:not([hidden])', { timeout: 10000 });
    const shownDate = await page.textContent('[data-testid=info-panel] [data-testid=verified-at]');
    const api = (await get(item('parcels', id), promoter)).data.properties;
    assert(api.verified_at === beijingToday, `API verified_at ${api.verified_at}, today in Beijing ${beijingToday}`);
    assert(shownDate === api.verified_at, `the panel reads ${shownDate}, the API ${api.verified_at}`);
    assert(api.stale === false, `the API still has stale ${api.stale}`);
    await page.waitForFunction(
      ([c, id]) => {
        const m = window.chanyeMap;
        const p = m.queryRenderedFeatures(m.project(c), { layers: [window.chanyeLayers.parcels] }).find((f) => f.properties.id === id);
        return p && !m.queryRenderedFeatures(m.project(c), { layers: [window.chanyeLayers.stale] }).some((f) => f.properties.id === id);
      },
      [centreOf(staleParcel.geometry), id],
      { timeout: 10000 },
    );
    return `${id}: ${was} → ${shownDate}`;
  });

  await check('待核实 lists the features /api/v1/stale gives for the scope, oldest first; a click flies to one and opens its panel', async () => {
    const want = (await get('/api/v1/stale?district=110118', promoter)).data;
    assert(want.features.length > 0, 'the API lists nothing stale in 密云区');
    assert(want.features.some((f) => f.id === staleBuilding.properties.id), `the API's list lacks ${staleBuilding.properties.id}`);
    await page.click('[data-testid=tab-stale]');
    await page.waitForSelector('[data-testid=stale-count]', { timeout: 10000 });
    const district = await page.inputValue('[data-testid=stale-district]');
    assert(district === me.scope.id, `the list is for ${district}, the token's district ${me.scope.id}`);
    const got = await page.$$eval('[data-testid=stale-item]', (els) => els.map((e) => `${e.dataset.layer}:${e.dataset.id}`));
    const exp = want.features.map((f) => `${f.layer}:${f.id}`);
    assert(JSON.stringify(got) === JSON.stringify(exp), `list ${got.slice(0, 4)}… (${got.length}) ≠ API ${exp.slice(0, 4)}… (${exp.length})`);
    const count = await page.textContent('[data-testid=stale-count]');
    assert(count.includes(String(want.stale_after_days)), `the count reads ${count}, stale_after_days ${want.stale_after_days}`);
    const pick = want.features.find((f) => f.id === staleBuilding.properties.id);
    await afterMove(page, () => page.click(`[data-testid=stale-item][data-id="${pick.id}"]`));
    await waitPanel(page, pick.id);
    assert(await page.isVisible('[data-testid=info-panel] [data-testid=verify]'), 'no 核实无误 in the opened panel');
    const c = await page.evaluate(() => window.chanyeMap.getCenter().toArray());
    const d = metres(c, staleBuilding.geometry.coordinates);
    assert(d < 50, `the map centre is ${d.toFixed(0)} m from ${pick.id}`);
    await shot(page, '15-stale-list');
    return `${got.length} features (${want.stale_after_days} days), first ${got[0]}; opened ${pick.id}`;
  });

  // ---- an editor's page
  const epage = await context.newPage();
  watchPage(epage, errors, allowed);
  await epage.goto(`${base}/map/`);
  await waitReady(epage);
  await signInPage(epage, editor);
  const edited = await findClickable(epage, 'parcels', plain.filter((f) => f.properties.id !== changedParcel?.id && f.properties.id !== staleParcel.properties.id));
  const editedId = edited.properties.id;

  await check('an editor\'s refused attributes (max_far -1, land_use X9) are shown at their fields, in the server\'s Chinese', async () => {
    await openOnMap(epage, 'parcels', edited);
    await epage.click('[data-testid=edit-open]');
    await epage.fill('[data-testid=edit-form] [data-field=max_far]', '-1');
    await epage.fill('[data-testid=edit-form] [data-field=land_use]', 'X9');
    await epage.click('[data-testid=edit-save]');
    await epage.waitForSelector('[data-testid=edit-form] [data-testid=field-error][data-for=max_far]:not([hidden])', { timeout: 10000 });
    const shown = await epage.$$eval('[data-testid=edit-form] [data-testid=field-error]:not([hidden])', (els) => Object.fromEntries(els.map((e) => [e.dataset.for, e.textContent])));
    const now = await get(item('parcels', editedId), editor);
    const want = await call('PATCH', item('parcels', editedId), editor, { etag: now.etag, lang: 'zh-CN,zh;q=0.9', body: { properties: { land_use: 'X9', max_far: -1 } } });
    assert(want.status === 422, `the API answers ${want.status}`);
    const reasons = Object.fromEntries(want.data.problems.map((p) => [p.field, p.reason]));
    for (const f of ['max_far', 'land_use']) assert(shown[f] === reasons[f], `${f}: the form says ${shown[f]}, the API ${reasons[f]}`);
    assert(now.data.properties.max_far === edited.properties.max_far, 'the refused write changed the parcel');
    await shot(epage, '16-edit-422');
    await epage.click('[data-testid=edit-cancel]');
    return `max_far: ${shown.max_far}; land_use: ${shown.land_use}`;
  });

  await check('a write over a change made meanwhile (412) lists what changed; 重新载入 shows the current version, and the edit then saves', async () => {
    const now = await get(item('parcels', editedId), editor);
    const newFar = Math.round((now.data.properties.max_far + 0.3) * 100) / 100;
    const meanwhile = await call('PATCH', item('parcels', editedId), editor, { etag: now.etag, body: { properties: { max_far: newFar } } });
    assert(meanwhile.status === 200, `the API's own change: ${meanwhile.status}`);
    await epage.click('[data-testid=edit-open]');
    await epage.fill('[data-testid=edit-form] [data-field=power_kva]', '12345');
    await epage.click('[data-testid=edit-save]');
    await epage.waitForSelector('[data-testid=conflict]:not([hidden]) [data-testid=conflict-reload]', { timeout: 10000 });
    const fields = await epage.$$eval('[data-testid=conflict-field]', (els) => els.map((e) => ({ field: e.dataset.field, text: e.textContent })));
    const far = fields.find((f) => f.field === 'max_far');
    assert(far, `the conflict lists ${fields.map((f) => f.field)}, not max_far`);
    assert(far.text.includes(String(now.data.properties.max_far)) && far.text.includes(String(newFar)), `max_far reads ${far.text} (${now.data.properties.max_far} → ${newFar})`);
    assert(!fields.some((f) => f.field === 'power_kva'), 'the page lists its own unsaved change as someone else\'s');
    await shot(epage, '17-edit-412');
    await epage.click('[data-testid=conflict-reload]');
    await epage.waitForFunction((v) => {
      const rows = [...document.querySelectorAll('[data-testid=info-panel] table.kv tr')];
      return rows.some((r) => r.querySelector('th')?.textContent === '容积率上限' && r.querySelector('td')?.textContent === v);
    }, zhNumber(newFar), { timeout: 10000 });
    await waitPanel(epage, editedId);
    await epage.click('[data-testid=edit-open]');
    await epage.fill('[data-testid=edit-form] [data-field=power_kva]', '12345');
    await epage.click('[data-testid=edit-save]');
    await epage.waitForSelector('[data-testid=edit-done]:not([hidden])', { timeout: 10000 });
    const api = (await get(item('parcels', editedId), editor)).data.properties;
    assert(api.power_kva === 12345 && api.max_far === newFar, `API power_kva ${api.power_kva}, max_far ${api.max_far}`);
    return `max_far ${now.data.properties.max_far} → ${newFar} meanwhile; then power_kva saved`;
  });

  let newBuilding = null;
  await check('an editor adds a building by clicking the map: the API has it at that position (within 1 m)', async () => {
    const near = staleBuilding.geometry.coordinates;
    await epage.evaluate(([c]) => window.chanyeMap.jumpTo({ center: c, zoom: 17 }), [[near[0] + 0.0008, near[1] + 0.0004]]);
    await waitIdle(epage);
    await epage.click('[data-testid=add-building]');
    await epage.waitForSelector('[data-testid=mode-bar]:not([hidden])');
    const box = await epage.locator('#map').boundingBox();
    const px = { x: box.x + box.width / 2 + 30, y: box.y + box.height / 2 - 20 };
    const want = await epage.evaluate(([x, y]) => window.chanyeMap.unproject([x, y]).toArray(), [px.x - box.x, px.y - box.y]);
    await epage.mouse.click(px.x, px.y);
    await epage.waitForSelector('[data-testid=new-form][data-layer=buildings]');
    const id = `browser-b-${Date.now()}`;
    await epage.fill('[data-testid=new-form] [data-field=id]', id);
    await epage.fill('[data-testid=new-form] [data-field=name]', '浏览器测试 新厂房');
    await epage.selectOption('[data-testid=new-form] [data-field=building_type]', '标准厂房');
    await epage.fill('[data-testid=new-form] [data-field=floor_area_m2]', '6000');
    await epage.fill('[data-testid=new-form] [data-field=vacant_area_m2]', '2500');
    await epage.click('[data-testid=new-save]');
    await waitPanel(epage, id);
    const api = (await get(item('buildings', id), editor)).data;
    const d = metres(api.geometry.coordinates, want);
    assert(d < 1, `the API has ${id} ${d.toFixed(2)} m from the click`);
    assert(api.properties.status === 'available' && api.properties.verified_at === todayIso(), `status ${api.properties.status}, verified_at ${api.properties.verified_at}`);
    await epage.waitForFunction((id) => window.chanyeMap.queryRenderedFeatures({ layers: [window.chanyeLayers.buildings] }).some((f) => f.properties.id === id), id, { timeout: 10000 });
    newBuilding = id;
    await shot(epage, '18-building-added');
    return `${id} ${d.toFixed(3)} m from the click, in ${api.properties.district}/${api.properties.park}`;
  });

  await check('an editor deletes a building after confirming: the API no longer has it', async () => {
    assert(newBuilding, 'no building was added');
    await epage.click('[data-testid=delete]');
    assert(await epage.isVisible('[data-testid=delete-confirm]'), 'no confirmation asked');
    await epage.click('[data-testid=delete-confirm]');
    await epage.waitForSelector('[data-testid=info-panel]', { state: 'hidden', timeout: 10000 });
    const r = await call('GET', item('buildings', newBuilding), editor);
    assert(r.status === 404, `the API answers ${r.status} for ${newBuilding}`);
    return `${newBuilding} deleted`;
  });

  let drawn = null;
  await check('an editor draws a parcel with terra-draw (clicks, then the first vertex again): the API has a parcel with that outline', async () => {
    const c = centreOf(edited.geometry);
    await epage.evaluate(([c]) => window.chanyeMap.jumpTo({ center: [c[0] + 0.004, c[1] - 0.002], zoom: 16 }), [c]);
    await waitIdle(epage);
    await epage.click('[data-testid=draw-parcel]');
    await epage.waitForSelector('[data-testid=mode-bar]:not([hidden])');
    const box = await epage.locator('#map').boundingBox();
    const cx = box.x + box.width / 2 + 60;
    const cy = box.y + box.height / 2;
    const corners = [[cx - 60, cy - 50], [cx + 70, cy - 50], [cx + 70, cy + 60], [cx - 60, cy + 60]];
    const want = [];
    for (const [x, y] of corners) {
      want.push(await epage.evaluate(([x, y]) => window.chanyeMap.unproject([x, y]).toArray(), [x - box.x, y - box.y]));
      await epage.mouse.move(x, y);
      await epage.mouse.click(x, y);
      await epage.waitForTimeout(150);
    }
    await epage.mouse.move(corners[0][0], corners[0][1]);
    await epage.mouse.click(corners[0][0], corners[0][1]);
    await epage.waitForSelector('[data-testid=new-form][data-layer=parcels]', { timeout: 10000 });
    const id = `browser-p-${Date.now()}`;
    await epage.fill('[data-testid=new-form] [data-field=id]', id);
    await epage.fill('[data-testid=new-form] [data-field=name]', '浏览器测试 新地块');
    await epage.fill('[data-testid=new-form] [data-field=land_use]', 'M1');
    await epage.fill('[data-testid=new-form] [data-field=max_far]', '2');
    await epage.check('[data-testid=new-form] input[name=supply_modes][value=出让]');
    await shot(epage, '19-parcel-drawn');
    await epage.click('[data-testid=new-save]');
    await waitPanel(epage, id);
    const api = (await get(item('parcels', id), editor)).data;
    const ring = api.geometry.type === 'Polygon' ? api.geometry.coordinates[0] : api.geometry.coordinates[0][0];
    const vertices = ring.slice(0, -1);
    assert(vertices.length === want.length, `the API's outline has ${vertices.length} vertices, ${want.length} clicked`);
    const off = want.map((w) => Math.min(...vertices.map((v) => metres(v, w))));
    assert(off.every((d) => d < 1), `vertices off the clicks by ${off.map((d) => d.toFixed(2))} m`);
    await epage.waitForFunction((id) => window.chanyeMap.queryRenderedFeatures({ layers: [window.chanyeLayers.parcels] }).some((f) => f.properties.id === id), id, { timeout: 10000 });
    drawn = { id, corners };
    return `${id}: ${vertices.length} vertices within ${Math.max(...off).toFixed(2)} m, ${api.properties.area_mu} 亩 in ${api.properties.district}`;
  });

  await check('an editor reshapes that parcel by dragging a vertex (修改边界): the API has the moved vertex and a larger area', async () => {
    assert(drawn, 'no parcel was drawn');
    const before = (await get(item('parcels', drawn.id), editor)).data;
    await epage.click('[data-testid=info-panel] [data-testid=reshape]');
    await epage.waitForSelector('[data-testid=reshape-save]');
    await epage.waitForTimeout(300);
    const [x, y] = drawn.corners[2];
    const to = [x + 40, y + 30];
    await epage.mouse.move(x, y);
    await epage.mouse.down();
    for (let i = 1; i <= 8; i++) await epage.mouse.move(x + (40 * i) / 8, y + (30 * i) / 8);
    await epage.mouse.up();
    const box = await epage.locator('#map').boundingBox();
    const want = await epage.evaluate(([x, y]) => window.chanyeMap.unproject([x, y]).toArray(), [to[0] - box.x, to[1] - box.y]);
    await shot(epage, '19b-parcel-reshaped');
    await epage.click('[data-testid=reshape-save]');
    await epage.waitForSelector('[data-testid=mode-bar]', { state: 'hidden', timeout: 10000 });
    const saidSaved = await epage.textContent('[data-testid=info-panel]');
    assert(saidSaved.includes('边界已保存'), 'the panel does not say the outline was saved');
    const after = (await get(item('parcels', drawn.id), editor)).data;
    const ring = after.geometry.type === 'Polygon' ? after.geometry.coordinates[0] : after.geometry.coordinates[0][0];
    const nearest = Math.min(...ring.map((v) => metres(v, want)));
    assert(nearest < 1.5, `no vertex within 1.5 m of where it was dropped (nearest ${nearest.toFixed(2)} m)`);
    assert(after.properties.area_mu > before.properties.area_mu, `area ${before.properties.area_mu} → ${after.properties.area_mu} 亩`);
    return `vertex dropped within ${nearest.toFixed(2)} m; ${before.properties.area_mu} → ${after.properties.area_mu} 亩`;
  });

  await check('导入: an XLSX with a bad row shows the problem at its row and column and cannot be committed; the corrected XLSX commits and the API has the rows', async () => {
    await epage.click('[data-testid=info-close]').catch(() => {});
    await epage.click('[data-testid=tab-import]');
    const [download] = await Promise.all([epage.waitForEvent('download', { timeout: 15000 }), epage.click('[data-testid=import-template]')]);
    const template = await readFile(await download.path());
    assert(template.subarray(0, 2).toString() === 'PK', `the template is not an XLSX (${template.subarray(0, 4).toString('hex')})`);
    await epage.click('label:has([data-testid=import-layer-buildings])');
    await epage.selectOption('[data-testid=import-crs]', 'wgs84');
    const [lon, lat] = staleBuilding.geometry.coordinates;
    const stamp = Date.now();
    const ids = [`browser-imp-${stamp}-1`, `browser-imp-${stamp}-2`];
    const header = ['楼宇编号', '楼宇名称', '类型', '状态', '总建筑面积（㎡）', '空置面积（㎡）', '经度', '纬度', '数据来源', '核实日期'];
    const rows = (type) => [
      header,
      [ids[0], '导入测试 1 号楼', '标准厂房', '可供应', 8000, 3000, lon + 0.0005, lat + 0.0003, '浏览器测试清单', '2026-11-01'],
      [ids[1], '导入测试 2 号楼', type, '可供应', 5000, 1000, lon + 0.0009, lat + 0.0003, '浏览器测试清单', '2026-11-01'],
    ];
    const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    const badList = xlsx(rows('仓储库'), '空置厂房');
    await epage.setInputFiles('[data-testid=import-file]', { name: '空置厂房清单.xlsx', mimeType: XLSX_TYPE, buffer: badList });
    await epage.click('[data-testid=import-preview]');
    await epage.waitForSelector('[data-testid=import-counts]', { timeout: 15000 });
    const api = await call('POST', '/api/v1/import?layer=buildings&crs=wgs84', editor, { body: badList, type: XLSX_TYPE, lang: 'zh-CN' });
    assert(api.status === 200, `the API's preview: ${api.status} ${JSON.stringify(api.data)?.slice(0, 200)}`);
    const wantProblems = api.data.problems.map((p) => `${p.sheet}|${p.row}|${p.column}|${p.severity}`).sort();
    const gotProblems = await epage.$$eval('[data-testid=import-problem]', (els) => els.map((e) => `${e.dataset.sheet}|${e.dataset.row}|${e.dataset.column}|${e.dataset.severity}`).sort());
    assert(JSON.stringify(gotProblems) === JSON.stringify(wantProblems), `problems ${gotProblems} ≠ API ${wantProblems}`);
    const bad = api.data.problems.find((p) => p.severity === 'error');
    // the second data row, the one after the good row's
    const goodRow = api.data.new.find((r) => r.id === ids[0])?.row;
    assert(bad && goodRow != null && bad.row === goodRow + 1 && bad.column === '类型', `the API's error: ${JSON.stringify(bad)} (good row ${goodRow})`);
    const reason = await epage.textContent(`[data-testid=import-problem][data-row="${bad.row}"][data-severity=error]`);
    assert(reason.includes(bad.reason_zh), `the page reads ${reason}, the API ${bad.reason_zh}`);
    assert(!api.data.can_commit && (await epage.isDisabled('[data-testid=import-commit]')), 'a list with an error can be committed');
    await shot(epage, '20-import-problem');
    const fixed = xlsx(rows('标准厂房'), '空置厂房');
    await epage.setInputFiles('[data-testid=import-file]', { name: '空置厂房清单.xlsx', mimeType: XLSX_TYPE, buffer: fixed });
    await epage.click('[data-testid=import-preview]');
    await epage.waitForSelector('[data-testid=import-counts]', { timeout: 15000 });
    const counts = await epage.$eval('[data-testid=import-counts]', (e) => ({ ...e.dataset }));
    assert(counts.new === '2' && counts.errors === '0', `the corrected list previews ${JSON.stringify(counts)}`);
    const newRows = await epage.$$eval('[data-testid=import-new] tr', (els) => els.map((e) => e.dataset.id).sort());
    assert(JSON.stringify(newRows) === JSON.stringify(ids), `new rows ${newRows}`);
    await epage.click('[data-testid=import-commit]');
    await epage.waitForSelector('[data-testid=import-done]', { timeout: 15000 });
    const done = await epage.$eval('[data-testid=import-done]', (e) => ({ ...e.dataset }));
    assert(done.new === '2', `committed ${JSON.stringify(done)}`);
    for (const [i, id] of ids.entries()) {
      const f = (await get(item('buildings', id), editor)).data;
      assert(f.properties.name === rows('标准厂房')[i + 1][1], `${id} reads ${f.properties.name}`);
    }
    await shot(epage, '21-import-committed');
    return `problem at row ${bad.row}, column ${bad.column}: ${bad.reason_zh}; then ${done.new} new committed`;
  });

  await check('signing out: the header offers 登录 again, sessionStorage is cleared, the edit tools and tabs go, tiles come without the token', async () => {
    await page.click('[data-testid=tab-map]');
    const target = await findClickable(page, 'parcels', plain.filter((f) => f.properties.id !== changedParcel?.id));
    await openOnMap(page, 'parcels', target);
    assert(await page.isVisible('[data-testid=info-panel] [data-testid=edit-tools]'), 'no edit tools before signing out');
    tileAuth.length = 0;
    await page.click('[data-testid=signout]');
    await page.waitForSelector('[data-testid=signin-open]');
    const label = await page.textContent('[data-testid=signin-open]');
    assert(label === '登录', `the header reads ${label}`);
    const kept = await page.evaluate(() => Object.values(sessionStorage));
    assert(!kept.some((v) => v.includes(promoter)), 'the token is still in sessionStorage');
    await waitPanel(page, target.properties.id, false);
    assert(!(await page.$('[data-testid=info-panel] [data-testid=edit-tools]')), 'edit tools after signing out');
    assert(!(await page.isVisible('[data-testid=tab-stale]')), '待核实 after signing out');
    await waitIdle(page);
    assert(tileAuth.length > 0 && tileAuth.every((a) => a === ''), `tiles after signing out: ${tileAuth.filter(Boolean).length} of ${tileAuth.length} with a token`);
    const rendered = (await renderedAt(page, changedParcel.at.c, 'parcels')).find((x) => x.id === changedParcel.id);
    assert(!rendered || rendered.project === undefined, `a public tile carries project ${rendered?.project}`);
    return `${label}; ${tileAuth.length} tile requests without the token`;
  });

  await check('signed in at phone width (390×844): no overflow, the header shows the role', async () => {
    const phone = await context.newPage();
    const perr = [];
    watchPage(phone, perr);
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${base}/map/`);
    await waitReady(phone);
    await signInPage(phone, editor);
    const m = await phone.evaluate(() => ({ sw: document.documentElement.scrollWidth, role: document.querySelector('[data-testid=session-role]').getBoundingClientRect() }));
    assert(m.sw <= 390, `page is ${m.sw}px wide`);
    assert(m.role.width > 0 && m.role.right <= 390, `the role label is at ${JSON.stringify(m.role)}`);
    await shot(phone, '22-phone-signed-in');
    assert(perr.length === 0, perr.join('\n'));
    await phone.close();
    return `${m.sw}px`;
  });

  await check('no unexpected console errors or failed requests on the signed-in pages', async () => {
    assert(errors.length === 0, errors.join('\n  '));
  });
  await page.close();
  await epage.close();
}

// A GCJ-02 raster base map: our tiles must come shifted (?crs=gcj02) and a point
// picked on the map must reach the match API in WGS84. The GCJ-02 reference
// coordinates come from the server's own conversion (crs=urn:chanye:def:crs:GCJ-02).
async function gcjChecks(context, first, center) {
  // One grey pixel is enough for a raster tile.
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
  let basemapHits = 0;
  tileServer = createHttpServer((req, res) => {
    basemapHits++;
    res.writeHead(200, { 'Content-Type': 'image/png', 'Access-Control-Allow-Origin': '*' });
    res.end(png);
  });
  await new Promise((r) => tileServer.listen(0, '127.0.0.1', r));
  const tport = tileServer.address().port;
  const base = await startServer([
    '--basemap-url', `http://127.0.0.1:${tport}/{z}/{x}/{y}.png`,
    '--basemap-crs', 'GCJ-02',
    '--basemap-attribution', 'test base map',
  ]);
  const gcjFeature = await (await fetch(`${base}/collections/parcels/items/${first.id}?crs=${encodeURIComponent('urn:chanye:def:crs:GCJ-02')}`)).json();
  // Areas are MultiPolygon: the first polygon's outer ring.
  const ring = gcjFeature.geometry.coordinates[0][0];
  const gcjCenter = [
    (Math.min(...ring.map((c) => c[0])) + Math.max(...ring.map((c) => c[0]))) / 2,
    (Math.min(...ring.map((c) => c[1])) + Math.max(...ring.map((c) => c[1]))) / 2,
  ];
  const page = await context.newPage();
  const errors = [];
  watchPage(page, errors);
  const tileUrls = [];
  page.on('request', (r) => /\/tiles\//.test(r.url()) && tileUrls.push(r.url()));

  await check('with a GCJ-02 base map, tiles are requested with crs=gcj02 and parcels sit on their GCJ-02 position', async () => {
    const cfg = await (await fetch(`${base}/map/config.json`)).json();
    assert(cfg.basemap && /GCJ/i.test(cfg.basemap.crs), `config.json: ${JSON.stringify(cfg)}`);
    await page.goto(`${base}/map/#14/${gcjCenter[1]}/${gcjCenter[0]}`);
    await waitReady(page);
    assert(basemapHits > 0, 'no base map tile was requested');
    assert(tileUrls.length > 0 && tileUrls.every((u) => u.includes('crs=gcj02')), `tile URLs without crs=gcj02: ${tileUrls.filter((u) => !u.includes('crs=gcj02')).slice(0, 3)}`);
    const hit = await page.evaluate(
      ([c]) => window.chanyeMap.queryRenderedFeatures(window.chanyeMap.project(c), { layers: [window.chanyeLayers.parcels] }).map((f) => f.properties.id),
      [gcjCenter],
    );
    assert(hit.includes(first.id), `at its GCJ-02 centre the map shows ${hit.join(',') || 'nothing'}, not ${first.id}`);
    assert(errors.length === 0, errors.join('\n  '));
    await shot(page, '11-gcj02-basemap');
    return `${tileUrls.length} tile requests, ${basemapHits} base map tiles`;
  });

  await check('a point picked on the GCJ-02 map reaches the match API as WGS84', async () => {
    await page.click('[data-testid=tab-match]');
    await page.fill('[data-testid=match-industry]', 'health.devices');
    await page.click('[data-testid=match-industry-option][data-code="health.devices"]');
    await page.click('[data-testid=match-pick]');
    const pt = await page.evaluate(([c]) => window.chanyeMap.project(c), [gcjCenter]);
    const box = await page.locator('#map').boundingBox();
    await page.mouse.click(box.x + pt.x, box.y + pt.y);
    const [req] = await Promise.all([
      page.waitForRequest((r) => r.url().includes('/api/v1/match') && r.method() === 'POST'),
      page.click('[data-testid=match-submit]'),
    ]);
    const near = JSON.parse(req.postData()).near;
    assert(near, 'the request has no near');
    // A pixel at zoom 14 is about 10 m (1e-4°); the GCJ-02 shift is about 500 m.
    const dx = Math.abs(near.lon - center[0]);
    const dy = Math.abs(near.lat - center[1]);
    assert(dx < 2e-4 && dy < 2e-4, `near ${near.lon},${near.lat} is not the WGS84 centre ${center}`);
    await page.waitForSelector('[data-testid=match-row]');
    assert(errors.length === 0, errors.join('\n  '));
    return `near ${near.lon.toFixed(6)},${near.lat.toFixed(6)} (WGS84 ${center.map((v) => v.toFixed(6))})`;
  });
  await page.close();

  await check('while a new store loads, / shows the waiting page with the stage reached, then opens the map by itself', async () => {
    // 100k generated parcels: a first start of a few seconds, long enough to be seen loading
    const data = await mkdtemp(join(tmpdir(), 'chanye-browser-100k-'));
    try {
      await new Promise((res, rej) => {
        const g = spawn(BIN, ['generate', '--parcels', '100000', '--seed', '5', '--out', data], { stdio: 'ignore' });
        g.on('error', rej);
        g.on('exit', (code) => (code === 0 ? res() : rej(new Error(`generate exited with ${code}`))));
      });
      const loadingBase = await startServer([], { data, ready: false });
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
      const p = await ctx.newPage();
      await p.goto(`${loadingBase}/`);
      const title = await p.title();
      const text = await p.textContent('body');
      assert(title.includes('正在载入'), `the first answer is not the waiting page: title "${title}"`);
      const stage = (await p.textContent('code')) || '';
      assert(text.includes('请稍候') && /\(\d+\/\d+\)$/.test(stage), `no stage on the waiting page: ${text}`);
      await shot(p, '23-waiting-page');
      // the page asks again every two seconds and becomes the map once the inventory is in
      await p.waitForFunction(() => window.chanyeReady === true, null, { timeout: 180000 });
      const readyz = await fetch(`${loadingBase}/readyz`);
      assert(readyz.ok, `the map opened but /readyz is ${readyz.status}`);
      await ctx.close();
      return `waiting at "${stage.trim()}", then the map`;
    } finally {
      await rm(data, { recursive: true, force: true }).catch(() => {});
    }
  });
}

let fatal = null;
try {
  await main();
} catch (e) {
  fatal = e;
  console.log(`FAIL setup: ${e && e.stack ? e.stack : e}`);
} finally {
  await cleanup();
}
const failed = results.filter((r) => !r.ok).length;
log(`# ${results.length - failed}/${results.length} checks passed${fatal ? ', setup failed' : ''}`);
process.exit(failed || fatal ? 1 : 0);
