// Thin client for the chanye JSON APIs. Errors carry the problem+json `detail`, in the
// page's language (the server answers problems in Chinese to `Accept-Language: zh`).

import { state } from './state.js';
import { authHeaders } from './token.js';

function language() {
  return state.lang === 'en' ? 'en' : 'zh-CN,zh;q=0.9';
}

// `problem` is the whole problem+json body (field, problems…) when there is one.
export class ApiError extends Error {
  constructor(message, status, problem = null, retryAfter = null) {
    super(message);
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
}

async function check(res) {
  if (res.ok) return res;
  let msg = `${res.status} ${res.statusText}`;
  let problem = null;
  try {
    problem = await res.json();
    msg = problem.detail || problem.title || msg;
  } catch {
    // not JSON: keep the status line
  }
  throw new ApiError(msg, res.status, problem, res.headers.get('Retry-After'));
}

// Every request carries the page's language and, when signed in, the token.
function headers(extra = {}) {
  return { 'Accept-Language': language(), ...authHeaders(), ...extra };
}

export async function getJSON(path, extra = {}) {
  const res = await check(await fetch(path, { headers: headers({ Accept: 'application/json', ...extra }) }));
  return res.json();
}

export async function postJSON(path, body) {
  const res = await check(
    await fetch(path, {
      method: 'POST',
      headers: headers({ 'Content-Type': 'application/json', Accept: 'application/json' }),
      body: JSON.stringify(body),
    }),
  );
  return res.json();
}

// A write or a fresh read: {status, data, etag}. `etag` goes out as If-Match; `body` is
// sent as JSON unless it is a Blob/ArrayBuffer (then `type` names it).
export async function send(method, path, { body, etag, type, accept = 'application/json' } = {}) {
  const extra = { Accept: accept };
  if (etag) extra['If-Match'] = etag;
  let payload;
  if (body instanceof Blob || body instanceof ArrayBuffer) {
    payload = body;
    extra['Content-Type'] = type || 'application/octet-stream';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    extra['Content-Type'] = type || 'application/json';
  }
  const res = await check(await fetch(path, { method, headers: headers(extra), body: payload, cache: 'no-store' }));
  const text = res.status === 204 ? '' : await res.text();
  return { status: res.status, data: text ? JSON.parse(text) : null, etag: res.headers.get('ETag') };
}

// GET with the token and save the answer as a file (the import template).
export async function getDownload(path, fallbackName) {
  const res = await check(await fetch(path, { headers: headers() }));
  await saveBlob(res, fallbackName);
}

// POST and save the answer as a file (exports are attachments).
export async function postDownload(path, body, fallbackName) {
  const res = await check(
    await fetch(path, {
      method: 'POST',
      headers: headers({ 'Content-Type': 'application/json' }),
      body: JSON.stringify(body),
    }),
  );
  await saveBlob(res, fallbackName);
}

async function saveBlob(res, fallbackName) {
  const blob = await res.blob();
  let name = fallbackName;
  const cd = res.headers.get('Content-Disposition') || '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  const plain = /filename="?([^";]+)"?/i.exec(cd);
  if (star) name = decodeURIComponent(star[1]);
  else if (plain) name = plain[1];
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// Small caches: these catalogues do not change while the page is open. Features are
// dropped when they are written and everything when the token changes (what an item
// holds depends on who reads it); catalogues stay.
const cache = new Map();
export function clearFeatures() {
  for (const k of [...cache.keys()]) if (k.startsWith('f:')) cache.delete(k);
}
export function forgetFeature(layer, id) {
  cache.delete(`f:${layer}:${id}`);
}

function cached(key, f) {
  if (!cache.has(key)) {
    const p = f();
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return cache.get(key);
}

export const api = {
  config: () => cached('config', () => getJSON('/map/config.json').catch(() => ({ basemap: null }))),
  industries: () => cached('industries', () => getJSON('/api/v1/industries')),
  searchIndustries: (q) => getJSON(`/api/v1/industries?q=${encodeURIComponent(q)}`),
  policies: () => cached('policies', () => getJSON('/api/v1/policies')),
  // The measures reaching a place: {district, park} (either may be left out).
  policiesAt: (q) => {
    const qs = new URLSearchParams(Object.entries(q).filter(([, v]) => v)).toString();
    return cached(`policies:${qs}`, () => getJSON(`/api/v1/policies${qs ? `?${qs}` : ''}`));
  },
  checkPolicies: (project) => postJSON('/api/v1/policies/check', project),
  stats: () => cached('stats', () => getJSON('/api/v1/stats')),
  parks: () => cached('parks', () => getJSON('/collections/parks/items?limit=10000')),
  zones: () => cached('zones', () => getJSON('/collections/zones/items?limit=10000')),
  feature: (layer, id) =>
    cached(`f:${layer}:${id}`, () => getJSON(`/collections/${layer}/items/${encodeURIComponent(id)}`)),
  // The feature as stored now, with its ETag for a write: {data, etag}.
  featureNow: (layer, id) => send('GET', `/collections/${layer}/items/${encodeURIComponent(id)}`, { accept: 'application/geo+json' }),
  match: (project) => postJSON('/api/v1/match', project),
  recommend: (project) => postJSON('/api/v1/recommend-districts', project),
};
