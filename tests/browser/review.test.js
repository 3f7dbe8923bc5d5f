// review.test.js -- drives the dashboard's batch upload and review desk in Debian's Chromium
// (playwright-core, headless) the way a reviewer would: drop invoices as one batch and follow
// it until completed, then on the desk add the custom field po_number, fill it by dragging over
// words, by clicking a word box and by typing, confirm each with the keyboard (Enter /
// Ctrl+Enter), press Train and wait for the model, upload a new invoice and see its po_number
// filled by the model; then drop a two-page PDF (a batch of one) and page through it: each page
// shows its image (GET .../pages/{n}.jpg) with ink under its word boxes. Run by
// tests/check_e2e_reviewdesk.c:
//   node review.test.js --base URL --key dpk_... --files a.png,b.png,... --pos PO-1,PO-2,...
//        --fresh new.png --fresh-po PO-9 --pdf two-pages.pdf --out DIR
// Screenshots (review-batch.png, review-desk.png, review-model.png, review-pdf.png) go to DIR.
// Exit code 0 = every check passed, 1 = a check failed (the reason on stderr).
'use strict';
const path = require('path');
const fs = require('fs');
const { chromium } = require('playwright-core');

const RUN_CAP_MS = 300000;     // the whole script
const STEP_MS = 15000;         // one ordinary wait
const BATCH_MS = 180000;       // the dropped batch -> completed (OCR on a shared 2-core machine)
const TRAIN_MS = 60000;
const PROCESS_MS = 90000;      // one upload -> done

function args() {
  const a = {};
  const v = process.argv.slice(2);
  for (let i = 0; i + 1 < v.length; i += 2) a[v[i].replace(/^--/, '')] = v[i + 1];
  for (const k of ['base', 'key', 'files', 'pos', 'fresh', 'fresh-po', 'pdf', 'out'])
    if (!a[k]) { console.error(`usage: missing --${k}`); process.exit(2); }
  a.files = a.files.split(',');
  a.pos = a.pos.split(',');
  if (a.files.length !== a.pos.length || a.files.length < 3) { console.error('usage: --files/--pos'); process.exit(2); }
  return a;
}

function check(cond, what) {
  if (!cond) throw new Error('check failed: ' + what);
  console.log('ok - ' + what);
}

async function shot(page, a, name) {
  const p = path.join(a.out, name);
  await page.screenshot({ path: p, fullPage: true, timeout: STEP_MS });
  console.log('screenshot: ' + p);
}

// What the desk shows under the (first) word box whose text starts with `text`: the page image's natural size, the page's
// size in result pixels, and the share of dark pixels under the box scaled to the image and
// under a box of the same size in the right margin (white on these pages).
async function inkUnder(page, text) {
  return page.evaluate(async (want) => {
    const s = document.querySelector('#rd-page svg');
    const im = s.querySelector('image');
    const blank = s.querySelector('.rd-blank');
    const pw = Number(blank.getAttribute('width')), ph = Number(blank.getAttribute('height'));
    const img = new Image();
    img.src = im.getAttribute('href');
    await img.decode();
    const nw = img.naturalWidth, nh = img.naturalHeight;
    const c = document.createElement('canvas');
    c.width = nw;
    c.height = nh;
    const g = c.getContext('2d', { willReadFrequently: true });
    g.drawImage(img, 0, 0);
    const r = [...s.querySelectorAll('.rd-word')].find((e) => e.dataset.text.startsWith(want));
    const [x, y, w, h] = ['x', 'y', 'width', 'height'].map((k) => Number(r.getAttribute(k)));
    const sx = nw / pw, sy = nh / ph;
    const bx = Math.floor(x * sx), by = Math.floor(y * sy);
    const bw = Math.max(1, Math.round(w * sx)), bh = Math.max(1, Math.round(h * sy));
    const dark = (X, Y) => {
      const d = g.getImageData(X, Y, bw, bh).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] < 128) n++;
      return n / (bw * bh);
    };
    return { nw, nh, pw, ph, stretched: Number(im.getAttribute('width')) === pw &&
               Number(im.getAttribute('height')) === ph,
             inside: bx >= 0 && by >= 0 && bx + bw <= nw && by + bh <= nh,
             ink: dark(bx, by), margin: dark(nw - bw - 4, by) };
  }, text);
}

