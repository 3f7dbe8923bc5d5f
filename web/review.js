/* review.js -- the review desk: a queue of documents to check (needs_review first, then the
 * other unreviewed ones), one document's page with its word and field boxes drawn over it, the
 * fields in a form beside it. The page is GET /v1/documents/{id}/pages/{n}.jpg (the page as the
 * worker read it: PDF pages rendered, TIFF pages, turned pages turned), at most 1600 px; the
 * SVG is in the result's page pixels (pages[].width/height) and the image is stretched over
 * them, so every box lands on the image at box * natural size / page size. Click a
 * word or drag over words to fill the focused field, type to correct, add a custom field,
 * confirm with Enter (or Ctrl+Enter anywhere in the desk): PUT /v1/documents/{id}/fields, then
 * the next document. "Train" posts /v1/extractor/train and polls GET /v1/extractor.
 * Uses app.js's helpers ($, el, api, apiJson, fmtPct, docName, state). */
'use strict';

const REVIEW_QUEUE_MAX = 50;       /* documents listed in the queue */
const TRAIN_POLL_MS = 500;
const TRAIN_CAP_MS = 300000;       /* stop polling a training after 5 minutes */
const FIELD_NAME_RE = /^[a-z][a-z0-9_]{0,39}$/;
const SVG_NS = 'http://www.w3.org/2000/svg';

const rd = {
  queue: [],          /* document summaries, in review order */
  doc: null,          /* the document on the desk */
  page: 0,            /* index into doc.pages */
  focus: null,        /* the field <input> words go into */
  drag: null,         /* {from, to} word indexes while dragging */
  custom: new Set(),  /* field names added in this session or known to the extractor */
  blobs: new Map(),   /* page number -> blob: URL of its image (this document's), or null when
                         it could not be had */
  busy: false,
};

function svg(tag, attrs) {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  return e;
}

/* A field's value as the text a person would type. */
function fieldText(f) {
  if (typeof f.text === 'string' && f.text) return f.text;
  const v = f.value;
  if (v && typeof v === 'object' && 'amount' in v) return `${v.amount} ${v.currency || ''}`.trim();
  return v === null || v === undefined ? '' : String(v);
}

/* ---- queue ---- */

async function rdLoadQueue() {
  const seen = new Set(), out = [];
  try {
    for (const q of ['needs_review=true&status=done', 'reviewed=false&status=done']) {
      const page = await apiJson(`/v1/documents?${q}&limit=${REVIEW_QUEUE_MAX}`);
      for (const d of page.data || [])
        if (!seen.has(d.id) && out.length < REVIEW_QUEUE_MAX) { seen.add(d.id); out.push(d); }
    }
  } catch (e) {
    $('rd-status').textContent = 'Could not load the review queue: ' + e.toString();
    return;
  }
  rd.queue = out;
  rdRenderQueue();
  if (!out.length) {
    $('rd-status').textContent = 'Nothing to review.';
    rd.doc = null;
    $('rd-desk').hidden = true;
  } else if (!rd.doc || !seen.has(rd.doc.id)) {
    rdOpen(out[0].id);
  }
}

function rdRenderQueue() {
  $('rd-queue').replaceChildren(...rd.queue.map((d) => el('li', {
    'data-id': d.id, class: rd.doc && rd.doc.id === d.id ? 'current' : null },
  el('button', { type: 'button', class: 'link', onclick: () => rdOpen(d.id) }, docName(d)),
  d.needs_review ? el('span', { class: 'badge badge-failed' }, 'needs review') : null)));
  $('rd-count').textContent = `${rd.queue.length} document(s) to review`;
}

/* ---- one document ---- */

async function rdOpen(id) {
  let d;
  try {
    d = await apiJson('/v1/documents/' + encodeURIComponent(id));
  } catch (e) {
    $('rd-status').textContent = 'Could not open ' + id + ': ' + e.toString();
    return;
  }
  rdDropImages();
  rd.doc = d;
  rd.page = 0;
  rd.focus = null;
  $('rd-desk').hidden = false;
  $('rd-desk').dataset.id = d.id;
  $('rd-title').textContent = docName(d);
  $('rd-status').textContent = d.reviewed ? 'Reviewed before: confirming again replaces it.' : '';
  rdRenderQueue();
  rdRenderPage();
  rdRenderForm();
  /* the keyboard starts at the first field to check: flagged or empty, else the first */
  const inputs = [...$('rd-rows').querySelectorAll('input.fv')];
  const first = inputs.find((i) => !i.value || i.closest('tr').classList.contains('warn')) || inputs[0];
  if (first) first.focus({ preventScroll: true });
}

