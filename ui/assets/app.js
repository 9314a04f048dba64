// katafilter ui: the page of the web console. Plain JavaScript, no library, no build step; it
// talks only to the server that served it (see package ui for the API). Offsets exchanged with
// the server count UTF-16 code units, as JavaScript strings do.
'use strict';

const $ = (id) => document.getElementById(id);
const filter = $('filter'), hl = $('hl'), list = $('completions'), tip = $('tooltip');
const PAGE = 50;

// Latencies (ms) from a request to the rendered result, read by the browser benchmark.
performance.setResourceTimingBufferSize(100000);
window.kfLatency = { analyze: [], complete: [], request: [] };

const state = { id: '', columns: [], count: 0, complete: true, page: 0, facet: 'HostName', live: false, open: 0, filter: '' };
let analysis = null;      // the last analysis of the filter bar's text
let items = [], active = -1; // the completion list
let seq = 0;              // the text's version: answers to older versions are dropped
let asked = 0;            // completion requests: Escape or running drops the answers pending
let tail = null;          // the EventSource of a live tail

async function api(path, params) {
  const u = new URL(path, location.href);
  for (const [k, v] of Object.entries(params || {})) u.searchParams.set(k, v);
  const r = await fetch(u, { headers: { Accept: 'application/json' } });
  const body = await r.json().catch(() => ({ error: r.statusText }));
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const k of kids) if (k != null) e.append(k);
  return e;
}

// ---- The filter bar ----------------------------------------------------------------------

// render draws the text with its token colours and its diagnostics underlined at their exact
// characters. An empty span (a missing term at the end, say) underlines the next character, or
// a space after the text.
function render() {
  const text = filter.value;
  const a = analysis && (analysis.text === text ? analysis : shifted(analysis, text));
  const tokens = a ? a.tokens : [], diags = a ? a.diagnostics : [];
  const cuts = new Set([0, text.length]);
  const spans = diags.map((d) => ({ s: d.s, e: d.e > d.s ? d.e : d.s + 1 }));
  for (const t of tokens) { cuts.add(t.s); cuts.add(t.e); }
  for (const d of spans) { cuts.add(d.s); cuts.add(Math.min(d.e, text.length)); }
  const pts = [...cuts].filter((x) => x >= 0 && x <= text.length).sort((x, y) => x - y);
  const frag = document.createDocumentFragment();
  for (let i = 0; i + 1 < pts.length; i++) {
    const s = pts[i], e = pts[i + 1];
    frag.append(piece(text.slice(s, e), s, e, tokens, diags, spans));
  }
  const past = spans.map((d, i) => i).filter((i) => spans[i].s >= text.length);
  if (past.length) frag.append(piece(' ', text.length, text.length + 1, [], diags, spans));
  frag.append('\n'); // keeps the height of a last empty line
  hl.replaceChildren(frag);
  hl.dataset.fresh = a === analysis ? '1' : '0'; // the colours are those of this very text
  filter.style.height = hl.offsetHeight + 'px';
}

// shifted carries the last analysis over to the text as typed since, until its own answer
// arrives, so that the colours do not blink at each key: what lies before the edit stays, what
// lies after it moves with it, what it touched is dropped.
function shifted(a, text) {
  const old = a.text;
  let p = 0;
  while (p < old.length && p < text.length && old[p] === text[p]) p++;
  let q = 0;
  while (q < old.length - p && q < text.length - p && old[old.length - 1 - q] === text[text.length - 1 - q]) q++;
  const d = text.length - old.length, end = old.length - q;
  const move = (x) => (x.e < p || (x.e === p && x.s < p) ? x : x.s >= end && x.s > p ? { ...x, s: x.s + d, e: x.e + d } : null);
  return { tokens: a.tokens.map(move).filter(Boolean), diagnostics: a.diagnostics.map(move).filter(Boolean) };
}