function checkInk(u, text) {
  check(Math.max(u.nw, u.nh) <= 1600 && Math.abs(u.nw / u.nh - u.pw / u.ph) < 0.01 * u.pw / u.ph,
        `the page image (${u.nw}x${u.nh}) has the page's shape (${u.pw}x${u.ph}), at most 1600 px`);
  check(u.stretched && u.inside, `the box of "${text}" lies inside the image`);
  check(u.ink > 0.05 && u.margin < 0.01,
        `ink under the box of "${text}" (${u.ink.toFixed(3)}), none in the margin (${u.margin.toFixed(3)})`);
}

async function apiGet(a, p) {
  const r = await fetch(a.base + p, { headers: { Authorization: 'Bearer ' + a.key } });
  check(r.ok, `GET ${p} answers ${r.status}`);
  return r.json();
}

async function main() {
  const a = args();
  const cap = setTimeout(() => { console.error(`run over ${RUN_CAP_MS} ms`); process.exit(1); }, RUN_CAP_MS);
  const profile = fs.mkdtempSync(path.join(fs.realpathSync(require('os').tmpdir()), 'docproc-review-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    timeout: STEP_MS * 2,
    viewport: { width: 1400, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push('page error: ' + e.message));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push('console: ' + m.text()); });
  let failed = null;
  try {
    await run(page, a, pageErrors);
  } catch (e) {
    failed = e;
    await shot(page, a, 'review-failed.png').catch(() => {});
  }
  await context.close().catch(() => {});
  fs.rmSync(profile, { recursive: true, force: true });
  clearTimeout(cap);
  if (failed) {
    console.error(failed.stack || String(failed));
    process.exit(1);
  }
}

/* Drops files on the zone the way a desktop drag does: a DataTransfer holding File objects. */
async function dropFiles(page, selector, files) {
  const data = files.map((f) => ({ name: path.basename(f), b64: fs.readFileSync(f).toString('base64'),
                                   type: f.endsWith('.pdf') ? 'application/pdf' : 'image/png' }));
  const dt = await page.evaluateHandle((list) => {
    const t = new DataTransfer();
    for (const f of list) {
      const bin = atob(f.b64), bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      t.items.add(new File([bytes], f.name, { type: f.type }));
    }
    return t;
  }, data);
  await page.dispatchEvent(selector, 'dragenter', { dataTransfer: dt });
  await page.dispatchEvent(selector, 'drop', { dataTransfer: dt });
}

