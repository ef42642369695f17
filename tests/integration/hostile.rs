//! Hostile and unlucky input: malformed configs, themes, recordings and flags;
//! endless files; escape codes planted in AWS data; forged recordings; links
//! where a file will be written. Each must end in a one-line error and a
//! non-zero exit, with memory that does not grow with the input.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::common::moto::{awstop_env, Moto};
use crate::common::FROZEN;
use serde_json::Value;

fn dir(name: &str) -> crate::common::Scratch {
    crate::common::scratch(&format!("awstop-hostile-{name}-"))
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

/// Forks and execs the command, kills it after 60 s, and writes its own peak
/// RSS (KiB) to the file named by `AWSTOP_TEST_PEAK`; exits as the child did.
const REAPER: &str = r#"
import os, signal, sys, time
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
started = time.monotonic()
while True:
    got, status, usage = os.wait4(pid, os.WNOHANG)
    if got == pid:
        break
    if time.monotonic() - started > 60:
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.02)
with open(os.environ["AWSTOP_TEST_PEAK"], "w") as f:
    f.write(str(usage.ru_maxrss))
if os.WIFSIGNALED(status):
    signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
    os.kill(os.getpid(), os.WTERMSIG(status))
sys.exit(os.WEXITSTATUS(status))
"#;

/// Runs to the end (killed after 60 s) and reads the peak RSS from the kernel.
/// The kernel's figure for a child spawned from here would start at this
/// test process's own high-water mark (exec records the old address space's
/// peak, and a spawned child runs in ours until it execs), so a small Python
/// reaper forks it from an address space of a few megabytes instead.
fn measured(c: Command, dir: &Path) -> Ran {
    let (o, e, p) = (dir.join("stdout"), dir.join("stderr"), dir.join("peak"));
    let _ = std::fs::remove_file(&p);
    let mut r = Command::new(crate::common::moto::venv("python"));
    r.arg("-c")
        .arg(REAPER)
        .arg(c.get_program())
        .args(c.get_args());
    for (k, v) in c.get_envs() {
        match v {
            Some(v) => r.env(k, v),
            None => r.env_remove(k),
        };
    }
    if let Some(d) = c.get_current_dir() {
        r.current_dir(d);
    }
    let status = r
        .env("AWSTOP_TEST_PEAK", &p)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&o).unwrap())
        .stderr(std::fs::File::create(&e).unwrap())
        .status()
        .expect("run awstop");
    let kib: f64 = std::fs::read_to_string(&p)
        .expect("the reaper writes the peak")
        .trim()
        .parse()
        .unwrap();
    Ran {
        code: status.code(),
        stdout: std::fs::read_to_string(&o).unwrap_or_default(),
        stderr: String::from_utf8_lossy(&std::fs::read(&e).unwrap_or_default()).into_owned(),
        peak_mb: kib / 1024.0,
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
        (
            write("budget.toml", b"[metrics]\nbudget-usd-per-hour = -1\n"),
            "budget.toml:2:",
        ),
        (
            write(
                "budget-text.toml",
                b"[metrics]\nbudget_usd_per_hour = \"lots\"\n",
            ),
            "budget-text.toml:2:",
        ),
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
        (vec!["--demo", "--once", "--budget", "lots"], "--budget"),
        (vec!["--demo", "--once", "--budget", "0"], "--budget"),
        (vec!["--demo", "--once", "--budget", "inf"], "--budget"),
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
            !text.contains('\x1b') && !text.contains('\x07') && !text.contains('\u{202e}'),
            "{format}: {text:?}"
        );
        assert!(text.contains("evil\\u{202e}txt.exe"), "{format}: {text:?}");
    }
    let out = moto.awstop(&["--once", "--format", "json"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("\\u001b]52;c;"),
        "JSON escapes, and keeps, the text"
    );
    assert!(!text.contains('\x1b') && !text.contains('\x07'));
    assert!(
        text.contains("evil\\u202etxt.exe") && !text.contains('\u{202e}'),
        "{text:?}"
    );
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
    assert!(
        text.contains("PWNED") && !text.contains('\x1b') && !text.contains('\u{202e}'),
        "{text:?}"
    );

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
        !raw.contains("\x1b]0;PWNED") && !raw.contains("\x1b]52") && !raw.contains('\u{202e}'),
        "{raw:?}"
    );
    s.send("q");
    s.exit();
}
