//! Writers: document.json, one CSV per table, findings.json, facts.csv and the Parquet tables
//! ([`parquet`]). Each implements
//! [`OutputWriter`]. Every file goes through one function, [`OutDir::write`], which refuses
//! any path not strictly inside the output folder and writes through a uniquely named
//! temporary file that is renamed into place, so nothing is half-written.

pub mod parquet;

use crate::error::Error;
use crate::model::findings::Reconciliation;
use crate::model::{Column, ColumnKind, Document, Row, Table};
use rust_decimal::Decimal;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Names the run itself writes at the root of the output folder; no document folder may
/// take one of them (document ids cannot anyway: they never contain a '.').
pub const RESERVED_NAMES: [&str; 2] = ["facts.csv", "manifest.csv"];

/// One finished document: the model and what reconciliation found in it.
#[derive(Debug, Clone, Copy)]
pub struct Output<'a> {
    pub document: &'a Document,
    pub reconciliation: &'a Reconciliation,
}

/// Receives each converted document once its conversion ends (from any worker thread, in
/// any order), then `finish` once, with the ids of the run's converted documents in input
/// order. What a writer writes for a document must depend on that document only, so that a
/// run's output is the same whatever the order documents finish in.
pub trait OutputWriter: Sync {
    fn write(&self, out: &Output) -> Result<(), Error>;
    fn finish(&self, _doc_ids: &[String]) -> Result<(), Error> {
        Ok(())
    }
}

/// The output folder (`--out`). All writes and removals go through it; each checks that the
/// path is strictly inside the folder: only plain name components (no `..`, root, prefix or
/// absolute paths), and the canonical path of the folder it lands in is under the canonical
/// root, so a symbolic link inside the output folder cannot redirect a write elsewhere.
#[derive(Debug, Clone)]
pub struct OutDir {
    root: PathBuf,
}

fn write_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Write {
        path: path.to_path_buf(),
        source,
    }
}

