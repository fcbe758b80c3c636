//! newsroom: a static site generator for curated tech news.
//!
//! ```text
//! convert:  bytes → blocks → boilerplate rules → metadata → tags → Article → content/<file>.md
//! build:    content/**/*.md → FrontMatter + body → Page → Library → views → tera → public/
//! ```

pub mod binary;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod content;
pub mod convert;
pub mod dates;
pub mod diag;
pub mod expand;
pub mod fetch;
pub mod fsx;
pub mod image;
pub mod markdown;
pub mod output;
pub mod pattern;
pub mod render;
pub mod rules;
pub mod search;
pub mod serve;
pub mod shortcode;
pub mod site;
pub mod slug;
pub mod strings;
pub mod tagging;
pub mod text;

use std::process::ExitCode;

use cli::{Cli, Command};

/// Runs one command; `Ok` carries the exit code for commands that report partial failure.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Command::Build(args) => cmd::build::run(&cli.root, args).map(|_| ExitCode::SUCCESS),
        Command::Init(args) => cmd::init::run(args).map(|_| ExitCode::SUCCESS),
        Command::Convert(args) => cmd::convert::run(&cli.root, args),
        Command::Tag(args) => cmd::tag::run(&cli.root, args),
        Command::Publish(args) => cmd::publish::run(&cli.root, args).map(|_| ExitCode::SUCCESS),
        Command::Check(args) => cmd::check::run(&cli.root, args),
        Command::Serve(args) => cmd::serve::run(&cli.root, args).map(|_| ExitCode::SUCCESS),
    }
}