/* ---- page images ---- */

function rdDropImages() {
  for (const u of rd.blobs.values()) if (u) URL.revokeObjectURL(u);
  rd.blobs = new Map();
}

/* Puts page p's image under the boxes of the SVG s (p's page pixels). */
function rdPlaceImage(s, p, url) {
  const im = svg('image', { x: 0, y: 0, width: p.width, height: p.height,
                            preserveAspectRatio: 'none', 'data-page': p.number });
  im.setAttribute('href', url);
  s.querySelector('.rd-blank').after(im);
}

/* Fetches page p's image of document d (with the key: an <img> cannot send it) and, when the
 * desk still shows that page, draws it. A page without an image keeps its boxes on white. */
async function rdLoadImage(d, p) {
  rd.blobs.set(p.number, null);   /* asked once per document */
  let url = null;
  try {
    const resp = await api(`/v1/documents/${encodeURIComponent(d.id)}/pages/${p.number}.jpg`);
    url = URL.createObjectURL(await resp.blob());
  } catch (e) {
    if (rd.doc === d) $('rd-status').textContent = `No image of page ${p.number}: ${e.toString()}`;
    return;
  }
  if (rd.doc !== d) { URL.revokeObjectURL(url); return; }
  rd.blobs.set(p.number, url);
  const s = $('rd-page').querySelector('svg');
  if (s && d.pages[rd.page] === p) rdPlaceImage(s, p, url);
}

function rdRenderPage() {
  const d = rd.doc, pages = d.pages || [];
  const p = pages[rd.page];
  const host = $('rd-page');
  $('rd-pages').replaceChildren(...(pages.length > 1 ? pages.map((x, i) => el('button', {
    type: 'button', 'aria-pressed': i === rd.page ? 'true' : 'false',
    onclick: () => { rd.page = i; rdRenderPage(); } }, `Page ${x.number}`)) : []));
  if (!p || !p.width || !p.height) { host.replaceChildren(el('p', {}, 'No page to show.')); return; }
  const s = svg('svg', { viewBox: rdViewBox(p), class: 'rd-svg',
                         role: 'img', 'aria-label': `Page ${p.number} with word boxes` });
  s.append(svg('rect', { x: 0, y: 0, width: p.width, height: p.height, class: 'rd-blank' }));
  if (rd.blobs.get(p.number)) rdPlaceImage(s, p, rd.blobs.get(p.number));
  else if (!rd.blobs.has(p.number)) rdLoadImage(d, p);
  const words = p.words || [];
  const wg = svg('g', { class: 'rd-words' });
  words.forEach((w, i) => {
    if (!w.bbox || w.bbox.length !== 4) return;
    const r = svg('rect', { x: w.bbox[0], y: w.bbox[1], width: w.bbox[2], height: w.bbox[3],
                            class: 'rd-word', 'data-i': i, 'data-text': w.text });
    const t = svg('title');
    t.textContent = w.text;
    r.append(t);
    wg.append(r);
  });
  const fg = svg('g', { class: 'rd-fields' });
  for (const f of d.fields || []) {
    if (!f.bbox || f.bbox.length !== 4 || (f.page || 1) !== p.number) continue;
    const r = svg('rect', { x: f.bbox[0], y: f.bbox[1], width: f.bbox[2], height: f.bbox[3],
                            class: 'rd-fieldbox', 'data-field': f.name });
    const t = svg('title');
    t.textContent = f.name;
    r.append(t);
    fg.append(r);
  }
  s.append(fg, wg);
  s.addEventListener('mousedown', (ev) => {
    ev.preventDefault();               /* keep the focus in the field */
    const i = ev.target.dataset && ev.target.dataset.i;
    if (i !== undefined) { rd.drag = { from: Number(i), to: Number(i) }; rdMark(); }
  });
  s.addEventListener('mouseover', (ev) => {
    const i = ev.target.dataset && ev.target.dataset.i;
    if (rd.drag && i !== undefined) { rd.drag.to = Number(i); rdMark(); }
  });
  host.replaceChildren(s);
  $('rd-boxes').dispatchEvent(new Event('change'));
}

