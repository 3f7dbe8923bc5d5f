/* batch.js -- upload several files at once: drop them on the zone (or choose them), each goes
 * up with XMLHttpRequest (a progress bar per file from its upload progress), then the accepted
 * documents become one batch (POST /v1/batches) whose progress is polled (GET /v1/batches/{id})
 * until it is completed. Uses app.js's helpers ($, el, apiJson, fmtBytes, state). */
'use strict';

const BATCH_MAX_FILES = 100;     /* files per drop */
const BATCH_POLL_MS = 1000;
const BATCH_CAP_MS = 30 * 60 * 1000;

/* POST /v1/documents with XHR, for its upload progress; resolves to the document. */
function xhrUpload(file, bar, note) {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open('POST', '/v1/documents');
    x.setRequestHeader('Authorization', 'Bearer ' + state.key);
    x.upload.addEventListener('progress', (ev) => {
      if (ev.lengthComputable) { bar.max = ev.total; bar.value = ev.loaded; }
    });
    x.addEventListener('load', () => {
      let j = null;
      try { j = JSON.parse(x.responseText); } catch (e) { /* not JSON */ }
      if (x.status >= 200 && x.status < 300 && j && j.id) { bar.value = bar.max; resolve(j); return; }
      const msg = j && j.error ? `${j.error.message} (${j.error.code}, HTTP ${x.status})` : `HTTP ${x.status}`;
      reject(new Error(msg));
    });
    x.addEventListener('error', () => reject(new Error('network error')));
    const form = new FormData();
    form.append('file', file, file.name);
    note.textContent = 'uploading…';
    x.send(form);
  });
}

async function batchUpload(files) {
  const list = [...files].slice(0, BATCH_MAX_FILES);
  if (!list.length) return;
  const out = $('batch-files'), status = $('batch-status');
  status.textContent = `Uploading ${list.length} file(s)…`;
  delete status.dataset.batch;
  delete status.dataset.status;
  const rows = list.map((f) => {
    const bar = el('progress', { max: String(f.size || 1), value: '0', 'aria-label': 'Upload of ' + f.name });
    const note = el('span', { class: 'note' }, 'waiting');
    const li = el('li', { 'data-name': f.name }, el('span', { class: 'name' }, `${f.name} (${fmtBytes(f.size)})`), bar, note);
    return { f, bar, note, li };
  });
  out.replaceChildren(...rows.map((r) => r.li));
  const ids = [];
  for (const r of rows) {   /* one at a time: each bar moves in turn */
    try {
      const d = await xhrUpload(r.f, r.bar, r.note);
      ids.push(d.id);
      r.li.dataset.id = d.id;
      r.li.dataset.state = 'accepted';
      r.note.textContent = 'accepted as ' + d.id;
      if (!$('status-filter').value || $('status-filter').value === d.status) putRow(d, 'top');
    } catch (e) {
      r.li.dataset.state = 'refused';
      r.note.textContent = 'refused: ' + e.message;
    }
  }
  if (!ids.length) { status.textContent = 'No file was accepted.'; return; }
  let b;
  try {
    b = await apiJson('/v1/batches', { method: 'POST', headers: { 'Content-Type': 'application/json' },
                                       body: JSON.stringify({ documents: ids }) });
  } catch (e) {
    status.textContent = 'The batch was refused: ' + e.toString();
    return;
  }
  status.dataset.batch = b.id;
  const t0 = Date.now();
  for (;;) {
    showBatch(b);
    if (b.status === 'completed' || Date.now() - t0 > BATCH_CAP_MS) break;
    await new Promise((r) => setTimeout(r, BATCH_POLL_MS));
    try {
      b = await apiJson('/v1/batches/' + encodeURIComponent(b.id));
    } catch (e) {
      status.textContent = `Batch ${b.id}: could not read its progress: ${e.toString()}`;
      return;
    }
  }
  if (typeof rdLoadQueue === 'function') rdLoadQueue();
}

function showBatch(b) {
  const c = b.counts || {}, ended = (c.done || 0) + (c.failed || 0) + (c.deleted || 0);
  const bar = $('batch-bar');
  bar.hidden = false;
  bar.max = b.total || 1;
  bar.value = ended;
  const status = $('batch-status');
  status.dataset.status = b.status;
  status.textContent = `Batch ${b.id}: ${b.status} — ${ended} of ${b.total} ended ` +
    `(${c.done || 0} done, ${c.failed || 0} failed, ${c.processing || 0} processing, ${c.queued || 0} queued)`;
}

document.addEventListener('DOMContentLoaded', () => {
  const zone = $('dropzone');
  for (const t of ['dragenter', 'dragover'])
    zone.addEventListener(t, (ev) => { ev.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (ev) => {
    ev.preventDefault();
    zone.classList.remove('over');
    if (ev.dataTransfer && ev.dataTransfer.files) batchUpload(ev.dataTransfer.files);
  });
  $('batch-input').addEventListener('change', () => {
    batchUpload($('batch-input').files);
    $('batch-input').value = '';
  });
});
