//! `newsroom check`: build in memory and report what a reader would trip over, with file and
//! line. The checks themselves are in `content::check`; this runs them (and `--external`,
//! which asks the network with `curl`) and prints the findings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use rayon::prelude::*;

use crate::cli::CheckArgs;
use crate::cmd::build;
use crate::content::check::{
    Finding, Severity, attr_values, check_body_links, check_duplicates, check_links, check_metadata,
};
use crate::content::{Library, Page};
use crate::render::output::MemoryOutput;

/// The arguments `check --external` runs curl with: no user `.curlrc` (`-q`, first), http(s)
/// only, redirects not followed (a 3xx is an answer; following it could lead to any host),
/// bounded time.
fn curl_args(url: &str, head: bool) -> Vec<&str> {
    let mut args = vec![
        "-q",
        "-sS",
        "--proto",
        "=http,https",
        "--max-redirs",
        "0",
        "--connect-timeout",
        "10",
        "--max-time",
        "15",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
    ];
    if head {
        args.push("-I");
    }
    args.push("--");
    args.push(url);
    args
}

/// The HTTP status curl got for `url` (`000`: no answer), or why curl could not run.
fn curl_status(url: &str, head: bool) -> String {
    match std::process::Command::new("curl")
        .args(curl_args(url, head))
        .output()
    {
        Ok(o) => String::from_utf8_lossy(&o.stdout).trim().to_string(),
        Err(e) => e.to_string(),
    }
}

/// External links of article bodies, checked with `curl` (HEAD, then GET when refused),
/// but those starting with one of `[link_checker] skip_prefixes`.
fn check_external(
    library: &Library,
    skip_prefixes: &[String],
    findings: &mut Vec<Finding>,
) -> Result<()> {
    if std::process::Command::new("curl")
        .arg("--version")
        .output()
        .is_err()
    {
        anyhow::bail!("--external needs `curl` on the PATH");
    }
    let mut by_url: BTreeMap<String, Vec<&Page>> = BTreeMap::new();
    for p in &library.pages {
        for l in attr_values(&p.rendered.html, "href")
            .into_iter()
            .chain(attr_values(&p.rendered.html, "src"))
        {
            if (l.starts_with("http://") || l.starts_with("https://"))
                && !skip_prefixes.iter().any(|p| l.starts_with(p.as_str()))
            {
                by_url.entry(l).or_default().push(p);
            }
        }
    }
    // One host at a time per host (hosts in parallel), so a site with many links is not
    // hammered; within a host, one request after the other.
    let mut by_host: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for url in by_url.keys() {
        let host = url::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default();
        by_host.entry(host).or_default().push(url.clone());
    }
    let results: Vec<(String, String)> = by_host
        .into_values()
        .collect::<Vec<_>>()
        .into_par_iter()
        .flat_map_iter(|urls| {
            urls.into_iter().map(|url| {
                let mut code = curl_status(&url, true);
                if !code.starts_with('2') && !code.starts_with('3') {
                    code = curl_status(&url, false);
                }
                (url, code)
            })
        })
        .collect();
    for (url, code) in results {
        if code.starts_with('2') || code.starts_with('3') {
            continue;
        }
        let what = if code == "000" {
            "no answer".to_string()
        } else {
            format!("HTTP {code}")
        };
        for p in &by_url[&url] {
            findings.push(Finding {
                severity: Severity::Error,
                file: p.file.clone(),
                line: p.line_of(&url),
                message: format!("external link `{url}`: {what}"),
            });
        }
    }
    Ok(())
}

/// Everything `check` finds, sorted: errors first, then by file.
pub fn findings(root: &Path, args: &CheckArgs) -> Result<Vec<Finding>> {
    let config = crate::site::load_config(root)?;
    let library = match crate::content::library::load(
        &root.join("content"),
        &config,
        args.drafts,
        crate::content::library::Sources::Keep,
    ) {
        Ok(l) => l,
        Err(diags) => {
            return Ok(diags
                .into_iter()
                .map(|d| Finding {
                    severity: Severity::Error,
                    file: d.file,
                    line: d.line,
                    message: d.message,
                })
                .collect());
        }
    };
    let mut findings: Vec<Finding> = library
        .warnings
        .iter()
        .map(|w| Finding {
            severity: Severity::Warning,
            file: PathBuf::from("config.toml"),
            line: None,
            message: w.clone(),
        })
        .collect();
    findings.extend(config.warnings.iter().map(|w| Finding {
        severity: Severity::Warning,
        file: PathBuf::from(&w.file),
        line: Some(w.line),
        message: w.message.clone(),
    }));
    let skipped = crate::content::assets::plan(
        root,
        &config.assets.extensions,
        &library.draft_files,
        &library.bundle_dirs(),
    )?;
    findings.extend(skipped.skipped.into_iter().map(|(file, why)| Finding {
        severity: Severity::Warning,
        file,
        line: None,
        message: format!("not copied to the site: {why}"),
    }));
    let out = MemoryOutput::default();
    build::render_site(root, &config, &library, &out)?;
    let files = out.files.into_inner().expect("memory output poisoned");
    findings.extend(check_body_links(&config, &library, &|path: &str| {
        files.contains_key(path)
    }));
    check_links(&config, &library, &files, &mut findings);
    check_metadata(&library, &mut findings);
    check_duplicates(&library, &mut findings);
    if args.external {
        check_external(&library, &config.link_checker.skip_prefixes, &mut findings)?;
    }
    findings.sort();
    findings.dedup();
    Ok(findings)
}

pub fn run(root: &Path, args: &CheckArgs) -> Result<ExitCode> {
    let findings = findings(root, args)?;
    for f in &findings {
        eprintln!("{f}");
    }
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    eprintln!(
        "check: {errors} error{}, {warnings} warning{}",
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" }
    );
    Ok(if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::curl_args;

    #[test]
    fn curl_reads_no_curlrc_follows_no_redirect_and_speaks_only_http() {
        let args = curl_args("https://example.com/-o", true);
        assert_eq!(args[0], "-q", "-q only works as the first argument");
        assert!(!args.contains(&"-L"));
        assert!(args.windows(2).any(|w| w == ["--proto", "=http,https"]));
        assert!(args.windows(2).any(|w| w == ["--max-redirs", "0"]));
        // The URL comes after `--`, so a URL can never be read as an option.
        assert_eq!(&args[args.len() - 2..], ["--", "https://example.com/-o"]);
    }
}
