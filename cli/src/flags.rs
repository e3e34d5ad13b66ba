//! The command line as typed: the whole clap definition, and nothing else.
//! What each command does lives in `commands.rs`; the rules live in the
//! `shuangsui` core crate.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const EXIT_CODES: &str = "\
Exit codes:
  0  done; for `verify`: the record was reproduced exactly; for `ledger`:
     no case is overdue
  1  a check failed: `verify` found a difference (it names the first one);
     `ledger` found an overdue case (逾期未公示), so a daily scheduled job
     can alert on it
  2  usage or input error: a wrong flag, a missing or malformed file, a
     task that breaks a rule, inputs that differ from the announcement, a
     date in a year the working-day calendar does not cover
  3  `plan draw` only: at least one task of the batch failed (an infeasible
     team, a quota larger than its stratum); it is named on stderr, and
     every other task's outputs and the batch's visit list were written

Errors go to stderr in Chinese, then in English: `错误：FILE，第 N 行，“X”列：…`
then `error: FILE, row N, column \"X\": what is wrong and what to do`; with --format json, stdout holds one JSON document and errors
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
#[command(name = "shuangsui", version, after_long_help = EXIT_CODES, after_help = "Exit codes: 0 ok, 1 a check failed (verify found a difference, ledger found an overdue case), 2 usage or input error, 3 a task of a `plan draw` batch failed. More with --help.")]
pub struct Cli {
    /// Output format on stdout: `text` for people, `json` for programs;
    /// `ledger` also writes `csv` and `xlsx` (`table` is another name for
    /// `text`).
    #[arg(long, value_enum, default_value_t = Format::Text, global = true)]
    pub format: Format,

    #[command(subcommand)]
    pub command: Command,
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable text (for `ledger`: a table, coloured on a terminal).
    #[value(alias = "table")]
    Text,
    /// One JSON document on stdout.
    Json,
    /// `ledger` only: the ledger with the report's columns added, as CSV.
    Csv,
    /// `ledger` only: the report as an Excel workbook; needs --out.
    Xlsx,
}

impl Cli {
    /// The checks clap cannot express: `--format csv|xlsx` belongs to
    /// `ledger` alone, and `xlsx` needs a file to write to.
    ///
    /// # Errors
    /// A clap usage error (exit 2) naming the conflict.
    pub fn validate(&self) -> Result<(), clap::Error> {
        use clap::CommandFactory;
        let ledger = match &self.command {
            Command::Ledger(l) => Some(l),
            _ => None,
        };
        let name = match self.format {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            _ => return Ok(()),
        };
        match ledger {
            None => Err(Cli::command().error(
                clap::error::ErrorKind::ArgumentConflict,
                format!(
                    "--format {name} is only for `shuangsui ledger`; use --format text or json"
                ),
            )),
            Some(l) if self.format == Format::Xlsx && l.out.is_none() => Err(Cli::command().error(
                clap::error::ErrorKind::MissingRequiredArgument,
                "--format xlsx writes a workbook: give the file with --out FILE.xlsx",
            )),
            Some(_) => Ok(()),
        }
    }
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
    /// Make the draw (抽取) and write record.json, result.csv, result.xlsx and notice.html.
    ///
    /// record.json is the draw record (抽取记录) anyone can verify;
    /// result.csv and result.xlsx are the result table (抽查结果) for Excel,
    /// the workbook made for printing; notice.html is
    /// the printable public notice (抽查结果公告). Refuses to overwrite
    /// existing files unless --force.
    #[command(after_long_help = EXIT_CODES)]
    Draw(DrawArgs),
    /// Re-run a published draw and compare (核验): exit 0 when reproduced, 1 when not.
    ///
    /// Recomputes the record's digest, the digests of the directories you
    /// give, and the whole draw from the recorded task and seed; names the
    /// first difference in plain words.
    ///
    /// The directories are read accepting invalid codes (listed as
    /// warnings): the record must be reproduced with whatever its draw
    /// accepted. Column mappings are not part of the record: give the same
    /// --map-* flags (or the task's `[columns.*]` as flags) the draw used.
    #[command(after_long_help = EXIT_CODES)]
    Verify(VerifyArgs),
    /// Plans (年度抽查计划) of batches (批次) of tasks: announce, draw and verify a batch at once.
    ///
    /// A plan file (TOML, SPEC.md §17) names the plan, its batches — each
    /// with its own draw date and seed — and each batch's tasks (the keys
    /// of a task file), over shared or per-task directories. Each task is
    /// an ordinary draw whose record verifies alone with `shuangsui
    /// verify`; each batch gets one announcement and a visit list (检查安排)
    /// in which an entity drawn by several tasks gets one joint visit.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// The due date of a publication period (公示期限) on the official working-day calendar.
    ///
    /// Counts the way Chinese law does (民法典 第二百零一条、第二百零三条):
    /// the start day is not counted; N working days (个工作日) end on the
    /// Nth working day after it, skipping weekends and holidays and counting
    /// make-up working days (调休上班); N days (日) end N days later, moved
    /// to the next working day when that is a day off. An act on the due
    /// date is in time. Prints the days off skipped on the way, with their
    /// names, and the rule's legal basis. `shuangsui rules` lists the rules.
    #[command(after_long_help = CALENDAR_HELP)]
    Deadline(DeadlineArgs),
    /// List the named deadline rules (期限规则) with their periods and legal basis.
    #[command(after_long_help = CALENDAR_HELP)]
    Rules,
    /// Check a case ledger (台账): each case's due date and whether it was published in time.
    ///
    /// The ledger is a table (CSV in UTF-8 or GBK, or an Excel workbook)
    /// with one case a row: 案件编号, 当事人, 决定日期, 生效日期, 公示日期
    /// (empty while unpublished) and optionally 规则 (default 处罚结果公示,
    /// 7 working days from the effective date). Each case gets its due date
    /// and status — 逾期未公示 overdue, 数据有误 a bad row, 待补日历 waiting
    /// for next year's holiday notice, 待公示 pending, 逾期公示 published
    /// late, 按时公示 on time — most urgent first, with the working days
    /// late or left. Other columns pass through untouched;
    /// the ledger file is never modified.
    ///
    /// Exits 1 when any case is overdue, so a daily scheduled job (cron,
    /// 计划任务) can alert: `shuangsui ledger 台账.xlsx || notify …`. Rows
    /// that cannot be checked are listed on stderr as warnings.
    #[command(after_long_help = CALENDAR_HELP)]
    Ledger(LedgerArgs),
    /// Print the working-day calendar (工作日历) of a year or month, marking days off and make-up working days.
    ///
    /// Days off by a holiday notice are marked 休, weekend days made working
    /// days (调休上班) 班; each month lists its holidays by name. Colour is
    /// added only when stdout is a terminal (and NO_COLOR is not set).
    #[command(after_long_help = CALENDAR_HELP)]
    Calendar(CalendarArgs),
}

