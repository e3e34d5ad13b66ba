//! The record readers that verification uses internally: the task read
//! ahead of a published record, the reading without its drawn list, and the
//! fast canonical writer against the generic one.

#[test]
fn the_task_of_a_published_record_is_read_ahead() {
    let demo = crate::synth::demo().unwrap();
    let r = &demo.record;
    let text = r.to_json_pretty();
    assert_eq!(crate::DrawRecord::task_ahead(&text), Some(r.task.clone()));
    // Only the start is read: the rest may be cut off.
    let cut = &text[..text.find("\"task_digest\"").unwrap() + 5];
    assert_eq!(crate::DrawRecord::task_ahead(cut), Some(r.task.clone()));
    // Not as published (compact, another protocol, no task first): none.
    let compact = serde_json::to_string(r).unwrap();
    assert_eq!(crate::DrawRecord::task_ahead(&compact), None);
    let other = text.replacen(crate::PROTOCOL, "shuangsui-draw/0", 1);
    assert_eq!(crate::DrawRecord::task_ahead(&other), None);
    assert_eq!(crate::DrawRecord::task_ahead("{}"), None);
    assert_eq!(crate::DrawRecord::task_ahead(""), None);
}

#[test]
fn the_fast_canonical_json_of_a_record_is_the_generic_one() {
    let demo = crate::synth::demo().unwrap();
    let mut r = demo.record.clone();
    assert_eq!(r.canonical_json(), r.canonical_json_generic());
    // Text that needs escaping, in every string of a draw.
    r.draws[0].entity.name = "\"引号\" \\ 与 <img src=x onerror=alert(1)> \"draws\":null".into();
    r.draws[0].team[0].department = "a\"b".into();
    r.draws[0].team[1].name = "tab\there \u{7f} \u{1f} \u{0} é".into();
    assert_eq!(r.canonical_json(), r.canonical_json_generic());
    // Many draws: written in parts on several cores, joined in order, and
    // hashed in batches of 16,384.
    let one = r.draws.clone();
    r.draws = (0..40_000)
        .map(|i| {
            let mut d = one[i % one.len()].clone();
            d.position = i as u64 + 1;
            d
        })
        .collect();
    let generic = r.canonical_json_generic();
    assert_eq!(r.canonical_json(), generic);
    // The digest hashes the pieces as SPEC §11 hashes the whole.
    use sha2::{Digest, Sha256};
    let tag = b"shuangsui/1/record";
    let mut h = Sha256::new();
    h.update((tag.len() as u64).to_be_bytes());
    h.update(tag);
    h.update((generic.len() as u64).to_be_bytes());
    h.update(generic.as_bytes());
    assert_eq!(r.compute_digest(), crate::hex(&h.finalize()));
    // Read back without the drawn list: the same record otherwise, its
    // digest checked over the draws as they stream past.
    r.record_digest = r.compute_digest();
    let (lean, count) = crate::DrawRecord::read_without_draws(&r.to_json_pretty()).unwrap();
    assert_eq!(count, 40_000);
    let mut stripped = r.clone();
    stripped.draws.clear();
    assert_eq!(lean, stripped);
    // A changed draw, or another protocol, is not a record it can read.
    let mut changed = r.clone();
    changed.draws[39_999].ticket = "0".repeat(64);
    assert!(crate::DrawRecord::read_without_draws(&changed.to_json_pretty()).is_none());
    let mut other = r.clone();
    other.protocol = "shuangsui-draw/0".into();
    other.record_digest = other.compute_digest();
    assert!(crate::DrawRecord::read_without_draws(&other.to_json_pretty()).is_none());
    r.draws.clear();
    assert_eq!(r.canonical_json(), r.canonical_json_generic());
    r.record_digest = r.compute_digest();
    let (lean, count) = crate::DrawRecord::read_without_draws(&r.to_json_pretty()).unwrap();
    assert_eq!((lean, count), (r.clone(), 0));
}