function piece(str, s, e, tokens, diags, spans) {
  const cls = [];
  const t = tokens.find((t) => t.s <= s && e <= t.e);
  if (t) cls.push('t-' + t.k);
  const ds = [];
  spans.forEach((d, i) => { if (d.s <= s && e <= d.e) ds.push(i); });
  if (ds.length) cls.push('d-' + diags[ds[0]].severity);
  if (!cls.length) return str;
  const span = el('span', { class: cls.join(' ') }, str);
  span.dataset.s = s;
  if (ds.length) span.dataset.d = ds.join(' ');
  return span;
}

// problems lists the diagnostics under the bar, with their fixes as buttons: the keyboard's
// way to what the mouse finds by hovering.
function problems() {
  const ul = $('problems');
  const a = analysis && analysis.text === filter.value ? analysis : null;
  ul.replaceChildren(...(a ? a.diagnostics : []).map((d) => el('li', { 'data-code': d.code },
    el('span', { class: 'sev ' + d.severity }, d.severity), ' ',
    el('span', { class: 'at' }, `${d.code} at ${d.s + 1}-${Math.max(d.e, d.s + 1)}`), ' ', d.message,
    ...(d.fixes || []).map((f) => el('button', { type: 'button', class: 'fix', onclick: () => applyFix(f) }, f.title)))));
}

function applyFix(f) {
  let text = filter.value;
  for (const e of [...f.edits].sort((x, y) => y.s - x.s)) text = text.slice(0, e.s) + e.text + text.slice(e.e);
  setText(text, text.length);
  filter.focus();
}

function setText(text, caret) {
  filter.value = text;
  filter.setSelectionRange(caret, caret);
  changed();
}

// changed asks for the analysis of the text (and, with wantList, the completions at the caret)
// in one request, and renders the answer unless the text changed meanwhile.
async function changed(wantList) {
  const text = filter.value, at = filter.selectionStart, mine = ++seq, ask = wantList ? ++asked : 0;
  render();
  const t0 = performance.now();
  let r;
  try { r = await api('api/edit', wantList ? { q: text, at } : { q: text }); } catch (e) { return; } // the next keystroke asks again
  window.kfLatency.request.push(performance.now() - t0);
  if (mine !== seq) return;
  r.analysis.text = text;
  analysis = r.analysis;
  render();
  problems();
  window.kfLatency.analyze.push(performance.now() - t0);
  if (wantList && ask === asked && filter.selectionStart === at && document.activeElement === filter) {
    showList(r.items);
    delete list.dataset.stale;
    window.kfLatency.complete.push(performance.now() - t0);
  }
}

// ---- Completion ---------------------------------------------------------------------------

async function complete() {
  const text = filter.value, at = filter.selectionStart, mine = seq, ask = ++asked;
  const t0 = performance.now();
  let r;
  try { r = await api('api/complete', { q: text, at }); } catch (e) { return; }
  if (mine !== seq || ask !== asked || filter.selectionStart !== at || document.activeElement !== filter) return;
  showList(r.items);
  delete list.dataset.stale;
  window.kfLatency.complete.push(performance.now() - t0);
}

// MAXLIST is the most completions the list shows: the best ones come first, and typing more
// narrows the rest (a list of every field would cost each keystroke hundreds of elements).
const MAXLIST = 40;

function showList(its) {
  its = its.slice(0, MAXLIST);
  items = its;
  active = its.length ? 0 : -1;
  if (!its.length) { hideList(); return; }
  list.replaceChildren(...its.map((it, i) => el('li', { id: 'c-' + i, role: 'option', 'aria-selected': String(i === active),
    onmousedown: (ev) => { ev.preventDefault(); accept(i); } },
  el('span', { class: 'kind' }, it.kind), el('span', { class: 'label' }, it.label),
  it.detail ? el('span', { class: 'detail' }, it.detail) : null)));
  const p = caretXY();
  list.style.left = p.x + 'px';
  list.style.top = p.y + 'px';
  list.hidden = false;
  filter.setAttribute('aria-expanded', 'true');
  filter.setAttribute('aria-activedescendant', 'c-0');
  showDoc();
}

