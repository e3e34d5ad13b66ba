// Issue 15, layout: the result and the ledger as cards on a phone (codes
// never broken), the result's area columns and its search, Enter where a
// person expects it, the page wholly in English or wholly in Chinese, a
// period in Chinese numerals, and the sticky tab bar that covers nothing.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useBrowser, openPage, server, dialogs, work, downloadText, loadDrawInputs } from './harness.mjs';
import { artifacts, cli } from './paths.mjs';

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1280, height: 900 };

// The page's visible text: every text node the user can see (not hidden,
// not in a closed details), with each select's chosen option. Data values
// (names, areas, stratum names, descriptions from the user's files) are
// marked lang="zh-CN" by the page and left out in English mode; codes and
// digests are left out in Chinese mode.
function visibleTexts(mode) {
  const out = [];
  const seen = (el) => {
    if (el.closest('[hidden], script, style, datalist, option')) return false;
    const d = el.closest('details');
    if (d && !d.open && !el.closest('summary')) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  };
  const skip = (el) => (mode === 'en' ? el.closest('[lang^=zh]') : el.closest('[lang=en], code, .digest, .code'));
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    const text = n.textContent.trim();
    if (text && seen(el) && !skip(el)) out.push(text);
  }
  for (const sel of document.querySelectorAll('select')) {
    if (!seen(sel) || skip(sel) || sel.selectedIndex < 0) continue;
    const o = sel.options[sel.selectedIndex];
    if (!(mode === 'en' && o.closest('[lang^=zh]'))) out.push(o.textContent.trim());
  }
  return out;
}

const CJK = /[\u3400-\u9fff\u3000-\u303f\uff01-\uff5e]/;
// Three English words in a row: a sentence, not a file name or a code.
const ENGLISH = /[A-Za-z]{2,}[ ,;:]+[A-Za-z]{2,}[ ,;:]+[A-Za-z]{2,}/;

// The demo's inputs through the page's own button, then the seed boxes'
// numbers are in and the draw can start.
async function loadDemo(page) {
  await page.click('#load-demo');
  await page.waitForFunction(() => {
    const balls = [...document.querySelectorAll('#seed-boxes input.ball')];
    return balls.length && balls.every((i) => i.value) && document.querySelector('.drop[data-slot=inspectors].ok');
  });
}

async function drawDemo(page) {
  await loadDemo(page);
  await page.click('#run-draw');
  await page.waitForSelector('[data-testid=draw-done], #draw-status .error');
  assert.equal(await page.locator('#draw-status .error').count(), 0, await page.textContent('#draw-status'));
}

// A screenshot of one part of the page, at most `height` pixels of it.
async function shot(page, selector, name, height = 1600, fixed = false) {
  // From the top: a full-page capture of a scrolled page draws the sticky
  // tab bar where the window was.
  await page.evaluate(() => window.scrollTo(0, 0));
  const box = await page.locator(selector).boundingBox();
  const y = box.y;
  const width = page.viewportSize().width;
  await page.screenshot({
    path: join(artifacts, `layout-${name}.png`), fullPage: true,
    clip: { x: 0, y: Math.max(0, y - 8), width, height: fixed ? height : Math.min(height, box.height + 16) },
  });
}

// The rows shown: {code, name, area, team text} of each.
const rowsShown = (page) => page.$$eval('#res-table tbody tr', (trs) => trs.map((tr) => ({
  code: tr.querySelector('td > code').textContent,
  name: tr.querySelector('.entity-name').textContent,
  area: (tr.querySelector('td[data-attr=所属区域]') || {}).textContent,
  team: tr.querySelector('.team-cell').textContent,
})));

async function search(page, text) {
  await page.fill('#res-search', text);
  await page.press('#res-search', 'Enter');
  // The table is redrawn when the worker answers.
  await page.waitForFunction((q) => {
    const rows = [...document.querySelectorAll('#res-table tbody tr')];
    const none = document.querySelector('[data-testid=res-none]');
    return q ? (none || (rows.length && rows.every((r) => r.textContent.toLowerCase().includes(q.toLowerCase().split(' ')[0]))))
      : rows.length && !none && !document.querySelector('[data-testid=res-found-n]');
  }, text);
}

