// The page's web worker: it owns the wasm module (shuangsui-wasm) and every
// parsed directory, so that reading a large directory or drawing never
// freezes the page. Messages in: {id, op, args}; out: {id, progress} while
// working, then {id, ok: true, result} or {id, ok: false, error}, where an
// error is the wasm boundary's {kind, kind_zh, message, message_zh, file,
// row, column, details} object.
//
// Served, it loads the wasm glue and the module (as base64 in a script, so
// that no fetch is needed and the CSP can forbid every connection); in the
// single-file page, both are prepended to this source in a blob.
/* global wasm_bindgen, SHUANGSUI_WASM_BASE64 */
'use strict';

if (typeof wasm_bindgen === 'undefined') {
  importScripts('shuangsui_wasm.js', 'shuangsui_wasm_bytes.js');
}

const W = (function init() {
  const text = atob(SHUANGSUI_WASM_BASE64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  wasm_bindgen.initSync({ module: bytes });
  return wasm_bindgen;
})();

// Parsed inputs by slot: entities, inspectors, exclusions, task (draw tab);
// v-entities, v-inspectors, v-exclusions (verify tab). The bytes of each
// file are kept so that a file can be read again when the task's reading
// options (`invalid_codes`, `[columns]`) change, as the command line reads
// the directories with the task's options.
const slots = Object.create(null);
const files = Object.create(null); // slot -> {kind, name, data, options}

function put(slot, value) {
  if (slots[slot] && slots[slot] !== value && typeof slots[slot].free === 'function') {
    slots[slot].free();
  }
  if (value === undefined) delete slots[slot];
  else slots[slot] = value;
}

function need(slot, kind) {
  if (!slots[slot]) {
    throw { kind: 'Missing', message: 'need.' + kind, missing: kind };
  }
  return slots[slot];
}

// How the page asked each slot's file to be read: {encoding, sheet,
// columns: [[header, field], …]} (the 高级 disclosure of each file box).
const fileOptions = Object.create(null);

// The draw tab reads as the task says (as `shuangsui draw`); the verify tab
// as `shuangsui verify` (invalid codes are warnings: the record must be
// reproduced with whatever its draw accepted). The page's own choices are
// added on top, as the command line's --encoding, --sheet and --map-* are.
function readingFor(slot) {
  let reading;
  if (slot.startsWith('v-')) reading = W.Reading.forVerify();
  else reading = slots.task ? W.Reading.forTask(slots.task) : new W.Reading();
  const o = fileOptions[slot];
  const f = files[slot];
  if (o && f) {
    try {
      const cols = o.columns || [];
      reading.setFile(f.kind, o.encoding || 'auto', o.sheet || undefined,
        cols.map((c) => c[0]), cols.map((c) => c[1]));
    } catch (err) {
      reading.free();
      throw err;
    }
  }
  return reading;
}

function keyFor(slot) {
  const reading = readingFor(slot);
  try {
    return reading.key;
  } finally {
    reading.free();
  }
}

function read(slot, progress) {
  const f = files[slot];
  const reading = readingFor(slot);
  const t0 = performance.now();
  let handle;
  try {
    if (f.kind === 'entities') {
      // With the task known, a clean CSV is scanned once for both the
      // digest shown and the task's strata.
      handle = slots.task
        ? W.Entities.fromBytesForTask(f.data, f.name, reading, slots.task, (rows) => progress({ rows }))
        : W.Entities.fromBytes(f.data, f.name, reading, (rows) => progress({ rows }));
    } else if (f.kind === 'inspectors') {
      handle = W.Inspectors.fromBytes(f.data, f.name, reading, (rows) => progress({ rows }));
    } else if (f.kind === 'exclusions') {
      handle = W.ExclusionList.fromBytes(f.data, f.name, reading);
    } else {
      throw new Error('unknown kind ' + f.kind);
    }
  } catch (err) {
    put(slot, undefined);
    // A column the core could not find: give the page the file's header
    // row, so that the user can say which header holds the field.
    if (err && err.kind === 'MissingColumn') {
      try {
        err.headers = W.headers(f.data, f.name, f.kind, reading);
      } catch (_) { /* the error itself is what matters */ }
    }
    throw err;
  } finally {
    f.reading = reading.key;
    reading.free();
  }
  put(slot, handle);
  return {
    count: handle.count, digest: handle.digest,
    warnings: handle.warnings === undefined ? [] : JSON.parse(handle.warnings),
    ms: performance.now() - t0,
  };
}

// Reads again every file whose reading options changed; the outcome of
// each, by slot.
function rereadChanged(progress) {
  const reread = {};
  for (const slot of Object.keys(files)) {
    let key;
    try {
      key = keyFor(slot);
    } catch (err) {
      reread[slot] = { ok: false, error: plain(err) };
      continue;
    }
    if (files[slot].reading === key) continue;
    try {
      reread[slot] = { ok: true, result: read(slot, (p) => progress({ slot, ...p })) };
    } catch (err) {
      reread[slot] = { ok: false, error: plain(err) };
    }
  }
  return reread;
}

// A result's buffers to transfer rather than copy (not sent itself).
const TRANSFER = Symbol('transfer');

// A record as the page holds it (UTF-8 bytes) or as text.
function text(record) {
  return typeof record === 'string' ? record : new TextDecoder().decode(record);
}

const ops = {
  protocol: () => W.protocol(),

  load({ slot, kind, name, bytes, options }, progress) {
    if (options) fileOptions[slot] = options;
    files[slot] = { kind, name, data: new Uint8Array(bytes), reading: null };
    return read(slot, progress);
  },

  // Readies the module's memory for a file of `bytes` bytes that the page
  // is reading (wasm reserve), so that its copy into the module is quicker.
  reserve({ bytes }) {
    W.reserve(bytes);
    return true;
  },

  unload({ slot }) {
    put(slot, undefined);
    delete files[slot];
    return true;
  },

  // Sets how files are read ({slot: {encoding, sheet, columns}}); reads
  // again those whose options changed and says how each went.
  options({ options }, progress) {
    Object.assign(fileOptions, options || {});
    return { reread: rereadChanged(progress) };
  },

  // The header row of a loaded file, as read with the current options.
  headers({ slot }) {
    const f = files[slot];
    if (!f) return [];
    const reading = readingFor(slot);
    try {
      return W.headers(f.data, f.name, f.kind, reading);
    } finally {
      reading.free();
    }
  },

  // Reads a task (and, if given, new reading options of the files); reads
  // again the files whose options now differ and says so.
  task({ toml, name, options }, progress) {
    const task = W.Task.parse(toml, name);
    put('task', task);
    if (options) Object.assign(fileOptions, options);
    return { json: task.json, digest: task.digest, seedForms: JSON.parse(task.seedForms), reread: rereadChanged(progress) };
  },

  // The task form (core TaskForm) as a task file's text.
  taskFormToml: ({ form }) => W.taskFormToml(JSON.stringify(form)),

  // A task file's text with the page's column mappings added (core
  // with_columns).
  taskWithColumns: ({ toml, name, columns }) => W.taskWithColumns(toml, name, JSON.stringify(columns)),

  // The command line's flags for a file read with these options.
  readingFlags: ({ reading }) => W.readingFlags(JSON.stringify(reading)),

  // The announcement (SPEC §12) of the seed forms given (a list of SeedForm
  // objects; none: the task file's [[seed]] tables), published on `published`.
  announce({ forms, published }) {
    const ex = slots.exclusions || new W.ExclusionList();
    try {
      return W.announce(need('task', 'task'), need('entities', 'entities'),
        need('inspectors', 'inspectors'), ex, forms && forms.length ? JSON.stringify(forms) : '', published);
    } finally {
      if (ex !== slots.exclusions) ex.free();
    }
  },

  // preflight: the pre-flight (SPEC §12.1) of the task and the directories,
  // and the seed forms checked as announcing checks them.
  preflight() {
    const ex = slots.exclusions || new W.ExclusionList();
    try {
      return JSON.parse(W.preflight(need('task', 'task'), need('entities', 'entities'),
        need('inspectors', 'inspectors'), ex));
    } finally {
      if (ex !== slots.exclusions) ex.free();
    }
  },
  seedFormFindings: ({ forms, published, drawDate }) =>
    JSON.parse(W.seedFormFindings(JSON.stringify(forms), published || '', drawDate || '')),

  // The core unites the task's own exclusions with the list given here.
  // The worker keeps the record (slot "drawing") and gives the page a
  // summary and the first `count` drawn rows, and further rows when asked
  // ("rows"), so that the page never parses a record of a hundred thousand
  // draws; the record's text is asked for next ("record"), so that the
  // results are on the screen while it is written.
  draw({ seed, announcement, unannounced, count }) {
    const task = need('task', 'task');
    const entities = need('entities', 'entities');
    const inspectors = need('inspectors', 'inspectors');
    const ex = slots.exclusions || new W.ExclusionList();
    try {
      const t0 = performance.now();
      const drawing = W.drawHeld(task, entities, inspectors, ex, seed, announcement || undefined, !!unannounced);
      put('drawing', drawing);
      const ms = performance.now() - t0;
      return {
        ms, exclusionIds: ex.count > 0 ? ex.ids() : [],
        summary: JSON.parse(drawing.summary()),
        rows: JSON.parse(drawing.rows(0, count || 0)),
      };
    } finally {
      if (ex !== slots.exclusions) ex.free();
    }
  },

  // The record held, as published: its UTF-8 bytes (transferred, not
  // copied), byte for byte the command line's record.json.
  record() {
    const t0 = performance.now();
    const record = need('drawing', 'record').json();
    return { record, ms: performance.now() - t0, [TRANSFER]: [record.buffer] };
  },

  // Holds a record the page gives back (a fresh worker after a crash).
  holdRecord({ record }) {
    put('drawing', W.Drawing.fromJson(text(record)));
    return true;
  },

  // The drawn rows from..from+count of the record held.
  rows: ({ from, count }) => JSON.parse(need('drawing', 'record').rows(from, count)),

  verify({ record, announcement }) {
    const ex = slots['v-exclusions'] || new W.ExclusionList();
    try {
      const t0 = performance.now();
      const out = JSON.parse(W.verify(record, need('v-entities', 'entities'),
        need('v-inspectors', 'inspectors'), ex, announcement || undefined));
      out.ms = performance.now() - t0;
      return out;
    } finally {
      if (ex !== slots['v-exclusions']) ex.free();
    }
  },

  // owner: a published record (record.json or notice.html) and the
  // company's own check against it.
  publishedSummary: ({ text }) => JSON.parse(W.publishedSummary(text)),
  selfCheckReport: ({ record, id, stratum }) =>
    JSON.parse(W.selfCheckReport(record, id, stratum === '' || stratum == null ? undefined : Number(stratum))),
  resultCsv: ({ record }) => W.resultCsv(text(record)),
  exclusionsCsv: ({ ids }) => W.exclusionsCsv(ids),
  noticeHtml: ({ record }) => W.noticeHtml(text(record)),
  seedSource: ({ line }) => JSON.parse(W.seedSource(line)),
  seedSourceUnannounced: ({ line }) => JSON.parse(W.seedSourceUnannounced(line)),
  announcementInfo: ({ announcement }) => JSON.parse(W.announcementInfo(announcement)),
  announcementHtml: ({ announcement }) => W.announcementHtml(announcement),
  lotteryPresets: () => JSON.parse(W.lotteryPresets()),
  entropy: ({ forms }) => W.entropy(JSON.stringify(forms)),
  demo: () => JSON.parse(W.demo()),
  rules: () => JSON.parse(W.rules()),
  regions: () => JSON.parse(W.regions()),
  deadlineMonths: ({ start, rule, region, calendars, months }) =>
    JSON.parse(W.deadlineMonths(start, rule, region || '', calendars || '', months || 4)),
  resultXlsx: ({ record }) => W.resultXlsx(text(record)),
  // layout: the result as the page shows it (wasm ResultView): the drawn
  // entities' area and strata columns read back from the directory, and a
  // search over the rows, a page at a time. Without the draw's directory
  // (another file loaded since, or none after a restart) the view has no
  // columns, and `problem` says why.
  resultView({ count }) {
    const drawing = need('drawing', 'record');
    let view = null;
    let problem = null;
    if (slots.entities) {
      try {
        view = new W.ResultView(drawing, slots.entities);
      } catch (err) {
        problem = plain(err);
      }
    }
    if (!view) view = W.ResultView.withoutDirectory(drawing);
    put('resultView', view);
    return { columns: JSON.parse(view.columns()), problem, ...JSON.parse(view.page(drawing, '', 0, count || 0)) };
  },
  resultPage: ({ query, from, count }) =>
    JSON.parse(need('resultView', 'record').page(need('drawing', 'record'), query || '', from, count)),
  holidayNameEn: ({ names }) => names.map((n) => W.holidayNameEn(n)),
  // import
  importNotice: ({ text }) => JSON.parse(W.importNotice(text)),


  // day2: the announced task for the page (core TaskForm::of_task,
  // Task::difference_from), and each loaded file of the draw tab against
  // the announcement's digests (core Announcement::loaded_difference), by
  // slot: {en, zh}, or null when it matches or nothing is loaded. The
  // exclusion list is compared only when the task names no exclusions of
  // its own (the announcement's digest is of both united).
  announcedTask: ({ announcement, current }) => JSON.parse(W.announcedTask(announcement, current || undefined)),
  announcementLoaded({ announcement }) {
    const out = {};
    for (const slot of ['entities', 'inspectors', 'exclusions']) {
      // No exclusion list loaded is the empty list (as the draw takes it).
      const h = slots[slot] || (slot === 'exclusions' ? new W.ExclusionList() : null);
      const own = slot === 'exclusions' && slots.task && JSON.parse(slots.task.json).exclusions.length > 0;
      try {
        const d = h && !own ? W.announcementLoaded(announcement, slot, h.count, h.digest) : undefined;
        out[slot] = d === undefined ? null : JSON.parse(d);
      } finally {
        if (h && h !== slots[slot]) h.free();
      }
    }
    return out;
  },
  checkLedger({ text, name, today, region, calendars }) {
    const ledger = W.checkLedger(text, name, today, region || '', calendars || '');
    try {
      return { report: JSON.parse(ledger.json), csv: ledger.csv(), xlsx: ledger.xlsx() };
    } finally {
      ledger.free();
    }
  },
};

// files: what a file put into a box is (core identify; the WrongFile error
// when the box does not take it), and a ledger read from its bytes (CSV in
// UTF-8 or GBK, or Excel), as `shuangsui ledger` reads it.
Object.assign(ops, {
  checkFile: ({ bytes, name, kind }) => JSON.parse(W.checkFile(new Uint8Array(bytes), name, kind)),
  checkLedgerFile({ bytes, name, today, region, calendars }) {
    const ledger = W.checkLedgerFile(new Uint8Array(bytes), name, today, region || '', calendars || '');
    try {
      return { report: JSON.parse(ledger.json), csv: ledger.csv(), xlsx: ledger.xlsx() };
    } finally {
      ledger.free();
    }
  },
});

// results: the blank results ledger of a draw (台账.csv / 台账.xlsx), and a
// ledger of either kind read as `shuangsui ledger` reads it (core
// read_ledger_file), a results ledger checked against the record if given.
Object.assign(ops, {
  resultsLedgerCsv: ({ record }) => W.resultsLedgerCsv(text(record)),
  resultsLedgerXlsx: ({ record }) => W.resultsLedgerXlsx(text(record)),
  readLedgerFile({ bytes, name, today, region, calendars, record }) {
    const ledger = W.readLedgerFile(new Uint8Array(bytes), name, today, region || '', calendars || '', record || '');
    try {
      return { kind: ledger.kind, report: JSON.parse(ledger.json), csv: ledger.csv(), xlsx: ledger.xlsx(), figuresCsv: ledger.figuresCsv() };
    } finally {
      ledger.free();
    }
  },
});

// edge: the calendar's coverage on a day (core calendar_status) and a
// calendar file's text from its bytes, UTF-8 or GBK (core decode_text).
Object.assign(ops, {
  calendarStatus: ({ region, calendars, today }) => JSON.parse(W.calendarStatus(region || '', calendars || '', today)),
  calendarText: ({ bytes, name }) => W.calendarText(new Uint8Array(bytes), name),
});

self.onmessage = (e) => {
  const { id, op, args } = e.data;
  const progress = (p) => self.postMessage({ id, progress: p });
  try {
    if (!ops[op]) throw new Error('unknown operation ' + op);
    const result = ops[op](args || {}, progress);
    const transfer = (result && result[TRANSFER]) || [];
    if (transfer.length) delete result[TRANSFER];
    self.postMessage({ id, ok: true, result }, transfer);
  } catch (err) {
    self.postMessage({ id, ok: false, error: plain(err) });
  }
};

// Errors from the wasm boundary are already plain objects; a trap (a panic:
// a bug, never an input problem) becomes kind "Internal" with the panic's
// message, after which the page starts a fresh worker.
function plain(err) {
  if (err && typeof err === 'object' && typeof err.kind === 'string') return err;
  let message = String(err && err.message ? err.message : err);
  let kind = 'Internal';
  try {
    const p = W.lastPanic();
    if (p) message = p;
  } catch (_) { /* the module is gone after a trap */ }
  if (!(err instanceof WebAssembly.RuntimeError) && !/unreachable/.test(message)) kind = 'Script';
  return { kind, message, file: null, row: null, column: null, fatal: kind === 'Internal' };
}

self.postMessage({ ready: true, protocol: W.protocol() });