const CALENDAR_HELP: &str = "\
The calendar ships the State Council's holiday notices (国务院办公厅关于部分节假日安排的通知)
of 2018–2026 and Xinjiang's 肉孜节/古尔邦节 of the years it knows. A date in a
year it does not cover is an error (exit 2) that names the year, never a
weekends-only guess: supply the year as a calendar file with --calendar
(`# covers: 2027`, then `date,kind,name,notice` rows, one per day off and per
make-up working day; see SPEC.md §16). `shuangsui calendar import NOTICE`
makes that file from the text of the notice itself.

Exit codes:
  0  done; for `ledger`: no case is overdue
  1  `ledger` only: at least one case is overdue (逾期未公示)
  2  usage or input error: a wrong flag, a missing or malformed file, a
     date in a year the calendar does not cover";

/// How the input tables are read: encoding and worksheet.
#[derive(Debug, Args)]
pub struct ReadFlags {
    /// Text encoding of CSV inputs: `auto` (UTF-8 when the file is valid
    /// UTF-8, else GBK/GB18030 as Chinese Excel saves "CSV (逗号分隔)"),
    /// `utf-8` or `gbk`.
    #[arg(long, value_name = "auto|utf-8|gbk", default_value = "auto")]
    pub encoding: String,
    /// The worksheet to read from Excel workbooks (.xlsx, .xls); the first
    /// sheet when not given. CSV inputs ignore it.
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
}

