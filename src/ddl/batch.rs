//! `op.batch_alter_table`: either plain ALTERs, or SQLite's "move and copy" — CREATE TABLE
//! `_alembic_tmp_<name>` with the new definition, INSERT ... SELECT the surviving columns,
//! DROP the old table, RENAME the new one, re-create the indexes.
//!
//! The rules follow alembic's `BatchOperationsImpl` / `ApplyBatchImpl` (alembic 1.20): the
//! table's elements are collected, each operation edits them, and the new table is written
//! from what is left.

use std::collections::{HashMap, HashSet};

use super::compiler::Compiler;
use super::{DdlError, Dialect};
use crate::ops::{
    AddConstraint, BatchAlterTable, BatchStep, Column, Constraint, ConstraintType, CreateTable,
    DropConstraint, DropTable, Index, IndexElement, Op, PrimaryKey, Recreate, RenameTable,
};

/// Whether the block is carried out by recreating the table (`_should_recreate`).
pub fn requires_recreate(b: &BatchAlterTable, dialect: Dialect) -> bool {
    match b.recreate {
        Recreate::Always => true,
        Recreate::Never => false,
        Recreate::Auto => dialect == Dialect::Sqlite && sqlite_requires_recreate(&b.steps),
    }
}

/// `SQLiteImpl.requires_recreate_in_batch`: only ADD COLUMN (without an expression or stored
/// computed default) and index operations can run as they are. A column's constraints arrive
/// in alembic as separate `add_constraint` calls, which need the recreate.
fn sqlite_requires_recreate(steps: &[BatchStep]) -> bool {
    steps.iter().any(|s| match &s.op {
        Op::AddColumn(a) => {
            let col = &a.column;
            matches!(
                col.server_default,
                Some(crate::ops::ServerDefault::Sql { .. })
            ) || col
                .computed
                .as_ref()
                .is_some_and(|c| c.persisted == Some(true))
                || !a.constraints.is_empty()
        }
        Op::CreateIndex(_) | Op::DropIndex(_) => false,
        _ => true,
    })
}

/// The raw statements of the block; `render_op` renders one plain operation.
pub fn render(
    c: &Compiler,
    b: &BatchAlterTable,
    render_op: impl Fn(&Op) -> Result<Vec<String>, DdlError>,
) -> Result<Vec<String>, DdlError> {
    if !requires_recreate(b, c.dialect) {
        let mut out = Vec::new();
        for step in &b.steps {
            out.extend(render_op(&step.op)?);
        }
        return Ok(out);
    }
    let Some(table) = &b.table else {
        return Err(DdlError::Command(format!(
            "batch mode needs the definition of table \"{}\" to recreate it",
            b.table_name
        )));
    };
    let mut apply = Apply::new(b, table);
    for step in &b.steps {
        apply.step(step)?;
    }
    apply.create(c, &render_op)
}

/// Where a new column's values come from: the old column, CAST once per affinity change.
#[derive(Debug, Clone)]
struct Transfer {
    source: String,
    /// The target types, as CAST writes them.
    casts: Vec<String>,
}

#[derive(Debug, Clone)]
struct ColState {
    /// The key: the column's name in the old table (a rename keeps it).
    key: String,
    column: Column,
    affinity: Option<String>,
    nullable_unspecified: bool,
    transfer: Option<Transfer>,
}

#[derive(Debug, Clone)]
struct ConstState {
    constraint: Constraint,
    keys: Vec<String>,
}

/// A CHECK constraint that a column's type (`Boolean`/`Enum`) puts on the table.
#[derive(Debug, Clone)]
struct TypeBound {
    constraint: Constraint,
    /// The column key whose type it belongs to.
    key: String,
}

/// `ApplyBatchImpl`.
struct Apply<'a> {
    b: &'a BatchAlterTable,
    temp_name: String,
    columns: Vec<ColState>,
    existing_ordering: Vec<String>,
    add_col_ordering: Vec<(String, String)>,
    named: Vec<(String, ConstState)>,
    unnamed: Vec<ConstState>,
    type_bound: Vec<TypeBound>,
    /// The names of the old table's constraints, in table order (`prep_table_for_batch`).
    original_names: Vec<String>,
    indexes: Vec<Index>,
    new_indexes: Vec<Index>,
}

