// What every browser test file shares: one headless Chromium (a persistent
// context with downloads, every request outside 127.0.0.1 recorded and
// refused, dialogs and page errors collected), the page served from
// web/dist, and the steps a user takes (load the inputs, announce, enter the
// seed, draw, compute a deadline). A test file calls `useBrowser()` inside
// its describe(), then `openPage(server.origin + '/index.html')`.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium as playwright } from 'playwright-core';
import { artifacts, chromium, dist } from './paths.mjs';
import { serve } from './serve.mjs';

export const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A temporary folder for this test file's files, removed by close(). */
export const work = mkdtempSync(join(tmpdir(), 'shuangsui-e2e-'));
mkdirSync(artifacts, { recursive: true });

// ---------------------------------------------------------------- browser

export let context;
export let server;
export const outside = []; // requests that left 127.0.0.1
export const dialogs = [];

function local(url, origin) {
  return url.startsWith(origin + '/') || /^(blob|data|file|about|chrome-error):/.test(url);
}

export async function openPage(url) {
  const page = await context.newPage();
  await page.addInitScript(() => {
    // Each test's page starts without the work an earlier test left in
    // this profile's storage (the page keeps its work in localStorage);
    // a reload of the same tab keeps it (sessionStorage remembers).
    try {
      if (!sessionStorage.getItem('__fresh')) {
        localStorage.clear();
        sessionStorage.setItem('__fresh', '1');
      }
    } catch { /* an opaque origin has no storage */ }
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss();
  });
  page.on('pageerror', (e) => dialogs.push('pageerror: ' + e.message));
  await page.goto(url);
  await page.waitForFunction(() => window.shuangsuiPage && document.querySelector('[name=rule] option'));
  return page;
}

export async function downloadText(page, selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const path = join(work, `${Date.now()}-${dl.suggestedFilename()}`);
  await dl.saveAs(path);
  return { name: dl.suggestedFilename(), bytes: readFileSync(path) };
}

// Sets the page's seed-form editor to `forms` (SeedForm objects, as in an
// announcement's seed_sources) and the publication date.
export async function fillForms(page, forms, published) {
  const boxes = page.locator('#forms .form-src');
  while (await boxes.count() < forms.length) await page.click('#add-form');
  while (await boxes.count() > forms.length) await boxes.last().locator('.remove-form').click();
  for (const [i, f] of forms.entries()) {
    const box = boxes.nth(i);
    await box.locator('[name=kind]').selectOption(f.kind);
    if (f.kind === 'lottery') {
      const presets = await box.locator('[name=game] option').evaluateAll((os) => os.map((o) => o.value));
      if (presets.includes(f.game)) await box.locator('[name=game]').selectOption(f.game);
      else {
        await box.locator('[name=game]').selectOption('*custom');
        await box.locator('[name=custom_game]').fill(f.game);
        const rows = box.locator('.group-row');
        while (await rows.count() < f.groups.length) await box.locator('.custom-game > button').click();
        for (const [j, g] of f.groups.entries()) {
          for (const k of ['count', 'min', 'max']) await rows.nth(j).locator(`[name=${k}]`).fill(String(g[k]));
          await rows.nth(j).locator('[name=ordered]').setChecked(g.ordered);
          await rows.nth(j).locator('[name=distinct]').setChecked(g.distinct);
        }
      }
      await box.locator('[name=issue]').fill(f.issue);
      await box.locator('[name=ldate]').fill(f.date);
    } else if (f.kind === 'beacon') {
      await box.locator('[name=beacon]').fill(f.beacon);
      await box.locator('[name=round]').fill(String(f.round));
      await box.locator('[name=bdate]').fill(f.date);
      await box.locator('[name=bytes]').fill(String(f.bytes));
    } else {
      await box.locator('[name=event]').fill(f.event);
      await box.locator('[name=place]').fill(f.place);
      await box.locator('[name=tdate]').fill(f.date);
    }
  }
  await page.fill('[data-testid=ann-published]', published);
}

