//! The `shuangsui` command: a thin adapter over the `shuangsui` core crate.
//!
//! `flags.rs` holds the clap definition, `commands.rs` one function per
//! draw command, `deadlines.rs` one per deadline command, `output.rs` how
//! output files are written (whole or not at all), `progress.rs` the
//! progress bars and `term.rs` colour and column widths. `main` only
//! parses, dispatches and prints: the report on stdout, warnings and errors
//! on stderr, and the exit code (0 ok, 1 a check failed, 2 usage or input
//! error).

// The one exception is reading a validated text file without validating it
// twice (`commands::read_text`, which says why it is sound and needed).
#![deny(unsafe_code)]

mod commands;
mod deadlines;
mod flags;
mod output;
mod plans;
mod progress;
mod term;

use clap::Parser;
use flags::{Cli, Command, Format};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    // clap prints usage errors itself and exits with 2.
    let cli = Cli::parse();
    if let Err(e) = cli.validate() {
        e.exit();
    }
    let result = match &cli.command {
        Command::Demo(a) => commands::demo(a),
        Command::Gen(a) => commands::gen(a),
        Command::Digest(a) => commands::digest(a),
        Command::Announce(a) => commands::announce(a),
        Command::Draw(a) => commands::draw(a, cli.format),
        Command::Verify(a) => commands::verify(a),
        Command::Plan(p) => plans::plan(p, cli.format),
        Command::Deadline(a) => deadlines::deadline(a),
        Command::Rules => deadlines::rules(),
        Command::Ledger(a) => deadlines::ledger(a, cli.format),
        Command::Calendar(a) => deadlines::calendar(a),
    };
    match result {
        Ok(report) => {
            print_warnings(cli.format, &report.warnings);
            let mut out = std::io::stdout().lock();
            let written = match cli.format {
                Format::Text | Format::Csv | Format::Xlsx => out.write_all(report.text.as_bytes()),
                Format::Json if report.json.is_null() => Ok(()),
                Format::Json => serde_json::to_writer_pretty(&mut out, &report.json)
                    .map_err(std::io::Error::other)
                    .and_then(|()| out.write_all(b"\n")),
            };
            // A closed pipe (e.g. `| head`) is not worth an error message.
            let _ = written.and_then(|()| out.flush());
            ExitCode::from(report.code)
        }
        Err(e) => {
            print_error(cli.format, &e);
            ExitCode::from(2)
        }
    }
}

fn print_error(format: Format, e: &shuangsui::Error) {
    let mut err = std::io::stderr().lock();
    // Chinese first, then English; each lists every problem of a file on
    // its own line.
    let _ = match format {
        Format::Json => {
            let mut v = e.to_json();
            v["exit_code"] = 2.into();
            writeln!(err, "{}", serde_json::json!({ "error": v }))
        }
        _ => writeln!(err, "错误：{}\nerror: {e}", e.display_zh()),
    };
}

fn print_warnings(format: Format, warnings: &[shuangsui::Error]) {
    let mut err = std::io::stderr().lock();
    for w in warnings {
        let _ = match format {
            Format::Json => writeln!(err, "{}", serde_json::json!({ "warning": w.to_json() })),
            _ => writeln!(err, "警告：{}\nwarning: {w}", w.display_zh()),
        };
    }
}
