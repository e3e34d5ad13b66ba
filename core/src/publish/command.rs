//! The `shuangsui verify` command line that the outputs show, so that
//! anyone can check a draw by re-running it (SPEC.md §13.1): the notice,
//! the workbook, the command line's own report and the web page spell it
//! here, once, with the same flags and the same quoting.

use crate::record::DrawRecord;
use serde::{Deserialize, Serialize};

/// How the directories are read, as the command line's flags (SPEC §3.0,
/// §5.3): `--map-entities HEADER=FIELD` and its siblings, `--encoding`,
/// `--sheet`. Shown (`to_string`) as the flags, each argument
/// shell-quoted where it needs to be; empty when the files are read the
/// default way.
///
/// # Example
/// ```
/// let flags = shuangsui::ReadingFlags {
///     entities: vec![("纳税人识别号".into(), "统一社会信用代码".into())],
///     sheet: "名录 2026".into(),
///     ..Default::default()
/// };
/// assert_eq!(flags.to_string(), "--map-entities 纳税人识别号=统一社会信用代码 --sheet '名录 2026'");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReadingFlags {
    /// `--map-entities`: `(header in the file, field)`.
    pub entities: Vec<(String, String)>,
    /// `--map-inspectors`.
    pub inspectors: Vec<(String, String)>,
    /// `--map-exclusions`.
    pub exclusions: Vec<(String, String)>,
    /// `--encoding` (`utf-8`, `gbk`); empty or `auto`: detected, no flag.
    pub encoding: String,
    /// `--sheet`: the worksheet of a workbook; empty: the first, no flag.
    pub sheet: String,
}

impl ReadingFlags {
    /// The flags, each argument shell-quoted where it needs to be, joined
    /// by spaces; empty when the files are read the default way.
    ///
    /// # Example
    /// ```
    /// let flags = shuangsui::ReadingFlags {
    ///     entities: vec![("纳税人识别号".into(), "统一社会信用代码".into())],
    ///     sheet: "名录 2026".into(),
    ///     ..Default::default()
    /// };
    /// assert_eq!(flags.to_string(), "--map-entities 纳税人识别号=统一社会信用代码 --sheet '名录 2026'");
    /// ```
    fn push_args(&self, out: &mut Vec<String>) {
        for (flag, maps) in [
            ("--map-entities", &self.entities),
            ("--map-inspectors", &self.inspectors),
            ("--map-exclusions", &self.exclusions),
        ] {
            for (header, field) in maps {
                out.push(flag.into());
                out.push(format!("{header}={field}"));
            }
        }
        let encoding = self.encoding.trim();
        if !encoding.is_empty() && encoding != "auto" {
            out.push("--encoding".into());
            out.push(encoding.into());
        }
        if !self.sheet.is_empty() {
            out.push("--sheet".into());
            out.push(self.sheet.clone());
        }
    }
}

impl std::fmt::Display for ReadingFlags {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut args = Vec::new();
        self.push_args(&mut args);
        f.write_str(&shell_words(&args))
    }
}

/// A `shuangsui verify` command line: the files by the names the reader
/// has them under, and how they are read. Shown (`to_string`) as the
/// command line, each argument shell-quoted where it needs to be.
///
/// # Example
/// ```
/// let c = shuangsui::VerifyCommand {
///     record: "out/record.json".into(),
///     entities: "名录.csv".into(),
///     inspectors: "人员 名录.xlsx".into(),
///     announcement: Some("announcement.json".into()),
///     ..Default::default()
/// };
/// assert_eq!(c.to_string(), "shuangsui verify out/record.json --entities 名录.csv --inspectors '人员 名录.xlsx' --announcement announcement.json");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VerifyCommand {
    /// The draw record (`record.json`).
    pub record: String,
    /// The entity directory (`--entities`).
    pub entities: String,
    /// The inspector directory (`--inspectors`).
    pub inspectors: String,
    /// The exclusion lists (`--exclude`, one flag each).
    pub exclusions: Vec<String>,
    /// The announcement (`--announcement`), if the draw was announced.
    pub announcement: Option<String>,
    /// How the files are read.
    pub reading: ReadingFlags,
}