fn constraint_name(c: &Constraint) -> Option<&str> {
    match c {
        Constraint::PrimaryKey(k) => k.name.as_deref(),
        Constraint::ForeignKey(k) => k.name.as_deref(),
        Constraint::Unique(k) => k.name.as_deref(),
        Constraint::Check(k) => k.name.as_deref(),
        Constraint::Exclude(k) => k.name.as_deref(),
    }
}

/// The column keys a constraint added inside the block depends on.
fn constraint_keys(c: &Constraint) -> Vec<String> {
    match c {
        Constraint::PrimaryKey(k) => k.columns.clone(),
        Constraint::ForeignKey(k) => k.columns.clone(),
        Constraint::Unique(k) => k.columns.clone(),
        Constraint::Check(_) | Constraint::Exclude(_) => Vec::new(),
    }
}

/// `self.columns[name]` in `ApplyBatchImpl`.
fn no_such_column(name: &str) -> DdlError {
    DdlError::Key(name.to_string())
}

impl<'a> Apply<'a> {
    fn new(b: &'a BatchAlterTable, table: &'a crate::ops::BatchTable) -> Self {
        let temp_name: String = format!("_alembic_tmp_{}", b.table_name)
            .chars()
            .take(50)
            .collect();
        let columns: Vec<ColState> = table
            .columns
            .iter()
            .map(|bc| ColState {
                key: bc.column.name.clone(),
                column: bc.column.clone(),
                affinity: bc.affinity.clone(),
                nullable_unspecified: bc.nullable_unspecified,
                transfer: Some(Transfer {
                    source: bc.column.name.clone(),
                    casts: Vec::new(),
                }),
            })
            .collect();
        let mut named = Vec::new();
        let mut unnamed = Vec::new();
        let mut type_bound = Vec::new();
        let mut original_names = Vec::new();
        for bc in &table.constraints {
            if let Some(n) = constraint_name(&bc.constraint) {
                original_names.push(n.to_string());
            }
            if bc.type_bound {
                // re-created by the column's type, unless the type changes
                type_bound.push(TypeBound {
                    constraint: bc.constraint.clone(),
                    key: bc.keys.first().cloned().unwrap_or_default(),
                });
                continue;
            }
            let state = ConstState {
                constraint: bc.constraint.clone(),
                keys: bc.keys.clone(),
            };
            match constraint_name(&bc.constraint) {
                Some(n) => upsert(&mut named, n.to_string(), state),
                None => unnamed.push(state),
            }
        }
        Apply {
            b,
            temp_name,
            existing_ordering: columns.iter().map(|c| c.key.clone()).collect(),
            columns,
            add_col_ordering: Vec::new(),
            named,
            unnamed,
            type_bound,
            original_names,
            indexes: table.indexes.clone(),
            new_indexes: Vec::new(),
        }
    }

    fn col_mut(&mut self, key: &str) -> Result<&mut ColState, DdlError> {
        self.columns
            .iter_mut()
            .find(|c| c.key == key)
            .ok_or_else(|| no_such_column(key))
    }