async function center(loc) {
  const b = await loc.boundingBox();
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

async function run(page, a, pageErrors) {
  await page.goto(a.base + '/', { waitUntil: 'load' });
  await page.getByLabel('API key').fill(a.key);
  await page.getByLabel('API key').press('Enter');
  await page.locator('#app').waitFor({ state: 'visible' });
  await page.locator('#rd-count').filter({ hasText: 'Nothing to review' }).or(
    page.locator('#rd-status').filter({ hasText: 'Nothing to review' })).first().waitFor();
  check(true, 'the review desk loads an empty queue');

  // ---- batch upload by drag and drop ----
  const n = a.files.length;
  await dropFiles(page, '#dropzone', a.files);
  await page.locator('#batch-files li[data-state="accepted"]').nth(n - 1).waitFor({ timeout: PROCESS_MS });
  const bars = await page.locator('#batch-files li progress').evaluateAll(
    (ps) => ps.map((p) => [p.value, p.max]));
  check(bars.length === n && bars.every(([v, m]) => m > 1 && v === m),
        `a progress bar per file, each full: ${JSON.stringify(bars)}`);
  const poById = new Map();
  for (const li of await page.locator('#batch-files li').all()) {
    const name = await li.getAttribute('data-name');
    const k = a.files.findIndex((f) => path.basename(f) === name);
    poById.set(await li.getAttribute('data-id'), a.pos[k]);
  }
  check(poById.size === n && [...poById.keys()].every((id) => /^doc_/.test(id)), `${n} documents accepted`);
  const status = page.locator('#batch-status');
  await status.and(page.locator('[data-batch]')).waitFor();
  const batchId = await status.getAttribute('data-batch');
  check(/^bat/.test(batchId), `the batch ${batchId} was created`);
  await page.locator('#batch-status[data-status="completed"]').waitFor({ timeout: BATCH_MS });
  const st = await status.textContent();
  check(st.includes(`${n} of ${n} ended (${n} done`), `the batch is shown completed: "${st}"`);
  check(await page.locator('#batch-bar').evaluate((b) => b.value === b.max), 'the batch bar is full');
  const b = await apiGet(a, '/v1/batches/' + batchId);
  check(b.status === 'completed' && b.total === n && b.counts.done === n, 'the API agrees');
  await shot(page, a, 'review-batch.png');

  // ---- the review desk ----
  const desk = page.locator('#rd-desk');
  await desk.waitFor({ state: 'visible' });
  await page.locator('#rd-queue li').nth(n - 1).waitFor();
  check(await page.locator('#rd-queue li').count() === n, `the queue lists the ${n} documents`);
  await page.locator('#rd-page svg .rd-word').first().waitFor();
  await page.locator('#rd-page svg image[data-page="1"]').waitFor();
  check(await page.locator('#rd-page svg image').count() === 1, 'the page image is drawn under the boxes');
  checkInk(await inkUnder(page, 'PO-'), 'PO-…');
  await page.getByLabel('Custom field').fill('po_number');
  await page.getByLabel('Custom field').press('Enter');
  const po = page.locator('#rd-f-po_number');
  await po.waitFor();
  check(await po.evaluate((e) => e === document.activeElement), 'the new field has the focus');

  const reviewed = [];
  for (let i = 0; i < n; i++) {
    const id = await desk.getAttribute('data-id');
    const want = poById.get(id);
    check(want && !reviewed.includes(id), `the desk shows ${id} (${want})`);
    await page.locator('#rd-page svg .rd-word').first().waitFor();
    await po.click();
    const word = page.locator('#rd-page .rd-word[data-text^="PO-"]');
    check(await word.count() === 1, 'one word box reads PO-…');
    if (i === 0) {          // drag from "ref" over the number: both words
      const from = await center(page.locator('#rd-page .rd-word[data-text="ref"]'));
      const to = await center(word);
      await page.mouse.move(from.x, from.y);
      await page.mouse.down();
      await page.mouse.move(to.x, to.y, { steps: 6 });
      check(await page.locator('#rd-page .rd-word.picked').count() === 2, 'dragging marks two words');
      await page.mouse.up();
      check(await po.inputValue() === 'ref ' + want, `a drag fills "${await po.inputValue()}"`);
      await shot(page, a, 'review-desk.png');
    }
    if (i === 1) {          // type it
      await po.fill('');
      await page.keyboard.type(want);
      check(await po.inputValue() === want, 'typing fills the field');
    } else {
      await word.click();
      check(await po.inputValue() === want, `clicking the word box fills "${want}"`);
    }
    check(await po.evaluate((e) => e === document.activeElement), 'the field keeps the focus');
    await page.keyboard.press(i % 2 ? 'Control+Enter' : 'Enter');
    await page.locator('#rd-done').filter({ hasText: new RegExp(`^${i + 1}$`) }).waitFor();
    reviewed.push(id);
    if (i < n - 1) await page.locator(`#rd-desk:not([data-id="${id}"])`).waitFor();
  }
  check(true, `${n} documents confirmed from the keyboard`);
  await page.locator('#rd-status').filter({ hasText: 'Nothing to review' }).waitFor();
  for (const id of reviewed) {
    const d = await apiGet(a, '/v1/documents/' + id);
    const f = (d.fields || []).find((x) => x.name === 'po_number');
    check(f && f.source === 'confirmed' && f.value === poById.get(id), `${id}: po_number confirmed`);
  }

  // ---- train ----
  await page.getByRole('button', { name: 'Train' }).click();
  await page.locator('#rd-train-status[data-status="ready"]').waitFor({ timeout: TRAIN_MS });
  const acc = await page.locator('#rd-acc tr[data-field="po_number"] .acc').textContent();
  check(/^\d+ %$/.test(acc), `the accuracy per field is shown: po_number ${acc}`);

  // ---- a new upload, filled by the model ----
  await page.getByLabel(/^Document \(PNG/).setInputFiles(a.fresh);
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  await page.locator('#upload-result').filter({ hasText: 'Accepted' }).waitFor();
  const fresh = (await page.locator('#upload-result button.link').textContent()).trim();
  check(/^doc_/.test(fresh), `the new invoice is ${fresh}`);
  const t0 = Date.now();
  while (await page.locator(`#rd-queue li[data-id="${fresh}"]`).count() === 0) {
    check(Date.now() - t0 < PROCESS_MS, 'the new invoice reaches the queue');
    await page.waitForTimeout(1000);
    await page.locator('#rd-refresh').click();
  }
  await page.locator(`#rd-queue li[data-id="${fresh}"] button`).click();
  await page.locator(`#rd-desk[data-id="${fresh}"]`).waitFor();
  const row = page.locator('#rd-rows tr[data-field="po_number"]');
  check(await row.locator('.source').textContent() === 'model', 'po_number comes from the model');
  check(await row.locator('input').inputValue() === a['fresh-po'], `the model read ${a['fresh-po']}`);
  check(await page.locator('#rd-page .rd-fieldbox[data-field="po_number"]').count() === 1,
        "the model's box is drawn on the page");
  await shot(page, a, 'review-model.png');
  await page.getByLabel('Show boxes').uncheck();
  check(await page.locator('#rd-page.no-boxes').count() === 1, 'the boxes can be hidden');

  await page.getByLabel('Show boxes').check();

  // ---- a PDF: each page's image under its words' boxes, one page at a time ----
  await dropFiles(page, '#dropzone', [a.pdf]);
  await page.locator(`#batch-status[data-batch]:not([data-batch="${batchId}"])[data-status="completed"]`)
    .waitFor({ timeout: PROCESS_MS });
  const pdfId = await page.locator('#batch-files li').getAttribute('data-id');
  await page.locator(`#rd-queue li[data-id="${pdfId}"] button`).click();
  await page.locator(`#rd-desk[data-id="${pdfId}"]`).waitFor();
  await page.locator('#rd-page .rd-word').first().waitFor();
  await page.locator('#rd-page svg image[data-page="1"]').waitFor();
  check(await page.locator('#rd-page .rd-word[data-text="DN-1001"]').count() === 1, "page 1's words are boxed");
  checkInk(await inkUnder(page, 'DN-1001'), 'DN-1001');
  await page.locator('#rd-pages button').nth(1).click();
  await page.locator('#rd-page .rd-word[data-text="Vogt"]').waitFor();
  await page.locator('#rd-page svg image[data-page="2"]').waitFor();
  check(await page.locator('#rd-page .rd-word[data-text="DN-1001"]').count() === 0, 'page 2 shows its own words');
  checkInk(await inkUnder(page, 'Signature'), 'Signature');
  await page.locator('#rd-f-po_number').click();
  await page.locator('#rd-page .rd-word[data-text="Vogt"]').click();
  check(await page.locator('#rd-f-po_number').inputValue() === 'Vogt', 'a word of page 2 fills the field');
  await shot(page, a, 'review-pdf.png');

  check(pageErrors.length === 0, 'no script errors: ' + (pageErrors.join('; ') || 'none'));
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
