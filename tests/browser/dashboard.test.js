// dashboard.test.js -- drives the dashboard in Debian's Chromium (playwright-core, headless) the
// way a person would: wrong key, right key, stats, upload, wait for done, open the document,
// fields and text, original file and hOCR through blob: URLs, status filter, load more.
// Run by tests/check_e2e_dashboard.c:
//   node dashboard.test.js --base http://127.0.0.1:PORT --key dpk_... --file invoice.png
//        --out DIR [--docs N]
// --docs: how many documents the tenant has before the upload (for "load more").
// Exit code 0 = every check passed, 1 = a check failed (the reason on stderr), and a screenshot
// of the page in DIR either way. Every wait is bounded; the whole run is capped at RUN_CAP_MS.
'use strict';
const path = require('path');
const fs = require('fs');
const { chromium } = require('playwright-core');

const RUN_CAP_MS = 150000;     // the whole script
const STEP_MS = 15000;         // one ordinary wait (page load, a click's effect)
const PROCESS_MS = 90000;      // upload -> done (OCR on a shared 2-core machine)

function args() {
  const a = { docs: 0 };
  const v = process.argv.slice(2);
  for (let i = 0; i + 1 < v.length; i += 2) a[v[i].replace(/^--/, '')] = v[i + 1];
  for (const k of ['base', 'key', 'file', 'out'])
    if (!a[k]) { console.error(`usage: missing --${k}`); process.exit(2); }
  a.docs = Number(a.docs) || 0;
  return a;
}

function check(cond, what) {
  if (!cond) throw new Error('check failed: ' + what);
  console.log('ok - ' + what);
}

async function main() {
  const a = args();
  const cap = setTimeout(() => { console.error(`run over ${RUN_CAP_MS} ms`); process.exit(1); }, RUN_CAP_MS);
  const profile = fs.mkdtempSync(path.join(a.out, 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    timeout: STEP_MS * 2,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push('page error: ' + e.message));
  // Console errors fail the run, except the 401 the wrong-key step provokes on purpose.
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 401/.test(m.text())) pageErrors.push('console: ' + m.text());
  });
  let failed = null;
  try {
    await run(page, a, pageErrors);
  } catch (e) {
    failed = e;
  }
  try {
    await page.screenshot({ path: path.join(a.out, 'dashboard.png'), fullPage: true, timeout: STEP_MS });
    console.log('screenshot: ' + path.join(a.out, 'dashboard.png'));
  } catch (e) {
    console.error('screenshot failed: ' + e.message);
  }
  await context.close().catch(() => {});
  clearTimeout(cap);
  if (failed) {
    console.error(failed.stack || String(failed));
    process.exit(1);
  }
}

