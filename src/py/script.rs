//! The script directory and revision graph: `ScriptSet` (scan + fallbacks), `RevisionMap`,
//! `Step`, and the small script helpers (`revision_filename`, `generate_rev_id` ...).

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use super::errors::{command_error, revision_error, script_error};
use crate::revision::heads::{HeadMaintainer, VersionAction};
use crate::revision::{Node, RevIdent, Revision, RevisionError, RevisionMap, Step};
use crate::script::{self, HeaderParse};

/// The revision files of the version locations: parsed statically where possible,
/// with slots the Python side fills for files it has to import.
#[pyclass(module = "alembic_rs._native")]
pub struct ScriptSet {
    slots: Vec<(String, Option<Revision>)>,
    warnings: Vec<String>,
}

#[pymethods]
impl ScriptSet {
    /// Scan the version locations and parse each file's header.
    #[staticmethod]
    fn scan(
        py: Python<'_>,
        dirs: Vec<String>,
        recursive: bool,
        sourceless: bool,
    ) -> PyResult<Self> {
        let dirs: Vec<PathBuf> = dirs.into_iter().map(PathBuf::from).collect();
        let (loaded, warnings) = py
            .detach(|| script::load_version_locations(&dirs, recursive, sourceless))
            .map_err(|e| script_error(py, e))?;
        let mut slots = Vec::with_capacity(loaded.len());
        for item in loaded {
            let path = item.item.path.to_string_lossy().into_owned();
            let revision = match item.header {
                HeaderParse::Parsed(h) => Some(
                    h.into_revision(path.clone())
                        .map_err(|e| revision_error(py, e))?,
                ),
                HeaderParse::NeedsImport(_) => None,
            };
            slots.push((path, revision));
        }
        Ok(ScriptSet { slots, warnings })
    }

    /// Files whose header is not plain literals: Python imports them.
    fn needs_import(&self) -> Vec<String> {
        self.slots
            .iter()
            .filter(|(_, rev)| rev.is_none())
            .map(|(path, _)| path.clone())
            .collect()
    }

    /// Warnings alembic would emit while scanning (a file reached twice ...).
    fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }

    /// Fill the slot of an imported file with what its module says.
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        py: Python<'_>,
        path: &str,
        revision: String,
        down_revision: Vec<String>,
        branch_labels: Vec<String>,
        depends_on: Vec<String>,
        longdoc: String,
    ) -> PyResult<()> {
        let rev = Revision::new(revision, down_revision, depends_on, branch_labels)
            .map_err(|e| revision_error(py, e))?
            .with_path(path)
            .with_longdoc(longdoc);
        match self
            .slots
            .iter_mut()
            .find(|(p, r)| p == path && r.is_none())
        {
            Some(slot) => slot.1 = Some(rev),
            None => self.slots.push((path.to_owned(), Some(rev))),
        }
        Ok(())
    }

    /// Build the revision graph (every check alembic makes).
    fn build(&mut self, py: Python<'_>) -> PyResult<PyRevisionMap> {
        let revisions: Vec<Revision> = self.slots.drain(..).filter_map(|(_, r)| r).collect();
        // alembic warns about duplicated ids first, even when the graph then fails
        let mut seen = std::collections::HashSet::new();
        for rev in &revisions {
            if !seen.insert(rev.revision.as_str()) {
                user_warning(
                    py,
                    &format!("Revision {} is present more than once", rev.revision),
                )?;
            }
        }
        let map = py
            .detach(|| RevisionMap::new(revisions))
            .map_err(|e| revision_error(py, e))?;
        Ok(PyRevisionMap { inner: map })
    }
}

/// Emit a Python `UserWarning`, as alembic's `util.warn` does.
pub fn user_warning(py: Python<'_>, message: &str) -> PyResult<()> {
    let category = py.get_type::<pyo3::exceptions::PyUserWarning>();
    let text = std::ffi::CString::new(message).unwrap_or_default();
    PyErr::warn(py, &category, &text, 1)
}

/// A revision identifier from Python: None, a string, or a tuple/list of strings.
fn ident(value: &Bound<'_, PyAny>) -> PyResult<RevIdent> {
    if value.is_none() {
        Ok(RevIdent::None)
    } else if let Ok(s) = value.extract::<String>() {
        Ok(RevIdent::Str(s))
    } else {
        let items: Vec<Option<String>> = value.extract()?;
        Ok(RevIdent::Tuple(items.into_iter().flatten().collect()))
    }
}

