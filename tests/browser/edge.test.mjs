// Near the end of the calendar (issue 16) on the page: the calendar's
// coverage and, from 1 November, that next year's notice is due; the note
// of a deadline in the last covered December; a ledger case whose period
// runs into 2027 shown as 待补日历 with the working days counted so far;
// a GBK calendar file for 2027 that turns it into an ordinary case; the
// same in English. The page's clock is fixed (Asia/Shanghai 2026-12-03,
// then 2026-06-01), since the page takes "today" from it.
// Screenshots: tests/artifacts/edge-*.png.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts } from './paths.mjs';
import { useBrowser, openPage, context, server, work, dialogs } from './harness.mjs';

/** A 2027 calendar file with 元旦 2027-01-01..03, `holiday` the name's bytes. */
function cn2027(holiday) {
  const head = Buffer.from('# covers: 2027\n# source: test 2027\ndate,kind,name,notice\n');
  const rows = ['2027-01-01', '2027-01-02', '2027-01-03'].map((d) => Buffer.concat([Buffer.from(`${d},off,`), holiday, Buffer.from(',test\n')]));
  return Buffer.concat([head, ...rows]);
}

const LEDGER = '案件编号,当事人,决定日期,生效日期,公示日期\n'
  + 'E-1,某商贸公司,2026-12-28,2026-12-28,\n'
  + 'E-2,某餐饮店,2026-12-01,2026-12-01,\n';

async function checkLedger(page) {
  await page.click('#run-ledger');
  await page.waitForSelector('#led-table tbody tr');
}

