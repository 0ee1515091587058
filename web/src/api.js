// Thin client for the chanye JSON APIs. Errors carry the problem+json `detail`, in the
// page's language (the server answers problems in Chinese to `Accept-Language: zh`).

import { state } from './state.js';

function language() {
  return state.lang === 'en' ? 'en' : 'zh-CN,zh;q=0.9';
}

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

async function check(res) {
  if (res.ok) return res;
  let msg = `${res.status} ${res.statusText}`;
  try {
    const body = await res.json();
    msg = body.detail || body.title || msg;
  } catch {
    // not JSON: keep the status line
  }
  throw new ApiError(msg, res.status);
}

export async function getJSON(path) {
  const res = await check(await fetch(path, { headers: { Accept: 'application/json', 'Accept-Language': language() } }));
  return res.json();
}

export async function postJSON(path, body) {
  const res = await check(
    await fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Accept-Language': language() },
      body: JSON.stringify(body),
    }),
  );
  return res.json();
}

// POST and save the answer as a file (exports are attachments).
export async function postDownload(path, body, fallbackName) {
  const res = await check(
    await fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Accept-Language': language() },
      body: JSON.stringify(body),
    }),
  );
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

// Small caches: these catalogues do not change while the page is open.
const cache = new Map();
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
  match: (project) => postJSON('/api/v1/match', project),
  recommend: (project) => postJSON('/api/v1/recommend-districts', project),
};