impl VerifyCommand {
    /// The command for a published record under the names the outputs use
    /// (`record.json`, `entities.csv`, `inspectors.csv`, `exclusions.csv`
    /// when the draw excluded entities, `announcement.json` when it was
    /// announced), all in `dir` (empty: the current directory).
    pub fn for_record(record: &DrawRecord, dir: &str) -> VerifyCommand {
        let at = |f: &str| {
            if dir.is_empty() {
                f.to_string()
            } else {
                format!("{}/{f}", dir.trim_end_matches('/'))
            }
        };
        VerifyCommand {
            record: at("record.json"),
            entities: at("entities.csv"),
            inspectors: at("inspectors.csv"),
            exclusions: if record.exclusions.count > 0 {
                vec![at("exclusions.csv")]
            } else {
                Vec::new()
            },
            announcement: record
                .announcement_digest
                .as_ref()
                .map(|_| at("announcement.json")),
            reading: ReadingFlags::default(),
        }
    }
}

impl std::fmt::Display for VerifyCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut args: Vec<String> = vec![
            "shuangsui".into(),
            "verify".into(),
            self.record.clone(),
            "--entities".into(),
            self.entities.clone(),
            "--inspectors".into(),
            self.inspectors.clone(),
        ];
        for x in &self.exclusions {
            args.push("--exclude".into());
            args.push(x.clone());
        }
        if let Some(a) = &self.announcement {
            args.push("--announcement".into());
            args.push(a.clone());
        }
        self.reading.push_args(&mut args);
        f.write_str(&shell_words(&args))
    }
}

/// Arguments joined by spaces, each in single quotes unless it is made of
/// letters (any script), digits and `_ . / : @ % + , = -` only, so that a
/// POSIX shell gives the program exactly these arguments.
fn shell_words(args: &[String]) -> String {
    let quoted: Vec<String> = args
        .iter()
        .map(|a| {
            let plain = !a.is_empty()
                && a.chars()
                    .all(|c| c.is_alphanumeric() || "_./:@%+,=-".contains(c));
            if plain {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', "'\\''"))
            }
        })
        .collect();
    quoted.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_quoted_only_when_a_shell_would_split_them() {
        let words = |a: &[&str]| shell_words(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            words(&["a/b.csv", "C:/x", "统一社会信用代码=id"]),
            "a/b.csv C:/x 统一社会信用代码=id"
        );
        assert_eq!(words(&["two words"]), "'two words'");
        assert_eq!(words(&["it's"]), "'it'\\''s'");
        assert_eq!(words(&["$HOME", "a;b", "*", ""]), "'$HOME' 'a;b' '*' ''");
    }

    #[test]
    fn the_command_names_every_input_and_reading_flag() {
        let c = VerifyCommand {
            record: "record.json".into(),
            entities: "e.csv".into(),
            inspectors: "i.csv".into(),
            exclusions: vec!["x1.csv".into(), "x2.csv".into()],
            announcement: Some("a.json".into()),
            reading: ReadingFlags {
                entities: vec![("税号".into(), "id".into())],
                inspectors: vec![("证号".into(), "执法证号".into())],
                exclusions: vec![("代码".into(), "id".into())],
                encoding: "gbk".into(),
                sheet: "Sheet 1".into(),
            },
        };
        assert_eq!(
            c.to_string(),
            "shuangsui verify record.json --entities e.csv --inspectors i.csv --exclude x1.csv --exclude x2.csv --announcement a.json --map-entities 税号=id --map-inspectors 证号=执法证号 --map-exclusions 代码=id --encoding gbk --sheet 'Sheet 1'"
        );
        // The default reading adds nothing.
        let flags = ReadingFlags {
            encoding: "auto".into(),
            ..Default::default()
        };
        assert_eq!(flags.to_string(), "");
    }

    #[test]
    fn a_records_command_names_the_files_it_needs() {
        let mut record = crate::synth::demo().unwrap().record;
        assert!(record.announcement_digest.is_some());
        assert_eq!(
            VerifyCommand::for_record(&record, "demo/").to_string(),
            "shuangsui verify demo/record.json --entities demo/entities.csv --inspectors demo/inspectors.csv --announcement demo/announcement.json"
        );
        record.announcement_digest = None;
        record.exclusions.count = 2;
        assert_eq!(
            VerifyCommand::for_record(&record, "").to_string(),
            "shuangsui verify record.json --entities entities.csv --inspectors inspectors.csv --exclude exclusions.csv"
        );
    }
}
