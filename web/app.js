/* app.js -- docproc dashboard logic: API key, stats polling, document list, upload, document
 * view. Plain browser JavaScript, no build step and no framework. Every API call carries
 * "Authorization: Bearer <key>"; files (original, hOCR) are fetched with it and shown through
 * blob: URLs, since a link cannot carry a header. Untrusted text is only ever set with
 * textContent, never parsed as HTML. */
'use strict';

const KEY_STORAGE = 'docproc.key';
const STATS_EVERY_MS = 3000;   /* stats refresh */
const ROWS_EVERY_MS = 3000;    /* re-check documents still queued/processing */
/* List page size: 20, or ?limit=N (1..100) in the page's address. */
const PAGE_SIZE = (() => {
  const n = Number(new URLSearchParams(location.search).get('limit'));
  return Number.isInteger(n) && n >= 1 && n <= 100 ? n : 20;
})();

const state = {
  key: '',
  cursor: null,       /* next_cursor of the last list page, null = no more */
  rows: new Map(),    /* document id -> <tr> */
  openId: null,       /* the document in the view */
  blobs: [],          /* blob: URLs of the view, revoked when it changes */
  timers: [],
};

/* ---- small helpers ---- */

const $ = (id) => document.getElementById(id);

/* el('a', {href: 'x', class: 'y'}, 'text', child...) */
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

function fmtBytes(n) {
  if (typeof n !== 'number') return '–';
  if (n < 1024) return n + ' B';
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' kB';
  return (n / 1024 / 1024).toFixed(1) + ' MB';
}

function fmtTime(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString();
}

function fmtSeconds(s) {
  if (typeof s !== 'number' || !isFinite(s)) return '–';
  if (s < 60) return s.toFixed(s < 10 ? 1 : 0) + ' s';
  if (s < 3600) return (s / 60).toFixed(1) + ' min';
  return (s / 3600).toFixed(1) + ' h';
}

function fmtPct(x) {
  return typeof x === 'number' ? Math.round(x * 100) + ' %' : '–';
}

/* Milliseconds between two ISO times, as text, or '–'. */
function between(a, b) {
  if (!a || !b) return '–';
  const ms = new Date(b) - new Date(a);
  return isFinite(ms) ? fmtSeconds(ms / 1000) : '–';
}

function showMessage(text, kind) {
  const m = $('message');
  m.textContent = text;
  m.className = 'message ' + (kind || 'info');
  m.hidden = !text;
}

/* ---- API ---- */

class ApiError extends Error {
  constructor(status, code, message, requestId) {
    super(message);
    this.status = status;
    this.code = code;
    this.requestId = requestId;
  }
  toString() {
    let s = this.message;
    if (this.code) s += ` (${this.code}, HTTP ${this.status})`;
    else if (this.status) s += ` (HTTP ${this.status})`;
    if (this.requestId) s += ` — request ${this.requestId}`;
    return s;
  }
}

/* fetch with the key; resolves to the Response when 2xx, else throws ApiError with the API's
 * JSON error (or a plain description when the answer is not JSON). */
async function api(path, options) {
  const opts = Object.assign({}, options || {});
  opts.headers = Object.assign({ Authorization: 'Bearer ' + state.key }, opts.headers || {});
  let resp;
  try {
    resp = await fetch(path, opts);
  } catch (e) {
    throw new ApiError(0, 'network', 'Could not reach the docproc API: ' + e.message);
  }
  if (resp.ok) return resp;
  let code = '', message = resp.statusText || 'request failed', rid = resp.headers.get('X-Request-Id');
  try {
    const j = await resp.json();
    if (j && j.error) {
      code = j.error.code || '';
      message = j.error.message || message;
      rid = j.error.request_id || rid;
    }
  } catch (e) { /* not JSON: keep the status text */ }
  throw new ApiError(resp.status, code, message, rid);
}

async function apiJson(path, options) {
  return (await api(path, options)).json();
}

/* ---- key ---- */

function explainAuth(err) {
  if (err.status === 401) return 'The API key was refused: ' + err.toString();
  if (err.status === 403) return 'This key lacks a scope: ' + err.toString();
  return err.toString();
}

async function useKey(key) {
  state.key = key.trim();
  try {
    await apiJson('/v1/stats');
  } catch (e) {
    showMessage(explainAuth(e), 'error');
    if (e.status === 401) {
      sessionStorage.removeItem(KEY_STORAGE);
      $('app').hidden = true;
      $('intro').hidden = false;
      return false;
    }
  }
  sessionStorage.setItem(KEY_STORAGE, state.key);
  $('key').value = '';
  $('key').placeholder = 'key in use: ' + state.key.slice(0, 8) + '…';
  $('key-forget').hidden = false;
  $('app').hidden = false;
  $('intro').hidden = true;
  showMessage('', 'info');
  start();
  return true;
}

