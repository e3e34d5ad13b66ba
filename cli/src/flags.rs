//! The command line as typed: the whole clap definition, and nothing else.
//! What each command does lives in `commands.rs`; the rules live in the
//! `shuangsui` core crate.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const EXIT_CODES: &str = "\
Exit codes:
  0  done; for `verify`: the record was reproduced exactly
  1  a check failed: `verify` found a difference (it names the first one)
  2  usage or input error: a wrong flag, a missing or malformed file, a
     task that breaks a rule, inputs that differ from the announcement

Errors go to stderr as `error: FILE, row N, column \"X\": what is wrong and
what to do`; with --format json, stdout holds one JSON document and errors
are one JSON object on stderr.

The protocol is specified in SPEC.md (shuangsui-draw/1); anyone can re-run a
draw from it without this program.";

/// shuangsui — verifiable double-random inspection draws (双随机、一公开).
///
/// Draws market entities (检查对象) and inspector teams (执法检查人员) from
/// a published seed (随机种子), so that anyone holding the seed, the task
/// and the two directories (名录库) can re-run the draw and get the same
/// record (抽取记录).
///
/// A draw in four steps: `announce` the task and the digests of the
/// directories before the seed exists; `draw` with the published seed;
/// publish record.json, result.csv and notice.html; anyone can `verify`.
/// Try `shuangsui demo` first.
#[derive(Debug, Parser)]
#[command(name = "shuangsui", version, after_long_help = EXIT_CODES, after_help = "Exit codes: 0 ok, 1 a check failed (verify found a difference), 2 usage or input error. More with --help.")]
pub struct Cli {
    /// Output format on stdout: `text` for people, `json` for programs.
    #[arg(long, value_enum, default_value_t = Format::Text, global = true)]
    pub format: Format,

    #[command(subcommand)]
    pub command: Command,
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable text.
    Text,
    /// One JSON document on stdout.
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the whole job on built-in sample data (演示): announce, draw, verify.
    ///
    /// Makes a fictional directory of 阜康市 (300 market entities 市场主体
    /// with valid 统一社会信用代码, 24 inspectors 执法检查人员 in three
    /// departments 部门), a task with credit-class strata (信用风险等级 分层),
    /// announces it, draws with the 福彩3D numbers `3 0 7`, verifies the
    /// record and prints the drawn entities with their teams (检查组).
    #[command(after_long_help = EXIT_CODES)]
    Demo(DemoArgs),
    /// Write a synthetic directory (模拟名录库) as CSV, deterministic for a seed.
    ///
    /// Entities get valid 统一社会信用代码 (GB 32100 and GB 11714 check
    /// characters), Chinese names, credit classes A–D (30/50/15/5%), areas
    /// (所属区域) of 阜康市, industries (行业) and entity types (企业类型).
    /// Inspectors get 执法证号, departments, enforcement fields (执法领域),
    /// status (状态) and certificate expiry (有效期). Fast enough for 10
    /// million rows.
    #[command(after_long_help = EXIT_CODES)]
    Gen(GenArgs),
    /// Print the row count and canonical digest (摘要) of a directory or exclusion list.
    #[command(after_long_help = EXIT_CODES)]
    Digest(DigestArgs),
    /// Make the announcement (抽查公告) published before the seed exists.
    ///
    /// It commits to the task (抽查任务) and to the digests of both
    /// directories and the exclusion list (排除名单), and names where the
    /// seed will come from, so that nothing can be changed once the seed
    /// is known.
    #[command(after_long_help = EXIT_CODES)]
    Announce(AnnounceArgs),
    /// Make the draw (抽取) and write record.json, result.csv and notice.html.
    ///
    /// record.json is the draw record (抽取记录) anyone can verify;
    /// result.csv is the result table (抽查结果) for Excel; notice.html is
    /// the printable public notice (抽查结果公告). Refuses to overwrite
    /// existing files unless --force.
    #[command(after_long_help = EXIT_CODES)]
    Draw(DrawArgs),
    /// Re-run a published draw and compare (核验): exit 0 when reproduced, 1 when not.
    ///
    /// Recomputes the record's digest, the digests of the directories you
    /// give, and the whole draw from the recorded task and seed; names the
    /// first difference in plain words.
    #[command(after_long_help = EXIT_CODES)]
    Verify(VerifyArgs),
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Also write every input and output file into this folder (entities.csv,
    /// inspectors.csv, task.toml, announcement.json, record.json, result.csv,
    /// notice.html).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Overwrite files that already exist in --out.
    #[arg(long)]
    pub force: bool,
}

/// Which synthetic directory to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GenKind {
    /// Market entities (检查对象名录库).
    Entities,
    /// Inspectors (执法检查人员名录库).
    Inspectors,
}

