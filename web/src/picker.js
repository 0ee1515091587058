// Type-ahead industry picker over GET /api/v1/industries?q= (code, names, aliases).

import { api } from './api.js';
import { t, getLang, onLangChange } from './i18n.js';
import { industryLabel } from './catalogue.js';

let seq = 0;

export function industryPicker({ testid, onChange, value = '' }) {
  const root = document.createElement('div');
  root.className = 'picker';
  const listId = `picker-list-${++seq}`;
  root.innerHTML = `
    <div class="picker-row">
      <input type="text" autocomplete="off" role="combobox" aria-expanded="false" aria-controls="${listId}"
        data-testid="${testid}" data-i18n-placeholder="industry.placeholder" placeholder="${t('industry.placeholder')}">
      <button type="button" class="picker-clear" data-testid="${testid}-clear" data-i18n-title="industry.clear" title="${t('industry.clear')}">×</button>
    </div>
    <ul class="picker-list" id="${listId}" role="listbox" hidden></ul>`;
  const input = root.querySelector('input');
  const list = root.querySelector('ul');
  let code = value;
  let timer = null;
  let active = -1;
  let items = [];
  let reqNo = 0;

  function show() {
    input.value = code ? industryLabel(code) : '';
  }

  function setValue(c, fire = true) {
    code = c || '';
    // a search still pending from the typing would reopen the list over the page
    clearTimeout(timer);
    reqNo += 1;
    show();
    close();
    if (fire && onChange) onChange(code);
  }

  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    active = -1;
  }

  function render() {
    list.innerHTML = '';
    if (!items.length) {
      const li = document.createElement('li');
      li.className = 'empty';
      li.textContent = t('industry.none');
      list.append(li);
    }
    items.forEach((it, i) => {
      const li = document.createElement('li');
      li.role = 'option';
      li.dataset.code = it.code;
      li.dataset.testid = `${testid}-option`;
      li.className = (it.level === 'category' ? 'cat' : 'seg') + (i === active ? ' active' : '');
      const main = getLang() === 'en' ? it.name_en : it.name_zh;
      const other = getLang() === 'en' ? it.name_zh : it.name_en;
      li.innerHTML = `<span class="n"></span> <span class="o"></span> <code></code>`;
      li.querySelector('.n').textContent = main;
      li.querySelector('.o').textContent = other;
      li.querySelector('code').textContent = it.code;
      // mousedown fires before blur, so the choice is not lost.
      li.addEventListener('mousedown', (e) => {
        e.preventDefault();
        setValue(it.code);
      });
      list.append(li);
    });
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  }

  async function search() {
    const q = input.value.trim();
    const my = ++reqNo;
    try {
      const res = q ? await api.searchIndustries(q) : await api.industries();
      if (my !== reqNo) return; // a newer query answered first
      items = res.industries.slice(0, 40);
      active = items.length ? 0 : -1;
      render();
    } catch {
      items = [];
      render();
    }
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(search, 150);
  });
  input.addEventListener('focus', () => {
    input.select();
    search();
  });
  input.addEventListener('blur', () => {
    setTimeout(() => {
      close();
      show();
    }, 100);
  });
  input.addEventListener('keydown', (e) => {
    if (list.hidden && e.key === 'ArrowDown') return search();
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!items.length) return;
      active = (active + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
      render();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (!list.hidden && items[active]) setValue(items[active].code);
    } else if (e.key === 'Escape') {
      close();
      show();
    }
  });
  root.querySelector('.picker-clear').addEventListener('click', () => setValue(''));
  onLangChange(show);
  show();

  return {
    el: root,
    get value() {
      return code;
    },
    set: (c) => setValue(c, false),
    refresh: show,
  };
}
