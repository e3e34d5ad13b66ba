// The wrong file in each box (issue 15): every box of the page that takes a
// file — the draw tab's directories, exclusion list, task file and
// announcement; the verify tab's record, directories, exclusion list and
// announcement; the 期限 tab's ledger and calendar files — is given each of
// the files a user mixes up (the other directory, the result table as CSV
// and Excel, the record, the announcement, the notice, a screenshot, an
// empty file). Each must be refused in that box with a Chinese message that
// names the box and says what the file is, with no green box and no English
// sentence. A GBK ledger and an Excel ledger are checked on the page with
// the command line's result; the calendar error points to the page's
// 「补充日历文件」 box. Screenshots: tests/artifacts/files-*.png.
//
// Needs `scripts/build-web` (web/dist) and the CLI binary (SHUANGSUI_CLI).
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts, cli } from './paths.mjs';
import { demoInputs } from './fixtures.mjs';
import { openPage, server, useBrowser, work } from './harness.mjs';
import { workbook } from './xlsx.mjs';

const demo = demoInputs(join(work, 'files-demo'));

// A 1×1 PNG, as a screenshot saved by mistake.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

// The files users mix up, by name (each a file in demo.dir).
function wrongFiles() {
  writeFileSync(join(demo.dir, 'screenshot.png'), PNG);
  writeFileSync(join(demo.dir, 'empty.csv'), '');
  const names = ['entities.csv', 'inspectors.csv', 'result.csv', 'result.xlsx', 'record.json',
    'announcement.json', 'notice.html', 'screenshot.png', 'empty.csv'];
  return names.filter((n) => existsSync(join(demo.dir, n)));
}

// Every box: its tab, its file input, where its message appears, the label
// the message names it by, and the files among wrongFiles() it takes.
const BOXES = [
  { tab: 'draw', input: '[data-testid=entities-file]', status: '.drop[data-slot=entities]', label: '「检查对象名录库」', takes: 'entities.csv' },
  { tab: 'draw', input: '[data-testid=inspectors-file]', status: '.drop[data-slot=inspectors]', label: '「执法检查人员名录库」', takes: 'inspectors.csv' },
  { tab: 'draw', input: '[data-testid=exclusions-file]', status: '.drop[data-slot=exclusions]', label: '「排除名单」' },
  { tab: 'draw', input: '[data-testid=task-file]', status: '.drop[data-slot=taskfile]', label: '「任务文件」' },
  { tab: 'draw', input: '[data-testid=announcement-file]', status: '#ann-status', label: '「抽查公告」', takes: 'announcement.json' },
  { tab: 'verify', input: '[data-testid=verify-record]', status: '.drop[data-slot=v-record]', label: '「抽取记录」', takes: ['record.json', 'notice.html'] },
  { tab: 'verify', input: '[data-testid=self-record]', status: '.drop[data-slot=self-record]', label: '「抽取记录」', takes: ['record.json', 'notice.html'] },
  { tab: 'verify', input: '[data-testid=verify-entities]', status: '.drop[data-slot=v-entities]', label: '「检查对象名录库」', takes: 'entities.csv' },
  { tab: 'verify', input: '[data-testid=verify-inspectors]', status: '.drop[data-slot=v-inspectors]', label: '「执法检查人员名录库」', takes: 'inspectors.csv' },
  { tab: 'verify', input: '[data-testid=verify-exclusions]', status: '.drop[data-slot=v-exclusions]', label: '「排除名单」' },
  { tab: 'verify', input: '[data-testid=verify-announcement]', status: '.drop[data-slot=v-announcement]', label: '「抽查公告」', takes: 'announcement.json' },
  { tab: 'deadline', input: '[data-testid=ledger-file]', status: '.drop[data-slot=ledger]', label: '「台账」' },
  { tab: 'deadline', input: '[data-testid=due-calendars]', status: '#due-cal-status', label: '「补充日历文件」' },
];