function forgetKey() {
  sessionStorage.removeItem(KEY_STORAGE);
  state.key = '';
  stop();
  $('app').hidden = true;
  $('intro').hidden = false;
  $('key-forget').hidden = true;
  $('key').placeholder = 'dpk_…';
  showMessage('Key forgotten.', 'info');
  $('key').focus();
}

function start() {
  stop();
  refreshStats();
  loadDocuments(true);
  if (typeof reviewStart === 'function') reviewStart();   /* review.js */
  state.timers.push(setInterval(refreshStats, STATS_EVERY_MS));
  state.timers.push(setInterval(refreshPendingRows, ROWS_EVERY_MS));
}

function stop() {
  state.timers.forEach(clearInterval);
  state.timers = [];
}

/* ---- stats ---- */

function setStat(name, value) {
  const dd = document.querySelector(`[data-stat="${name}"]`);
  if (dd) dd.textContent = value;
}

async function refreshStats() {
  let s;
  try {
    s = await apiJson('/v1/stats');
  } catch (e) {
    $('stats-updated').textContent = 'Stats unavailable: ' + e.toString();
    return;
  }
  const t = s.throughput || {}, tot = s.totals || {};
  setStat('queued', s.queued);
  setStat('pending', s.pending);
  setStat('oldest', s.pending ? fmtSeconds(s.oldest_pending_age_s) : '–');
  setStat('dead', s.dead);
  setStat('workers', s.workers);
  setStat('done_1m', t.done_last_minute);
  setStat('per_min_5m', typeof t.done_per_minute_5m === 'number' ? t.done_per_minute_5m.toFixed(1) : '–');
  setStat('totals', `${tot.accepted ?? 0} / ${tot.done ?? 0} / ${tot.failed ?? 0}`);
  document.querySelector('[data-stat="dead"]').classList.toggle('warn', s.dead > 0);
  $('stats-updated').textContent = 'Updated ' + new Date().toLocaleTimeString() +
    ` · ${(s.consumers || []).length} worker process(es) known to the queue`;
}

/* ---- document list ---- */

function statusBadge(status) {
  return el('span', { class: 'badge badge-' + status, 'data-status': status }, status);
}

function docName(d) {
  return (d.file && d.file.name) || d.id;
}

function rowFor(d) {
  const cls = typeof d.class === 'string' ? d.class : (d.class && d.class.label) || '';
  const tr = el('tr', { 'data-id': d.id, 'data-status': d.status },
    el('td', {},
      el('button', { type: 'button', class: 'link', onclick: () => openDocument(d.id),
                     'aria-label': `Open ${docName(d)} (${d.id})` }, docName(d)),
      d.file && d.file.name ? el('div', { class: 'id' }, d.id) : null),
    el('td', {}, statusBadge(d.status)),
    el('td', {}, cls || '–'),
    el('td', {}, fmtTime(d.created_at)),
    el('td', {}, fmtBytes(d.file && d.file.size)));
  return tr;
}

function putRow(d, where) {
  const tr = rowFor(d);
  const old = state.rows.get(d.id);
  if (old) old.replaceWith(tr);
  else if (where === 'top') $('doc-rows').prepend(tr);
  else $('doc-rows').append(tr);
  state.rows.set(d.id, tr);
  $('docs-empty').hidden = true;
}

async function loadDocuments(fresh) {
  const status = $('status-filter').value;
  const q = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (status) q.set('status', status);
  if (!fresh && state.cursor) q.set('cursor', state.cursor);
  let page;
  try {
    page = await apiJson('/v1/documents?' + q);
  } catch (e) {
    showMessage('Could not list documents: ' + e.toString(), 'error');
    return;
  }
  if (fresh) {
    $('doc-rows').replaceChildren();
    state.rows.clear();
  }
  for (const d of page.data || []) putRow(d, 'bottom');
  state.cursor = page.has_more ? page.next_cursor : null;
  $('load-more').hidden = !state.cursor;
  $('docs-empty').hidden = state.rows.size > 0;
}