// showDoc shows the documentation of the chosen completion (a field's description and type,
// an operator's meaning) under the list.
function showDoc() {
  const d = $('compdoc'), it = items[active];
  if (!it || !it.doc) { d.hidden = true; return; }
  d.textContent = it.doc;
  d.style.left = list.style.left;
  d.style.top = (list.offsetTop + list.offsetHeight + 2) + 'px';
  d.hidden = false;
}

// closeList closes the list and drops the answers still on their way.
function closeList() {
  asked++;
  hideList();
}

function hideList() {
  list.hidden = true;
  $('compdoc').hidden = true;
  items = []; active = -1;
  filter.setAttribute('aria-expanded', 'false');
  filter.removeAttribute('aria-activedescendant');
}

function move(d) {
  if (!items.length) return;
  active = (active + d + items.length) % items.length;
  list.querySelectorAll('li').forEach((li, i) => li.setAttribute('aria-selected', String(i === active)));
  const li = $('c-' + active);
  filter.setAttribute('aria-activedescendant', li.id);
  li.scrollIntoView({ block: 'nearest' });
  showDoc();
}

// accept inserts item i. When the text changed since the list was computed (keys typed faster
// than the server answered), the list is asked again and the item of the same label (or the
// first) is inserted, so that its span is that of the current text.
async function accept(i) {
  let it = items[i];
  if (list.dataset.stale && it) {
    const label = it.label;
    try {
      const r = await api('api/complete', { q: filter.value, at: filter.selectionStart });
      it = r.items.find((x) => x.label === label) || r.items[0];
    } catch (e) { it = null; }
  }
  closeList();
  if (!it) return;
  const text = filter.value;
  setText(text.slice(0, it.s) + it.insert + text.slice(it.e), it.s + it.insert.length);
}

// caretXY returns where the caret is, relative to the editor: measured on a copy of the
// text laid out as the textarea lays it out.
function caretXY() {
  const probe = hl.cloneNode(false);
  probe.removeAttribute('id');
  probe.style.position = 'absolute'; probe.style.visibility = 'hidden'; probe.style.left = '0'; probe.style.top = '0';
  probe.style.width = hl.offsetWidth + 'px';
  const mark = el('span', {}, '\u200b');
  probe.append(filter.value.slice(0, filter.selectionStart), mark);
  $('editor').append(probe);
  const x = mark.offsetLeft, y = mark.offsetTop + mark.offsetHeight + 4;
  probe.remove();
  return { x: Math.min(x, hl.offsetWidth - 200), y };
}

// ---- Hover: the diagnostic under the mouse, with its fixes -------------------------------

let tipTimer = 0;
function hover(ev) {
  const a = analysis && analysis.text === filter.value ? analysis : null;
  if (!a) return;
  for (const span of hl.querySelectorAll('[data-d]')) {
    for (const r of span.getClientRects()) {
      if (ev.clientX >= r.left && ev.clientX <= r.right && ev.clientY >= r.top && ev.clientY <= r.bottom + 4) {
        showTip(span.dataset.d.split(' ').map((i) => a.diagnostics[+i]), r);
        return;
      }
    }
  }
  for (const span of hl.querySelectorAll('.t-field, .t-operator, .t-string, .t-keyword')) {
    for (const r of span.getClientRects()) {
      if (ev.clientX >= r.left && ev.clientX <= r.right && ev.clientY >= r.top && ev.clientY <= r.bottom) {
        hoverWord(+span.dataset.s, r);
        return;
      }
    }
  }
  hideTipSoon();
}

// hoverWord shows what the editor's hover says of the word at offset at.
let hovered = -1;
async function hoverWord(at, rect) {
  clearTimeout(tipTimer);
  if (hovered === at && !tip.hidden) return;
  hovered = at;
  const text = filter.value;
  let h;
  try { h = await api('api/hover', { q: text, at }); } catch (e) { return; }
  if (hovered !== at || filter.value !== text || !h.text) return;
  // The hover's text marks code with backquotes, as in the editor.
  tip.replaceChildren(el('p', { class: 'hover' }, ...h.text.split('`').map((t, i) => (i % 2 ? el('code', {}, t) : t))));
  const box = $('editor').getBoundingClientRect();
  tip.style.left = Math.max(0, rect.left - box.left) + 'px';
  tip.style.top = (rect.bottom - box.top + 6) + 'px';
  tip.hidden = false;
}

