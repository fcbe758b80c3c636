//! Command-line interface: one args struct per command; doc comments are the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// newsroom: a static site generator for curated tech news.
#[derive(Debug, Parser)]
#[command(name = "newsroom", version, about)]
pub struct Cli {
    /// The site's root directory (holds config.toml, content/, templates/, static/).
    #[arg(long, global = true, default_value = ".")]
    pub root: PathBuf,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render content/ through the templates into a static site.
    Build(BuildArgs),
    /// Create a new site that builds with the embedded default theme.
    Init(InitArgs),
    /// Turn scraped articles (text or HTML) into Markdown files with front matter.
    Convert(ConvertArgs),
    /// Recompute the companies and topics of existing Markdown files (only `[taxonomies]` changes).
    Tag(TagArgs),
    /// Preview the site with live reload: builds in memory, never touches public/.
    Serve(ServeArgs),
    /// Build without writing and report broken links and anchors, incomplete articles and
    /// near-duplicate stories.
    Check(CheckArgs),
    /// Build, then commit the site onto a branch (e.g. gh-pages) and optionally push it.
    Publish(PublishArgs),
}

#[derive(Debug, Args, Clone)]
pub struct PublishArgs {
    /// Branch that receives the built site.
    #[arg(long, default_value = "gh-pages")]
    pub branch: String,
    /// Push the branch to this remote after committing.
    #[arg(long)]
    pub remote: Option<String>,
    /// Commit message (default: names the source commit).
    #[arg(short, long)]
    pub message: Option<String>,
    /// Base URL to build with, e.g. https://user.github.io/repo/.
    #[arg(short = 'u', long, env = "NEWSROOM_BASE_URL")]
    pub base_url: Option<String>,
    /// Custom domain: writes a CNAME file for GitHub Pages.
    #[arg(long)]
    pub cname: Option<String>,
    /// Where to build (default: <root>/public).
    #[arg(short = 'o', long)]
    pub output_dir: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct CheckArgs {
    /// Also check external links (with curl; slow, needs the network).
    #[arg(long)]
    pub external: bool,
    /// Also check articles marked `draft = true`.
    #[arg(long)]
    pub drafts: bool,
}

#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    /// Port to listen on (0: any free port).
    #[arg(short, long, default_value_t = 1111)]
    pub port: u16,
    /// Address to bind; anything but loopback makes the preview reachable from other machines.
    #[arg(short, long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Also show articles marked `draft = true`.
    #[arg(long)]
    pub drafts: bool,
}

#[derive(Debug, Args, Clone)]
pub struct BuildArgs {
    /// Where to write the site (default: <root>/public).
    #[arg(short = 'o', long)]
    pub output_dir: Option<PathBuf>,
    /// Overrides config.toml's base_url, e.g. https://example.org/news/.
    #[arg(short = 'u', long, env = "NEWSROOM_BASE_URL")]
    pub base_url: Option<String>,
    /// Also build articles marked `draft = true`.
    #[arg(long)]
    pub drafts: bool,
    /// Replace the contents of a non-empty output directory that newsroom did not write.
    #[arg(long)]
    pub force: bool,
    /// Print how long each step took.
    #[arg(long)]
    pub timings: bool,
}

#[derive(Debug, Args, Clone)]
pub struct InitArgs {
    /// Directory to create (must not exist or be empty).
    pub dir: PathBuf,
    /// Also copy the default theme into templates/ for editing.
    #[arg(long)]
    pub templates: bool,
}

#[derive(Debug, Args, Clone)]
pub struct ConvertArgs {
    /// Files, directories (recursive) or `-` for standard input.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output directory (default: the site's content/).
    #[arg(short = 'o', long)]
    pub out: Option<PathBuf>,
    /// Overwrite existing files.
    #[arg(long)]
    pub force: bool,
    /// Print the Markdown instead of writing files.
    #[arg(long)]
    pub dry_run: bool,
    /// List every dropped block with its rule id and reason.
    #[arg(long)]
    pub explain: bool,
    /// Source brand to record (overrides detection).
    #[arg(long)]
    pub source: Option<String>,
    /// URL the input was scraped from.
    #[arg(long)]
    pub url: Option<String>,
    /// Language code (overrides detection).
    #[arg(long)]
    pub lang: Option<String>,
    /// Keep ASCII punctuation between Chinese characters as it is.
    #[arg(long)]
    pub keep_punctuation: bool,
    /// Largest input accepted, in bytes.
    #[arg(long, default_value_t = 20 * 1024 * 1024)]
    pub max_size: u64,
    /// Seconds one input may take; a file over it fails with an error and the batch goes on
    /// (0: no limit).
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    pub timeout: f64,
    /// Write each article as a page bundle (`<name>/index.md`) with its images downloaded
    /// into it and linked locally; an image that cannot be fetched keeps its URL, with a
    /// warning (default: `[convert] fetch_images` in config.toml).
    #[arg(long, overrides_with = "no_fetch_images")]
    pub fetch_images: bool,
    /// Do not download images, whatever config.toml says.
    #[arg(long, overrides_with = "fetch_images")]
    pub no_fetch_images: bool,
}

#[derive(Debug, Args, Clone)]
pub struct TagArgs {
    /// Markdown files or directories (recursive; default: the site's content/).
    pub paths: Vec<PathBuf>,
    /// Show what would change without writing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print every company and topic score behind the tags (`+` = tagged) with the thresholds.
    #[arg(long)]
    pub explain: bool,
}