// What may appear in Latin letters in a Chinese message: file names, the
// calendar file's own syntax in backquotes, and names of formats and
// programs.
function englishIn(text) {
  const rest = text
    .replace(/`[^`]*`/g, '')
    .replace(/[\w.-]*\.(csv|json|html|xlsx|xls|toml|png)\b/g, '')
    .replace(/\b(shuangsui|www\.gov\.cn|PDF|Word|Excel|WPS|CSV|UTF-8|GBK|zip)\b/g, '');
  return rest.match(/[A-Za-z]{3,}/g) || [];
}

async function statusText(page, box) {
  const sel = box.status.startsWith('#') ? box.status : `${box.status} .status`;
  return page.textContent(sel);
}

describe('the wrong file in each box', () => {
  useBrowser();

  test('every box refuses every file it does not take, in Chinese, naming the box', async () => {
    const page = await openPage(server.origin + '/index.html');
    await page.check('input[name=taskmode][value=file]');
    const files = wrongFiles();
    assert.ok(files.length >= 7, files.join(' '));
    let refused = 0;
    for (const box of BOXES) {
      await page.click(`#tab-${box.tab}`);
      for (const name of files) {
        if ([box.takes].flat().includes(name)) continue;
        await page.setInputFiles(box.input, join(demo.dir, name));
        const sel = box.status.startsWith('#') ? box.status : `${box.status} .status`;
        await page.waitForFunction(([s, label, file]) => {
          const t = document.querySelector(s)?.textContent || '';
          return t.includes(label) && t.includes(file);
        }, [sel, box.label, name], { timeout: 10000 }).catch(async () => {
          assert.fail(`${name} in ${box.label} (${box.tab}): ${await statusText(page, box)}`);
        });
        const text = await statusText(page, box);
        assert.match(text, /放入的文件是/, `${name} in ${box.label}: ${text}`);
        assert.match(text, /不是所需的文件/, `${name} in ${box.label}: the kind's Chinese name`);
        assert.deepEqual(englishIn(text), [], `${name} in ${box.label}: English in ${text}`);
        if (box.status.startsWith('.drop')) {
          assert.equal(await page.locator(`${box.status}.ok`).count(), 0, `${name} in ${box.label}: a green box`);
        }
        assert.equal(await page.locator(`${box.status} .adv[open]`).count(), 0, `${name} in ${box.label}: the column mapping offered`);
        refused++;
        if (name === 'entities.csv' && box.label === '「排除名单」' && box.tab === 'draw') {
          assert.match(text, /检查对象名录库（含统一社会信用代码、企业名称、信用风险等级等列，300 行），不是排除名单；请把它放入「检查对象名录库」处/);
          await page.screenshot({ path: join(artifacts, 'files-draw-exclusions.png'), fullPage: true });
        }
        if (name === 'entities.csv' && box.label === '「执法检查人员名录库」' && box.tab === 'draw') {
          assert.match(text, /请把它放入「检查对象名录库」处/);
        }
        if (name === 'result.xlsx' && box.label === '「检查对象名录库」' && box.tab === 'verify') {
          assert.match(text, /抽取结果表（含分层、抽签值、检查组长等列，\d+ 行）/);
          await page.screenshot({ path: join(artifacts, 'files-verify-entities.png'), fullPage: true });
        }
        if (name === 'empty.csv' && box.label === '「任务文件」') {
          assert.match(text, /空文件/);
        }
      }
    }
    assert.ok(refused >= 90, `${refused} refusals`);
    await page.screenshot({ path: join(artifacts, 'files-deadline.png'), fullPage: true });
    // The right files still go in, after the wrong ones.
    await page.click('#tab-draw');
    await page.setInputFiles('[data-testid=entities-file]', join(demo.dir, 'entities.csv'));
    await page.waitForSelector('.drop[data-slot=entities].ok');
    await page.setInputFiles('[data-testid=task-file]', join(demo.dir, 'task.toml'));
    await page.waitForSelector('#task-status .ok');
    await page.close();
  });

  test('in English, the refusal is English', async () => {
    const page = await openPage(server.origin + '/index.html');
    await page.click('#lang');
    await page.setInputFiles('[data-testid=exclusions-file]', join(demo.dir, 'entities.csv'));
    await page.waitForSelector('.drop[data-slot=exclusions] .error');
    const text = await page.textContent('.drop[data-slot=exclusions] .status');
    assert.match(text, /^Error entities\.csv: The file put into “Exclusion list” is an entity directory \(columns 统一社会信用代码, 企业名称, 信用风险等级…, 300 rows\), not an exclusion list; put it into “Entity directory” instead\./);
    // Only the header names (data) are Chinese.
    const words = text.replace(/统一社会信用代码|企业名称|信用风险等级/g, '');
    assert.doesNotMatch(words, /[\u4e00-\u9fff]/, text);
    await page.screenshot({ path: join(artifacts, 'files-english.png'), fullPage: true });
    await page.close();
  });

  test('a GBK ledger and an Excel ledger give the command line\'s result; a missing year points to 「补充日历文件」', { skip: !existsSync(cli) && 'no CLI' }, async () => {
    const rows = [
      ['案件编号', '当事人', '决定日期', '生效日期', '公示日期'],
      ['A-1', '甲公司', '2026-09-20', '2026-09-28', '2026-10-14'],
      ['A-2', '乙公司', '2026-09-20', '2026-09-28', ''],
      ['A-3', '丙公司', '2026-09-20', '2026-09-28', '2026-09-30'],
      ['A-4', '丁公司', '2026-13-01', '2026-09-28', ''],
    ];
    const utf8 = join(work, 'ledger-utf8.csv');
    writeFileSync(utf8, rows.map((r) => r.join(',')).join('\r\n') + '\r\n');
    const gbk = join(work, '台账-gbk.csv');
    writeFileSync(gbk, execFileSync('python3', ['-c',
      'import sys; sys.stdout.buffer.write(open(sys.argv[1], encoding="utf-8").read().encode("gbk"))', utf8]));
    const xlsx = join(work, '台账.xlsx');
    writeFileSync(xlsx, workbook([['案件台账', [['2026年案件台账（导出）'], [], ...rows]]]));
    const page = await openPage(server.origin + '/index.html');
    await page.click('#tab-deadline');
    await page.fill('#led-today', '2026-10-20');
    for (const file of [gbk, xlsx]) {
      let cliJson;
      try {
        cliJson = execFileSync(cli, ['--format', 'json', 'ledger', file, '--today', '2026-10-20'], { encoding: 'utf8' });
      } catch (e) {
        cliJson = e.stdout; // overdue cases exit non-zero
      }
      const summary = JSON.parse(cliJson).summary;
      await page.setInputFiles('[data-testid=ledger-file]', file);
      await page.waitForSelector('.drop[data-slot=ledger].ok');
      await page.click('#run-ledger');
      await page.waitForFunction(() => document.querySelectorAll('#led-table tbody tr').length === 4, null, { timeout: 10000 })
        .catch(async () => assert.fail(`${file}: ${await page.textContent('#led-summary')}`));
      for (const [k, id] of [['overdue', 'overdue'], ['errors', 'error'], ['late', 'late'], ['on_time', 'on_time'], ['pending', 'pending']]) {
        const chip = await page.textContent(`[data-testid=ledger-${id}]`);
        assert.match(chip, new RegExp(` ${summary[k]}$`), `${file} ${k}: ${chip} vs the CLI's ${summary[k]}`);
      }
      assert.equal(summary.total, 4);
      assert.deepEqual(
        await page.$$eval('#led-table tbody tr td:nth-child(2)', (tds) => tds.map((td) => td.textContent).sort()),
        ['A-1', 'A-2', 'A-3', 'A-4'],
      );
    }
    await page.screenshot({ path: join(artifacts, 'files-ledger.png'), fullPage: true });

    // A deadline in a year the calendar lacks.
    await page.fill('[data-testid=due-start]', '2031-03-02');
    await page.selectOption('[data-testid=due-rule]', 'penalty-publicity');
    await page.click('#run-due');
    await page.waitForSelector('#due-result .error');
    const text = await page.textContent('#due-result');
    assert.match(text, /2031 年/);
    assert.match(text, /国务院办公厅/);
    assert.match(text, /「补充日历文件」/);
    assert.doesNotMatch(text, /SPEC/);
    assert.deepEqual(englishIn(text), [], text);
    await page.screenshot({ path: join(artifacts, 'files-calendar.png'), fullPage: true });
    await page.close();
  });
});
