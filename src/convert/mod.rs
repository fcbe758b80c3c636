//! `newsroom convert`: scraped article → Article → Markdown file with front matter.

use std::process::ExitCode;

use crate::cli::ConvertArgs;

pub fn run(root: &std::path::Path, args: &ConvertArgs) -> anyhow::Result<ExitCode> {
    let _ = (root, args);
    anyhow::bail!("convert is not implemented yet")
}