fn unsafe_out(path: &Path, reason: impl Into<String>) -> Error {
    Error::UnsafeOutput {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// Distinguishes temporary files of one process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// The lock file of a run in the output folder ([`OutDir::lock`]).
pub const LOCK_FILE: &str = ".budget-tables.lock";

/// A run's hold on its output folder; dropping it removes the lock file and releases it.
#[derive(Debug)]
pub struct RunLock {
    file: std::fs::File,
    path: PathBuf,
}

impl Drop for RunLock {
    fn drop(&mut self) {
        // Removed while still held, so no other run can have taken it meanwhile.
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// `parent/.<name>.<pid>.<n>.tmp`: unique within the process (a counter) and between
/// processes (the pid).
fn temporary_name(parent: &Path, name: &std::ffi::OsStr) -> PathBuf {
    let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    parent.join(format!(
        ".{}.{}.{n}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ))
}

/// A file being written through a temporary name ([`OutDir::pending`]).
#[derive(Debug)]
pub struct PendingFile {
    writer: std::io::BufWriter<std::fs::File>,
    tmp: PathBuf,
    target: PathBuf,
    /// The path as messages show it.
    shown: PathBuf,
    committed: bool,
}

impl PendingFile {
    /// Where the bytes go (buffered).
    pub fn writer(&mut self) -> &mut std::io::BufWriter<std::fs::File> {
        &mut self.writer
    }

    /// The path as messages show it.
    pub fn shown(&self) -> &Path {
        &self.shown
    }

    /// Flushes and renames the file into place.
    pub fn commit(self) -> Result<(), Error> {
        self.commit_if(Ok(()))
    }

    /// Commits when `filled` is Ok; otherwise (or when the commit fails) the temporary file is
    /// removed and the error returned.
    fn commit_if(mut self, filled: std::io::Result<()>) -> Result<(), Error> {
        let result = filled
            .and_then(|()| self.writer.flush())
            .and_then(|()| std::fs::rename(&self.tmp, &self.target));
        self.committed = result.is_ok();
        result.map_err(write_err(&self.shown))
    }
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        // Not committed: no temporary file is left behind.
        if !self.committed {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Whether a file name is one of this tool's temporary names, `.<name>.<pid>.<n>.tmp`.
pub fn is_temporary_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix('.').and_then(|r| r.strip_suffix(".tmp")) else {
        return false;
    };
    let mut parts = rest.rsplitn(3, '.');
    let (Some(n), Some(pid), Some(base)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(n) && digits(pid) && !base.is_empty()
}

impl OutDir {
    /// Creates the folder if needed. A path naming an existing file is
    /// [`Error::OutNotFolder`].
    pub fn create(path: &Path) -> Result<OutDir, Error> {
        match std::fs::metadata(path) {
            Ok(m) if !m.is_dir() => {
                return Err(Error::OutNotFolder {
                    path: path.to_path_buf(),
                })
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(path).map_err(write_err(path))?
            }
            Err(e) => return Err(write_err(path)(e)),
        }
        let root = std::fs::canonicalize(path).map_err(write_err(path))?;
        Ok(OutDir { root })
    }

    /// Takes the folder for one run: an exclusive lock on `.budget-tables.lock` in it, held
    /// until the returned guard is dropped (the system releases it when the process ends,
    /// even on kill -9, so a killed run never blocks the next). A second run into the same
    /// folder meanwhile is [`Error::OutBusy`]: two runs would sweep each other's temporary
    /// files and interleave their manifests.
    pub fn lock(&self) -> Result<RunLock, Error> {
        let path = self.root.join(LOCK_FILE);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(write_err(&path))?;
        match file.try_lock() {
            Ok(()) => Ok(RunLock { file, path }),
            Err(std::fs::TryLockError::WouldBlock) => Err(Error::OutBusy {
                path: self.root.clone(),
            }),
            Err(std::fs::TryLockError::Error(e)) => Err(write_err(&path)(e)),
        }
    }

    /// The canonical output folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `root/rel` after checking `rel` is made of plain names only, and that a document
    /// folder (a first component followed by more) is not one of [`RESERVED_NAMES`].
    fn checked(&self, rel: &Path) -> Result<PathBuf, Error> {
        let shown = self.root.join(rel);
        let mut n = 0;
        for c in rel.components() {
            match c {
                Component::Normal(name) => {
                    let name = name.to_string_lossy();
                    if name.starts_with('.') {
                        return Err(unsafe_out(&shown, "a name starting with '.'"));
                    }
                    n += 1;
                }
                Component::ParentDir => return Err(unsafe_out(&shown, "'..' in the path")),
                Component::CurDir => return Err(unsafe_out(&shown, "'.' in the path")),
                Component::RootDir | Component::Prefix(_) => {
                    return Err(unsafe_out(&shown, "an absolute path"))
                }
            }
        }
        if n == 0 {
            return Err(unsafe_out(&shown, "the output folder itself"));
        }
        if n > 1 {
            if let Some(Component::Normal(first)) = rel.components().next() {
                if RESERVED_NAMES.iter().any(|r| first == *r) {
                    return Err(unsafe_out(
                        &shown,
                        format!(
                            "{} is reserved for the run's own file",
                            first.to_string_lossy()
                        ),
                    ));
                }
            }
        }
        Ok(shown)
    }

    /// Creates the folders of `rel`'s parent one by one inside the root (never through a
    /// link leading out of it) and returns the parent's canonical path.
    fn make_parent(&self, rel: &Path, shown: &Path) -> Result<PathBuf, Error> {
        let mut cur = self.root.clone();
        if let Some(parent) = rel.parent() {
            for c in parent.components() {
                cur.push(c);
                match std::fs::symlink_metadata(&cur) {
                    Ok(m) if m.is_dir() => {}
                    Ok(m) if m.file_type().is_symlink() => {
                        // Allowed only when it leads to a folder inside the root: checked below.
                        let target = std::fs::canonicalize(&cur).map_err(write_err(&cur))?;
                        if !target.starts_with(&self.root) || !target.is_dir() {
                            return Err(unsafe_out(
                                shown,
                                format!(
                                    "{} is a link leading out of the output folder",
                                    cur.display()
                                ),
                            ));
                        }
                    }
                    Ok(_) => {
                        return Err(unsafe_out(
                            shown,
                            format!("{} exists and is not a folder", cur.display()),
                        ))
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        match std::fs::create_dir(&cur) {
                            Ok(()) => {}
                            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                            Err(e) => return Err(write_err(&cur)(e)),
                        }
                    }
                    Err(e) => return Err(write_err(&cur)(e)),
                }
            }
        }
        let canon = std::fs::canonicalize(&cur).map_err(write_err(&cur))?;
        if !canon.starts_with(&self.root) {
            return Err(unsafe_out(
                shown,
                "its folder resolves outside the output folder",
            ));
        }
        Ok(canon)
    }

    /// Writes `bytes` to `root/rel` through a temporary file `.<name>.<pid>.<n>.tmp` in the
    /// same folder (created new, so it never replaces another file), renamed into place; the
    /// temporary file is removed on any error.
    pub fn write(&self, rel: &Path, bytes: &[u8]) -> Result<(), Error> {
        self.write_streamed(rel, |w| w.write_all(bytes))
    }

    /// The checked path of file `root/rel`: as messages show it, its folder (created), and
    /// its name.
    fn file_path(&self, rel: &Path) -> Result<(PathBuf, PathBuf, std::ffi::OsString), Error> {
        let shown = self.checked(rel)?;
        let parent = self.make_parent(rel, &shown)?;
        let Some(name) = rel.file_name() else {
            return Err(unsafe_out(&shown, "no file name"));
        };
        let name = name.to_os_string();
        Ok((shown, parent, name))
    }

    /// Writes `root/rel` as [`OutDir::write`] does, with the bytes `fill` writes to a buffered
    /// stream (for files too large to hold in memory, such as the run's facts.csv).
    pub fn write_streamed(
        &self,
        rel: &Path,
        fill: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<(), Error> {
        let mut f = self.pending(rel)?;
        let filled = fill(f.writer());
        f.commit_if(filled)
    }

    /// A file `root/rel` being written: after the same checks as [`OutDir::write`], its bytes
    /// go to a new temporary file in the same folder, which [`PendingFile::commit`] renames into
    /// place; dropped without a commit, it is removed. For writers that keep several files
    /// open at once (the Parquet tables).
    pub fn pending(&self, rel: &Path) -> Result<PendingFile, Error> {
        let (shown, parent, name) = self.file_path(rel)?;
        let target = parent.join(&name);
        if std::fs::symlink_metadata(&target).is_ok_and(|m| m.is_dir()) {
            return Err(unsafe_out(&shown, "a folder of that name exists"));
        }
        let tmp = temporary_name(&parent, &name);
        let f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(write_err(&shown))?;
        Ok(PendingFile {
            writer: std::io::BufWriter::with_capacity(1 << 16, f),
            tmp,
            target,
            shown,
            committed: false,
        })
    }

    /// Opens `root/rel` for appending (created if absent), after the same path checks as
    /// [`OutDir::write`]. Appends are for the run's journal (manifest.csv) only, whose reader
    /// leaves out a line torn by a kill.
    pub fn append(&self, rel: &Path) -> Result<std::fs::File, Error> {
        let (shown, parent, name) = self.file_path(rel)?;
        std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(parent.join(&name))
            .map_err(write_err(&shown))
    }

    /// Removes the temporary files ([`is_temporary_name`]) a killed run left in the output
    /// folder and its document folders (two levels down: OUT/<doc-id>/tables). Only those
    /// names are touched. Returns how many were removed.
    pub fn remove_stale_temporaries(&self) -> usize {
        fn sweep(dir: &Path, depth: u32, removed: &mut usize) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for e in entries.flatten() {
                let Ok(t) = e.file_type() else { continue };
                let name = e.file_name();
                if t.is_file() && name.to_str().is_some_and(is_temporary_name) {
                    if std::fs::remove_file(e.path()).is_ok() {
                        *removed += 1;
                    }
                } else if t.is_dir() && depth > 0 {
                    sweep(&e.path(), depth - 1, removed);
                }
            }
        }
        let mut removed = 0;
        sweep(&self.root, 2, &mut removed);
        removed
    }

    /// Removes the folder `root/rel` and everything in it, if it exists. A link there is
    /// removed itself, never followed.
    pub fn remove_dir_all(&self, rel: &Path) -> Result<(), Error> {
        let shown = self.checked(rel)?;
        let parent = self.make_parent(rel, &shown)?;
        let Some(name) = rel.file_name() else {
            return Err(unsafe_out(&shown, "no folder name"));
        };
        let target = parent.join(name);
        match std::fs::symlink_metadata(&target) {
            Ok(m) if m.is_dir() => std::fs::remove_dir_all(&target).map_err(write_err(&shown)),
            Ok(_) => std::fs::remove_file(&target).map_err(write_err(&shown)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(write_err(&shown)(e)),
        }
    }
}

/// `<doc-id>/<file>` after checking the id is one safe folder name.
fn doc_rel(doc_id: &str, rest: &[&str]) -> Result<PathBuf, Error> {
    let mut p = PathBuf::from(doc_id);
    if p.components().count() != 1
        || !matches!(p.components().next(), Some(Component::Normal(_)))
        || doc_id.starts_with('.')
        || RESERVED_NAMES.contains(&doc_id)
    {
        return Err(unsafe_out(
            &p,
            format!("{doc_id:?} is not a safe document id"),
        ));
    }
    for r in rest {
        p.push(r);
    }
    Ok(p)
}

fn json_text(value: &impl serde::Serialize, path: &Path) -> Result<String, Error> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| Error::Write {
        path: path.to_path_buf(),
        source: std::io::Error::other(e),
    })?;
    text.push('\n');
    Ok(text)
}

/// `out/<doc-id>/document.json`: the whole model.
pub struct JsonWriter {
    pub out: OutDir,
}

impl OutputWriter for JsonWriter {
    fn write(&self, out: &Output) -> Result<(), Error> {
        let doc = out.document;
        let rel = doc_rel(&doc.doc_id, &["document.json"])?;
        let text = json_text(doc, &rel)?;
        self.out.write(&rel, text.as_bytes())
    }
}

/// `out/<doc-id>/tables/<NN>-<kind>.csv`: code, name, text cells, unit, then one column per
/// canonical id; the second line is the printed header ([`table_csv`]).
pub struct CsvWriter {
    pub out: OutDir,
    /// Start each file with a UTF-8 byte order mark (Excel reads UTF-8 CSV only with one).
    pub bom: bool,
}

/// The per-table CSV text.
pub fn table_csv(t: &Table) -> Result<String, csv::Error> {
    let two_sided = t.rows.iter().any(|r| r.section.is_some());
    let has_unit = t.rows.iter().any(|r| r.unit_name.is_some());
    // Text cells (attributes) by label, in order of first appearance.
    let mut attrs: Vec<&str> = Vec::new();
    for r in &t.rows {
        for k in r.attributes.keys() {
            if !attrs.contains(&k.as_str()) {
                attrs.push(k);
            }
        }
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Line 1, for programs: field names and canonical column ids. Line 2, for people: what
    // the fields hold, and each column's header as printed.
    let mut head: Vec<&str> = Vec::new();
    let mut printed: Vec<String> = Vec::new();
    if two_sided {
        head.push("section");
        printed.push("收支".into());
    }
    head.extend(["code", "name"]);
    printed.extend(["编码".into(), "名称".into()]);
    if has_unit {
        head.push("unit_name");
        printed.push("单位名称".into());
    }
    head.extend(attrs.iter().copied());
    printed.extend(attrs.iter().map(|a| a.to_string()));
    head.push("unit");
    printed.push("单位".into());
    head.extend(t.columns.iter().map(|c| c.id.as_str()));
    printed.extend(t.columns.iter().map(|c| c.printed_header()));
    w.write_record(&head)?;
    w.write_record(&printed)?;
    for r in &t.rows {
        let mut rec: Vec<String> = Vec::new();
        if two_sided {
            rec.push(r.section.clone().unwrap_or_default());
        }
        rec.push(r.code.clone().unwrap_or_default());
        rec.push(r.name.clone());
        if has_unit {
            rec.push(r.unit_name.clone().unwrap_or_default());
        }
        rec.extend(
            attrs
                .iter()
                .map(|k| r.attributes.get(*k).cloned().unwrap_or_default()),
        );
        rec.push(t.unit.label().to_string());
        rec.extend(
            r.amounts
                .iter()
                .map(|a| a.map(|d| d.to_string()).unwrap_or_default()),
        );
        w.write_record(&rec)?;
    }
    csv_text(w)
}

/// The text a CSV writer over a buffer holds; a failure is an error, never an empty file.
fn csv_text(w: csv::Writer<Vec<u8>>) -> Result<String, csv::Error> {
    let bytes = w
        .into_inner()
        .map_err(|e| csv::Error::from(std::io::Error::other(e.to_string())))?;
    String::from_utf8(bytes).map_err(|e| csv::Error::from(std::io::Error::other(e)))
}

fn csv_err(path: &Path) -> impl FnOnce(csv::Error) -> Error + '_ {
    move |e| Error::Write {
        path: path.to_path_buf(),
        source: std::io::Error::other(e),
    }
}

/// File name of a table's CSV: its position in the document and its kind.
pub fn table_file_name(index: usize, t: &Table) -> String {
    format!("{:02}-{}.csv", index + 1, t.kind)
}

impl OutputWriter for CsvWriter {
    fn write(&self, out: &Output) -> Result<(), Error> {
        let doc = out.document;
        // Tables of an earlier run of this document may have other names: start clean (only
        // `OUT/<doc-id>/tables`, after the path checks).
        self.out
            .remove_dir_all(&doc_rel(&doc.doc_id, &["tables"])?)?;
        for (i, t) in doc.tables.iter().enumerate() {
            let name = table_file_name(i, t);
            let rel = doc_rel(&doc.doc_id, &["tables", &name])?;
            let text = table_csv(t).map_err(csv_err(&rel))?;
            self.out.write(&rel, with_bom(self.bom, text).as_bytes())?;
        }
        Ok(())
    }
}

/// `out/<doc-id>/facts.csv`: one line per amount of the document, written with the document;
/// at the end of the run, `out/facts.csv`: the header and every converted document's lines,
/// in input order, copied from the documents' files (never held in memory).
pub struct FactsWriter {
    pub out: OutDir,
    /// Start the run's facts.csv with a UTF-8 byte order mark (the documents' own facts.csv
    /// files, which the run's is made of, never have one).
    pub bom: bool,
}

/// The UTF-8 byte order mark Excel needs to read a CSV file as UTF-8.
pub const UTF8_BOM: &str = "\u{feff}";

fn with_bom(bom: bool, text: String) -> String {
    if bom {
        format!("{UTF8_BOM}{text}")
    } else {
        text
    }
}

/// The columns of facts.csv, in order.
pub const FACTS_COLUMNS: [&str; 12] = [
    "doc_id",
    "table_no",
    "table_kind",
    "table_title",
    "page",
    "row_code",
    "row_name",
    "column",
    "column_label",
    "value",
    "unit",
    "value_yuan",
];

/// CSV lines of `records`, each a list of fields, ended by "\n".
pub(crate) fn csv_lines<R>(records: impl IntoIterator<Item = R>) -> Result<String, csv::Error>
where
    R: IntoIterator,
    R::Item: AsRef<[u8]>,
{
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    for r in records {
        w.write_record(r)?;
    }
    csv_text(w)
}

/// A fact's unit ("万元", "元", "%" or "" for a count) and, for an amount, its value in 元:
/// exact, with the value's own decimal places ("0.00" → "0.00").
pub fn fact_unit(t: &Table, c: &Column, v: Decimal) -> (&'static str, Option<Decimal>) {
    match c.kind {
        ColumnKind::Amount => {
            let mut yuan = v * t.unit.yuan_factor();
            yuan.rescale(v.scale());
            (t.unit.label(), Some(yuan))
        }
        ColumnKind::Percent => ("%", None),
        ColumnKind::Count => ("", None),
    }
}

/// One amount of a document, with where it stands (0-based indices) and its unit.
#[derive(Debug, Clone, Copy)]
pub struct Fact<'a> {
    pub table_index: usize,
    pub table: &'a Table,
    pub row_index: usize,
    pub row: &'a Row,
    pub column_index: usize,
    pub column: &'a Column,
    pub value: Decimal,
    /// "万元", "元", "%" or "" ([`fact_unit`]).
    pub unit: &'static str,
    pub value_yuan: Option<Decimal>,
}

/// Every amount of a document, in table, row and column order: the facts that facts.csv,
/// facts.parquet and the database's facts table hold.
pub fn facts_of(doc: &Document) -> impl Iterator<Item = Fact<'_>> {
    doc.tables
        .iter()
        .enumerate()
        .flat_map(|(table_index, table)| {
            table
                .rows
                .iter()
                .enumerate()
                .flat_map(move |(row_index, row)| {
                    table
                        .columns
                        .iter()
                        .zip(&row.amounts)
                        .enumerate()
                        .filter_map(move |(column_index, (column, a))| {
                            let value = (*a)?;
                            let (unit, value_yuan) = fact_unit(table, column, value);
                            Some(Fact {
                                table_index,
                                table,
                                row_index,
                                row,
                                column_index,
                                column,
                                value,
                                unit,
                                value_yuan,
                            })
                        })
                })
        })
}

/// How a serde enum (severity, format, kind) is named in the JSON output ("mismatch").
pub fn serde_name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

/// Reads back a file the JSON writers wrote (`dir/file`: document.json, findings.json), for
/// the writers that work from a finished output folder (Parquet, `load`).
pub fn read_output_json<T: serde::de::DeserializeOwned>(
    dir: &Path,
    file: &str,
) -> Result<T, Error> {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
        path: path.clone(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| Error::Io {
        path,
        source: std::io::Error::other(format!(
            "not this version's output ({e}); convert the document again"
        )),
    })
}

impl OutputWriter for FactsWriter {
    fn write(&self, out: &Output) -> Result<(), Error> {
        let rel = doc_rel(&out.document.doc_id, &["facts.csv"])?;
        // Streamed: a large document's facts are never all in memory as text.
        self.out.write_streamed(&rel, |w| {
            let mut csv = csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(w);
            csv.write_record(FACTS_COLUMNS)?;
            let doc = out.document;
            for f in facts_of(doc) {
                let t = f.table;
                csv.write_record([
                    doc.doc_id.as_str(),
                    t.number.as_deref().unwrap_or_default(),
                    &t.kind,
                    &t.title,
                    &f.row.page.to_string(),
                    f.row.code.as_deref().unwrap_or_default(),
                    &f.row.name,
                    &f.column.id,
                    &f.column.printed_header(),
                    &f.value.to_string(),
                    f.unit,
                    &f.value_yuan.map(|y| y.to_string()).unwrap_or_default(),
                ])?;
            }
            csv.flush()
        })
    }

    fn finish(&self, doc_ids: &[String]) -> Result<(), Error> {
        let header = csv_lines([FACTS_COLUMNS]).map_err(csv_err(Path::new("facts.csv")))?;
        let root = self.out.root().to_path_buf();
        self.out.write_streamed(Path::new("facts.csv"), |w| {
            if self.bom {
                w.write_all(UTF8_BOM.as_bytes())?;
            }
            w.write_all(header.as_bytes())?;
            for id in doc_ids {
                let path = root.join(id).join("facts.csv");
                let f = std::fs::File::open(&path).map_err(|e| {
                    std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))
                })?;
                let mut r = std::io::BufReader::new(f);
                // Each document's file starts with the same header line: skip it.
                let mut first = Vec::new();
                std::io::BufRead::read_until(&mut r, b'\n', &mut first)?;
                if first != header.as_bytes() {
                    return Err(std::io::Error::other(format!(
                        "{}: not a facts file of this version (its header differs); convert the document again",
                        path.display()
                    )));
                }
                std::io::copy(&mut r, w)?;
            }
            Ok(())
        })
    }
}

/// `out/<doc-id>/findings.json`: every finding, counts per severity, checks and coverage.
pub struct FindingsWriter {
    pub out: OutDir,
}

impl OutputWriter for FindingsWriter {
    fn write(&self, out: &Output) -> Result<(), Error> {
        let rel = doc_rel(&out.document.doc_id, &["findings.json"])?;
        let text = json_text(out.reconciliation, &rel)?;
        self.out.write(&rel, text.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Column, ColumnKind, Row, Unit};

    #[test]
    fn table_csv_prints_text_cells_after_the_name() {
        let row = |name: &str, attrs: &[(&str, &str)], v: &str| Row {
            code: None,
            code_kind: None,
            name: name.into(),
            level: 3,
            section: None,
            unit_name: None,
            attributes: attrs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            amounts: vec![crate::token::parse_amount(v)],
            page: 1,
            lines: None,
        };
        let t = Table {
            number: None,
            title: "政府采购预算表".into(),
            kind: "procurement".into(),
            grammar: "g".into(),
            unit: Unit::WanYuan,
            columns: vec![Column {
                id: "amount".into(),
                label: "总计".into(),
                kind: ColumnKind::Amount,
                section: None,
            }],
            rows: vec![
                row("合计", &[], "3.00"),
                row(
                    "复印机",
                    &[("采购物品名称", "复印机"), ("专项名称", "办公")],
                    "3.00",
                ),
            ],
            indicators: Vec::new(),
            empty: false,
            note: None,
            first_page: 1,
            last_page: 1,
            line: None,
        };
        assert_eq!(
            table_csv(&t).expect("csv"),
            "code,name,专项名称,采购物品名称,unit,amount\n\
             编码,名称,专项名称,采购物品名称,单位,总计\n\
             ,合计,,,万元,3.00\n\
             ,复印机,办公,复印机,万元,3.00\n"
        );
    }

    fn out_dir(name: &str) -> (PathBuf, OutDir) {
        let t = std::env::temp_dir().join(format!(
            "budget-tables-outdir-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&t);
        std::fs::create_dir_all(&t).expect("temp");
        let out = OutDir::create(&t.join("out")).expect("out");
        (t, out)
    }

    #[test]
    fn paths_not_strictly_inside_the_output_folder_are_refused() {
        let (t, out) = out_dir("refuse");
        for rel in [
            "../x.json",
            "a/../../x.json",
            "/tmp/x.json",
            "",
            ".",
            "./x",
            ".x/y",
            "facts.csv/tables/01.csv",
            "manifest.csv/x",
        ] {
            let e = out.write(Path::new(rel), b"x").expect_err(rel);
            assert!(matches!(e, Error::UnsafeOutput { .. }), "{rel}: {e}");
        }
        for rel in ["..", "", "/", "a/.."] {
            let e = out.remove_dir_all(Path::new(rel)).expect_err(rel);
            assert!(matches!(e, Error::UnsafeOutput { .. }), "{rel}: {e}");
        }
        // Nothing appeared beside or inside the output folder.
        let beside: Vec<_> = std::fs::read_dir(&t).expect("t").collect();
        assert_eq!(beside.len(), 1);
        assert_eq!(std::fs::read_dir(out.root()).expect("out").count(), 0);
        out.write(Path::new("a/b.json"), b"ok").expect("inside");
        assert_eq!(
            std::fs::read(out.root().join("a/b.json")).expect("b"),
            b"ok"
        );
    }

    #[test]
    fn a_failed_write_leaves_no_temporary_file_and_keeps_names_free() {
        let (_t, out) = out_dir("tmp");
        // A folder where the file goes: refused, nothing left behind.
        std::fs::create_dir_all(out.root().join("d/document.json")).expect("dir");
        assert!(out.write(Path::new("d/document.json"), b"x").is_err());
        let names: Vec<String> = std::fs::read_dir(out.root().join("d"))
            .expect("d")
            .map(|e| e.expect("e").file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["document.json"]);
        // The temporary name never takes a real one: "facts.tmp~" or "facts.csv.txt" stay.
        std::fs::write(out.root().join("facts.tmp~"), "mine").expect("w");
        out.write(Path::new("facts.csv"), b"a\n").expect("facts");
        assert_eq!(
            std::fs::read_to_string(out.root().join("facts.tmp~")).expect("r"),
            "mine"
        );
        assert_eq!(
            std::fs::read_to_string(out.root().join("facts.csv")).expect("r"),
            "a\n"
        );
    }

    #[test]
    fn an_out_path_naming_a_file_is_refused() {
        let (t, _) = out_dir("file");
        let f = t.join("plain");
        std::fs::write(&f, "x").expect("w");
        let e = OutDir::create(&f).expect_err("a file");
        assert_eq!(
            e.to_string(),
            format!("--out {} is a file, not a folder", f.display())
        );
    }
}