/// Column mappings for the inputs of `announce`, `draw` and `verify`.
#[derive(Debug, Args)]
pub struct MapFlags {
    /// Read an unusual header of the entity directory as a field, e.g.
    /// `--map-entities 纳税人识别号=统一社会信用代码` or `监管片区=所属区域`;
    /// repeat for several. Adds to the task file's `[columns.entities]`.
    #[arg(long = "map-entities", value_name = "HEADER=FIELD")]
    pub map_entities: Vec<String>,
    /// The same for the inspector directory, e.g. `--map-inspectors 工号=执法证号`.
    /// Adds to `[columns.inspectors]`.
    #[arg(long = "map-inspectors", value_name = "HEADER=FIELD")]
    pub map_inspectors: Vec<String>,
    /// The same for the exclusion lists. Adds to `[columns.exclusions]`.
    #[arg(long = "map-exclusions", value_name = "HEADER=FIELD")]
    pub map_exclusions: Vec<String>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Also write every input and output file into this folder (entities.csv,
    /// inspectors.csv, task.toml, announcement.json, record.json, result.csv,
    /// result.xlsx, notice.html).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Overwrite files that already exist in --out.
    #[arg(long)]
    pub force: bool,
    /// Run the demo's plan (年度抽查计划) instead: three tasks of two
    /// departments in two batches, each batch announced, drawn with its
    /// own seed and verified, with joint visits (联合检查) for entities two
    /// tasks drew. With --out, the plan, the directories and each batch's
    /// folders are kept there.
    #[arg(long)]
    pub plan: bool,
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
    /// The file: CSV (UTF-8 or GBK, comma or tab) or an Excel workbook.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub read: ReadFlags,
    /// Read an unusual header as a field, e.g. `--map 纳税人识别号=统一社会信用代码`;
    /// repeat for several.
    #[arg(long, value_name = "HEADER=FIELD")]
    pub map: Vec<String>,
    /// Read the file as this task (抽查任务) does: its `invalid_codes` and
    /// its `[columns.*]` mappings for the file's kind (--map adds to them),
    /// so the digest is the one `announce` will commit to.
    #[arg(long, value_name = "FILE")]
    pub task: Option<PathBuf>,
}

/// The inputs shared by `announce` and `draw`.
#[derive(Debug, Args)]
pub struct DrawFiles {
    /// The task file (抽查任务), TOML (see SPEC.md §5.3). Its
    /// `invalid_codes` and `[columns.*]` say how the directories are read.
    #[arg(long, value_name = "FILE")]
    pub task: PathBuf,
    /// The entity directory (检查对象名录库): CSV (UTF-8 or GBK) or Excel.
    #[arg(long, value_name = "FILE")]
    pub entities: PathBuf,
    /// The inspector directory (执法检查人员名录库): CSV or Excel.
    #[arg(long, value_name = "FILE")]
    pub inspectors: PathBuf,
    /// An exclusion list (排除名单) with a 统一社会信用代码 column, CSV or
    /// Excel; repeat for several. United with the task's inline `exclusions`.
    #[arg(long = "exclude", value_name = "FILE")]
    pub exclude: Vec<PathBuf>,
    #[command(flatten)]
    pub read: ReadFlags,
    #[command(flatten)]
    pub map: MapFlags,
}

#[derive(Debug, Args)]
pub struct AnnounceArgs {
    #[command(flatten)]
    pub files: DrawFiles,
    /// The day the announcement is published (发布日期), YYYY-MM-DD; by
    /// default today in China (UTC+8). The seed sources (the task file's
    /// [[seed]] tables) must be dated on or after it.
    #[arg(long, value_name = "DATE")]
    pub published: Option<String>,
    /// The announcement file to write (JSON); a printable page (抽查公告,
    /// HTML) is written beside it with the same name and .html.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Overwrite --out if it exists.
    #[arg(long)]
    pub force: bool,
    /// Announce even though the pre-flight (预检) found warnings — a
    /// stratum that matches nobody, entities no stratum takes, a misspelt
    /// department, a 回避 pair naming someone in neither directory — once
    /// you have checked each of them. Errors always refuse.
    #[arg(long)]
    pub accept_warnings: bool,
}

#[derive(Debug, Args)]
pub struct DrawArgs {
    #[command(flatten)]
    pub files: DrawFiles,
    /// The published seed (随机种子), one per announced source in the
    /// announced order, written as published: `--seed "3 0 7"` for 福彩3D,
    /// `--seed "03 09 12 20 27 33 + 07"` for 双色球, the hex of a beacon,
    /// the text read out. With --unannounced: `kind:value`
    /// (`lottery:3 0 7`, `beacon:8f3a…`, `text:…`).
    #[arg(long, value_name = "S", required = true, allow_hyphen_values = true)]
    pub seed: Vec<String>,
    /// The announcement (抽查公告) published before the seed: the inputs
    /// must match it and each seed is read under its announced form.
    #[arg(long, value_name = "FILE", conflicts_with = "unannounced")]
    pub announcement: Option<PathBuf>,
    /// Draw without an announcement. The record, the notice and every
    /// verification then say "本次抽取未经事先公告": nothing shows that the
    /// inputs or the seed's form were fixed before the seed was known.
    #[arg(long)]
    pub unannounced: bool,
    /// Folder to write record.json, result.csv, result.xlsx and notice.html
    /// into (created if missing).
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
    /// The announcement (抽查公告) published before the seed: checks that the
    /// draw's inputs and seed form are the ones it fixed (SPEC.md §13 step 5).
    #[arg(long, value_name = "FILE")]
    pub announcement: Option<PathBuf>,
    /// Exit 1 unless the inputs are shown to be fixed before the seed (an
    /// announced draw, verified with its announcement): for auditors and
    /// scripts.
    #[arg(long)]
    pub require_announcement: bool,
    #[command(flatten)]
    pub read: ReadFlags,
    #[command(flatten)]
    pub map: MapFlags,
}

/// The working-day calendar to use.
#[derive(Debug, Args)]
pub struct CalendarFlags {
    /// A region whose own holidays are added (地方节假日): `xinjiang`
    /// (新疆维吾尔自治区: 肉孜节, 古尔邦节); `ningxia`, `xizang`, `guangxi`
    /// with a --calendar file that supplies their dates.
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// A calendar file laid over the shipped one (next year's notice before
    /// it ships, a local change): `# covers: YEAR` then
    /// `date,kind,name,notice` rows with kind `off` or `work` (SPEC.md
    /// §16). Repeat for several; later files win.
    #[arg(long = "calendar", value_name = "FILE")]
    pub calendar: Vec<PathBuf>,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("period").required(true).args(["working_days", "days", "rule"])))]
