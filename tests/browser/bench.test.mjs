// How long a large draw takes in headless Chromium against the command line
// on the same input, and that both give the same record. Not part of
// scripts/test-web (it takes a while); run it by hand:
//
//   cargo build --release -p shuangsui-cli
//   SHUANGSUI_BENCH=100000 SHUANGSUI_CLI=target/release/shuangsui \
//     node --test --test-reporter=spec tests/browser/bench.test.mjs
//
// SHUANGSUI_BENCH is the number of entities; the inspectors number 1 in 300
// of them (at least 50). The task is the common one: credit classes A–D at
// 3%, 5%, 10% and 100%, teams of two; drawn without an announcement
// (--unannounced, and the page's confirmation), as the speed is the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium as playwright } from 'playwright-core';
import { chromium, cli, dist } from './paths.mjs';
import { serve } from './serve.mjs';

const n = Number(process.env.SHUANGSUI_BENCH || 0);
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SEED = 'lottery:3 0 7';
const TASK = `name = "基准测试"
item = "企业公示信息检查"
draw_date = 2026-12-01
strata_by = { attribute = "信用风险等级", ratios = { A = "3%", B = "5%", C = "10%", D = "100%" } }
[team]
size = 2
`;

// Waits, in the page, for the first element matching `selector`, checked at
// every frame: page.waitForSelector polls from Node at 0, 20, 50, 100, 100,
// 500, 500, … ms, so that a step of a second or more would be seen up to
// half a second late.
function appears(page, selector) {
  return page.waitForFunction((sel) => document.querySelector(sel), selector, { polling: 'raf', timeout: 600000 });
}

function time(fn) {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

test(`a draw over ${n} entities: headless Chromium against the CLI`, { skip: !n && 'set SHUANGSUI_BENCH' }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'shuangsui-bench-'));
  try {
    const entities = join(work, 'entities.csv');
    const inspectors = join(work, 'inspectors.csv');
    const task = join(work, 'task.toml');
    execFileSync(cli, ['gen', 'entities', '--count', String(n), '--seed', 'bench', '--out', entities]);
    execFileSync(cli, ['gen', 'inspectors', '--count', String(Math.max(50, Math.round(n / 300))), '--seed', 'bench', '--out', inspectors]);
    writeFileSync(task, TASK);

    // The CLI, three times; the best run counts.
    const cliRuns = [];
    for (let i = 0; i < 3; i++) {
      const out = join(work, `cli-${i}`);
      mkdirSync(out);
      cliRuns.push(time(() => execFileSync(cli, ['draw', '--task', task, '--entities', entities,
        '--inspectors', inspectors, '--seed', SEED, '--unannounced', '--out', out], { stdio: 'ignore' })));
    }
    const cliRecord = readFileSync(join(work, 'cli-0', 'record.json'));

    const server = await serve(dist);
    const context = await playwright.launchPersistentContext(mkdtempSync(join(work, 'profile-')), {
      executablePath: chromium, headless: true, args: FLAGS, acceptDownloads: true,
    });
    try {
      const browserRuns = [];
      for (let i = 0; i < 3; i++) {
        const page = await context.newPage();
        await page.goto(server.origin + '/index.html');
        await page.waitForFunction(() => window.shuangsuiPage);
        await page.check('input[name=taskmode][value=file]');
        await page.setInputFiles('[data-testid=task-file]', task);
        await page.waitForSelector('#task-status .ok');
        const t0 = Date.now();
        await page.setInputFiles('[data-testid=entities-file]', entities);
        await appears(page, '.drop[data-slot=entities].ok, .drop[data-slot=entities].bad');
        const t1 = Date.now();
        await page.setInputFiles('[data-testid=inspectors-file]', inspectors);
        await page.waitForSelector('.drop[data-slot=inspectors].ok');
        await page.fill('[data-testid=seed]', SEED);
        await page.check('[data-testid=unannounced-ok]');
        const t2 = Date.now();
        await page.click('#run-draw');
        await appears(page, '[data-testid=draw-done], #draw-status .error');
        const t3 = Date.now();
        // The page shows the results first, then has the record's text
        // written (the downloads wait for it): when that is done too.
        await page.waitForFunction(() => !!window.shuangsuiPage.state.record, null, { timeout: 600000 });
        const t4 = Date.now();
        const timings = await page.evaluate(() => window.shuangsuiPage.state.timings);
        const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#dl-record')]);
        const path = join(work, `browser-${i}.json`);
        await dl.saveAs(path);
        assert.ok(readFileSync(path).equals(cliRecord), 'the browser\'s record differs from the CLI\'s');
        browserRuns.push({
          readEntities: t1 - t0, draw: t3 - t2, total: (t1 - t0) + (t3 - t2),
          drawWithRecord: t4 - t2, totalWithRecord: (t1 - t0) + (t4 - t2), worker: timings,
        });
        await page.close();
      }
      const best = (xs) => Math.min(...xs);
      const report = {
        entities: n,
        drawn: JSON.parse(cliRecord).draws.length,
        cliMs: Math.round(best(cliRuns)),
        browserMs: {
          readEntities: best(browserRuns.map((r) => r.readEntities)),
          draw: best(browserRuns.map((r) => r.draw)),
          total: best(browserRuns.map((r) => r.total)),
          totalWithRecord: best(browserRuns.map((r) => r.totalWithRecord)),
        },
        runs: { cli: cliRuns.map(Math.round), browser: browserRuns },
      };
      t.diagnostic(JSON.stringify(report));
      console.log(JSON.stringify(report, null, 2));
    } finally {
      await context.close();
      await server.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
