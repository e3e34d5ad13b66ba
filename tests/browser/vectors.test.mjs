// The golden vectors of seeds/ (protocol v1) and seeds/v2/ (protocol v2)
// through the wasm build under Node: every case must give exactly its
// expected files (the same bytes the Rust core writes), or the expected
// error kind, and every record must verify. One loop per protocol; adding a
// case means adding a folder (STYLE.md, principle 4).
//
// Needs `scripts/build-web` first (target/wasm/pkg-node).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { cli, repo, wasmNode } from './paths.mjs';
import { demoInputs } from './fixtures.mjs';
import { workbook } from './xlsx.mjs';

const require = createRequire(import.meta.url);
const W = require(wasmNode);
const seeds = join(repo, 'seeds');
const caseNames = (root) => readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'expected.json')))
  .map((d) => d.name)
  .sort();
const cases = caseNames(seeds);
const casesV2 = caseNames(join(seeds, 'v2'));

// Mirrors tests/vectors.rs: task, directories read with the task's options,
// the exclusion file beside the task, the seed one source a line.
function runCase(dir) {
  const read = (name) => readFileSync(join(dir, name));
  const task = W.Task.parse(read('task.toml').toString('utf8'), 'task.toml');
  const reading = W.Reading.forTask(task);
  const entities = W.Entities.fromBytes(read('entities.csv'), 'entities.csv', reading);
  const inspectors = W.Inspectors.fromBytes(read('inspectors.csv'), 'inspectors.csv', reading);
  const exclusions = existsSync(join(dir, 'exclusions.csv'))
    ? W.ExclusionList.fromBytes(read('exclusions.csv'), 'exclusions.csv', reading)
    : new W.ExclusionList();
  const record = W.drawV1(task, entities, inspectors, exclusions, read('seed.txt').toString('utf8'));
  const verdict = JSON.parse(W.verify(record, entities, inspectors, exclusions, undefined));
  assert.equal(verdict.reproduced, true, `${dir}: the record does not verify`);
  assert.equal(verdict.assurance.protocol, 'shuangsui-draw/1');
  return record;
}

// A v2 case as seeds/v2/README.md says it runs: the announcement built from
// the task's [[seed]] tables and published.txt (compared with
// announcement.json), or given-announcement.json read instead; the seed
// entered under its forms (or, unannounced, in the kind:value notation);
// the record compared with expected.json; the record (or given-record.json)
// verified with the announcement and its assurance compared with
// expected-verify.json.
function runCaseV2(dir) {
  const file = (name) => join(dir, name);
  const text = (name) => readFileSync(file(name), 'utf8');
  const has = (name) => existsSync(file(name));
  const task = W.Task.parse(text('task.toml'), 'task.toml');
  const reading = W.Reading.forTask(task);
  const entities = W.Entities.fromBytes(readFileSync(file('entities.csv')), 'entities.csv', reading);
  const inspectors = W.Inspectors.fromBytes(readFileSync(file('inspectors.csv')), 'inspectors.csv', reading);
  const exclusions = has('exclusions.csv')
    ? W.ExclusionList.fromBytes(readFileSync(file('exclusions.csv')), 'exclusions.csv', reading)
    : new W.ExclusionList();
  const expected = JSON.parse(text('expected.json'));
  const outcome = (fn) => {
    try {
      return { value: fn() };
    } catch (err) {
      if (!err || typeof err.kind !== 'string') throw err;
      return { error: err.kind, message: err.message };
    }
  };
  let announcement;
  if (has('published.txt')) {
    const made = outcome(() => W.announce(task, entities, inspectors, exclusions, '', text('published.txt').trim()));
    if (has('announcement.json')) {
      assert.equal(made.value, text('announcement.json'), `announce: ${made.error || ''} ${made.message || ''}`);
    } else {
      assert.ok(made.error, 'an announcement was made where none is expected');
      assert.equal(made.error, expected.error, made.message);
      return;
    }
    announcement = has('given-announcement.json') ? text('given-announcement.json') : made.value;
  }
  const drawn = outcome(() => W.draw(task, entities, inspectors, exclusions, text('seed.txt'), announcement, announcement === undefined));
  if (expected.error) {
    assert.equal(drawn.error, expected.error, drawn.error ? drawn.message : 'a record was drawn');
    return;
  }
  assert.ok(!drawn.error, `${drawn.error}: ${drawn.message}`);
  assert.deepEqual(JSON.parse(drawn.value), expected);
  assert.equal(drawn.value, text('expected.json'), 'same values but not the same bytes as expected.json');
  if (has('expected-verify.json')) {
    const record = has('given-record.json') ? text('given-record.json') : drawn.value;
    const v = JSON.parse(W.verify(record, entities, inspectors, exclusions, announcement));
    const want = JSON.parse(text('expected-verify.json'));
    const got = Object.fromEntries(Object.keys(want).map((k) => [k, k === 'reproduced' ? v.reproduced : v.assurance[k]]));
    assert.deepEqual(got, want, 'the assurance differs from expected-verify.json');
    assert.equal(v.assurance.reproduced, v.reproduced);
    assert.ok(v.assurance_zh.length > 0 && v.assurance_en.length > 0, 'no assurance lines');
  }
}