describe('edge: the end of the calendar', () => {
  useBrowser();

  test('待补日历, the coverage and the near-the-edge note; a GBK 2027 file fixes them', async () => {
    // 12:00 in Shanghai on 2026-12-03.
    await context.clock.setFixedTime(new Date('2026-12-03T04:00:00Z'));
    const page = await openPage(server.origin + '/index.html');
    await page.click('#tab-deadline');
    const status = page.locator('[data-testid=calendar-status]');
    await page.waitForSelector('[data-testid=calendar-status] li');
    assert.match(await status.textContent(), /工作日日历（2026-12-03）/);
    assert.match(await status.textContent(), /全国：已含 2018–2026 年/);
    // Another region's years are not shown for the national calendar.
    assert.doesNotMatch(await status.textContent(), /新疆/);
    const notes = page.locator('[data-testid=calendar-note]');
    assert.equal(await notes.count(), 1);
    assert.equal(await notes.first().textContent(),
      '2027年的节假日安排通知通常在10月至12月发布；发布后请导入日历。请在上方「补充日历文件」中加入该年的日历文件，或在「没有该年的日历文件？粘贴节假日安排通知」中粘贴通知原文。');

    // A deadline due in the last covered December carries the note.
    await page.fill('[data-testid=due-start]', '2026-12-14');
    await page.selectOption('[data-testid=due-rule]', 'penalty-publicity');
    await page.click('#run-due');
    await page.waitForSelector('[data-testid=due-date]');
    assert.equal(await page.textContent('[data-testid=due-date]'), '2026-12-23');
    assert.equal(await page.textContent('[data-testid=edge-note]'),
      '该期限临近日历覆盖范围末尾：2027年的节假日安排通知发布后（通常在10月至12月），期限可能改变，请届时重新计算');
    // One in June does not.
    await page.fill('[data-testid=due-start]', '2026-06-01');
    await page.click('#run-due');
    await page.waitForFunction(() => document.querySelector('[data-testid=due-date]')?.textContent === '2026-06-10');
    assert.equal(await page.locator('[data-testid=edge-note]').count(), 0);

    // The ledger: E-1 runs into 2027 — waiting for the calendar, not 数据有误.
    const ledger = join(work, 'edge-ledger.csv');
    writeFileSync(ledger, LEDGER);
    await page.setInputFiles('[data-testid=ledger-file]', ledger);
    await page.fill('#led-today', '2026-12-03');
    await checkLedger(page);
    assert.equal(await page.textContent('[data-testid=ledger-calendar_missing]'), '待补日历 1');
    assert.equal(await page.textContent('[data-testid=ledger-error]'), '数据有误 0');
    const first = page.locator('#led-table tbody tr').first();
    assert.equal(await first.getAttribute('class'), 'st-calendar_missing');
    assert.equal(await first.locator('.badge').textContent(), '待补日历');
    assert.equal(await first.locator('td').nth(8).textContent(), '3');
    assert.equal(await first.locator('td.note').textContent(),
      '已计3个工作日（截至2026-12-31），还差4个；日历尚未包含2027年，请导入2027年国务院节假日安排通知后重新核查');
    assert.match(await page.textContent('[data-testid=ledger-missing-note]'), /1 件待补日历：期限延伸到日历尚未包含的 2027 年，这些案件并未逾期。请在上方「补充日历文件」/);
    await page.screenshot({ path: join(artifacts, 'edge-ledger.png'), fullPage: true });

    // English: the same, all in English.
    await page.click('#lang');
    await page.waitForFunction(() => document.querySelector('[data-testid=ledger-calendar_missing]')?.textContent === 'Calendar missing 1');
    assert.match(await first.locator('td.note').textContent(), /^3 working days counted \(to 2026-12-31\), 4 still to count/);
    assert.match(await page.textContent('[data-testid=ledger-missing-note]'), /^1 case\(s\) wait for the calendar: their periods run into 2027/);
    await page.waitForFunction(() => /National: covers 2018–2026/.test(document.querySelector('[data-testid=calendar-status]')?.textContent || ''));
    const noteEn = await notes.first().textContent();
    assert.match(noteEn, /^The State Council's holiday notice for 2027 is usually published between October and December/);
    // In English, no Chinese outside the data (the notices' titles).
    const coverage = await status.evaluate((el) => {
      const c = el.cloneNode(true);
      for (const x of c.querySelectorAll('[lang=zh-CN]')) x.remove();
      return c.textContent;
    });
    assert.doesNotMatch(coverage, /[\u4e00-\u9fff]/, coverage);
    await page.screenshot({ path: join(artifacts, 'edge-en.png'), fullPage: true });
    await page.click('#lang');
    await page.waitForFunction(() => document.querySelector('[data-testid=ledger-calendar_missing]')?.textContent === '待补日历 1');

    // A 2027 calendar file saved in GBK (元旦 = D4 AA B5 A9).
    const gbk = join(work, 'cn-2027.csv');
    writeFileSync(gbk, cn2027(Buffer.from([0xd4, 0xaa, 0xb5, 0xa9])));
    await page.setInputFiles('[data-testid=due-calendars]', gbk);
    await page.waitForFunction(() => /全国：已含 2018–2027 年/.test(document.querySelector('[data-testid=calendar-status]')?.textContent || ''));
    assert.match(await status.textContent(), /（其中 2027 年来自补充日历文件）/);
    assert.equal(await notes.count(), 0);
    await checkLedger(page);
    await page.waitForFunction(() => !document.querySelector('[data-testid=ledger-calendar_missing]'));
    const e1 = page.locator('#led-table tbody tr', { hasText: 'E-1' });
    assert.equal(await e1.locator('.badge').textContent(), '待公示');
    assert.match(await e1.locator('td.note').textContent(), /^截止2027-01-07，还有\d+个工作日（期间含元旦）$/);
    assert.equal(await page.locator('[data-testid=ledger-missing-note]').count(), 0);
    // In Xinjiang the national 2027 is not enough: its 肉孜节 and 古尔邦节
    // of 2027 are still to come, and the case waits for them.
    await page.selectOption('[data-testid=due-region]', 'xinjiang');
    await page.waitForFunction(() => /新疆维吾尔自治区：已含 2022–2026 年/.test(document.querySelector('[data-testid=calendar-status]')?.textContent || ''));
    assert.equal(await notes.count(), 1);
    assert.match(await notes.first().textContent(), /^新疆维吾尔自治区2027年的地方节日放假日期由当地政府的节假日安排通知确定/);
    await checkLedger(page);
    await page.waitForFunction(() => document.querySelector('[data-testid=ledger-calendar_missing]')?.textContent === '待补日历 1');
    assert.match(await e1.locator('td.note').textContent(), /请补充2027年的地方节假日日历后重新核查$/);
    await page.screenshot({ path: join(artifacts, 'edge-xinjiang.png'), fullPage: true });
    await page.selectOption('[data-testid=due-region]', '');
    // The GBK file's holiday reads as in UTF-8 in the month view.
    await page.fill('[data-testid=due-start]', '2026-12-28');
    await page.click('#run-due');
    await page.waitForFunction(() => document.querySelector('[data-testid=due-date]')?.textContent === '2027-01-07');
    assert.equal(await page.locator('td.holiday_off[data-date="2027-01-01"] .hn').textContent(), '元旦');
    await page.screenshot({ path: join(artifacts, 'edge-gbk.png'), fullPage: true });

    // A file that is neither UTF-8 nor GBK is refused, named, in Chinese.
    const bad = join(work, 'bad.csv');
    writeFileSync(bad, cn2027(Buffer.from([0xff, 0xfe, 0xff])));
    await page.setInputFiles('[data-testid=due-calendars]', bad);
    await page.waitForSelector('[data-testid=due-cal-status] .error');
    const refused = await page.textContent('[data-testid=due-cal-status]');
    assert.match(refused, /bad\.csv/);
    assert.match(refused, /既不是 UTF-8 也不是 GBK/);
    assert.deepEqual(dialogs, []);
    await page.close();
  });

  test('in June nothing is due yet', async () => {
    await context.clock.setFixedTime(new Date('2026-06-01T04:00:00Z'));
    const page = await openPage(server.origin + '/index.html');
    await page.click('#tab-deadline');
    await page.waitForSelector('[data-testid=calendar-status] li');
    assert.match(await page.textContent('[data-testid=calendar-status]'), /工作日日历（2026-06-01）/);
    assert.equal(await page.locator('[data-testid=calendar-note]').count(), 0);
    await page.close();
  });
});