    fn step(&mut self, step: &BatchStep) -> Result<(), DdlError> {
        match &step.op {
            Op::AddColumn(a) => {
                self.setup_add_column_order(
                    &a.column.name,
                    step.insert_before.as_deref(),
                    step.insert_after.as_deref(),
                );
                let mut column = a.column.clone();
                // `Operations.add_column` emits the column's constraints separately
                column.constraints.clear();
                upsert_col(
                    &mut self.columns,
                    ColState {
                        key: column.name.clone(),
                        column,
                        affinity: None,
                        nullable_unspecified: step.nullable_unspecified,
                        transfer: None,
                    },
                );
                for k in &a.constraints {
                    self.add_constraint(k)?;
                }
                for ix in &a.indexes {
                    upsert_index(&mut self.new_indexes, ix.clone());
                }
            }
            Op::DropColumn(d) => {
                let name = &d.column_name;
                for (_, st) in self.named.iter_mut() {
                    remove_pk_column(&mut st.constraint, name);
                }
                for st in self.unnamed.iter_mut() {
                    remove_pk_column(&mut st.constraint, name);
                }
                let pos = self
                    .columns
                    .iter()
                    .position(|c| &c.key == name)
                    .ok_or_else(|| no_such_column(name))?;
                self.columns.remove(pos);
                self.existing_ordering.retain(|k| k != name);
                if let Some(t) = &step.existing_type_name {
                    self.named.retain(|(n, _)| n != t);
                }
            }
            Op::AlterColumn(a) => {
                // `Operations.alter_column` first drops the old type's constraints
                for k in &a.drop_constraints {
                    self.drop_type_bound_constraint(k)?;
                }
                let renamed = a
                    .new_column_name
                    .as_ref()
                    .is_some_and(|new| new != &a.column_name);
                if renamed && let Some(t) = &step.existing_type_name {
                    self.named.retain(|(n, _)| n != t);
                }
                if a.type_.is_some() {
                    // the old type no longer makes its constraint
                    self.type_bound.retain(|tb| tb.key != a.column_name);
                }
                let col = self.col_mut(&a.column_name)?;
                if let Some(new) = &a.new_column_name
                    && renamed
                {
                    col.column.name = new.clone();
                }
                if let Some(t) = &a.type_ {
                    if col.affinity != step.type_affinity
                        && !step.type_is_json
                        && let Some(tr) = col.transfer.as_mut()
                    {
                        tr.casts
                            .push(step.cast_type.clone().unwrap_or_else(|| t.sql.clone()));
                    }
                    col.column.type_ = t.clone();
                    col.affinity = step.type_affinity.clone();
                }
                if let Some(n) = a.nullable {
                    col.column.nullable = n;
                }
                if let Some(sd) = &a.server_default {
                    col.column.server_default = sd.clone();
                }
                if let Some(ai) = a.autoincrement {
                    col.column.autoincrement = ai;
                }
                if let Some(cm) = &a.comment {
                    col.column.comment = cm.clone();
                }
                // the old type's constraints go with the type; the new type's are added
                for k in &a.add_constraints {
                    self.add_constraint(k)?;
                }
            }
            Op::CreateIndex(ix) => upsert_index(&mut self.new_indexes, ix.clone()),
            Op::DropIndex(d) => {
                let pos = self
                    .indexes
                    .iter()
                    .position(|i| i.index_name == d.index_name)
                    .ok_or_else(|| DdlError::Value(format!("No such index: '{}'", d.index_name)))?;
                self.indexes.remove(pos);
            }
            Op::CreateForeignKey(AddConstraint { constraint, .. })
            | Op::CreateUniqueConstraint(AddConstraint { constraint, .. })
            | Op::CreatePrimaryKey(AddConstraint { constraint, .. })
            | Op::CreateCheckConstraint(AddConstraint { constraint, .. })
            | Op::CreateExcludeConstraint(AddConstraint { constraint, .. }) => {
                self.add_constraint(constraint)?
            }
            Op::DropConstraint(d) => self.drop_constraint(&d.constraint_name)?,
            // the comment of the new table is what the copy gives it
            Op::CreateTableComment(_) | Op::DropTableComment(_) => {}
            other => {
                return Err(DdlError::NotSupported(format!(
                    "{} is not a batch operation",
                    op_name(other)
                )));
            }
        }
        Ok(())
    }

    fn add_constraint(&mut self, k: &Constraint) -> Result<(), DdlError> {
        let Some(name) = constraint_name(k) else {
            return Err(DdlError::Value("Constraint must have a name".into()));
        };
        if matches!(k, Constraint::PrimaryKey(_)) {
            self.unnamed
                .retain(|st| !matches!(st.constraint, Constraint::PrimaryKey(_)));
        }
        upsert(
            &mut self.named,
            name.to_string(),
            ConstState {
                constraint: k.clone(),
                keys: constraint_keys(k),
            },
        );
        Ok(())
    }

    /// `drop_constraint` of a type's CHECK constraint (from `alter_column`): one that is
    /// not there is left alone, as the new table only has it through the type anyway.
    fn drop_type_bound_constraint(&mut self, k: &Constraint) -> Result<(), DdlError> {
        let Some(name) = constraint_name(k) else {
            return Err(DdlError::Value("Constraint must have a name".into()));
        };
        match self.drop_constraint(name) {
            Err(DdlError::Value(_)) => Ok(()),
            other => other,
        }
    }