fn lines(py: Python<'_>, result: Result<Vec<String>, RevisionError>) -> PyResult<Vec<String>> {
    result.map_err(|e| revision_error(py, e))
}

/// One planned migration step.
#[pyclass(name = "Step", module = "alembic_rs._native", frozen)]
pub struct PyStep {
    step: Step,
    #[pyo3(get)]
    short_log: String,
    #[pyo3(get)]
    log: String,
    #[pyo3(get)]
    up_revisions: Vec<String>,
    #[pyo3(get)]
    down_revisions: Vec<String>,
}

#[pymethods]
impl PyStep {
    #[getter]
    fn is_upgrade(&self) -> bool {
        self.step.is_upgrade()
    }

    #[getter]
    fn is_stamp(&self) -> bool {
        matches!(self.step, Step::Stamp { .. })
    }

    /// The revision whose script runs, or None for a stamp.
    #[getter]
    fn revision(&self) -> Option<String> {
        match &self.step {
            Step::Revision { revision, .. } => Some(revision.clone()),
            Step::Stamp { .. } => None,
        }
    }

    fn __repr__(&self) -> String {
        format!("Step({})", self.log)
    }
}

/// The revision graph (alembic's `RevisionMap`), with the command texts.
#[pyclass(name = "RevisionMap", module = "alembic_rs._native")]
pub struct PyRevisionMap {
    inner: RevisionMap,
}

impl PyRevisionMap {
    fn steps(
        &self,
        py: Python<'_>,
        steps: Result<Vec<Step>, RevisionError>,
    ) -> PyResult<Vec<PyStep>> {
        let map = &self.inner;
        let steps = steps.map_err(|e| revision_error(py, e))?;
        Ok(steps
            .into_iter()
            .map(|step| {
                let (from, to) = (step.from_revisions(map), step.to_revisions(map));
                let (up, down) = if step.is_upgrade() {
                    (to, from)
                } else {
                    (from, to)
                };
                PyStep {
                    short_log: step.short_log(map),
                    log: step.describe(map),
                    up_revisions: up,
                    down_revisions: down,
                    step,
                }
            })
            .collect())
    }
}

#[pymethods]
impl PyRevisionMap {
    fn heads(&self) -> Vec<String> {
        self.inner.heads().to_vec()
    }

    fn real_heads(&self) -> Vec<String> {
        self.inner.real_heads().to_vec()
    }

    fn bases(&self) -> Vec<String> {
        self.inner.bases().to_vec()
    }

