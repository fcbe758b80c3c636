//! `newsroom init DIR`: a new site that builds with the embedded default theme.

use anyhow::{Result, bail};

use crate::cli::InitArgs;
use crate::fsx;
use crate::render::templates::DEFAULT_THEME;

const CONFIG: &str = r#"# Site settings. Every key is documented in the newsroom README.
title = "My Tech News"
description = "精选科技新闻"
base_url = "https://example.org/"
language = "zh"
paginate_by = 10
feed_limit = 20

[taxonomies.companies]
feed = true

[taxonomies.topics]
feed = true

[markdown]
smart_punctuation = false

[extra]
"#;

const SAMPLE: &str = r#"+++
title = "欢迎使用 newsroom"
date = 2026-01-01
description = "这是一篇示例文章：编辑或删除它，然后用 newsroom convert 导入抓取的文章。"
authors = ["newsroom"]

[taxonomies]
companies = ["OpenAI"]
topics = ["Artificial Intelligence"]

[extra]
source = "newsroom"
language = "zh"
+++
这是一篇示例文章：编辑或删除它，然后用 `newsroom convert` 导入抓取的文章。

## 下一步

运行 `newsroom build` 生成网站，输出在 `public/` 目录中。
"#;

pub fn run(args: &InitArgs) -> Result<()> {
    let dir = &args.dir;
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir)
            .map_err(|e| anyhow::anyhow!("failed to read `{}`: {e}", dir.display()))?;
        if entries.next().is_some() {
            bail!(
                "`{}` exists and is not empty; init writes only into a new or empty directory",
                dir.display()
            );
        }
    }
    fsx::write(&dir.join("config.toml"), CONFIG)?;
    fsx::write(&dir.join(".gitignore"), "/public\n/.public.*\n")?;
    fsx::write(&dir.join("content/welcome.md"), SAMPLE)?;
    fsx::create_dir_all(&dir.join("static"))?;
    if args.templates {
        for (name, src) in DEFAULT_THEME {
            fsx::write(&dir.join("templates").join(name), src)?;
        }
        fsx::write(&dir.join("templates/theme.toml"), crate::config::THEME_TOML)?;
    }
    eprintln!(
        "Created a site in {}. Next: cd {} && newsroom build",
        dir.display(),
        dir.display()
    );
    Ok(())
}
