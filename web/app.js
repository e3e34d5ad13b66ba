// The page: three tabs (抽取 draw · 核验 verify · 期限 deadlines) over the
// worker in worker.js, which owns the wasm module. This file only moves
// values between the form, the worker and the screen: every rule of the draw
// and of the calendar is in the core. Text from files is always put on the
// screen as text (textContent), never parsed as HTML.
'use strict';

(function () {
  const { t } = window.I18N;
  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));

  // ------------------------------------------------------------------
  // Small DOM helpers.

  // h('td', {class: 'x'}, 'text', child…): an element with text children.
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  function fmtInt(n) {
    return Number(n).toLocaleString(I18N.lang === 'zh' ? 'zh-CN' : 'en-US');
  }

  function seconds(ms) {
    return (ms / 1000).toFixed(ms < 10000 ? 2 : 1);
  }

  // Today in China (Asia/Shanghai), as the CLI takes it: from JavaScript,
  // never from the wasm module, which has no clock.
  function today() {
    const parts = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
    }).formatToParts(new Date());
    const get = (type) => parts.find((p) => p.type === type).value;
    return `${get('year')}-${get('month')}-${get('day')}`;
  }

  function download(name, text, type) {
    const blob = new Blob([text], { type: type || 'application/octet-stream' });
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  // One problem in words: where (file, row, column), then what.
  function problemLine(e, parentFile) {
    if (e && e.kind === 'Missing') return t(e.message);
    if (e && e.kind === 'Internal') return t('err.internal', { message: e.message });
    const where = [];
    if (e && e.file && e.file !== parentFile) where.push(e.file);
    if (e && e.row) where.push(t('err.row', { row: e.row }));
    if (e && e.column) where.push(t('err.column', { column: e.column }));
    // Each language's own message and punctuation, never the other's.
    const zh = I18N.lang === 'zh';
    const msg = (e && (zh ? e.message_zh : e.message)) || (e && e.message) || t('err.unknown');
    return (where.length ? where.join(zh ? '，' : ', ') + (zh ? '：' : ': ') : '') + msg;
  }

  // The kind of an error in the page's language: the core's Chinese name
  // (kind_zh) in Chinese; in English a plain word (the stable name, e.g.
  // MissingColumn, is for programs, not for people).
  function kindName(err) {
    if (I18N.lang === 'zh') return (err && err.kind_zh) || t('err.kind');
    return t('err.kind');
  }

  // An error from the wasm boundary ({kind, kind_zh, message, message_zh,
  // file, row, column, details}) or from the page, as a block of text.
  function errorView(err) {
    const box = h('div', { class: 'error', role: 'alert' });
    box.append(h('p', {}, h('strong', { text: kindName(err) }), ' ', problemLine(err)));
    if (err && Array.isArray(err.details) && err.details.length) {
      box.append(h('ul', {}, err.details.map((d) => h('li', {}, problemLine(d, err.file)))));
    }
    return box;
  }

  // What each status line shows, to show it again in the other language
  // after the switch (issue 15): set by kept(), forgotten by show().
  const rerenders = new Map();

  function show(el, ...content) {
    rerenders.delete(el);
    el.replaceChildren(...content.flat().filter((c) => c !== null && c !== undefined));
  }

  // Shows `render()` in `el` now, and again after a language switch.
  function kept(el, render) {
    render();
    rerenders.set(el, render);
  }

  // t() as nodes, the values of `data` (names and titles from the user's
  // files) marked as Chinese text (lang), not as the page's own words.
  function tData(key, vars, data) {
    return t(key).split(/(\{\w+\})/).filter(Boolean).map((part) => {
      const k = /^\{(\w+)\}$/.test(part) ? part.slice(1, -1) : null;
      if (k === null || vars[k] === undefined) return part;
      return data.includes(k) ? h('span', { lang: 'zh-CN', text: String(vars[k]) }) : String(vars[k]);
    });
  }

  // Enter in a one-line field runs the action a person expects of it
  // (issue 15); a textarea keeps Enter for a new line, and an Enter that
  // ends an input method's composition is not one.
  function enterRuns(input, action) {
    input.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter' || e.isComposing || e.shiftKey || e.altKey || e.ctrlKey || e.metaKey) return;
      e.preventDefault();
      action();
    });
  }

  // ------------------------------------------------------------------
  // The worker. Loaded inputs are kept here too, so that a fresh worker
  // (after a crash) can be given them again.

  let worker = null;
  let seq = 0;
  const pending = new Map();
  const loaded = new Map(); // slot -> {kind, name, file: File}, read without error
  const picked = new Map(); // slot -> the same, for the last file picked, read or not
  let ready = null;

  function startWorker() {
    const src = document.getElementById('worker-source');
    if (src) {
      const blob = new Blob([src.textContent], { type: 'text/javascript' });
      worker = new Worker(URL.createObjectURL(blob));
    } else {
      worker = new Worker('worker.js');
    }
    ready = new Promise((resolve, reject) => {
      worker.onmessage = (e) => {
        const m = e.data;
        if (m.ready) {
          $('#protocol').textContent = m.protocol;
          resolve();
          return;
        }
        const p = pending.get(m.id);
        if (!p) return;
        if (m.progress) {
          if (p.onProgress) p.onProgress(m.progress);
          return;
        }
        pending.delete(m.id);
        if (m.ok) p.resolve(m.result);
        else {
          p.reject(m.error);
          if (m.error && m.error.fatal) restartWorker();
        }
      };
      worker.onerror = (e) => {
        e.preventDefault();
        const err = { kind: 'Internal', message: e.message || 'worker failed', fatal: true };
        reject(err);
        for (const p of pending.values()) p.reject(err);
        pending.clear();
        restartWorker();
      };
    });
    return ready;
  }

  let restarting = false;
  function restartWorker() {
    if (restarting) return;
    restarting = true;
    worker.terminate();
    // The task first: the directories are read as it says.
    startWorker().then(async () => {
      if (state.taskToml) await call('task', { toml: state.taskToml, name: state.taskName }).catch(() => {});
      for (const [slot, l] of picked) {
        const bytes = await readBytes(l.file).catch(() => null);
        if (!bytes) continue;
        await call('load', { slot, kind: l.kind, name: l.name, bytes, options: slotOptions(slot) }, null, [bytes]).catch(() => {});
      }
      if (state.record) {
        await call('holdRecord', { record: state.record }).catch(() => {});
        // The search starts again from the whole result.
        if (state.summary) await openView().then(showRows).catch(() => {});
      }
    }).finally(() => { restarting = false; });
  }

  async function call(op, args, onProgress, transfer) {
    await ready;
    const id = ++seq;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, onProgress });
      worker.postMessage({ id, op, args }, transfer || []);
    });
  }

  // ------------------------------------------------------------------
  // State of the draw tab.

  const state = {
    taskToml: null,    // the TOML text the task was read from
    taskName: 'task.toml',
    taskInfo: null,    // {json, digest}
    announcement: null, // announcement JSON text, if made or loaded
    annInfo: null,     // its announcementInfo
    annMade: false,    // made on this page (and so still to be published)
    verifyAnnouncement: null, // announcement JSON text on the verify tab
    lastVerify: null,  // the last verification's outcome, for a language switch
    lastSelf: null,    // the last self-check's report or error, likewise
    record: null,      // the last draw's record.json, as UTF-8 bytes (Uint8Array)
    recordReady: null, // a promise of those bytes (written after the results are shown)
    summary: null,     // its {drawn, strata, unstratified, draw_key, record_digest}
    page: null,        // the drawn rows on the screen: {from, rows, total}
    view: null,        // the result view: {columns, problem, query}
    exclusionIds: [],
    verifyRecord: null, // the published record's text on the verify tab (record.json or notice.html)
    selfRecord: null, // the same, dropped in the self-check section
    ledger: null,      // {name, bytes}: the file as given (CSV, GBK or Excel)
    ledgerReport: null, // {kind, report, csv, xlsx, figuresCsv}
    ledRecord: null, // results: the record (record.json or notice.html text) a results ledger is checked against
    ledRecordName: '',
    calendars: [],     // [{name, text}] user calendar files
    timings: {},       // milliseconds in the worker, by slot and 'draw'
    // day2
    fileFacts: {},     // slot -> {name, count, digest} of the draw tab's files read
    filesBefore: {},   // the same, kept from the last visit: files to load again
    taskTouched: false, // the task on the page was set up by the user
    taskFromAnn: null, // 'form' or 'file': the task was taken from the announcement
    taskOffer: null,   // an announced task that differs from the page's, not yet taken
    annSaved: false,   // the announcement made here was downloaded
    resultsSaved: false, // a result file of the last draw was downloaded
    lastDraw: null,    // {seed, announcement digest} of the last draw made
  };

  // ------------------------------------------------------------------
  // Tabs: arrow keys move between them (WAI-ARIA tabs pattern).

  const tabs = $$('[role=tab]');
  function selectTab(tab, focus) {
    for (const other of tabs) {
      const on = other === tab;
      other.setAttribute('aria-selected', String(on));
      other.tabIndex = on ? 0 : -1;
      document.getElementById(other.getAttribute('aria-controls')).hidden = !on;
    }
    if (focus) tab.focus();
    saveHash();
  }
  for (const tab of tabs) {
    tab.addEventListener('click', () => selectTab(tab, false));
    tab.addEventListener('keydown', (e) => {
      const i = tabs.indexOf(tab);
      let j = null;
      if (e.key === 'ArrowRight') j = (i + 1) % tabs.length;
      else if (e.key === 'ArrowLeft') j = (i - 1 + tabs.length) % tabs.length;
      else if (e.key === 'Home') j = 0;
      else if (e.key === 'End') j = tabs.length - 1;
      if (j !== null) {
        e.preventDefault();
        selectTab(tabs[j], true);
      }
    });
  }
  const currentTab = () => tabs.find((x) => x.getAttribute('aria-selected') === 'true').id.slice(4);

  // ------------------------------------------------------------------
  // Files: picked or dropped onto a .drop box. The page keeps the File
  // itself (not its bytes), and reads it again for a fresh worker.

  function readBytes(file) {
    return file.arrayBuffer();
  }

  // The number of lines, for the progress bar: counted in a small file;
  // in a large one, estimated from its first 4 MiB (the status says
  // "about").
  function approxRows(buf) {
    const SAMPLE = 4 << 20;
    const a = new Uint8Array(buf, 0, Math.min(buf.byteLength, SAMPLE));
    let n = 0;
    for (let i = a.indexOf(10); i !== -1; i = a.indexOf(10, i + 1)) n++;
    if (buf.byteLength > a.length) n = Math.round(n * (buf.byteLength / a.length));
    return Math.max(n - 1, 1);
  }

  function digestLine(digest) {
    return h('div', { class: 'digest' }, t('dirs.digest') + ' ', h('code', { text: digest }));
  }

  async function loadDirectory(box, file) {
    const slot = box.dataset.slot;
    const kind = box.dataset.kind;
    const status = $('.status', box);
    const bar = $('progress', box);
    // The worker readies its memory for the file while it is read here.
    if (file.size >= 1 << 20) call('reserve', { bytes: file.size }).catch(() => {});
    const bytes = await readBytes(file);
    const total = kind === 'exclusions' ? 0 : approxRows(bytes);
    if (isDrawSlot(slot)) staleInputs();
    loaded.delete(slot);
    picked.set(slot, { kind, name: file.name, file });
    headerLists.delete(slot);
    box.classList.remove('ok', 'bad');
    if (bar) {
      bar.hidden = false;
      bar.max = total;
      bar.value = 0;
    }
    show(status, t('dirs.reading', { name: file.name, rows: 0, total: '' }));
    try {
      // The worker gets the bytes (transferred, not cloned).
      const r = await call('load', { slot, kind, name: file.name, bytes, options: slotOptions(slot) }, (p) => {
        if (bar) bar.value = Math.min(p.rows, total);
        show(status, t('dirs.reading', {
          name: file.name, rows: fmtInt(p.rows), total: t('dirs.approx', { n: fmtInt(total) }),
        }));
      }, [bytes]);
      loaded.set(slot, { kind, name: file.name, file });
      state.timings[slot] = r.ms;
      showLoaded(box, file.name, r);
      if (isDrawSlot(slot)) checkAnnounced();
      if (isDrawSlot(slot)) schedulePreflight();
      return r;
    } catch (err) {
      // The worker keeps the bytes, so that the file can be read again
      // with another encoding, worksheet or column mapping.
      showFailed(box, err);
      if (isDrawSlot(slot)) checkAnnounced();
      if (isDrawSlot(slot)) schedulePreflight();
      return null;
    } finally {
      if (bar) bar.hidden = true;
    }
  }

  function showLoaded(box, name, r) {
    kept($('.status', box), () => showLoadedNow(box, name, r));
  }

  function showLoadedNow(box, name, r) {
    box.classList.remove('bad');
    box.classList.add('ok');
    const warnings = r.warnings && r.warnings.length
      ? h('details', { class: 'warnings' },
        h('summary', {}, t('dirs.warnings', { n: r.warnings.length })),
        h('ul', {}, r.warnings.map((w) => h('li', {}, problemLine(w, name)))))
      : null;
    show($('.status', box),
      h('div', {}, tData('dirs.loaded.' + box.dataset.kind, { name, count: fmtInt(r.count) }, ['name']),
        ' · ', t('dirs.time', { s: seconds(r.ms) })),
      digestLine(r.digest),
      warnings,
      againNote(box.dataset.slot, r));
    state.fileFacts[box.dataset.slot] = { name, count: r.count, digest: r.digest };
    syncRemove(box);
    savePage();
  }

  function showFailed(box, err) {
    box.classList.remove('ok');
    box.classList.add('bad');
    const missing = err && err.kind === 'MissingColumn' && $('.adv', box);
    kept($('.status', box), () => show($('.status', box), errorView(err), missing ? h('p', { class: 'hint', text: t('adv.missing') }) : null));
    delete state.fileFacts[box.dataset.slot];
    syncRemove(box);
    if (missing) {
      if (Array.isArray(err.headers)) setHeaderList(box.dataset.slot, err.headers);
      const adv = $('.adv', box);
      adv.open = true;
      if (!$$('.map-rows tr', adv).length) addMapRow(adv, '', '');
    }
  }

  // The outcome of files read again by the worker (after the task or the
  // reading options changed), by slot.
  function showRereads(reread) {
    for (const [slot, r] of Object.entries(reread || {})) {
      const box = $(`.drop[data-slot=${slot}]`);
      const p = picked.get(slot);
      if (!box) continue;
      if (r.ok) {
        if (p) loaded.set(slot, p);
        state.timings[slot] = r.result.ms;
        showLoaded(box, p ? p.name : slot, r.result);
      } else {
        loaded.delete(slot);
        showFailed(box, r.error);
      }
    }
    if (Object.keys(reread || {}).some(isDrawSlot)) {
      staleInputs();
      checkAnnounced();
    }
  }

  // ------------------------------------------------------------------
  // How each file is read (the 高级 disclosure of each file box): the
  // encoding, the worksheet and explicit column mappings, the page's
  // --encoding, --sheet and --map-* (core: LoadOptions). On the draw tab
  // the mappings belong to the task: they are written into the task file
  // as [columns.entities] / [columns.inspectors] / [columns.exclusions].

  // The fields a header can be mapped to, by kind of file: the name written
  // into the mapping (a canonical name of SPEC §3.3) and its label's key.
  const FIELDS = {
    entities: [['统一社会信用代码', 'field.id'], ['注册号', 'field.regno'], ['企业名称', 'field.name'],
      ['信用风险等级', 'field.credit'], ['所属区域', 'field.region'], ['行业', 'field.industry'],
      ['企业类型', 'field.type'], ['登记机关', 'field.authority'], ['法定代表人', 'field.legal'],
      ['住所', 'field.address'], ['管辖单位', 'field.unit']],
    inspectors: [['执法证号', 'field.cert'], ['姓名', 'field.iname'], ['单位', 'field.department'],
      ['执法领域', 'field.fields'], ['状态', 'field.status'], ['有效期', 'field.expiry'], ['所属区域', 'field.region']],
    exclusions: [['统一社会信用代码', 'field.id']],
  };

  const pageOpts = Object.create(null); // slot -> {encoding, sheet, columns: [[header, field]]}
  const headerLists = new Map(); // slot -> the file's headers, once asked for

  const isDrawSlot = (slot) => !slot.startsWith('v-');
  const optsOf = (slot) => pageOpts[slot] || { encoding: 'auto', sheet: '', columns: [] };

  // What the worker is told for a slot: in form mode the draw tab's
  // mappings are already in the task it reads, so they are not added twice.
  function slotOptions(slot) {
    const o = optsOf(slot);
    const inTask = isDrawSlot(slot) && taskMode() === 'form';
    return { encoding: o.encoding, sheet: o.sheet, columns: inTask ? [] : o.columns };
  }

  function allOptions() {
    const out = {};
    for (const box of $$('.drop .adv')) {
      const slot = box.closest('.drop').dataset.slot;
      out[slot] = slotOptions(slot);
    }
    return out;
  }

  function setHeaderList(slot, headers) {
    headerLists.set(slot, headers);
    const list = document.getElementById('headers-' + slot);
    if (list) list.replaceChildren(...headers.filter(Boolean).map((x) => h('option', { value: x })));
  }

  function addMapRow(adv, header, field) {
    const box = adv.closest('.drop');
    const kind = box.dataset.kind;
    const slot = box.dataset.slot;
    const select = h('select', { name: 'field', 'aria-label': t('adv.map.field'), 'data-i18n-aria': 'adv.map.field' },
      FIELDS[kind].map(([value, key]) => h('option', { value, 'data-i18n': key, text: t(key) })));
    if (field) {
      if (!FIELDS[kind].some(([v]) => v === field)) select.append(h('option', { value: field, text: field }));
      select.value = field;
    }
    const remove = h('button', {
      type: 'button', class: 'icon', 'aria-label': t('adv.map.remove'), title: t('adv.map.remove'), 'data-i18n-aria': 'adv.map.remove',
    }, '×');
    const tr = h('tr', {},
      h('td', {}, h('input', {
        name: 'header', value: header || '', list: 'headers-' + slot, spellcheck: 'false',
        'aria-label': t('adv.map.header'), 'data-i18n-aria': 'adv.map.header',
      })),
      h('td', { class: 'arrow', 'aria-hidden': 'true' }, '→'),
      h('td', {}, select),
      h('td', {}, remove));
    remove.addEventListener('click', () => {
      tr.remove();
      applyAdv(adv);
    });
    $('.map-rows', adv).append(tr);
    return tr;
  }

  // The command line's flags for the same reading (core ReadingFlags),
  // shown under the form.
  async function cliHint(adv) {
    const box = adv.closest('.drop');
    const o = optsOf(box.dataset.slot);
    const out = $('.adv-cli', adv);
    let flags = '';
    try {
      flags = await call('readingFlags', { reading: { encoding: o.encoding, sheet: o.sheet, [box.dataset.kind]: o.columns } });
    } catch (_) { /* no hint rather than a wrong one */ }
    out.replaceChildren();
    if (flags) out.append(t('adv.cli', { flags: '' }), h('code', { text: flags }));
  }

  function advOf(adv) {
    return {
      encoding: $('[name=encoding]', adv).value,
      sheet: $('[name=sheet]', adv).value.trim(),
      columns: $$('.map-rows tr', adv)
        .map((tr) => [$('[name=header]', tr).value.trim(), $('[name=field]', tr).value])
        .filter(([hd, f]) => hd && f),
    };
  }

  // Takes the disclosure's choices and reads the file again with them.
  async function applyAdv(adv) {
    const box = adv.closest('.drop');
    const slot = box.dataset.slot;
    const before = JSON.stringify(optsOf(slot));
    pageOpts[slot] = advOf(adv);
    cliHint(adv);
    saveHash();
    if (JSON.stringify(pageOpts[slot]) === before && !box.classList.contains('bad')) return;
    if (isDrawSlot(slot) && taskMode() === 'form' && await refreshTask()) return;
    await applyOptions();
  }

  async function applyOptions() {
    try {
      const r = await call('options', { options: allOptions() });
      showRereads(r.reread);
    } catch (err) {
      show($('#task-status'), errorView(err));
    }
  }

  function buildAdv(box) {
    const slot = box.dataset.slot;
    const kind = box.dataset.kind;
    const label = (key, control) => h('label', {}, h('span', { 'data-i18n': key, text: t(key) }), control);
    const encoding = h('select', { name: 'encoding' },
      [['auto', 'adv.enc.auto'], ['utf-8', 'adv.enc.utf8'], ['gbk', 'adv.enc.gbk']]
        .map(([value, key]) => h('option', { value, 'data-i18n': key, text: t(key) })));
    const add = h('button', { type: 'button', class: 'add-map', 'data-i18n': 'adv.map.add', text: t('adv.map.add') });
    const apply = h('button', { type: 'button', class: 'apply', 'data-i18n': 'adv.apply', text: t('adv.apply') });
    const adv = h('details', { class: 'adv' },
      h('summary', { 'data-i18n': 'adv.summary', text: t('adv.summary') }),
      h('div', { class: 'adv-read' },
        label('adv.encoding', encoding),
        label('adv.sheet', h('input', { name: 'sheet', spellcheck: 'false' }))),
      h('fieldset', { class: 'adv-map' },
        h('legend', { 'data-i18n': 'adv.map', text: t('adv.map') }),
        h('p', { class: 'hint', 'data-i18n': 'adv.map.hint', text: t('adv.map.hint') }),
        h('table', { class: 'map-table' }, h('tbody', { class: 'map-rows' })),
        add,
        isDrawSlot(slot) ? h('p', { class: 'hint', 'data-i18n': 'adv.inTask', text: t('adv.inTask') }) : null),
      h('datalist', { id: 'headers-' + slot }),
      h('p', { class: 'actions' }, apply),
      h('p', { class: 'adv-cli hint' }));
    adv.dataset.kind = kind;
    add.addEventListener('click', () => {
      const tr = addMapRow(adv, '', '');
      $('input', tr).focus();
    });
    apply.addEventListener('click', () => applyAdv(adv));
    adv.addEventListener('change', () => applyAdv(adv));
    // The headers of a file read without error are asked for when the
    // disclosure is opened (a workbook is read once more for them).
    adv.addEventListener('toggle', () => {
      if (adv.open && picked.has(slot) && !headerLists.has(slot)) {
        call('headers', { slot }).then((list) => setHeaderList(slot, list)).catch(() => {});
      }
    });
    box.append(adv);
    return adv;
  }

  // Puts the options of every slot into the disclosures (after restoring
  // the URL hash).
  function fillAdv() {
    for (const adv of $$('.drop .adv')) {
      const slot = adv.closest('.drop').dataset.slot;
      const o = optsOf(slot);
      $('[name=encoding]', adv).value = o.encoding;
      $('[name=sheet]', adv).value = o.sheet;
      $('.map-rows', adv).replaceChildren();
      for (const [hd, f] of o.columns) addMapRow(adv, hd, f);
      if (o.encoding !== 'auto' || o.sheet || o.columns.length) adv.open = true;
      cliHint(adv);
    }
  }

  for (const box of $$('.drop')) {
    if (['entities', 'inspectors', 'exclusions'].includes(box.dataset.kind)) buildAdv(box);
  }

  // Whether a file may go into a box of `kind`: the core tells what the
  // file is (core identify); a file that is recognizably another kind is
  // refused in the box, saying what it is and where it belongs.
  async function fileFits(box, kind, file) {
    try {
      const bytes = await readBytes(file);
      await call('checkFile', { bytes, name: file.name, kind }, null, [bytes]);
      return true;
    } catch (err) {
      const e = err.file ? err : { ...err, file: file.name };
      if (box.classList.contains('drop')) showFailed(box, e);
      else show(box, errorView(e));
      return false;
    }
  }

  async function loadFile(box, file) {
    const kind = box.dataset.kind;
    // A verdict is of the files it was given: another file hides it.
    // (The self-check's own record is not the verification's.)
    if (!isDrawSlot(box.dataset.slot) && box.dataset.slot !== 'self-record' && box.dataset.slot !== 'led-record') clearVerify();
    if (kind === 'entities' || kind === 'inspectors' || kind === 'exclusions') {
      await loadDirectory(box, file);
      return;
    }
    box.classList.remove('ok', 'bad');
    // A new ledger makes the report of the old one stale at once.
    if (kind === 'ledger') clearLedgerReport();
    if (!(await fileFits(box, kind, file))) {
      if (kind === 'task') { state.taskToml = null; state.taskInfo = null; show($('#task-status')); }
      if (kind === 'record') state[recordSlot(box) + 'Record'] = null;
      if (box.dataset.slot === 'led-record') clearLedgerReport();
      if (kind === 'announcement') state.verifyAnnouncement = null;
      if (kind === 'ledger') { clearLedgerReport(); state.ledger = null; }
      syncRemove(box);
      return;
    }
    if (kind === 'task') {
      staleInputs();
      state.taskToml = await file.text();
      state.taskName = file.name;
      state.taskTouched = true;
      state.taskFromAnn = null;
      await refreshTask();
      syncRemove(box);
    } else if (kind === 'record') {
      await loadRecord(box, file);
      syncRemove(box);
    } else if (kind === 'announcement') {
      await loadVerifyAnnouncement(box, file);
    } else if (kind === 'ledger') {
      clearLedgerReport();
      // The bytes, not text: a ledger may be GBK or an Excel workbook,
      // read by the core as `shuangsui ledger` reads it.
      state.ledger = { name: file.name, bytes: await readBytes(file) };
      box.classList.add('ok');
      kept($('.status', box), () => show($('.status', box), tData('dirs.loaded.ledger', { name: file.name, bytes: fmtInt(file.size) }, ['name'])));
      syncRemove(box);
    }
  }

  for (const box of $$('.drop')) {
    const input = $('input[type=file]', box);
    input.addEventListener('change', () => {
      if (input.files && input.files[0]) loadFile(box, input.files[0]);
    });
    box.addEventListener('dragover', (e) => {
      e.preventDefault();
      box.classList.add('over');
    });
    box.addEventListener('dragleave', () => box.classList.remove('over'));
    box.addEventListener('drop', (e) => {
      e.preventDefault();
      box.classList.remove('over');
      const f = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
      if (f) loadFile(box, f);
    });
  }
  // A file dropped outside a box must not replace the page.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());

  // The sample data of `shuangsui demo`: the task first, so that the
  // directories are read as it says; then the directories, the
  // announcement and the seed, through the same paths as files.
  $('#load-demo').addEventListener('click', async () => {
    const d = await call('demo');
    staleInputs();
    state.taskFromAnn = null;
    setTaskMode('file');
    state.taskToml = d.task_toml;
    state.taskName = 'task.toml';
    await refreshTask();
    const file = (text, name) => new File([text], name, { type: 'text/csv' });
    await loadDirectory($('#panel-draw .drop[data-slot=entities]'), file(d.entities_csv, 'entities.csv'));
    await loadDirectory($('#panel-draw .drop[data-slot=inspectors]'), file(d.inspectors_csv, 'inspectors.csv'));
    state.announcement = d.announcement;
    state.annMade = false;
    await useAnnouncement(false);
    fillSeedBoxes(d.seed.split('\n'));
    saveHash();
    $('#run-draw').focus();
  });

  // ------------------------------------------------------------------
  // The task: the core writes the form out as a task file (SPEC §5.3,
  // core TaskForm) and reads it, exactly as a file a user loads would be.

  const form = $('#task-form');
  const lines = (s) => String(s || '').split(/\r?\n/).map((x) => x.trim()).filter(Boolean);

  // A quota's number and its unit, chosen (% a ratio, 户 a count): the
  // core refuses a number without one, so that "3" is never read as a
  // count when 3% was meant.
  const UNITS = [['', 'task.unit.none'], ['%', 'task.unit.pct'], ['户', 'task.unit.hu']];
  function splitQuota(q) {
    const m = /^(.*?)\s*(%|％|户)?$/.exec(String(q || '').trim());
    return [m[1], m[2] === '户' ? '户' : m[2] ? '%' : ''];
  }

  function stratumRow(value, quota) {
    const remove = h('button', { type: 'button', class: 'icon', 'aria-label': t('task.removeRow'), title: t('task.removeRow') }, '×');
    const [num, unit] = quota === undefined ? ['', '%'] : splitQuota(quota);
    const select = h('select', { name: 'su', 'aria-label': t('task.unit'), 'data-i18n-aria': 'task.unit' },
      UNITS.map(([v, key]) => h('option', { value: v, 'data-i18n': key, text: t(key) })));
    select.value = num === '' && unit === '' ? '%' : unit;
    const tr = h('tr', {},
      h('td', {}, h('input', { name: 'sv', value: value || '', 'aria-label': t('task.value') })),
      h('td', {}, h('input', { name: 'sq', value: num, 'aria-label': t('task.quota'), inputmode: 'decimal' })),
      h('td', {}, select),
      h('td', {}, remove));
    remove.addEventListener('click', () => {
      tr.remove();
      formChanged();
    });
    return tr;
  }

  function setStrata(rows) {
    $('#strata-rows').replaceChildren(...rows.map(([v, q]) => stratumRow(v, q)));
  }

  // Each row as [value, quota with its unit] ("3%", "5户"; a number
  // without a unit stays as typed, for the core to refuse).
  function strataRows() {
    return $$('#strata-rows tr').map((tr) => {
      const q = $('[name=sq]', tr).value.trim();
      return [$('[name=sv]', tr).value.trim(), q ? q + $('[name=su]', tr).value : ''];
    }).filter(([v, q]) => v || q);
  }

  // The form's fields as typed (core TaskForm): the core decides what
  // each means (lists, quotas, departments with their counts).
  function formNow() {
    const f = formValues();
    const text = (k) => String(f[k] || '');
    return {
      name: text('name'), item: text('item'), draw_date: text('draw_date'), fields: text('fields'),
      departments: text('departments'), exclusions: text('exclusions'), strata_attr: text('strata_attr'),
      strata: strataRows(), size: text('size'), max_per_inspector: text('max_per_inspector'),
      avoid_area: !!f.avoid_area, conflicts: text('conflicts'), columns: pageColumns(),
    };
  }

  // The draw tab's column mappings, for the task file's [columns.*] tables
  // (SPEC §5.3), so that the command line reads the files the same way.
  function pageColumns() {
    return { entities: optsOf('entities').columns, inspectors: optsOf('inspectors').columns, exclusions: optsOf('exclusions').columns };
  }

  // The task form's named fields, as FormData would give them, but also
  // while the form is locked (FormData leaves disabled fields out).
  function formValues() {
    const out = {};
    for (const el of form.elements) {
      if (!el.name || el.name === 'sv' || el.name === 'sq') continue;
      if (el.type === 'checkbox') {
        if (el.checked) out[el.name] = 'on';
      } else out[el.name] = el.value;
    }
    return out;
  }

  function taskMode() {
    return $('input[name=taskmode]:checked').value;
  }

  function setTaskMode(mode) {
    $(`input[name=taskmode][value=${mode}]`).checked = true;
    $('#task-file').hidden = mode !== 'file';
    form.hidden = mode !== 'form';
  }

  let taskTimer = null;
  function formChanged(e) {
    saveHash();
    if (taskMode() !== 'form') return;
    if (e && e.isTrusted) state.taskTouched = true;
    staleInputs();
    clearTimeout(taskTimer);
    taskTimer = setTimeout(refreshTask, 250);
  }

  let taskSeq = 0;
  async function refreshTask() {
    const mine = ++taskSeq;
    const status = $('#task-status');
    const fileBox = $('.drop[data-slot=taskfile]');
    if (taskMode() === 'form') {
      try {
        const toml = await call('taskFormToml', { form: formNow() });
        if (mine !== taskSeq) return null;
        state.taskToml = toml;
        state.taskName = 'task.toml';
      } catch (err) {
        if (mine !== taskSeq) return null;
        state.taskToml = null;
        state.taskInfo = null;
        show(status, errorView(err));
        return null;
      }
    }
    if (!state.taskToml) {
      show(status);
      return null;
    }
    try {
      const info = await call('task', { toml: state.taskToml, name: state.taskName, options: allOptions() });
      showRereads(info.reread);
      if (mine !== taskSeq) return null;
      state.taskInfo = info;
      const task = JSON.parse(info.json);
      fileBox.classList.toggle('ok', taskMode() === 'file');
      fileBox.classList.remove('bad');
      if (taskMode() === 'file' && state.taskFromAnn === 'file') {
        show($('.status', fileBox), announcedTaskView(task));
      } else if (taskMode() === 'file') {
        show($('.status', fileBox), tData('dirs.loaded.task', { name: state.taskName, task: task.name }, ['name', 'task']));
        // A task file's [[seed]] tables are the forms to announce.
        // Once for each task file read, so that edits on the page stay.
        if (info.seedForms && info.seedForms.length && !state.announcement && state.formsFrom !== state.taskToml) {
          state.formsFrom = state.taskToml;
          await presetsReady;
          setForms(info.seedForms);
        }
      }
      show(status, h('p', { class: 'ok' }, tData('task.ok', {
        name: task.name, strata: task.strata.length, size: task.team.size, digest: info.digest,
      }, ['name'])));
      saveHash();
      schedulePreflight();
      scheduleFormFindings();
      return info;
    } catch (err) {
      if (mine !== taskSeq) return null;
      state.taskInfo = null;
      schedulePreflight();
      if (taskMode() === 'file') {
        fileBox.classList.add('bad');
        show($('.status', fileBox));
      }
      show(status, errorView(err));
      return null;
    }
  }

  form.addEventListener('input', formChanged);
  form.addEventListener('change', formChanged);
  form.addEventListener('submit', (e) => e.preventDefault());
  $('#add-stratum').addEventListener('click', () => {
    $('#strata-rows').append(stratumRow('', undefined));
    $('#strata-rows tr:last-child input').focus();
  });
  for (const r of $$('input[name=taskmode]')) {
    r.addEventListener('change', () => {
      setTaskMode(taskMode());
      staleInputs();
      state.taskFromAnn = null;
      if (taskMode() === 'form') formChanged();
      else {
        state.taskToml = null;
        state.taskInfo = null;
        show($('#task-status'));
        applyOptions();
      }
    });
  }

  // In form mode the mappings are in the TOML already; a loaded task file
  // gets the page's mappings added as [columns.*] tables by the core (a
  // file that maps the same kind already cannot take a second table: the
  // core's error says what to add by hand).
  async function downloadTask() {
    if (!state.taskToml) return;
    let text = state.taskToml;
    if (taskMode() === 'file') {
      try {
        text = await call('taskWithColumns', { toml: text, name: state.taskName, columns: pageColumns() });
      } catch (err) {
        show($('#task-status'), errorView(err));
      }
    }
    download(state.taskName || 'task.toml', text, 'application/toml');
  }
  $('#dl-task').addEventListener('click', downloadTask);
  $('#dl-task2').addEventListener('click', downloadTask);

  // ------------------------------------------------------------------
  // Announcement (day 1): the seed forms (SPEC §6.2) are set up on the
  // page and the core makes the announcement from them (SPEC §12). Day 2:
  // the seed is entered under the forms the announcement fixed (SPEC §6.3),
  // one box per number, so that a published result has one way to be typed.

  let presets = []; // [{game, groups}] (SPEC §6.2), from the core
  const presetsReady = call('lotteryPresets').then((p) => { presets = p; }).catch(() => {});
  const CUSTOM = '*custom';

  const label = (key, control, cls) => h('label', { class: cls }, h('span', { 'data-i18n': key, text: t(key) }), control);

  function groupRow(g) {
    const num = (name, v, min) => h('input', { name, type: 'number', min: String(min), step: '1', value: v === undefined ? '' : String(v), 'aria-label': t('form.g.' + name), 'data-i18n-aria': 'form.g.' + name });
    const check = (name, on) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name, checked: on }), ' ', h('span', { 'data-i18n': 'form.g.' + name, text: t('form.g.' + name) }));
    const remove = h('button', { type: 'button', class: 'icon', title: t('form.g.remove'), 'aria-label': t('form.g.remove'), 'data-i18n-aria': 'form.g.remove' }, '×');
    const tr = h('tr', { class: 'group-row' },
      h('td', {}, num('count', g.count, 1)), h('td', {}, num('min', g.min, 0)), h('td', {}, num('max', g.max, 0)),
      h('td', {}, check('ordered', g.ordered !== false)), h('td', {}, check('distinct', !!g.distinct)), h('td', {}, remove));
    remove.addEventListener('click', () => {
      tr.remove();
      formsChanged();
    });
    return tr;
  }

  // One source's editor; `form` a SeedForm object or undefined (a new
  // 福彩3D source).
  function formEditor(form) {
    const f = form || { kind: 'lottery', game: '福彩3D', issue: '', date: '' };
    const kind = h('select', { name: 'kind', 'data-testid': 'form-kind' },
      ['lottery', 'beacon', 'text'].map((k) => h('option', { value: k, 'data-i18n': 'form.kind.' + k, text: t('form.kind.' + k) })));
    kind.value = f.kind;
    const preset = presets.find((p) => p.game === f.game);
    const game = h('select', { name: 'game', 'data-testid': 'form-game' },
      presets.map((p) => h('option', { value: p.game, lang: 'zh-CN', text: p.game })),
      h('option', { value: CUSTOM, 'data-i18n': 'form.custom', text: t('form.custom') }));
    game.value = f.kind !== 'lottery' || preset ? (preset ? preset.game : '福彩3D') : CUSTOM;
    const input = (name, v, extra) => h('input', { name, value: v === undefined || v === null ? '' : String(v), spellcheck: 'false', 'data-testid': 'form-' + name, ...(extra || {}) });
    const groups = h('tbody', { class: 'groups' });
    for (const g of (f.kind === 'lottery' && !preset && f.groups) || [{ count: 1, min: 0, max: 9, ordered: true, distinct: false }]) groups.append(groupRow(g));
    const addGroup = h('button', { type: 'button', 'data-i18n': 'form.g.add', text: t('form.g.add') });
    addGroup.addEventListener('click', () => {
      groups.append(groupRow({ count: 1, min: 1, max: 10, ordered: true, distinct: false }));
      formsChanged();
    });
    const custom = h('div', { class: 'custom-game' },
      label('form.customGame', input('custom_game', preset ? '' : f.game)),
      h('div', { class: 'groups-scroll' }, h('table', { class: 'groups-table' },
        h('thead', {}, h('tr', {}, ['count', 'min', 'max'].map((k) => h('th', { scope: 'col', 'data-i18n': 'form.g.' + k, text: t('form.g.' + k) })), h('th', {}), h('th', {}), h('th', {}))),
        groups)),
      addGroup);
    const remove = h('button', { type: 'button', class: 'remove-form', 'data-i18n': 'form.remove', text: t('form.remove') });
    const box = h('fieldset', { class: 'form-src' },
      h('legend', {}),
      h('div', { class: 'grid kind-row' }, label('form.kind', kind)),
      h('div', { class: 'k-lottery grid' },
        label('form.game', game),
        label('form.issue', input('issue', f.issue, { placeholder: '2026318' })),
        label('form.ldate', input('ldate', f.kind === 'lottery' ? f.date : '', { type: 'date' })),
        custom),
      h('div', { class: 'k-beacon grid' },
        label('form.beacon', input('beacon', f.beacon, { placeholder: 'drand quicknet' })),
        label('form.round', input('round', f.round, { inputmode: 'numeric' })),
        label('form.bdate', input('bdate', f.kind === 'beacon' ? f.date : '', { type: 'date' })),
        label('form.bytes', input('bytes', f.bytes === undefined ? 32 : f.bytes, { type: 'number', min: '1', step: '1' }))),
      h('div', { class: 'k-text grid' },
        label('form.event', input('event', f.event, { placeholder: t('form.eventExample') })),
        label('form.place', input('place', f.place)),
        label('form.tdate', input('tdate', f.kind === 'text' ? f.date : '', { type: 'date' }))),
      h('p', { class: 'actions' }, remove));
    remove.addEventListener('click', () => {
      box.remove();
      formsChanged();
    });
    box.addEventListener('input', formsChanged);
    box.addEventListener('change', formsChanged);
    showKind(box);
    return box;
  }

  function showKind(box) {
    const kind = $('[name=kind]', box).value;
    for (const k of ['lottery', 'beacon', 'text']) $('.k-' + k, box).hidden = k !== kind;
    $('.custom-game', box).hidden = $('[name=game]', box).value !== CUSTOM;
  }

  function renumber() {
    const boxes = $$('#forms .form-src');
    boxes.forEach((box, i) => {
      $('legend', box).textContent = t('form.n', { n: i + 1 });
      $('.remove-form', box).hidden = boxes.length < 2;
    });
  }

  // The editor's sources as SeedForm objects (numbers that are not
  // numbers stay NaN, caught by formBoxProblems).
  function formsNow() {
    return $$('#forms .form-src').map((box) => {
      const v = (name) => $(`[name=${name}]`, box).value.trim();
      const kind = v('kind');
      if (kind === 'beacon') {
        return { kind, beacon: v('beacon'), round: /^\d+$/.test(v('round')) ? Number(v('round')) : NaN, date: v('bdate'), bytes: /^\d+$/.test(v('bytes')) ? Number(v('bytes')) : NaN };
      }
      if (kind === 'text') return { kind, event: v('event'), place: v('place'), date: v('tdate') };
      const g = v('game');
      const preset = presets.find((p) => p.game === g);
      const groups = preset ? preset.groups : $$('.group-row', box).map((tr) => {
        const n = (name) => (/^\d+$/.test($(`[name=${name}]`, tr).value.trim()) ? Number($(`[name=${name}]`, tr).value.trim()) : NaN);
        return { count: n('count'), min: n('min'), max: n('max'), ordered: $('[name=ordered]', tr).checked, distinct: $('[name=distinct]', tr).checked };
      });
      return { kind: 'lottery', game: preset ? g : v('custom_game'), issue: v('issue'), date: v('ldate'), groups };
    });
  }

  // The editor's boxes that do not hold a number where one is needed:
  // what the page cannot send (the core checks everything else of a form,
  // preflight seedFormFindings).
  function formBoxProblems(forms) {
    const out = [];
    forms.forEach((f, i) => {
      const n = i + 1;
      if (f.kind === 'lottery') {
        for (const g of f.groups) {
          if (![g.count, g.min, g.max].every(Number.isFinite)) out.push(t('form.p.group', { n }));
        }
      } else if (f.kind === 'beacon') {
        for (const [value, key] of [[f.round, 'form.round'], [f.bytes, 'form.bytes']]) {
          if (!Number.isFinite(value)) out.push(t('form.p.empty', { n, field: t(key) }));
        }
      }
    });
    return out;
  }

  function setForms(forms) {
    $('#forms').replaceChildren(...(forms.length ? forms : [undefined]).map(formEditor));
    renumber();
    showEntropy();
  }

  let formsTimer = null;
  function formsChanged(e) {
    if (e && e.target && e.target.closest && e.target.closest('.form-src') && ['kind', 'game'].includes(e.target.name)) {
      showKind(e.target.closest('.form-src'));
    }
    renumber();
    saveHash();
    scheduleFormFindings();
    clearTimeout(formsTimer);
    formsTimer = setTimeout(showEntropy, 150);
  }

  // The total entropy (SPEC §6.4), with the warning below 20 bits.
  async function showEntropy() {
    const out = $('#entropy');
    // Only the sizes matter here: unfilled numbers count as zero.
    const forms = formsNow().map((f) => {
      const c = { ...f };
      if (c.kind === 'beacon') {
        c.round = Number.isFinite(c.round) ? c.round : 0;
        c.bytes = Number.isFinite(c.bytes) ? c.bytes : 0;
      }
      if (c.kind === 'lottery') c.groups = c.groups.filter((g) => [g.count, g.min, g.max].every(Number.isFinite) && g.min <= g.max);
      return c;
    });
    try {
      const bits = await call('entropy', { forms });
      show(out, h('p', { 'data-testid': 'entropy-bits' }, t('ann.entropy', { bits: bits.toFixed(1) })),
        bits < 20 ? h('p', { class: 'warn', role: 'note', 'data-testid': 'entropy-warning' }, t('ann.entropyLow', { bits: bits.toFixed(1) })) : null);
    } catch (_) {
      show(out);
    }
  }

  $('#add-form').addEventListener('click', () => {
    const box = formEditor(undefined);
    $('#forms').append(box);
    renumber();
    formsChanged();
    $('[name=kind]', box).focus();
  });

  // The announcement's facts (announcementInfo), once made or loaded.
  async function useAnnouncement(restoreTask) {
    const info = await call('announcementInfo', { announcement: state.announcement });
    state.annInfo = info;
    let digest = null;
    try { digest = JSON.parse(state.announcement).task_digest; } catch (_) { /* read by the core above */ }
    staleInputs();
    state.taskOffer = null;
    // Day 2 from the announcement alone: its task becomes the page's task
    // (unless the task on the page is already that one); a task the user
    // set up that differs is named, and replaced only when asked.
    if (restoreTask && (!state.taskInfo || state.taskInfo.digest !== digest)) {
      const r = await call('announcedTask', { announcement: state.announcement, current: state.taskTouched ? state.taskToml : null });
      if (r.difference) state.taskOffer = r;
      else await useAnnouncedTask(r);
    }
    if (info.sources.length) setForms(info.sources.map((s) => s.form));
    if (info.published) $('#ann-published').value = info.published;
    showAnnouncement();
    buildSeedBoxes();
    checkAnnounced();
    saveHash();
    return info;
  }

  function showAnnouncement() {
    const st = $('#ann-status');
    const info = state.announcement && state.annInfo;
    $('#ann-downloads').hidden = !info;
    $('#seed-announced').hidden = !info;
    $('#seed-unannounced').hidden = !!info;
    // The forms of an announcement made or loaded cannot change any more:
    // editing them would no longer match what is published.
    $('fieldset.sources').disabled = !!info;
    $('#ann-published').disabled = !!info;
    $('#make-ann').disabled = !!info;
    lockTask(!!info && !state.taskOffer);
    renderPreflight();
    if (!info) {
      show(st);
      return;
    }
    const v1 = info.protocol !== 'shuangsui-draw/2';
    show(st,
      h('p', { class: 'ok', 'data-testid': 'ann-ok' }, t('ann.ok', { digest: info.announcement_digest })),
      h('p', {}, tData('ann.facts', { published: info.published || '—', task: info.task_name, date: info.draw_date, protocol: info.protocol }, ['task'])),
      // A source's description is the record's own words (SPEC §11), in Chinese.
      h('ol', { class: 'sources-list' }, info.sources.map((s) => h('li', {}, h('span', { lang: 'zh-CN', text: s.describe }), ' — ', I18N.lang === 'zh' ? s.expects_zh : s.expects_en))),
      v1 ? h('p', { class: 'warn' }, t('ann.v1')) : null,
      taskOfferView(),
      state.annMade ? nextSteps(info) : h('p', { class: 'publish-now', 'data-testid': 'publish-now' }, t('ann.loaded', { published: info.published || '—' })));
  }

  $('#make-ann').addEventListener('click', async () => {
    const st = $('#ann-status');
    const forms = formsNow();
    const published = $('#ann-published').value;
    if (!(await ensureDrawInputs(st))) return;
    // The pre-flight, brought up to date: errors refuse; warnings refuse
    // until acknowledged.
    clearTimeout(pfTimer);
    clearTimeout(pfFormsTimer);
    await Promise.all([refreshPreflight(true), refreshFormFindings()]);
    const all = pfFindings();
    const errors = all.filter((f) => f.level === 'error').length;
    const warnings = all.filter((f) => f.level === 'warning').length;
    if (errors || pf.inputsError || !pf.inputs) {
      show(st, h('p', { class: 'error', role: 'alert', 'data-testid': 'ann-refused' }, t('pf.refuse.errors', { n: errors || 1 })));
      $('#preflight').scrollIntoView({ block: 'nearest' });
      return;
    }
    if (warnings && !pf.ack) {
      show(st, h('p', { class: 'error', role: 'alert', 'data-testid': 'ann-refused' }, t('pf.refuse.warnings', { n: warnings })));
      const ack = $('#pf-ack');
      if (ack) ack.focus();
      return;
    }
    try {
      state.announcement = await call('announce', { forms, published });
      state.annMade = true;
      await useAnnouncement(false);
    } catch (err) {
      show(st, errorView(err));
    }
  });
  $('#dl-ann').addEventListener('click', () => {
    if (!state.announcement) return;
    download('announcement.json', state.announcement, 'application/json');
    state.annSaved = true;
    savePage();
  });
  $('#dl-ann-html').addEventListener('click', async () => {
    if (!state.announcement) return;
    try {
      download('announcement.html', await call('announcementHtml', { announcement: state.announcement }), 'text/html');
    } catch (err) {
      show($('#ann-status'), errorView(err));
    }
  });
  $('#clear-ann').addEventListener('click', () => {
    if (state.annMade && !state.annSaved && !window.confirm(t('day2.clearAnnConfirm'))) return;
    staleInputs();
    state.announcement = null;
    state.annInfo = null;
    state.annMade = false;
    state.annSaved = false;
    state.taskOffer = null;
    $('#ann-file').value = '';
    showAnnouncement();
    checkAnnounced();
    saveHash();
  });
  $('#ann-file').addEventListener('change', async (e) => {
    const f = e.target.files[0];
    if (!f) return;
    if (!(await fileFits($('#ann-status'), 'announcement', f))) return;
    const before = [state.announcement, state.annInfo, state.annMade];
    state.announcement = await f.text();
    state.annMade = false;
    try {
      await useAnnouncement(true);
    } catch (err) {
      [state.announcement, state.annInfo, state.annMade] = before;
      showAnnouncement();
      show($('#ann-status'), errorView({ ...err, file: err.file || f.name }));
    }
  });
  $('#ann-published').addEventListener('change', () => formsChanged());
  $('#ann-published').addEventListener('input', () => scheduleFormFindings());

  // ------------------------------------------------------------------
  // preflight: the pre-flight (预检, SPEC §12.1, core draw/preflight.rs)
  // before announcing: per stratum how many match and will be drawn, then
  // each error and warning with the control that fixes it. Computed again
  // when the task or a directory changes; the seed forms on their own as
  // they are edited. The acknowledgement of warnings is reset whenever the
  // pre-flight is computed again.

  const pf = { inputs: null, inputsError: null, forms: [], ack: false, seq: 0, formsSeq: 0 };
  let pfTimer = null;
  let pfFormsTimer = null;

  function schedulePreflight() {
    clearTimeout(pfTimer);
    pfTimer = setTimeout(() => refreshPreflight(false), 200);
  }

  function scheduleFormFindings() {
    clearTimeout(pfFormsTimer);
    pfFormsTimer = setTimeout(refreshFormFindings, 150);
  }

  async function refreshPreflight(keepAck) {
    const mine = ++pf.seq;
    if (!keepAck) pf.ack = false;
    if (!state.taskInfo || !loaded.has('entities') || !loaded.has('inspectors')) {
      pf.inputs = null;
      pf.inputsError = null;
    } else {
      try {
        const r = await call('preflight');
        if (mine !== pf.seq) return;
        pf.inputs = r;
        pf.inputsError = null;
      } catch (err) {
        if (mine !== pf.seq) return;
        pf.inputs = null;
        pf.inputsError = err;
      }
    }
    renderPreflight();
  }

  async function refreshFormFindings() {
    const mine = ++pf.formsSeq;
    const forms = formsNow();
    const boxes = formBoxProblems(forms);
    let found = boxes.map((text) => ({ level: 'error', control: 'seed.forms', text }));
    if (!boxes.length) {
      let drawDate = '';
      try { drawDate = JSON.parse(state.taskInfo.json).draw_date; } catch (_) { /* no task yet */ }
      try {
        found = await call('seedFormFindings', { forms, published: $('#ann-published').value, drawDate });
      } catch (err) {
        found = [{ level: 'error', control: 'seed.forms', text: errorText(err) }];
      }
    }
    if (mine !== pf.formsSeq) return;
    // The dates are checked against the task's draw date: without a task
    // that check waits.
    pf.forms = state.taskInfo ? found : found.filter((f) => f.code !== 'seed-dates');
    renderPreflight();
  }

  function errorText(err) {
    return (I18N.lang === 'zh' ? err.message_zh : err.message) || err.message || String(err);
  }

  // Errors, then warnings, then notes (each in the order checked).
  function pfFindings() {
    const all = (pf.inputs ? pf.inputs.findings : []).concat(state.announcement ? [] : pf.forms);
    const rank = { error: 0, warning: 1, note: 2 };
    return all.map((f, i) => [f, i]).sort((a, b) => rank[a[0].level] - rank[b[0].level] || a[1] - b[1]).map((x) => x[0]);
  }

  // The control a finding points to, on the page as it is now (a task
  // read from a file is fixed in the file).
  function controlOf(control) {
    const fileMode = taskMode() === 'file';
    if (control.startsWith('task.') && fileMode) return ['task.file', $('.drop[data-slot=taskfile] input')];
    const at = {
      entities: () => $('#panel-draw .drop[data-slot=entities] input'),
      inspectors: () => $('#panel-draw .drop[data-slot=inspectors] input'),
      exclusions: () => $('#panel-draw .drop[data-slot=exclusions] input'),
      'task.strata': () => $('#strata-rows input') || form.strata_attr,
      'task.fields': () => form.fields,
      'task.departments': () => form.departments,
      'task.team': () => form.size,
      'task.conflicts': () => form.conflicts,
      'task.exclusions': () => form.exclusions,
      'seed.forms': () => $('#forms input'),
      'seed.published': () => $('#ann-published'),
    }[control];
    return [control, at ? at() : null];
  }

  function findingItem(f) {
    const [control, el] = controlOf(f.control);
    const fix = el && f.level !== 'note' ? h('button', { type: 'button', class: 'linkish', 'data-testid': 'pf-fix' }, t('pf.fix', { control: t('pf.ctl.' + control) })) : null;
    if (fix) {
      fix.addEventListener('click', () => {
        el.scrollIntoView({ block: 'center' });
        el.focus();
      });
    }
    const text = f.text || (I18N.lang === 'zh' ? f.zh : f.en);
    return h('li', { class: 'pf-' + f.level, 'data-level': f.level, 'data-code': f.code || '' },
      h('strong', {}, t('pf.level.' + f.level), I18N.lang === 'zh' ? '：' : ': '), text, ' ', fix);
  }

  function renderPreflight() {
    const out = $('#preflight');
    // A refusal said before is out of date once the pre-flight changes.
    const refusal = $('[data-testid=ann-refused]');
    if (refusal) refusal.remove();
    if (state.announcement) {
      show(out);
      return;
    }
    const head = h('h3', {}, t('pf.title'));
    if (pf.inputsError) {
      show(out, head, h('p', { class: 'error' }, t('pf.failed'), errorText(pf.inputsError)));
      return;
    }
    const parts = [head];
    const r = pf.inputs;
    if (!r) parts.push(h('p', { class: 'hint' }, t('pf.waiting')));
    else {
      const zh = I18N.lang === 'zh';
      const cols = ['name', 'cond', 'pop', 'excl', 'elig', 'quota', 'draw'];
      parts.push(h('div', { class: 'table-scroll' }, h('table', { class: 'pf-strata', 'data-testid': 'pf-strata' },
        h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, t('pf.col.' + c))))),
        h('tbody', {}, r.strata.map((s) => h('tr', {},
          h('td', {}, s.name), h('td', {}, zh ? s.condition_zh : s.condition_en),
          h('td', { class: 'n' }, fmtInt(s.population)), h('td', { class: 'n' }, fmtInt(s.excluded)),
          h('td', { class: 'n' }, fmtInt(s.eligible)), h('td', {}, zh ? s.quota_zh : s.quota_en),
          h('td', { class: 'n' }, s.to_draw === null ? '—' : fmtInt(s.to_draw))))))));
      if (r.unstratified) parts.push(h('p', {}, t('pf.unstratified', { n: fmtInt(r.unstratified) })));
      parts.push(h('p', {}, t('pf.qualified', { n: fmtInt(r.qualified_inspectors) })));
    }
    const all = pfFindings();
    if (all.length) parts.push(h('ul', { class: 'pf-findings', 'data-testid': 'pf-findings' }, all.map(findingItem)));
    const errors = all.filter((f) => f.level === 'error').length;
    const warnings = all.filter((f) => f.level === 'warning').length;
    if (r && !errors && !warnings) parts.push(h('p', { class: 'ok', 'data-testid': 'pf-clean' }, t('pf.clean')));
    if (warnings) {
      const box = h('input', { type: 'checkbox', id: 'pf-ack', 'data-testid': 'pf-ack' });
      box.checked = pf.ack;
      box.addEventListener('change', () => { pf.ack = box.checked; });
      parts.push(h('label', { class: 'check confirm' }, box, ' ', h('span', {}, t('pf.ack'))));
    }
    show(out, ...parts);
  }

  // ------------------------------------------------------------------
  // Seed, draw and results.

  // The seed entry of the announcement's forms: for a lottery one box per
  // number, grouped as the form says; a hex box for a beacon; a text box
  // for a text. Values typed are kept when the boxes are built again.
  function buildSeedBoxes() {
    const out = $('#seed-boxes');
    const keep = new Map($$('input', out).map((i) => [i.dataset.testid, i.value]));
    const info = state.annInfo;
    if (!info) return out.replaceChildren();
    const zh = I18N.lang === 'zh';
    out.replaceChildren(...info.sources.map((s, i) => {
      const f = s.form;
      const status = h('p', { class: 'seed-check', 'aria-live': 'polite' });
      const box = h('fieldset', { class: 'seed-src', 'data-kind': f.kind, 'data-index': String(i) },
        h('legend', {}, h('span', { class: 'src-n', text: `${i + 1}. ` }), h('span', { lang: 'zh-CN', text: s.describe })),
        h('p', { class: 'hint', text: zh ? s.expects_zh : s.expects_en }));
      const value = (id) => keep.get(id) || '';
      if (f.kind === 'lottery') {
        const row = h('div', { class: 'balls' });
        f.groups.forEach((g, gi) => {
          if (gi > 0) row.append(h('span', { class: 'plus', 'aria-hidden': 'true' }, '+'));
          const grp = h('div', { class: 'ball-group', role: 'group', 'data-group': String(gi), 'aria-label': t('seed.group', { n: gi + 1, count: g.count, min: g.min, max: g.max }) },
            h('span', { class: 'group-label', text: t('seed.groupShort', { n: gi + 1, min: g.min, max: g.max }) }));
          for (let k = 0; k < g.count; k++) {
            const id = `seed-${i}-${gi}-${k}`;
            grp.append(h('input', {
              class: 'ball', 'data-testid': id, value: value(id), inputmode: 'numeric', autocomplete: 'off', spellcheck: 'false',
              maxlength: String(String(g.max).length + 1), size: '3',
              'aria-label': t('seed.ball', { game: f.game, issue: f.issue, g: gi + 1, k: k + 1, min: g.min, max: g.max }),
            }));
          }
          row.append(grp);
        });
        box.append(row);
      } else {
        const id = `seed-${i}-${f.kind}`;
        box.append(h('input', {
          class: f.kind === 'beacon' ? 'hex' : 'seed-text', 'data-testid': id, value: value(id), spellcheck: 'false', autocomplete: 'off',
          'aria-label': s.describe,
        }));
      }
      box.append(status);
      box.addEventListener('input', (e) => {
        checkSeedBox(box, f);
        staleInputs();
        saveHash();
        const el = e.target;
        // A full, valid number moves on to the next box.
        if (el.classList.contains('ball') && el.getAttribute('aria-invalid') !== 'true' && el.value.length >= String(f.groups[Number(el.closest('.ball-group').dataset.group)].max).length) {
          const all = $$('input.ball', out);
          const next = all[all.indexOf(el) + 1];
          if (next && !next.value) next.focus();
        }
      });
      checkSeedBox(box, f);
      return box;
    }));
  }

  // Range and repetition of the numbers typed so far (the core checks all
  // of it again when drawing).
  function checkSeedBox(box, f) {
    const problems = [];
    if (f.kind === 'lottery') {
      $$('.ball-group', box).forEach((grp, gi) => {
        const g = f.groups[gi];
        const seen = new Map();
        for (const el of $$('input', grp)) {
          const s = el.value.trim();
          let bad = false;
          if (s) {
            const n = /^\d+$/.test(s) ? Number(s) : NaN;
            if (!(n >= g.min && n <= g.max)) {
              bad = true;
              problems.push(t('seed.range', { value: s, g: gi + 1, min: g.min, max: g.max }));
            } else if (g.distinct && seen.has(n)) {
              bad = true;
              problems.push(t('seed.repeat', { value: s, g: gi + 1 }));
            }
            seen.set(n, true);
          }
          el.setAttribute('aria-invalid', String(bad));
          el.classList.toggle('bad', bad);
        }
      });
    } else if (f.kind === 'beacon') {
      const el = $('input', box);
      const hex = el.value.replace(/^\s*0x/i, '').replace(/[\s:]/g, '');
      const bad = hex !== '' && (!/^[0-9a-fA-F]*$/.test(hex) || hex.length !== 2 * f.bytes);
      if (bad) problems.push(t('seed.hex', { bytes: f.bytes, n: hex.length }));
      el.setAttribute('aria-invalid', String(bad));
      el.classList.toggle('bad', bad);
    }
    const st = $('.seed-check', box);
    st.textContent = problems.join(' ');
    st.classList.toggle('bad', problems.length > 0);
    return problems.length === 0;
  }

  // The boxes joined into the lines `draw` expects: numbers separated by
  // spaces, groups by " + ", one source a line; null while one is empty.
  function seedFromBoxes() {
    const lines = [];
    for (const box of $$('#seed-boxes .seed-src')) {
      if (box.dataset.kind === 'lottery') {
        const groups = $$('.ball-group', box).map((g) => $$('input', g).map((i) => i.value.trim()));
        if (groups.some((g) => g.some((x) => !x))) return null;
        lines.push(groups.map((g) => g.join(' ')).join(' + '));
      } else {
        const v = $('input', box).value.trim();
        if (!v) return null;
        lines.push(v);
      }
    }
    return lines.join('\n');
  }

  // Puts seed lines (as `draw` takes them) into the boxes.
  function fillSeedBoxes(seedLines) {
    $$('#seed-boxes .seed-src').forEach((box, i) => {
      const line = seedLines[i] || '';
      if (box.dataset.kind === 'lottery') {
        const nums = line.split(/[^0-9]+/).filter(Boolean);
        $$('input.ball', box).forEach((el, k) => { el.value = nums[k] || ''; });
      } else {
        $('input', box).value = line;
      }
      box.dispatchEvent(new Event('input'));
    });
  }

  // Enter in a seed box draws, as the 抽取 button below them does.
  enterRuns($('#seed-boxes'), () => $('#run-draw').click());

  let seedTimer = null;
  $('#seed').addEventListener('input', () => {
    staleInputs();
    saveHash();
    clearTimeout(seedTimer);
    seedTimer = setTimeout(previewSeed, 200);
  });

  async function previewSeed() {
    const out = [];
    for (const line of lines($('#seed').value)) {
      try {
        // As the unannounced draw reads it: the kind prefix is required.
        const s = await call('seedSourceUnannounced', { line });
        out.push(h('li', {}, t('seed.kind.' + s.kind), ' → ', h('code', { text: s.value })));
      } catch (err) {
        out.push(h('li', { class: 'bad' }, problemLine(err)));
      }
    }
    show($('#seed-preview'), out.length ? h('ul', {}, out) : null);
  }

  async function ensureDrawInputs(statusEl) {
    if (!loaded.has('entities')) {
      show(statusEl, errorView({ kind: 'Missing', message: 'need.entities' }));
      return false;
    }
    if (!loaded.has('inspectors')) {
      show(statusEl, errorView({ kind: 'Missing', message: 'need.inspectors' }));
      return false;
    }
    // A task read still in flight (superseded) is read once more.
    let info = await refreshTask();
    for (let i = 0; !info && i < 2 && state.taskToml && !$('#task-status .error'); i++) info = await refreshTask();
    if (!info) {
      show(statusEl, $('#task-status .error') ? $('#task-status .error').cloneNode(true) : errorView({ kind: 'Missing', message: 'day2.needTask' }));
      return false;
    }
    return true;
  }

  let drawSeq = 0;
  $('#run-draw').addEventListener('click', async () => {
    const st = $('#draw-status');
    const bar = $('#draw-progress');
    if (!(await ensureDrawInputs(st))) return;
    // Under an announcement the seed is what the boxes say; without one,
    // only after the explicit confirmation that the draw is unannounced.
    const announced = !!(state.announcement && state.annInfo);
    const seed = announced ? seedFromBoxes() : $('#seed').value;
    if (!seed || !lines(seed).length) {
      show(st, errorView({ kind: 'Missing', message: 'need.seed' }));
      return;
    }
    if (!announced && !$('#unannounced-ok').checked) {
      show(st, h('div', { class: 'error', role: 'alert', 'data-testid': 'need-confirm' }, h('p', { text: t('need.confirm') })));
      $('#unannounced-ok').focus();
      return;
    }
    // Under an announcement, a task on the page that is not the announced
    // one is named, with the choice to take the announced task, rather than
    // refused as a file to find.
    if (announced && state.taskInfo.digest !== announcedDigest()) {
      state.taskOffer = await call('announcedTask', { announcement: state.announcement, current: state.taskToml });
      showAnnouncement();
      const offer = taskOfferView(() => show(st));
      if (offer) {
        show(st, offer);
        return;
      }
    }
    const drawKey = { seed, announcement: announced ? state.annInfo.announcement_digest : null };
    if (redrawNeedsConfirm(drawKey)) {
      showRedrawWarning(drawKey);
      return;
    }
    const button = $('#run-draw');
    button.disabled = true;
    bar.hidden = false;
    bar.removeAttribute('value');
    show(st, t('seed.drawing'));
    try {
      const r = await call('draw', { seed, announcement: announced ? state.announcement : null, unannounced: !announced, count: PAGE_ROWS });
      // The record's text is written by the worker while the results are
      // put on the screen; the downloads wait for it.
      const mine = ++drawSeq;
      state.record = null;
      state.recordReady = call('record').then((x) => {
        if (mine === drawSeq) {
          state.record = x.record;
          state.timings.record = x.ms;
        }
        return x.record;
      });
      state.recordReady.catch((err) => show(st, errorView(err)));
      state.summary = r.summary;
      await openView();
      state.exclusionIds = r.exclusionIds;
      state.timings.draw = r.ms;
      state.lastDraw = drawKey;
      state.resultsSaved = false;
      kept(st, () => show(st, h('p', { class: 'ok', 'data-testid': 'draw-done' }, t('seed.done', { s: seconds(r.ms) }))));
      showResults();
      savePage();
    } catch (err) {
      const had = !!state.summary;
      clearResults();
      show(st, errorView(err), had ? h('p', { class: 'warn stale-note', 'data-testid': 'stale', 'data-i18n': 'day2.refusedCleared', text: t('day2.refusedCleared') }) : null);
    } finally {
      bar.hidden = true;
      button.disabled = false;
    }
  });

  // Drawn rows a page of the result table shows; the worker holds the
  // record and gives the rows of each page.
  const PAGE_ROWS = 100;
  const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

  // The summary and the strata, then the current page of drawn rows.
  function showResults() {
    const rec = state.summary;
    $('#results').hidden = false;
    for (const b of $$('#results .downloads button')) b.disabled = false;
    const heads = ['res.stratum', 'res.population', 'res.excluded', 'res.eligible', 'res.quota'].map((k) => t(k));
    const num = (i, n) => h('td', { class: 'n', 'data-label': heads[i], text: fmtInt(n) });
    const strata = h('table', { class: 'data compact' },
      h('thead', {}, h('tr', {}, heads.map((text) => h('th', { scope: 'col', text })))),
      h('tbody', {}, rec.strata.map((s) => h('tr', {},
        h('th', { scope: 'row', lang: 'zh-CN', text: s.name }),
        num(1, s.population), num(2, s.excluded), num(3, s.eligible), num(4, s.quota)))));
    show($('#res-summary'),
      h('p', { 'data-testid': 'draw-total' }, t('res.total', { n: fmtInt(rec.drawn) })),
      h('div', { class: 'scroll' }, strata),
      rec.unstratified ? h('p', {}, t('res.unstratified', { n: fmtInt(rec.unstratified) })) : null,
      h('p', { class: 'digest' }, t('res.keys', { key: rec.draw_key, digest: rec.record_digest })));
    showRows();
    $('#dl-excl').hidden = state.exclusionIds.length === 0;
  }

  // The result table (issue 15): the drawn entity's area and strata
  // attributes (core ResultView, read back from the directory the draw was
  // made from) beside its code and name, and the team one member a line.
  // Each cell carries its column's name (data-label), so that on a phone
  // the rows become cards of label/value lines (style.css).

  // A column's heading: the canonical key in Chinese, its English name.
  function attrLabel(key) {
    const known = FIELDS.entities.find(([name]) => name === key);
    return I18N.lang === 'zh' || !known ? key : t('res.col.' + known[1].slice(6));
  }

  function teamList(team) {
    return h('ul', { class: 'team' }, team.map((m, i) => h('li', {},
      h('span', { class: 'member-name', text: m.name }), ' ',
      h('span', { class: 'code', text: m.id }),
      m.department ? h('span', { class: 'dept', text: ' ' + m.department }) : null,
      i === 0 ? h('span', { class: 'leader', text: ' ' + t('res.leader') }) : null)));
  }

  function showRows() {
    const rec = state.summary;
    const { from, rows, total } = state.page;
    const columns = state.view ? state.view.columns : [];
    const names = rec.strata.map((s) => s.name);
    const heads = [t('res.no'), t('res.stratum'), t('res.pos'), t('res.id'), t('res.name'),
      ...columns.map(attrLabel), t('res.team')];
    const cell = (i, attrs, ...content) => h('td', { 'data-label': heads[i], ...attrs }, ...content);
    $('#res-table').replaceChildren(
      h('thead', {}, h('tr', {}, heads.map((text) => h('th', { scope: 'col', text })))),
      h('tbody', {}, rows.map((d) => h('tr', {},
        cell(0, { class: 'n' }, String(d.n + 1)),
        cell(1, { lang: 'zh-CN' }, names[d.stratum]),
        cell(2, { class: 'n' }, String(d.position)),
        cell(3, {}, h('code', { class: 'code', text: d.entity.id })),
        cell(4, { class: 'entity-name', lang: 'zh-CN' }, d.entity.name),
        columns.map((c, j) => cell(5 + j, { class: 'attr', 'data-attr': c, lang: 'zh-CN' }, d.values[j])),
        cell(5 + columns.length, { class: 'team-cell', lang: 'zh-CN' }, teamList(d.team))))));
    const query = state.view ? state.view.query : '';
    const found = $('#res-found');
    found.replaceChildren();
    if (query && total === 0) found.append(h('p', { class: 'none', 'data-testid': 'res-none', text: t('res.none') }));
    else if (query) found.append(h('p', { 'data-testid': 'res-found-n', text: t('res.found', { n: fmtInt(total), all: fmtInt(rec.drawn) }) }));
    if (state.view && state.view.problem) found.append(h('p', { class: 'hint', text: problemLine(state.view.problem) }));
    const pages = Math.max(1, Math.ceil(total / PAGE_ROWS));
    const page = Math.floor(from / PAGE_ROWS) + 1;
    for (const nav of $$('.pager')) {
      nav.hidden = pages < 2;
      $('.pager-status', nav).textContent = t('res.rows', {
        from: fmtInt(rows.length ? from + 1 : 0), to: fmtInt(from + rows.length), n: fmtInt(total),
      });
      $('[data-go=first]', nav).disabled = page === 1;
      $('[data-go=prev]', nav).disabled = page === 1;
      $('[data-go=next]', nav).disabled = page === pages;
      $('[data-go=last]', nav).disabled = page === pages;
      const input = $('input', nav);
      input.max = String(pages);
      input.value = String(page);
      $('.pager-of', nav).textContent = t('res.pages', { n: fmtInt(pages) });
    }
  }

  // The result view of the draw held (worker op resultView): its columns
  // and its first page; the search box starts empty.
  async function openView() {
    const v = await call('resultView', { count: PAGE_ROWS });
    state.view = { columns: v.columns, problem: v.problem, query: '' };
    state.page = { from: 0, rows: v.rows, total: v.total };
    $('#res-search').value = '';
  }

  // Shows page `page` (1-based) of the drawn rows.
  async function goToPage(page, nav) {
    const rec = state.summary;
    if (!rec) return;
    const pages = Math.max(1, Math.ceil(state.page.total / PAGE_ROWS));
    const p = Math.min(Math.max(1, Math.round(Number(page)) || 1), pages);
    const query = state.view.query;
    try {
      const r = await call('resultPage', { query, from: (p - 1) * PAGE_ROWS, count: PAGE_ROWS });
      if (rec !== state.summary || query !== state.view.query) return;
      state.page = { from: (p - 1) * PAGE_ROWS, rows: r.rows, total: r.total };
      showRows();
    } catch (err) {
      show($('#draw-status'), errorView(err));
    }
    if (nav && nav.contains(document.activeElement) && document.activeElement.disabled) $('input', nav).focus();
  }

  for (const nav of $$('.pager')) {
    nav.addEventListener('click', (e) => {
      const b = e.target.closest('button[data-go]');
      if (!b) return;
      const page = Number($('input', nav).value) || 1;
      const pages = Math.max(1, Math.ceil(state.page.total / PAGE_ROWS));
      goToPage({ first: 1, prev: page - 1, next: page + 1, last: pages }[b.dataset.go], nav);
    });
    const input = $('input', nav);
    input.addEventListener('change', () => goToPage(input.value, nav));
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        goToPage(input.value, nav);
      }
    });
  }

  // The search over the drawn rows (code, name, area, inspector, 执法证号):
  // run in the worker (core ResultView::search), shown a page at a time.
  let searchTimer = null;
  async function search() {
    clearTimeout(searchTimer);
    if (!state.view) return;
    const query = $('#res-search').value.trim();
    if (query === state.view.query) return;
    state.view.query = query;
    await goToPage(1);
  }
  $('#res-search').addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(search, 200);
  });
  enterRuns($('#res-search'), search);

  // The record's bytes as the worker wrote them: the command line's file.
  // The record's bytes once written (null if that failed: the draw's
  // status says why).
  const recordBytes = () => (state.recordReady ? state.recordReady.catch(() => null) : Promise.resolve(null));
  // Each result file from the record: a failure is shown under the draw.
  function downloadFrom(name, type, make) {
    return async () => {
      const record = await recordBytes();
      if (!record) return;
      try {
        download(name, await make(record), type);
        state.resultsSaved = true;
      } catch (err) {
        show($('#draw-status'), errorView(err));
      }
    };
  }
  $('#dl-record').addEventListener('click', downloadFrom('record.json', 'application/json', (record) => record));
  $('#dl-csv').addEventListener('click', downloadFrom('result.csv', 'text/csv', (record) => call('resultCsv', { record })));
  $('#dl-xlsx').addEventListener('click', downloadFrom('result.xlsx', XLSX, (record) => call('resultXlsx', { record })));
  $('#dl-notice').addEventListener('click', downloadFrom('notice.html', 'text/html', (record) => call('noticeHtml', { record })));
  // results: the blank results ledger of the draw, to fill in (SPEC §16.8);
  // the CSV with a byte-order mark, so that Excel reads it as UTF-8.
  $('#dl-results-xlsx').addEventListener('click', downloadFrom('台账.xlsx', XLSX, (record) => call('resultsLedgerXlsx', { record })));
  $('#dl-results-csv').addEventListener('click', downloadFrom('台账.csv', 'text/csv', async (record) => '\ufeff' + await call('resultsLedgerCsv', { record })));
  $('#dl-excl').addEventListener('click', async () => {
    download('exclusions.csv', await call('exclusionsCsv', { ids: state.exclusionIds }), 'text/csv');
  });

  // ------------------------------------------------------------------
  // Verify tab.

  // A published record, record.json or the notice that carries it, read
  // by the core (the verify tab's slot, or the self-check's own).
  // The state a record box keeps its record in: the verification's, the
  // self-check's, or the results ledger's (期限 tab).
  const recordSlot = (box) => ({ 'self-record': 'self', 'led-record': 'led' })[box.dataset.slot] || 'verify';

  async function loadRecord(box, file) {
    const status = $('.status', box);
    const text = await file.text();
    const self = box.dataset.slot === 'self-record';
    const slot = recordSlot(box);
    state[slot + 'Record'] = null;
    state[slot + 'RecordName'] = file.name;
    box.classList.remove('ok', 'bad');
    try {
      const s = await call('publishedSummary', { text });
      state[slot + 'Record'] = text;
      state[slot + 'Digest'] = s.record_digest || '';
      state[slot + 'Summary'] = s;
      box.classList.add('ok');
      recordStatus(box);
    } catch (err) {
      box.classList.add('bad');
      show(status, errorView({ ...err, file: err.file || file.name }));
    }
    if (slot === 'led') clearLedgerReport();
    else if (self || !state.selfRecord) clearSelf();
  }

  // What a record box says of the record it holds (again on a language switch).
  function recordStatus(box) {
    const slot = recordSlot(box);
    const s = state[slot + 'Summary'];
    if (!s || !state[slot + 'Record']) return;
    show($('.status', box), t(s.notice ? 'dirs.loaded.notice' : 'dirs.loaded.record', {
      name: state[slot + 'RecordName'], task: s.task_name, drawn: fmtInt(s.drawn),
    }), digestLine(s.record_digest || ''));
  }

  function fillSelfStrata(strata) {
    $('#self-stratum').replaceChildren(h('option', { value: '', 'data-i18n': 'self.all', text: t('self.all') }),
      ...(strata || []).map((s) => h('option', { value: String(s.index), text: s.name })));
  }

  // A self-check's result is of the record it used: gone with it. The
  // stratum choice and the self-check box's line follow the record now used.
  function clearSelf() {
    state.lastSelf = null;
    const out = $('#self-result');
    out.className = '';
    delete out.dataset.verdict;
    show(out);
    const s = state.selfRecord ? state.selfSummary : state.verifyRecord ? state.verifySummary : null;
    fillSelfStrata(s ? s.strata : []);
    const box = $('.drop[data-slot=self-record]');
    if (!state.selfRecord && !box.classList.contains('bad')) show($('.status', box));
    selfSource();
  }

  // Which record the self-check uses: its own, else the verify tab's.
  function selfSource() {
    const box = $('.drop[data-slot=self-record]');
    if (state.selfRecord || !state.verifyRecord || box.classList.contains('bad')) return;
    show($('.status', box), h('span', { class: 'hint' }, t('self.fromVerify', { name: state.verifyRecordName })));
  }

  // The announcement on the verify tab: read by the core (its digest and
  // canonical task checked), shown with a button to take it out again.
  async function loadVerifyAnnouncement(box, file) {
    const status = $('.status', box);
    const text = await file.text();
    box.classList.remove('ok', 'bad');
    state.verifyAnnouncement = null;
    try {
      const info = await call('announcementInfo', { announcement: text });
      state.verifyAnnouncement = text;
      box.classList.add('ok');
      const remove = h('button', { type: 'button', class: 'link', 'data-testid': 'verify-announcement-remove', 'data-i18n': 'ver.annRemove', text: t('ver.annRemove') });
      remove.addEventListener('click', () => {
        state.verifyAnnouncement = null;
        clearVerify();
        box.classList.remove('ok', 'bad');
        $('input[type=file]', box).value = '';
        show(status);
      });
      kept(status, () => show(status, h('div', {}, tData('ver.annLoaded', { name: file.name, task: info.task_name, published: info.published || '—' }, ['name', 'task'])),
        digestLine(info.announcement_digest), remove));
    } catch (err) {
      box.classList.add('bad');
      show(status, errorView({ ...err, file: err.file || file.name }));
    }
  }

  const yesNo = (v) => (v === true ? t('as.yes') : v === false ? t('as.no') : t('as.unchecked'));
  const yesNoClass = (v) => (v === true ? 'yes' : v === false ? 'no' : 'unknown');

  // The verdict and the assurance statement (SPEC §13.2): what the
  // verification shows, and what a person must still check by hand.
  function showVerify(r) {
    const out = $('#verify-result');
    out.className = 'verdict';
    if (r.reproduced) {
      out.classList.add('good');
      const digest = state.verifyDigest || '';
      show(out, h('p', { class: 'big' }, t('ver.ok')), h('p', { class: 'digest' }, t('ver.digest', { digest })));
    } else {
      out.classList.add('badv');
      show(out, h('p', { class: 'big' }, t('ver.bad')), h('p', { class: 'difference', text: I18N.lang === 'zh' && r.difference_zh ? r.difference_zh : r.difference }));
    }
    const box = $('#assurance');
    const a = r.assurance;
    if (!a) {
      box.hidden = true;
      return;
    }
    const zh = I18N.lang === 'zh';
    const line = (l) => (zh ? l.zh : l.en);
    const v = a.protocol === 'shuangsui-draw/1' ? 'v1' : a.protocol === 'shuangsui-draw/2' ? 'v2' : '?';
    const row = (key, value, cls, id) => h('tr', { class: cls }, h('th', { scope: 'row', text: t(key) }), h('td', { 'data-testid': id }, value));
    const mark = (b, extra) => [h('span', { class: 'mark ' + yesNoClass(b), text: yesNo(b) }), extra ? ' ' + extra : ''];
    box.hidden = false;
    show(box,
      h('h3', { text: t('as.title') }),
      h('table', { class: 'assurance-table' }, h('tbody', {},
        row('as.protocol', `${a.protocol || '—'} (${v})`, '', 'as-protocol'),
        row('as.reproduced', mark(a.reproduced), yesNoClass(a.reproduced), 'as-reproduced'),
        // Not reproduced, nothing is shown: not even that the draw was unannounced.
        row('as.committed', mark(a.committed_before_seed, a.committed_before_seed === false && a.reproduced ? t('as.unannounced') : a.committed_before_seed == null ? t('as.noAnn') : ''), yesNoClass(a.committed_before_seed), 'as-committed'),
        row('as.formBound', mark(a.seed_form_bound, !a.seed_form_bound && v === 'v1' ? t('as.v1') : ''), yesNoClass(a.seed_form_bound), 'as-form-bound'),
        row('as.entropy', a.entropy_bits == null ? '—' : t('as.bits', { bits: Number(a.entropy_bits).toFixed(1) }), a.entropy_warning ? 'no' : '', 'as-entropy'),
        a.announcement_published ? row('as.published', a.announcement_published, '', 'as-published') : null)),
      a.entropy_warning ? h('p', { class: 'warn', text: line(a.entropy_warning) }) : null,
      a.sources_to_check && a.sources_to_check.length
        ? [h('h4', { text: t('as.check') }), h('ul', { class: 'to-check', 'data-testid': 'as-check' }, a.sources_to_check.map((l) => h('li', { text: line(l) })))]
        : null,
      // The same statement as plain lines, to copy into a report: folded,
      // since the table and the list above already say it.
      h('details', { class: 'statement-text' }, h('summary', { text: t('as.statement') }),
        h('div', { class: 'statement', 'data-testid': 'as-statement' }, (zh ? r.assurance_zh : r.assurance_en).map((l) => h('p', { text: l })))));
  }

  $('#run-verify').addEventListener('click', async () => {
    const out = $('#verify-result');
    out.className = 'verdict';
    $('#assurance').hidden = true;
    state.lastVerify = null;
    if (!state.verifyRecord) return show(out, errorView({ kind: 'Missing', message: 'need.record' }));
    if (!loaded.has('v-entities')) return show(out, errorView({ kind: 'Missing', message: 'need.entities' }));
    if (!loaded.has('v-inspectors')) return show(out, errorView({ kind: 'Missing', message: 'need.inspectors' }));
    show(out, t('seed.drawing'));
    try {
      const r = await call('verify', { record: state.verifyRecord, announcement: state.verifyAnnouncement });
      state.lastVerify = r;
      showVerify(r);
    } catch (err) {
      show(out, errorView(err));
    }
  });

  // The self-check (SPEC §13.3): the verdict and every line are the
  // core's; the page picks the language and the colour of each outcome.
  const OUTCOME_CLASS = { drawn: 'good', not_drawn: 'good', ask: 'ask', not_in_stratum: '', contradiction: 'badv' };
  async function runSelf() {
    state.lastSelf = null;
    const record = state.selfRecord || state.verifyRecord;
    if (!record) return showSelf({ err: { kind: 'Missing', message: 'need.record' } });
    const id = $('#self-id').value.trim();
    if (!id) return showSelf({ err: { kind: 'Missing', message: 'need.id' } });
    try {
      state.lastSelf = { c: await call('selfCheckReport', { record, id, stratum: $('#self-stratum').value }) };
    } catch (err) {
      state.lastSelf = { err };
    }
    showSelf(state.lastSelf);
  }

  function showSelf({ c, err }) {
    const out = $('#self-result');
    out.className = '';
    delete out.dataset.verdict;
    if (err) return show(out, errorView(err));
    const line = (l) => (I18N.lang === 'zh' ? l.zh : l.en);
    const items = c.strata.map((s) => h('li', { class: OUTCOME_CLASS[s.outcome] || '', 'data-outcome': s.outcome },
      h('strong', { text: s.name }), ' ', h('span', { text: line(s.says) }),
      h('div', { class: 'digest' }, `${t('self.ticket')} `, h('code', { text: s.ticket })),
      h('div', { class: 'digest' }, `${t('self.threshold')} `,
        s.threshold ? h('code', { text: s.threshold }) : t('self.none'))));
    out.className = 'verdict ' + (OUTCOME_CLASS[c.verdict] || '');
    out.dataset.verdict = c.verdict;
    show(out, h('p', { class: 'big', 'data-testid': 'self-headline', text: line(c.headline) }),
      c.detail ? h('p', { class: 'detail', 'data-testid': 'self-detail', text: line(c.detail) }) : null,
      c.notes.map((n) => h('p', { class: 'note', text: line(n) })),
      c.strata.length > 1 ? h('p', { class: 'hint' }, t('self.note')) : null,
      h('ul', { class: 'checks' }, items));
  }
  $('#run-self').addEventListener('click', runSelf);
  $('#self-id').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.isComposing) {
      e.preventDefault();
      runSelf();
    }
  });

  // ------------------------------------------------------------------
  // Deadlines tab.

  const dueForm = $('#due-form');
  let rulesCache = [];

  async function fillDeadlineChoices() {
    rulesCache = await call('rules');
    const regions = await call('regions');
    const ruleSel = $('[name=rule]', dueForm);
    const keepRule = ruleSel.value || ruleSel.dataset.want;
    ruleSel.replaceChildren(...rulesCache.map((r) => h('option', {
      value: r.id, text: I18N.lang === 'zh' ? r.name_zh : r.name_en,
    })));
    if (keepRule) ruleSel.value = keepRule;
    const regSel = $('[name=region]', dueForm);
    const keepRegion = regSel.value || regSel.dataset.want || '';
    regSel.replaceChildren(h('option', { value: '', text: t('due.national') }),
      ...regions.map((r) => h('option', { value: r.id, text: I18N.lang === 'zh' ? r.name_zh : r.name_en })));
    regSel.value = keepRegion;
  }

  function periodText(p) {
    if (p.working_days !== undefined) return t('due.wd', { n: p.working_days });
    if (p.natural_days !== undefined) return t('due.nd', { n: p.natural_days });
    return t('due.quarterly');
  }

  // One month of the period (core PeriodMonth): each day's kind, and
  // whether it is the start, the due date or counted in the period.
  function monthView(g) {
    const wd = t('cal.weekdays').split(',');
    const body = g.weeks.map((week) => h('tr', {}, week.map((day) => {
      if (!day) return h('td', { class: 'empty' });
      const cls = ['day', day.kind];
      const label = [day.date];
      if (day.name) label.push(day.name);
      if (day.kind === 'holiday_off') label.push(t('cal.off'));
      if (day.kind === 'make_up_working') label.push(t('cal.makeup'));
      if (day.counted) {
        cls.push('inperiod');
        label.push(t('cal.period'));
      }
      if (day.start) {
        cls.push('start');
        label.push(t('cal.start'));
      }
      if (day.due) {
        cls.push('due');
        label.push(t('cal.due'));
      }
      return h('td', { class: cls.join(' '), title: label.join(' · '), 'aria-label': label.join(' · '), 'data-date': day.date },
        h('span', { class: 'd', text: String(Number(day.date.slice(8))) }),
        day.name ? h('span', { class: 'hn', text: day.name }) : null);
    })));
    return h('table', { class: 'month' },
      h('caption', { text: t('cal.month', { y: g.year, m: g.month }) }),
      h('thead', {}, h('tr', {}, wd.map((w) => h('th', { scope: 'col', text: w })))),
      h('tbody', {}, body));
  }

  // The extra calendar files: each checked by the core as it is chosen;
  // one that is not a calendar file is named and left out.
  $('#due-calendars').addEventListener('change', async (e) => {
    const kept = [];
    const refused = [];
    for (const f of Array.from(e.target.files)) {
      try {
        const bytes = await readBytes(f);
        await call('checkFile', { bytes, name: f.name, kind: 'calendar' }, null, [bytes]);
        // Decoded by the core, as the command line decodes it (UTF-8 or GBK).
        const again = await readBytes(f);
        kept.push({ name: f.name, text: await call('calendarText', { bytes: again, name: f.name }, null, [again]) });
      } catch (err) {
        refused.push(errorView(err.file ? err : { ...err, file: f.name }));
      }
    }
    state.calendars = kept;
    show($('#due-cal-status'), refused);
    showCalendars();
  });
  $('[name=region]', dueForm).addEventListener('change', () => showCalendarStatus());

  // edge: what the calendar covers today, layer by layer, and from
  // 1 November that next year's notice is due (core calendar_status).
  async function showCalendarStatus() {
    const el = $('#due-coverage');
    let s;
    try {
      s = await call('calendarStatus', {
        region: $('[name=region]', dueForm).value, calendars: JSON.stringify(state.calendars), today: today(),
      });
    } catch (err) {
      // A bad extra file is already named above it.
      return show(el);
    }
    const zh = I18N.lang === 'zh';
    // The national layer and the chosen region's: another region's years
    // are not this office's concern (the command line lists them all).
    const region = $('[name=region]', dueForm).value;
    const mine = (id) => id === 'cn' || id === region;
    s.layers = s.layers.filter((l) => mine(l.region));
    s.notes = s.notes.filter((n) => mine(n.region));
    const span = (ys) => (ys.length ? (ys.length > 1 && ys[ys.length - 1] - ys[0] === ys.length - 1 ? `${ys[0]}–${ys[ys.length - 1]}` : ys.join(zh ? '、' : ', ')) : t('edge.none'));
    show(el,
      h('p', { class: 'coverage-title', text: t('edge.title', { today: s.today }) }),
      h('ul', { class: 'coverage-layers' }, s.layers.map((l) => h('li', { 'data-region': l.region },
        t('edge.covers', { name: zh ? l.name_zh : l.name_en, years: span(l.years.map((y) => y.year)) }),
        l.years.some((y) => y.sources.some((x) => !x.shipped))
          ? (zh ? '' : ' ') + t('edge.yours', { years: span(l.years.filter((y) => y.sources.some((x) => !x.shipped)).map((y) => y.year)) }) : ''))),
      h('details', { class: 'coverage-sources' },
        h('summary', { text: t('edge.sources') }),
        h('ul', {}, s.layers.flatMap((l) => l.years.flatMap((y) => y.sources.map((x) => h('li', {},
          `${y.year} `, h('span', { lang: 'zh-CN', text: x.source || x.file }),
          ` (${x.shipped ? t('edge.shipped') : t('edge.yourFile', { name: x.file })})`)))))),
      s.notes.map((n) => h('p', { class: 'warn', 'data-testid': 'calendar-note', 'data-kind': n.kind },
        zh ? n.zh : n.en, n.kind === 'import_next' ? (zh ? '' : ' ') + t('edge.how') : '')));
  }

  $('#run-due').addEventListener('click', computeDeadline);
  dueForm.addEventListener('submit', (e) => {
    e.preventDefault();
    computeDeadline();
  });
  dueForm.addEventListener('change', saveHash);
  // Enter in the start date or the custom period computes (the form has
  // no submit button, so the browser would not submit it by itself).
  for (const input of $$('input:not([type=file])', dueForm)) enterRuns(input, computeDeadline);
  enterRuns($('#led-today'), () => $('#run-ledger').click());

  async function computeDeadline() {
    const out = $('#due-result');
    const months = $('#due-months');
    const f = Object.fromEntries(new FormData(dueForm));
    const rule = (f.custom || '').trim() || f.rule;
    try {
      const r = await call('deadlineMonths', {
        start: f.start, rule, region: f.region, calendars: JSON.stringify(state.calendars), months: 4,
      });
      const d = r.deadline;
      const dueWeekday = I18N.lang === 'zh' ? r.due_weekday.zh : r.due_weekday.en;
      // Holiday names in English where the core knows them (issue 15).
      const names = [...new Set([...r.skipped_holidays, ...r.months.flatMap((g) => g.weeks.flat().filter((x) => x && x.name).map((x) => x.name))])];
      const english = I18N.lang === 'zh' ? names : await call('holidayNameEn', { names });
      const holiday = (n) => english[names.indexOf(n)] || n;
      for (const g of r.months) for (const day of g.weeks.flat()) if (day && day.name) day.name = holiday(day.name);
      show(out,
        h('p', { class: 'big' }, t('due.result'), h('strong', { 'data-testid': 'due-date', text: d.due }), ` (${dueWeekday})`),
        h('p', {}, (I18N.lang === 'zh' ? r.rule.name_zh : r.rule.name_en) + ' · ' +
          t('due.from', {
            label: I18N.lang === 'zh' ? r.rule.start_label : t('start.' + r.rule.start),
            start: d.start,
            period: periodText(d.period),
          })),
        r.skipped_holidays.length ? h('p', {}, t('due.skipped', { list: r.skipped_holidays.map(holiday).join(I18N.lang === 'zh' ? '、' : ', ') })) : null,
        d.moved_from ? h('p', {}, t('due.moved', { from: d.moved_from, to: d.due })) : null,
        r.edge_note ? h('p', { class: 'warn', 'data-testid': 'edge-note', text: I18N.lang === 'zh' ? r.edge_note.zh : r.edge_note.en }) : null,
        r.rule.minimum ? h('p', { class: 'hint' }, t('due.minimum')) : null,
        // The provision is quoted as written, in Chinese; a custom period
        // has none.
        h('p', { class: 'hint' }, rulesCache.some((x) => x.id === r.rule.id)
          ? tData('due.basis', { basis: r.rule.basis }, ['basis']) : t('due.noBasis')));
      show(months, r.months.map(monthView));
    } catch (err) {
      show(out, errorView(err));
      months.replaceChildren();
      // A year the calendar lacks: the paste box supplies it (issue 16).
      if (err && err.kind === 'CalendarUncovered') $('#notice-import').open = true;
    }
  }

  $('#run-ledger').addEventListener('click', async () => {
    const out = $('#led-summary');
    const table = $('#led-table');
    if (!state.ledger) return show(out, errorView({ kind: 'Missing', message: 'need.ledger' }));
    try {
      // One reading for both kinds (core read_ledger_file): a results
      // ledger is checked against the record when one is given.
      const r = await call('readLedgerFile', {
        bytes: state.ledger.bytes, name: state.ledger.name, today: $('#led-today').value || today(),
        region: $('[name=region]', dueForm).value, calendars: JSON.stringify(state.calendars),
        record: state.ledRecord || '',
      });
      state.ledgerReport = r;
      $('#dl-ledger').disabled = false;
      $('#dl-ledger-xlsx').disabled = false;
      showLedger();
    } catch (err) {
      const had = !!state.ledgerReport;
      clearLedgerReport();
      show(out, errorView(err), had ? h('p', { class: 'warn', 'data-testid': 'ledger-cleared', 'data-i18n': 'day2.ledgerCleared', text: t('day2.ledgerCleared') }) : null);
    }
  });
  // The ledger's check (state.ledgerReport) in the page's language: the
  // rule's and the explanation's English forms come from the core. Each
  // cell carries its column's name, for the phone's cards.
  function showLedger() {
    const r = state.ledgerReport;
    if (!r) return;
    if (r.kind === 'results') return showResultsLedger(r);
    clearResultsViews();
    const en = I18N.lang !== 'zh';
    const s = r.report.summary;
    show($('#led-summary'), h('ul', { class: 'chips' },
      h('li', { text: t('led.total', { n: s.total }) }),
      ['overdue', 'errors', 'calendar_missing', 'pending', 'late', 'on_time'].map((k) => {
        const code = k === 'errors' ? 'error' : k;
        // 待补日历 only when there is such a case.
        if (k === 'calendar_missing' && !s[k]) return null;
        return h('li', { class: 'st-' + code, 'data-testid': 'ledger-' + code }, `${t('status.' + code)} ${s[k]}`);
      })),
      // What the 待补日历 cases wait for, and where to give it.
      s.calendar_missing ? h('p', { class: 'warn', 'data-testid': 'ledger-missing-note' },
        t('edge.ledgerMissing', {
          n: s.calendar_missing,
          years: [...new Set(r.report.cases.filter((c) => c.status === 'calendar_missing').map((c) => c.year))].sort().join(en ? ', ' : '、'),
        })) : null);
    const heads = ['led.row', 'led.case', 'led.entity', 'led.rule', 'led.start', 'led.due', 'led.published', 'led.status', 'led.days', 'led.note'].map((k) => t(k));
    const cell = (i, attrs, ...content) => h('td', { 'data-label': heads[i], ...attrs }, ...content);
    const date = (d) => (d ? h('span', { class: 'date', text: d }) : '');
    const days = (c) => (c.working_days !== undefined ? c.working_days : (c.working_days_left !== undefined ? c.working_days_left : (c.counted !== undefined ? c.counted : '')));
    $('#led-table').replaceChildren(
      h('thead', {}, h('tr', {}, heads.map((text) => h('th', { scope: 'col', text })))),
      h('tbody', {}, r.report.cases.map((c) => h('tr', { class: 'st-' + c.status },
        cell(0, { class: 'n' }, String(c.row)),
        cell(1, { class: 'case-no', lang: 'zh-CN' }, h('code', { class: 'code', text: c.case_number })),
        cell(2, { class: 'entity-name', lang: 'zh-CN' }, c.entity),
        cell(3, {}, (en ? c.rule_name_en : c.rule_name) || ''),
        cell(4, {}, date(c.start)),
        cell(5, {}, date(c.due)),
        cell(6, {}, date(c.published)),
        cell(7, {}, h('span', { class: 'badge', text: t('status.' + c.status) })),
        cell(8, { class: 'n' }, String(days(c))),
        cell(9, { class: 'note' }, en ? c.explanation_en : c.explanation)))));
  }

  // A results ledger's report has its own names (and a figures table).
  const reportName = (ext) => (state.ledgerReport && state.ledgerReport.kind === 'results' ? 'results-ledger-report.' : 'ledger-report.') + ext;
  $('#dl-ledger').addEventListener('click', () => {
    if (state.ledgerReport) download(reportName('csv'), '\ufeff' + state.ledgerReport.csv, 'text/csv');
  });
  $('#dl-ledger-xlsx').addEventListener('click', () => {
    if (state.ledgerReport) download(reportName('xlsx'), state.ledgerReport.xlsx, XLSX);
  });
  $('#dl-ledger-figures').addEventListener('click', () => {
    const r = state.ledgerReport;
    if (r && r.kind === 'results') download('results-figures.csv', '\ufeff' + r.figuresCsv, 'text/csv');
  });

  // ---- results: the inspection-results ledger (抽查结果台账, SPEC §16.8)
  // as the core checked it: the summary, the check against the record,
  // the charts, the rows and the figures. Every status, count and rate is
  // the core's; the page only lays them out.

  const RL_STATUSES = ['on_time', 'pending', 'late', 'overdue', 'calendar_missing', 'error', 'not_started'];
  const RL_COLOURS = {
    on_time: '#2e7d32', pending: '#1565c0', late: '#f9a825', overdue: '#c62828',
    calendar_missing: '#7c4dbd', error: '#d97706', not_started: '#9e9e9e',
  };

  function clearResultsViews() {
    $('#led-record-check').replaceChildren();
    $('#led-charts').replaceChildren();
    $('#led-figures').replaceChildren();
    $('#dl-ledger-figures').hidden = true;
    $('#dl-ledger-figures').disabled = true;
  }

  const SVG_NS = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs, ...children) {
    const el = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
    for (const c of children.flat()) if (c != null) el.append(c);
    return el;
  }

  // A horizontal bar chart: one bar a row, `value` of `max`, its label
  // on the left and its text on the right. Drawn by the page (no library),
  // so that it prints and works offline.
  function barChart(title, rows, max, testid) {
    const labelW = 230;
    const barW = 330;
    const textW = 240;
    const rowH = 30;
    const top = 8;
    const width = labelW + barW + textW;
    const height = top + rows.length * rowH + 8;
    const chart = svg('svg', {
      viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': title, class: 'bar-chart', 'data-testid': testid,
    });
    rows.forEach((r, i) => {
      const y = top + i * rowH;
      const w = max > 0 && r.value != null ? Math.round((barW * r.value) / max) : 0;
      chart.append(
        svg('text', { x: labelW - 8, y: y + 19, 'text-anchor': 'end', class: 'bar-label' }, r.label),
        svg('rect', { x: labelW, y: y + 5, width: barW, height: 20, fill: '#eef1f5' }),
        svg('rect', { x: labelW, y: y + 5, width: w, height: 20, fill: r.colour || '#2e7d32' }),
        svg('text', { x: labelW + barW + 8, y: y + 19, class: 'bar-value' }, r.text));
    });
    return h('figure', { class: 'chart' }, h('figcaption', { text: title }), chart);
  }

  function showResultsLedger(r) {
    const en = I18N.lang !== 'zh';
    const rep = r.report;
    const s = rep.summary;
    $('#dl-ledger-figures').hidden = false;
    $('#dl-ledger-figures').disabled = false;
    show($('#led-summary'), h('ul', { class: 'chips' },
      h('li', { text: t('rl.total', { n: fmtInt(s.total) }) }),
      h('li', { class: 'st-overdue', 'data-testid': 'results-overdue', text: t('rl.overdue', { n: fmtInt(s.overdue) }) }),
      h('li', { class: 'st-error', 'data-testid': 'results-errors', text: t('rl.errors', { n: fmtInt(s.errors) }) }),
      h('li', { class: 'st-calendar_missing', 'data-testid': 'results-calendar-missing', text: t('rl.calendarMissing', { n: fmtInt(s.calendar_missing) }) }),
      h('li', { class: 'st-on_time', 'data-testid': 'results-closed', text: t('rl.closed', { n: fmtInt(s.closed) }) })),
    s.calendar_missing ? h('p', { class: 'warn', 'data-testid': 'results-calendar-hint', text: t('rl.calendarHint', { n: fmtInt(s.calendar_missing) }) }) : null);

    // The check against the record.
    const c = rep.record_check;
    if (!c) {
      show($('#led-record-check'), h('p', { class: 'hint', text: t('rl.recordNone') }));
    } else {
      show($('#led-record-check'),
        h('h3', { text: t('rl.recordTitle') }),
        h('p', { class: 'hint' }, t('rl.recordOf', { task: c.task, n: fmtInt(c.drawn) })),
        c.problems.length
          ? [h('p', { class: 'bad', text: t('rl.recordBad', { n: fmtInt(c.problems.length) }) }),
            h('ul', { class: 'problems' }, c.problems.map((p) => h('li', { 'data-problem': p.problem, text: en ? p.text_en : p.text_zh })))]
          : h('p', { class: 'good', text: t('rl.recordOk', { n: fmtInt(c.drawn) }) }));
    }

    // The charts: the on-time rate of the total and per stratum (per
    // department too when there are several), and the statuses.
    const groups = (by) => rep.figures.filter((g) => g.by === by);
    const label = (g) => (g.by === 'total' ? t('rl.by.total') : (en ? g.value_en : g.value));
    const rateRows = (list) => list.map((g) => ({
      label: label(g),
      value: g.permille,
      colour: RL_COLOURS.on_time,
      text: g.permille == null ? t('rl.chart.rateNone') : t('rl.chart.rateOf', { rate: g.rate, on: g.published_on_time, due: g.published_on_time + g.published_late + g.overdue }),
    }));
    const charts = [barChart(t('rl.chart.rate', { by: t('rl.by.stratum') }), rateRows(groups('total').concat(groups('stratum'))), 1000, 'chart-rate-stratum')];
    if (groups('department').length > 1) {
      charts.push(barChart(t('rl.chart.rate', { by: t('rl.by.department') }), rateRows(groups('department')), 1000, 'chart-rate-department'));
    }
    const statusRows = (counts) => {
      const max = Math.max(1, ...RL_STATUSES.map((k) => counts[k]));
      return [RL_STATUSES.map((k) => ({ label: t('rl.st.' + k), value: counts[k], colour: RL_COLOURS[k], text: fmtInt(counts[k]) })), max];
    };
    const [results, rmax] = statusRows(s.results);
    charts.push(barChart(t('rl.chart.status', { n: fmtInt(s.total) }), results, rmax, 'chart-status'));
    const penalties = s.total - s.penalties.not_started;
    if (penalties > 0) {
      const [rows, max] = statusRows(s.penalties);
      charts.push(barChart(t('rl.chart.penalty', { n: fmtInt(penalties) }), rows.filter((x) => x.label !== t('rl.st.not_started')), max, 'chart-penalty'));
    }
    show($('#led-charts'), charts, h('p', { class: 'hint', text: t('rl.chart.rateNote') }));

    // The rows, in the file's order.
    const heads = ['led.row', 'rl.col.code', 'rl.col.name', 'rl.col.inspected', 'rl.col.result', 'rl.col.resultStatus', 'rl.col.penaltyStatus', 'rl.col.closed', 'led.note'].map((k) => t(k));
    const cell = (i, attrs, ...content) => h('td', { 'data-label': heads[i], ...attrs }, ...content);
    const badge = (clock) => h('span', { class: 'badge st-' + clock.status, text: en ? clock.text_en : clock.text_zh });
    const worst = (x) => {
      const order = ['overdue', 'error', 'calendar_missing', 'pending', 'late', 'on_time', 'not_started'];
      const a = order.indexOf(x.result_clock.status);
      const b = order.indexOf(x.penalty_clock.status);
      return order[Math.min(a, b)];
    };
    $('#led-table').replaceChildren(
      h('thead', {}, h('tr', {}, heads.map((text) => h('th', { scope: 'col', text })))),
      h('tbody', {}, rep.rows.map((x) => h('tr', { class: 'st-' + worst(x), 'data-code': x.code },
        cell(0, { class: 'n' }, String(x.row)),
        cell(1, { lang: 'zh-CN' }, h('code', { class: 'code', text: x.code })),
        cell(2, { class: 'entity-name', lang: 'zh-CN' }, x.name),
        cell(3, {}, x.inspected ? h('span', { class: 'date', text: x.inspected }) : ''),
        cell(4, { class: 'result', lang: 'zh-CN' }, x.result),
        cell(5, { 'data-status': x.result_clock.status }, badge(x.result_clock)),
        cell(6, { 'data-status': x.penalty_clock.status }, badge(x.penalty_clock)),
        cell(7, {}, t(x.closed ? 'rl.yes' : 'rl.no')),
        cell(8, { class: 'note' }, en ? x.note_en : x.note_zh)))));

    // The figures table, as the figures CSV has it.
    const fheads = ['by', 'value', 'drawn', 'inspected', 'published', 'onTime', 'late', 'overdue', 'rate', 'problems', 'penalties', 'penaltiesOnTime', 'closed'].map((k) => t('rl.fig.' + k));
    $('#led-figures').replaceChildren(
      h('caption', { text: t('rl.figuresTitle') }),
      h('thead', {}, h('tr', {}, fheads.map((text) => h('th', { scope: 'col', text })))),
      h('tbody', {}, rep.figures.map((g) => h('tr', { 'data-by': g.by, 'data-value': g.value },
        h('td', { text: t('rl.by.' + g.by) }),
        h('td', { lang: 'zh-CN', text: label(g) }),
        g.cells.slice(2).map((v) => h('td', { class: 'n', text: v }))))));
  }

  // ------------------------------------------------------------------
  // The URL hash carries the setup (tab, task parameters, announced seed
  // sources, seed, deadline inputs), so that a link reproduces it.

  let restoring = false;
  let initialForms = [];
  function saveHash() {
    if (restoring) return;
    const p = new URLSearchParams();
    p.set('tab', currentTab());
    if (I18N.lang !== 'zh') p.set('lang', I18N.lang);
    if (taskMode() === 'form') {
      const f = formValues();
      for (const k of ['name', 'item', 'draw_date', 'fields', 'departments', 'strata_attr', 'size', 'max_per_inspector', 'conflicts', 'exclusions']) {
        if (f[k]) p.set(k, f[k]);
      }
      if (f.avoid_area) p.set('avoid_area', '1');
      p.set('strata', strataRows().map(([v, q]) => `${v}:${q}`).join(';'));
    } else if (state.taskToml && state.taskToml.length < 8000) {
      p.set('toml', state.taskToml);
    }
    const files = {};
    for (const [slot, o] of Object.entries(pageOpts)) {
      if (o.encoding !== 'auto' || o.sheet || o.columns.length) files[slot] = o;
    }
    if (Object.keys(files).length) p.set('files', JSON.stringify(files));
    const forms = $$('#forms .form-src').length ? formsNow() : null;
    if (forms) p.set('forms', JSON.stringify(forms));
    const published = $('#ann-published').value;
    if (published && published !== today()) p.set('published', published);
    const seed = $('#seed').value;
    if (seed) p.set('seed', seed);
    const df = Object.fromEntries(new FormData(dueForm));
    for (const k of ['start', 'rule', 'custom', 'region']) if (df[k]) p.set('due_' + k, df[k]);
    history.replaceState(null, '', '#' + p.toString());
    savePage();
  }

  function restoreHash() {
    const p = new URLSearchParams(location.hash.slice(1));
    restoring = true;
    try {
      const year = Number(today().slice(0, 4));
      // By name, not form.elements.item: `item` is a method of the collection.
      const f = new Proxy({}, { get: (_, k) => form.querySelector(`[name="${k}"]`) });
      f.name.value = p.get('name') || t('task.defaultName', { year });
      f.item.value = p.get('item') || t('task.defaultItem');
      f.draw_date.value = p.get('draw_date') || today();
      for (const k of ['fields', 'departments', 'strata_attr', 'max_per_inspector', 'conflicts', 'exclusions']) {
        if (p.has(k)) f[k].value = p.get(k);
      }
      if (!p.has('strata_attr')) f.strata_attr.value = '信用风险等级';
      f.size.value = p.get('size') || '2';
      f.avoid_area.checked = p.get('avoid_area') === '1';
      if (p.has('strata')) {
        setStrata(p.get('strata').split(';').filter(Boolean).map((x) => {
          const i = x.lastIndexOf(':');
          return i < 0 ? [x, ''] : [x.slice(0, i), x.slice(i + 1)];
        }));
      } else {
        // The common case: credit-risk classes A–D (信用风险等级).
        setStrata([['A', '3%'], ['B', '5%'], ['C', '10%'], ['D', '100%']]);
      }
      if (p.has('toml')) {
        setTaskMode('file');
        state.taskToml = p.get('toml');
        state.taskName = 'task.toml';
      } else {
        setTaskMode('form');
      }
      if (p.has('files')) {
        try {
          for (const [slot, o] of Object.entries(JSON.parse(p.get('files')))) {
            pageOpts[slot] = {
              encoding: ['auto', 'utf-8', 'gbk'].includes(o.encoding) ? o.encoding : 'auto',
              sheet: String(o.sheet || ''),
              columns: (Array.isArray(o.columns) ? o.columns : []).filter((c) => Array.isArray(c) && c.length === 2).map((c) => [String(c[0]), String(c[1])]),
            };
          }
        } catch (_) { /* a damaged link: the defaults */ }
      }
      fillAdv();
      try {
        initialForms = p.has('forms') ? JSON.parse(p.get('forms')).filter((f) => f && typeof f === 'object') : [];
      } catch (_) { initialForms = []; }
      $('#ann-published').value = p.get('published') || today();
      $('#seed').value = p.get('seed') || '';
      const df = new Proxy({}, { get: (_, k) => dueForm.querySelector(`[name="${k}"]`) });
      df.start.value = p.get('due_start') || today();
      if (p.has('due_rule')) df.rule.dataset.want = p.get('due_rule');
      df.custom.value = p.get('due_custom') || '';
      if (p.has('due_region')) df.region.dataset.want = p.get('due_region');
      $('#led-today').value = today();
      const tab = tabs.find((x) => x.id === 'tab-' + p.get('tab'));
      if (tab) selectTab(tab, false);
      return p.get('lang');
    } finally {
      restoring = false;
    }
  }

  // ------------------------------------------------------------------
  // day2: the officer's second day. Results that no longer belong to the
  // inputs are hidden; every loaded file can be removed; the announcement
  // gives back its task; the work is kept on this computer (localStorage)
  // and restored; leaving with work not saved as a file asks first.

  const seedText = (seed) => lines(seed).join(' / ');

  // Hides the results and their downloads (they are of earlier inputs).
  function clearResults() {
    drawSeq++;
    state.summary = null;
    state.record = null;
    state.recordReady = null;
    state.page = null;
    state.view = null;
    state.exclusionIds = [];
    $('#res-search').value = '';
    $('#res-found').replaceChildren();
    $('#results').hidden = true;
    for (const b of $$('#results .downloads button')) b.disabled = true;
    $('#res-table').replaceChildren();
    $('#res-summary').replaceChildren();
  }

  // An input of the draw changed: the result on the screen is no longer
  // of these inputs, so it is hidden, and the page says why.
  function staleInputs() {
    if (!state.summary) return;
    clearResults();
    show($('#draw-status'), h('p', { class: 'warn stale-note', 'data-testid': 'stale', 'data-i18n': 'day2.stale', text: t('day2.stale') }));
  }

  // The same seed (or the first draw) goes ahead; other numbers under the
  // same announcement after a draw are confirmed first (SPEC §6.3: a
  // published result has one way to be entered, so a second draw with
  // other numbers is either a typing error or a choice of result).
  let redrawConfirmed = null;
  function redrawNeedsConfirm(key) {
    const last = state.lastDraw;
    if (!last || last.announcement !== key.announcement || last.seed === key.seed) return false;
    if (redrawConfirmed && redrawConfirmed.seed === key.seed) {
      redrawConfirmed = null;
      return false;
    }
    return true;
  }

  let redrawShown = null; // the seed the warning on the screen is about
  function showRedrawWarning(key) {
    redrawShown = key;
    const go = h('button', { type: 'button', 'data-testid': 'redraw-go', text: t('day2.redraw.go') });
    const cancel = h('button', { type: 'button', 'data-testid': 'redraw-cancel', text: t('day2.redraw.cancel') });
    go.addEventListener('click', () => {
      redrawConfirmed = key;
      redrawShown = null;
      $('#run-draw').click();
    });
    cancel.addEventListener('click', () => {
      redrawShown = null;
      show($('#draw-status'));
    });
    show($('#draw-status'), h('div', { class: 'error redraw-warning', role: 'alert', 'data-testid': 'redraw-warning' },
      h('p', {}, h('strong', { text: t('day2.redraw.title') })),
      h('p', { text: t('day2.redraw.text', { before: seedText(state.lastDraw.seed), now: seedText(key.seed) }) }),
      h('p', { class: 'actions' }, go, cancel)));
    cancel.focus();
  }

  function clearVerify() {
    state.lastVerify = null;
    show($('#verify-result'));
    $('#verify-result').className = 'verdict';
    $('#assurance').hidden = true;
  }

  function clearLedgerReport() {
    state.ledgerReport = null;
    $('#dl-ledger').disabled = true;
    $('#dl-ledger-xlsx').disabled = true;
    $('#led-summary').replaceChildren();
    $('#led-table').replaceChildren();
    clearResultsViews();
  }

  function showCalendars() {
    const n = state.calendars.length;
    $('#due-calendars-status').textContent = n ? t('day2.calendarsLoaded', { n, names: state.calendars.map((c) => c.name).join('、') }) : '';
    $('#due-calendars-remove').hidden = !n;
    showCalendarStatus();
  }
  $('#due-calendars-remove').addEventListener('click', () => {
    state.calendars = [];
    $('#due-calendars').value = '';
    show($('#due-cal-status'));
    showCalendars();
  });

  // ---- import: the holiday notice pasted as text (issue 16). The core
  // reads it (calendar::import_notices) and gives the calendar file, its
  // month grids and a summary; nothing is read here. The result is used
  // as an extra calendar file, as if it had been chosen above.
  let imported = null;
  $('#read-notice').addEventListener('click', async () => {
    const out = $('#notice-result');
    const months = $('#notice-months');
    imported = null;
    $('#use-imported').disabled = true;
    $('#dl-imported').disabled = true;
    months.replaceChildren();
    const text = $('#notice-text').value;
    if (!text.trim()) return show(out, errorView({ kind: 'Missing', message: 'imp.empty' }));
    try {
      const r = await call('importNotice', { text });
      imported = r;
      $('#use-imported').disabled = false;
      $('#dl-imported').disabled = false;
      await showImported();
    } catch (err) {
      show(out, errorView(err));
    }
  });

  // The summary and the grids in the page's language (holiday names in
  // English from the core); shown again after a language switch.
  async function showImported() {
    const r = imported;
    if (!r) return;
    const names = [...new Set([...r.holidays.map((x) => x.name),
      ...r.months.flatMap((g) => g.weeks.flat().filter((x) => x && x.name).map((x) => x.name))])];
    const english = I18N.lang === 'zh' ? names : await call('holidayNameEn', { names });
    const holiday = (n) => english[names.indexOf(n)] || n;
    const first = r.notices[0];
    const render = () => {
      const lines = r.holidays.map((x) => h('li', { 'data-testid': 'notice-holiday' },
        t(x.first === x.last ? 'imp.holidayOne' : 'imp.holiday', { name: holiday(x.name), first: x.first, last: x.last, off: x.off }) +
        (x.work ? t('imp.work', { n: x.work }) : '') + (x.cancel ? t('imp.cancel', { n: x.cancel }) : '')));
      const off = r.holidays.reduce((a, x) => a + x.off, 0);
      const work = r.holidays.reduce((a, x) => a + x.work, 0);
      show($('#notice-result'),
        h('p', { class: 'ok', 'data-testid': 'notice-ok' }, tData('imp.ok', {
          title: first.title, number: first.number || t('imp.noNumber'), date: first.date || t('imp.noDate'), year: r.year,
        }, ['title', 'number'])),
        r.notices.length > 1 ? h('ul', {}, r.notices.slice(1).map((n) => h('li', { lang: 'zh-CN', text: `${n.title}（${n.number || ''}）` }))) : null,
        h('ul', {}, lines),
        h('p', { 'data-testid': 'notice-total', text: t('imp.total', { off, work }) }),
        r.ignored.length ? h('div', { class: 'hint' }, h('p', { text: t('imp.ignored') }),
          h('ul', {}, r.ignored.map((x) => h('li', { lang: 'zh-CN', text: x })))) : null,
        r.months_error ? h('p', { class: 'warn' }, t('imp.noMonths'), problemLine(r.months_error)) : null);
    };
    kept($('#notice-result'), render);
    const grids = r.months.map((g) => ({ ...g, weeks: g.weeks.map((w) => w.map((d) => (d && d.name ? { ...d, name: holiday(d.name) } : d))) }));
    show($('#notice-months'), grids.map(monthView));
  }

  $('#use-imported').addEventListener('click', () => {
    if (!imported) return;
    const file = { name: imported.file_name, text: imported.file_text };
    state.calendars = state.calendars.filter((c) => c.name !== file.name).concat([file]);
    // A regional file needs its region chosen (the core refuses it otherwise).
    const regSel = $('[name=region]', dueForm);
    const region = imported.region === 'cn' ? '' : imported.region;
    const moved = !!region && regSel.value !== region;
    if (moved) {
      regSel.value = region;
      saveHash();
    }
    kept($('#due-cal-status'), () => show($('#due-cal-status'),
      h('p', { class: 'ok', 'data-testid': 'notice-used', text: t('imp.used', { name: file.name }) }),
      moved ? h('p', { text: t('imp.regionSet', { region: regSel.selectedOptions[0] ? regSel.selectedOptions[0].textContent : region }) }) : null));
    showCalendars();
  });

  $('#dl-imported').addEventListener('click', () => {
    if (imported) download(imported.file_name, imported.file_text, 'text/csv;charset=utf-8');
  });

  // ---- 移除: one button on each file box.

  function hasFile(box) {
    const slot = box.dataset.slot;
    if (slot === 'taskfile') return taskMode() === 'file' && !!state.taskToml && state.taskFromAnn !== 'file';
    if (slot === 'v-record') return !!state.verifyRecord;
    if (slot === 'self-record') return !!state.selfRecord;
    if (slot === 'ledger') return !!state.ledger;
    if (slot === 'led-record') return !!state.ledRecord;
    return picked.has(slot);
  }

  function syncRemove(box) {
    const b = $('.remove-file', box);
    if (b) b.hidden = !hasFile(box);
  }

  async function removeFile(box) {
    const slot = box.dataset.slot;
    $('input[type=file]', box).value = '';
    box.classList.remove('ok', 'bad');
    show($('.status', box));
    if (slot === 'taskfile') {
      staleInputs();
      state.taskToml = null;
      state.taskInfo = null;
      state.taskTouched = false;
      show($('#task-status'));
      applyOptions();
    } else if (slot === 'v-record') {
      state.verifyRecord = null;
      clearVerify();
      clearSelf();
    } else if (slot === 'self-record') {
      state.selfRecord = null;
      clearSelf();
    } else if (slot === 'ledger') {
      state.ledger = null;
      clearLedgerReport();
    } else if (slot === 'led-record') {
      state.ledRecord = null;
      clearLedgerReport();
    } else {
      if (isDrawSlot(slot)) staleInputs();
      else clearVerify();
      loaded.delete(slot);
      picked.delete(slot);
      headerLists.delete(slot);
      delete state.fileFacts[slot];
      delete state.timings[slot];
      await call('unload', { slot }).catch(() => {});
      if (isDrawSlot(slot)) checkAnnounced();
    }
    schedulePreflight();
    syncRemove(box);
    saveHash();
    $('input[type=file]', box).focus();
  }

  for (const box of $$('.drop')) {
    if (box.dataset.slot === 'v-announcement') continue; // has its own (移除公告)
    const b = h('button', { type: 'button', class: 'link remove-file', hidden: true, 'data-testid': 'remove-' + box.dataset.slot, 'data-i18n': 'day2.remove', text: t('day2.remove') });
    b.setAttribute('aria-label', t('day2.removeFile'));
    b.dataset.i18nAria = 'day2.removeFile';
    b.addEventListener('click', () => removeFile(box));
    $('.status', box).after(b);
  }

  // ---- The announcement's task and files.

  // The announced task becomes the page's: in the form when the form says
  // exactly that task (core TaskForm::of_task), else read-only.
  async function useAnnouncedTask(r) {
    if (r.form) {
      setTaskMode('form');
      fillTaskForm(r.form);
      state.taskFromAnn = 'form';
    } else {
      setTaskMode('file');
      state.taskToml = r.task_toml;
      state.taskName = 'task.toml';
      state.taskFromAnn = 'file';
      $('#task-file .drop').classList.remove('bad');
    }
    state.taskTouched = false;
    state.taskOffer = null;
    await refreshTask();
  }

  function fillTaskForm(f) {
    const el = (k) => form.querySelector(`[name="${k}"]`);
    for (const k of ['name', 'item', 'draw_date', 'fields', 'departments', 'exclusions', 'strata_attr', 'size', 'max_per_inspector', 'conflicts']) {
      el(k).value = f[k] || '';
    }
    el('avoid_area').checked = !!f.avoid_area;
    setStrata(f.strata.length ? f.strata : [['', '']]);
  }

  // The task cannot change once announced (the draw would be refused).
  function lockTask(on) {
    for (const el of form.elements) el.disabled = on;
    for (const r of $$('input[name=taskmode]')) r.disabled = on;
    $('#add-stratum').disabled = on;
    $('input[type=file]', $('#task-file')).disabled = on;
    // A task taken from the announcement is not a file: no file to choose.
    $('#task-file label').hidden = on && state.taskFromAnn === 'file' && taskMode() === 'file';
    let note = $('#task-locked');
    if (!note) {
      note = h('p', { id: 'task-locked', class: 'hint', 'data-testid': 'task-locked' });
      $('#task-status').before(note);
    }
    note.hidden = !on;
    note.textContent = t('day2.taskFromAnnForm');
  }

  function announcedTaskView(task) {
    return [h('p', { class: 'ok', 'data-testid': 'task-from-ann' }, h('strong', { text: t('day2.taskFromAnn', { name: task.name }) })),
      h('p', { text: t('day2.taskSummary', { item: task.item, date: task.draw_date, strata: task.strata.length, size: task.team.size }) }),
      h('p', { class: 'hint', text: t('day2.taskFromAnnLocked') })];
  }

  // An announcement whose task differs from the one set up on the page:
  // what differs (core Task::difference_from), and the choice.
  function taskOfferView(after) {
    const r = state.taskOffer;
    if (!r || !r.difference) return null;
    const use = h('button', { type: 'button', class: 'primary', 'data-testid': 'task-replace', text: t('day2.replaceTask') });
    const keep = h('button', { type: 'button', 'data-testid': 'task-keep', text: t('day2.keepTask') });
    use.addEventListener('click', async () => {
      await useAnnouncedTask(r);
      showAnnouncement();
      saveHash();
      if (after) after();
    });
    keep.addEventListener('click', () => {
      state.taskOffer = null;
      showAnnouncement();
      if (after) after();
    });
    const diff = I18N.lang === 'zh' ? r.difference.zh : r.difference.en;
    return h('div', { class: 'error task-differs', role: 'alert', 'data-testid': 'task-differs' },
      h('p', { text: t('day2.taskDiffers', { difference: diff }) }), h('p', { class: 'actions' }, use, keep));
  }

  // The task digest the announcement fixed.
  function announcedDigest() {
    try {
      return JSON.parse(state.announcement).task_digest;
    } catch (_) {
      return null;
    }
  }

  // Each loaded file of the draw tab against the announcement's digests.
  let annCheckSeq = 0;
  async function checkAnnounced() {
    const mine = ++annCheckSeq;
    let r = {};
    if (state.announcement && state.annInfo) {
      try {
        r = await call('announcementLoaded', { announcement: state.announcement });
      } catch (_) { r = {}; }
    }
    if (mine !== annCheckSeq) return;
    state.annCheck = r;
    showAnnCheck();
  }
  function showAnnCheck() {
    for (const slot of ['entities', 'inspectors', 'exclusions']) {
      const box = $(`#panel-draw .drop[data-slot=${slot}]`);
      const old = $('.ann-mismatch', box);
      if (old) old.remove();
      const d = state.annCheck && state.annCheck[slot];
      if (d) $('.status', box).append(h('p', { class: 'warn ann-mismatch', role: 'alert', 'data-testid': 'ann-mismatch-' + slot, text: I18N.lang === 'zh' ? d.zh : d.en }));
    }
  }

  // ---- After announcing: what to do now, and on the day of the draw.

  function nextSteps(info) {
    const when = info.sources.map((s) => s.describe).join('、');
    const first = info.sources.length ? info.sources[0].describe : '—';
    return h('div', { class: 'next-steps publish-now', 'data-testid': 'publish-now' },
      h('p', {}, h('strong', { text: t('day2.next.title') })),
      h('ol', { 'data-testid': 'next-steps' },
        h('li', { text: t('day2.next.publish', { first }) }),
        h('li', { text: t('day2.next.keep', { files: t('day2.next.files') }) }),
        h('li', { text: t('day2.next.day2', { sources: when }) })),
      h('p', { 'data-testid': 'why-first', text: t('day2.next.why') }));
  }

  // ---- Kept on this computer (localStorage), never sent anywhere.

  const STORE = 'shuangsui.page';
  let storageMsg = null; // [key, vars] of the line under the title
  function storageSays(key, vars) {
    storageMsg = key ? [key, vars] : null;
    $('#storage-status').textContent = key ? t(key, vars) : '';
  }
  const STORE_VERSION = 1;
  let storeReady = false;
  let leaving = false;

  function seedBoxValues() {
    return Object.fromEntries($$('#seed-boxes input').map((i) => [i.dataset.testid, i.value]).filter(([, v]) => v));
  }

  function savePage() {
    if (!storeReady || leaving) return;
    const data = {
      v: STORE_VERSION,
      saved: new Date().toISOString(),
      hash: location.hash,
      lang: I18N.lang,
      taskMode: taskMode(),
      form: formNow(),
      taskToml: taskMode() === 'file' ? state.taskToml : null,
      taskName: state.taskName,
      taskFromAnn: state.taskFromAnn,
      taskTouched: state.taskTouched,
      forms: $$('#forms .form-src').length ? formsNow() : [],
      published: $('#ann-published').value,
      announcement: state.announcement,
      annMade: state.annMade,
      annSaved: state.annSaved,
      seed: $('#seed').value,
      seedBoxes: seedBoxValues(),
      lastDraw: state.lastDraw,
      files: { ...state.filesBefore, ...state.fileFacts },
    };
    try {
      localStorage.setItem(STORE, JSON.stringify(data));
    } catch (_) { /* storage full or refused: the page works without it */ }
  }

  // The stored work: {data}, {dropped} for one that cannot be read, or {}.
  function readStored() {
    let raw = null;
    try {
      raw = localStorage.getItem(STORE);
    } catch (_) {
      return {};
    }
    if (!raw) return {};
    try {
      const d = JSON.parse(raw);
      const ok = d && d.v === STORE_VERSION && typeof d.form === 'object' && Array.isArray(d.forms) &&
        (d.announcement === null || typeof d.announcement === 'string') && typeof d.files === 'object';
      if (ok) return { data: d };
    } catch (_) { /* below */ }
    try { localStorage.removeItem(STORE); } catch (_) { /* nothing kept then */ }
    return { dropped: true };
  }

  // A file box of the last visit that is empty now: which file to load again.
  function againNote(slot, r) {
    const before = state.filesBefore[slot];
    if (!before) return null;
    delete state.filesBefore[slot];
    if (!r || (before.digest === r.digest && before.count === r.count)) return null;
    return h('p', { class: 'warn again', 'data-testid': 'again-differs-' + slot, text: t('day2.againDiffers', {
      count: fmtInt(before.count), digest: before.digest, now: fmtInt(r.count), nowDigest: r.digest,
    }) });
  }
  function showAgain() {
    for (const [slot, f] of Object.entries(state.filesBefore)) {
      const box = $(`#panel-draw .drop[data-slot=${slot}]`);
      if (!box || picked.has(slot)) continue;
      show($('.status', box), h('p', { class: 'again', 'data-testid': 'again-' + slot, text: t('day2.again', { name: f.name, count: fmtInt(f.count), digest: f.digest }) }));
    }
  }

  // Puts the stored work back on the page; anything that cannot be read
  // drops the stored work with a notice, never breaks the page.
  async function restoreStored(d) {
    state.filesBefore = Object.fromEntries(Object.entries(d.files || {})
      .filter(([slot, f]) => isDrawSlot(slot) && f && typeof f.name === 'string' && typeof f.digest === 'string'));
    state.taskTouched = !!d.taskTouched;
    state.taskFromAnn = ['form', 'file'].includes(d.taskFromAnn) ? d.taskFromAnn : null;
    state.lastDraw = d.lastDraw && typeof d.lastDraw.seed === 'string' ? d.lastDraw : null;
    if (d.taskMode === 'file' && typeof d.taskToml === 'string') {
      setTaskMode('file');
      state.taskToml = d.taskToml;
      state.taskName = typeof d.taskName === 'string' ? d.taskName : 'task.toml';
      state.formsFrom = d.taskToml; // the forms come from the storage, not the file
    } else {
      setTaskMode('form');
      fillTaskForm({ ...d.form, strata: Array.isArray(d.form.strata) ? d.form.strata : [] });
    }
    $('#seed').value = typeof d.seed === 'string' ? d.seed : '';
    if (d.announcement) {
      state.announcement = d.announcement;
      state.annMade = !!d.annMade;
      state.annSaved = !!d.annSaved;
      await refreshTask();
      await useAnnouncement(false);
      for (const [id, v] of Object.entries(d.seedBoxes || {})) {
        const el = $(`#seed-boxes input[data-testid="${CSS.escape(id)}"]`);
        if (el) el.value = String(v);
      }
      for (const box of $$('#seed-boxes .seed-src')) box.dispatchEvent(new Event('input'));
    } else {
      setForms(d.forms.map((f) => ({ ...f, groups: Array.isArray(f.groups) ? f.groups.map((g) => ({ ...g })) : f.groups })));
      $('#ann-published').value = d.published || today();
      await refreshTask();
      showAnnouncement();
    }
    showAgain();
  }

  $('#forget').addEventListener('click', () => {
    if (unsaved() && !window.confirm(t('day2.unsaved') + ' ' + t('day2.forgetConfirm'))) return;
    try { localStorage.removeItem(STORE); } catch (_) { /* nothing kept */ }
    leaving = true;
    storageSays('day2.forgotten');
    // A clean page: nothing of the earlier work is left on the screen.
    location.replace(location.pathname);
  });

  // Work that exists only on this page: an announcement made here and not
  // downloaded, a result not downloaded.
  function unsaved() {
    return (state.annMade && !state.annSaved) || (!!state.summary && !state.resultsSaved);
  }
  window.addEventListener('beforeunload', (e) => {
    if (leaving || !unsaved()) return;
    e.preventDefault();
    e.returnValue = t('day2.unsaved');
  });

  // ------------------------------------------------------------------
  // Language switch.

  function setLang(lang) {
    I18N.apply(lang);
    const btn = $('#lang');
    btn.textContent = lang === 'en' ? '中文' : 'English';
    btn.lang = lang === 'en' ? 'zh-CN' : 'en';
    for (const tr of $$('#strata-rows tr')) {
      const b = $('button', tr);
      b.setAttribute('aria-label', t('task.removeRow'));
      b.title = t('task.removeRow');
    }
    fillDeadlineChoices().then(showCalendarStatus).catch(() => {});
    for (const adv of $$('.drop .adv')) cliHint(adv);
    if (state.summary) showResults();
    renumber();
    showAnnouncement();
    buildSeedBoxes();
    showAnnCheck();
    showAgain();
    if (redrawShown && $('[data-testid=redraw-warning]')) showRedrawWarning(redrawShown);
    if (storageMsg) storageSays(...storageMsg);
    if (state.lastVerify) showVerify(state.lastVerify);
    // Everything else shown so far, in the new language (issue 15).
    for (const [el, render] of [...rerenders]) kept(el, render);
    if (state.taskToml) refreshTask().catch(() => {});
    showEntropy().catch(() => {});
    showLedger();
    if (imported) showImported().catch(() => {});
    if ($('[data-testid=due-date]')) computeDeadline();
    if (state.lastSelf) showSelf(state.lastSelf);
    for (const box of $$('.drop[data-kind=record]')) recordStatus(box);
    selfSource();
    scheduleFormFindings();
    saveHash();
  }
  $('#lang').addEventListener('click', () => setLang(I18N.lang === 'zh' ? 'en' : 'zh'));

  // ------------------------------------------------------------------
  // Start.

  startWorker().catch(() => {});
  // The work kept on this computer, unless the page was opened with a
  // link of other work (its hash).
  const stored = readStored();
  const nav = performance.getEntriesByType('navigation')[0];
  const reloaded = !!nav && nav.type === 'reload';
  const fromStore = stored.data && (reloaded || !location.hash || location.hash === '#' || location.hash === stored.data.hash) ? stored.data : null;
  const hashLang = restoreHash();
  const lang = fromStore ? fromStore.lang : hashLang;
  I18N.apply(lang === 'en' ? 'en' : 'zh');
  if (lang === 'en') setLang('en');
  fillDeadlineChoices().then(() => { saveHash(); showCalendarStatus(); }).catch(() => {});
  presetsReady.then(async () => {
    if (fromStore) {
      try {
        await restoreStored(fromStore);
        storageSays('day2.restored', { when: fromStore.saved ? new Date(fromStore.saved).toLocaleString(I18N.lang === 'zh' ? 'zh-CN' : 'en-US', { timeZone: 'Asia/Shanghai' }) : '—' });
      } catch (_) {
        try { localStorage.removeItem(STORE); } catch (_e) { /* nothing kept */ }
        storageSays('day2.dropped');
      }
    } else {
      if (stored.dropped) storageSays('day2.dropped');
      // The forms of the link (NaN numbers come back as null).
      setForms(initialForms.map((f) => ({ ...f, groups: Array.isArray(f.groups) ? f.groups.map((g) => ({ ...g })) : f.groups })));
      await refreshTask();
    }
    storeReady = true;
    saveHash();
    scheduleFormFindings();
  });
  showAnnouncement();
  if ($('#seed').value) previewSeed();
  window.shuangsuiPage = { state, call }; // for the browser tests
})();