    fn warnings(&self) -> Vec<String> {
        self.inner.warnings().to_vec()
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    /// Everything `Script` exposes about one revision, as a dict.
    fn info<'py>(&self, py: Python<'py>, revision: &str) -> PyResult<Bound<'py, PyDict>> {
        let rev = self
            .inner
            .get_revision(revision)
            .map_err(|e| revision_error(py, e))?
            .ok_or_else(|| command_error(py, format!("No such revision '{revision}'")))?;
        let d = PyDict::new(py);
        d.set_item("revision", &rev.revision)?;
        d.set_item("down_revisions", &rev.down_revisions)?;
        d.set_item("dependencies", &rev.dependencies)?;
        let labels: Vec<&str> = rev.branch_labels.iter().map(|l| &**l).collect();
        d.set_item("branch_labels", labels)?;
        d.set_item("own_branch_labels", &rev.orig_branch_labels)?;
        d.set_item("path", &rev.path)?;
        d.set_item("longdoc", &rev.longdoc)?;
        d.set_item("nextrev", &rev.nextrev)?;
        d.set_item("is_head", rev.is_head())?;
        d.set_item("is_real_head", rev.is_real_head())?;
        d.set_item("is_base", rev.is_base())?;
        d.set_item("is_branch_point", rev.is_branch_point())?;
        d.set_item("is_merge_point", rev.is_merge_point())?;
        Ok(d)
    }

    /// `get_revisions`: ids, with None standing for `base`.
    fn get_revisions(
        &self,
        py: Python<'_>,
        id: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<Option<String>>> {
        let nodes = self
            .inner
            .resolve(&ident(id)?)
            .map_err(|e| revision_error(py, e))?;
        Ok(nodes
            .into_iter()
            .map(|n| match n {
                Node::Rev(i) => Some(self.inner.rev(i).revision.clone()),
                _ => None,
            })
            .collect())
    }

    fn get_revision(&self, py: Python<'_>, id: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
        match self
            .inner
            .resolve_one(&ident(id)?)
            .map_err(|e| revision_error(py, e))?
        {
            Node::Rev(i) => Ok(Some(self.inner.rev(i).revision.clone())),
            _ => Ok(None),
        }
    }

    /// `_resolve_revision_number`'s revision ids.
    fn resolve_revision_number(
        &self,
        py: Python<'_>,
        id: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<String>> {
        let (revs, _) = self
            .inner
            .resolve_revision_number(&ident(id)?)
            .map_err(|e| revision_error(py, e))?;
        Ok(revs)
    }

    fn get_current_head(
        &self,
        py: Python<'_>,
        branch_label: Option<&str>,
    ) -> PyResult<Option<String>> {
        self.inner
            .get_current_head(branch_label)
            .map_err(|e| revision_error(py, e))
    }

    fn get_all_current(&self, py: Python<'_>, ids: Vec<String>) -> PyResult<Vec<String>> {
        let revs = self
            .inner
            .get_all_current(&ids)
            .map_err(|e| revision_error(py, e))?;
        Ok(revs.into_iter().map(|r| r.revision.clone()).collect())
    }

    fn walk_revisions(
        &self,
        py: Python<'_>,
        base: &Bound<'_, PyAny>,
        head: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<String>> {
        let revs = self
            .inner
            .walk_revisions_ident(&ident(base)?, &ident(head)?)
            .map_err(|e| revision_error(py, e))?;
        Ok(revs.into_iter().map(|r| r.revision.clone()).collect())
    }

    #[pyo3(signature = (upper, lower, implicit_base=false, inclusive=false, assert_relative_length=true, select_for_downgrade=false))]
    #[allow(clippy::too_many_arguments)]
    fn iterate_revisions(
        &self,
        py: Python<'_>,
        upper: &Bound<'_, PyAny>,
        lower: &Bound<'_, PyAny>,
        implicit_base: bool,
        inclusive: bool,
        assert_relative_length: bool,
        select_for_downgrade: bool,
    ) -> PyResult<Vec<String>> {
        let revs = self
            .inner
            .iterate_revisions(
                &ident(upper)?,
                &ident(lower)?,
                implicit_base,
                inclusive,
                assert_relative_length,
                select_for_downgrade,
            )
            .map_err(|e| revision_error(py, e))?;
        Ok(revs.into_iter().map(|r| r.revision.clone()).collect())
    }

    // -- command texts --------------------------------------------------------------

    fn heads_lines(
        &self,
        py: Python<'_>,
        verbose: bool,
        resolve_dependencies: bool,
    ) -> PyResult<Vec<String>> {
        lines(py, self.inner.heads_lines(verbose, resolve_dependencies))
    }

    fn branches_lines(&self, py: Python<'_>, verbose: bool) -> PyResult<Vec<String>> {
        lines(py, self.inner.branches_lines(verbose))
    }

    fn history_lines(
        &self,
        py: Python<'_>,
        rev_range: Option<&str>,
        verbose: bool,
        indicate_current: bool,
        currents: Vec<String>,
    ) -> PyResult<Vec<String>> {
        lines(
            py,
            self.inner
                .history_lines(rev_range, verbose, indicate_current, &currents),
        )
    }

    fn show_lines(&self, py: Python<'_>, rev: &str) -> PyResult<Vec<String>> {
        lines(py, self.inner.show_lines(rev))
    }

    fn show_heads_lines(&self, py: Python<'_>, heads: Vec<String>) -> PyResult<Vec<String>> {
        lines(py, self.inner.show_heads_lines(&heads))
    }

    fn current_lines(
        &self,
        py: Python<'_>,
        heads: Vec<String>,
        verbose: bool,
    ) -> PyResult<Vec<String>> {
        lines(py, self.inner.current_lines(&heads, verbose))
    }

    #[allow(clippy::too_many_arguments)]
    fn cmd_format(
        &self,
        py: Python<'_>,
        revision: &str,
        verbose: bool,
        include_branches: bool,
        include_doc: bool,
        include_parents: bool,
        tree_indicators: bool,
        current: bool,
    ) -> PyResult<String> {
        let rev = self.rev(py, revision)?;
        let opts = crate::revision::format::FormatOptions {
            verbose,
            include_branches,
            include_doc,
            include_parents,
            tree_indicators,
            current,
        };
        Ok(crate::revision::format::cmd_format(rev, &opts))
    }

    fn log_entry(&self, py: Python<'_>, revision: &str, current: bool) -> PyResult<String> {
        Ok(crate::revision::format::log_entry(
            self.rev(py, revision)?,
            current,
        ))
    }

    fn script_str(&self, py: Python<'_>, revision: &str) -> PyResult<String> {
        Ok(crate::revision::format::script_str(self.rev(py, revision)?))
    }

    // -- planning ---------------------------------------------------------------------

    fn upgrade_steps(
        &self,
        py: Python<'_>,
        destination: &str,
        current_heads: Vec<String>,
    ) -> PyResult<Vec<PyStep>> {
        self.steps(py, self.inner.upgrade_steps(destination, &current_heads))
    }

    fn downgrade_steps(
        &self,
        py: Python<'_>,
        destination: &str,
        current_heads: Vec<String>,
    ) -> PyResult<Vec<PyStep>> {
        if let Some(warning) = RevisionMap::downgrade_warning(destination, &current_heads) {
            user_warning(py, &warning)?;
        }
        self.steps(py, self.inner.downgrade_steps(destination, &current_heads))
    }

    fn stamp_steps(
        &self,
        py: Python<'_>,
        revisions: Vec<String>,
        heads: Vec<String>,
    ) -> PyResult<Vec<PyStep>> {
        self.steps(py, self.inner.stamp_steps(&revisions, &heads))
    }

    /// Apply a step to the current heads: the new heads and the version-table actions
    /// `(action, version, to_version)` with action one of insert/update/delete.
    fn update_heads<'py>(
        &self,
        py: Python<'py>,
        heads: Vec<String>,
        step: PyRef<'_, PyStep>,
    ) -> PyResult<(Vec<String>, Bound<'py, PyList>)> {
        let mut maintainer = HeadMaintainer::new(&heads);
        let actions = maintainer
            .update_to_step(&self.inner, &step.step)
            .map_err(|e| revision_error(py, e))?;
        let out = PyList::empty(py);
        for action in actions {
            let item = match action {
                VersionAction::Insert(v) => ("insert", Some(v), None::<String>),
                VersionAction::Update { from, to } => ("update", Some(from), Some(to)),
                VersionAction::Delete(v) => ("delete", Some(v), None),
            };
            out.append(PyTuple::new(
                py,
                [
                    item.0.into_pyobject(py)?.into_any(),
                    item.1.into_pyobject(py)?,
                    item.2.into_pyobject(py)?,
                ],
            )?)?;
        }
        Ok((maintainer.heads().to_vec(), out))
    }
}

impl PyRevisionMap {
    fn rev(&self, py: Python<'_>, revision: &str) -> PyResult<&Revision> {
        self.inner
            .get_revision(revision)
            .map_err(|e| revision_error(py, e))?
            .ok_or_else(|| command_error(py, format!("No such revision '{revision}'")))
    }
}

/// A new 12-hex-digit revision id.
#[pyfunction]
fn generate_rev_id() -> String {
    script::generate_rev_id()
}

/// The file name `file_template` gives a new revision (with `.py`).
#[pyfunction]
fn revision_filename(
    py: Python<'_>,
    template: &str,
    rev: &str,
    message: &str,
    truncate_slug_length: i64,
    epoch: i64,
    date: (i64, i64, i64, i64, i64, i64),
) -> PyResult<String> {
    let tokens = script::FileTemplateTokens {
        rev: rev.to_owned(),
        slug: script::slugify(Some(message), truncate_slug_length),
        epoch,
        year: date.0,
        month: date.1,
        day: date.2,
        hour: date.3,
        minute: date.4,
        second: date.5,
    };
    script::render_file_template(template, &tokens)
        .map(|name| format!("{name}.py"))
        .map_err(|e| script_error(py, e))
}

/// Alembic's check of a revision id given with `--rev-id`.
#[pyfunction]
fn verify_rev_id(py: Python<'_>, revision: &str) -> PyResult<()> {
    Revision::new(revision, vec![], vec![], vec![])
        .map(|_| ())
        .map_err(|e| revision_error(py, e))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<ScriptSet>()?;
    m.add_class::<PyRevisionMap>()?;
    m.add_class::<PyStep>()?;
    m.add_function(wrap_pyfunction!(generate_rev_id, m)?)?;
    m.add_function(wrap_pyfunction!(revision_filename, m)?)?;
    m.add_function(wrap_pyfunction!(verify_rev_id, m)?)?;
    Ok(())
}