test('there are golden vectors', () => {
  assert.ok(cases.length >= 12, `found ${cases.length} cases in ${seeds}`);
});

for (const name of cases) {
  test(`seeds/${name}`, () => {
    const dir = join(seeds, name);
    const expectedText = readFileSync(join(dir, 'expected.json'), 'utf8');
    const expected = JSON.parse(expectedText);
    let record;
    try {
      record = runCase(dir);
    } catch (err) {
      if (!expected.error) throw err;
      assert.equal(err.kind, expected.error, `error ${err.kind}: ${err.message}`);
      return;
    }
    assert.ok(!expected.error, `expected error ${expected.error}, got a record`);
    assert.deepEqual(JSON.parse(record), expected);
    assert.equal(record, expectedText, 'same values but not the same bytes as expected.json');
  });
}

test('there are v2 golden vectors', () => {
  assert.ok(casesV2.length >= 19, `found ${casesV2.length} cases in seeds/v2`);
});

for (const name of casesV2) {
  test(`seeds/v2/${name}`, () => runCaseV2(join(seeds, 'v2', name)));
}

test('errors cross the boundary as {kind, message, file, row, column}', () => {
  const csv = Buffer.from('统一社会信用代码,企业名称\n91350100M000100Y43,甲\n91350100M000100Y43,乙\n');
  try {
    W.Entities.fromBytes(csv, 'dup.csv', new W.Reading());
    assert.fail('a duplicate id was accepted');
  } catch (err) {
    assert.equal(err.kind, 'DuplicateId');
    assert.equal(err.file, 'dup.csv');
    assert.equal(typeof err.message, 'string');
    assert.ok('row' in err && 'column' in err && 'message_zh' in err && Array.isArray(err.details));
  }
});

test('a directory above the single-thread cut-off (4096 rows) loads', () => {
  const rows = ['统一社会信用代码,企业名称,信用风险等级'];
  for (let i = 0; i < 5000; i++) rows.push(`ID${String(i).padStart(6, '0')},企业${i},A`);
  const task = W.Task.parse('name = "t"\nitem = "i"\ndraw_date = 2026-12-01\ninvalid_codes = "warn"\n', 'task.toml');
  const e = W.Entities.fromBytes(Buffer.from(rows.join('\n')), 'big.csv', W.Reading.forTask(task));
  assert.equal(e.count, 5000);
});

