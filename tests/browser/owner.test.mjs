// The company owner and the journalist (issue 15), in headless Chromium.
// The owner has only the published notice (notice.html: no record.json, no
// directories) and their code: a drawn code is drawn ✓, a code not drawn is
// not drawn, a code with a wrong check character and a word are refused as
// codes to check, and no code of the genuine notice ever gets a ✗; a notice
// whose threshold or list was changed (digest recomputed) does. The
// journalist verifies with the notice instead of the record, then with a
// record whose seed was changed and one edited by hand, and reads what
// differs in words. Screenshots: tests/artifacts/owner-*.png, at laptop
// (1280×900) and phone (390×844) width.
//
// Needs `scripts/build-web` (web/dist) and the CLI binary (SHUANGSUI_CLI).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts } from './paths.mjs';
import { demoInputs } from './fixtures.mjs';
import { redigest } from './forge.mjs';
import { context, openPage, outside, server, useBrowser, work } from './harness.mjs';

const demo = demoInputs(join(work, 'owner-demo'));
const noticePath = join(demo.dir, 'notice.html');
const OPEN = '<script type="application/json" id="shuangsui-record">';

// The record a notice carries, and a notice carrying another record.
function recordOf(html) {
  const at = html.indexOf(OPEN) + OPEN.length;
  return JSON.parse(html.slice(at, html.indexOf('</script>', at)));
}
function withRecord(html, record) {
  const at = html.indexOf(OPEN) + OPEN.length;
  const end = html.indexOf('</script>', at);
  const json = '\n' + JSON.stringify(record, null, 2).replaceAll('<', '\\u003c') + '\n';
  return html.slice(0, at) + json + html.slice(end);
}


const notice = readFileSync(noticePath, 'utf8');
const record = recordOf(notice);
// The directory's rows: code and credit class (信用风险等级).
const rows = readFileSync(join(demo.dir, 'entities.csv'), 'utf8').trim().split(/\r?\n/).slice(1)
  .map((l) => l.split(','))
  .map(([id, , cls]) => ({ id, cls }));
const drawnIds = new Set(record.draws.map((d) => d.entity.id));
const notDrawn = rows.filter((r) => !drawnIds.has(r.id));

async function selfCheck(page, id, stratum = '') {
  await page.selectOption('#self-stratum', stratum);
  await page.fill('[data-testid=self-id]', id);
  await page.evaluate(() => {
    const out = document.querySelector('#self-result');
    out.replaceChildren();
    delete out.dataset.verdict;
  });
  // Enter in the code field runs the check.
  await page.press('[data-testid=self-id]', 'Enter');
  await page.waitForFunction(() => {
    const out = document.querySelector('#self-result');
    return out.dataset.verdict || out.querySelector('.error');
  });
  return {
    verdict: await page.getAttribute('#self-result', 'data-verdict'),
    text: await page.textContent('#self-result'),
    crosses: await page.locator('#self-result li.badv').count(),
  };
}

async function noOverflow(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
}