function showTip(ds, rect) {
  clearTimeout(tipTimer);
  tip.replaceChildren(...ds.map((d) => el('div', {},
    el('p', {}, el('span', { class: 'sev ' + d.severity }, `${d.severity}[${d.code}]`), ' ', d.message),
    ...(d.fixes || []).map((f) => el('button', { type: 'button', class: 'fix', onclick: () => { tip.hidden = true; applyFix(f); } }, f.title)))));
  const box = $('editor').getBoundingClientRect();
  tip.style.left = Math.max(0, rect.left - box.left) + 'px';
  tip.style.top = (rect.bottom - box.top + 6) + 'px';
  tip.hidden = false;
}

function hideTipSoon() {
  hovered = -1;
  clearTimeout(tipTimer);
  tipTimer = setTimeout(() => { tip.hidden = true; }, 300);
}

// ---- Running a filter, the results and the pictures --------------------------------------

async function run() {
  closeList();
  const text = filter.value.trim();
  if (!text) return;
  stopTail();
  state.filter = text; state.page = 0; state.open = 0;
  closeDetail();
  saveURL();
  await query(text);
}

async function query(text) {
  $('summary').textContent = 'Running…';
  let r;
  try { r = await api('api/query', { q: text }); } catch (e) { $('summary').replaceChildren(el('span', { class: 'error-text' }, e.message)); return; }
  if (r.error) {
    r.analysis.text = filter.value;
    if (filter.value.trim() === text) { analysis = r.analysis; render(); problems(); }
    $('summary').replaceChildren(el('span', { class: 'error-text' }, r.error));
    return;
  }
  Object.assign(state, { id: r.id, columns: r.columns, count: r.count, complete: r.complete, nodes: r.nodes });
  summary(r);
  $('pictures').hidden = false; $('results').hidden = false;
  await Promise.all([rows(), histogram(), facet()]);
  if (state.live) startTail();
}

function summary(r) {
  const s = `${r.count} matching event${r.count === 1 ? '' : 's'}` + (r.ms != null ? ` in ${r.ms} ms` : '') +
    (r.complete ? '' : ` (the first ${r.count}: more are waiting)`);
  $('summary').replaceChildren(el('strong', { id: 'count' }, s));
  if (r.warning) $('summary').append(el('span', { class: 'error-text' }, ' ' + r.warning));
  $('more').hidden = r.complete;
}

async function rows() {
  const r = await api('api/rows', { id: state.id, from: state.page * PAGE, n: PAGE });
  state.count = r.count;
  $('thead').replaceChildren(...[el('th', { scope: 'col' }, '#'), state.nodes ? el('th', { scope: 'col' }, 'Node') : null,
    ...state.columns.map((c) => el('th', { scope: 'col' }, c === 'Timestamp' ? 'Timestamp (UTC)' : c))].filter(Boolean));
  $('tbody').replaceChildren(...r.rows.map((row) => rowEl(row)));
  pager();
}

function rowEl(row, fresh) {
  const tr = el('tr', { tabindex: '0', 'data-n': row.n, class: (fresh ? 'new' : '') + (row.n === state.open ? ' open' : ''),
    'aria-label': `event ${row.n}` },
  el('td', {}, String(row.n)), state.nodes ? el('td', {}, row.node) : null, ...row.cells.map((c) => el('td', { title: c }, c)));
  tr.addEventListener('click', () => openEvent(row.n));
  tr.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); openEvent(row.n); }
    if (ev.key === 'ArrowDown' && tr.nextElementSibling) { ev.preventDefault(); tr.nextElementSibling.focus(); }
    if (ev.key === 'ArrowUp' && tr.previousElementSibling) { ev.preventDefault(); tr.previousElementSibling.focus(); }
  });
  return tr;
}