/* Documents shown as queued or processing are re-read until they finish. */
async function refreshPendingRows() {
  const ids = [...state.rows.entries()]
    .filter(([, tr]) => tr.dataset.status === 'queued' || tr.dataset.status === 'processing')
    .map(([id]) => id)
    .slice(0, PAGE_SIZE);
  for (const id of ids) {
    try {
      const d = await apiJson('/v1/documents/' + encodeURIComponent(id));
      const filter = $('status-filter').value;
      putRow(d);
      if (filter && d.status !== filter) state.rows.get(id).classList.add('stale');
      if (state.openId === id) renderDocument(d);
    } catch (e) {
      if (e.status === 404) { state.rows.get(id).remove(); state.rows.delete(id); }
    }
  }
}

/* ---- upload ---- */

async function upload(ev) {
  ev.preventDefault();
  const file = $('file').files[0];
  const out = $('upload-result');
  if (!file) { out.textContent = 'Choose a file first.'; return; }
  const form = new FormData();
  form.append('file', file, file.name);
  const lang = $('lang').value.trim();
  if (lang) form.append('lang', lang);
  $('upload-btn').disabled = true;
  out.className = '';
  out.textContent = `Uploading ${file.name} (${fmtBytes(file.size)})…`;
  try {
    const d = await apiJson('/v1/documents', { method: 'POST', body: form });
    out.replaceChildren(`Accepted ${file.name} as `,
      el('button', { type: 'button', class: 'link', onclick: () => openDocument(d.id) }, d.id),
      ' — its progress shows in the list below.');
    if (!$('status-filter').value || $('status-filter').value === d.status) putRow(d, 'top');
    $('upload-form').reset();
    refreshStats();
  } catch (e) {
    out.className = 'error';
    out.textContent = 'Upload refused: ' + e.toString();
  } finally {
    $('upload-btn').disabled = false;
  }
}

/* ---- one document ---- */

function revokeBlobs() {
  state.blobs.forEach((u) => URL.revokeObjectURL(u));
  state.blobs = [];
}

async function openDocument(id) {
  state.openId = id;
  revokeBlobs();
  const view = $('doc-view');
  view.hidden = false;
  $('doc-body').replaceChildren(el('p', {}, 'Loading ' + id + '…'));
  try {
    renderDocument(await apiJson('/v1/documents/' + encodeURIComponent(id)));
  } catch (e) {
    $('doc-body').replaceChildren(el('p', { class: 'error' }, 'Could not load ' + id + ': ' + e.toString()));
  }
  view.focus();
}