pub struct DeadlineArgs {
    /// The day the period runs from (not counted), e.g. the day a penalty
    /// decision took effect: 2026-09-28, 2026/9/28 or 2026年9月28日.
    #[arg(long, value_name = "DATE")]
    pub start: String,
    /// N working days (N个工作日).
    #[arg(long, value_name = "N")]
    pub working_days: Option<u32>,
    /// N days (N日, 自然日); the end moves to the next working day when it
    /// is a day off.
    #[arg(long, value_name = "N")]
    pub days: Option<u32>,
    /// A named rule (`shuangsui rules` lists them), by id or Chinese name,
    /// e.g. `处罚结果公示` or `penalty-publicity`; or a period such as
    /// `7wd`, `7个工作日`, `30d`, `30日`.
    #[arg(long, value_name = "NAME")]
    pub rule: Option<String>,
    #[command(flatten)]
    pub calendar: CalendarFlags,
}

#[derive(Debug, Args)]
pub struct LedgerArgs {
    /// The ledger (台账): a case ledger, or the results ledger a draw wrote
    /// (台账.xlsx / 台账.csv); CSV (UTF-8 or GBK) or an Excel workbook.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The day to check on; default: today's date in China (Asia/Shanghai,
    /// UTC+8) from the system clock.
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
    /// The rule of rows whose 规则 cell is empty (default 处罚结果公示).
    #[arg(long, value_name = "NAME")]
    pub rule: Option<String>,
    #[command(flatten)]
    pub calendar: CalendarFlags,
    #[command(flatten)]
    pub read: ReadFlags,
    /// Write the report (in --format) to this file instead of stdout; a
    /// summary goes to stdout. Required for --format xlsx.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Overwrite --out if it exists (the ledger itself is never written).
    #[arg(long)]
    pub force: bool,
    /// The draw's record (record.json, or notice.html which carries it):
    /// a results ledger (台账.xlsx from `draw`) is checked against it —
    /// every drawn entity present once, none added, the teams unchanged.
    #[arg(long, value_name = "RECORD")]
    pub record: Option<PathBuf>,
    /// For a results ledger with --format csv: the figures (统计) instead of
    /// the rows.
    #[arg(long)]
    pub figures: bool,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct CalendarArgs {
    /// `calendar status` or `calendar import`; without one, the grids of YEAR.
    #[command(subcommand)]
    pub action: Option<CalendarAction>,
    /// The year, e.g. 2026.
    #[arg(value_name = "YEAR", required = true)]
    pub year: Option<i32>,
    /// Only this month (1–12).
    #[arg(long, value_name = "M", value_parser = clap::value_parser!(u32).range(1..=12))]
    pub month: Option<u32>,
    #[command(flatten)]
    pub calendar: CalendarFlags,
}

/// `shuangsui calendar status` and `shuangsui calendar import`.
#[derive(Debug, Subcommand)]
pub enum CalendarAction {
    /// The years the calendar covers, layer by layer (national, each
    /// region with data, the --calendar files), with the notice each year
    /// comes from; from 1 November of the last covered year it says that
    /// next year's notice should be imported.
    ///
    /// Exits 0 whatever it says: a scheduled job reads its notes (with
    /// `--format json`, the `notes` list).
    #[command(after_long_help = CALENDAR_HELP)]
    Status(CalendarStatusArgs),
    /// Read the text of a holiday notice (节假日安排通知) into a calendar file.
    ///
    /// NOTICE is a text file (UTF-8) holding the notice as published —
    /// 国务院办公厅关于YYYY年部分节假日安排的通知 with its 文号, items and 落款
    /// date — or `-` to read pasted text from stdin. Amendments of the same
    /// year (关于调整…/关于延长…) follow it as further NOTICE files. A
    /// regional notice (新疆维吾尔自治区人民政府办公厅) gives a `# region:` file.
    /// The months it touches are printed as grids to check against the
    /// notice by eye. A text that is not read completely is refused and
    /// nothing is written. Without --out the calendar file goes to stdout;
    /// use it with `--calendar FILE` on `deadline`, `ledger` and `calendar`.
    #[command(after_long_help = CALENDAR_HELP)]
    Import(CalendarImportArgs),
}

#[derive(Debug, Args)]
pub struct CalendarImportArgs {
    /// The notice's text file (or `-` for stdin), then its amendments.
    #[arg(value_name = "NOTICE", required = true, num_args = 1..)]
    pub notices: Vec<PathBuf>,
    /// Write the calendar file here (written whole or not at all); the
    /// grids and the summary go to stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Overwrite --out if it exists.
    #[arg(long)]
    pub force: bool,
}

/// `shuangsui plan …`.
#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Announce one batch (批次抽查公告) before its seed exists.
    ///
    /// Writes into --out: announcement.json (the batch announcement, to
    /// publish), announcement.html (it, printable) and one folder per task with that task's own
    /// announcement.json and printable announcement.html.
    #[command(after_long_help = EXIT_CODES)]
    Announce(PlanAnnounceArgs),
    /// Draw one batch with its published seed.
    ///
    /// Writes into --out: the batch announcement, batch.json (the batch
    /// record with the visit list), visits.csv, visits.xlsx and visits.html
    /// (检查安排),
    /// and one folder per task with its record.json, result.csv,
    /// result.xlsx, notice.html and announcement.json (or error.txt when
    /// the task failed; exit code 3).
    #[command(after_long_help = EXIT_CODES)]
    Draw(PlanDrawArgs),
    /// Verify one drawn batch: every task's record, and the visit list.
    #[command(after_long_help = EXIT_CODES)]
    Verify(PlanVerifyArgs),
}

