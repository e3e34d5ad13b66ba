//! What the company owner and the journalist get from the command line:
//! a notice that carries its record, its 落款 and no English words; a
//! verification from the notice alone; and the differences told in words
//! (issue 15).

mod common;

use common::{demo, s, verify, write};
use std::path::Path;

/// The words of 3 or more Latin letters in the Chinese text of a notice,
/// leaving out its style, the command (`<pre>`), the record it carries, and
/// what is a name rather than a word: codes, digests, file names, the
/// tool's and protocol's names, the algorithm's and the standard's names.
fn english_words(html: &str) -> Vec<String> {
    let mut text = html.to_string();
    for (open, close) in [
        ("<style>", "</style>"),
        ("<pre>", "</pre>"),
        ("<script", "</script>"),
    ] {
        while let Some(a) = text.find(open) {
            let b = text[a..]
                .find(close)
                .map_or(text.len(), |b| a + b + close.len());
            text.replace_range(a..b, " ");
        }
    }
    // Tags, with their attributes (class names, the language code).
    let mut plain = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                plain.push(' ');
            }
            c if !in_tag => plain.push(c),
            _ => {}
        }
    }
    let names = ["shuangsui", "SHA-256", "RFC", "SPEC.md"];
    plain
        .split(|c: char| !(c.is_ascii_alphanumeric() || "._-/".contains(c)))
        .filter(|w| w.chars().filter(char::is_ascii_alphabetic).count() >= 3)
        .filter(|w| {
            let name = w.contains('.') || w.contains('/') || w.starts_with("shuangsui");
            let code = w.chars().any(|c| c.is_ascii_digit())
                && w.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
            let hex = w.len() >= 16 && w.chars().all(|c| c.is_ascii_hexdigit());
            !(name || code || hex || names.contains(w))
        })
        .map(str::to_string)
        .collect()
}

fn notice_of(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("notice.html")).unwrap()
}

#[test]
fn the_notice_is_signed_and_chinese() {
    let dir = demo("owner_notice");
    let html = notice_of(&dir);
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("record.json")).unwrap()).unwrap();
    // The 落款: the task's departments, then the draw date in Chinese form.
    let sign = &html[html.find("<p class=\"sign\">").expect("a 落款")..];
    let sign = &sign[..sign.find("</p>").unwrap()];
    for d in record["task"]["departments"].as_array().unwrap() {
        assert!(sign.contains(d.as_str().unwrap()), "{sign}");
    }
    assert!(sign.ends_with("<br>2026年12月1日"), "{sign}");
    assert!(html.contains("公示网址或地点："));
    // Each stratum's key and threshold, and how to check oneself offline.
    for st in record["strata"].as_array().unwrap() {
        assert!(html.contains(st["key"].as_str().unwrap()));
        if let Some(t) = st["threshold"].as_str() {
            assert!(html.contains(t));
        }
    }
    assert!(html.contains("企业自查") && html.contains("shuangsui.html"));
    assert!(html.contains("信用风险等级为 A 的企业"));
    let words = english_words(&html);
    assert!(words.is_empty(), "English words in the notice: {words:?}");
    // The check itself finds English.
    assert_eq!(
        english_words("<p>结果 reproduced（SHA-256，record.json，91652302MA7XXXXXX1）</p>"),
        ["reproduced"]
    );
}

/// An unannounced draw's notice says so, still without English words (its
/// seed's kind once read "lottery:…").
#[test]
fn an_unannounced_notice_has_no_english_words_either() {
    let demo = shuangsui::synth::demo().unwrap();
    let e = shuangsui::EntityDirectory::from_csv(demo.entities_csv.as_bytes(), "e.csv").unwrap();
    let i =
        shuangsui::InspectorDirectory::from_csv(demo.inspectors_csv.as_bytes(), "i.csv").unwrap();
    let t = shuangsui::TaskFile::parse(&demo.task_toml, "task.toml").unwrap();
    let r = shuangsui::draw(&shuangsui::DrawInputs {
        task: &t.task,
        entities: &e,
        inspectors: &i,
        exclusions: &t.exclusions,
        seed: &[shuangsui::SeedSource::parse_unannounced("lottery:3 0 7").unwrap()],
        announcement: shuangsui::Announced::Unannounced,
    })
    .unwrap();
    let html = shuangsui::notice_html(&r);
    assert!(html.contains("本次抽取未经事先公告"));
    let words = english_words(&html);
    assert!(words.is_empty(), "English words in the notice: {words:?}");
}