function pager() {
  const pages = Math.max(1, Math.ceil(state.count / PAGE));
  $('pageinfo').textContent = `page ${state.page + 1} of ${pages}`;
  $('prev').disabled = state.page === 0;
  $('next').disabled = state.page + 1 >= pages;
}

async function turn(d) {
  state.page = Math.max(0, state.page + d);
  saveURL();
  await rows();
}

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text != null) e.textContent = text;
  return e;
}

const fmtTime = (us) => new Date(us / 1000).toISOString().replace('T', ' ').replace('Z', '');

async function histogram() {
  const h = await api('api/histogram', { id: state.id, buckets: 60 });
  const box = $('histo');
  const W = 600, H = 160, top = 14, n = h.counts.length;
  const peak = Math.max(1, ...h.counts);
  const kids = [svg('line', { x1: 0, y1: H - 0.5, x2: W, y2: H - 0.5 })];
  h.counts.forEach((c, i) => {
    if (!c) return;
    const bh = Math.max(1, (H - top) * c / peak), bw = W / n;
    const r = svg('rect', { x: (i * bw + 0.5).toFixed(1), y: (H - bh).toFixed(1), width: Math.max(1, bw - 1).toFixed(1), height: bh.toFixed(1) });
    r.append(svg('title', {}, `${fmtTime(h.start + i * h.width)} – ${fmtTime(h.start + (i + 1) * h.width)}: ${c}`));
    kids.push(r);
  });
  kids.push(svg('text', { x: 4, y: 11 }, `max ${peak} per ${dur(h.width)}`));
  box.replaceChildren(...kids);
  const total = h.counts.reduce((x, y) => x + y, 0);
  box.setAttribute('aria-label', n ? `Histogram: ${total} matches from ${fmtTime(h.start)} to ${fmtTime(h.start + n * h.width)} in ${n} intervals of ${dur(h.width)}; at most ${peak} in one` : 'Histogram: no dated matches');
  $('histo-from').textContent = n ? fmtTime(h.start) : '';
  $('histo-to').textContent = n ? fmtTime(h.start + n * h.width) : '';
}

function dur(us) {
  const ms = us / 1000;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120000) return `${(ms / 1000).toFixed(ms < 10000 ? 1 : 0)} s`;
  if (ms < 7200000) return `${(ms / 60000).toFixed(1)} min`;
  return `${(ms / 3600000).toFixed(1)} h`;
}

async function facet() {
  const field = $('facet-field').value.trim();
  if (!field || !state.id) return;
  state.facet = field;
  let f;
  try { f = await api('api/facet', { id: state.id, field, n: 10 }); } catch (e) { $('facet-note').textContent = e.message; return; }
  $('facet-note').textContent = `${f.with} of ${state.count} matches have ${field}; ${f.distinct} distinct value${f.distinct === 1 ? '' : 's'}`;
  const peak = Math.max(1, ...f.values.map((v) => v.count));
  $('facet-list').replaceChildren(...f.values.map((v) => {
    const bar = el('span', { class: 'bar' });
    bar.style.width = (100 * v.count / peak).toFixed(1) + '%';
    const b = el('button', { type: 'button', title: v.clause ? `add ${v.clause} to the filter` : v.value },
      bar, el('span', { class: 'v' }, v.value), el('span', { class: 'c' }, String(v.count)));
    if (v.clause) b.addEventListener('click', () => refine(v.clause)); else b.disabled = true;
    return el('li', {}, b);
  }));
}

// refine adds a comparison to the filter and runs it: a facet value narrows the search.
async function refine(clause) {
  const text = filter.value.trim();
  const next = text ? `(${text}) AND ${clause}` : clause;
  const a = await api('api/analyze', { q: next });
  setText(a.formatted || next, (a.formatted || next).length);
  await run();
}

async function more() {
  $('more').disabled = true;
  try {
    const r = await api('api/more', { id: state.id });
    state.count = r.count;
    summary(r);
    await Promise.all([rows(), histogram(), facet()]);
  } catch (e) { $('tailnote').textContent = e.message; }
  $('more').disabled = false;
}

