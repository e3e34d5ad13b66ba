// The web page end to end in headless Debian Chromium (playwright-core):
// load the demo directories, draw, and compare the downloaded record with the
// command line's record byte for byte; verify it (✓) and tampered copies
// (✗); the single-entity self-check; a deadline; the ledger check; keyboard
// use, a phone-width layout and the URL hash; hostile text shown as text;
// real-world directories (an xlsx with a title row and two sheets, a GBK
// CSV, an unusual header mapped on the page, each giving the command line's
// digest); a result of several pages, each row reached by keyboard; and no
// request leaving 127.0.0.1. Protocol v2: the seed-form editor and the
// announcement it makes (compared with the CLI's and the golden vectors'),
// the per-number seed boxes, day 2 from the announcement alone, the
// confirmation an unannounced draw needs, and the verify tab's assurance
// with and without the announcement (v1 records labelled v1). Then the same
// draw and deadline from the single-file page opened via file://.
// Screenshots go to tests/artifacts/.
//
// Needs `scripts/build-web` (web/dist) and the CLI binary (SHUANGSUI_CLI).
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { artifacts, cli, dist, repo } from './paths.mjs';
import { demoInputs } from './fixtures.mjs';
import {
  computeDeadline, context, dialogs, downloadText, draw, fillForms, fillSeedBoxes, loadDrawInputs,
  openPage, outside, server, useBrowser, work,
} from './harness.mjs';
import { workbook } from './xlsx.mjs';
import { redigest } from './forge.mjs';

const XSS = '<img src=x onerror=alert(1)>';

// ---------------------------------------------------------------- inputs

// Entities one of which is named like an HTML tag with a script; a task
// that draws every entity, so that the name appears in the results.
function hostileInputs() {
  const v = join(repo, 'seeds', '01-single-stratum');
  const dir = join(work, 'xss');
  mkdirSync(dir, { recursive: true });
  const lines = readFileSync(join(v, 'entities.csv'), 'utf8').split('\n');
  const cells = lines[1].split(',');
  cells[1] = `"${XSS}"`;
  lines[1] = cells.join(',');
  writeFileSync(join(dir, 'entities.csv'), lines.join('\n'));
  writeFileSync(join(dir, 'inspectors.csv'), readFileSync(join(v, 'inspectors.csv')));
  const task = readFileSync(join(v, 'task.toml'), 'utf8');
  writeFileSync(join(dir, 'task.toml'), task.replace(/ratio = "\d+%"/, 'ratio = "100%"'));
  return { dir, seed: readFileSync(join(v, 'seed.txt'), 'utf8').trim() };
}


const demo = demoInputs(join(work, 'demo'));

