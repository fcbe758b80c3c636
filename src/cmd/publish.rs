//! `newsroom publish`: build, then commit the built site onto a branch (gh-pages by default)
//! without touching the working tree, the index or the current branch, and push it.
//!
//! Git is run as a program, so the user's credentials, SSH agent and config just work. The
//! commit is made with plumbing (`add` into a private index, `write-tree`, `commit-tree`,
//! `update-ref`).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::cli::{BuildArgs, PublishArgs};

struct Git {
    repo: PathBuf,
    index: Option<PathBuf>,
    identity: bool,
}

impl Git {
    fn cmd(&self) -> Command {
        let mut c = Command::new("git");
        c.arg("-C").arg(&self.repo);
        if let Some(i) = &self.index {
            c.env("GIT_INDEX_FILE", i);
        }
        if !self.identity {
            // A CI machine often has no identity configured; the commit still needs one.
            for (k, v) in [
                ("GIT_AUTHOR_NAME", "newsroom"),
                ("GIT_AUTHOR_EMAIL", "newsroom@localhost"),
                ("GIT_COMMITTER_NAME", "newsroom"),
                ("GIT_COMMITTER_EMAIL", "newsroom@localhost"),
            ] {
                c.env(k, v);
            }
        }
        c
    }

    fn run(&self, args: &[&str], stdin: Option<&[u8]>) -> Result<String> {
        let mut c = self.cmd();
        c.args(args);
        let out = if let Some(input) = stdin {
            use std::io::Write;
            let mut child = c
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .context("failed to run git")?;
            child.stdin.take().expect("piped").write_all(input)?;
            child.wait_with_output()?
        } else {
            c.output().context("failed to run git")?
        };
        if !out.status.success() {
            bail!(
                "`git {}` failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    fn try_run(&self, args: &[&str]) -> Option<String> {
        self.run(args, None).ok().filter(|s| !s.is_empty())
    }
}

pub fn run(root: &Path, args: &PublishArgs) -> Result<()> {
    if Command::new("git").arg("--version").output().is_err() {
        bail!("publish needs `git` on the PATH");
    }
    let output = args
        .output_dir
        .clone()
        .unwrap_or_else(|| root.join("public"));
    crate::cmd::build::run(
        root,
        &BuildArgs {
            output_dir: Some(output.clone()),
            base_url: args.base_url.clone(),
            drafts: false,
            force: false,
            timings: false,
        },
    )?;
    let output = output
        .canonicalize()
        .with_context(|| format!("failed to open `{}`", output.display()))?;

    let probe = Git {
        repo: root.to_path_buf(),
        index: None,
        identity: true,
    };
    let top = probe
        .run(&["rev-parse", "--show-toplevel"], None)
        .with_context(|| format!("`{}` is not inside a git repository", root.display()))?;
    let identity = probe.try_run(&["config", "user.name"]).is_some()
        && probe.try_run(&["config", "user.email"]).is_some();
    let git_dir = probe.run(&["rev-parse", "--absolute-git-dir"], None)?;
    let tmp = tempfile_path(Path::new(git_dir.trim()))?;
    let _ = std::fs::remove_file(&tmp); // a stale one of a killed run with this pid
    let git = Git {
        repo: PathBuf::from(&top),
        index: Some(tmp.clone()),
        identity,
    };
    let result = commit(&git, &output, args);
    let _ = std::fs::remove_file(&tmp);
    let (commit, changed) = result?;
    let branch = &args.branch;
    if changed {
        eprintln!("Committed the site to `{branch}` ({commit})");
    } else {
        eprintln!("The site on `{branch}` is already up to date ({commit})");
    }
    if let Some(remote) = &args.remote {
        git.run(
            &[
                "push",
                remote,
                &format!("refs/heads/{branch}:refs/heads/{branch}"),
            ],
            None,
        )?;
        eprintln!("Pushed `{branch}` to `{remote}`");
    }
    Ok(())
}

/// The temporary index lives in the repository's own git directory, never under a predictable
/// name in the shared `/tmp` (where another user could plant it first).
fn tempfile_path(git_dir: &Path) -> Result<PathBuf> {
    Ok(git_dir.join(format!("newsroom-publish-index-{}", std::process::id())))
}

/// Commits the output folder as the whole tree of `branch`; returns the commit and whether
/// it is new.
fn commit(git: &Git, output: &Path, args: &PublishArgs) -> Result<(String, bool)> {
    let work_tree = format!("--work-tree={}", output.display());
    // `-f`: the output folder is usually git-ignored in the source branch.
    git.run(&[&work_tree, "add", "-A", "-f", "."], None)?;
    let mut extra: Vec<(&str, String)> = vec![(".nojekyll", String::new())];
    if let Some(cname) = &args.cname {
        extra.push(("CNAME", format!("{}\n", cname.trim())));
    }
    for (name, content) in extra {
        if name == "CNAME" || !output.join(name).exists() {
            let sha = git.run(&["hash-object", "-w", "--stdin"], Some(content.as_bytes()))?;
            git.run(
                &[
                    "update-index",
                    "--add",
                    "--cacheinfo",
                    &format!("100644,{sha},{name}"),
                ],
                None,
            )?;
        }
    }
    let tree = git.run(&["write-tree"], None)?;
    let reference = format!("refs/heads/{}", args.branch);
    let parent = git.try_run(&[
        "rev-parse",
        "--verify",
        "-q",
        &format!("{reference}^{{commit}}"),
    ]);
    if let Some(p) = &parent
        && git
            .try_run(&["rev-parse", &format!("{p}^{{tree}}")])
            .as_deref()
            == Some(tree.as_str())
    {
        return Ok((p.clone(), false));
    }
    let message = match &args.message {
        Some(m) => m.clone(),
        None => match git.try_run(&["rev-parse", "--short", "HEAD"]) {
            Some(head) => format!("Publish site built from {head}"),
            None => "Publish site".to_string(),
        },
    };
    let mut commit_args = vec!["commit-tree", tree.as_str(), "-m", message.as_str()];
    if let Some(p) = &parent {
        commit_args.extend(["-p", p.as_str()]);
    }
    let commit = git.run(&commit_args, None)?;
    let mut update = vec!["update-ref", reference.as_str(), commit.as_str()];
    if let Some(p) = &parent {
        update.push(p.as_str());
    }
    git.run(&update, None)?;
    Ok((commit, true))
}
