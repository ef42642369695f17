//! The configuration file and themes as a user meets them: through the binary.

use std::path::Path;
use std::process::{Command, Output};

fn awstop(args: &[&str], config_home: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_awstop"))
        .env(
            "XDG_STATE_HOME",
            crate::common::state_home(),
        )
        .args(args)
        .env("XDG_CONFIG_HOME", config_home)
        .env_remove("NO_COLOR")
        .output()
        .unwrap()
}

fn temp(name: &str) -> crate::common::Scratch {
    let d = crate::common::scratch(&format!("awstop-test-{name}-"));
    std::fs::create_dir_all(d.join("awstop")).unwrap();
    d
}

#[test]
fn config_default_prints_the_documented_file() {
    let home = temp("cfg-default");
    let out = awstop(&["config", "--default"], &home);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        awstop::config::default_file()
    );
    // Written out as the user's file, it changes nothing.
    std::fs::write(
        home.join("awstop/config.toml"),
        awstop::config::default_file(),
    )
    .unwrap();
    let out = awstop(&["config"], &home);
    assert!(String::from_utf8_lossy(&out.stdout).contains("awstop/config.toml"));
}

#[test]
fn the_file_sets_defaults_and_flags_override_it() {
    let home = temp("cfg-values");
    std::fs::write(home.join("awstop/config.toml"), "[metrics]\nwindow = 30\n").unwrap();
    let snap = |args: &[&str]| -> serde_json::Value {
        let out = awstop(args, &home);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let base = [
        "--demo",
        "--once",
        "--format",
        "json",
        "--demo-clock",
        "2026-11-22T14:03:20Z",
    ];
    assert_eq!(snap(&base)["window_minutes"], 30);
    let mut with_flag = base.to_vec();
    with_flag.extend(["--window", "45"]);
    assert_eq!(snap(&with_flag)["window_minutes"], 45);
    // The CloudWatch budget caps what watching is projected to cost: from
    // the file (under either spelling), and the flag over the file.
    let watching = |args: &[&str]| {
        snap(args)["cost"]["watching_usd_per_hour"]
            .as_f64()
            .unwrap()
    };
    let unbudgeted = watching(&base);
    assert!(unbudgeted > 0.05, "{unbudgeted}");
    for key in ["budget-usd-per-hour", "budget_usd_per_hour"] {
        std::fs::write(
            home.join("awstop/config.toml"),
            format!("[metrics]\n{key} = 0.05\n"),
        )
        .unwrap();
        assert_eq!(watching(&base), 0.05, "{key}");
    }
    let mut with_budget = base.to_vec();
    with_budget.extend(["--budget", "0.02"]);
    assert_eq!(watching(&with_budget), 0.02);
}

#[test]
fn bad_config_and_theme_files_fail_with_their_position() {
    let home = temp("cfg-bad");
    let cfg = home.join("awstop/config.toml");
    std::fs::write(&cfg, "[ui]\ntheme = \"default\"\ncolour = \"red\"\n").unwrap();
    let out = awstop(&["--demo", "--once"], &home);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!(
            "awstop: {}:3:1: unknown field `colour`",
            cfg.display()
        )),
        "{err}"
    );
    assert!(out.stdout.is_empty());

    std::fs::remove_file(&cfg).unwrap();
    let theme = home.join("mine.toml");
    std::fs::write(&theme, "[slots]\nok = { fg = \"mauve\" }\n").unwrap();
    // Themes are read for the dashboard; the pseudo-terminal-free path is `--once`,
    // so check through the library the binary uses, then the binary's refusal.
    let e = awstop::theme::Theme::load(theme.to_str().unwrap(), None).unwrap_err();
    assert!(
        e.starts_with(&format!("{}:2:", theme.display())) && e.contains("unknown colour \"mauve\""),
        "{e}"
    );
    let e = awstop::theme::Theme::load("nope", None).unwrap_err();
    assert!(e.contains("built-in themes are"), "{e}");
}