describe('the web page in headless Chromium', () => {
  useBrowser();
  let record;

  test('draw the demo: the downloaded record is the CLI\'s, byte for byte', async () => {
    const page = await openPage(server.origin + '/index.html');
    await loadDrawInputs(page, demo, { announce: true });
    await draw(page);
    record = await downloadText(page, '#dl-record');
    assert.equal(record.name, 'record.json');
    const expected = readFileSync(join(demo.dir, 'record.json'));
    assert.ok(record.bytes.equals(expected), 'record.json differs from the command line\'s');
    for (const [button, file] of [['#dl-csv', 'result.csv'], ['#dl-xlsx', 'result.xlsx'], ['#dl-notice', 'notice.html']]) {
      if (!existsSync(join(demo.dir, file))) continue;
      const got = await downloadText(page, button);
      assert.ok(got.bytes.equals(readFileSync(join(demo.dir, file))), `${file} differs from the command line's`);
    }
    const task = await downloadText(page, '#dl-task2');
    assert.ok(task.bytes.equals(readFileSync(join(demo.dir, 'task.toml'))));
    await page.screenshot({ path: join(artifacts, 'draw.png'), fullPage: true });
    assert.deepEqual(await page.evaluate(() => window.__csp), []);
    await page.close();
  });

  test('every golden vector of seeds/v2 in Chromium (the page\'s worker), byte for byte; every v1 record verifies', async () => {
    const page = await openPage(server.origin + '/index.html');
    const run = (dir, files) => page.evaluate(async (c) => {
      const { call } = window.shuangsuiPage;
      const bytes = (b) => Uint8Array.from(atob(b), (ch) => ch.charCodeAt(0)).buffer;
      const text = (b) => new TextDecoder().decode(bytes(b));
      const out = {};
      try {
        await call('task', { toml: text(c['task.toml']), name: 'task.toml' });
        for (const [slot, file] of [['entities', 'entities.csv'], ['inspectors', 'inspectors.csv'], ['exclusions', 'exclusions.csv']]) {
          for (const s of [slot, 'v-' + slot]) {
            if (c[file]) await call('load', { slot: s, kind: slot, name: file, bytes: bytes(c[file]) });
            else await call('unload', { slot: s });
          }
        }
        if (c.v1) {
          out.verify = await call('verify', { record: text(c['expected.json']) });
          return out;
        }
        let announcement = null;
        if (c['published.txt']) {
          out.announcement = await call('announce', { forms: null, published: text(c['published.txt']).trim() });
          announcement = c['given-announcement.json'] ? text(c['given-announcement.json']) : out.announcement;
        }
        await call('draw', { seed: text(c['seed.txt']), announcement, unannounced: !announcement });
        out.record = new TextDecoder().decode((await call('record')).record);
        const record = c['given-record.json'] ? text(c['given-record.json']) : out.record;
        out.verify = await call('verify', { record, announcement });
      } catch (e) {
        out.error = e.kind;
        out.message = e.message;
      }
      return out;
    }, files);
    const b64 = (dir, f) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f)).toString('base64') : null);
    const inputs = (dir, v1) => Object.fromEntries(['task.toml', 'entities.csv', 'inspectors.csv', 'exclusions.csv', 'seed.txt',
      'published.txt', 'given-announcement.json', 'given-record.json', 'expected.json'].map((f) => [f, b64(dir, f)]).concat([['v1', v1]]));

    const v2 = join(repo, 'seeds', 'v2');
    const cases = readdirSync(v2).filter((d) => existsSync(join(v2, d, 'expected.json'))).sort();
    assert.ok(cases.length >= 19);
    for (const name of cases) {
      const dir = join(v2, name);
      const got = await run(dir, inputs(dir, false));
      const want = (f) => readFileSync(join(dir, f), 'utf8');
      const expected = JSON.parse(want('expected.json'));
      const why = `${name}: ${got.error || ''} ${got.message || ''}`;
      if (existsSync(join(dir, 'announcement.json'))) assert.equal(got.announcement, want('announcement.json'), why);
      if (expected.error) {
        assert.equal(got.error, expected.error, why);
        continue;
      }
      assert.equal(got.record, want('expected.json'), why);
      if (existsSync(join(dir, 'expected-verify.json'))) {
        const ev = JSON.parse(want('expected-verify.json'));
        const a = got.verify.assurance;
        assert.deepEqual(Object.fromEntries(Object.keys(ev).map((k) => [k, k === 'reproduced' ? got.verify.reproduced : a[k]])), ev, name);
      }
    }
    // Version 1 records keep verifying under version 1's rules.
    const seeds = join(repo, 'seeds');
    const v1 = readdirSync(seeds).filter((d) => existsSync(join(seeds, d, 'expected.json'))).sort();
    assert.ok(v1.length >= 12);
    for (const name of v1) {
      const dir = join(seeds, name);
      if (JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')).error) continue;
      const got = await run(dir, inputs(dir, true));
      assert.equal(got.verify && got.verify.reproduced, true, `seeds/${name}: ${got.error || ''} ${got.message || ''} ${got.verify && got.verify.difference}`);
      assert.equal(got.verify.assurance.protocol, 'shuangsui-draw/1', name);
    }
    await page.close();
  });

  test('the built-in sample data gives the CLI demo\'s record', { skip: !demo.fromCli && 'no CLI demo' }, async () => {
    const page = await openPage(server.origin + '/index.html');
    await page.click('#load-demo');
    await page.waitForSelector('[data-testid=ann-ok]');
    // The demo's seed is in its boxes: 3 0 7 under 福彩3D.
    assert.deepEqual(await page.locator('#seed-boxes input.ball').evaluateAll((xs) => xs.map((x) => x.value)), ['3', '0', '7']);
    await draw(page);
    const got = await downloadText(page, '#dl-record');
    assert.ok(got.bytes.equals(readFileSync(join(demo.dir, 'record.json'))));
    await page.close();
  });

  test('verify: ✓ for the record, ✗ for tampered copies, and the self-check', async () => {
    const page = await openPage(server.origin + '/index.html#tab=verify');
    await page.setInputFiles('[data-testid=verify-entities]', join(demo.dir, 'entities.csv'));
    await page.setInputFiles('[data-testid=verify-inspectors]', join(demo.dir, 'inspectors.csv'));
    await page.waitForSelector('.drop[data-slot=v-entities].ok');
    await page.waitForSelector('.drop[data-slot=v-inspectors].ok');

    const recordPath = join(work, 'record.json');
    writeFileSync(recordPath, record.bytes);
    await page.setInputFiles('[data-testid=verify-record]', recordPath);
    await page.click('#run-verify');
    await page.waitForSelector('#verify-result.good');
    assert.match(await page.textContent('#verify-result'), /✓/);
    // Without the announcement the record names: inputs fixed "not checked".
    await page.waitForSelector('[data-testid=assurance]');
    assert.match(await page.textContent('[data-testid=as-committed]'), /未核对/);
    assert.match(await page.textContent('[data-testid=as-protocol]'), /shuangsui-draw\/2 \(v2\)/);
    await page.screenshot({ path: join(artifacts, 'verify.png'), fullPage: true });

    // With the announcement: inputs fixed before the seed 是, seed form bound 是.
    await page.setInputFiles('[data-testid=verify-announcement]', demo.announcement);
    await page.waitForSelector('.drop[data-slot=v-announcement].ok');
    await page.click('#run-verify');
    await page.waitForFunction(() => /是/.test(document.querySelector('[data-testid=as-committed]')?.textContent || ''));
    assert.match(await page.textContent('[data-testid=as-reproduced]'), /^是/);
    assert.match(await page.textContent('[data-testid=as-committed]'), /^是/);
    assert.match(await page.textContent('[data-testid=as-form-bound]'), /^是/);
    assert.match(await page.textContent('[data-testid=as-entropy]'), /9\.9 比特/);
    assert.ok((await page.locator('[data-testid=as-statement] p').count()) > 0, 'no assurance statement');
    assert.ok((await page.locator('[data-testid=as-check] li').count()) > 0, 'nothing to check by hand');
    await page.screenshot({ path: join(artifacts, 'verify-assurance.png'), fullPage: true });
    await page.locator('[data-testid=assurance]').screenshot({ path: join(artifacts, 'assurance-section.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(artifacts, 'verify-assurance-phone.png'), fullPage: true });
    await page.locator('[data-testid=assurance]').screenshot({ path: join(artifacts, 'assurance-section-phone.png') });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the assurance is ${overflow}px wider than a phone`);
    await page.setViewportSize({ width: 1280, height: 900 });
    // In English, the English lines.
    await page.click('#lang');
    assert.match(await page.textContent('[data-testid=as-committed]'), /^yes/);
    await page.locator('[data-testid=assurance]').screenshot({ path: join(artifacts, 'assurance-section-en.png') });
    await page.click('#lang');
    // Removed again: not checked.
    await page.click('[data-testid=verify-announcement-remove]');
    await page.click('#run-verify');
    await page.waitForFunction(() => /未核对/.test(document.querySelector('[data-testid=as-committed]')?.textContent || ''));

    // A version 1 record still verifies, labelled v1.
    const v1 = join(repo, 'seeds', '02-credit-classes');
    const p1 = await openPage(server.origin + '/index.html#tab=verify');
    await p1.setInputFiles('[data-testid=verify-entities]', join(v1, 'entities.csv'));
    await p1.setInputFiles('[data-testid=verify-inspectors]', join(v1, 'inspectors.csv'));
    await p1.waitForSelector('.drop[data-slot=v-entities].ok');
    await p1.waitForSelector('.drop[data-slot=v-inspectors].ok');
    await p1.setInputFiles('[data-testid=verify-record]', join(v1, 'expected.json'));
    await p1.click('#run-verify');
    await p1.waitForSelector('#verify-result.good');
    assert.match(await p1.textContent('[data-testid=as-protocol]'), /shuangsui-draw\/1 \(v1\)/);
    assert.match(await p1.textContent('[data-testid=as-form-bound]'), /^否/);
    await p1.close();

    // Edited by hand: the record's own digest gives it away.
    const parsed = JSON.parse(record.bytes.toString('utf8'));
    const edited = structuredClone(parsed);
    edited.draws[0].entity.name += '（改）';
    const editedPath = join(work, 'edited.json');
    writeFileSync(editedPath, JSON.stringify(edited, null, 2) + '\n');
    await page.setInputFiles('[data-testid=verify-record]', editedPath);
    await page.click('#run-verify');
    await page.waitForSelector('#verify-result.badv');
    assert.match(await page.textContent("#verify-result"), /✗[\s\S]*生成后被改动过/);

    // A team member swapped and the digest recomputed: only the re-run can
    // tell, and it names the place.
    const forged = structuredClone(parsed);
    const d = forged.draws[0];
    const other = forged.draws.find((x) => x.team[0].id !== d.team[0].id);
    d.team[0] = { ...other.team[0], role: 'leader' };
    redigest(forged);
    const forgedPath = join(work, 'forged.json');
    writeFileSync(forgedPath, JSON.stringify(forged, null, 2) + '\n');
    await page.setInputFiles('[data-testid=verify-record]', forgedPath);
    await page.click('#run-verify');
    await page.waitForSelector('#verify-result.badv');
    const why = await page.textContent('#verify-result .difference');
    // The page is in Chinese: the difference is told in Chinese.
    assert.match(why, /第 1 位/);
    assert.match(why, /检查组第 1 人/);
    await page.screenshot({ path: join(artifacts, 'verify-tampered.png'), fullPage: true });

    // Self-check from the id and the record alone.
    await page.setInputFiles('[data-testid=verify-record]', recordPath);
    const drawn = parsed.draws[0];
    await page.fill('[data-testid=self-id]', drawn.entity.id);
    await page.selectOption('#self-stratum', String(drawn.stratum));
    await page.click('#run-self');
    await page.waitForSelector('[data-testid=self-result] li');
    assert.match(await page.textContent('[data-testid=self-result]'), /被抽中/);
    await page.close();
  });

  test('announce with a preset form on the page, enter the seed number by number: the CLI\'s announcement and record', { skip: !existsSync(cli) && 'no CLI' }, async () => {
    // 双色球 (6 red + 1 blue): the task of seeds/v2/02 without its [[seed]]
    // table, so that the form is set up on the page only.
    const v = join(repo, 'seeds', 'v2', '02-shuangseqiu-plus-leading-zeros');
    const dir = join(work, 'preset');
    mkdirSync(dir, { recursive: true });
    for (const f of ['entities.csv', 'inspectors.csv']) writeFileSync(join(dir, f), readFileSync(join(v, f)));
    const taskWithSeed = readFileSync(join(v, 'task.toml'), 'utf8');
    writeFileSync(join(dir, 'task-cli.toml'), taskWithSeed);
    writeFileSync(join(dir, 'task.toml'), taskWithSeed.replace(/\n\[\[seed\]\][\s\S]*$/, '\n'));
    const files = ['--task', join(dir, 'task-cli.toml'), '--entities', join(dir, 'entities.csv'), '--inspectors', join(dir, 'inspectors.csv')];
    const published = '2026-11-28';
    const seed = '03 09 12 20 27 33 + 07';
    execFileSync(cli, ['announce', ...files, '--published', published, '--out', join(dir, 'announcement.json')], { stdio: 'ignore' });
    execFileSync(cli, ['draw', ...files, '--announcement', join(dir, 'announcement.json'), '--seed', seed, '--out', join(dir, 'cli')], { stdio: 'ignore' });
    const cliRecord = readFileSync(join(dir, 'cli', 'record.json'));

    const page = await openPage(server.origin + '/index.html');
    await loadDrawInputs(page, { dir, seed: 'x' }, { confirm: false });
    // Before announcing: the seed is entered as kind:value only after the
    // confirmation; a template issue is refused.
    const box = page.locator('#forms .form-src').first();
    await box.locator('[name=game]').selectOption('双色球');
    await box.locator('[name=issue]').fill('____');
    await box.locator('[name=ldate]').fill('2026-11-29');
    await page.fill('[data-testid=ann-published]', published);
    // (The core's rules, shown in the pre-flight panel, refuse it.)
    await page.click('#make-ann');
    await page.waitForSelector('[data-testid=ann-refused]');
    assert.match(await page.textContent('#preflight li[data-code=seed-form]'), /期号.*模板/);
    await box.locator('[name=issue]').fill('');
    await page.waitForFunction(() => /期号必须是非空文字/.test(document.querySelector('#preflight li[data-code=seed-form]')?.textContent || ''));
    await box.locator('[name=issue]').fill('2026139');
    await page.waitForFunction(() => /24\.0 比特/.test(document.querySelector('[data-testid=entropy]').textContent));
    assert.equal(await page.locator('[data-testid=entropy-warning]').count(), 0);
    await page.screenshot({ path: join(artifacts, 'announce-form.png'), fullPage: true });
    await page.locator('section[aria-labelledby=h-announce]').screenshot({ path: join(artifacts, 'announce-form-section.png') });

    await page.click('#make-ann');
    await page.waitForSelector('[data-testid=ann-ok], #ann-status .error');
    assert.equal(await page.locator('#ann-status .error').count(), 0, await page.textContent('#ann-status'));
    assert.match(await page.textContent('[data-testid=publish-now]'), /现在就发布.*种子产生之前/);
    const made = await downloadText(page, '#dl-ann');
    assert.ok(made.bytes.equals(readFileSync(join(dir, 'announcement.json'))), 'announcement.json differs from the command line\'s');
    const html = await downloadText(page, '#dl-ann-html');
    assert.ok(html.bytes.equals(readFileSync(join(dir, 'announcement.html'))), 'announcement.html differs from the command line\'s');

    // One box per number, 6 red + 1 blue, labelled with the game and issue.
    const groups = page.locator('#seed-boxes .ball-group');
    assert.equal(await groups.count(), 2);
    assert.equal(await groups.nth(0).locator('input').count(), 6);
    assert.equal(await groups.nth(1).locator('input').count(), 1);
    assert.match(await page.textContent('#seed-boxes legend'), /双色球 第2026139期/);
    assert.match(await groups.nth(0).locator('input').first().getAttribute('aria-label'), /双色球 第2026139期/);
    // Range-checked as typed.
    await groups.nth(0).locator('input').first().fill('34');
    assert.equal(await groups.nth(0).locator('input').first().getAttribute('aria-invalid'), 'true');
    assert.match(await page.textContent('#seed-boxes .seed-check'), /34.*1–33/);
    await fillSeedBoxes(page, [seed]);
    assert.equal(await page.locator('#seed-boxes input[aria-invalid=true]').count(), 0);
    await page.screenshot({ path: join(artifacts, 'seed-boxes.png'), fullPage: true });
    await page.locator('section[aria-labelledby=h-announce]').screenshot({ path: join(artifacts, 'announced-section.png') });
    await page.locator('section[aria-labelledby=h-seed]').screenshot({ path: join(artifacts, 'seed-boxes-section.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the draw tab is ${overflow}px wider than a phone`);
    await page.screenshot({ path: join(artifacts, 'announce-seed-phone.png'), fullPage: true });
    await page.locator('section[aria-labelledby=h-announce]').screenshot({ path: join(artifacts, 'announced-section-phone.png') });
    await page.locator('section[aria-labelledby=h-seed]').screenshot({ path: join(artifacts, 'seed-boxes-section-phone.png') });
    await page.setViewportSize({ width: 1280, height: 900 });
    await draw(page);
    const got = await downloadText(page, '#dl-record');
    assert.ok(got.bytes.equals(cliRecord), 'record.json differs from the command line\'s');

    // Day 2 from the published announcement alone: a fresh page, the
    // directories and the announcement (its task restored from it).
    const day2 = await openPage(server.origin + '/index.html');
    await day2.setInputFiles('[data-testid=entities-file]', join(dir, 'entities.csv'));
    await day2.waitForSelector('.drop[data-slot=entities].ok');
    await day2.setInputFiles('[data-testid=inspectors-file]', join(dir, 'inspectors.csv'));
    await day2.waitForSelector('.drop[data-slot=inspectors].ok');
    await day2.setInputFiles('[data-testid=announcement-file]', join(dir, 'announcement.json'));
    await day2.waitForSelector('[data-testid=ann-ok]');
    await fillSeedBoxes(day2, [seed]);
    await draw(day2);
    const got2 = await downloadText(day2, '#dl-record');
    assert.ok(got2.bytes.equals(cliRecord), 'record.json (day 2, from the announcement alone) differs from the command line\'s');
    await day2.close();
    await page.close();
  });

  test('custom lottery groups, a beacon and a text set up on the page: the golden vectors\' announcements and records', async () => {
    for (const name of ['06-custom-lottery-groups', '09-several-sources']) {
      const v = join(repo, 'seeds', 'v2', name);
      const dir = join(work, 'forms-' + name);
      mkdirSync(dir, { recursive: true });
      for (const f of ['entities.csv', 'inspectors.csv', 'announcement.json']) writeFileSync(join(dir, f), readFileSync(join(v, f)));
      // Without its [[seed]] tables: the forms come from the editor alone.
      writeFileSync(join(dir, 'task.toml'), readFileSync(join(v, 'task.toml'), 'utf8').replace(/\n\[\[seed\]\][\s\S]*$/, '\n'));
      const page = await openPage(server.origin + '/index.html');
      const seed = readFileSync(join(v, 'seed.txt'), 'utf8').trim();
      await loadDrawInputs(page, { dir, seed, announcement: join(dir, 'announcement.json') }, { announce: true });
      // Made: the editor is locked, so that it cannot drift from what is published.
      assert.equal(await page.isDisabled('#make-ann'), true);
      if (name === '09-several-sources') {
        assert.match(await page.textContent('[data-testid=entropy]'), /256\.0/);
        await page.locator('section[aria-labelledby=h-seed]').screenshot({ path: join(artifacts, 'seed-boxes-several.png') });
      }
      await draw(page);
      const got = await downloadText(page, '#dl-record');
      assert.ok(got.bytes.equals(readFileSync(join(v, 'expected.json'))), `${name}: the record differs from expected.json`);
      await page.close();
    }
  });

  test('unannounced: the draw asks for confirmation; the verify tab says 未经事先公告', async () => {
    const v = join(repo, 'seeds', 'v2', '12-unannounced');
    const page = await openPage(server.origin + '/index.html');
    const seed = readFileSync(join(v, 'seed.txt'), 'utf8').trim();
    await loadDrawInputs(page, { dir: v, seed }, { confirm: false });
    // 福彩3D alone: 9.9 bits, and the warning in words.
    await page.waitForSelector('[data-testid=entropy-warning]');
    assert.match(await page.textContent('[data-testid=entropy-warning]'), /几个来源合起来更安全|增加一个种子来源/);
    // The preview reads the line as the unannounced draw does.
    await page.waitForFunction(() => /3\.0\.7/.test(document.querySelector('#seed-preview').textContent));
    await page.click('#run-draw');
    await page.waitForSelector('[data-testid=need-confirm]');
    assert.equal(await page.locator('[data-testid=draw-done]').count(), 0);
    assert.match(await page.textContent('#seed-unannounced'), /本次抽取未经事先公告/);
    await page.check('[data-testid=unannounced-ok]');
    await draw(page);
    const got = await downloadText(page, '#dl-record');
    assert.ok(got.bytes.equals(readFileSync(join(v, 'expected.json'))), 'the unannounced record differs from seeds/v2/12');

    await page.click('#tab-verify');
    await page.setInputFiles('[data-testid=verify-entities]', join(v, 'entities.csv'));
    await page.setInputFiles('[data-testid=verify-inspectors]', join(v, 'inspectors.csv'));
    await page.waitForSelector('.drop[data-slot=v-entities].ok');
    await page.waitForSelector('.drop[data-slot=v-inspectors].ok');
    await page.setInputFiles('[data-testid=verify-record]', join(v, 'expected.json'));
    await page.click('#run-verify');
    await page.waitForSelector('[data-testid=assurance]:not([hidden])');
    assert.match(await page.textContent('[data-testid=as-committed]'), /^否.*未经事先公告/);
    assert.match(await page.textContent('[data-testid=as-form-bound]'), /^否/);
    assert.match(await page.textContent('[data-testid=assurance]'), /未经事先公告/);
    await page.screenshot({ path: join(artifacts, 'verify-unannounced.png'), fullPage: true });
    await page.close();
  });

  test('deadline: 2026-09-28 + 处罚结果公示 → 2026-10-13, with the month calendar', async () => {
    const page = await openPage(server.origin + '/index.html');
    assert.equal(await computeDeadline(page), '2026-10-13');
    // The month views are drawn after the due date is shown.
    await page.waitForSelector('#due-months table.month:nth-of-type(2)');
    const due = page.locator('td.due[data-date="2026-10-13"]');
    assert.equal(await due.count(), 1);
    assert.equal(await page.locator('td.holiday_off[data-date="2026-10-01"]').count(), 1);
    assert.equal(await page.locator('td.make_up_working[data-date="2026-10-10"]').count(), 1);
    // A ledger: one case published late, one overdue, one bad date.
    const ledger = join(work, 'ledger.csv');
    writeFileSync(ledger, '案件编号,当事人,决定日期,生效日期,公示日期\n'
      + 'A-1,甲公司,2026-09-20,2026-09-28,2026-10-14\n'
      + 'A-2,乙公司,2026-09-20,2026-09-28,\n'
      + `A-3,${XSS},2026-13-01,2026-09-28,\n`);
    await page.setInputFiles('[data-testid=ledger-file]', ledger);
    await page.fill('#led-today', '2026-10-20');
    await page.click('#run-ledger');
    await page.waitForSelector('#led-table tbody tr');
    assert.equal(await page.textContent('[data-testid=ledger-overdue]'), '逾期未公示 1');
    assert.equal(await page.textContent('[data-testid=ledger-late]'), '逾期公示 1');
    assert.equal(await page.textContent('[data-testid=ledger-error]'), '数据有误 1');
    const report = await downloadText(page, '#dl-ledger');
    assert.match(report.bytes.toString('utf8'), /截止日期/);
    const workbook = await downloadText(page, '#dl-ledger-xlsx');
    assert.equal(workbook.name, 'ledger-report.xlsx');
    assert.equal(workbook.bytes.subarray(0, 4).toString('latin1'), 'PK\x03\x04');
    await page.screenshot({ path: join(artifacts, 'deadline.png'), fullPage: true });
    await page.close();
  });

  test('hostile text is shown as text; every bad row of a file is listed', async () => {
    const inputs = hostileInputs();
    const page = await openPage(server.origin + '/index.html');
    const broken = join(work, 'broken.csv');
    const rows = readFileSync(join(inputs.dir, 'entities.csv'), 'utf8').split('\n');
    rows[2] = rows[2].replace(/^[^,]*/, 'NOT-AN-ID!');
    rows[4] = rows[4].replace(/^[^,]*/, rows[3].split(',')[0]);
    writeFileSync(broken, rows.join('\n'));
    await page.setInputFiles('[data-testid=entities-file]', broken);
    await page.waitForSelector('.drop[data-slot=entities].bad');
    const problems = await page.locator('.drop[data-slot=entities] .error li').allTextContents();
    assert.ok(problems.length >= 2, `expected every bad row listed, got ${JSON.stringify(problems)}`);
    assert.ok(problems.some((p) => p.includes('第 3 行')), JSON.stringify(problems));
    assert.ok(problems.some((p) => p.includes('第 5 行')), JSON.stringify(problems));
    await loadDrawInputs(page, inputs);
    await draw(page);
    const names = await page.locator('#res-table td.entity-name').allTextContents();
    assert.ok(names.includes(XSS), 'the hostile name is not in the results');
    assert.equal(await page.locator('img').count(), 0);
    assert.deepEqual(dialogs, []);
    await page.close();
  });

  test('real-world directories: xlsx with a title row, worksheet, GBK, a column mapped on the page', { skip: !existsSync(cli) && 'no CLI' }, async () => {
    const fixtures = join(repo, 'core', 'tests', 'fixtures');
    const cliDigest = (file, ...flags) => JSON.parse(execFileSync(cli,
      ['digest', 'entities', file, '--format', 'json', ...flags], { encoding: 'utf8' }));
    const box = (slot) => `.drop[data-slot=${slot}]`;
    const shown = async (slot) => ({
      status: await page.textContent(`${box(slot)} .status`),
      digest: await page.textContent(`${box(slot)} .status .digest code`),
    });
    // Waits for the box to be read again (ok or bad) after `action`.
    const settled = async (slot, action) => {
      await page.evaluate((s) => document.querySelector(`.drop[data-slot=${s}]`).classList.remove('ok', 'bad'), slot);
      await action();
      await page.waitForSelector(`${box(slot)}.ok, ${box(slot)}.bad`);
      return page.$eval(box(slot), (el) => (el.classList.contains('ok') ? 'ok' : 'bad'));
    };
    const page = await openPage(server.origin + '/index.html');

    // An exported report: a title row and an empty row above the header,
    // the directory on the first sheet and a note sheet after it.
    const csv = readFileSync(join(fixtures, 'entities-utf8.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    const xlsx = join(work, 'entities-report.xlsx');
    writeFileSync(xlsx, workbook([['名录', [['阜康市检查对象名录（2026年度）'], [], ...csv]], ['说明', [['本表由登记系统导出']]]]));
    const fromCli = cliDigest(xlsx);
    assert.equal(fromCli.count, 12);
    await page.setInputFiles('[data-testid=entities-file]', xlsx);
    await page.waitForSelector(`${box('entities')}.ok`);
    let got = await shown('entities');
    assert.equal(got.digest, fromCli.digest);
    assert.match(got.status, /12 户/);

    // The worksheet by name; a wrong name is the core's error, which lists
    // the sheets.
    const adv = `${box('entities')} .adv`;
    await page.click(`${adv} > summary`);
    assert.equal(await settled('entities', () => page.fill(`${adv} [name=sheet]`, '名单').then(() => page.press(`${adv} [name=sheet]`, 'Enter'))), 'bad');
    assert.match(await page.textContent(`${box('entities')} .status`), /名录[\s\S]*说明/);
    assert.equal(await settled('entities', () => page.fill(`${adv} [name=sheet]`, '名录').then(() => page.click(`${adv} .apply`))), 'ok');
    assert.equal((await shown('entities')).digest, cliDigest(xlsx, '--sheet', '名录').digest);
    assert.match(await page.textContent(`${adv} .adv-cli`), /--sheet 名录/);
    await page.fill(`${adv} [name=sheet]`, '');
    await page.click(`${adv} .apply`);

    // GBK as Chinese Excel saves it (with a title row): detected, and read
    // as GBK when chosen; the same digest as its UTF-8 twin. Read as UTF-8
    // it cannot be decoded.
    const gbk = join(fixtures, 'entities-gbk.csv');
    const utf8 = cliDigest(join(fixtures, 'entities-utf8.csv'));
    assert.equal(cliDigest(gbk).digest, utf8.digest);
    await page.setInputFiles('[data-testid=entities-file]', gbk);
    await page.waitForSelector(`${box('entities')}.ok`);
    assert.equal((await shown('entities')).digest, utf8.digest);
    assert.equal(await settled('entities', () => page.selectOption(`${adv} [name=encoding]`, 'gbk')), 'ok');
    assert.equal((await shown('entities')).digest, utf8.digest);
    assert.equal(await settled('entities', () => page.selectOption(`${adv} [name=encoding]`, 'utf-8')), 'bad');
    assert.equal(await settled('entities', () => page.selectOption(`${adv} [name=encoding]`, 'auto')), 'ok');

    // An unusual id header: refused until it is mapped on the page, then
    // the digest of `--map 纳税人识别号=id`; the mapping goes into the task
    // file the page writes, and the command line reads the file the same
    // way with it.
    const odd = join(work, 'entities-taxid.csv');
    writeFileSync(odd, readFileSync(join(fixtures, 'entities-utf8.csv'), 'utf8').replace(/^统一社会信用代码/, '纳税人识别号'));
    const mapped = cliDigest(odd, '--map', '纳税人识别号=id');
    await page.setInputFiles('[data-testid=entities-file]', odd);
    await page.waitForSelector(`${box('entities')}.bad`);
    // In Chinese the kind is named in Chinese, never by its English code.
    const missingText = await page.textContent(`${box('entities')} .status .error`);
    assert.match(missingText, /缺少必需的列/);
    assert.doesNotMatch(missingText, /MissingColumn/);
    assert.ok(await page.$eval(adv, (d) => d.open), 'the advanced settings open when a column is missing');
    const headers = await page.$$eval(`${box('entities')} datalist option`, (os) => os.map((o) => o.value));
    assert.ok(headers.includes('纳税人识别号'), `the file's headers are offered: ${JSON.stringify(headers)}`);
    await page.fill(`${adv} .map-rows tr:first-child [name=header]`, '纳税人识别号');
    await page.selectOption(`${adv} .map-rows tr:first-child [name=field]`, '统一社会信用代码');
    await page.click(`${adv} .apply`);
    await page.waitForSelector(`${box('entities')}.ok`);
    assert.equal((await shown('entities')).digest, mapped.digest);
    await page.screenshot({ path: join(artifacts, 'draw-mapping.png'), fullPage: true });
    const task = await downloadText(page, '#dl-task');
    const taskText = task.bytes.toString('utf8');
    assert.match(taskText, /\[columns\.entities\]\n"纳税人识别号" = "统一社会信用代码"/);
    const taskPath = join(work, 'mapped-task.toml');
    writeFileSync(taskPath, task.bytes);
    assert.equal(cliDigest(odd, '--task', taskPath).digest, mapped.digest);
    // A task file loaded from disk gets the page's mapping added when it is
    // downloaded again.
    await page.check('input[name=taskmode][value=file]');
    await page.setInputFiles('[data-testid=task-file]', join(demo.dir, 'task.toml'));
    await page.waitForSelector('#task-status .ok');
    await page.waitForSelector(`${box('entities')}.ok`);
    const fileTask = await downloadText(page, '#dl-task');
    assert.ok(fileTask.bytes.toString('utf8').startsWith(readFileSync(join(demo.dir, 'task.toml'), 'utf8').trimEnd()));
    writeFileSync(taskPath, fileTask.bytes);
    assert.equal(cliDigest(odd, '--task', taskPath).digest, mapped.digest);

    // The same on the verify tab (read as `shuangsui verify --map-entities`).
    await page.click('#tab-verify');
    const vadv = `${box('v-entities')} .adv`;
    await page.setInputFiles('[data-testid=verify-entities]', odd);
    await page.waitForSelector(`${box('v-entities')}.bad`);
    await page.fill(`${vadv} .map-rows tr:first-child [name=header]`, '纳税人识别号');
    await page.selectOption(`${vadv} .map-rows tr:first-child [name=field]`, '统一社会信用代码');
    await page.click(`${vadv} .apply`);
    await page.waitForSelector(`${box('v-entities')}.ok`);
    assert.equal((await shown('v-entities')).digest, mapped.digest);
    assert.match(await page.textContent(`${vadv} .adv-cli`), /--map-entities 纳税人识别号=统一社会信用代码/);

    // In English, the labels follow.
    await page.click('#lang');
    assert.match(await page.textContent(`${vadv} > summary`), /Advanced/);
    await page.click('#lang');
    assert.deepEqual(dialogs, []);
    await page.close();
  });

  test('a result of several pages: every drawn row is shown, a page at a time, by keyboard too', { skip: !existsSync(cli) && 'no CLI' }, async () => {
    // 3,000 entities, a fifth drawn: 600 rows, six pages of 100.
    const dir = join(work, 'pages');
    mkdirSync(dir, { recursive: true });
    execFileSync(cli, ['gen', 'entities', '--count', '3000', '--seed', 'pages', '--out', join(dir, 'entities.csv')]);
    execFileSync(cli, ['gen', 'inspectors', '--count', '60', '--seed', 'pages', '--out', join(dir, 'inspectors.csv')]);
    writeFileSync(join(dir, 'task.toml'), 'name = "分页"\nitem = "企业公示信息检查"\ndraw_date = 2026-12-01\n'
      + '[[strata]]\nname = "全部"\nratio = "20%"\n[team]\nsize = 2\n');
    const seed = 'lottery:3 0 7';
    const out = join(dir, 'cli');
    mkdirSync(out);
    execFileSync(cli, ['draw', '--task', join(dir, 'task.toml'), '--entities', join(dir, 'entities.csv'),
      '--inspectors', join(dir, 'inspectors.csv'), '--seed', seed, '--unannounced', '--out', out], { stdio: 'ignore' });
    const cliRecord = readFileSync(join(out, 'record.json'));
    const ids = JSON.parse(cliRecord).draws.map((d) => d.entity.id);
    assert.equal(ids.length, 600);

    const page = await openPage(server.origin + '/index.html');
    await loadDrawInputs(page, { dir, seed });
    await draw(page);
    const got = await downloadText(page, '#dl-record');
    assert.ok(got.bytes.equals(cliRecord), 'record.json differs from the command line\'s');
    const top = '.pager[data-pager=top]';
    const shown = async () => ({
      no: await page.locator('#res-table tbody td:first-child').allTextContents(),
      ids: await page.locator('#res-table tbody code').allTextContents(),
      status: await page.textContent(`${top} .pager-status`),
    });
    let p = await shown();
    assert.equal(await page.isVisible(top), true);
    assert.equal(p.ids.length, 100);
    assert.deepEqual(p.ids, ids.slice(0, 100));
    assert.equal(p.no[0], '1');
    assert.match(p.status, /第 1–100 户，共 600 户/);
    assert.equal(await page.isDisabled(`${top} [data-go=prev]`), true);
    assert.equal(await page.isDisabled(`${top} [data-go=first]`), true);

    // Next by keyboard: Tab to the button and press Enter.
    await page.focus(`${top} input`);
    await page.keyboard.press('Tab'); // next
    assert.equal(await page.evaluate(() => document.activeElement.dataset.go), 'next');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#res-table tbody td').textContent === '101');
    p = await shown();
    assert.deepEqual(p.ids, ids.slice(100, 200));
    assert.match(p.status, /第 101–200 户，共 600 户/);
    assert.equal(await page.inputValue(`${top} input`), '2');

    // A page number typed in, then Enter; the pager below the table agrees.
    await page.fill(`${top} input`, '6');
    await page.press(`${top} input`, 'Enter');
    await page.waitForFunction(() => document.querySelector('#res-table tbody td').textContent === '501');
    p = await shown();
    assert.deepEqual(p.ids, ids.slice(500, 600));
    assert.equal(await page.isDisabled(`${top} [data-go=next]`), true);
    assert.equal(await page.isDisabled('.pager[data-pager=bottom] [data-go=last]'), true);
    assert.equal(await page.inputValue('.pager[data-pager=bottom] input'), '6');

    // Back to the first page from the pager below the table.
    await page.click('.pager[data-pager=bottom] [data-go=first]');
    await page.waitForFunction(() => document.querySelector('#res-table tbody td').textContent === '1');
    assert.deepEqual((await shown()).ids, ids.slice(0, 100));

    // The language switch keeps the page; the result table downloads hold every row.
    await page.click('#lang');
    assert.match(await page.textContent(`${top} .pager-status`), /Rows 1–100 of 600/);
    assert.equal(await page.textContent(`${top} [data-go=next]`), 'Next');
    await page.click('#lang');
    const csv = (await downloadText(page, '#dl-csv')).bytes.toString('utf8');
    for (const id of ids) assert.ok(csv.includes(id), `${id} is not in result.csv`);

    // At phone width the results and the pager fit.
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the results are ${overflow}px wider than a phone`);
    await page.locator(top).screenshot({ path: join(artifacts, 'pager-phone.png') });
    assert.deepEqual(dialogs, []);
    await page.close();
  });

  test('keyboard, phone width, language switch and the URL hash', async () => {
    const page = await openPage(server.origin + '/index.html');
    await page.focus('#tab-draw');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getAttribute('#tab-verify', 'aria-selected'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-verify');
    await page.keyboard.press('End');
    assert.equal(await page.getAttribute('#tab-deadline', 'aria-selected'), 'true');
    await page.keyboard.press('Home');

    // The setup travels in the hash: a reload (or a shared link) restores it.
    await page.fill('#task-form [name=item]', '食品经营行为检查');
    await page.locator('#forms [name=game]').first().selectOption('排列5');
    await page.fill('#forms [name=issue]', '26318');
    await page.fill('[data-testid=seed]', 'lottery:1 2 3');
    await page.waitForFunction(() => location.hash.includes('seed=') && location.hash.includes('26318'));
    const url = page.url();
    const again = await openPage(url);
    assert.equal(await again.inputValue('#task-form [name=item]'), '食品经营行为检查');
    assert.equal(await again.inputValue('[data-testid=seed]'), 'lottery:1 2 3');
    await again.waitForSelector('#forms .form-src');
    assert.equal(await again.inputValue('#forms [name=game]'), '排列5');
    assert.equal(await again.inputValue('#forms [name=issue]'), '26318');
    assert.equal((await again.locator('#strata-rows tr').count()), 4);
    await again.close();

    await page.click('#lang');
    assert.equal(await page.textContent('#tab-draw'), 'Draw');
    await page.click('#lang');
    assert.equal(await page.textContent('#tab-draw'), '抽取');

    await page.setViewportSize({ width: 390, height: 844 });
    // The widest seed-form editor: a custom game's groups table and a second source.
    await page.locator('#forms [name=game]').first().selectOption('*custom');
    await page.click('#add-form');
    for (const tab of ['draw', 'verify', 'deadline']) {
      await page.click(`#tab-${tab}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the ${tab} tab is ${overflow}px wider than a phone`);
      await page.screenshot({ path: join(artifacts, `phone-${tab}.png`), fullPage: true });
    }
    await page.close();
  });

  test('the single-file page works from file://', async () => {
    const page = await openPage(pathToFileURL(join(dist, 'shuangsui.html')).href);
    await loadDrawInputs(page, demo);
    await draw(page);
    const got = await downloadText(page, '#dl-record');
    assert.ok(got.bytes.equals(readFileSync(join(demo.dir, 'record.json'))), 'record.json differs (file://)');
    assert.equal(await computeDeadline(page), '2026-10-13');
    await page.screenshot({ path: join(artifacts, 'single-file.png'), fullPage: true });
    assert.deepEqual(await page.evaluate(() => window.__csp), []);
    await page.close();
  });

  test('no request left 127.0.0.1; the server saw only the page\'s files', () => {
    assert.deepEqual(outside, []);
    const files = new Set(server.requests.map((u) => u.split('?')[0].split('#')[0]));
    for (const f of files) {
      assert.match(f, /^\/(index\.html|app\.js|i18n\.js|style\.css|worker\.js|shuangsui_wasm\.js|shuangsui_wasm_bytes\.js|favicon\.ico)?$/);
    }
  });
});
