pub fn run(_root: &std::path::Path, _args: &crate::cli::BuildArgs) -> anyhow::Result<()> { anyhow::bail!("todo") }
