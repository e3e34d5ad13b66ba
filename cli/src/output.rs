//! Outputs are written whole or not at all (issue 13, case 8).
//!
//! Every command that writes files — `draw --out DIR`, `demo --out DIR`,
//! `announce --out FILE` (and the HTML beside it), `ledger --out FILE` —
//! writes them through an [`Outputs`] set. A late failure (a workbook
//! cell too long, a full disk) or a `kill -9` must never leave a new
//! record.json beside an old result.xlsx, nor a result.csv cut at a row
//! boundary that looks complete.
//!
//! # The protocol
//!
//! 1. **Recover.** Staging folders of earlier runs that are no longer
//!    running (their process id is gone) are dealt with first: a
//!    `….shuangsui-tmp-PID` folder was never complete and is deleted,
//!    unread; a `….shuangsui-commit-PID` folder was complete and fsync'd
//!    and its run was killed while moving its files into place, so the
//!    move is finished (rolled forward). Nothing else is ever read from a
//!    staging folder, so a stale one is never taken for a result.
//! 2. **Refuse** without `--force` when any output exists, before any work.
//! 3. **Stage.** The new files are written into a fresh folder
//!    `.NAME.shuangsui-tmp-PID` on the same file system as the target:
//!    for a folder the command owns (`draw`, `demo`), beside it in its
//!    parent (inside it when it is a mount point); for files beside a
//!    user's other files (`announce`, `ledger`), in their folder. Each
//!    file is fsync'd, then the staging folder. Meanwhile the old outputs
//!    are untouched; a failure or a kill here leaves them exactly as they
//!    were, and the staging folder is removed (or, after a kill, deleted
//!    by the next run).
//! 4. **Commit**, in the first way that applies:
//!    - the target folder does not exist: the staging folder is renamed to
//!      it — one atomic rename, nothing or the complete set;
//!    - the target folder holds nothing but these outputs (and stale
//!      staging folders), is a real folder on the same file system and is
//!      not the current directory: on Linux the two folders are exchanged
//!      by one atomic `renameat2(RENAME_EXCHANGE)`; the old set, now in
//!      the staging folder's place, is deleted (a kill before that leaves
//!      a stale `tmp` folder, deleted by the next run). Anything a user
//!      dropped into the old folder in the meantime is moved back;
//!    - otherwise (a folder with the user's own files, which are never
//!      moved, or no exchange available): the staging folder is renamed
//!      `….shuangsui-commit-PID` (the commit point), then each file is
//!      renamed over its target, each rename atomic. Only a kill during
//!      these few renames — microseconds, after all data is on disk —
//!      leaves some old files beside new ones; the commit folder still
//!      holds the rest, and the next run writing to that folder finishes
//!      the move before anything else.
//!
//! A single file (`ledger --out`) is thus always one atomic rename.

use crate::commands::{io_error, name};
use shuangsui::{Error, ErrorKind, Result};
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The environment variable that makes the write of one named output fail,
/// e.g. `SHUANGSUI_FAIL_AT=result.xlsx`. For tests only: it shows that a
/// late failure leaves the previous outputs as they were.
pub(crate) const FAIL_AT: &str = "SHUANGSUI_FAIL_AT";

/// A set of output files being staged; see the module documentation.
pub(crate) struct Outputs {
    /// The folder the files end up in.
    target: PathBuf,
    /// Whether the command owns `target` (`draw`/`demo --out DIR`), so that
    /// the folder itself may be created or exchanged whole.
    own_folder: bool,
    names: Vec<String>,
    /// `.TAG.shuangsui-`: the prefix of this set's staging folders.
    prefix: String,
    staging: PathBuf,
    /// Set once the staging folder must no longer be removed on drop.
    done: bool,
}

impl Outputs {
    /// The folder `dir` with `names` in it, for a command that owns the
    /// folder (`draw`, `demo`).
    pub(crate) fn folder(dir: &Path, names: &[&str], force: bool) -> Result<Outputs> {
        let dir = nameable(dir)?;
        let tag = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let parent = parent_of(&dir);
        Outputs::begin(dir, parent, true, &tag, names, force)
    }

    /// Files `paths` in one folder among the user's other files (`announce`
    /// writes FILE.json and FILE.html, `ledger` one file).
    pub(crate) fn files(paths: &[&Path], force: bool) -> Result<Outputs> {
        let first = nameable(paths[0])?;
        let dir = parent_of(&first);
        let mut names = Vec::new();
        for p in paths {
            let p = nameable(p)?;
            if parent_of(&p) != dir {
                return Err(Error::new(
                    ErrorKind::Io,
                    "the outputs of one command must be in one folder",
                    "同一命令的输出文件必须在同一个文件夹中",
                )
                .in_file(&name(&p)));
            }
            names.push(p.file_name().unwrap().to_string_lossy().into_owned());
        }
        let tag = names[0].clone();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        Outputs::begin(dir.clone(), dir, false, &tag, &names, force)
    }

