// The officer's journey over two days, in headless Chromium. Day 1: the
// demo directories, the task typed into the form, the seed's form, the
// announcement (the command line's, byte for byte), its downloads and the
// steps shown after it; a reload gives the work back and names the files
// to load again. Day 2 in a fresh browser profile with only
// announcement.json and the directories: the task and seed forms come back
// from the announcement, the numbers are typed, and the draw is the command
// line's record. Then: a changed exclusion list hides the result, its 移除
// button unloads it, a redraw with other numbers asks first and names both
// seeds; a different task already on the page is named before it is
// replaced; a failed ledger check clears the earlier report; stored work of
// an unreadable version is dropped with a notice. Screenshots
// tests/artifacts/officer-*.png at laptop and phone width.
//
// Needs `scripts/build-web` (web/dist) and the CLI binary (SHUANGSUI_CLI).
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { chromium as playwright } from 'playwright-core';
import { artifacts, chromium, cli, dist } from './paths.mjs';
import { demoInputs } from './fixtures.mjs';
import {
  FLAGS, dialogs, downloadText, draw, fillForms, fillSeedBoxes, openPage, server, useBrowser, work,
} from './harness.mjs';

const demo = demoInputs(join(work, 'officer'));
const shot = (page, name) => page.screenshot({ path: join(artifacts, `officer-${name}.png`), fullPage: true });

// Whether leaving the page now would ask first (beforeunload cancelled).
const wouldAsk = (page) => page.evaluate(() => {
  const e = new Event('beforeunload', { cancelable: true });
  window.dispatchEvent(e);
  return e.defaultPrevented;
});

// The demo's task.toml typed into the page's task form.
async function fillDemoTask(page) {
  const toml = readFileSync(join(demo.dir, 'task.toml'), 'utf8');
  const value = (k) => toml.match(new RegExp(`^${k} = "(.*)"`, 'm'))[1];
  const conflicts = [...toml.matchAll(/\{ entity = "(\w+)", inspector = "(\w+)" \}/g)].map((m) => `${m[1]},${m[2]}`);
  await page.fill('#task-form [name=name]', value('name'));
  await page.fill('#task-form [name=item]', value('item'));
  await page.fill('#task-form [name=draw_date]', '2026-12-01');
  await page.fill('#task-form [name=departments]', '阜康市市场监督管理局,1\n阜康市商务和工业信息化局,1');
  await page.fill('#task-form [name=size]', '2');
  await page.check('#task-form [name=avoid_area]');
  await page.fill('#task-form [name=conflicts]', conflicts.join('\n'));
  await page.waitForFunction(() => document.querySelector('#task-status .ok'));
}

async function loadDirectories(page) {
  await page.setInputFiles('[data-testid=entities-file]', join(demo.dir, 'entities.csv'));
  await page.waitForSelector('.drop[data-slot=entities].ok');
  await page.setInputFiles('[data-testid=inspectors-file]', join(demo.dir, 'inspectors.csv'));
  await page.waitForSelector('.drop[data-slot=inspectors].ok');
}