    fn drop_constraint(&mut self, name: &str) -> Result<(), DdlError> {
        // a named constraint given on a Column (copy_from tables only)
        for col in self.columns.iter_mut() {
            let before = col.column.constraints.len();
            col.column
                .constraints
                .retain(|k| constraint_name(k) != Some(name));
            if col.column.constraints.len() != before {
                return Ok(());
            }
        }
        let Some(pos) = self.named.iter().position(|(n, _)| n == name) else {
            return Err(DdlError::Value(format!("No such constraint: '{name}'")));
        };
        let (_, st) = self.named.remove(pos);
        if let Constraint::PrimaryKey(pk) = &st.constraint {
            for key in &pk.columns {
                if let Some(c) = self.columns.iter_mut().find(|c| &c.key == key) {
                    c.column.primary_key = false;
                }
            }
        }
        Ok(())
    }

    /// `_setup_dependencies_for_add_column`.
    fn setup_add_column_order(
        &mut self,
        colname: &str,
        insert_before: Option<&str>,
        insert_after: Option<&str>,
    ) {
        let index_cols = &self.existing_ordering;
        let col_indexes: HashMap<&str, usize> = index_cols
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i))
            .collect();
        let mut before = insert_before.map(str::to_string);
        let mut after = insert_after.map(str::to_string);
        let partial = !self.b.partial_reordering.is_empty();
        if !partial {
            if let Some(a) = &after
                && before.is_none()
            {
                if let Some(&i) = col_indexes.get(a.as_str()) {
                    if i + 1 < index_cols.len() {
                        before = Some(index_cols[i + 1].clone());
                    }
                } else {
                    before = self
                        .add_col_ordering
                        .iter()
                        .rev()
                        .find(|(x, _)| x == a)
                        .map(|(_, y)| y.clone());
                }
            }
            if let Some(bf) = &before
                && after.is_none()
            {
                if let Some(&i) = col_indexes.get(bf.as_str()) {
                    if i >= 1 {
                        after = Some(index_cols[i - 1].clone());
                    }
                } else {
                    after = self
                        .add_col_ordering
                        .iter()
                        .rev()
                        .find(|(_, y)| y == bf)
                        .map(|(x, _)| x.clone());
                }
            }
        }
        if let Some(bf) = &before {
            self.add_col_ordering
                .push((colname.to_string(), bf.clone()));
        }
        if let Some(a) = &after {
            self.add_col_ordering.push((a.clone(), colname.to_string()));
        }
        if !partial && before.is_none() && after.is_none() && !index_cols.is_empty() {
            let last = index_cols[index_cols.len() - 1].clone();
            self.add_col_ordering.push((last, colname.to_string()));
        }
    }

    /// `_adjust_self_columns_for_partial_reordering`: SQLAlchemy's topological sort.
    fn reorder(&mut self) -> Result<(), DdlError> {
        let col_by_idx: Vec<String> = self.columns.iter().map(|c| c.key.clone()).collect();
        let mut pairs: Vec<(String, String)> = Vec::new();
        if !self.b.partial_reordering.is_empty() {
            for tuple in &self.b.partial_reordering {
                for i in 1..tuple.len() {
                    pairs.push((tuple[i - 1].clone(), tuple[i].clone()));
                }
            }
        } else {
            for i in 1..self.existing_ordering.len() {
                let parent = col_by_idx.get(i - 1).cloned().unwrap_or_default();
                pairs.push((parent, self.existing_ordering[i].clone()));
            }
        }
        pairs.extend(self.add_col_ordering.iter().cloned());
        let mut edges: HashMap<&str, HashSet<&str>> = HashMap::new();
        for (p, c) in &pairs {
            if p != c {
                edges.entry(c.as_str()).or_default().insert(p.as_str());
            }
        }
        let mut todo: Vec<&str> = col_by_idx.iter().map(String::as_str).collect();
        let mut todo_set: HashSet<&str> = todo.iter().copied().collect();
        let mut sorted: Vec<String> = Vec::new();
        while !todo_set.is_empty() {
            let output: Vec<&str> = todo
                .iter()
                .copied()
                .filter(|n| {
                    edges
                        .get(n)
                        .is_none_or(|ps| ps.iter().all(|p| !todo_set.contains(p)))
                })
                .collect();
            if output.is_empty() {
                return Err(DdlError::Command("Circular dependency detected.".into()));
            }
            for n in &output {
                todo_set.remove(n);
                sorted.push(n.to_string());
            }
            todo.retain(|t| todo_set.contains(t));
        }
        let mut old = std::mem::take(&mut self.columns);
        for key in sorted {
            if let Some(pos) = old.iter().position(|c| c.key == key) {
                self.columns.push(old.remove(pos));
            }
        }
        Ok(())
    }

    /// The current name of the column with key `key`, if there is one.
    fn name_of(&self, key: &str) -> Option<&str> {
        self.columns
            .iter()
            .find(|c| c.key == key)
            .map(|c| c.column.name.as_str())
    }

    fn renamed(&self, keys: &[String]) -> Vec<String> {
        keys.iter()
            .map(|k| self.name_of(k).unwrap_or(k).to_string())
            .collect()
    }

    /// The constraint as it is copied to the new table: columns follow renames.
    fn copy_constraint(&self, k: &Constraint) -> Constraint {
        let mut k = k.clone();
        match &mut k {
            Constraint::PrimaryKey(pk) => pk.columns = self.renamed(&pk.columns),
            // the referent (the original table too, when self-referential) keeps its names
            Constraint::ForeignKey(fk) => fk.columns = self.renamed(&fk.columns),
            Constraint::Unique(uq) => uq.columns = self.renamed(&uq.columns),
            Constraint::Check(_) | Constraint::Exclude(_) => {}
        }
        k
    }

    fn transfer_sql(&self, c: &Compiler, tr: &Transfer) -> String {
        let mut expr = format!(
            "{}.{}",
            c.prep
                .format_table(&self.b.table_name, self.b.schema.as_deref()),
            c.q(&tr.source)
        );
        if tr.casts.is_empty() {
            return expr;
        }
        for t in &tr.casts {
            expr = format!("CAST({expr} AS {t})");
        }
        format!("{expr} AS {}", c.q(&tr.source))
    }

    /// The column declared `PRIMARY KEY AUTOINCREMENT` under `sqlite_autoincrement`: the
    /// lone primary key column, of integer affinity, with no foreign key.
    fn sqlite_inline_pk(
        &self,
        c: &Compiler,
        pk: &PrimaryKey,
        others: &[Constraint],
    ) -> Option<usize> {
        if !self.b.sqlite_autoincrement || c.dialect != Dialect::Sqlite || pk.columns.len() != 1 {
            return None;
        }
        let name = &pk.columns[0];
        let i = self
            .columns
            .iter()
            .position(|col| &col.column.name == name)?;
        let col = &self.columns[i];
        let has_fk = others
            .iter()
            .chain(col.column.constraints.iter())
            .any(|k| matches!(k, Constraint::ForeignKey(fk) if fk.columns.contains(name)));
        (col.affinity.as_deref() == Some("Integer") && !has_fk).then_some(i)
    }

    /// `_create`: the statements of the move and copy.
    fn create(
        mut self,
        c: &Compiler,
        render_op: &impl Fn(&Op) -> Result<Vec<String>, DdlError>,
    ) -> Result<Vec<String>, DdlError> {
        if !self.b.partial_reordering.is_empty() || !self.add_col_ordering.is_empty() {
            self.reorder()?;
        }
        let b = self.b;
        let schema = b.schema.as_deref();
        let keys: HashSet<&str> = self.columns.iter().map(|c| c.key.as_str()).collect();

        // the types' constraints and table_args first (created with the new table), then
        // the copies: named, then unnamed
        let mut consts: Vec<Constraint> = self
            .type_bound
            .iter()
            .filter(|tb| keys.contains(tb.key.as_str()))
            .map(|tb| tb.constraint.clone())
            .collect();
        consts.extend(b.table_args.iter().cloned());
        for st in self.named.iter().map(|(_, s)| s).chain(self.unnamed.iter()) {
            if st.keys.iter().all(|k| keys.contains(k.as_str())) {
                consts.push(self.copy_constraint(&st.constraint));
            }
        }
        let mut pk: Option<PrimaryKey> = None;
        let mut others = Vec::new();
        for k in consts {
            match k {
                Constraint::PrimaryKey(p) => pk = Some(p),
                other => others.push(other),
            }
        }
        let pk = pk.unwrap_or_else(|| PrimaryKey {
            name: None,
            columns: self
                .columns
                .iter()
                .filter(|c| c.column.primary_key)
                .map(|c| c.column.name.clone())
                .collect(),
            deferrable: None,
            initially: None,
            postgresql_include: Vec::new(),
            mysql_using: None,
        });
        // a PrimaryKeyConstraint makes its columns NOT NULL unless `nullable` was given
        for col in self.columns.iter_mut() {
            if col.nullable_unspecified && pk.columns.contains(&col.column.name) {
                col.column.nullable = false;
            }
        }
        let inline_pk = self.sqlite_inline_pk(c, &pk, &others);
        if let Some(i) = inline_pk {
            self.columns[i].column.sqlite_autoincrement = true;
        }
        let mut constraints = Vec::new();
        if !pk.columns.is_empty() && inline_pk.is_none() {
            constraints.push(Constraint::PrimaryKey(pk));
        }
        constraints.extend(others);

        let mut out = Vec::new();
        if c.dialect == Dialect::Postgresql {
            // `prep_table_for_batch`: free the names of the old table's constraints that the
            // new table reuses
            for name in self
                .original_names
                .iter()
                .filter(|n| self.named.iter().any(|(m, _)| m == *n))
            {
                out.extend(render_op(&Op::DropConstraint(DropConstraint {
                    constraint_name: name.clone(),
                    table_name: b.table_name.clone(),
                    type_: None::<ConstraintType>,
                    schema: b.schema.clone(),
                    if_exists: false,
                }))?);
            }
        }
        let new_table = CreateTable {
            table_name: self.temp_name.clone(),
            schema: b.schema.clone(),
            columns: self.columns.iter().map(|c| c.column.clone()).collect(),
            constraints,
            indexes: Vec::new(),
            comment: None,
            prefixes: Vec::new(),
            if_not_exists: false,
            before_create: Vec::new(),
            postgresql_options: Default::default(),
            mysql_options: Vec::new(),
            sqlite_with_rowid: true,
            sqlite_strict: false,
        };
        out.extend(render_op(&Op::CreateTable(new_table))?);

        let moved: Vec<&ColState> = self
            .columns
            .iter()
            .filter(|c| c.transfer.is_some())
            .collect();
        let names: Vec<String> = moved.iter().map(|c| c.column.name.clone()).collect();
        let exprs: Vec<String> = moved
            .iter()
            .filter_map(|col| col.transfer.as_ref().map(|t| self.transfer_sql(c, t)))
            .collect();
        out.push(format!(
            "INSERT INTO {} ({}) SELECT {} \nFROM {}",
            c.prep.format_table(&self.temp_name, schema),
            names.iter().map(|n| c.q(n)).collect::<Vec<_>>().join(", "),
            exprs.join(", "),
            c.prep.format_table(&b.table_name, schema)
        ));
        out.extend(render_op(&Op::DropTable(DropTable {
            table_name: b.table_name.clone(),
            schema: b.schema.clone(),
            if_exists: false,
        }))?);
        out.extend(render_op(&Op::RenameTable(RenameTable {
            table_name: self.temp_name.clone(),
            new_table_name: b.table_name.clone(),
            schema: b.schema.clone(),
        }))?);

        // `_gather_indexes_from_both_tables`
        for ix in &self.indexes {
            let mut ix = ix.clone();
            ix.table_name = b.table_name.clone();
            ix.schema = b.schema.clone();
            for el in ix.elements.iter_mut() {
                if let IndexElement::Column(name) = el
                    && let Some(new) = self.name_of(name)
                {
                    *name = new.to_string();
                }
            }
            out.extend(render_op(&Op::CreateIndex(ix))?);
        }
        for ix in &self.new_indexes {
            let mut ix = ix.clone();
            ix.table_name = b.table_name.clone();
            ix.schema = b.schema.clone();
            let mut els = Vec::new();
            for el in &ix.elements {
                // alembic rebuilds a new index from its columns, looked up by key
                if let IndexElement::Column(key) = el {
                    let name = self
                        .name_of(key)
                        .ok_or_else(|| DdlError::Key(key.clone()))?;
                    els.push(IndexElement::Column(name.to_string()));
                }
            }
            ix.elements = els;
            ix.if_not_exists = false;
            out.extend(render_op(&Op::CreateIndex(ix))?);
        }
        Ok(out)
    }
}

