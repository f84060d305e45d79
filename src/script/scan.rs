//! Finding revision files in the version locations, in alembic's order
//! (`ScriptDirectory._load_revisions`, `Script._list_py_dir`, `Script._from_path`).

use std::collections::HashSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::error::ScriptError;
use super::header::{HeaderParse, parse_script_bytes};

/// A file alembic would load as a revision script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanItem {
    /// The resolved path (alembic loads `Path.resolve()` of each file).
    pub path: PathBuf,
    /// `true` for a `.py` file, `false` for a sourceless `.pyc`/`.pyo`.
    pub is_source: bool,
}

/// The files found, plus the warnings alembic emits while finding them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    /// Revision files in load order.
    pub items: Vec<ScanItem>,
    /// Texts of `util.warn(...)` calls, e.g. a file reached through two locations.
    pub warnings: Vec<String>,
}

/// A scanned file together with its static header parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedScript {
    pub item: ScanItem,
    pub header: HeaderParse,
}

/// `ScriptDirectory.__init__`'s check that the script directory exists.
pub fn check_script_directory(dir: &Path) -> Result<(), ScriptError> {
    if fs::symlink_metadata(dir).is_err() {
        return Err(ScriptError::PathDoesNotExist {
            path: dir.to_string_lossy().into_owned(),
        });
    }
    Ok(())
}

/// The revision files under `dirs`, in the order alembic loads them. A location that does
/// not exist is skipped, as alembic does.
pub fn scan_version_locations(
    dirs: &[PathBuf],
    recursive: bool,
    sourceless: bool,
) -> Result<Vec<ScanItem>, ScriptError> {
    Ok(scan_with_warnings(dirs, recursive, sourceless)?.items)
}

/// [`scan_version_locations`] that also returns alembic's warnings.
pub fn scan_with_warnings(
    dirs: &[PathBuf],
    recursive: bool,
    sourceless: bool,
) -> Result<Scan, ScriptError> {
    let mut scan = Scan::default();
    // the resolved paths are normalised, so their bytes identify them (hashing a `Path`
    // walks its components, noticeable over thousands of files)
    let mut seen: HashSet<std::ffi::OsString, foldhash::fast::FixedState> = HashSet::default();
    for dir in dirs {
        let dir = std::path::absolute(dir).map_err(|e| ScriptError::Io {
            path: dir.to_string_lossy().into_owned(),
            message: e.to_string(),
        })?;
        if !dir.exists() {
            continue;
        }
        let mut files = Vec::new();
        list_py_dir(&dir, recursive, sourceless, &mut files);
        for real in files {
            if !seen.insert(real.as_os_str().to_owned()) {
                scan.warnings.push(format!(
                    "File {} loaded twice! ignoring. Please ensure version_locations is unique.",
                    real.display()
                ));
                continue;
            }
            if let Some(is_source) = revision_file_kind(&real, sourceless) {
                scan.items.push(ScanItem {
                    path: real,
                    is_source,
                });
            }
        }
    }
    Ok(scan)
}

/// Scan, then read and statically parse every source file (in parallel). Sourceless files
/// and unreadable files come back as [`HeaderParse::NeedsImport`].
pub fn load_version_locations(
    dirs: &[PathBuf],
    recursive: bool,
    sourceless: bool,
) -> Result<(Vec<LoadedScript>, Vec<String>), ScriptError> {
    let scan = scan_with_warnings(dirs, recursive, sourceless)?;
    Ok((parse_items(scan.items), scan.warnings))
}

/// Read and parse scan items, keeping their order.
pub fn parse_items(items: Vec<ScanItem>) -> Vec<LoadedScript> {
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    let load_all = |items: Vec<ScanItem>| {
        let mut buf = Vec::new();
        items
            .into_iter()
            .map(|item| load_one(item, &mut buf))
            .collect::<Vec<_>>()
    };
    if workers <= 1 || items.len() < 64 {
        return load_all(items);
    }
    let chunk = items.len().div_ceil(workers);
    let mut chunks: Vec<Vec<ScanItem>> = Vec::new();
    let mut items = items.into_iter().peekable();
    while items.peek().is_some() {
        chunks.push(items.by_ref().take(chunk).collect());
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| scope.spawn(move || load_all(chunk)))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("header parser thread panicked"))
            .collect()
    })
}

