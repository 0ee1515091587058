// 首谈制: rank the districts for the project in the match form and shade them.

import { api } from './api.js';
import { t, fmt, pick, onLangChange, getLang } from './i18n.js';
import { districtLabel } from './catalogue.js';
import { escapeHtml } from './legend.js';
import { buildProject } from './match.js';
import { scoreColor } from './layers.js';

let root = null;
let mapApi = null;
let ranking = null;

export function initFirstTalk(el, map) {
  root = el;
  mapApi = map;
  root.innerHTML = `
    <h2 data-i18n="ft.title"></h2>
    <p class="hint" data-i18n="ft.hint"></p>
    <p class="ft-project muted" data-testid="ft-project"></p>
    <button type="button" class="primary" data-testid="ft-submit" data-i18n="ft.submit"></button>
    <p class="error" data-testid="ft-error" hidden></p>
    <ol class="ft-list" data-testid="ft-list"></ol>`;
  root.querySelector('[data-testid=ft-submit]').addEventListener('click', run);
  onLangChange(render);
}

// Scores by adcode for the choropleth, or null before a ranking exists.
export function firstTalkScores() {
  if (!ranking) return null;
  return Object.fromEntries(ranking.districts.map((d) => [d.adcode, d.score]));
}

export async function run() {
  const err = root.querySelector('[data-testid=ft-error]');
  const project = buildProject();
  if (!project) {
    err.hidden = false;
    err.textContent = t('match.need_industry');
    return;
  }
  err.hidden = true;
  const btn = root.querySelector('[data-testid=ft-submit]');
  btn.disabled = true;
  try {
    ranking = await api.recommend(project);
    render();
    mapApi.choropleth(firstTalkScores());
  } catch (e) {
    err.hidden = false;
    err.textContent = `${t('common.error')}${e.message}`;
  } finally {
    btn.disabled = false;
  }
}

function render() {
  if (!root || !ranking) return;
  const ind = ranking.project.industry;
  root.querySelector('[data-testid=ft-project]').textContent = t('ft.project', {
    name: ranking.project.name || '—',
    industry: getLang() === 'en' ? ind.name_en : ind.name_zh,
  });
  const list = root.querySelector('[data-testid=ft-list]');
  list.innerHTML = ranking.districts
    .map(
      (d) => `<li data-testid="ft-row" data-adcode="${d.adcode}">
        <div class="cand-head"><span class="rank">${d.rank}</span>
          <i class="sw" style="background:${scoreColor(d.score)}"></i>
          <span class="cname">${escapeHtml(districtLabel(d.adcode))}</span>
          <span class="score">${fmt(d.score, 1)}</span></div>
        <div class="crits">
          <div class="crit"><span class="cn">${t('ft.industry_score')}</span><span class="bar"><i style="width:${d.industry_score}%"></i></span><span class="cs">${fmt(d.industry_score, 0)}</span></div>
          <div class="crit"><span class="cn">${t('ft.supply_score')}</span><span class="bar"><i style="width:${d.supply_score}%"></i></span><span class="cs">${fmt(d.supply_score, 0)}</span></div>
        </div>
        <p class="reason">${escapeHtml(pick(d, 'reason'))}</p>
      </li>`,
    )
    .join('');
  for (const li of list.querySelectorAll('li')) {
    li.addEventListener('click', () => mapApi.flyToDistrict(li.dataset.adcode));
  }
}
