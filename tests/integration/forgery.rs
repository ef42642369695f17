//! Tamper evidence and the files awstop writes: a forger without the key
//! fails `verify`, nothing after the end mark passes, and recordings, logs
//! and exports are private, never written through a link, never over a file.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

use crate::common::moto::awstop_env;
use crate::common::recording::{lines, rechain, sha256, write_lines};
use crate::common::FROZEN;

fn dir(name: &str) -> crate::common::Scratch {
    crate::common::scratch(&format!("awstop-forgery-{name}-"))
}

fn cmd(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_awstop"));
    c.args(args);
    awstop_env(&mut c);
    c
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
    // Every room loaded (the functions' TRIGGER column joins API Gateway's
    // routes): no "…" in the full header, no "N loading" in the compact one.
    s.wait_for("the functions", |t| {
        t.contains("orders-api") && !t.contains("…") && !t.contains(" loading")
    });
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
