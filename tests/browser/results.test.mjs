// The inspection-results ledger on the page (issue 17, SPEC §16.8): after
// the demo's draw the page offers 台账.xlsx and 台账.csv, byte for byte the
// command line's; a copy filled in with mixed statuses and tampered with
// (an entity dropped, one added, a team changed) goes into the 期限 tab
// with the record; the page shows each row's two statuses, the record
// check, the figures — the same as `shuangsui ledger --record` — and the
// charts, in Chinese and in English. Screenshots:
// tests/artifacts/results-*.png.
//
// Needs `scripts/build-web` (web/dist) and the CLI binary (SHUANGSUI_CLI).
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts, cli } from './paths.mjs';
import { demoInputs } from './fixtures.mjs';
import { dialogs, downloadText, draw, loadDrawInputs, openPage, outside, server, useBrowser, work } from './harness.mjs';

const demo = demoInputs(join(work, 'results-demo'));
const TODAY = '2026-12-31';

// The fill-in cells (检查日期 … 备注) by entity index in draw order, as in
// cli/tests/cli_results.rs, whose hand count the figures below repeat.
const FILLS = {
  0: ['2026-12-01', '未发现问题', '', '', '', '2026-12-20', '', ''],
  1: ['2026-12-01', '未按规定公示年报信息', '列入经营异常名录', '', '', '2026-12-30', '', ''],
  2: ['2026-12-01', '发现问题已责令整改', '', '', '', '', '', ''],
  3: ['2026-12-28', '', '', '', '', '', '', ''],
  4: ['2026-12-02', '发现违法行为已立案', '立案调查', '2026-12-10', '', '2026-12-15', '', ''],
  5: ['2026-12-02', '发现违法行为已立案', '立案调查', '2026-12-15', '2026-12-22', '2026-12-15', '', ''],
  6: ['2026-13-01', '未发现问题', '', '', '', '', '', ''],
  7: ['2026-12-03', '发现违法行为已立案', '罚款', '2026-12-10', '2026-12-10', '2026-12-16', '2026-12-18', ''],
  11: ['2026-12-15', '未发现问题', '', '', '', '', '', ''],
  12: ['2026-12-01', '通过登记的住所(经营场所)无法联系', '列入经营异常名录', '', '', '2026-12-29', '', '已电话核实'],
};

// The blank ledger filled in: entity 9 dropped, entity 10's leader
// replaced, a copy of entity 30 with another code added at the end.
function filledLedger(blank) {
  const lines = blank.replace(/^\ufeff/, '').trim().split(/\r?\n/).map((l) => l.split(','));
  const [header, ...rows] = lines;
  for (const [i, cells] of Object.entries(FILLS)) cells.forEach((v, k) => { rows[i][12 + k] = v; });
  rows[10][7] = 'ZF65230299999';
  const added = rows[30].slice();
  added[4] = '91652302MA000000X1';
  rows.push(added);
  rows.splice(9, 1);
  return { codes: lines.slice(1).map((r) => r[4]), text: '\ufeff' + [header, ...rows].map((r) => r.join(',')).join('\r\n') + '\r\n' };
}