/// The plan file and the batch, shared by the plan commands.
#[derive(Debug, Args)]
pub struct PlanFiles {
    /// The plan file (抽查计划, TOML; SPEC.md §17.1). Directory paths in it
    /// are relative to its folder.
    #[arg(long, value_name = "FILE")]
    pub plan: PathBuf,
    /// The batch, by number (1, 2, …) or name; needed when the plan has
    /// several.
    #[arg(long, value_name = "N|NAME")]
    pub batch: Option<String>,
    #[command(flatten)]
    pub read: ReadFlags,
}

#[derive(Debug, Args)]
pub struct PlanAnnounceArgs {
    #[command(flatten)]
    pub files: PlanFiles,
    /// The day the batch announcement is published (发布日期), YYYY-MM-DD;
    /// by default today in China (UTC+8).
    #[arg(long, value_name = "DATE")]
    pub published: Option<String>,
    /// The folder to write the announcement into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Overwrite the files if they exist.
    #[arg(long)]
    pub force: bool,
    /// Announce even though the pre-flight (预检) of some task found
    /// warnings, once you have checked each of them. Errors always refuse.
    #[arg(long)]
    pub accept_warnings: bool,
}

#[derive(Debug, Args)]
pub struct PlanDrawArgs {
    #[command(flatten)]
    pub files: PlanFiles,
    /// The batch announcement (announcement.json written by `plan announce`).
    #[arg(long, value_name = "FILE")]
    pub announcement: PathBuf,
    /// The published seed, one per announced source, in order, written as
    /// published (`--seed "3 0 7"`).
    #[arg(long, value_name = "S", required = true, allow_hyphen_values = true)]
    pub seed: Vec<String>,
    /// The folder to write the batch into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Overwrite the files if they exist.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct PlanVerifyArgs {
    /// The folder `plan draw` wrote (batch.json and one folder per task).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub files: PlanFiles,
    /// The batch announcement as published; by default DIR/announcement.json.
    #[arg(long, value_name = "FILE")]
    pub announcement: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CalendarStatusArgs {
    /// The day to judge by; default: today's date in China (Asia/Shanghai,
    /// UTC+8) from the system clock.
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
    #[command(flatten)]
    pub calendar: CalendarFlags,
}