fn load_one(item: ScanItem, buf: &mut Vec<u8>) -> LoadedScript {
    let header = if !item.is_source {
        HeaderParse::NeedsImport("sourceless file".to_string())
    } else {
        match read_into(&item.path, buf) {
            Ok(len) => parse_script_bytes(&item.path, &buf[..len]),
            Err(e) => HeaderParse::NeedsImport(format!("cannot read: {e}")),
        }
    };
    LoadedScript { item, header }
}

/// Read the whole file into the start of `buf` (reused between files, grown as needed)
/// and return its length: open, read until the end, close. `fs::read` would also ask for
/// the file's size first, one more system call per file.
fn read_into(path: &Path, buf: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut file = fs::File::open(path)?;
    if buf.is_empty() {
        buf.resize(16 * 1024, 0);
    }
    let mut len = 0;
    loop {
        if len == buf.len() {
            buf.resize(2 * len, 0);
        }
        match file.read(&mut buf[len..]) {
            Ok(0) => return Ok(len),
            // a regular file reads short only at its end (Linux, FUSE included): spare
            // the read that would return 0, one system call per file
            Ok(read) if len + read < buf.len() => return Ok(len + read),
            Ok(read) => len += read,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// `Path.resolve()`: follow symlinks; a path that cannot be resolved stays as it is.
fn resolve(path: &Path) -> PathBuf {
    fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// `_from_path`'s filename test: `Some(is_source)` for a revision file, `None` otherwise.
fn revision_file_kind(path: &Path, sourceless: bool) -> Option<bool> {
    let name = path.file_name()?.to_str()?;
    // The regexes start with (?!\.\#|__init__); `.` does not match a newline.
    if name.starts_with(".#") || name.starts_with("__init__") || name.contains('\n') {
        return None;
    }
    if name.ends_with(".py") {
        return Some(true);
    }
    if !sourceless {
        return None;
    }
    let (py_name, is_o) = if let Some(stem) = name.strip_suffix('c') {
        (stem, false)
    } else if let Some(stem) = name.strip_suffix('o') {
        (stem, true)
    } else {
        return None;
    };
    if !py_name.ends_with(".py") {
        return None;
    }
    // Prefer the .py (for its source) and the .pyc over the .pyo (for its docstrings).
    let dir = path.parent()?;
    let py_exists = dir.join(py_name).exists();
    let pyc_exists = dir.join(format!("{py_name}c")).exists();
    if py_exists || (is_o && pyc_exists) {
        return None;
    }
    Some(false)
}

/// One `os.walk` step: the non-directory entries (with whether each is a symlink) and the
/// subdirectories of `dir`. Unreadable directories are skipped, as `os.walk` does.
fn read_dir_split(dir: &Path) -> (Vec<(String, bool)>, Vec<String>) {
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return (files, dirs);
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        // `DirEntry.is_dir()` follows symlinks in os.walk; stat only the symlinks.
        let is_symlink = file_type.is_symlink();
        let is_dir = if is_symlink {
            entry.path().is_dir()
        } else {
            file_type.is_dir()
        };
        if is_dir {
            dirs.push(name);
        } else {
            files.push((name, is_symlink));
        }
    }
    (files, dirs)
}

/// `Script._list_py_dir`: files of each directory sorted by name, directories walked
/// top-down in sorted order when `recursive`, `__pycache__` extras when `sourceless`.
/// Files are pushed resolved, as `Path.resolve()` gives them; only symlinks cost a lookup.
fn list_py_dir(root: &Path, recursive: bool, sourceless: bool, out: &mut Vec<PathBuf>) {
    let (mut files, mut dirs) = read_dir_split(root);
    let skip_root = root
        .file_name()
        .is_some_and(|n| n.to_string_lossy().ends_with("__pycache__"));
    if !skip_root {
        files.sort();
        let real_root = resolve(root);
        let found = |dir: &Path, real_dir: &Path, name: &str, is_symlink: bool| {
            if is_symlink {
                resolve(&dir.join(name))
            } else {
                real_dir.join(name)
            }
        };
        out.extend(
            files
                .iter()
                .map(|(name, link)| found(root, &real_root, name, *link)),
        );
        if sourceless {
            let cache = root.join("__pycache__");
            if cache.exists() {
                let names: HashSet<&str> = files
                    .iter()
                    .map(|(f, _)| f.split('.').next().unwrap_or(""))
                    .collect();
                let (cache_files, cache_dirs) = read_dir_split(&cache);
                let mut extra: Vec<(String, bool)> = cache_files
                    .into_iter()
                    .chain(cache_dirs.into_iter().map(|d| (d, false)))
                    .filter(|(n, _)| !names.contains(n.split('.').next().unwrap_or("")))
                    .collect();
                // alembic takes iterdir() order, which is arbitrary; sort for stability.
                extra.sort();
                let real_cache = resolve(&cache);
                out.extend(
                    extra
                        .iter()
                        .map(|(name, link)| found(&cache, &real_cache, name, *link)),
                );
            }
        }
        if !recursive {
            return;
        }
    }
    dirs.sort();
    for d in dirs {
        let sub = root.join(&d);
        // os.walk does not descend into symlinked directories.
        if fs::symlink_metadata(&sub).is_ok_and(|m| m.file_type().is_symlink()) {
            continue;
        }
        list_py_dir(&sub, recursive, sourceless, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAYOUT: [&str; 18] = [
        "versions/b_rev.py",
        "versions/a_rev.py",
        "versions/__init__.py",
        "versions/.#lock.py",
        "versions/README",
        "versions/notes.txt",
        "versions/c_rev.pyc",
        "versions/a_rev.pyc",
        "versions/d.pyo",
        "versions/d.pyc",
        "versions/e.pyo",
        "versions/__pycache__/a_rev.cpython-311.pyc",
        "versions/__pycache__/z_only.cpython-311.pyc",
        "versions/sub/x_rev.py",
        "versions/sub/deeper/y_rev.py",
        "versions/asub/w.py",
        "versions/Zupper.py",
        "other/m.py",
    ];

    // Generated with alembic 1.20.1's `ScriptDirectory._load_revisions` on the same layout
    // (module loading stubbed), version_locations = [versions, other, missing].
    #[allow(clippy::type_complexity)]
    const EXPECTED: &[(bool, bool, &[&str], &[&str])] = &[
        (
            false,
            false,
            &[
                "versions/Zupper.py",
                "versions/a_rev.py",
                "versions/b_rev.py",
                "other/m.py",
            ],
            &[
                "File ROOT/versions/b_rev.py loaded twice! ignoring. Please ensure version_locations is unique.",
            ],
        ),
        (
            false,
            true,
            &[
                "versions/Zupper.py",
                "versions/a_rev.py",
                "versions/b_rev.py",
                "versions/c_rev.pyc",
                "versions/d.pyc",
                "versions/e.pyo",
                "versions/__pycache__/z_only.cpython-311.pyc",
                "other/m.py",
            ],
            &[
                "File ROOT/versions/b_rev.py loaded twice! ignoring. Please ensure version_locations is unique.",
            ],
        ),
        (
            true,
            false,
            &[
                "versions/Zupper.py",
                "versions/a_rev.py",
                "versions/b_rev.py",
                "versions/asub/w.py",
                "versions/sub/x_rev.py",
                "versions/sub/deeper/y_rev.py",
                "other/m.py",
            ],
            &[
                "File ROOT/versions/b_rev.py loaded twice! ignoring. Please ensure version_locations is unique.",
            ],
        ),
        (
            true,
            true,
            &[
                "versions/Zupper.py",
                "versions/a_rev.py",
                "versions/b_rev.py",
                "versions/c_rev.pyc",
                "versions/d.pyc",
                "versions/e.pyo",
                "versions/__pycache__/z_only.cpython-311.pyc",
                "versions/asub/w.py",
                "versions/sub/x_rev.py",
                "versions/sub/deeper/y_rev.py",
                "other/m.py",
            ],
            &[
                "File ROOT/versions/b_rev.py loaded twice! ignoring. Please ensure version_locations is unique.",
            ],
        ),
    ];

    #[test]
    fn scan_matches_alembic_order_and_filters() {
        let tmp = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(tmp.path()).unwrap();
        for f in LAYOUT {
            let p = root.join(f);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(&p, "revision = 'x'\ndown_revision = None\n").unwrap();
        }
        std::os::unix::fs::symlink(
            root.join("versions/b_rev.py"),
            root.join("versions/link.py"),
        )
        .unwrap();
        let dirs = [
            root.join("versions"),
            root.join("other"),
            root.join("missing"),
        ];
        for (recursive, sourceless, want_paths, want_warnings) in EXPECTED {
            let scan = scan_with_warnings(&dirs, *recursive, *sourceless).unwrap();
            let got: Vec<String> = scan
                .items
                .iter()
                .map(|i| i.path.strip_prefix(&root).unwrap().display().to_string())
                .collect();
            assert_eq!(
                &got, want_paths,
                "recursive={recursive} sourceless={sourceless}"
            );
            let root_str = root.display().to_string();
            let warnings: Vec<String> = scan
                .warnings
                .iter()
                .map(|w| w.replace(&root_str, "ROOT"))
                .collect();
            assert_eq!(&warnings, want_warnings);
            for item in &scan.items {
                assert_eq!(item.is_source, item.path.extension().unwrap() == "py");
            }
        }

        let (loaded, _) = load_version_locations(&dirs, false, true).unwrap();
        assert!(matches!(loaded[0].header, HeaderParse::Parsed(_)));
        assert!(matches!(loaded[3].header, HeaderParse::NeedsImport(_)));
    }

    #[test]
    fn missing_script_directory_message() {
        let err = check_script_directory(Path::new("/nonexistent/alembic")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Path doesn't exist: /nonexistent/alembic.  Please use the 'init' command to \
             create a new scripts folder."
        );
        assert!(check_script_directory(Path::new("/")).is_ok());
    }

    /// Timing of scan + parse over 10,000 generated scripts; run with `--ignored`.
    #[test]
    fn a_thousand_scripts_all_parse_statically() {
        let tmp = tempfile::tempdir().unwrap();
        let mut prev = "None".to_string();
        for i in 0..1_000 {
            let rev = format!("{i:012x}");
            let body = format!(
                "\"\"\"revision {i}\n\nRevision ID: {rev}\nRevises: {prev}\nCreate Date: 2025-01-15\n\n\"\"\"\n\
                 from typing import Sequence, Union\n\nfrom alembic import op\nimport sqlalchemy as sa\n\n\
                 revision: str = '{rev}'\ndown_revision: Union[str, Sequence[str], None] = {prev}\n\
                 branch_labels: Union[str, Sequence[str], None] = None\n\
                 depends_on: Union[str, Sequence[str], None] = None\n\n\n\
                 def upgrade() -> None:\n    op.add_column('t{i}', sa.Column('c', sa.String(50), nullable=True))\n\
                 \n\ndef downgrade() -> None:\n    op.drop_column('t{i}', 'c')\n"
            );
            fs::write(tmp.path().join(format!("{rev}_revision_{i}.py")), body).unwrap();
            prev = format!("'{rev}'");
        }
        // speed is measured in bench/, not here
        let (loaded, _) =
            load_version_locations(&[tmp.path().to_path_buf()], false, false).unwrap();
        assert_eq!(loaded.len(), 1_000);
        assert!(
            loaded
                .iter()
                .all(|l| matches!(l.header, HeaderParse::Parsed(_)))
        );
    }
}