// ---- Live tail ----------------------------------------------------------------------------

let refresh = 0;
function startTail() {
  stopTail();
  if (!state.id) return;
  $('tailnote').textContent = 'following: new matches appear at the top';
  tail = new EventSource('api/tail?id=' + encodeURIComponent(state.id));
  tail.addEventListener('rows', (ev) => {
    const d = JSON.parse(ev.data);
    state.count = d.count;
    $('count').textContent = `${d.count} matching event${d.count === 1 ? '' : 's'} (live)`;
    if (state.page === 0) {
      const tb = $('tbody');
      for (const r of [...d.rows].reverse()) tb.prepend(rowEl(r, true));
      while (tb.children.length > PAGE) tb.lastElementChild.remove();
    }
    pager();
    clearTimeout(refresh);
    refresh = setTimeout(() => { histogram(); facet(); }, 500);
  });
  tail.addEventListener('notice', (ev) => { $('tailnote').textContent = JSON.parse(ev.data).message; });
  tail.addEventListener('end', (ev) => { $('tailnote').textContent = JSON.parse(ev.data).message; stopTail(true); });
  tail.onerror = () => { if (tail && tail.readyState === EventSource.CLOSED) stopTail(true); };
}

function stopTail(keepNote) {
  if (tail) { tail.close(); tail = null; }
  if (!keepNote) $('tailnote').textContent = '';
}

// ---- One event: its JSON and why it matches ------------------------------------------------

let opener = null;
async function openEvent(n, other) {
  state.open = n;
  saveURL();
  document.querySelectorAll('#tbody tr').forEach((tr) => tr.classList.toggle('open', +tr.dataset.n === n));
  opener = document.activeElement;
  const d = $('detail');
  d.hidden = false;
  $('detail-title').textContent = `Event ${n}`;
  if (!other) $('why-filter').value = state.filter;
  const [ev, why] = await Promise.all([api('api/event', { id: state.id, n }),
    api('api/explain', { id: state.id, n, q: $('why-filter').value }).catch((e) => ({ error: e.message }))]);
  $('json').textContent = ev.json;
  $('detail-title').textContent = `Event ${n}` + (ev.origin ? ` (${ev.origin})` : '') + (ev.node ? ` from ${ev.node}` : '');
  explainView(why);
  if (!other) $('detail-title').focus();
}

function explainView(why) {
  if (why.error) {
    const msgs = why.analysis ? why.analysis.diagnostics.map((d) => `${d.code}: ${d.message}`).join('; ') : '';
    $('why-verdict').replaceChildren(el('span', { class: 'error-text' }, why.error + (msgs ? ': ' + msgs : '')));
    $('why').replaceChildren();
    return;
  }
  $('why-verdict').replaceChildren(why.match ? 'The event matches ' : 'The event does not match ', el('code', {}, why.filter));
  $('why').replaceChildren(clauseEl(why.tree));
}

function clauseEl(c) {
  const found = c.kind === 'compare' || c.kind === 'in'
    ? el('span', { class: 'found' }, c.missing ? `  (${c.field} missing)` : `  (${c.field}: ${c.values.map((v) => JSON.stringify(v)).join(', ')})`) : null;
  return el('li', {}, el('span', { class: 'verdict ' + c.result }, String(c.result)), ' ', el('code', {}, c.text), found,
    c.children ? el('ul', {}, ...c.children.map(clauseEl)) : null);
}

function closeDetail() {
  const d = $('detail');
  if (d.hidden) return;
  d.hidden = true;
  state.open = 0;
  saveURL();
  document.querySelectorAll('#tbody tr.open').forEach((tr) => tr.classList.remove('open'));
  if (opener && document.contains(opener)) opener.focus();
}

// ---- The URL: the filter and the options, so that a link reproduces the view --------------

