//! Revision scripts: finding them in the version locations, reading their headers
//! statically, and naming new ones (`file_template`, slug, revision id).

mod error;
mod header;
mod lexer;
mod scan;
mod template;

pub use error::ScriptError;
pub use header::{HeaderParse, ScriptHeader, parse_script, parse_script_bytes};
pub use scan::{
    LoadedScript, Scan, ScanItem, check_script_directory, load_version_locations, parse_items,
    scan_version_locations, scan_with_warnings,
};
pub use template::{
    DEFAULT_FILE_TEMPLATE, DEFAULT_TRUNCATE_SLUG_LENGTH, FileTemplateTokens, generate_rev_id,
    render_file_template, slugify,
};
