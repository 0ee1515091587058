// Legend that follows the parcel colouring, and the score ramp in 首谈制.

import { t, tv } from './i18n.js';
import { STATUS_COLORS, LANDUSE_COLORS, OTHER_COLOR, SCORE_RAMP } from './layers.js';

// staleDays: the server's stale_after_days once known.
export function renderLegend(el, { color, choropleth, lu = [], staleDays = null }) {
  const rows = [];
  if (choropleth) {
    const stops = SCORE_RAMP.map(([s, c]) => `${c} ${s}%`).join(',');
    rows.push(`<div class="lg-title">${t('legend.score')}</div>
      <div class="ramp" style="background:linear-gradient(to right,${stops})"></div>
      <div class="ramp-labels"><span>0</span><span>50</span><span>100</span></div>`);
  }
  rows.push(`<div class="lg-title">${t('layer.parcels')} · ${t(color === 'landuse' ? 'filters.color.landuse' : 'filters.color.status')}</div>`);
  const table = color === 'landuse' ? LANDUSE_COLORS : STATUS_COLORS;
  const prefix = color === 'landuse' ? 'lu' : 'status';
  rows.push('<ul class="lg-list colors">');
  for (const [k, c] of Object.entries(table)) {
    rows.push(`<li data-key="${k}"><i class="sw" style="background:${c}"></i>${escapeHtml(tv(prefix, k))}</li>`);
  }
  rows.push(`<li><i class="sw" style="background:${OTHER_COLOR}"></i>${t('lu.other')}</li></ul>`);
  // Hatched in either colouring: available, but only from a later month.
  rows.push(`<ul class="lg-list"><li data-key="future" data-testid="legend-future"><i class="sw hatch"></i>${escapeHtml(t('legend.future'))}</li>
    <li data-key="stale" data-testid="legend-stale"><i class="sw stale-hatch"></i>${escapeHtml(staleDays != null ? t('legend.stale', { n: staleDays }) : t('legend.stale_plain'))}</li></ul>`);
  // The filter reads land use as the matcher does; say so where it shows.
  if (color === 'landuse' || lu.length) rows.push(`<p class="lg-note" data-testid="legend-lu-note">${escapeHtml(t('legend.lu_rule'))}</p>`);
  rows.push(`<ul class="lg-list">
    <li><i class="dot"></i>${t('legend.buildings')}</li>
    <li><i class="dot cluster"></i>${t('legend.clusters')}</li>
    <li><i class="sw outline park"></i>${t('legend.park')}</li>
    <li><i class="sw outline zone"></i>${t('legend.zone')}</li>
    <li><i class="sw outline hl"></i>${t('legend.highlight')}</li>
  </ul>`);
  // Keep the user's open/closed choice across re-renders; closed on phones.
  const prev = el.querySelector('details');
  const open = prev ? prev.open : window.innerWidth > 700;
  el.innerHTML = `<details${open ? ' open' : ''}><summary>${t('legend.title')}</summary>${rows.join('')}</details>`;
}

export function escapeHtml(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}