describe('the officer\'s journey: day 1, a reload, day 2 from the announcement', { skip: !existsSync(cli) && 'no CLI' }, () => {
  useBrowser();
  const announced = JSON.parse(readFileSync(demo.announcement, 'utf8'));
  let annFile;

  test('day 1: task form, seed form, announce (the CLI\'s announcement), the steps that follow; a reload keeps the work', async () => {
    const page = await openPage(server.origin + '/index.html');
    await loadDirectories(page);
    await fillDemoTask(page);
    await fillForms(page, announced.seed_sources, announced.published);
    await page.click('#make-ann');
    await page.waitForSelector('[data-testid=ann-ok], #ann-status .error');
    assert.equal(await page.locator('#ann-status .error').count(), 0, await page.textContent('#ann-status'));

    // What to do now, with the announcement's own seed event, and why.
    const steps = await page.textContent('[data-testid=next-steps]');
    assert.match(steps, /现在就发布公告.*announcement\.html.*announcement\.json.*门户网站.*公示系统.*种子产生之前，也就是福彩3D 第2026318期（2026-11-30 开奖）之前/);
    assert.match(steps, /保存好 announcement\.json/);
    assert.match(steps, /福彩3D 第2026318期（2026-11-30 开奖）的号码公布后，打开本页，点“载入已公布的公告”.*同样的名录库/);
    assert.match(await page.textContent('[data-testid=why-first]'), /在任何人能知道种子之前.*固定了抽查任务、名录库和种子的写法/);
    // The task is fixed by the announcement now.
    assert.equal(await page.locator('#task-form [name=item]').isDisabled(), true);
    assert.equal(await page.isVisible('[data-testid=task-locked]'), true);
    // Not yet saved as a file: leaving asks first.
    assert.equal(await wouldAsk(page), true);
    await shot(page, 'day1');
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `day 1 is ${overflow}px wider than a phone`);
    await shot(page, 'day1-phone');
    await page.locator('section[aria-labelledby=h-announce]').screenshot({ path: join(artifacts, 'officer-day1-announce-phone.png') });
    await page.setViewportSize({ width: 1280, height: 900 });

    const made = await downloadText(page, '#dl-ann');
    assert.ok(made.bytes.equals(readFileSync(demo.announcement)), 'announcement.json (from the task form) differs from the command line\'s');
    const html = await downloadText(page, '#dl-ann-html');
    assert.ok(html.bytes.equals(readFileSync(demo.announcement.replace(/\.json$/, '.html'))), 'announcement.html differs');
    annFile = join(work, 'officer-announcement.json');
    writeFileSync(annFile, made.bytes);
    assert.equal(await wouldAsk(page), false);

    // A reload: the task form, the announcement, the seed boxes come back;
    // the directories are named, to be loaded again.
    await page.reload();
    await page.waitForFunction(() => window.shuangsuiPage && document.querySelector('[data-testid=ann-ok]'));
    assert.match(await page.textContent('[data-testid=storage-status]'), /已恢复上次在本机保存的工作/);
    assert.equal(await page.inputValue('#task-form [name=item]'), '企业公示信息及经营行为检查');
    assert.equal(await page.isChecked('#task-form [name=avoid_area]'), true);
    assert.equal(await page.locator('#seed-boxes input.ball').count(), 3);
    assert.match(await page.textContent('[data-testid=again-entities]'), /entities\.csv（300 行，摘要 [0-9a-f]{64}）.*重新载入/);
    assert.match(await page.textContent('[data-testid=again-inspectors]'), /inspectors\.csv（24 行/);
    assert.match(await page.textContent('[data-testid=storage-note]'), /保存在这台电脑的浏览器里.*名录库的内容不保存/);
    await shot(page, 'reload');
    // Loaded again, the same files: no note left, nothing differs.
    await loadDirectories(page);
    assert.equal(await page.locator('[data-testid^=again], [data-testid^=ann-mismatch]').count(), 0);
    await page.close();
  });

  test('day 2 in a fresh profile: the announcement restores the task and seed forms; the draw is the CLI\'s; stale results, 移除, a redraw', async () => {
    assert.ok(annFile, 'day 1 ran');
    const cliOut = join(work, 'officer-cli');
    execFileSync(cli, ['draw', '--task', join(demo.dir, 'task.toml'), '--entities', join(demo.dir, 'entities.csv'),
      '--inspectors', join(demo.dir, 'inspectors.csv'), '--announcement', annFile, '--seed', demo.seed, '--out', cliOut], { stdio: 'ignore' });
    const cliRecord = readFileSync(join(cliOut, 'record.json'));

    const ctx = await playwright.launchPersistentContext(mkdtempSync(join(work, 'profile-day2-')), {
      executablePath: chromium, headless: true, args: FLAGS, acceptDownloads: true, viewport: { width: 1280, height: 900 },
    });
    try {
      const page = await ctx.newPage();
      page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
      page.on('pageerror', (e) => dialogs.push('pageerror: ' + e.message));
      await page.goto(server.origin + '/index.html');
      await page.waitForFunction(() => window.shuangsuiPage && document.querySelector('[name=rule] option'));
      assert.equal(await page.textContent('[data-testid=storage-status]'), '', 'a fresh profile has nothing to restore');

      await loadDirectories(page);
      await page.setInputFiles('[data-testid=announcement-file]', annFile);
      await page.waitForSelector('[data-testid=ann-ok]');
      // The task form holds exactly the announced task.
      assert.equal(await page.isChecked('input[name=taskmode][value=form]'), true);
      await page.waitForFunction(() => document.querySelector('#task-status .ok'));
      assert.equal(await page.inputValue('#task-form [name=name]'), announced.task.name);
      assert.equal(await page.inputValue('#task-form [name=departments]'), '阜康市市场监督管理局, 1\n阜康市商务和工业信息化局, 1');
      assert.match(await page.textContent('#task-status'), new RegExp(announced.task_digest));
      // The seed form: the announced source, read-only; one box per number.
      assert.equal(await page.inputValue('#forms [name=issue]'), '2026318');
      assert.equal(await page.$eval('fieldset.sources', (f) => f.disabled), true);
      assert.match(await page.textContent('#seed-boxes legend'), /福彩3D 第2026318期/);
      assert.equal(await page.locator('[data-testid^=ann-mismatch]').count(), 0);
      await fillSeedBoxes(page, [demo.seed]);
      await draw(page);
      const got = await downloadText(page, '#dl-record');
      assert.ok(got.bytes.equals(cliRecord), 'record.json (day 2) differs from the command line\'s');
      await shot(page, 'day2');

      // Another exclusion list: the result is hidden, its downloads off,
      // and the page says the list is not the announced one.
      const excl = join(work, 'officer-exclusions.csv');
      const someId = readFileSync(join(demo.dir, 'entities.csv'), 'utf8').split('\n')[1].split(',')[0];
      writeFileSync(excl, `统一社会信用代码\n${someId}\n`);
      await page.setInputFiles('[data-testid=exclusions-file]', excl);
      await page.waitForSelector('.drop[data-slot=exclusions].ok');
      assert.equal(await page.isHidden('#results'), true);
      assert.equal(await page.locator('#dl-record').isDisabled(), true);
      assert.match(await page.textContent('[data-testid=stale]'), /输入已改动，上次的抽取结果已隐藏/);
      await page.waitForSelector('[data-testid=ann-mismatch-exclusions]');
      assert.match(await page.textContent('[data-testid=ann-mismatch-exclusions]'), /载入的排除名单与公告时的不同：公告时为 0 行.*载入的为 1 行/);
      // The draw is refused, and says so; nothing of the old result returns.
      await page.click('#run-draw');
      await page.waitForSelector('#draw-status .error');
      assert.equal(await page.isHidden('#results'), true);
      await shot(page, 'exclusions-changed');
      // 移除: unloaded (in the worker too), the warning gone.
      await page.click('[data-testid=remove-exclusions]');
      await page.waitForFunction(() => !document.querySelector('.drop[data-slot=exclusions]').classList.contains('ok'));
      assert.equal(await page.locator('[data-testid=ann-mismatch-exclusions]').count(), 0);
      assert.equal(await page.textContent('.drop[data-slot=exclusions] .status'), '');
      assert.equal(await page.isHidden('[data-testid=remove-exclusions]'), true);
      assert.equal(await page.evaluate(() => window.shuangsuiPage.call('announcementLoaded', {
        announcement: window.shuangsuiPage.state.announcement,
      }).then((r) => r.exclusions)), null);
      // The same numbers again: no question asked, the same record.
      await draw(page);
      assert.ok((await downloadText(page, '#dl-record')).bytes.equals(cliRecord));

      // Other numbers: the result is hidden as they are typed, and the draw
      // asks first, naming both seeds.
      await fillSeedBoxes(page, ['1 2 3']);
      assert.equal(await page.isHidden('#results'), true);
      await page.click('#run-draw');
      await page.waitForSelector('[data-testid=redraw-warning]');
      const warning = await page.textContent('[data-testid=redraw-warning]');
      assert.match(warning, /上一次抽取使用的号码：3 0 7；这次填写的：1 2 3/);
      assert.equal(await page.isHidden('#results'), true);
      await page.locator('[data-testid=redraw-warning]').screenshot({ path: join(artifacts, 'officer-redraw-warning.png') });
      await shot(page, 'redraw');
      await page.setViewportSize({ width: 390, height: 844 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `day 2 is ${overflow}px wider than a phone`);
      await shot(page, 'redraw-phone');
      await page.click('#lang');
      assert.match(await page.textContent('#draw-status'), /These numbers differ/);
      await page.click('[data-testid=redraw-go]');
      await page.waitForSelector('[data-testid=redraw-warning] [data-testid=redraw-go]', { state: 'detached' });
      await page.waitForSelector('[data-testid=draw-done]');
      for (const part of ['dirs', 'task', 'announce', 'seed']) {
        await page.locator(`section[aria-labelledby=h-${part}]`).screenshot({ path: join(artifacts, `officer-en-phone-${part}.png`) });
      }
      assert.match(await page.textContent('#ann-status'), /Announcement published on 2026-11-29 loaded/);
      assert.doesNotMatch(await page.textContent('#panel-draw'), /移除|已隐藏|上一次抽取|任务来自公告/);
      await page.click('#lang');
      await page.setViewportSize({ width: 1280, height: 900 });
      // The announcement removed: the result of it hidden, the task free again.
      await page.click('#clear-ann');
      assert.equal(await page.isHidden('#results'), true);
      assert.equal(await page.textContent('#ann-status'), '');
      assert.equal(await page.locator('#task-form [name=item]').isDisabled(), false);
      assert.equal(await page.isVisible('#seed-unannounced'), true);
      await page.close();

      // A task set up on the page that is not the announced one: named,
      // replaced only when asked.
      const other = await ctx.newPage();
      await other.goto(server.origin + '/index.html#tab=draw');
      await other.waitForFunction(() => window.shuangsuiPage && document.querySelector('[name=rule] option'));
      await other.waitForFunction(() => document.querySelector('#task-status .ok'));
      await fillDemoTask(other);
      await other.fill('#task-form [name=item]', '食品经营行为检查');
      await other.waitForFunction(() => /食品经营行为检查/.test(window.shuangsuiPage.state.taskToml || ''));
      await other.setInputFiles('[data-testid=announcement-file]', annFile);
      await other.waitForSelector('[data-testid=task-differs]');
      assert.match(await other.textContent('[data-testid=task-differs]'),
        /页面上的抽查任务与公告中的不同：抽查事项在页面上为 “食品经营行为检查”，公告中为 “企业公示信息及经营行为检查”。抽取必须使用公告中的任务。/);
      await other.locator('section[aria-labelledby=h-announce]').screenshot({ path: join(artifacts, 'officer-task-differs.png') });
      await other.click('[data-testid=task-replace]');
      await other.waitForSelector('[data-testid=task-differs]', { state: 'detached' });
      assert.equal(await other.inputValue('#task-form [name=item]'), '企业公示信息及经营行为检查');
      await other.waitForFunction((d) => document.querySelector('#task-status .ok')?.textContent.includes(d), announced.task_digest);
      await other.close();
    } finally {
      await ctx.close();
    }
  });

  test('a task the form cannot say comes back read-only, as 任务来自公告, and draws the CLI\'s record; a task kept on the page is named at the draw', async () => {
    // Strata by two industries together: not something the task form writes.
    const dir = join(work, 'officer-readonly');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'task.toml'), 'name = "2026年行业专项抽查"\nitem = "产品质量检查"\ndraw_date = 2026-12-01\n'
      + '[[strata]]\nwhere = { "行业" = ["批发和零售业", "制造业"] }\nratio = "20%"\n'
      + '[[seed]]\nlottery = "福彩3D"\nissue = "2026318"\ndate = 2026-11-30\n');
    const files = ['--task', join(dir, 'task.toml'), '--entities', join(demo.dir, 'entities.csv'), '--inspectors', join(demo.dir, 'inspectors.csv')];
    const ann = join(dir, 'announcement.json');
    // Two industries only: the other entities are left out on purpose, so
    // the pre-flight's warning (未分层) is acknowledged.
    execFileSync(cli, ['announce', ...files, '--published', '2026-11-29', '--out', ann, '--accept-warnings'], { stdio: 'ignore' });
    execFileSync(cli, ['draw', ...files, '--announcement', ann, '--seed', '3 0 7', '--out', join(dir, 'cli')], { stdio: 'ignore' });
    const page = await openPage(server.origin + '/index.html');
    await loadDirectories(page);
    await page.setInputFiles('[data-testid=announcement-file]', ann);
    await page.waitForSelector('[data-testid=task-from-ann]');
    assert.equal(await page.isChecked('input[name=taskmode][value=file]'), true);
    assert.match(await page.textContent('.drop[data-slot=taskfile] .status'), /任务来自公告：2026年行业专项抽查.*抽查事项：产品质量检查 · 抽取日期：2026-12-01 · 1 个分层 · 每组 2 人.*超出了本页表单能填写的范围/);
    assert.equal(await page.isHidden('[data-testid=remove-taskfile]'), true, 'the announced task is not a file to remove');
    assert.equal(await page.isHidden('[data-testid=task-file]'), true, 'no file to choose for a task from the announcement');
    const task = await downloadText(page, '#dl-task');
    assert.equal(task.name, 'task.toml');
    // The task file downloaded is the announced task: the CLI draws with it.
    writeFileSync(join(dir, 'task-from-page.toml'), task.bytes);
    execFileSync(cli, ['draw', '--task', join(dir, 'task-from-page.toml'), ...files.slice(2), '--announcement', ann, '--seed', '3 0 7', '--out', join(dir, 'cli-again')], { stdio: 'ignore' });
    assert.ok(readFileSync(join(dir, 'cli-again', 'record.json')).equals(readFileSync(join(dir, 'cli', 'record.json'))));
    await page.locator('section[aria-labelledby=h-task]').screenshot({ path: join(artifacts, 'officer-task-from-ann.png') });
    await fillSeedBoxes(page, ['3 0 7']);
    await draw(page);
    assert.ok((await downloadText(page, '#dl-record')).bytes.equals(readFileSync(join(dir, 'cli', 'record.json'))), 'record.json differs from the CLI\'s');
    await page.close();

    // The user's own task kept against the announcement: the draw does not
    // send them to look for a file, it names the difference again.
    const p2 = await openPage(server.origin + '/index.html');
    await loadDirectories(p2);
    await p2.fill('#task-form [name=item]', '产品质量检查（页面）');
    await p2.waitForFunction(() => /页面/.test(window.shuangsuiPage.state.taskToml || ''));
    await p2.setInputFiles('[data-testid=announcement-file]', ann);
    await p2.waitForSelector('[data-testid=task-differs]');
    await p2.click('[data-testid=task-keep]');
    await fillSeedBoxes(p2, ['3 0 7']);
    await p2.click('#run-draw');
    await p2.waitForSelector('#draw-status [data-testid=task-differs]');
    assert.match(await p2.textContent('#draw-status'), /页面上的抽查任务与公告中的不同/);
    await p2.click('#draw-status [data-testid=task-replace]');
    await p2.waitForSelector('[data-testid=task-from-ann]');
    await draw(p2);
    assert.ok((await downloadText(p2, '#dl-record')).bytes.equals(readFileSync(join(dir, 'cli', 'record.json'))));
    await p2.close();
  });

  test('the single-file page (file://) keeps its work across a reload too', async () => {
    const page = await openPage(pathToFileURL(join(dist, 'shuangsui.html')).href);
    await page.fill('#task-form [name=item]', '离线页面的抽查事项');
    await page.fill('#forms [name=issue]', '2026400');
    await page.waitForFunction(() => /2026400/.test(localStorage.getItem('shuangsui.page') || ''));
    await page.goto(pathToFileURL(join(dist, 'shuangsui.html')).href); // opened again, without the link's hash
    await page.waitForFunction(() => window.shuangsuiPage && document.querySelector('#forms [name=issue]'));
    // (Once in five full runs this wait timed out; the cause is not known
    // yet: what the page said and kept is in the message.)
    await page.waitForFunction(() => document.querySelector('#forms [name=issue]').value === '2026400')
      .catch(async (e) => {
        const seen = await page.evaluate(() => ({
          said: document.querySelector('#storage-status')?.textContent,
          issue: document.querySelector('#forms [name=issue]')?.value,
          kept: (localStorage.getItem('shuangsui.page') || '').slice(0, 300),
          fresh: sessionStorage.getItem('__fresh'),
        }));
        assert.fail(`the stored work did not come back: ${JSON.stringify(seen)} (${e.message})`);
      });
    assert.equal(await page.inputValue('#task-form [name=item]'), '离线页面的抽查事项');
    await page.close();
  });

  test('a failed ledger check clears the earlier report; every file box has 移除', async () => {
    const page = await openPage(server.origin + '/index.html');
    await page.click('#tab-deadline');
    const good = join(work, 'officer-ledger.csv');
    writeFileSync(good, '案件编号,当事人,决定日期,生效日期,公示日期\nA-1,甲公司,2026-09-20,2026-09-28,2026-10-14\n');
    await page.setInputFiles('[data-testid=ledger-file]', good);
    await page.fill('#led-today', '2026-10-20');
    await page.click('#run-ledger');
    await page.waitForSelector('#led-table tbody tr');
    assert.equal(await page.locator('#dl-ledger').isDisabled(), false);
    const bad = join(work, 'officer-ledger-bad.csv');
    writeFileSync(bad, '甲,乙\n1,2\n');
    await page.setInputFiles('[data-testid=ledger-file]', bad);
    assert.equal(await page.locator('#led-table tbody tr').count(), 0, 'a new ledger clears the report of the old one');
    await page.click('#run-ledger');
    await page.waitForSelector('#led-summary .error');
    assert.equal(await page.locator('#dl-ledger').isDisabled(), true);
    assert.equal(await page.locator('#dl-ledger-xlsx').isDisabled(), true);
    await page.setInputFiles('[data-testid=ledger-file]', good);
    await page.click('#run-ledger');
    await page.waitForSelector('#led-table tbody tr');
    await page.click('#run-ledger');
    await page.waitForSelector('#led-table tbody tr');
    await page.click('[data-testid=remove-ledger]');
    assert.equal(await page.locator('#led-table tbody tr').count(), 0);
    assert.equal(await page.locator('#dl-ledger').isDisabled(), true);
    await page.click('#run-ledger');
    assert.match(await page.textContent('#led-summary'), /请先放入案件台账/);
    // Calendars: loaded, then removed.
    const cal = join(work, 'officer-cal.csv');
    writeFileSync(cal, '日期,类型,名称\n2026-10-12,休息,地方假日\n');
    await page.setInputFiles('#due-calendars', cal);
    await page.waitForSelector('[data-testid=calendars-remove]:not([hidden])');
    await page.click('[data-testid=calendars-remove]');
    assert.equal(await page.evaluate(() => window.shuangsuiPage.state.calendars.length), 0);
    assert.equal(await page.isHidden('[data-testid=calendars-remove]'), true);
    await shot(page, 'deadline');

    // The verify tab: a record, then removed.
    await page.click('#tab-verify');
    await page.setInputFiles('[data-testid=verify-record]', join(demo.dir, 'record.json'));
    await page.waitForSelector('.drop[data-slot=v-record].ok');
    await page.click('[data-testid=remove-v-record]');
    assert.equal(await page.evaluate(() => window.shuangsuiPage.state.verifyRecord), null);
    await page.click('#run-verify');
    assert.match(await page.textContent('#verify-result'), /请先放入抽取记录/);
    // The draw tab's task file: loaded, removed.
    await page.click('#tab-draw');
    await page.check('input[name=taskmode][value=file]');
    await page.setInputFiles('[data-testid=task-file]', join(demo.dir, 'task.toml'));
    await page.waitForSelector('#task-status .ok');
    await page.click('[data-testid=remove-taskfile]');
    assert.equal(await page.textContent('#task-status'), '');
    assert.equal(await page.evaluate(() => window.shuangsuiPage.state.taskToml), null);
    await page.close();
  });

  test('stored work the page cannot read is dropped with a notice; 清除 forgets it', async () => {
    const page = await openPage(server.origin + '/index.html');
    await page.evaluate(() => localStorage.setItem('shuangsui.page', JSON.stringify({ v: 0, task: 'old' })));
    await page.reload();
    await page.waitForFunction(() => window.shuangsuiPage && /旧版本/.test(document.querySelector('[data-testid=storage-status]').textContent));
    // The page keeps its own state again.
    await page.waitForFunction(() => JSON.parse(localStorage.getItem('shuangsui.page') || 'null')?.v === 1);
    await page.evaluate(() => localStorage.setItem('shuangsui.page', '{not json'));
    await page.reload();
    await page.waitForFunction(() => window.shuangsuiPage && /旧版本/.test(document.querySelector('[data-testid=storage-status]').textContent));
    await page.fill('#task-form [name=item]', '食品经营行为检查');
    await page.waitForFunction(() => /食品经营行为检查/.test(localStorage.getItem('shuangsui.page') || ''));
    await page.click('[data-testid=forget]');
    await page.waitForFunction(() => window.shuangsuiPage && document.querySelector('#task-status .ok'));
    assert.notEqual(await page.inputValue('#task-form [name=item]'), '食品经营行为检查');
    assert.deepEqual(dialogs.filter((d) => d.startsWith('pageerror')), []);
    await page.close();
  });
});