describe('the inspection-results ledger', () => {
  useBrowser();

  test('from the draw to the figures and charts, as the command line counts', async () => {
    const page = await openPage(server.origin + '/index.html');
    await loadDrawInputs(page, demo);
    await draw(page);

    // The blank ledger: the command line's bytes.
    const xlsx = await downloadText(page, '#dl-results-xlsx');
    assert.equal(xlsx.name, '台账.xlsx');
    assert.ok(xlsx.bytes.equals(readFileSync(join(demo.dir, '台账.xlsx'))), '台账.xlsx differs from the command line\'s');
    const csv = await downloadText(page, '#dl-results-csv');
    assert.equal(csv.name, '台账.csv');
    assert.ok(csv.bytes.equals(readFileSync(join(demo.dir, '台账.csv'))), '台账.csv differs from the command line\'s');

    const { codes, text } = filledLedger(csv.bytes.toString('utf8'));
    const ledger = join(work, '填报台账.csv');
    writeFileSync(ledger, text);

    await page.click('#tab-deadline');
    await page.setInputFiles('[data-testid=ledger-file]', ledger);
    await page.waitForSelector('.drop[data-slot=ledger].ok');
    await page.setInputFiles('[data-testid=ledger-record]', join(demo.dir, 'notice.html'));
    await page.waitForSelector('.drop[data-slot=led-record].ok');
    await page.fill('#led-today', TODAY);
    await page.click('#run-ledger');
    await page.waitForSelector('[data-testid=results-overdue]');

    assert.equal(await page.textContent('[data-testid=results-overdue]'), '有逾期未公示 2');
    assert.equal(await page.textContent('[data-testid=results-errors]'), '数据有误 1');
    assert.equal(await page.textContent('[data-testid=results-calendar-missing]'), '待补日历 2');
    assert.equal(await page.textContent('[data-testid=results-closed]'), '已办结 4');
    assert.match(await page.textContent('[data-testid=results-calendar-hint]'), /补充日历文件/);

    // The record check: the dropped, the changed team, the added.
    const problems = await page.locator('#led-record-check li').evaluateAll((ls) => ls.map((l) => [l.dataset.problem, l.textContent]));
    assert.deepEqual(problems.map((p) => p[0]), ['missing', 'team_changed', 'added']);
    assert.match(problems[0][1], new RegExp(`抽中的检查对象 ${codes[9]}（.*）不在台账中`));
    assert.match(problems[1][1], /第 11 行 .* 的检查组与抽取结果不同/);
    assert.match(problems[2][1], /第 32 行的 91652302MA000000X1 不是本次抽中的检查对象/);

    // Each row's two statuses, by code.
    const status = async (i) => {
      const row = page.locator(`#led-table tr[data-code="${codes[i]}"]`);
      return [await row.locator('td').nth(5).getAttribute('data-status'), await row.locator('td').nth(6).getAttribute('data-status'),
        (await row.locator('td').nth(5).textContent()).trim(), (await row.locator('td').nth(6).textContent()).trim()];
    };
    assert.deepEqual(await status(0), ['on_time', 'not_started', '按时公示', '无处罚']);
    assert.deepEqual(await status(1), ['late', 'not_started', '逾期公示 晚1个工作日', '无处罚']);
    assert.deepEqual(await status(2), ['overdue', 'not_started', '逾期未公示 2个工作日', '无处罚']);
    assert.deepEqual(await status(3), ['calendar_missing', 'not_started', '待补日历 缺2027年日历', '无处罚']);
    assert.deepEqual(await status(4), ['on_time', 'overdue', '按时公示', '逾期未公示 8个工作日']);
    assert.deepEqual(await status(5), ['on_time', 'pending', '按时公示', '待公示 还有0个工作日']);
    assert.deepEqual((await status(6)).slice(0, 2), ['error', 'not_started']);
    assert.deepEqual(await status(7), ['on_time', 'on_time', '按时公示', '按时公示']);
    assert.match(await page.locator(`#led-table tr[data-code="${codes[6]}"] td.note`).textContent(), /检查日期：.*13 月/);

    // The figures: the page's table is the command line's, cell for cell.
    const table = await page.locator('#led-figures tbody tr').evaluateAll((rs) => rs.map((r) => [...r.cells].map((c) => c.textContent)));
    assert.deepEqual(table[0], ['合计', '合计', '31', '9', '6', '5', '1', '1', '71.4%', '6', '3', '1', '4']);
    // (exit code 1: rows are overdue)
    const run = spawnSync(cli, ['--format', 'csv', 'ledger', ledger, '--today', TODAY, '--figures'], { encoding: 'utf8' });
    assert.equal(run.status, 1, run.stderr);
    const cliFigures = run.stdout.trim().split(/\r?\n/).slice(1).map((l) => l.split(','));
    assert.deepEqual(table, cliFigures);
    assert.ok(table.some((r) => r.join(',') === '分层,信用风险等级=A,3,3,2,1,1,1,33.3%,2,0,0,2'));

    // The charts: on-time rate per stratum, statuses, penalties.
    const captions = await page.locator('#led-charts figcaption').allTextContents();
    assert.deepEqual(captions, ['检查结果按时公示率（分层）', '检查结果公示状态（共 31 户）', '处罚结果公示状态（共 3 件处罚）']);
    const labels = await page.locator('[data-testid=chart-rate-stratum] .bar-label').allTextContents();
    assert.deepEqual(labels, ['合计', '信用风险等级=A', '信用风险等级=B', '信用风险等级=C', '信用风险等级=D']);
    const values = await page.locator('[data-testid=chart-rate-stratum] .bar-value').allTextContents();
    assert.deepEqual(values, ['71.4%（5/7）', '33.3%（1/3）', '100.0%（3/3）', '100.0%（1/1）', '暂无到期的检查结果']);
    const counts = await page.locator('[data-testid=chart-status] .bar-value').allTextContents();
    assert.deepEqual(counts, ['5', '0', '1', '1', '2', '1', '21']);
    const widths = await page.locator('[data-testid=chart-rate-stratum] rect:nth-of-type(2n)').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('width'))));
    assert.deepEqual(widths, [236, 110, 330, 330, 0]); // 330 px × 71.4%, 33.3%, 100%, 100%, none due
    await page.locator('#panel-deadline section[aria-labelledby=h-ledger]').screenshot({ path: join(artifacts, 'results-zh.png') });
    await page.locator('#led-charts').screenshot({ path: join(artifacts, 'results-charts-zh.png') });
    // The top of the section as a user sees it first: summary, record check.
    await page.evaluate(() => document.querySelector('#h-ledger').scrollIntoView());
    const box = await page.locator('#panel-deadline section[aria-labelledby=h-ledger]').boundingBox();
    await page.screenshot({ path: join(artifacts, 'results-top-zh.png'), clip: { x: box.x, y: Math.max(0, box.y), width: box.width, height: 880 } });

    // The report downloads, the figures as their own CSV.
    const figures = await downloadText(page, '#dl-ledger-figures');
    assert.equal(figures.name, 'results-figures.csv');
    assert.match(figures.bytes.toString('utf8'), /^\ufeff维度,分组,抽取,/);
    const report = await downloadText(page, '#dl-ledger-xlsx');
    assert.equal(report.name, 'results-ledger-report.xlsx');

    // In English: every word of the page's own in English.
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    assert.equal(await page.textContent('[data-testid=results-overdue]'), 'with an overdue publication 2');
    const enCaptions = await page.locator('#led-charts figcaption').allTextContents();
    assert.deepEqual(enCaptions, ['Inspection results published on time (stratum)', 'Inspection results by publication status (31 entities)', 'Penalties by publication status (3 penalties)']);
    assert.deepEqual((await status(1)).slice(2), ['published 1 working day late', 'no penalty']);
    const enProblems = await page.locator('#led-record-check li').allTextContents();
    assert.match(enProblems[0], new RegExp(`^drawn entity ${codes[9]} \\(.*\\) is not in the ledger$`));
    assert.match(enProblems[2], /^row 32: 91652302MA000000X1 was not drawn in this draw$/);
    assert.match(await page.textContent('#led-record-check h3'), /^Check against the draw record$/);
    // A row's note names the column as the file's header names it.
    assert.match(await page.locator(`#led-table tr[data-code="${codes[6]}"] td.note`).textContent(), /^检查日期: "2026-13-01": month 13 does not exist/);
    const enValues = await page.locator('[data-testid=chart-rate-stratum] .bar-value').allTextContents();
    assert.deepEqual(enValues.slice(0, 2), ['71.4% (5/7)', '33.3% (1/3)']);
    const enTable = await page.locator('#led-figures tbody tr').first().evaluate((r) => [...r.cells].map((c) => c.textContent));
    assert.deepEqual(enTable.slice(0, 2), ['total', 'total']);
    const ui = await page.evaluate(() => {
      const s = document.querySelector('#panel-deadline section[aria-labelledby=h-ledger]').cloneNode(true);
      // Data values may be Chinese: names, codes, results as written, strata, the task, file names.
      for (const el of s.querySelectorAll('[lang=zh-CN], .drop .status, #led-record-check, .bar-label, td.note')) el.remove();
      return s.textContent;
    });
    assert.doesNotMatch(ui, /[\u4e00-\u9fff]/, ui.match(/.{0,30}[\u4e00-\u9fff].{0,30}/)?.[0]);
    await page.locator('#panel-deadline section[aria-labelledby=h-ledger]').screenshot({ path: join(artifacts, 'results-en.png') });
    await page.locator('#led-charts').screenshot({ path: join(artifacts, 'results-charts-en.png') });

    assert.deepEqual(dialogs, []);
    assert.deepEqual(outside, []);
    await page.close();
  });
});
