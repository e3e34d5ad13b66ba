// Where the tests find the repository, the builds and the tools; each can
// be overridden from the environment (scripts/test-web sets them).
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const wasmNode = process.env.SHUANGSUI_WASM_NODE
  || join(repo, 'target', 'wasm', 'pkg-node', 'shuangsui_wasm.js');
export const dist = process.env.SHUANGSUI_DIST || join(repo, 'web', 'dist');
export const artifacts = process.env.SHUANGSUI_ARTIFACTS || join(repo, 'tests', 'artifacts');
export const chromium = process.env.SHUANGSUI_CHROMIUM || '/usr/bin/chromium';
// The command-line binary, for the demo data and the reference records.
export const cli = process.env.SHUANGSUI_CLI || join(repo, 'target', 'debug', 'shuangsui');
