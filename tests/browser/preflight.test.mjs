// The pre-flight panel of step 3 (预检, SPEC §12.1): the demo's directories
// with a task that has one mistake each — a misspelt department, a stratum
// value that matches no entity, a 回避 pair with an unknown 执法证号, an
// infeasible team, an unfilled seed form, a quota typed without a unit —
// each shown in Chinese with the control that fixes it; 生成公告 refused
// outright on errors and, on warnings, until the acknowledgement is
// ticked (and ticked again after the inputs change). The demo's own
// pre-flight is clean. Screenshots tests/artifacts/preflight-*.png.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts } from './paths.mjs';
import { demoInputs } from './fixtures.mjs';
import { fillForms, openPage, server, useBrowser, work } from './harness.mjs';

const inputs = demoInputs(join(work, 'preflight-demo'));
const demoTask = readFileSync(join(inputs.dir, 'task.toml'), 'utf8');
const announced = JSON.parse(readFileSync(inputs.announcement, 'utf8'));

// The demo's task with `from` replaced by `to`, as a file.
function taskWith(name, from, to) {
  assert.ok(demoTask.includes(from), from);
  const path = join(work, name);
  writeFileSync(path, demoTask.replace(from, to));
  return path;
}

// The page with the demo's directories, `task` and the demo's seed forms;
// waits for the pre-flight's table.
async function setUp(task, forms = announced.seed_sources) {
  const page = await openPage(server.origin + '/index.html');
  await page.setInputFiles('[data-testid=entities-file]', join(inputs.dir, 'entities.csv'));
  await page.waitForSelector('.drop[data-slot=entities].ok');
  await page.setInputFiles('[data-testid=inspectors-file]', join(inputs.dir, 'inspectors.csv'));
  await page.waitForSelector('.drop[data-slot=inspectors].ok');
  await page.check('input[name=taskmode][value=file]');
  await page.setInputFiles('[data-testid=task-file]', task);
  await page.waitForSelector('#task-status .ok');
  await fillForms(page, forms, announced.published);
  await page.waitForSelector('[data-testid=pf-strata]');
  return page;
}

// The finding of `code`, waited for.
async function finding(page, code) {
  const li = page.locator(`#preflight li[data-code=${code}]`);
  await li.waitFor();
  return li;
}

async function refused(page, words) {
  await page.click('#make-ann');
  await page.waitForSelector('[data-testid=ann-refused]');
  assert.match(await page.textContent('[data-testid=ann-refused]'), words);
  assert.equal(await page.locator('[data-testid=ann-ok]').count(), 0);
}

// No English sentence in the panel in Chinese mode (names and ids aside).
async function chineseOnly(page) {
  const text = await page.textContent('#preflight');
  assert.doesNotMatch(text, /\b(the|is|not|and|no|with|entity|stratum|error|warning)\b/i, text);
}