function kv(rows) {
  return el('dl', { class: 'kv' }, ...rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

function fieldValue(v) {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'object') {
    if ('amount' in v) return `${v.amount} ${v.currency || ''}`.trim();
    return JSON.stringify(v);
  }
  return String(v);
}

function fieldsTable(fields) {
  if (!fields || !fields.length) return el('p', { class: 'help' }, 'No fields found.');
  return el('table', { class: 'fields' },
    el('caption', {}, 'Extracted fields'),
    el('thead', {}, el('tr', {},
      ...['Field', 'Value', 'As written', 'Confidence', 'Valid', 'Page', 'Source'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, ...fields.map((f) => el('tr', { 'data-field': f.name },
      el('th', { scope: 'row' }, f.name),
      el('td', { class: 'value' }, fieldValue(f.value)),
      el('td', {}, f.text || ''),
      el('td', {}, fmtPct(f.confidence)),
      el('td', {}, f.valid ? el('span', { class: 'ok' }, '✓ valid') : el('span', { class: 'bad' }, '✗ not valid')),
      el('td', {}, f.page ?? '–'),
      el('td', {}, f.source || 'rules')))));
}

function money(m) {
  return m && typeof m === 'object' ? `${m.amount} ${m.currency || ''}`.trim() : '–';
}

function lineItemsTable(items) {
  if (!items || !items.length) return el('p', { class: 'help' }, 'No line items found.');
  return el('table', { class: 'fields line-items' },
    el('caption', {}, 'Line items' + (items[0].source && items[0].source !== 'rules' ? ` (from the ${items[0].source === 'xml' ? 'e-invoice XML' : 'embedded e-invoice XML'})` : '')),
    el('thead', {}, el('tr', {},
      ...['#', 'Description', 'Quantity', 'Unit', 'Unit price', 'Tax', 'Amount', 'Page'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, ...items.map((it, i) => el('tr', { 'data-line': String(i + 1) },
      el('th', { scope: 'row' }, String(i + 1)),
      el('td', {}, it.description || '–'),
      el('td', { class: 'num' }, it.quantity ?? '–'),
      el('td', {}, it.unit || ''),
      el('td', { class: 'num' }, money(it.unit_price)),
      el('td', { class: 'num' }, it.tax_rate ? it.tax_rate + ' %' : ''),
      el('td', { class: 'num value' }, money(it.amount)),
      el('td', {}, it.page ?? '–')))));
}

function checksList(checks) {
  if (!checks || !checks.length) return el('p', { class: 'help' }, 'Nothing to check.');
  return el('ul', { class: 'checks' }, ...checks.map((c) => el('li', { 'data-check': c.name },
    c.ok ? el('span', { class: 'ok' }, '✓') : el('span', { class: 'bad' }, '✗'),
    ' ', el('strong', {}, c.name + (c.line ? ` (line ${c.line})` : '')), ': ', c.detail || '')));
}

function barcodesList(pages) {
  const codes = (pages || []).flatMap((p) => (p.barcodes || []).map((b) => ({ page: p.number, ...b })));
  if (!codes.length) return null;
  return el('ul', { class: 'barcodes' }, ...codes.map((b) =>
    el('li', {}, el('strong', {}, b.type), ` (page ${b.page}): `, el('code', {}, b.text))));
}

/* A button that fetches part (file or hocr) with the key and shows it through a blob: URL. */
function partLoader(d, part, label) {
  const slot = el('div', { class: 'part' });
  const btn = el('button', { type: 'button', onclick: async () => {
    btn.disabled = true;
    btn.textContent = 'Loading…';
    try {
      const resp = await api(`/v1/documents/${encodeURIComponent(d.id)}/${part}`);
      const type = (resp.headers.get('Content-Type') || 'application/octet-stream').split(';')[0];
      const blob = await resp.blob();
      const url = URL.createObjectURL(new Blob([blob], { type }));
      state.blobs.push(url);
      const name = part === 'file' ? docName(d)
        : part === 'hocr' ? d.id + '.hocr.html' : d.id + '-' + part.replace(/\//g, '-');
      const kids = [el('a', { href: url, download: name }, `Download ${label} (${fmtBytes(blob.size)})`)];
      if (part === 'file' && type.startsWith('image/') && type !== 'image/tiff')
        kids.unshift(el('img', { src: url, alt: 'The original document ' + docName(d), class: 'preview' }));
      else if (part === 'file' && type === 'application/pdf')
        kids.push(' · ', el('a', { href: url, target: '_blank', rel: 'noopener' }, 'open in a new tab'));
      else if (part === 'hocr')  /* sandboxed: the hOCR's markup gets no script and no origin */
        kids.unshift(el('iframe', { src: url, sandbox: '', title: 'hOCR of ' + d.id, class: 'hocr' }));
      slot.replaceChildren(...kids);
    } catch (e) {
      btn.disabled = false;
      btn.textContent = 'Show ' + label;
      slot.append(el('p', { class: 'error' }, `Could not load the ${label}: ${e.toString()}`));
    }
  } }, 'Show ' + label);
  slot.append(btn);
  return slot;
}

/* A table of the result as an HTML table (spans kept), with its CSV on request. */
function tableView(d, t, n) {
  const rows = [];
  const covered = new Set();
  for (let r = 0; r < t.rows; r++) rows.push([]);
  for (const c of t.cells || []) {
    for (let r = c.row; r < c.row + c.row_span; r++)
      for (let k = c.col; k < c.col + c.col_span; k++)
        if (r !== c.row || k !== c.col) covered.add(r + ',' + k);
  }
  const at = new Map((t.cells || []).map((c) => [c.row + ',' + c.col, c]));
  for (let r = 0; r < t.rows; r++)
    for (let k = 0; k < t.cols; k++) {
      if (covered.has(r + ',' + k)) continue;
      const c = at.get(r + ',' + k);
      const attrs = {};
      if (c && c.row_span > 1) attrs.rowspan = String(c.row_span);
      if (c && c.col_span > 1) attrs.colspan = String(c.col_span);
      rows[r].push(el(c && c.header ? 'th' : 'td', attrs, c ? c.text : ''));
    }
  return el('div', { class: 'doc-table' },
    el('table', { class: 'fields' },
      el('caption', {}, `Table ${n}: ${t.rows} × ${t.cols}` + (t.ruled ? ', ruled' : '')),
      el('tbody', {}, ...rows.map((cells) => el('tr', {}, ...cells)))),
    partLoader(d, `tables/${n}.csv`, `table ${n} as CSV`));
}

/* A page's structure: its tables, key-value pairs and check boxes. */
function structureView(d, p, counter) {
  const out = [];
  for (const t of p.tables || []) out.push(tableView(d, t, ++counter.n));
  const pairs = p.key_values || [];
  if (pairs.length)
    out.push(el('h4', {}, 'Key-value pairs'),
      kv(pairs.map((x) => [x.key.text, x.value ? x.value.text : '–'])));
  const marks = p.selection_marks || [];
  if (marks.length)
    out.push(el('h4', {}, 'Check boxes'), el('ul', { class: 'marks' },
      ...marks.map((m) => el('li', {}, `${m.state === 'selected' ? '☑' : '☐'} ${m.label || '(no label)'}`))));
  return out;
}

function renderDocument(d) {
  if (d.id !== state.openId) return;
  const body = $('doc-body');
  const cls = d.class && typeof d.class === 'object' ? d.class : null;
  $('doc-h').textContent = 'Document ' + docName(d);
  const parts = [
    kv([
      ['ID', el('code', {}, d.id)],
      ['Status', statusBadge(d.status)],
      ['File', `${(d.file && d.file.type) || '?'}, ${fmtBytes(d.file && d.file.size)}` +
               (d.file && d.file.pages ? `, ${d.file.pages} page(s)` : '')],
      ['Created', fmtTime(d.created_at)],
      ['Waited in queue', between(d.created_at, d.started_at)],
      ['Processing took', between(d.started_at, d.finished_at)],
      ['Attempts', d.attempts],
      ['Class', cls ? `${cls.label} (${fmtPct(cls.confidence)} confident, ${cls.model || 'model'} v${cls.model_version ?? '?'})` : '–'],
    ]),
  ];
  if (d.status === 'processing' && d.progress)
    parts.push(el('p', {}, `Processing page ${d.progress.pages_done} of ${d.progress.pages_total || '?'}…`));
  if (d.status === 'queued') parts.push(el('p', {}, 'Waiting for a worker…'));
  if (d.error)
    parts.push(el('div', { class: 'error', role: 'alert' },
      el('strong', {}, 'Failed: ' + d.error.code), ' — ' + (d.error.message || '')));
  if (d.needs_review) {
    const failed = (d.checks || []).filter((c) => !c.ok).map((c) => c.name);
    parts.push(el('p', { class: 'warn' }, failed.length
      ? 'This result needs review: failed checks ' + failed.join(', ') + '.'
      : 'Low OCR quality: this result needs review.'));
  }
  if (d.status === 'done') {
    parts.push(el('h3', {}, 'Fields'), fieldsTable(d.fields));
    parts.push(el('h3', {}, 'Line items'), lineItemsTable(d.line_items));
    parts.push(el('h3', {}, 'Checks'), checksList(d.checks));
    const codes = barcodesList(d.pages);
    if (codes) parts.push(el('h3', {}, 'Barcodes'), codes);
    parts.push(el('h3', {}, 'Text'));
    const pages = d.pages || [];
    if (!pages.length) parts.push(el('pre', { class: 'text' }, d.text || ''));
    const counter = { n: 0 };
    for (const p of pages)
      parts.push(el('figure', { class: 'page' },
        el('figcaption', {}, `Page ${p.number} · ${p.source || 'ocr'} · ${p.width}×${p.height} px` +
          (p.dpi ? ` @ ${p.dpi} dpi` : '') + ` · confidence ${fmtPct(p.confidence)}` +
          (p.rotation ? ` · turned ${p.rotation}°` : '')),
        el('pre', { class: 'text' }, p.text || ''),
        ...structureView(d, p, counter)));
    parts.push(el('h3', {}, 'Files'), partLoader(d, 'file', 'original file'), partLoader(d, 'hocr', 'hOCR'));
  } else {
    parts.push(el('h3', {}, 'Files'), partLoader(d, 'file', 'original file'));
  }
  revokeBlobs();
  body.replaceChildren(...parts);
}

/* ---- wiring ---- */

document.addEventListener('DOMContentLoaded', () => {
  $('key-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    if ($('key').value.trim()) useKey($('key').value);
  });
  $('key-forget').addEventListener('click', forgetKey);
  $('upload-form').addEventListener('submit', upload);
  $('filter-form').addEventListener('submit', (ev) => { ev.preventDefault(); loadDocuments(true); });
  $('status-filter').addEventListener('change', () => loadDocuments(true));
  $('load-more').addEventListener('click', () => loadDocuments(false));
  const saved = sessionStorage.getItem(KEY_STORAGE);
  if (saved) useKey(saved);
  else $('key').focus();
});
