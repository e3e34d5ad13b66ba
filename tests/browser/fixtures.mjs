// Inputs shared by the tests: the command line's demo (directories, task,
// announcement, and the record, result table and notice the command line
// made from them), or, without a CLI that has `demo`, a v2 golden vector.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, repo } from './paths.mjs';

/**
 * Writes the demo into `dir`; returns {dir, seed, announcement, fromCli}.
 * @param {string} dir a folder that does not exist yet
 */
export function demoInputs(dir) {
  if (existsSync(cli)) {
    try {
      execFileSync(cli, ['demo', '--out', dir], { stdio: 'ignore' });
      // The seed as entered under the demo's announced form (福彩3D).
      return { dir, seed: '3 0 7', announcement: join(dir, 'announcement.json'), fromCli: true };
    } catch { /* a CLI without `demo` */ }
  }
  const v = join(repo, 'seeds', 'v2', '01-fucai3d-preset');
  mkdirSync(dir, { recursive: true });
  for (const f of ['entities.csv', 'inspectors.csv', 'task.toml', 'announcement.json']) {
    writeFileSync(join(dir, f), readFileSync(join(v, f)));
  }
  writeFileSync(join(dir, 'record.json'), readFileSync(join(v, 'expected.json')));
  return { dir, seed: readFileSync(join(v, 'seed.txt'), 'utf8').trim(), announcement: join(dir, 'announcement.json'), fromCli: false };
}
