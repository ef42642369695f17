//! Hostile and unlucky input: malformed configs, themes, recordings and flags;
//! endless files; escape codes planted in AWS data; forged recordings; links
//! where a file will be written. Each must end in a one-line error and a
//! non-zero exit, with memory that does not grow with the input.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::moto::{awstop_env, Moto};
use crate::common::FROZEN;
use serde_json::Value;

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("awstop-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn cmd(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_awstop"));
    c.args(args);
    awstop_env(&mut c);
    c
}

struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    /// Peak resident set, in megabytes.
    peak_mb: f64,
}

/// Runs to the end (killed after 60 s) and reads the peak RSS from the kernel.
fn measured(mut c: Command, dir: &Path) -> Ran {
    let (o, e) = (dir.join("stdout"), dir.join("stderr"));
    c.stdin(Stdio::null())
        .stdout(std::fs::File::create(&o).unwrap())
        .stderr(std::fs::File::create(&e).unwrap());
    // Reaped by wait4 below, which also gives the peak memory.
    #[allow(clippy::zombie_processes)]
    let child = c.spawn().expect("run awstop");
    let pid = child.id() as i32;
    let started = Instant::now();
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break;
        }
        if started.elapsed() > Duration::from_secs(60) {
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    Ran {
        code,
        stdout: std::fs::read_to_string(&o).unwrap_or_default(),
        stderr: String::from_utf8_lossy(&std::fs::read(&e).unwrap_or_default()).into_owned(),
        peak_mb: usage.ru_maxrss as f64 / 1024.0,
    }
}

