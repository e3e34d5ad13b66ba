// The holiday notice pasted as text (issue 16): in the 期限 tab, a year the
// calendar lacks opens the paste box; the notice read by the core shows its
// months and a summary; 「使用此日历」 makes the deadline computable at once,
// and the downloaded file is the one `shuangsui calendar import` writes. A
// notice with a wrong weekday is refused in Chinese, naming the item.
// Screenshots: tests/artifacts/import-*.png.
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts, cli } from './paths.mjs';
import { downloadText, openPage, server, useBrowser } from './harness.mjs';

const notices = new URL('../../core/tests/fixtures/notices/', import.meta.url);
const notice2027 = new URL('cn-2027-test.txt', notices);
const text2027 = readFileSync(notice2027, 'utf8');

async function dueFor(page, start, custom) {
  await page.click('#tab-deadline');
  await page.fill('[data-testid=due-start]', start);
  await page.fill('[name=custom]', custom);
  await page.click('#run-due');
}

describe('pasting a holiday notice', () => {
  useBrowser();

  test('a 2027 notice pasted and used makes 2026-12-28 + 7 working days computable', async () => {
    const page = await openPage(server.origin + '/index.html');
    await dueFor(page, '2026-12-28', '7个工作日');
    await page.waitForSelector('#due-result .error');
    assert.match(await page.textContent('#due-result'), /2027/);
    // The error points to the paste box, which opens by itself.
    assert.match(await page.textContent('#due-result'), /粘贴节假日安排通知/);
    assert.equal(await page.getAttribute('#notice-import', 'open'), '');

    await page.fill('[data-testid=notice-text]', text2027);
    await page.click('[data-testid=read-notice]');
    await page.waitForSelector('[data-testid=notice-ok]');
    const ok = await page.textContent('[data-testid=notice-ok]');
    assert.match(ok, /国务院办公厅关于2027年部分节假日安排的通知/);
    assert.match(ok, /国办发明电〔2026〕99号/);
    assert.match(ok, /2026-11-04/);
    assert.equal(await page.textContent('[data-testid=notice-total]'), '合计：放假 28 天，调休上班 5 天。');
    const holidays = await page.$$eval('[data-testid=notice-holiday]', (li) => li.map((x) => x.textContent));
    assert.equal(holidays.length, 7);
    assert.equal(holidays[1], '春节：2027-02-05 至 2027-02-20，放假 8 天，调休上班 1 天');
    // The months it touches, drawn from the core's grids.
    assert.equal(await page.locator('#notice-months table.month').count(), 7);
    assert.equal(await page.locator('#notice-months td.holiday_off[data-date="2027-01-01"]').count(), 1);
    assert.equal(await page.locator('#notice-months td.make_up_working[data-date="2027-02-20"]').count(), 1);
    assert.equal(await page.locator('#notice-months td.weekend[data-date="2027-02-13"]').count(), 1);
    await page.locator('#notice-import').screenshot({ path: join(artifacts, 'import-read.png') });

    // The file as the command line writes it.
    const file = await downloadText(page, '[data-testid=dl-imported]');
    assert.equal(file.name, 'cn-2027.csv');
    if (existsSync(cli)) {
      const fromCli = execFileSync(cli, ['calendar', 'import', notice2027.pathname], { stdio: ['ignore', 'pipe', 'ignore'] });
      assert.equal(file.bytes.toString('utf8'), fromCli.toString('utf8'));
    }

    await page.click('[data-testid=use-imported]');
    assert.match(await page.textContent('[data-testid=notice-used]'), /已使用 cn-2027\.csv/);
    assert.match(await page.textContent('#due-calendars-status'), /cn-2027\.csv/);
    await page.click('#run-due');
    await page.waitForSelector('[data-testid=due-date]');
    assert.equal(await page.textContent('[data-testid=due-date]'), '2027-01-07');
    await page.screenshot({ path: join(artifacts, 'import-used.png'), fullPage: true });

    // English mode: the summary in English, holiday names too.
    await page.click('#lang');
    await page.waitForFunction(() => /Total: 28 days off/.test(document.querySelector('[data-testid=notice-total]').textContent));
    const en = await page.$$eval('[data-testid=notice-holiday]', (li) => li.map((x) => x.textContent));
    assert.equal(en[1], 'Spring Festival: 2027-02-05 to 2027-02-20, 8 day(s) off, 1 make-up working day(s)');
    assert.match(await page.textContent('[data-testid=notice-used]'), /cn-2027\.csv is in use/);
    assert.match(await page.textContent('#notice-import summary'), /^No calendar file for the year\?/);
    await page.locator('#notice-import').screenshot({ path: join(artifacts, 'import-en.png') });
    await page.close();
  });

  test('a notice with a wrong weekday is refused, naming the item; nothing can be used', async () => {
    const page = await openPage(server.origin + '/index.html');
    await page.click('#tab-deadline');
    await page.click('#notice-import summary');
    await page.click('[data-testid=read-notice]');
    assert.match(await page.textContent('#notice-result'), /请先把通知全文粘贴到上面的框里/);
    const bad = text2027.replace('4月25日（周日）', '4月25日（周六）');
    await page.fill('[data-testid=notice-text]', bad);
    await page.click('[data-testid=read-notice]');
    await page.waitForSelector('#notice-result .error');
    const msg = await page.textContent('#notice-result .error');
    assert.match(msg, /通知第“四”项无法采用/);
    assert.match(msg, /2027-04-25 是星期日，通知却写作星期六/);
    assert.doesNotMatch(msg, /[A-Za-z]{4,}/, 'no English words in Chinese mode');
    assert.equal(await page.isDisabled('[data-testid=use-imported]'), true);
    assert.equal(await page.isDisabled('[data-testid=dl-imported]'), true);
    assert.equal(await page.locator('#notice-months table').count(), 0);
    await page.locator('#notice-import').screenshot({ path: join(artifacts, 'import-error.png') });
    await page.close();
  });

  test('a regional notice sets the region when used', async () => {
    const page = await openPage(server.origin + '/index.html');
    await page.click('#tab-deadline');
    await page.click('#notice-import summary');
    await page.fill('[data-testid=notice-text]', readFileSync(new URL('xinjiang-2025.txt', notices), 'utf8'));
    await page.click('[data-testid=read-notice]');
    await page.waitForSelector('[data-testid=notice-ok]');
    assert.equal(await page.textContent('[data-testid=notice-total]'), '合计：放假 8 天，调休上班 0 天。');
    await page.click('[data-testid=use-imported]');
    assert.equal(await page.inputValue('[data-testid=due-region]'), 'xinjiang');
    await dueFor(page, '2025-03-28', '1个工作日');
    await page.waitForSelector('[data-testid=due-date]');
    // 3-29..3-31 肉孜节 (the imported file), so the next working day is 4-1.
    assert.equal(await page.textContent('[data-testid=due-date]'), '2025-04-01');
    await page.close();
  });
});