// Every element matched is one line high (a code broken over two lines is
// twice as high as the text around it) and inside its cell.
async function oneLine(page, selector) {
  const boxes = await page.$$eval(selector, (els) => els.map((el) => {
    const r = el.getBoundingClientRect();
    const cell = el.closest('td').getBoundingClientRect();
    return {
      text: el.textContent, height: r.height, lines: el.getClientRects().length,
      line: parseFloat(getComputedStyle(el).lineHeight) || parseFloat(getComputedStyle(el).fontSize) * 1.6,
      inside: r.left >= cell.left - 1 && r.right <= cell.right + 1,
    };
  }));
  assert.ok(boxes.length > 0, `no ${selector}`);
  for (const b of boxes) {
    assert.equal(b.lines, 1, `${b.text} is broken over ${b.lines} lines`);
    assert.ok(b.height <= b.line * 1.2, `${b.text} is ${b.height}px high (a line is ${b.line}px)`);
    assert.ok(b.inside, `${b.text} sticks out of its cell`);
  }
}

const LEDGER = '案件编号,当事人,决定日期,生效日期,公示日期\n'
  + 'A-1,阜康市甲商贸有限公司,2026-09-20,2026-09-28,2026-10-14\n'
  + 'A-2,阜康市乙餐饮店,2026-09-20,2026-09-28,\n'
  + '阜市监处罚〔2026〕第000123号,阜康市丙建材有限责任公司（分店）,2026-10-09,2026-10-09,\n';

async function checkLedger(page) {
  const file = join(work, 'layout-ledger.csv');
  writeFileSync(file, LEDGER);
  await page.click('#tab-deadline');
  await page.setInputFiles('[data-testid=ledger-file]', file);
  await page.waitForSelector('.drop[data-slot=ledger].ok');
  await page.fill('#led-today', '2026-10-20');
  // Enter in the date checks (issue 15).
  await page.press('#led-today', 'Enter');
  await page.waitForSelector('#led-table tbody tr');
}