/* The whole page, or with "Zoom to text" the words' area and a margin (at least a third of
 * the page's width, in its proportions), so small print stays readable. */
function rdViewBox(p) {
  const ws = (p.words || []).filter((w) => w.bbox && w.bbox.length === 4);
  if (!$('rd-zoom').checked || !ws.length) return `0 0 ${p.width} ${p.height}`;
  const m = Math.round(p.width * 0.03);
  let x0 = Math.max(0, Math.min(...ws.map((w) => w.bbox[0])) - m);
  let y0 = Math.max(0, Math.min(...ws.map((w) => w.bbox[1])) - m);
  let x1 = Math.min(p.width, Math.max(...ws.map((w) => w.bbox[0] + w.bbox[2])) + m);
  let y1 = Math.min(p.height, Math.max(...ws.map((w) => w.bbox[1] + w.bbox[3])) + m);
  if (x1 - x0 < p.width / 3) x1 = Math.min(p.width, x0 + Math.round(p.width / 3));
  const minH = Math.round((x1 - x0) * p.height / p.width / 2);   /* not thinner than half the page's shape */
  if (y1 - y0 < minH) y1 = Math.min(p.height, y0 + minH);
  return `${x0} ${y0} ${x1 - x0} ${y1 - y0}`;
}

/* Highlights the words of the drag. */
function rdMark() {
  const lo = rd.drag ? Math.min(rd.drag.from, rd.drag.to) : -1;
  const hi = rd.drag ? Math.max(rd.drag.from, rd.drag.to) : -2;
  for (const r of $('rd-page').querySelectorAll('.rd-word')) {
    const i = Number(r.dataset.i);
    r.classList.toggle('picked', i >= lo && i <= hi);
  }
}

/* The drag ends: its words go into the focused field, with their page and box. */
function rdDrop() {
  if (!rd.drag) return;
  const p = rd.doc.pages[rd.page];
  const lo = Math.min(rd.drag.from, rd.drag.to), hi = Math.max(rd.drag.from, rd.drag.to);
  rd.drag = null;
  rdMark();
  const input = rd.focus || $('rd-form').querySelector('input.fv');
  if (!input) return;
  const ws = p.words.slice(lo, hi + 1).filter((w) => w.bbox && w.bbox.length === 4);
  if (!ws.length) return;
  const x0 = Math.min(...ws.map((w) => w.bbox[0])), y0 = Math.min(...ws.map((w) => w.bbox[1]));
  const x1 = Math.max(...ws.map((w) => w.bbox[0] + w.bbox[2]));
  const y1 = Math.max(...ws.map((w) => w.bbox[1] + w.bbox[3]));
  input.value = ws.map((w) => w.text).join(' ');
  input.dataset.page = String(p.number);
  input.dataset.bbox = JSON.stringify([x0, y0, x1 - x0, y1 - y0]);
  input.focus();
}

function fieldRow(name, f) {
  const input = el('input', { type: 'text', class: 'fv', id: 'rd-f-' + name, name,
                              value: f ? fieldText(f) : '', spellcheck: 'false', autocomplete: 'off' });
  if (f && f.bbox && f.bbox.length === 4) {
    input.dataset.page = String(f.page || 1);
    input.dataset.bbox = JSON.stringify(f.bbox);
  }
  input.addEventListener('focus', () => { rd.focus = input; });
  input.addEventListener('input', () => { if (!input.value) { delete input.dataset.bbox; delete input.dataset.page; } });
  return el('tr', { 'data-field': name, class: f && f.needs_review ? 'warn' : null },
    el('th', { scope: 'row' }, el('label', { for: 'rd-f-' + name }, name)),
    el('td', {}, input),
    el('td', { class: 'conf' }, f && typeof f.confidence === 'number' ? fmtPct(f.confidence) : '–'),
    el('td', { class: 'source' }, f ? f.source || '–' : 'new'));
}

function rdRenderForm() {
  const fields = rd.doc.fields || [];
  const names = new Set(fields.map((f) => f.name));
  const rows = fields.map((f) => fieldRow(f.name, f));
  for (const n of rd.custom) if (!names.has(n)) rows.push(fieldRow(n, null));
  $('rd-rows').replaceChildren(...rows);
}

