//! placeholder
use super::model::Reflection;
use super::{Catalog, ReflectError, ReflectOptions};

pub(super) async fn reflect(
    _catalog: &mut Catalog<'_>,
    _options: &ReflectOptions,
) -> Result<Reflection, ReflectError> {
    Ok(Reflection::default())
}