describe('layout (issue 15)', () => {
  useBrowser();

  test('phone: the result as cards, its area column, and the search', async () => {
    const page = await openPage(server.origin + '/index.html');
    await page.setViewportSize(PHONE);
    await drawDemo(page);

    // The area of each drawn entity, as the demo's directory has it.
    const demo = await page.evaluate(() => window.shuangsuiPage.call('demo'));
    const [header, ...lines] = demo.entities_csv.trim().split('\n').map((l) => l.split(','));
    const areaOf = new Map(lines.map((l) => [l[header.indexOf('统一社会信用代码')], l[header.indexOf('所属区域')]]));
    const heads = await page.locator('#res-table thead th').allTextContents();
    assert.deepEqual(heads.slice(5, 7), ['所属区域', '信用风险等级']);
    let rows = await rowsShown(page);
    assert.equal(rows.length, 31);
    for (const r of rows) assert.equal(r.area, areaOf.get(r.code), r.code);

    // Cards: one per row, each field a label/value line; no code broken.
    const display = await page.$eval('#res-table tbody tr', (tr) => getComputedStyle(tr).display);
    assert.equal(display, 'block');
    // The column heads are for screen readers only: the cards label each line.
    assert.ok((await page.locator('#res-table thead').boundingBox()).height <= 1);
    assert.equal(await page.$eval('#res-table td[data-label=统一社会信用代码]', (td) => getComputedStyle(td, '::before').content), '"统一社会信用代码"');
    await oneLine(page, '#res-table td > code');
    await oneLine(page, '#res-table .team .code');
    const noSideScroll = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    assert.ok(noSideScroll, 'the page scrolls sideways on a phone');
    await shot(page, '#results', 'phone-result', 1800);

    // Search: by a name, by a code (lower case), by a 执法证号, none.
    const target = rows[4];
    await search(page, target.name);
    rows = await rowsShown(page);
    assert.ok(rows.length >= 1 && rows.every((r) => r.name.includes(target.name)), JSON.stringify(rows));
    assert.match(await page.textContent('[data-testid=res-found-n]'), new RegExp(`找到 ${rows.length} 户（共 31 户）`));
    await search(page, target.code.toLowerCase());
    rows = await rowsShown(page);
    assert.deepEqual(rows.map((r) => r.code), [target.code]);
    // The row keeps its place in the result (序号).
    assert.equal(await page.textContent('#res-table tbody td:first-child'), '5');
    const cert = await page.textContent('#res-table .team .code');
    await search(page, cert);
    rows = await rowsShown(page);
    assert.ok(rows.length >= 1 && rows.every((r) => r.team.includes(cert)), JSON.stringify(rows));
    await search(page, target.area);
    rows = await rowsShown(page);
    assert.ok(rows.length >= 1 && rows.every((r) => r.area === target.area), JSON.stringify(rows));
    await search(page, '没有这家企业');
    assert.match(await page.textContent('[data-testid=res-none]'), /^没有符合的结果/);
    assert.equal(await page.locator('#res-table tbody tr').count(), 0);
    await shot(page, '.res-search', 'phone-no-match', 260, true);
    await search(page, '');
    assert.equal((await rowsShown(page)).length, 31);
    assert.deepEqual(dialogs, []);
    await page.close();
  });

  test('laptop: the result as a table with its area columns', async () => {
    const page = await openPage(server.origin + '/index.html');
    await page.setViewportSize(LAPTOP);
    await drawDemo(page);
    assert.ok((await page.locator('#res-table thead').boundingBox()).height > 20);
    assert.equal(await page.$eval('#res-table tbody tr', (tr) => getComputedStyle(tr).display), 'table-row');
    await oneLine(page, '#res-table td > code');
    await shot(page, '#results', 'laptop-result', 1400);
    await search(page, '阜康市');
    await shot(page, '#results', 'laptop-search', 900);
    await page.close();
  });

  test('phone: the ledger as cards, case numbers and dates whole', async () => {
    const page = await openPage(server.origin + '/index.html');
    await page.setViewportSize(PHONE);
    await checkLedger(page);
    assert.equal(await page.$eval('#led-table tbody tr', (tr) => getComputedStyle(tr).display), 'block');
    assert.equal(await page.locator('#led-table tbody tr').count(), 3);
    await oneLine(page, '#led-table td.case-no code');
    await oneLine(page, '#led-table .date');
    const noSideScroll = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    assert.ok(noSideScroll, 'the page scrolls sideways on a phone');
    await shot(page, '#led-summary', 'phone-ledger-summary', 200);
    await shot(page, '#led-table', 'phone-ledger', 1400);
    await page.close();
  });

  test('Enter submits: seed boxes, page number, self-check code, deadline fields, ledger date; not in a textarea', async () => {
    let page = await openPage(server.origin + '/index.html');
    await loadDemo(page);
    // The last seed box: Enter draws.
    await page.focus('#seed-boxes input.ball >> nth=-1');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=draw-done]');
    assert.equal(await page.locator('#res-table tbody tr').count(), 31);

    // Self-check: the record from the draw, a drawn code, Enter.
    const record = await downloadText(page, '#dl-record');
    const file = join(work, 'layout-record.json');
    writeFileSync(file, record.bytes);
    const code = await page.textContent('#res-table td > code');
    await page.click('#tab-verify');
    await page.setInputFiles('[data-testid=verify-record]', file);
    await page.waitForSelector('.drop[data-slot=v-record].ok');
    await page.fill('#self-id', code);
    await page.press('#self-id', 'Enter');
    await page.waitForSelector('[data-testid=self-result] li');
    assert.match(await page.textContent('[data-testid=self-result]'), /被抽中/);

    // Deadline: Enter in the start date, then in the custom period.
    await page.click('#tab-deadline');
    await page.fill('[data-testid=due-start]', '2026-09-28');
    await page.selectOption('[data-testid=due-rule]', 'penalty-publicity');
    await page.press('[data-testid=due-start]', 'Enter');
    await page.waitForSelector('[data-testid=due-date]');
    assert.equal(await page.textContent('[data-testid=due-date]'), '2026-10-13');
    const dueOf = async (period) => {
      await page.evaluate(() => document.querySelector('#due-result').replaceChildren());
      await page.fill('[name=custom]', period);
      await page.press('[name=custom]', 'Enter');
      await page.waitForSelector('[data-testid=due-date], #due-result .error');
      return page.textContent('#due-result');
    };
    const digits = await dueOf('7个工作日');
    assert.match(digits, /截止日期：2026-10-13/);
    // "七个工作日" (issue 15): the same period, the same due date.
    assert.equal(await dueOf('七个工作日'), digits);
    assert.match(await dueOf('十五日'), /截止日期：2026-10-13/);
    assert.match(await dueOf('七七日'), /未知的规则/);

    // The ledger date.
    await checkLedger(page);
    assert.equal(await page.locator('#led-table tbody tr').count(), 3);

    assert.deepEqual(dialogs, []);
    await page.close();

    // A textarea keeps Enter for a new line (the task form's conflicts, on
    // a page without an announcement, which would fix the task).
    page = await openPage(server.origin + '/index.html');
    await page.check('input[name=taskmode][value=form]');
    await page.fill('textarea[name=conflicts]', '');
    await page.focus('textarea[name=conflicts]');
    await page.keyboard.type('a');
    await page.keyboard.press('Enter');
    await page.keyboard.type('b');
    assert.equal(await page.inputValue('textarea[name=conflicts]'), 'a\nb');
    assert.deepEqual(dialogs, []);
    await page.close();
  });

  test('a result of several pages: Enter in the page number, a search over every page', { skip: !existsSync(cli) && 'no CLI' }, async () => {
    // 3,000 entities, a fifth drawn: 600 rows, six pages of 100.
    const dir = join(work, 'layout-pages');
    mkdirSync(dir, { recursive: true });
    execFileSync(cli, ['gen', 'entities', '--count', '3000', '--seed', 'layout', '--out', join(dir, 'entities.csv')]);
    execFileSync(cli, ['gen', 'inspectors', '--count', '60', '--seed', 'layout', '--out', join(dir, 'inspectors.csv')]);
    writeFileSync(join(dir, 'task.toml'), 'name = "分页"\nitem = "企业公示信息检查"\ndraw_date = 2026-12-01\n'
      + '[[strata]]\nname = "全部"\nratio = "20%"\n[team]\nsize = 2\n');
    const page = await openPage(server.origin + '/index.html');
    await loadDrawInputs(page, { dir, seed: 'lottery:3 0 7' });
    await page.click('#run-draw');
    await page.waitForSelector('[data-testid=draw-done]');
    const top = '.pager[data-pager=top]';
    await page.fill(`${top} input`, '3');
    await page.press(`${top} input`, 'Enter');
    await page.waitForFunction(() => document.querySelector('#res-table tbody td').textContent === '201');
    assert.match(await page.textContent(`${top} .pager-status`), /第 201–300 户，共 600 户/);

    // A search finds rows on every page of the result, and pages them.
    const areas = await page.$$eval('#res-table td[data-attr=所属区域]', (tds) => tds.map((td) => td.textContent));
    const area = areas[0];
    await search(page, area);
    const found = Number((await page.textContent('[data-testid=res-found-n]')).match(/找到 (\d+) 户/)[1]);
    assert.ok(found > 0 && found < 600, String(found));
    const nos = (await page.locator('#res-table tbody td:first-child').allTextContents()).map(Number);
    assert.equal(nos.length, Math.min(found, 100));
    assert.ok(nos.every((n, i) => i === 0 || n > nos[i - 1]), 'rows in the order of the result');
    assert.ok((await rowsShown(page)).every((r) => r.area === area));
    assert.match(await page.textContent(`${top} .pager-status`), new RegExp(`共 ${found} 户`));
    assert.equal(await page.isVisible(top), found > 100);
    await page.close();
  });

  test('English mode is English, Chinese mode is Chinese, on every tab', async () => {
    const page = await openPage(server.origin + '/index.html');
    await page.setViewportSize(LAPTOP);
    await drawDemo(page);
    const record = await downloadText(page, '#dl-record');
    const file = join(work, 'layout-record-2.json');
    writeFileSync(file, record.bytes);
    const code = await page.textContent('#res-table td > code');
    await page.click('#tab-verify');
    await page.setInputFiles('[data-testid=verify-record]', file);
    await page.waitForSelector('.drop[data-slot=v-record].ok');
    await page.fill('#self-id', code);
    await page.press('#self-id', 'Enter');
    await page.waitForSelector('[data-testid=self-result] li');
    await page.click('#tab-deadline');
    await page.fill('[data-testid=due-start]', '2026-09-28');
    await page.fill('[name=custom]', '七个工作日');
    await page.press('[name=custom]', 'Enter');
    await page.waitForSelector('[data-testid=due-date]');
    await checkLedger(page);

    const texts = async (mode) => {
      const out = {};
      for (const tab of ['draw', 'verify', 'deadline']) {
        await page.click('#tab-' + tab);
        out[tab] = await page.evaluate(visibleTexts, mode);
      }
      return out;
    };
    const zh = await texts('zh');
    for (const [tab, list] of Object.entries(zh)) {
      assert.ok(list.length > 20, `${tab}: ${list.length} texts`);
      assert.deepEqual(list.filter((x) => ENGLISH.test(x)), [], `English sentences on the ${tab} tab in Chinese mode`);
    }
    await page.click('#lang');
    // The switch redraws what was shown (the deadline, the ledger, the
    // self-check) from the worker.
    await page.waitForFunction(() => /Due date/.test(document.querySelector('#due-result').textContent));
    await page.waitForFunction(() => /Drawn: the record lists this code/.test(document.querySelector('[data-testid=self-result]').textContent));
    const en = await texts('en');
    // Values from the user's files quoted inside the core's sentences (the
    // task's name, the strata and their attribute, as in “信用风险等级=A”)
    // are data, not the page's words.
    const rec = JSON.parse(record.bytes.toString('utf8'));
    const data = [rec.task.name, ...rec.strata.flatMap((s) => [s.name, ...s.name.split(/[=<>≤≥,]/)])]
      .filter(Boolean).sort((a, b) => b.length - a.length);
    const words = (x) => data.reduce((t, d) => t.split(d).join(''), x);
    for (const [tab, list] of Object.entries(en)) {
      assert.ok(list.length > 20, `${tab}: ${list.length} texts`);
      assert.deepEqual(list.filter((x) => CJK.test(words(x))), [], `Chinese text on the ${tab} tab in English mode`);
    }
    // The ledger's rule and note columns, the task status line.
    assert.deepEqual([...new Set(await page.locator('#led-table td[data-label=Rule]').allTextContents())], ['publish penalty result']);
    assert.match(await page.locator('#led-table td.note').first().textContent(), /working days? past the due date/);
    assert.match(await page.textContent('#due-result'), /Due date: 2026-10-13/);
    await page.click('#tab-draw');
    assert.match(await page.textContent('#task-status'), /^Task valid: /);
    assert.equal(await page.textContent('#res-table thead th:nth-child(6)'), 'Area');
    await shot(page, '#results', 'laptop-result-en', 1200);
    await page.click('#tab-deadline');
    await page.screenshot({ path: join(artifacts, 'layout-laptop-deadline-en.png'), fullPage: true });
    await page.setViewportSize(PHONE);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(artifacts, 'layout-phone-deadline-en.png'), fullPage: true });
    await page.click('#lang');
    assert.deepEqual(dialogs, []);
    await page.close();
  });

  test('the sticky tab bar covers nothing scrolled to', async () => {
    const page = await openPage(server.origin + '/index.html');
    await checkLedger(page);
    for (const size of [PHONE, LAPTOP]) {
      await page.setViewportSize(size);
      // Scrolled to from below, as the keyboard's focus and find-in-page
      // scroll (the nearest edge: the top), and to the start of a section,
      // as a link to it does: below the bar, not under it.
      const under = await page.evaluate(() => {
        const bar = () => document.querySelector('.tabs').getBoundingClientRect().bottom;
        const out = [];
        for (const [sel, block] of [['[data-testid=due-start]', 'nearest'], ['#h-ledger', 'start'], ['#led-table tbody tr', 'start']]) {
          window.scrollTo(0, document.documentElement.scrollHeight);
          const el = document.querySelector(sel);
          el.scrollIntoView({ block });
          const top = el.getBoundingClientRect().top;
          if (top < bar()) out.push(`${sel}: top ${top}, the bar ends at ${bar()}`);
        }
        return out;
      });
      assert.deepEqual(under, [], `${size.width}px`);
      await page.screenshot({ path: join(artifacts, `layout-${size.width}-scrolled-to-ledger.png`) });
    }
    await page.close();
  });
});