#[derive(Debug, Args)]
pub struct GenArgs {
    /// What to generate.
    #[arg(value_enum)]
    pub kind: GenKind,
    /// Number of rows.
    #[arg(long, value_name = "N")]
    pub count: u64,
    /// Any text; the same seed (and count) gives the same file, byte for byte.
    #[arg(long, value_name = "S", default_value = "1")]
    pub seed: String,
    /// Write to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Overwrite --out if it exists.
    #[arg(long)]
    pub force: bool,
}

/// What kind of file to digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DigestKind {
    /// An entity directory (检查对象名录库).
    Entities,
    /// An inspector directory (执法检查人员名录库).
    Inspectors,
    /// An exclusion list (排除名单).
    Exclusions,
}

#[derive(Debug, Args)]
pub struct DigestArgs {
    /// What the file holds.
    #[arg(value_enum)]
    pub kind: DigestKind,
    /// The CSV file (UTF-8, with or without BOM).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// The inputs shared by `announce` and `draw`.
#[derive(Debug, Args)]
pub struct DrawFiles {
    /// The task file (抽查任务), TOML (see SPEC.md §5.3).
    #[arg(long, value_name = "FILE")]
    pub task: PathBuf,
    /// The entity directory (检查对象名录库), CSV.
    #[arg(long, value_name = "FILE")]
    pub entities: PathBuf,
    /// The inspector directory (执法检查人员名录库), CSV.
    #[arg(long, value_name = "FILE")]
    pub inspectors: PathBuf,
    /// An exclusion list (排除名单), CSV with a 统一社会信用代码 column;
    /// repeat for several. United with the task's inline `exclusions`.
    #[arg(long = "exclude", value_name = "FILE")]
    pub exclude: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AnnounceArgs {
    #[command(flatten)]
    pub files: DrawFiles,
    /// Where the seed will come from (随机种子来源), in words, e.g.
    /// "福彩3D 第2026318期开奖号码"; repeat for several sources, in order.
    #[arg(long = "seed-source", value_name = "TEXT", required = true)]
    pub seed_source: Vec<String>,
    /// The announcement file to write (JSON).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Overwrite --out if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct DrawArgs {
    #[command(flatten)]
    pub files: DrawFiles,
    /// A published seed source (随机种子) as `kind:value`: `lottery:3 0 7`,
    /// `lottery-unordered:21 03 11`, `beacon:8f3a…`, or `text:…` (the
    /// default kind). Repeat for several sources, in the announced order.
    #[arg(long, value_name = "S", required = true, allow_hyphen_values = true)]
    pub seed: Vec<String>,
    /// The announcement (抽查公告) the inputs must match; its seed source
    /// descriptions are recorded.
    #[arg(long, value_name = "FILE")]
    pub announcement: Option<PathBuf>,
    /// Folder to write record.json, result.csv and notice.html into
    /// (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Overwrite those files if they exist.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The draw record (抽取记录), record.json.
    #[arg(value_name = "RECORD")]
    pub record: PathBuf,
    /// The entity directory (检查对象名录库) the draw used.
    #[arg(long, value_name = "FILE")]
    pub entities: PathBuf,
    /// The inspector directory (执法检查人员名录库) the draw used.
    #[arg(long, value_name = "FILE")]
    pub inspectors: PathBuf,
    /// The exclusion list(s) (排除名单) the draw used, including the
    /// task's inline exclusions; repeat for several.
    #[arg(long = "exclude", value_name = "FILE")]
    pub exclude: Vec<PathBuf>,
}