describe('the owner and the journalist', () => {
  useBrowser();

  test('the owner checks their code with the notice alone', async () => {
    const page = await openPage(server.origin + '/index.html#tab=verify');
    await page.setInputFiles('[data-testid=self-record]', noticePath);
    await page.waitForSelector('.drop[data-slot=self-record].ok');
    assert.match(await page.textContent('.drop[data-slot=self-record] .status'), /结果公告，内含/);
    // The strata of the notice's record to choose from.
    assert.equal(await page.locator('#self-stratum option').count(), record.strata.length + 1);

    // A drawn code, with 全部分层 (an owner does not know their class).
    const d = record.draws[0];
    let r = await selfCheck(page, d.entity.id.toLowerCase());
    assert.equal(r.verdict, 'drawn', r.text);
    assert.match(r.text, /✓ 已被抽中/);
    assert.match(r.text, new RegExp(record.strata[d.stratum].name));
    assert.doesNotMatch(r.text, /✗/);
    assert.equal(r.crosses, 0);
    await page.screenshot({ path: join(artifacts, 'owner-drawn.png'), fullPage: true });

    // Codes not drawn, with 全部分层: never a ✗ (the stratum D draws
    // everyone, so a ticket under its threshold is no mismatch).
    for (const row of notDrawn.slice(0, 30)) {
      r = await selfCheck(page, row.id);
      assert.ok(['not_drawn', 'ask'].includes(r.verdict), `${row.id}: ${r.verdict} ${r.text}`);
      assert.match(r.text, /未被抽中/);
      assert.doesNotMatch(r.text, /✗/, row.id);
    }
    // One whose ticket is under D's threshold: said in words, not an alarm.
    const ask = notDrawn.find((x) => x.cls !== 'D');
    r = await selfCheck(page, ask.id);
    if (r.verdict === 'ask') {
      assert.match(r.text, /全部被抽中/);
      assert.match(await page.textContent('[data-testid=self-detail]'), /企业往往不知道本企业的等级/);
      await page.screenshot({ path: join(artifacts, 'owner-ask.png'), fullPage: true });
    }
    // With its own stratum chosen: not drawn ✓.
    const own = record.strata.findIndex((s) => s.name === `信用风险等级=${ask.cls}`);
    r = await selfCheck(page, ask.id, String(own));
    assert.equal(r.verdict, 'not_drawn', r.text);
    assert.match(r.text, /✓ 未被抽中/);
    await page.screenshot({ path: join(artifacts, 'owner-not-drawn.png'), fullPage: true });

    // A code with a wrong check character, and a word: the code is refused.
    const last = d.entity.id.slice(-1);
    const wrong = d.entity.id.slice(0, -1) + (last === '0' ? '1' : '0');
    r = await selfCheck(page, wrong);
    assert.equal(r.verdict, null);
    assert.match(r.text, /第 18 位校验码应为/);
    assert.match(r.text, /营业执照/);
    assert.match(r.text, /统一社会信用代码/);
    assert.doesNotMatch(r.text, /✗|InvalidId/);
    r = await selfCheck(page, 'hello');
    assert.equal(r.verdict, null);
    assert.match(r.text, /共 5 位/);
    assert.doesNotMatch(r.text, /未被抽中|已被抽中/);
    await page.screenshot({ path: join(artifacts, 'owner-code-error.png'), fullPage: true });

    // At phone width.
    await page.setViewportSize({ width: 390, height: 844 });
    r = await selfCheck(page, ask.id);
    await noOverflow(page);
    await page.screenshot({ path: join(artifacts, 'owner-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });

    // In English: English lines, no Chinese UI text.
    await page.click('#lang');
    const en = await page.textContent('#self-result');
    assert.match(en, /not listed|Not drawn/);
    await page.locator('#panel-verify section.step').nth(1).screenshot({ path: join(artifacts, 'owner-en.png') });
    r = await selfCheck(page, 'hello');
    assert.match(r.text, /business licence, and type it again/);
    assert.doesNotMatch(r.text, /请对照|重新填写/);
    await page.click('#lang');
    // 移除: the notice and the result it gave are gone.
    await page.click('[data-testid=remove-self-record]');
    assert.equal(await page.evaluate(() => window.shuangsuiPage.state.selfRecord), null);
    assert.equal(await page.textContent('#self-result'), '');
    assert.equal(await page.locator('#self-stratum option').count(), 1);
    await page.press('[data-testid=self-id]', 'Enter');
    assert.match(await page.textContent('#self-result'), /请先放入抽取记录（record\.json）或结果公告（notice\.html）/);
    assert.deepEqual(outside, []);
    await page.close();
  });

  test('the notice shows its thresholds, how to check oneself and its 落款, not the record it carries', async () => {
    // A blank page: the notice with its own style (the app's policy would
    // refuse the notice's inline style).
    const page = await context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.setContent(notice);
    const text = await page.evaluate(() => document.body.innerText);
    assert.doesNotMatch(text, /"protocol"|record_digest/, 'the record is carried, not shown');
    assert.match(text, /企业自查/);
    assert.match(text, /公示网址或地点/);
    assert.match(text, /2026年12月1日\s*$/m);
    for (const s of record.strata) if (s.threshold) assert.ok(text.includes(s.threshold));
    // The record it carries is the record, read by the page as JSON.
    const carried = await page.evaluate(() => JSON.parse(document.getElementById('shuangsui-record').textContent));
    assert.deepEqual(carried, record);
    await page.locator('table.keys').screenshot({ path: join(artifacts, 'owner-notice-keys.png') });
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.screenshot({ path: join(artifacts, 'owner-notice-end.png') });
    await page.close();
  });

  test('a notice whose threshold or list was changed gets a ✗', async () => {
    const page = await openPage(server.origin + '/index.html#tab=verify');
    const d = record.draws[0];
    // The threshold of the first drawn entity's stratum lowered.
    const low = structuredClone(record);
    low.strata[d.stratum].threshold = '0'.repeat(64);
    const lowPath = join(work, 'owner-low.html');
    writeFileSync(lowPath, withRecord(notice, redigest(low)));
    await page.setInputFiles('[data-testid=self-record]', lowPath);
    await page.waitForSelector('.drop[data-slot=self-record].ok');
    let r = await selfCheck(page, d.entity.id);
    assert.equal(r.verdict, 'contradiction', r.text);
    assert.match(r.text, /✗ 抽取记录关于此代码的内容自相矛盾/);
    assert.match(r.text, /大于该分层的阈值/);
    assert.ok(r.crosses > 0);
    await page.screenshot({ path: join(artifacts, 'owner-tampered.png'), fullPage: true });

    // Another company put on the list in place of the drawn one.
    const swapped = structuredClone(record);
    const other = notDrawn[0].id;
    swapped.draws[0].entity.id = other;
    const swappedPath = join(work, 'owner-swapped.html');
    writeFileSync(swappedPath, withRecord(notice, redigest(swapped)));
    await page.setInputFiles('[data-testid=self-record]', swappedPath);
    await page.waitForFunction(() => /owner-swapped/.test(document.querySelector('.drop[data-slot=self-record] .status').textContent));
    r = await selfCheck(page, other);
    assert.equal(r.verdict, 'contradiction', r.text);
    assert.match(r.text, /✗/);

    // Changed without recomputing the digest: the notice is not trusted.
    const edited = notice.replace(/"threshold": "[0-9a-f]{64}"/, `"threshold": "${'0'.repeat(64)}"`);
    const editedPath = join(work, 'owner-edited.html');
    writeFileSync(editedPath, edited);
    await page.setInputFiles('[data-testid=self-record]', editedPath);
    await page.waitForFunction(() => /owner-edited/.test(document.querySelector('.drop[data-slot=self-record] .status').textContent));
    r = await selfCheck(page, d.entity.id);
    assert.match(r.text, /生成后被改动过/);
    await page.close();
  });

  test('the journalist verifies with the notice, then reads what differs in words', async () => {
    const page = await openPage(server.origin + '/index.html#tab=verify');
    await page.setInputFiles('[data-testid=verify-entities]', join(demo.dir, 'entities.csv'));
    await page.setInputFiles('[data-testid=verify-inspectors]', join(demo.dir, 'inspectors.csv'));
    await page.setInputFiles('[data-testid=verify-announcement]', demo.announcement);
    await page.setInputFiles('[data-testid=verify-record]', noticePath);
    await page.waitForSelector('.drop[data-slot=v-entities].ok');
    await page.waitForSelector('.drop[data-slot=v-inspectors].ok');
    await page.waitForSelector('.drop[data-slot=v-announcement].ok');
    await page.waitForSelector('.drop[data-slot=v-record].ok');
    await page.click('#run-verify');
    await page.waitForSelector('#verify-result.good');
    assert.match(await page.textContent('#verify-result'), new RegExp(record.record_digest));
    assert.match(await page.textContent('[data-testid=as-reproduced]'), /^是/);
    assert.match(await page.textContent('[data-testid=as-committed]'), /^是/);
    // The self-check below uses the same notice.
    assert.match(await page.textContent('.drop[data-slot=self-record] .status'), /notice\.html/);
    await page.screenshot({ path: join(artifacts, 'owner-journalist-ok.png'), fullPage: true });

    const verifyWith = async (name, text) => {
      const p = join(work, name);
      writeFileSync(p, text);
      await page.setInputFiles('[data-testid=verify-record]', p);
      await page.waitForFunction((n) => document.querySelector('.drop[data-slot=v-record] .status').textContent.includes(n), name);
      await page.click('#run-verify');
      await page.waitForSelector('#verify-result.badv');
      return page.textContent('#verify-result .difference');
    };
    // The seed changed to another result of the announced form; the record
    // digest recomputed.
    const seed = structuredClone(record);
    seed.seed.sources[0].value = '3.0.8./';
    let why = await verifyWith('owner-seed.json', JSON.stringify(redigest(seed), null, 2));
    assert.match(why, /记录中的随机种子（3 0 8）与记录中的种子摘要不符/);
    assert.match(why, /请将种子与公告和公布的开奖结果核对/);
    await page.screenshot({ path: join(artifacts, 'owner-journalist-seed.png'), fullPage: true });
    // The seed written in another way than announced.
    const form = structuredClone(record);
    form.seed.sources[0].value = '307';
    why = await verifyWith('owner-form.json', JSON.stringify(redigest(form), null, 2));
    assert.match(why, /记录中的随机种子与公告的种子写法不符/);
    // Edited by hand, the digest left as it was.
    const edited = structuredClone(record);
    edited.draws[0].entity.name += '（改）';
    why = await verifyWith('owner-edited.json', JSON.stringify(edited, null, 2));
    assert.match(why, /抽取记录在生成后被改动过/);
    assert.match(why, /（改）/);
    assert.match(why, /记录中写明的记录摘要正是重新抽取所得的摘要/);
    await page.screenshot({ path: join(artifacts, 'owner-journalist-edited.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await noOverflow(page);
    await page.screenshot({ path: join(artifacts, 'owner-journalist-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    // In English, the same in English.
    await page.click('#lang');
    why = await page.textContent('#verify-result .difference');
    assert.match(why, /the record was changed after it was made/);
    assert.doesNotMatch(why, /抽取记录/);
    await page.click('#lang');
    assert.deepEqual(outside, []);
    await page.close();
  });
});
