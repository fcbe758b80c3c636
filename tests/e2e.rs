//! Browser tests (headless Chromium driven by playwright-core, in tests/e2e/). They need
//! Node.js, `npm ci` in tests/e2e and a Chromium; without them they skip with a message,
//! unless NEWSROOM_E2E=1 (set by .ci/run), where a missing piece is a failure.

use std::path::Path;
use std::process::Command;

fn run_script(script: &str) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let required = std::env::var("NEWSROOM_E2E").is_ok_and(|v| v == "1");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let mut missing = Vec::new();
    if Command::new("node").arg("--version").output().is_err() {
        missing.push("node".to_string());
    }
    if !Path::new(&chromium).exists() {
        missing.push(format!("chromium at {chromium}"));
    }
    if !repo.join("tests/e2e/node_modules/playwright-core").exists() {
        missing.push("tests/e2e/node_modules (run `npm ci` in tests/e2e)".to_string());
    }
    if !missing.is_empty() {
        assert!(
            !required,
            "NEWSROOM_E2E=1 but missing: {}",
            missing.join(", ")
        );
        eprintln!(
            "skipping browser test {script}: missing {}",
            missing.join(", ")
        );
        return;
    }
    let out = Command::new("node")
        .arg(repo.join("tests/e2e").join(script))
        .env("NEWSROOM_BIN", env!("CARGO_BIN_EXE_newsroom"))
        .env("CHROMIUM", &chromium)
        .output()
        .expect("run node");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{log}");
    assert!(out.status.success(), "{script} failed:\n{log}");
}

#[test]
fn serve_click_through_live_reload_and_error_overlay_in_chromium() {
    run_script("serve.mjs");
}

#[test]
fn site_pages_screenshots_layout_and_axe_in_chromium() {
    run_script("site.mjs");
}