    fn begin(
        target: PathBuf,
        parent: PathBuf,
        own_folder: bool,
        tag: &str,
        names: &[&str],
        force: bool,
    ) -> Result<Outputs> {
        let prefix = format!(".{tag}.shuangsui-");
        let mut set = Outputs {
            target,
            own_folder,
            names: names.iter().map(|n| n.to_string()).collect(),
            prefix,
            staging: PathBuf::new(),
            done: true,
        };
        set.recover()?;
        let finals: Vec<PathBuf> = set.names.iter().map(|n| set.target.join(n)).collect();
        crate::commands::check_new(
            &finals.iter().map(PathBuf::as_path).collect::<Vec<_>>(),
            force,
        )?;
        // Staged on the target's file system, so that the commit is renames.
        let home = if own_folder && set.target.is_dir() && !same_device(&set.target, &parent) {
            set.target.clone()
        } else {
            parent
        };
        fs::create_dir_all(&home).map_err(|e| io_error(&home, "create the folder for", e))?;
        set.staging = home.join(format!("{}tmp-{}", set.prefix, std::process::id()));
        if set.staging.exists() {
            // Left by an earlier process that had our id.
            let _ = fs::remove_dir_all(&set.staging);
        }
        fs::create_dir(&set.staging)
            .map_err(|e| io_error(&set.target, "create a staging folder beside", e))?;
        set.done = false;
        Ok(set)
    }

    /// Where output `file` will be once committed (for messages).
    pub(crate) fn path(&self, file: &str) -> PathBuf {
        self.target.join(file)
    }

    /// Writes output `file` into the staging folder through `write`, then
    /// fsyncs it. Errors name the output's final path.
    pub(crate) fn write(
        &self,
        file: &str,
        write: &dyn Fn(&mut dyn Write) -> io::Result<()>,
    ) -> Result<()> {
        let shown = self.path(file);
        if std::env::var(FAIL_AT).is_ok_and(|v| v == file) {
            return Err(io_error(
                &shown,
                "write",
                io::Error::other(format!(
                    "failed on purpose: {FAIL_AT}={file} (a hook for tests)"
                )),
            ));
        }
        let staged = self.staging.join(file);
        // A set may have folders of its own (`plan draw`: one per task).
        if let Some(dir) = staged.parent().filter(|d| *d != self.staging) {
            fs::create_dir_all(dir).map_err(|e| io_error(&shown, "create the folder for", e))?;
        }
        let f = File::create(staged).map_err(|e| io_error(&shown, "write", e))?;
        let mut w = io::BufWriter::with_capacity(1 << 20, f);
        write(&mut w).map_err(|e| io_error(&shown, "write", e))?;
        let f = w
            .into_inner()
            .map_err(|e| io_error(&shown, "write", e.into_error()))?;
        f.sync_all().map_err(|e| io_error(&shown, "write", e))
    }

    /// Writes output `file` with `bytes`.
    pub(crate) fn write_bytes(&self, file: &str, bytes: &[u8]) -> Result<()> {
        self.write(file, &|w| w.write_all(bytes))
    }