async function run(page, a, pageErrors) {
  const limit = a.docs > 0 ? a.docs : 2;  // small pages, so the uploaded set spans two of them
  await page.goto(`${a.base}/?limit=${limit}`, { waitUntil: 'load' });
  check(await page.title() === 'docproc dashboard', 'the dashboard loads through nginx');

  // A wrong key: a clear message from the API's JSON error, and nothing else shown.
  await page.getByLabel('API key').fill('dpk_wrong_key');
  await page.getByRole('button', { name: 'Use key' }).click();
  const msg = page.locator('#message');
  await msg.filter({ hasText: 'refused' }).waitFor();
  const text = await msg.textContent();
  check(/unauthorized/.test(text) && /401/.test(text), `a wrong key is explained: "${text}"`);
  check(await page.locator('#app').isHidden(), 'nothing is shown without a valid key');

  // The real key (typed, then submitted with Enter: the keyboard path).
  await page.getByLabel('API key').fill(a.key);
  await page.getByLabel('API key').press('Enter');
  await page.locator('#app').waitFor({ state: 'visible' });
  check(await page.evaluate(() => sessionStorage.getItem('docproc.key')) === a.key,
        'the key is kept in sessionStorage');
  await page.locator('[data-stat="workers"]').filter({ hasText: /^\d+$/ }).waitFor();
  const workers = Number(await page.locator('[data-stat="workers"]').textContent());
  check(workers >= 1, `stats show ${workers} active worker(s)`);
  const totals = await page.locator('[data-stat="totals"]').textContent();
  check(/^\d+ \/ \d+ \/ \d+$/.test(totals), `stats show totals "${totals}"`);

  // The list: the documents uploaded before, one page of `limit`, then "load more".
  if (a.docs > 1) {
    await page.locator('#doc-rows tr').nth(limit - 1).waitFor();
    const before = await page.locator('#doc-rows tr').count();
    check(before === limit, `the first page lists ${before} of ${a.docs} documents`);
  }

  // Upload through the form.
  const name = path.basename(a.file);
  await page.getByLabel(/^Document \(PNG/).setInputFiles(a.file);
  await page.getByRole('button', { name: 'Upload' }).click();
  await page.locator('#upload-result').filter({ hasText: 'Accepted' }).waitFor();
  const row = page.locator('#doc-rows tr', { has: page.getByRole('button', { name: new RegExp(name) }) });
  await row.waitFor();
  const id = await row.getAttribute('data-id');
  check(/^doc_/.test(id), `the upload is listed at once as ${id}`);
  await page.locator(`#doc-rows tr[data-id="${id}"][data-status="done"]`).waitFor({ timeout: PROCESS_MS });
  check(true, 'the list shows it done without a reload');

  // Open it: status, class, fields, text.
  await page.locator(`#doc-rows tr[data-id="${id}"] button.link`).click();
  const view = page.locator('#doc-view');
  await view.locator('.badge-done').waitFor();
  const inv = view.locator('tr[data-field="invoice_number"] .value');
  await inv.waitFor();
  check((await inv.textContent()) === 'INV-7731', 'the invoice_number field is shown');
  const total = await view.locator('tr[data-field="total"] .value').textContent();
  check(total === '1190.00 EUR', `the total is shown typed: "${total}"`);
  check(/valid/.test(await view.locator('tr[data-field="iban"]').textContent()), 'the IBAN shows its check');
  const sums = view.locator('li[data-check="subtotal_tax_total"]');
  await sums.waitFor();
  check(/✓/.test(await sums.textContent()) && /1190\.00/.test(await sums.textContent()),
    'the arithmetic checks are shown');
  check(/✓/.test(await view.locator('li[data-check="iban_mod97"]').textContent()), 'the IBAN check is listed');
  check((await view.locator('h3:text-is("Line items")').count()) === 1, 'the line items section is shown');
  check((await view.locator('tr[data-field="total"] td').last().textContent()) === 'rules',
    'a field says where it came from');
  const pageText = await view.locator('pre.text').first().textContent();
  check(pageText.includes('ACME Supplies') && pageText.includes('INV-7731'), 'the page text is shown');
  const klass = await view.locator('dt:text-is("Class") + dd').textContent();
  check(/\(\d+ % confident/.test(klass), `the class is shown with its confidence: "${klass}"`);
  check(/s|min/.test(await view.locator('dt:text-is("Processing took") + dd').textContent()), 'timings are shown');

  // The original and the hOCR come through fetch + blob: URLs.
  await view.getByRole('button', { name: 'Show original file' }).click();
  const img = view.locator('img.preview');
  await img.waitFor();
  check(/^blob:/.test(await img.getAttribute('src')), 'the original is shown from a blob: URL');
  await page.waitForFunction(() => { const i = document.querySelector('img.preview'); return i && i.naturalWidth > 0; },
                             null, { timeout: STEP_MS });
  check(await img.evaluate((i) => i.naturalWidth) === 2550, 'the original image decodes (2550 px wide)');
  await view.getByRole('button', { name: 'Show hOCR' }).click();
  await view.locator('iframe.hocr').waitFor();
  const frame = page.frameLocator('iframe.hocr');
  await frame.locator('.ocrx_word').first().waitFor();
  check(true, 'the hOCR is shown in a sandboxed frame');

  // Stats count what was done.
  await page.locator('[data-stat="done_1m"]').filter({ hasText: /^[1-9]\d*$/ }).waitFor();
  check(true, 'stats count the document in the last minute');

  // Filter and paging.
  await page.getByLabel('Status').selectOption('failed');
  await page.locator('#docs-empty').waitFor();
  check(await page.locator('#doc-rows tr').count() === 0, 'the failed filter lists nothing');
  await page.getByLabel('Status').selectOption('done');
  await page.locator(`#doc-rows tr[data-id="${id}"]`).waitFor();
  if (a.docs > 1) {
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.locator('#doc-rows tr').nth(limit).waitFor();
    const n = await page.locator('#doc-rows tr').count();
    check(n > limit, `load more appends the next page (${n} rows)`);
  }
  await page.getByLabel('Status').selectOption('');
  await page.locator(`#doc-rows tr[data-id="${id}"]`).waitFor();
  await page.locator(`#doc-rows tr[data-id="${id}"] button.link`).click();
  await view.locator('tr[data-field="invoice_number"]').waitFor();
  await view.getByRole('button', { name: 'Show original file' }).click();
  await view.locator('img.preview').waitFor();   // for the screenshot
  check(await page.locator('#message').isHidden(), 'the wrong-key message is gone once a key works');

  check(pageErrors.length === 0, 'no script errors: ' + (pageErrors.join('; ') || 'none'));
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
