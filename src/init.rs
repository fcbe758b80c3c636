pub fn run(_args: &crate::cli::InitArgs) -> anyhow::Result<()> { anyhow::bail!("todo") }