/// One line, naming `names`, no panic, a plain non-zero exit, memory bounded.
fn refused(args: &[&str], d: &Path, names: &str) -> Ran {
    let r = measured(cmd(args), d);
    assert!(
        matches!(r.code, Some(c) if c != 0 && c != 101),
        "{args:?}: exit {:?}: {}",
        r.code,
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{args:?}: {}", r.stderr);
    assert_eq!(
        r.stderr.trim_end().lines().count(),
        1,
        "{args:?}: {}",
        r.stderr
    );
    assert!(r.stderr.contains(names), "{args:?}: {}", r.stderr);
    assert!(r.peak_mb < 150.0, "{args:?}: peak {} MB", r.peak_mb);
    r
}

#[test]
fn malformed_configs_themes_recordings_and_flags_fail_in_one_line() {
    let d = dir("malformed");
    let write = |name: &str, bytes: &[u8]| {
        let p = d.join(name);
        std::fs::write(&p, bytes).unwrap();
        p.display().to_string()
    };
    let deep = format!("a = {}{}", "[".repeat(100_000), "]".repeat(100_000));
    let big = "# comment\n".repeat(200_000);
    let configs = [
        ("/dev/zero".to_string(), "/dev/zero"),
        (
            write("max.toml", b"[refresh]\nlambda = 9223372036854775807\n"),
            "max.toml:2:",
        ),
        (
            write("negative.toml", b"[refresh]\necs = -1\n"),
            "negative.toml:2:",
        ),
        (
            write("zero.toml", b"[refresh]\nbatch = 0\n"),
            "zero.toml:2:",
        ),
        (
            write("p100.toml", b"percentile = \"p100\"\n"),
            "p100.toml:1:",
        ),
        (write("deep.toml", deep.as_bytes()), "deep.toml"),
        (write("big.toml", big.as_bytes()), "big.toml"),
        (
            write("binary.toml", &[0xff, 0xfe, 0x00, 0x1b, b'[', b'2', b'J']),
            "binary.toml",
        ),
        (write("unclosed.toml", b"[refresh\n"), "unclosed.toml:1:"),
    ];
    for (path, says) in &configs {
        let r = refused(&["--demo", "--once", "--config", path], &d, says);
        assert!(r.stderr.contains(path.as_str()), "{}", r.stderr);
        assert!(!r.stderr.contains('\x1b'), "{:?}", r.stderr);
    }
    // A theme is read only to draw: in a terminal, before the screen is taken.
    for path in [
        "/dev/zero".to_string(),
        write("deep-theme.toml", deep.as_bytes()),
        write("binary-theme.toml", &[0xff, 0x1b, b']', b'0', b';', 0x07]),
    ] {
        let mut s = crate::common::pty::Session::start(&["--demo", "--theme", &path], 24, 80);
        assert_eq!(s.exit().exit_code(), 2, "{path}");
        let raw = String::from_utf8_lossy(&s.raw).into_owned();
        assert!(raw.contains(&format!("awstop: {path}")), "{raw}");
        assert!(
            !raw.contains("panicked") && !raw.contains("\x1b[?1049h"),
            "{raw}"
        );
    }
    let nested = format!(
        "{{\"prev\":\"x\",\"msg\":{}{}}}\n",
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    let recordings = [
        "/dev/zero".to_string(),
        write("endless-header.awstop", &vec![b'{'; 20 << 20]),
        write("nested.awstop", nested.as_bytes()),
        write("nul.awstop", &[0u8; 4096]),
        write("not-zstd.awstop.zst", b"hello\n"),
    ];
    for path in &recordings {
        refused(&["verify", path], &d, path);
        refused(&["--once", "--replay", path], &d, path);
        refused(&["replay", path], &d, path);
    }
    for (args, says) in [
        (vec!["--once", "--endpoint-url", ""], "--endpoint-url"),
        (
            vec!["--once", "--endpoint-url", "http://"],
            "--endpoint-url",
        ),
        (
            vec!["record", "--endpoint-url", " ", "--rounds", "1"],
            "--endpoint-url",
        ),
        (vec!["--demo", "--once", "--timeout", "0"], "--timeout"),
        (
            vec!["--demo", "--once", "--timeout", "99999999999999999999"],
            "--timeout",
        ),
        (
            vec!["--demo", "--once", "--interval", "lambda=99999999999"],
            "--interval",
        ),
        (
            vec!["--demo", "--once", "--demo-clock", "\x1b]0;x\x07"],
            "--demo-clock",
        ),
        (
            vec!["--demo", "--once", "--percentile", "p0"],
            "--percentile",
        ),
    ] {
        let r = refused(&args, &d, says);
        assert!(!r.stderr.contains('\x1b'), "{:?}", r.stderr);
    }
}

#[test]
fn an_empty_endpoint_variable_is_unset_and_a_bad_one_refused() {
    let d = dir("endpoint");
    // Empty reads as unset (as the AWS CLI reads it): with no credentials on
    // this machine that ends in the no-credentials answer, not in a panic.
    let mut c = cmd(&["--once", "--region", "us-east-1", "--format", "json"]);
    c.env("AWS_ENDPOINT_URL", "")
        .env("AWS_ENDPOINT_URL_LAMBDA", " ")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY");
    let r = measured(c, &d);
    assert_eq!(r.code, Some(4), "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    let snap: Value = serde_json::from_str(&r.stdout).unwrap();
    let errors = snap["errors"].as_array().unwrap();
    assert!(!errors.is_empty());
    for e in errors {
        assert_eq!(e["kind"], "no_credentials", "{e}");
        let m = e["message"].as_str().unwrap();
        assert!(
            m.contains("aws sso login") && m.contains("--profile") && m.contains("--demo"),
            "{m}"
        );
    }
    let mut c = cmd(&["--once", "--region", "us-east-1"]);
    c.env("AWS_ENDPOINT_URL_ECS", "not a url");
    let r = measured(c, &d);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert_eq!(r.stderr.trim_end().lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains("AWS_ENDPOINT_URL_ECS"), "{}", r.stderr);
}

#[test]
fn memory_does_not_grow_with_the_recording() {
    let d = dir("stream");
    let small = d.join("small.awstop");
    let large = d.join("large.awstop");
    for (path, rounds) in [(&small, "1"), (&large, "50")] {
        let out = cmd(&[
            "record",
            "--demo",
            "--demo-clock",
            FROZEN,
            "--rounds",
            rounds,
            "--out",
            path.to_str().unwrap(),
        ])
        .output()
        .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let size_mb = std::fs::metadata(&large).unwrap().len() as f64 / 1e6;
    assert!(size_mb > 8.0, "{size_mb} MB");
    for args in [
        vec!["verify"],
        vec!["--once", "--format", "json", "--replay"],
    ] {
        let peak = |p: &Path| {
            let mut a = args.clone();
            a.push(p.to_str().unwrap());
            let r = measured(cmd(&a), &d);
            assert_eq!(r.code, Some(0), "{a:?}: {}", r.stderr);
            r.peak_mb
        };
        let (s, l) = (peak(&small), peak(&large));
        // Reading the whole file would add at least its size.
        assert!(
            l - s < size_mb / 2.0,
            "{args:?}: {s} MB for 1 round, {l} MB for 50 ({size_mb} MB)"
        );
    }
}

#[test]
fn escape_codes_planted_in_aws_never_reach_the_output_raw() {
    let moto = Moto::start();
    moto.seed("hostile");
    for format in ["table", "csv"] {
        let out = moto.awstop(&["--once", "--format", format]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("PWNED"),
            "{format}: the reason is shown: {text}"
        );
        assert!(
            !text.contains('\x1b') && !text.contains('\x07'),
            "{format}: {text:?}"
        );
    }
    let out = moto.awstop(&["--once", "--format", "json"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("\\u001b]52;c;"),
        "JSON escapes, and keeps, the text"
    );
    assert!(!text.contains('\x1b') && !text.contains('\x07'));
    let snap: Value = serde_json::from_str(&text).unwrap();
    let reasons: Vec<&str> = snap["ecs"]["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["tasks"].as_array().unwrap())
        .filter_map(|t| t["stopped_reason"].as_str())
        .collect();
    assert!(
        reasons.iter().any(|r| r.starts_with("\x1b]0;PWNED\x07")),
        "{reasons:?}"
    );

    // A recording carries the same text; its replay escapes it the same way.
    let d = dir("escapes");
    let rec = d.join("hostile.awstop");
    let out = moto.awstop(&["record", "--rounds", "1", "--out", rec.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = cmd(&[
        "--once",
        "--replay",
        rec.to_str().unwrap(),
        "--format",
        "table",
    ])
    .output()
    .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("PWNED") && !text.contains('\x1b'), "{text:?}");

    // And the dashboard draws it without letting the terminal obey it.
    let mut s = crate::common::pty::Session::start_with_env(
        &[
            "--endpoint-url",
            &moto.url,
            "--region",
            "us-east-1",
            "--pane",
            "ecs",
        ],
        &moto
            .env()
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect::<Vec<_>>(),
        40,
        200,
    );
    s.wait_for("the ECS clusters", |t| t.contains("web"));
    s.send("/web\r\r");
    s.wait_for("the services", |t| t.contains("svc-000"));
    s.send("\r");
    s.wait_for("the stopped tasks", |t| t.contains("PWNED"));
    let raw = String::from_utf8_lossy(&s.raw).into_owned();
    assert!(
        !raw.contains("\x1b]0;PWNED") && !raw.contains("\x1b]52"),
        "{raw:?}"
    );
    s.send("q");
    s.exit();
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn sha256(s: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What a forger without the key can do: recompute every `prev` after an edit.
fn rechain(lines: &mut [String]) {
    for i in 1..lines.len() {
        let mut v: Value = serde_json::from_str(&lines[i]).unwrap();
        v["prev"] = Value::String(sha256(&lines[i - 1]));
        lines[i] = serde_json::to_string(&v).unwrap();
    }
}

fn write_lines(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

#[test]
fn a_forger_without_the_key_fails_verify() {
    let d = dir("forge");
    let key = d.join("audit.key");
    let rec = d.join("rec.awstop");
    let record = |key: &Path, out: &Path| {
        let o = cmd(&[
            "record",
            "--demo",
            "--demo-clock",
            FROZEN,
            "--rounds",
            "1",
            "--key",
            key.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    record(&key, &rec);
    // The first use of --key created the pair, private to its owner.
    let public = d.join("audit.pub");
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let pinned = std::fs::read_to_string(&public).unwrap().trim().to_string();
    assert_eq!(pinned.len(), 64);
    let verify = |file: &Path, extra: &[&str]| {
        let mut a = vec!["verify"];
        a.extend_from_slice(extra);
        a.push(file.to_str().unwrap());
        cmd(&a).output().unwrap()
    };
    let ok = verify(&rec, &["--key", public.to_str().unwrap()]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let said = String::from_utf8_lossy(&ok.stdout);
    let head = said
        .lines()
        .find_map(|l| l.strip_prefix("chain head "))
        .expect("the final chain hash, to anchor elsewhere");
    let good = lines(&rec);
    // The hash of the last line, the signed end included.
    assert_eq!(head, sha256(&good[good.len() - 1]));

    // 512 MB becomes 777 and every hash after it is recomputed.
    let mut forged = good.clone();
    let at = forged
        .iter()
        .position(|l| l.contains("\"memory_mb\":512"))
        .unwrap();
    forged[at] = forged[at].replacen("\"memory_mb\":512", "\"memory_mb\":777", 1);
    rechain(&mut forged);
    write_lines(&rec, &forged);
    let out = verify(&rec, &[]);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("signature"), "{said}");
    let out = cmd(&["--once", "--replay", rec.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "a forgery does not replay");

    // Signed again with a key of the forger's own: whole, but not by the pinned key,
    // whether the key is given or pinned in the config.
    let other = d.join("forger.key");
    let theirs = d.join("theirs.awstop");
    record(&other, &theirs);
    assert_eq!(verify(&theirs, &[]).status.code(), Some(0));
    let out = verify(&theirs, &["--key", &pinned]);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("key"), "{said}");
    let config = d.join("config.toml");
    std::fs::write(&config, format!("[audit]\npublic-key = \"{pinned}\"\n")).unwrap();
    let out = verify(&theirs, &["--config", config.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn anything_after_the_end_fails_and_a_missing_end_is_not_closed() {
    let d = dir("end");
    let rec = d.join("rec.awstop");
    let o = cmd(&[
        "record",
        "--demo",
        "--demo-clock",
        FROZEN,
        "--rounds",
        "1",
        "--out",
        rec.to_str().unwrap(),
    ])
    .output()
    .unwrap();
    assert!(o.status.success());
    let good = lines(&rec);
    let verify = || cmd(&["verify", rec.to_str().unwrap()]).output().unwrap();

    let mut junk = good.clone();
    junk.push("{\"more\":1}".into());
    write_lines(&rec, &junk);
    let out = verify();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&format!("line {}", good.len() + 1)),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    write_lines(&rec, &good[..good.len() - 1]);
    let out = verify();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("not closed: cut off or still being written")
    );
}

#[test]
fn files_are_private_never_through_a_link_and_never_over_a_recording() {
    let d = dir("files");
    let private = |p: &Path| std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777;
    let rec = d.join("rec.awstop");
    let log = d.join("awstop.log");
    let mut c = cmd(&[
        "record",
        "--demo",
        "--rounds",
        "1",
        "--out",
        rec.to_str().unwrap(),
        "--log-file",
        log.to_str().unwrap(),
    ]);
    unsafe {
        c.pre_exec(|| {
            libc::umask(0);
            Ok(())
        });
    }
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(private(&rec), 0o600);
    assert_eq!(private(&log), 0o600);

    // An existing recording stays unless --force says otherwise.
    let before = std::fs::read(&rec).unwrap();
    let again = [
        "record",
        "--demo",
        "--rounds",
        "1",
        "--out",
        rec.to_str().unwrap(),
    ];
    let out = cmd(&again).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(std::fs::read(&rec).unwrap(), before);
    let mut forced = again.to_vec();
    forced.push("--force");
    assert!(cmd(&forced).output().unwrap().status.success());

    // A link is refused even with --force, and what it points at is untouched.
    let target = d.join("precious");
    std::fs::write(&target, "keep me").unwrap();
    let link = d.join("link.awstop");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    for extra in [&[][..], &["--force"][..]] {
        let mut a = vec![
            "record",
            "--demo",
            "--rounds",
            "1",
            "--out",
            link.to_str().unwrap(),
        ];
        a.extend_from_slice(extra);
        let out = cmd(&a).output().unwrap();
        assert!(!out.status.success());
        assert_eq!(
            String::from_utf8_lossy(&out.stderr)
                .trim_end()
                .lines()
                .count(),
            1
        );
    }
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");

    // A log in a directory that does not exist: an error, and no directory.
    let missing = d.join("nonexistent");
    let out = cmd(&[
        "--demo",
        "--once",
        "--log-file",
        missing.join("x.log").to_str().unwrap(),
    ])
    .output()
    .unwrap();
    assert!(!out.status.success());
    assert!(!missing.exists());
}

#[test]
fn exports_never_overwrite_never_follow_a_link_and_match_once_csv() {
    let d = dir("export");
    let stamp = "20261122T140320Z";
    let predictable = d.join(format!("awstop-lambda-{stamp}.csv"));
    let target = d.join("precious");
    std::fs::write(&target, "keep me").unwrap();
    std::os::unix::fs::symlink(&target, &predictable).unwrap();
    let mut s = crate::common::pty::Session::start_in(
        &d,
        &["--demo", "--demo-clock", FROZEN, "--pane", "lambda"],
        30,
        160,
    );
    s.wait_for("the functions", |t| t.contains("orders-api"));
    s.send("e");
    s.wait_for("the first export", |t| t.contains("exported 40 rows"));
    s.send("e");
    s.wait_for("the second export", |t| {
        t.contains(&format!("{stamp}-2.csv"))
    });
    s.send("q");
    s.exit();
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
    let first = d.join(format!("awstop-lambda-{stamp}-1.csv"));
    let second = d.join(format!("awstop-lambda-{stamp}-2.csv"));
    for f in [&first, &second] {
        let m = std::fs::symlink_metadata(f).unwrap();
        assert!(m.file_type().is_file());
        assert_eq!(m.permissions().mode() & 0o777, 0o600);
    }
    let exported = std::fs::read_to_string(&first).unwrap();
    assert_eq!(exported, std::fs::read_to_string(&second).unwrap());

    // The same columns, and the same exact values, as `--once --format csv`.
    let out = cmd(&[
        "--demo",
        "--demo-clock",
        FROZEN,
        "--once",
        "--format",
        "csv",
    ])
    .output()
    .unwrap();
    let once = String::from_utf8(out.stdout).unwrap();
    let header = exported.lines().next().unwrap();
    let section: Vec<&str> = once
        .split("\n\n")
        .find(|s| s.lines().nth(1) == Some(header))
        .unwrap_or_else(|| panic!("no --once section with the header {header}:\n{once}"))
        .lines()
        .skip(1)
        .collect();
    let mut a: Vec<&str> = exported.lines().collect();
    let mut b = section.clone();
    a.sort_unstable();
    b.sort_unstable();
    assert_eq!(a, b);
}