#[test]
fn the_notice_alone_verifies_as_the_record_does() {
    let dir = demo("owner_verify_notice");
    let r = verify(
        &dir.join("notice.html"),
        &dir.join("entities.csv"),
        &dir.join("inspectors.csv"),
        &["--announcement", &s(&dir.join("announcement.json"))],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.starts_with("reproduced"), "{r:?}");
    assert!(
        r.stdout.contains("yes — the announcement was checked"),
        "{r:?}"
    );
    // A web page without a record: said so, in Chinese first.
    let page = write(
        &dir,
        "page.html",
        "<!DOCTYPE html><html><body>公告</body></html>".as_bytes(),
    );
    let r = verify(
        &page,
        &dir.join("entities.csv"),
        &dir.join("inspectors.csv"),
        &[],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("这是一个网页文件，其中没有抽取记录"),
        "{r:?}"
    );
}

/// The demo's draw made again with another published result.
fn drawn_with(dir: &Path, seed: &str) -> shuangsui::DrawRecord {
    let read = |f: &str| std::fs::read(dir.join(f)).unwrap();
    let e = shuangsui::EntityDirectory::from_csv(&read("entities.csv"), "e.csv").unwrap();
    let i = shuangsui::InspectorDirectory::from_csv(&read("inspectors.csv"), "i.csv").unwrap();
    let t =
        shuangsui::TaskFile::parse(&String::from_utf8(read("task.toml")).unwrap(), "t").unwrap();
    let a =
        shuangsui::Announcement::from_json(&String::from_utf8(read("announcement.json")).unwrap())
            .unwrap();
    shuangsui::draw(&shuangsui::DrawInputs {
        task: &t.task,
        entities: &e,
        inspectors: &i,
        exclusions: &t.exclusions,
        seed: &shuangsui::read_seed(&a, &[seed.to_string()]).unwrap(),
        announcement: shuangsui::Announced::By(&a),
    })
    .unwrap()
}

#[test]
fn a_changed_seed_and_a_hand_edited_record_are_told_in_words() {
    let dir = demo("owner_words");
    let text = std::fs::read_to_string(dir.join("record.json")).unwrap();
    let run = |name: &str, record: &str| {
        let p = write(&dir, name, record.as_bytes());
        let r = verify(
            &p,
            &dir.join("entities.csv"),
            &dir.join("inspectors.csv"),
            &[],
        );
        assert_eq!(r.code, 1, "{r:?}");
        r.stdout
    };
    // The seed changed to another result of the same form, the record's
    // digest computed again.
    let mut record = shuangsui::DrawRecord::from_json(&text).unwrap();
    record.seed.sources[0].value = "3.0.8./".into();
    record.record_digest = record.compute_digest();
    let out = run("seed.json", &record.to_json_pretty());
    assert!(
        out.contains("第一处差异：记录中的随机种子（3 0 8）与记录中的种子摘要不符"),
        "{out}"
    );
    // Seed digest computed again too: the draw key gives it away.
    let mut seed = record.clone();
    seed.seed.digest = drawn_with(&dir, "3 0 8").seed.digest;
    seed.record_digest = seed.compute_digest();
    let out = run("key.json", &seed.to_json_pretty());
    assert!(
        out.contains("记录中的抽取密钥与按记录中的输入重算的不符"),
        "{out}"
    );
    // A seed in another form than announced.
    let mut form = shuangsui::DrawRecord::from_json(&text).unwrap();
    form.seed.sources[0].value = "3 0 7".into();
    form.record_digest = form.compute_digest();
    let out = run("form.json", &form.to_json_pretty());
    assert!(
        out.contains("记录中的随机种子与公告的种子写法不符"),
        "{out}"
    );
    // Edited by hand, digest left: what was changed, from the re-run.
    let edited = text.replacen("有限公司\"", "有限公司（改）\"", 1);
    assert_ne!(edited, text);
    let out = run("edited.json", &edited);
    assert!(out.contains("抽取记录在生成后被改动过"), "{out}");
    assert!(out.contains("（改）"), "{out}");
    assert!(
        out.contains("记录中写明的记录摘要正是重新抽取所得的摘要"),
        "{out}"
    );
    // A directory with a row changed.
    let entities = std::fs::read_to_string(dir.join("entities.csv")).unwrap();
    let changed = write(
        &dir,
        "entities-changed.csv",
        entities.replacen("有限公司", "有限责任公司", 1).as_bytes(),
    );
    let r = verify(
        &dir.join("record.json"),
        &changed,
        &dir.join("inspectors.csv"),
        &[],
    );
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stdout.contains(
            "您提供的检查对象名录库不是抽取时所用的那一份：行数相同，但至少有一行内容不同"
        ),
        "{r:?}"
    );
}