fn remove_pk_column(k: &mut Constraint, name: &str) {
    if let Constraint::PrimaryKey(pk) = k {
        pk.columns.retain(|c| c != name);
    }
}

/// Insert or replace by name, keeping the first position (a Python dict).
fn upsert(v: &mut Vec<(String, ConstState)>, name: String, st: ConstState) {
    match v.iter_mut().find(|(n, _)| *n == name) {
        Some(slot) => slot.1 = st,
        None => v.push((name, st)),
    }
}

fn upsert_col(v: &mut Vec<ColState>, col: ColState) {
    match v.iter_mut().find(|c| c.key == col.key) {
        Some(slot) => *slot = col,
        None => v.push(col),
    }
}

fn upsert_index(v: &mut Vec<Index>, ix: Index) {
    match v.iter_mut().find(|i| i.index_name == ix.index_name) {
        Some(slot) => *slot = ix,
        None => v.push(ix),
    }
}

fn op_name(op: &Op) -> String {
    serde_json::to_value(op)
        .ok()
        .and_then(|v| v.get("op").and_then(|s| s.as_str()).map(str::to_string))
        .unwrap_or_else(|| "operation".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ddl::{RenderOptions, render};

    fn batch(json: &str) -> Op {
        serde_json::from_str(json).unwrap()
    }

    const TABLE: &str = r#"{"columns": [
        {"name": "id", "type": {"sql": "INTEGER"}, "nullable": false, "primary_key": true, "affinity": "Integer"},
        {"name": "name", "type": {"sql": "VARCHAR(50)"}, "affinity": "String"},
        {"name": "amount", "type": {"sql": "NUMERIC(10, 2)"}, "affinity": "Numeric"}],
      "constraints": [{"constraint": {"type": "primary_key", "columns": ["id"]}, "keys": ["id"]}],
      "indexes": [{"index_name": "ix_name", "table_name": "account", "elements": [{"column": "name"}]}]}"#;

    fn sqlite(steps: &str) -> Vec<String> {
        sqlite_with(steps, "auto")
    }

    fn sqlite_with(steps: &str, recreate: &str) -> Vec<String> {
        let op = batch(&format!(
            r#"{{"op": "batch_alter_table", "table_name": "account", "table": {TABLE},
                "recreate": "{recreate}", "steps": {steps}}}"#
        ));
        render(
            &op,
            Dialect::Sqlite,
            &RenderOptions {
                as_sql: true,
                ..Default::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn add_column_and_index_run_as_they_are_on_sqlite() {
        let out = sqlite(
            r#"[{"op": "add_column", "table_name": "account",
                 "column": {"name": "z", "type": {"sql": "INTEGER"}}}]"#,
        );
        assert_eq!(out, vec!["ALTER TABLE account ADD COLUMN z INTEGER"]);
    }

    #[test]
    fn move_and_copy_casts_a_changed_affinity() {
        let out = sqlite(
            r#"[{"op": "alter_column", "table_name": "account", "column_name": "amount",
                 "type": {"sql": "VARCHAR(20)"}, "new_column_name": "amt",
                 "type_affinity": "String"},
                {"op": "drop_column", "table_name": "account", "column_name": "name"}]"#,
        );
        assert_eq!(
            out,
            vec![
                "CREATE TABLE _alembic_tmp_account (\n    id INTEGER NOT NULL, \n    amt \
                 VARCHAR(20), \n    PRIMARY KEY (id)\n)",
                "INSERT INTO _alembic_tmp_account (id, amt) SELECT account.id, \
                 CAST(account.amount AS VARCHAR(20)) AS amount \nFROM account",
                "DROP TABLE account",
                "ALTER TABLE _alembic_tmp_account RENAME TO account",
                "CREATE INDEX ix_name ON account (name)",
            ]
        );
    }

    #[test]
    fn insert_before_orders_the_new_column() {
        let out = sqlite_with(
            r#"[{"op": "add_column", "table_name": "account", "insert_before": "name",
                 "column": {"name": "z", "type": {"sql": "INTEGER"}}},
                {"op": "drop_index", "index_name": "ix_name"}]"#,
            "always",
        );
        assert_eq!(out.len(), 4);
        assert_eq!(
            out[0],
            "CREATE TABLE _alembic_tmp_account (\n    id INTEGER NOT NULL, \n    z INTEGER, \n    \
             name VARCHAR(50), \n    amount NUMERIC(10, 2), \n    PRIMARY KEY (id)\n)"
        );
        assert_eq!(
            out[1],
            "INSERT INTO _alembic_tmp_account (id, name, amount) SELECT account.id, \
             account.name, account.amount \nFROM account"
        );
    }
}
