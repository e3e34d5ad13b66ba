// A record edited by hand, its digest recomputed (SPEC §11: H(tag,
// canonical JSON without record_digest)), as someone forging a record would
// do it, so that only the re-run can tell.
import { createHash } from 'node:crypto';

export function canonical(v) {
  if (Array.isArray(v)) return '[' + v.map(canonical).join(',') + ']';
  if (v && typeof v === 'object') {
    const keys = Object.keys(v).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonical(v[k])).join(',') + '}';
  }
  return JSON.stringify(v);
}
export function lp(buf) {
  const len = Buffer.alloc(8);
  len.writeBigUInt64BE(BigInt(buf.length));
  return Buffer.concat([len, buf]);
}
export function redigest(record) {
  const copy = { ...record };
  delete copy.record_digest;
  const body = Buffer.concat([lp(Buffer.from('shuangsui/1/record')), lp(Buffer.from(canonical(copy)))]);
  record.record_digest = createHash('sha256').update(body).digest('hex');
  return record;
}