    /// Moves the complete set into place (step 4 of the protocol).
    pub(crate) fn commit(mut self) -> Result<()> {
        for n in &self.names {
            if !self.staging.join(n).is_file() {
                return Err(Error::new(
                    ErrorKind::Io,
                    "an output was not written",
                    "有一个输出文件没有写出",
                )
                .in_file(&name(&self.path(n))));
            }
        }
        sync_dir(&self.staging);
        let home = parent_of(&self.staging);
        if self.own_folder {
            match fs::symlink_metadata(&self.target) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    fs::rename(&self.staging, &self.target)
                        .map_err(|e| io_error(&self.target, "create the folder", e))?;
                    self.done = true;
                    sync_dir(&home);
                    return Ok(());
                }
                Ok(m)
                    if m.is_dir()
                        && home != self.target
                        && self.holds_only_ours()?
                        && !is_cwd(&self.target) =>
                {
                    let _ = fs::set_permissions(&self.staging, m.permissions());
                    if exchange(&self.staging, &self.target).is_ok() {
                        self.done = true;
                        sync_dir(&home);
                        self.return_strays();
                        let _ = fs::remove_dir_all(&self.staging);
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
        // File by file, after the commit point.
        let commit = home.join(format!("{}commit-{}", self.prefix, std::process::id()));
        fs::rename(&self.staging, &commit)
            .map_err(|e| io_error(&self.target, "commit the outputs in", e))?;
        self.done = true;
        sync_dir(&home);
        for n in &self.names {
            if let Some(dir) = self.target.join(n).parent() {
                let _ = fs::create_dir_all(dir);
            }
            fs::rename(commit.join(n), self.target.join(n)).map_err(|e| {
                io_error(&self.path(n), "move into place", e).hint(
                    &format!(
                        "; the complete new outputs are in {}, and the next shuangsui run writing here moves them into place",
                        name(&commit)
                    ),
                    &format!(
                        "；完整的新输出文件在 {} 中，下次在此处写出的 shuangsui 运行会把它们移到位",
                        name(&commit)
                    ),
                )
            })?;
        }
        sync_dir(&self.target);
        let _ = fs::remove_dir(&commit);
        Ok(())
    }

    /// Whether the target folder holds only this set's outputs and staging
    /// folders: only then may it be exchanged whole.
    fn holds_only_ours(&self) -> Result<bool> {
        let entries =
            fs::read_dir(&self.target).map_err(|e| io_error(&self.target, "read the folder", e))?;
        for e in entries {
            let e = e.map_err(|e| io_error(&self.target, "read the folder", e))?;
            let n = e.file_name().to_string_lossy().into_owned();
            if !self.names.iter().any(|x| top(x) == n) && !n.starts_with(&self.prefix) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// After an exchange, moves back into the target whatever appeared in
    /// the old folder that is not an old output: a user's file is never
    /// deleted with the old set.
    fn return_strays(&self) {
        let Ok(entries) = fs::read_dir(&self.staging) else {
            return;
        };
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if !self.names.iter().any(|x| top(x) == n) && !n.starts_with(&self.prefix) {
                let to = self.target.join(&n);
                if !to.exists() {
                    let _ = fs::rename(e.path(), to);
                }
            }
        }
    }

    /// Step 1: deletes the incomplete staging folders of runs no longer
    /// running, and finishes the moves of the complete ones.
    fn recover(&self) -> Result<()> {
        let mut homes = vec![];
        if self.own_folder {
            homes.push(parent_of(&self.target));
        }
        if self.target.is_dir() {
            homes.push(self.target.clone());
        }
        for home in homes {
            let Ok(entries) = fs::read_dir(&home) else {
                continue;
            };
            for e in entries.flatten() {
                let n = e.file_name().to_string_lossy().into_owned();
                let Some(rest) = n.strip_prefix(&self.prefix) else {
                    continue;
                };
                let Some((state, pid)) = rest.split_once('-') else {
                    continue;
                };
                let Ok(pid) = pid.parse::<u32>() else {
                    continue;
                };
                if pid != std::process::id() && running(pid) {
                    continue;
                }
                match state {
                    "tmp" => {
                        let _ = fs::remove_dir_all(e.path());
                    }
                    "commit" => {
                        for f in fs::read_dir(e.path()).into_iter().flatten().flatten() {
                            let to = self.target.join(f.file_name());
                            fs::rename(f.path(), &to)
                                .map_err(|err| io_error(&to, "finish moving into place", err))?;
                        }
                        sync_dir(&self.target);
                        let _ = fs::remove_dir(e.path());
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }
}

impl Drop for Outputs {
    /// A set that was not committed leaves nothing behind.
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// A path whose last component is a name (`.` and `..` are resolved).
/// The first component of an output's name (its folder within the set).
fn top(name: &str) -> &str {
    name.split('/').next().unwrap_or(name)
}

fn nameable(p: &Path) -> Result<PathBuf> {
    match p.file_name() {
        Some(_) if !p.ends_with(".") => Ok(p.to_path_buf()),
        _ => fs::canonicalize(p).map_err(|e| io_error(p, "find", e)),
    }
}

fn parent_of(p: &Path) -> PathBuf {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Makes renames in `dir` durable; not every platform can open a folder.
fn sync_dir(dir: &Path) {
    if let Ok(f) = File::open(dir) {
        let _ = f.sync_all();
    }
}

#[cfg(unix)]
fn same_device(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev(),
        _ => true,
    }
}

#[cfg(not(unix))]
fn same_device(_: &Path, _: &Path) -> bool {
    true
}

/// Exchanging the folder a shell stands in would leave the shell in the
/// deleted old one.
fn is_cwd(dir: &Path) -> bool {
    match (fs::canonicalize(dir), std::env::current_dir()) {
        (Ok(a), Ok(b)) => a == b,
        _ => true,
    }
}

/// Whether process `pid` still runs, so that its staging folder is its own.
#[cfg(target_os = "linux")]
fn running(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

/// Without /proc a staging folder is taken as stale: two runs writing the
/// same outputs at once are not supported anyway.
#[cfg(not(target_os = "linux"))]
fn running(_: u32) -> bool {
    false
}

/// Exchanges two paths atomically (Linux `renameat2(RENAME_EXCHANGE)`,
/// kernel 3.15 and later; rustix makes the system call without unsafe code
/// here).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}