function saveURL() {
  const p = new URLSearchParams();
  if (state.filter) p.set('q', state.filter);
  if (state.facet !== 'HostName') p.set('facet', state.facet);
  if (state.page) p.set('page', String(state.page + 1));
  if (state.live) p.set('live', '1');
  if (state.open) p.set('event', String(state.open));
  const u = new URL(location.href);
  u.search = p.toString();
  history.replaceState(null, '', u);
}

async function load() {
  const p = new URLSearchParams(location.search);
  const info = await api('api/info');
  $('source').textContent = 'Events from ' + info.source;
  $('source').title = info.source;
  $('fieldnames').replaceChildren(...info.fields.map((f) => el('option', { value: f })));
  if (!info.live) $('live').parentElement.title = 'the events come from files: a tail ends at the last one';
  state.facet = p.get('facet') || 'HostName';
  $('facet-field').value = state.facet;
  state.live = p.get('live') === '1';
  $('live').checked = state.live;
  const q = p.get('q') || '';
  setText(q, q.length);
  if (q) {
    state.filter = q.trim();
    state.page = Math.max(0, (+p.get('page') || 1) - 1);
    await query(state.filter);
    const n = +p.get('event') || 0;
    if (n && state.id) { await openEvent(n); }
    saveURL();
  }
  filter.focus();
  document.body.dataset.ready = '1';
}

// ---- Keys and events ------------------------------------------------------------------------

filter.addEventListener('keydown', (ev) => {
  const open = !list.hidden;
  if (open && ev.key === 'ArrowDown') { ev.preventDefault(); move(1); return; }
  if (open && ev.key === 'ArrowUp') { ev.preventDefault(); move(-1); return; }
  if (open && (ev.key === 'Enter' || ev.key === 'Tab')) { ev.preventDefault(); accept(active); return; }
  if (ev.key === 'Escape') { if (open) ev.preventDefault(); closeList(); return; }
  if (ev.key === 'Enter' && !ev.shiftKey) { ev.preventDefault(); run(); return; }
  if (ev.key === ' ' && ev.ctrlKey) { ev.preventDefault(); complete(); return; }
  if (ev.key === 'F' && ev.shiftKey && ev.altKey) { ev.preventDefault(); format(); }
});
filter.addEventListener('input', (ev) => {
  list.dataset.stale = '1';
  tip.hidden = true;
  const typing = ev.inputType && ev.inputType.startsWith('insert') && ev.data !== ')';
  if (!typing) closeList();
  changed(typing);
});
filter.addEventListener('blur', () => setTimeout(() => { if (document.activeElement !== filter) closeList(); }, 100));
filter.addEventListener('click', closeList);
filter.addEventListener('mousemove', hover);
filter.addEventListener('mouseleave', hideTipSoon);
tip.addEventListener('mouseenter', () => clearTimeout(tipTimer));
tip.addEventListener('mouseleave', hideTipSoon);

async function format() {
  const a = await api('api/analyze', { q: filter.value });
  if (a.formatted) setText(a.formatted, a.formatted.length);
}

$('run').addEventListener('click', run);
$('format').addEventListener('click', format);
$('prev').addEventListener('click', () => turn(-1));
$('next').addEventListener('click', () => turn(1));
$('more').addEventListener('click', more);
$('live').addEventListener('change', (ev) => { state.live = ev.target.checked; saveURL(); if (state.live) startTail(); else stopTail(); });
$('facet-field').addEventListener('change', () => { facet(); saveURL(); });
$('facet-field').addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); facet(); saveURL(); } });
$('close').addEventListener('click', closeDetail);
$('why-filter').addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); openEvent(state.open, true); } });
document.addEventListener('keydown', (ev) => {
  if (ev.key === 'Escape' && !ev.defaultPrevented && !$('detail').hidden) { closeDetail(); return; }
  const t = ev.target.tagName;
  if (ev.key === '/' && t !== 'INPUT' && t !== 'TEXTAREA') { ev.preventDefault(); filter.focus(); }
});

load().catch((e) => { $('summary').replaceChildren(el('span', { class: 'error-text' }, e.message)); document.body.dataset.ready = '1'; });