test('a large directory read by the scan reports its progress as it goes, then the exact count', () => {
  // About 20 MB: the scan reads memory in blocks of 8 MiB.
  const dir = mkdtempSync(join(tmpdir(), 'shuangsui-progress-'));
  try {
    const file = join(dir, 'entities.csv');
    execFileSync(cli, ['gen', 'entities', '--count', '120000', '--seed', 'progress', '--out', file]);
    const task = W.Task.parse('name = "t"\nitem = "i"\ndraw_date = 2026-12-01\n', 'task.toml');
    const seen = [];
    const e = W.Entities.fromBytesForTask(readFileSync(file), 'entities.csv', W.Reading.forTask(task), task,
      (rows) => seen.push(rows));
    assert.equal(e.count, 120000);
    // Several reports while scanning, rising, the last one the exact count.
    assert.ok(seen.length >= 3, `only ${seen.length} progress reports: ${seen}`);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i] >= seen[i - 1], `progress went back: ${seen}`);
    assert.ok(seen[0] > 0 && seen[0] < 120000, `first report ${seen[0]}`);
    assert.equal(seen[seen.length - 1], 120000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('deadline: 2026-09-28 + 处罚结果公示 is 2026-10-13 (SPEC §16.3)', () => {
  const r = JSON.parse(W.deadline('2026-09-28', '处罚结果公示', '', ''));
  assert.equal(r.deadline.due, '2026-10-13');
  assert.equal(r.rule.id, 'penalty-publicity');
});

test('announce, draw and the publish functions give the CLI demo\'s bytes', (t) => {
  const work = mkdtempSync(join(tmpdir(), 'shuangsui-vectors-'));
  try {
    const demo = demoInputs(join(work, 'demo'));
    if (!demo.fromCli) {
      t.skip('no CLI with `demo`');
      return;
    }
    const read = (f) => readFileSync(join(demo.dir, f));
    const task = W.Task.parse(read('task.toml').toString('utf8'), 'task.toml');
    const reading = W.Reading.forTask(task);
    const entities = W.Entities.fromBytes(read('entities.csv'), 'entities.csv', reading);
    const inspectors = W.Inspectors.fromBytes(read('inspectors.csv'), 'inspectors.csv', reading);
    const none = new W.ExclusionList();
    const expected = read('announcement.json').toString('utf8');
    const a = JSON.parse(expected);
    // From the task file's [[seed]] tables, and from the forms given.
    assert.equal(W.announce(task, entities, inspectors, none, '', a.published), expected);
    const announcement = W.announce(task, entities, inspectors, none, JSON.stringify(a.seed_sources), a.published);
    assert.equal(announcement, expected);
    if (existsSync(join(demo.dir, 'announcement.html'))) {
      assert.equal(W.announcementHtml(announcement), read('announcement.html').toString('utf8'));
    }
    const info = JSON.parse(W.announcementInfo(announcement));
    assert.equal(info.announcement_digest, a.announcement_digest);
    assert.equal(W.Task.parse(info.task_toml, 'task.toml').digest, task.digest, 'the announcement\'s task_toml is not its task');
    assert.equal(W.entropy(JSON.stringify(a.seed_sources)), info.entropy_bits);
    const record = W.draw(task, entities, inspectors, none, demo.seed, announcement, false);
    assert.equal(record, read('record.json').toString('utf8'));
    assert.equal(W.resultCsv(record), read('result.csv').toString('utf8'));
    assert.equal(W.noticeHtml(record), read('notice.html').toString('utf8'));
    const xlsx = Buffer.from(W.resultXlsx(record));
    assert.ok(xlsx.equals(read('result.xlsx')), 'result.xlsx differs from the CLI\'s');
    // The result workbook is not a directory, though its columns include
    // the entity code and name: refused, saying what it is (issue 15).
    assert.throws(() => W.Entities.fromBytes(xlsx, 'result.xlsx', W.Reading.forVerify()),
      (e) => e.kind === 'WrongFile' && /抽取结果表/.test(e.message_zh));
    // Excel input works in the wasm build too: the demo's directory as a
    // workbook has the CSV's digest.
    const rows = read('entities.csv').toString('utf8').trim().split(/\r?\n/).map((l) => l.split(','));
    const book = W.Entities.fromBytes(workbook([['名录', rows]]), 'entities.xlsx', reading);
    assert.equal(book.digest, entities.digest);
    // Without an announcement the draw is refused unless it is explicitly unannounced.
    assert.throws(() => W.draw(task, entities, inspectors, none, 'lottery:3 0 7', undefined, false), (e) => e.kind === 'Unannounced');
    const v = JSON.parse(W.verify(record, entities, inspectors, none, announcement));
    assert.equal(v.reproduced, true);
    assert.equal(v.assurance.committed_before_seed, true);
    assert.equal(v.assurance.seed_form_bound, true);
    assert.equal(JSON.parse(W.verify(record, entities, inspectors, none, undefined)).assurance.committed_before_seed, null);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('the task says how its directories are read ([columns.entities], as the CLI)', () => {
  const csv = Buffer.from('纳税人识别号,企业名称\n91350100M000100Y43,甲\n');
  const task = W.Task.parse('name = "t"\nitem = "i"\ndraw_date = 2026-12-01\n[columns.entities]\n"纳税人识别号" = "统一社会信用代码"\n', 'task.toml');
  assert.equal(W.Entities.fromBytes(csv, 'e.csv', W.Reading.forTask(task)).count, 1);
  assert.throws(() => W.Entities.fromBytes(csv, 'e.csv', new W.Reading()), (e) => e.kind === 'MissingColumn');
});

test('the page\'s rules in the core: the task form, column mappings, a period\'s days, reading flags, the exclusion CSV', () => {
  // The form written by the core reads back to the task of the same task
  // file written by hand (the same digest).
  const form = {
    name: '2026年度双随机抽查', item: '企业公示信息检查', draw_date: '2026-12-01', strata_attr: '信用风险等级',
    strata: [['A', '3%'], ['B', '5 ％'], ['D', '100%']], size: '2', avoid_area: true,
    departments: '甲局, 1\n乙局，1', columns: { entities: [['纳税人识别号', '统一社会信用代码']] },
  };
  const toml = W.taskFormToml(JSON.stringify(form));
  const byHand = 'name = "2026年度双随机抽查"\nitem = "企业公示信息检查"\ndraw_date = 2026-12-01\n'
    + 'strata_by = { attribute = "信用风险等级", ratios = { A = "3%", B = "5%", D = "100%" } }\n'
    + '[team]\nsize = 2\navoid_same = ["所属区域"]\n[[team.departments]]\nname = "甲局"\ncount = 1\n'
    + '[[team.departments]]\nname = "乙局"\ncount = 1\n';
  assert.equal(W.Task.parse(toml, 'task.toml').digest, W.Task.parse(byHand, 'task.toml').digest);
  assert.match(toml, /\[columns\.entities\]\n"纳税人识别号" = "统一社会信用代码"\n/);
  assert.throws(() => W.taskFormToml(JSON.stringify({ ...form, size: 'two' })), (e) => e.kind === 'InvalidTask' && /检查组人数/.test(e.message_zh));
  // Column mappings added to a task file once; a second table is refused.
  const cols = JSON.stringify({ entities: [['税号', 'id']] });
  const withCols = W.taskWithColumns(byHand, 'task.toml', cols);
  assert.ok(withCols.startsWith(byHand.trimEnd()));
  assert.throws(() => W.taskWithColumns(withCols, 'task.toml', cols), (e) => e.kind === 'InvalidTask' && e.file === 'task.toml');
  // SPEC §16.3: 2026-09-28 + 7 working days; 国庆节 off, 10-10 (Saturday) worked.
  const r = JSON.parse(W.deadlineMonths('2026-09-28', '处罚结果公示', '', '', 4));
  assert.equal(r.deadline.due, '2026-10-13');
  assert.deepEqual(r.due_weekday, { zh: '二', en: 'Tue' });
  assert.deepEqual(r.skipped_holidays, ['国庆节']);
  assert.deepEqual(r.months.map((m) => m.month), [9, 10]);
  const days = r.months.flatMap((m) => m.weeks.flat()).filter(Boolean);
  assert.deepEqual(days.filter((d) => d.counted).map((d) => d.date),
    ['2026-09-29', '2026-09-30', '2026-10-08', '2026-10-09', '2026-10-10', '2026-10-12', '2026-10-13']);
  assert.equal(days.find((d) => d.date === '2026-10-10').kind, 'make_up_working');
  assert.ok(days.find((d) => d.date === '2026-09-28').start);
  // The command line's flags, quoted for a shell.
  assert.equal(W.readingFlags(JSON.stringify({ encoding: 'gbk', sheet: '名录 1', entities: [['纳税人识别号', 'id']] })),
    "--map-entities 纳税人识别号=id --encoding gbk --sheet '名录 1'");
  assert.equal(W.readingFlags(JSON.stringify({ encoding: 'auto', sheet: '' })), '');
  assert.equal(W.exclusionsCsv(['91350100M000100Y43']), '统一社会信用代码\n91350100M000100Y43\n');
});

test('a directory read in full says why (Entities.fallback), a scanned one says nothing', () => {
  const csv = Buffer.from('id,name\n91350100M000100Y43,A\n');
  assert.equal(JSON.parse(W.Entities.fromBytes(csv, 'e.csv', new W.Reading()).fallback), null);
  const gbk = new W.Reading();
  gbk.setFile('entities', 'gbk', undefined, [], []);
  const full = W.Entities.fromBytes(csv, 'e.csv', gbk);
  assert.equal(full.count, 1);
  const why = JSON.parse(full.fallback);
  assert.match(why.en, /GBK/);
  assert.match(why.zh, /GBK/);
});
