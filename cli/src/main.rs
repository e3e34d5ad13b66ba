//! The `shuangsui` command: a thin adapter over the `shuangsui` core crate.
//!
//! `flags.rs` holds the clap definition, `commands.rs` one function per
//! command, `progress.rs` the progress bars. `main` only parses, dispatches
//! and prints: the report on stdout, errors on stderr, and the exit code
//! (0 ok, 1 a check failed, 2 usage or input error).

mod commands;
mod flags;
mod progress;

use clap::Parser;
use flags::{Cli, Command, Format};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    // clap prints usage errors itself and exits with 2.
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Demo(a) => commands::demo(a),
        Command::Gen(a) => commands::gen(a),
        Command::Digest(a) => commands::digest(a),
        Command::Announce(a) => commands::announce(a),
        Command::Draw(a) => commands::draw(a),
        Command::Verify(a) => commands::verify(a),
    };
    match result {
        Ok(report) => {
            let mut out = std::io::stdout().lock();
            let written = match cli.format {
                Format::Text => out.write_all(report.text.as_bytes()),
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
    let _ = match format {
        Format::Text => writeln!(err, "error: {e}"),
        Format::Json => {
            let loc = e.location();
            let v = serde_json::json!({ "error": {
                "kind": e.kind().name(),
                "message": e.message(),
                "file": loc.and_then(|l| l.file.clone()),
                "row": loc.and_then(|l| l.row),
                "column": loc.and_then(|l| l.column.clone()),
                "exit_code": 2,
            }});
            writeln!(err, "{v}")
        }
    };
}