function rdAddField(ev) {
  ev.preventDefault();
  const name = $('rd-new').value.trim();
  if (!FIELD_NAME_RE.test(name)) {
    $('rd-status').textContent = 'A field name is a lower-case identifier: a-z, digits, _ (e.g. po_number).';
    return;
  }
  rd.custom.add(name);
  $('rd-new').value = '';
  if (!$('rd-f-' + name)) $('rd-rows').append(fieldRow(name, null));
  $('rd-f-' + name).focus();
}

async function rdConfirm(ev) {
  if (ev) ev.preventDefault();
  if (!rd.doc || rd.busy) return;
  const fields = {};
  for (const input of $('rd-rows').querySelectorAll('input.fv')) {
    const v = input.value.trim();
    if (!v) continue;
    fields[input.name] = input.dataset.bbox
      ? { value: v, page: Number(input.dataset.page) || 1, bbox: JSON.parse(input.dataset.bbox) }
      : v;
  }
  if (!Object.keys(fields).length) { $('rd-status').textContent = 'Fill at least one field first.'; return; }
  rd.busy = true;
  const id = rd.doc.id;
  try {
    await apiJson(`/v1/documents/${encodeURIComponent(id)}/fields`, {
      method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ fields }) });
  } catch (e) {
    $('rd-status').textContent = 'Not confirmed: ' + e.toString();
    rd.busy = false;
    return;
  }
  const done = $('rd-done');
  done.textContent = String(Number(done.textContent || 0) + 1);
  done.dataset.last = id;
  const at = rd.queue.findIndex((d) => d.id === id);
  rd.queue = rd.queue.filter((d) => d.id !== id);
  rdRenderQueue();
  rd.busy = false;
  if (rd.queue.length) {
    await rdOpen(rd.queue[Math.min(Math.max(at, 0), rd.queue.length - 1)].id);
    $('rd-status').textContent = `Confirmed ${id}.`;
  } else {
    rd.doc = null;
    await rdLoadQueue();   /* says "Nothing to review." when nothing is left */
  }
}

/* ---- training ---- */

async function rdExtractor() {
  const x = await apiJson('/v1/extractor');
  for (const n of Object.keys(x.labelled || {})) if (FIELD_NAME_RE.test(n)) rd.custom.add(n);
  return x;
}

function rdShowExtractor(x) {
  $('rd-train-status').textContent = `Extractor: ${x.status}` + (x.version ? `, version ${x.version}` : '') +
    (x.error ? ` — ${x.error}` : '');
  $('rd-train-status').dataset.status = x.status;
  $('rd-acc').closest('table').hidden = !(x.fields || []).length;
  $('rd-acc').replaceChildren(...(x.fields || []).map((f) => el('tr', { 'data-field': f.name },
    el('th', { scope: 'row' }, f.name), el('td', {}, String(f.examples ?? '–')),
    el('td', { class: 'acc' }, fmtPct(f.cv_accuracy)), el('td', {}, fmtPct(f.rules_accuracy)))));
}

async function rdTrain() {
  const btn = $('rd-train');
  btn.disabled = true;
  try {
    await apiJson('/v1/extractor/train', { method: 'POST' });
    const t0 = Date.now();
    let x;
    do {
      await new Promise((r) => setTimeout(r, TRAIN_POLL_MS));
      x = await rdExtractor();
      rdShowExtractor(x);
    } while (x.status === 'training' && Date.now() - t0 < TRAIN_CAP_MS);
  } catch (e) {
    $('rd-train-status').textContent = 'Training refused: ' + e.toString();
    $('rd-train-status').dataset.status = 'error';
  } finally {
    btn.disabled = false;
  }
}

/* Called by app.js when a key is in use. */
async function reviewStart() {
  try { rdShowExtractor(await rdExtractor()); } catch (e) { /* shown when training */ }
  rdLoadQueue();
}

document.addEventListener('DOMContentLoaded', () => {
  $('rd-form').addEventListener('submit', rdConfirm);
  $('rd-add').addEventListener('submit', rdAddField);
  $('rd-refresh').addEventListener('click', rdLoadQueue);
  $('rd-train').addEventListener('click', rdTrain);
  document.addEventListener('mouseup', rdDrop);
  $('rd-zoom').addEventListener('change', () => { if (rd.doc) rdRenderPage(); });
  $('rd-boxes').addEventListener('change', () => {
    $('rd-page').classList.toggle('no-boxes', !$('rd-boxes').checked);
  });
  $('review').addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) rdConfirm(ev);
  });
});
