//! A dialect name given from Python (`"postgresql"`, `"mysql+pymysql"` ...) as an argument of
//! type [`Dialect`]: parsed once, the same way for every binding; an unknown name is a
//! `ValueError` (see `errors::unknown_dialect_error`).

use pyo3::prelude::*;

use super::errors::unknown_dialect_error;
use crate::dialect::Dialect;

impl<'a, 'py> FromPyObject<'a, 'py> for Dialect {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let name: &str = obj.extract()?;
        Dialect::from_name(name).map_err(unknown_dialect_error)
    }
}
