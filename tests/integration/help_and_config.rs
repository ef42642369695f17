//! What awstop says of itself and of its config, through the binary:
//! `--help` names every service it shows, and a config's bad theme is one
//! error with its position in every mode.

fn awstop(args: &[&str], config_home: &std::path::Path) -> std::process::Output {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_awstop"));
    crate::common::moto::awstop_env(&mut c);
    c.args(args)
        .env("XDG_CONFIG_HOME", config_home)
        .env_remove("NO_COLOR")
        .output()
        .unwrap()
}

#[test]
fn help_and_the_package_name_every_service_shown() {
    let home = crate::common::scratch("awstop-test-help-");
    for flag in ["--help", "-h"] {
        let out = awstop(&[flag], &home);
        let text = String::from_utf8_lossy(&out.stdout);
        let first = text.lines().next().unwrap_or("");
        for k in awstop::services::ServiceKind::ALL {
            let label = match k.label() {
                "API GW" => "API Gateway",
                l => l,
            };
            assert!(first.contains(label), "{flag}: {label} not in {first:?}");
        }
    }
    let description = env!("CARGO_PKG_DESCRIPTION");
    for label in [
        "Lambda",
        "ECS",
        "Batch",
        "EKS",
        "ECR",
        "EMR",
        "Lightsail",
        "API Gateway",
    ] {
        assert!(description.contains(label), "{description}");
    }
}

#[test]
fn a_bad_theme_in_the_config_is_one_error_with_its_position_in_every_mode() {
    let home = crate::common::scratch("awstop-test-theme-");
    std::fs::create_dir_all(home.join("awstop")).unwrap();
    let cfg = home.join("awstop").join("config.toml");
    std::fs::write(&cfg, "[metrics]\nwindow = 60\n\n[ui]\ntheme = \"dark\"\n").unwrap();
    let mut errors = Vec::new();
    for args in [
        &["--demo", "--once"][..],
        &["--demo"][..],
        &["--demo", "--once", "--format", "json"][..],
    ] {
        let out = awstop(args, &home);
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains(&format!(
                "{}:5:1: ui.theme: unknown theme \"dark\"",
                cfg.display()
            )),
            "{args:?}: {err}"
        );
        errors.push(err);
    }
    errors.dedup();
    assert_eq!(errors.len(), 1);
    // A theme the file names by a path to a good theme file is fine.
    std::fs::write(&cfg, "[ui]\ntheme = \"light\"\n").unwrap();
    assert!(awstop(&["--demo", "--once"], &home).status.success());
}
