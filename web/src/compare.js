// Side-by-side table of 2–4 candidates: criteria rows × candidate columns.

import { t, tv, fmt, pick } from './i18n.js';
import { districtLabel } from './catalogue.js';
import { escapeHtml } from './legend.js';

let modal = null;
let shown = [];

export function initCompare(el) {
  modal = el;
  modal.querySelector('.close').addEventListener('click', closeCompare);
  modal.addEventListener('click', (e) => e.target === modal && closeCompare());
  document.addEventListener('keydown', (e) => e.key === 'Escape' && !modal.hidden && closeCompare());
}

export function closeCompare() {
  modal.hidden = true;
  shown = [];
}

export function refreshCompare() {
  if (!modal.hidden && shown.length) openCompare(shown);
}

export function openCompare(cands) {
  shown = cands;
  const names = [...new Set(cands.flatMap((c) => c.criteria.map((x) => x.name)))];
  const best = (vals) => Math.max(...vals.filter((v) => v != null));
  const cell = (v, isBest, extra = '') => `<td class="${isBest ? 'best' : ''}">${v}${extra}</td>`;

  const scoreBest = best(cands.map((c) => c.score));
  const rows = [];
  rows.push(`<tr><th>${t('compare.row.score')}</th>${cands.map((c) => cell(`<b>${fmt(c.score, 1)}</b>`, c.score === scoreBest)).join('')}</tr>`);
  rows.push(`<tr><th>${t('compare.row.kind')}</th>${cands.map((c) => cell(escapeHtml(t(`match.kind.${c.kind}`)) + (c.kind === 'assembly' ? ` ×${c.members.length}` : ''), false)).join('')}</tr>`);
  rows.push(`<tr><th>${t('compare.row.location')}</th>${cands.map((c) => cell(escapeHtml([districtLabel(c.district), c.park_name, c.zone_name].filter(Boolean).join(' / ')), false)).join('')}</tr>`);
  rows.push(`<tr><th>${t('compare.row.area')}</th>${cands.map((c) => cell(c.area_mu != null ? `${fmt(c.area_mu, 2)} ${t('unit.mu')}<br><small>${fmt(c.area_m2, 0)} ${t('unit.m2')}</small>` : `${fmt(c.area_m2, 0)} ${t('unit.m2')}`, false)).join('')}</tr>`);
  rows.push(`<tr><th>${t('compare.row.land_use')}</th>${cands.map((c) => cell(escapeHtml(c.land_use ? tv('lu', c.land_use) : t('info.none')), false)).join('')}</tr>`);
  for (const n of names) {
    const vals = cands.map((c) => c.criteria.find((x) => x.name === n));
    const b = best(vals.map((v) => v?.score));
    const weight = vals.find(Boolean)?.weight;
    rows.push(`<tr class="crit-row" data-criterion="${escapeHtml(n)}"><th>${escapeHtml(tv('crit', n))}${weight != null ? ` <small class="muted">×${fmt(weight, 0)}</small>` : ''}</th>${vals
      .map((v) =>
        v
          ? cell(
              `<span class="bar"><i style="width:${Math.max(0, Math.min(100, v.score))}%"></i></span> <b>${fmt(v.score, 0)}</b>`,
              v.score === b,
              `<div class="why">${escapeHtml(pick(v, 'reason'))}</div>`,
            )
          : cell(t('info.none'), false),
      )
      .join('')}</tr>`);
  }
  rows.push(`<tr><th>${t('compare.row.policies')}</th>${cands.map((c) => cell(`${c.policies?.length ?? 0}<div class="why">${(c.policies || []).slice(0, 6).map((p) => escapeHtml(pick(p, 'title'))).join('<br>')}${(c.policies?.length ?? 0) > 6 ? '<br>…' : ''}</div>`, false)).join('')}</tr>`);

  modal.querySelector('.modal-body').innerHTML = `<div class="table-scroll"><table class="compare" data-testid="compare-table">
    <thead><tr><th></th>${cands.map((c) => `<th data-testid="compare-col">#${c.rank} ${escapeHtml(c.name)}</th>`).join('')}</tr></thead>
    <tbody>${rows.join('')}</tbody></table></div>`;
  modal.hidden = false;
}