// Types seed lines (as `shuangsui draw --seed` takes them) into the
// announcement's seed boxes: a lottery's numbers one box each.
export async function fillSeedBoxes(page, lines) {
  const sources = page.locator('#seed-boxes .seed-src');
  assert.equal(await sources.count(), lines.length, 'one seed entry per announced source');
  for (const [i, line] of lines.entries()) {
    const src = sources.nth(i);
    if (await src.getAttribute('data-kind') === 'lottery') {
      const nums = line.split(/[^0-9]+/).filter(Boolean);
      const balls = src.locator('input.ball');
      assert.equal(await balls.count(), nums.length, `source ${i + 1}: ${nums.length} numbers, boxes differ`);
      for (const [k, n] of nums.entries()) await balls.nth(k).fill(n);
    } else {
      await src.locator('input').fill(line);
    }
  }
}

// Loads the directories and the task; announces (from the page's seed-form
// editor, compared with the CLI's announcement) or loads the announcement
// file; enters the seed: in the announcement's seed boxes, or, without an
// announcement, as kind:value lines with the confirmation ticked.
export async function loadDrawInputs(page, inputs, { announce = false, confirm = true } = {}) {
  await page.setInputFiles('[data-testid=entities-file]', join(inputs.dir, 'entities.csv'));
  await page.waitForSelector('.drop[data-slot=entities].ok');
  await page.setInputFiles('[data-testid=inspectors-file]', join(inputs.dir, 'inspectors.csv'));
  await page.waitForSelector('.drop[data-slot=inspectors].ok');
  await page.check('input[name=taskmode][value=file]');
  await page.setInputFiles('[data-testid=task-file]', join(inputs.dir, 'task.toml'));
  await page.waitForSelector('#task-status .ok');
  if (inputs.announcement && announce) {
    const expected = readFileSync(inputs.announcement);
    const a = JSON.parse(expected.toString('utf8'));
    await fillForms(page, a.seed_sources, a.published);
    await page.click('#make-ann');
    await page.waitForSelector('[data-testid=ann-ok], #ann-status .error');
    assert.equal(await page.locator('#ann-status .error').count(), 0, await page.textContent('#ann-status'));
    const made = await downloadText(page, '#dl-ann');
    assert.ok(made.bytes.equals(expected), 'announcement.json differs from the command line\'s');
    const html = inputs.announcement.replace(/\.json$/, '.html');
    if (existsSync(html)) {
      const page2 = await downloadText(page, '#dl-ann-html');
      assert.equal(page2.name, 'announcement.html');
      assert.ok(page2.bytes.equals(readFileSync(html)), 'announcement.html differs from the command line\'s');
    }
  } else if (inputs.announcement) {
    await page.setInputFiles('[data-testid=announcement-file]', inputs.announcement);
    await page.waitForSelector('[data-testid=ann-ok]');
  }
  if (inputs.announcement) {
    await fillSeedBoxes(page, inputs.seed.split('\n'));
  } else {
    await page.fill('[data-testid=seed]', inputs.seed);
    if (confirm) await page.check('[data-testid=unannounced-ok]');
  }
}

export async function draw(page) {
  await page.click('#run-draw');
  await page.waitForSelector('[data-testid=draw-done], #draw-status .error');
  const err = await page.$('#draw-status .error');
  assert.equal(err && await err.textContent(), null);
}

export async function computeDeadline(page) {
  await page.click('#tab-deadline');
  await page.fill('[data-testid=due-start]', '2026-09-28');
  await page.selectOption('[data-testid=due-rule]', 'penalty-publicity');
  await page.click('#run-due');
  await page.waitForSelector('[data-testid=due-date]');
  return page.textContent('[data-testid=due-date]');
}

export async function launch() {
  server = await serve(dist);
  context = await playwright.launchPersistentContext(mkdtempSync(join(work, 'profile-')), {
    executablePath: chromium,
    headless: true,
    args: FLAGS,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
  });
  context.on('request', (r) => {
    if (!local(r.url(), server.origin)) outside.push(r.url());
  });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (local(url, server.origin)) return route.continue();
    outside.push(url);
    return route.abort();
  });
}

export async function close() {
  await context?.close();
  await server?.close();
  rmSync(work, { recursive: true, force: true });
}

/** Launches the browser before the describe()'s tests and closes it after. */
export function useBrowser() {
  before(launch);
  after(close);
}