describe('pre-flight before announcing', () => {
  useBrowser();

  test('the demo shows a clean pre-flight and announces', async () => {
    const page = await setUp(join(inputs.dir, 'task.toml'));
    await page.waitForSelector('[data-testid=pf-clean]');
    const rows = page.locator('[data-testid=pf-strata] tbody tr');
    assert.equal(await rows.count(), 4);
    assert.match(await rows.first().textContent(), /信用风险等级=A.*85.*不少于 3%（即 3 户）3/);
    // The trial's success is said, honestly, not to hold for every seed.
    assert.match(await (await finding(page, 'trial-ok-seed-dependent')).textContent(), /并不保证任何种子都能成功/);
    assert.equal(await page.locator('[data-testid=pf-ack]').count(), 0);
    await chineseOnly(page);
    await page.screenshot({ path: join(artifacts, 'preflight-demo.png'), fullPage: true });
    await page.locator('section[aria-labelledby=h-announce]').screenshot({ path: join(artifacts, 'preflight-demo-step3.png') });
    // English mode: the panel in English.
    await page.click('#lang');
    await page.waitForFunction(() => /Pre-flight/.test(document.querySelector('#preflight').textContent));
    const en = await page.textContent('#preflight');
    assert.match(en, /at least 3% \(3 entities\)/);
    assert.doesNotMatch(en, /预检|不少于|户|说明|错误|警告/, en);
    await page.click('#lang');
    await page.click('#make-ann');
    await page.waitForSelector('[data-testid=ann-ok]');
    await page.close();
  });

  test('a misspelt department warns; announcing waits for the acknowledgement', async () => {
    const page = await setUp(taskWith('dept.toml', 'departments = [', 'departments = ["阜康市市场监管局", '));
    const li = await finding(page, 'department-unmatched');
    assert.match(await li.textContent(), /警告：实施部门“阜康市市场监管局”在执法检查人员名录库中没有任何人员/);
    assert.match(await li.textContent(), /去修改：任务文件/);
    await chineseOnly(page);
    await page.screenshot({ path: join(artifacts, 'preflight-warning.png'), fullPage: true });
    await page.locator('section[aria-labelledby=h-announce]').screenshot({ path: join(artifacts, 'preflight-warning-step3.png') });
    await refused(page, /预检发现 1 个警告/);
    await page.check('[data-testid=pf-ack]');
    await page.click('#make-ann');
    await page.waitForSelector('[data-testid=ann-ok]');
    await page.close();
  });

  test('a stratum value matching no entity, and the 85 entities left out', async () => {
    const page = await setUp(taskWith('value.toml', 'A = "3%"', '"A类" = "3%"'));
    assert.match(await (await finding(page, 'stratum-empty')).textContent(), /分层“信用风险等级=A类”.*没有符合条件的检查对象/);
    assert.match(await (await finding(page, 'unstratified')).textContent(), /有 85 户不符合任何分层的条件.*信用风险等级=A）/);
    assert.match(await page.textContent('#preflight'), /另有 85 户不属于任何分层/);
    await page.check('[data-testid=pf-ack]');
    // The inputs change (the exclusion list): the acknowledgement is reset.
    const ids = readFileSync(join(inputs.dir, 'entities.csv'), 'utf8').split('\n')[1].split(',')[0];
    const excl = join(work, 'excl.csv');
    writeFileSync(excl, `统一社会信用代码\n${ids}\n`);
    await page.setInputFiles('[data-testid=exclusions-file]', excl);
    await page.waitForSelector('.drop[data-slot=exclusions].ok');
    await page.waitForFunction(() => document.querySelector('[data-testid=pf-ack]') && !document.querySelector('[data-testid=pf-ack]').checked);
    await refused(page, /个警告/);
    await page.close();
  });

  test('a 回避 pair with an unknown 执法证号 warns', async () => {
    const page = await setUp(taskWith('conflict.toml', 'ZF65230200004', 'ZF65239999999'));
    assert.match(await (await finding(page, 'conflict-unknown')).textContent(), /执法证号 ZF65239999999 不在执法检查人员名录库中，这条回避不起作用/);
    await refused(page, /个警告/);
    await page.close();
  });

  test('an infeasible team is an error from the trial draw', async () => {
    const page = await setUp(taskWith('cap.toml', 'size = 2', 'size = 2\nmax_per_inspector = 1'));
    const li = await finding(page, 'trial-failed');
    assert.match(await li.textContent(), /错误：用临时密钥试抽.*失败.*无法为检查对象.*已达每人参加检查组数上限.*试抽失败说明任务本身有问题/);
    assert.equal(await page.locator('[data-testid=pf-ack]').count(), 0, 'errors cannot be acknowledged');
    await chineseOnly(page);
    await page.screenshot({ path: join(artifacts, 'preflight-error.png'), fullPage: true });
    await page.locator('section[aria-labelledby=h-announce]').screenshot({ path: join(artifacts, 'preflight-error-step3.png') });
    await refused(page, /预检发现 1 个错误，不能生成公告/);
    await page.close();
  });

  test('an unfilled seed-form template is refused by the core', async () => {
    const forms = announced.seed_sources.map((f) => ({ ...f, issue: '第____期' }));
    const page = await setUp(join(inputs.dir, 'task.toml'), forms);
    const li = await finding(page, 'seed-form');
    await page.waitForFunction(() => /期号/.test(document.querySelector('#preflight li[data-code=seed-form]')?.textContent || ''));
    assert.match(await li.textContent(), /第 1 个随机种子来源：随机种子来源的期号“第____期”还是未填写的模板/);
    assert.match(await li.textContent(), /去修改：随机种子来源/);
    await refused(page, /个错误/);
    // Filled in, the error goes.
    await page.locator('#forms [name=issue]').fill('2026318');
    await page.waitForSelector('[data-testid=pf-clean]');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(artifacts, 'preflight-phone.png'), fullPage: true });
    await page.locator('section[aria-labelledby=h-announce]').screenshot({ path: join(artifacts, 'preflight-phone-step3.png') });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.close();
  });

  test('a quota needs its unit: % or 户', async () => {
    const page = await setUp(join(inputs.dir, 'task.toml'));
    await page.check('input[name=taskmode][value=form]');
    const row = page.locator('#strata-rows tr').first();
    await row.locator('[name=sv]').fill('A');
    await row.locator('[name=sq]').fill('3');
    await row.locator('[name=su]').selectOption('');
    await page.waitForFunction(() => /没有单位/.test(document.querySelector('#task-status').textContent));
    assert.match(await page.textContent('#task-status'), /分层“A”的抽查数“3”没有单位：请选择“%”（按比例，不少于该比例）或“户”（按户数）/);
    await row.locator('[name=su]').selectOption('户');
    await page.waitForSelector('#task-status .ok');
    await page.waitForFunction(() => /3 户/.test(document.querySelector('[data-testid=pf-strata] tbody tr').textContent));
    await row.locator('[name=su]').selectOption('%');
    await page.waitForFunction(() => /不少于 3%/.test(document.querySelector('[data-testid=pf-strata] tbody tr').textContent));
    await page.close();
  });
});
