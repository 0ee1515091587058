// 产业地图 statistics as hand-drawn SVG bar charts from GET /api/v1/stats.

import { api } from './api.js';
import { t, tv, fmt, onLangChange } from './i18n.js';
import { districtLabel, industryLabel } from './catalogue.js';
import { escapeHtml } from './legend.js';
import { STATUS_COLORS, LANDUSE_COLORS, OTHER_COLOR } from './layers.js';

let root = null;
let data = null;

export function initStats(el) {
  root = el;
  onLangChange(render);
}

export async function showStats() {
  if (!data) {
    root.innerHTML = `<p class="muted">${t('common.loading')}</p>`;
    try {
      data = await api.stats();
    } catch (e) {
      root.innerHTML = `<p class="error">${t('common.error')}${escapeHtml(e.message)}</p>`;
      return;
    }
  }
  render();
}

// Horizontal bars: label column, bar, value. Width follows the container via viewBox.
function barChart(title, items, { testid, digits = 0 }) {
  items = items.filter((d) => d.value > 0);
  if (!items.length) return `<figure class="chart" data-testid="${testid}"><figcaption>${escapeHtml(title)}</figcaption><p class="muted">${t('stats.empty')}</p></figure>`;
  const W = 380;
  const labelW = 132;
  const valueW = 70;
  const rowH = 22;
  const H = items.length * rowH + 4;
  const max = Math.max(...items.map((d) => d.value));
  const barMax = W - labelW - valueW;
  const bars = items
    .map((d, i) => {
      const y = i * rowH + 2;
      const w = Math.max(1, (d.value / max) * barMax);
      const label = d.label.length > 12 ? `${d.label.slice(0, 11)}…` : d.label;
      return `<g class="bar-row"><title>${escapeHtml(d.label)}: ${fmt(d.value, digits)}</title>
        <text x="${labelW - 6}" y="${y + 15}" text-anchor="end" class="lbl">${escapeHtml(label)}</text>
        <rect x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 7}" rx="2" fill="${d.color || '#4e79a7'}"></rect>
        <text x="${(labelW + w + 4).toFixed(1)}" y="${y + 15}" class="val">${fmt(d.value, digits)}</text></g>`;
    })
    .join('');
  return `<figure class="chart" data-testid="${testid}"><figcaption>${escapeHtml(title)}</figcaption>
    <svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${escapeHtml(title)}">${bars}</svg></figure>`;
}

function render() {
  if (!root || !data) return;
  const byDist = [...data.by_district].sort((a, b) => b.available_area_mu - a.available_area_mu);
  const counts = data.counts;
  root.innerHTML = `
    <h2 data-i18n="stats.title">${t('stats.title')}</h2>
    <div class="counts" data-testid="stats-counts">
      ${Object.entries(counts)
        .map(([k, v]) => `<div class="count"><b>${fmt(v, 0)}</b><span>${t(`layer.${k}`)}</span></div>`)
        .join('')}
    </div>
    ${barChart(
      t('stats.avail_by_district'),
      byDist.map((d) => ({ label: districtLabel(d.key), value: d.available_area_mu, color: '#2a9d48' })),
      { testid: 'chart-avail-district' },
    )}
    ${barChart(
      t('stats.avail_by_landuse'),
      [...data.by_land_use]
        .sort((a, b) => b.available_area_mu - a.available_area_mu)
        .map((d) => ({ label: tv('lu', d.key), value: d.available_area_mu, color: LANDUSE_COLORS[d.key] || OTHER_COLOR })),
      { testid: 'chart-avail-landuse' },
    )}
    ${barChart(
      t('stats.area_by_status'),
      data.by_status.map((d) => ({ label: tv('status', d.key), value: d.area_mu, color: STATUS_COLORS[d.key] || OTHER_COLOR })),
      { testid: 'chart-status' },
    )}
    ${barChart(
      t('stats.vacant_by_district'),
      [...data.by_district].sort((a, b) => b.vacant_area_m2 - a.vacant_area_m2).map((d) => ({ label: districtLabel(d.key), value: d.vacant_area_m2, color: '#f28e2b' })),
      { testid: 'chart-vacant-district' },
    )}
    ${barChart(
      t('stats.vacant_by_park'),
      [...data.by_park].sort((a, b) => b.vacant_area_m2 - a.vacant_area_m2).map((d) => ({ label: d.label, value: d.vacant_area_m2, color: '#e15759' })),
      { testid: 'chart-vacant-park' },
    )}
    ${barChart(
      t('stats.avail_by_industry'),
      [...(data.by_industry || [])].sort((a, b) => b.available_area_mu - a.available_area_mu).map((d) => ({ label: industryLabel(d.key), value: d.available_area_mu, color: '#76b7b2' })),
      { testid: 'chart-avail-industry' },
    )}`;
}
