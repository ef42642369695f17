//! A recording of a live (moto-backed) account replays to the snapshot taken
//! directly, and carries none of the secrets seeded into that account.

use crate::common::moto::Moto;
use serde_json::Value;

fn comparable(mut v: Value) -> Value {
    let o = v.as_object_mut().unwrap();
    for k in ["taken_at", "source", "api"] {
        o.remove(k);
    }
    v
}

#[test]
fn a_live_recording_replays_to_the_live_snapshot_without_secrets() {
    let moto = Moto::start();
    let truth = moto.seed("basic");
    let folder = crate::common::scratch("awstop-audit-moto-");
    let file = folder.join("live.awstop");
    let out = moto.awstop(&["record", "--rounds", "1", "--out", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (direct, _) = moto.once();

    let text = std::fs::read_to_string(&file).unwrap();
    let secret = truth["secret"].as_str().unwrap();
    assert!(
        !text.contains(secret),
        "the seeded secret reached the recording"
    );
    let header: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(header["account_id"], "123456789012");
    assert!(header["caller_arn"]
        .as_str()
        .unwrap()
        .starts_with("arn:aws:"));
    assert_eq!(header["regions"], serde_json::json!(["us-east-1"]));

    let bin = env!("CARGO_BIN_EXE_awstop");
    let verified = std::process::Command::new(bin)
        .args(["verify", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stdout)
    );

    let replayed = std::process::Command::new(bin)
        .args([
            "--once",
            "--replay",
            file.to_str().unwrap(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let out = replayed;
    let replayed: Value = serde_json::from_slice(&out.stdout).unwrap();
    // The recording holds moto's missing percentile, so the replay is "partly read" too.
    crate::common::moto::assert_exit_matches_errors(&out, &replayed);
    assert_eq!(replayed["source"], "replay");
    assert_eq!(
        replayed["api"]["calls"]["lambda.ListFunctions"], 1,
        "the recorded API counts come back too"
    );
    assert_eq!(comparable(replayed), comparable(direct));
    let _ = std::fs::remove_file(file);
}
