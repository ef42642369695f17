use super::*;
use crate::record::writer::Writer;
use crate::source::demo::DemoAccount;

fn key() -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&[9u8; 32])
}

fn at() -> DateTime<Utc> {
    "2026-11-22T14:03:20Z".parse().unwrap()
}

/// A file named `name` in a folder of its own, removed with the value even
/// when the test fails.
struct Temp {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
}

impl std::ops::Deref for Temp {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.path
    }
}

impl AsRef<Path> for Temp {
    fn as_ref(&self) -> &Path {
        &self.path
    }
}

fn temp(name: &str) -> Temp {
    let d = tempfile::Builder::new().prefix("awstop-reader-").tempdir().unwrap();
    let p = d.path().join(name);
    Temp { _dir: d, path: p }
}

/// A small real recording: two demo refreshes and a clean end.
fn sample(name: &str, finish: bool) -> (Temp, usize) {
    let path = temp(name);
    let demo = DemoAccount::new(7, 3, 60);
    let mut w = Writer::create(
        &path,
        crate::record::Header::new(None, vec![], at()),
        key(),
        true,
    )
    .unwrap();
    let mut n = 0;
    for round in 0..2 {
        for m in demo.messages_at(at() + chrono::Duration::seconds(round * 30)) {
            w.record(at() + chrono::Duration::seconds(round * 30), &m)
                .unwrap();
            n += 1;
        }
    }
    if finish {
        w.finish(at()).unwrap();
    }
    (path, n)
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn parse_lines(lines: &[String]) -> Recording {
    parse((lines.join("\n") + "\n").as_bytes(), "x.awstop").unwrap()
}

#[test]
fn a_clean_recording_reads_back_whole() {
    let (path, n) = sample("clean", true);
    let rec = read(&path).unwrap();
    assert_eq!(rec.records.len(), n);
    assert_eq!(rec.problem, None);
    assert!(rec.ended && rec.warnings.is_empty(), "{:?}", rec.warnings);
    assert_eq!(rec.header.account_id.as_deref(), Some("123456789012"));
    assert_eq!(rec.header.profile.as_deref(), Some("demo"));
    let _ = std::fs::remove_file(path);
}

#[test]
fn edits_deletions_and_reordering_break_the_chain_where_they_happen() {
    let (path, _) = sample("tamper", true);
    let good = lines(&path);
    let mut flipped = good.clone();
    flipped[2] = flipped[2].replacen("us-east-1", "us-east-2", 1);
    assert!(matches!(
        parse_lines(&flipped).problem,
        Some(Problem::Chain { line: 4, .. })
    ));
    let mut deleted = good.clone();
    deleted.remove(3);
    assert!(matches!(
        parse_lines(&deleted).problem,
        Some(Problem::Chain { line: 4, .. })
    ));
    let mut swapped = good.clone();
    swapped.swap(4, 5);
    assert!(matches!(
        parse_lines(&swapped).problem,
        Some(Problem::Chain { line: 5, .. })
    ));
    let mut tail_cut = good.clone();
    tail_cut.pop();
    let rec = parse_lines(&tail_cut);
    assert_eq!(rec.problem, None);
    assert!(!rec.ended && rec.warnings.iter().any(|w| w.contains("no end mark")));
    let _ = std::fs::remove_file(path);
}

#[test]
fn a_line_cut_mid_write_is_dropped_with_a_warning() {
    let (path, n) = sample("cut", false);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.truncate(bytes.len() - 40);
    let rec = parse(&bytes, "cut.awstop").unwrap();
    assert_eq!(rec.problem, None);
    assert_eq!(rec.records.len(), n - 1);
    assert!(rec.warnings[0].contains("incomplete"), "{:?}", rec.warnings);
    let _ = std::fs::remove_file(path);
}

#[test]
fn compressed_recordings_survive_a_cut_frame() {
    let path = temp("z.awstop.zst");
    let demo = DemoAccount::new(7, 3, 60);
    let mut w = Writer::create(
        &path,
        crate::record::Header::new(None, vec![], at()),
        key(),
        true,
    )
    .unwrap();
    let msgs = demo.messages_at(at());
    for m in &msgs {
        w.record(at(), m).unwrap();
    }
    w.finish(at()).unwrap();
    let rec = read(&path).unwrap();
    assert_eq!(
        (rec.records.len(), rec.problem.clone(), rec.ended),
        (msgs.len(), None, true)
    );
    let mut raw = std::fs::read(&path).unwrap();
    raw.truncate(raw.len() - 5);
    std::fs::write(&path, &raw).unwrap();
    let rec = read(&path).unwrap();
    assert_eq!(rec.records.len(), msgs.len());
    assert!(!rec.ended && !rec.warnings.is_empty());
    let _ = std::fs::remove_file(path);
}

/// xorshift: the same mutations on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn mutated_recordings_never_panic_the_reader() {
    let (path, _) = sample("mutate", true);
    let good = std::fs::read(&path).unwrap();
    let compressed: Vec<u8> = zstd::stream::encode_all(&good[..], 1).unwrap();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for round in 0..1000 {
        let mut b = if round % 10 == 0 {
            compressed.clone()
        } else {
            good.clone()
        };
        for _ in 0..1 + rng.below(8) {
            match rng.below(5) {
                0 if !b.is_empty() => {
                    let i = rng.below(b.len());
                    b[i] ^= 1 << rng.below(8);
                }
                1 if !b.is_empty() => {
                    let i = rng.below(b.len());
                    b.remove(i);
                }
                2 => {
                    let i = rng.below(b.len() + 1);
                    b.insert(i, [b'\n', b'{', b'"', b'}', 0xff, b'0'][rng.below(6)]);
                }
                3 => b.truncate(rng.below(b.len() + 1)),
                _ => {
                    let (i, j) = (rng.below(b.len()), rng.below(b.len()));
                    if i < j {
                        b[i..j].reverse();
                    }
                }
            }
        }
        if round % 10 == 0 {
            let (text, _) = decompress(&b);
            let _ = parse(&text, "m.zst");
        } else {
            let _ = parse(&b, "m.awstop");
        }
    }
    let _ = std::fs::remove_file(path);
}

/// Rewrites every `prev` after an edit, as a forger without the key would.
fn rechain(lines: &mut [String]) {
    for i in 1..lines.len() {
        let prev = crate::record::sha256_hex(lines[i - 1].as_bytes());
        let mut v: serde_json::Value = serde_json::from_str(&lines[i]).unwrap();
        v["prev"] = serde_json::Value::String(prev);
        lines[i] = serde_json::to_string(&v).unwrap();
    }
}

#[test]
fn an_edit_with_a_recomputed_chain_fails_the_signature() {
    let (path, _) = sample("forge", true);
    let mut forged = lines(&path);
    assert!(forged[2].contains("\"memory_mb\":"));
    forged[2] = forged[2].replacen("\"memory_mb\":", "\"memory_mb\":7", 1);
    rechain(&mut forged);
    let rec = parse_lines(&forged);
    assert!(
        matches!(rec.problem, Some(Problem::Signature { .. })),
        "{:?}",
        rec.problem
    );
    // Signed again with another key, the file holds together but names that key.
    let original = read(&path).unwrap().header.public_key;
    let other = ed25519_dalek::SigningKey::from_bytes(&[1u8; 32]);
    let mut header: crate::record::Header = serde_json::from_str(&forged[0]).unwrap();
    header.public_key = Some(crate::record::sign::public_hex(&other.verifying_key()));
    forged[0] = serde_json::to_string(&header).unwrap();
    let last = forged.len() - 1;
    rechain(&mut forged);
    forged[last] = resign(&forged[last], &other, "end", n_records(&forged));
    let rec = parse_lines(&forged);
    assert_eq!(rec.problem, None);
    assert_ne!(rec.header.public_key, original);
    let _ = std::fs::remove_file(path);
}

/// How many records precede the last line.
fn n_records(lines: &[String]) -> u64 {
    lines.iter().filter(|l| l.contains("\"msg\"")).count() as u64
}

/// A signed line signed again by `key`, as a forger with a key of their own would.
fn resign(line: &str, key: &ed25519_dalek::SigningKey, kind: &str, records: u64) -> String {
    let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
    v.as_object_mut().unwrap().remove("sig");
    let unsigned = serde_json::to_string(&v).unwrap();
    crate::record::sign::signed_line(key, kind, records, &unsigned)
}

#[test]
fn every_byte_of_a_signed_line_is_bound() {
    let (path, _) = sample("bound", true);
    let good = lines(&path);
    let last = good.len() - 1;
    // The end line's time moved by a forger: the signature no longer holds.
    let mut later = good.clone();
    later[last] = later[last].replacen("\"at\":\"2026", "\"at\":\"2031", 1);
    assert_ne!(later[last], good[last]);
    assert!(matches!(
        parse_lines(&later).problem,
        Some(Problem::Signature { .. })
    ));
    // The same signature spelled another way is refused, not accepted.
    let sig = good[last]
        .rsplit("\"sig\":\"")
        .next()
        .unwrap()
        .trim_end_matches("\"}");
    let mut upper = good.clone();
    upper[last] = upper[last].replace(sig, &sig.to_uppercase());
    assert!(parse_lines(&upper).problem.is_some());
    let mut spaced = good.clone();
    spaced[last] = spaced[last].replace(",\"sig\":", ", \"sig\":");
    assert!(parse_lines(&spaced).problem.is_some());
    assert_eq!(parse_lines(&good).problem, None);
    let _ = std::fs::remove_file(path);
}

#[test]
fn a_downgrade_to_an_older_format_is_read_as_unsigned() {
    let (path, n) = sample("downgrade", true);
    let mut old: Vec<String> = lines(&path)
        .into_iter()
        .filter(|l| !l.contains("\"sig\""))
        .collect();
    old[0] = old[0].replace(crate::record::FORMAT, "awstop.recording/1");
    old.push(format!(
        r#"{{"prev":"","at":"2026-11-22T14:03:20Z","end":{n}}}"#
    ));
    rechain(&mut old);
    let src: Box<dyn BufRead + Send> =
        Box::new(std::io::Cursor::new((old.join("\n") + "\n").into_bytes()));
    let r = Reader::new(src, "old.awstop".into()).unwrap();
    assert!(!r.signed());
    let s = r.finish();
    assert_eq!(
        (s.problem, s.records, s.signed, s.ended),
        (None, n as u64, 0, true)
    );
    let _ = std::fs::remove_file(path);
}

#[test]
fn records_after_the_last_signature_are_counted_as_unsigned() {
    let (path, n) = sample("after", true);
    let good = lines(&path);
    // Every signed line removed, the chain recomputed: nothing is signed.
    let mut stripped: Vec<String> = good
        .iter()
        .filter(|l| !l.contains("\"sig\""))
        .cloned()
        .collect();
    rechain(&mut stripped);
    let rec = parse_lines(&stripped);
    assert_eq!(rec.problem, None);
    assert_eq!((rec.summary.records, rec.summary.signed), (n as u64, 0));
    assert!(!rec.ended);
    let _ = std::fs::remove_file(path);
}

#[test]
fn the_key_in_a_recording_is_a_value_never_a_file_name() {
    let (path, _) = sample("keypath", true);
    let mut good = lines(&path);
    let keyfile = temp("keypath.pub");
    let other = ed25519_dalek::SigningKey::from_bytes(&[1u8; 32]);
    std::fs::write(
        &keyfile,
        crate::record::sign::public_hex(&other.verifying_key()),
    )
    .unwrap();
    let mut header: crate::record::Header = serde_json::from_str(&good[0]).unwrap();
    header.public_key = Some(keyfile.display().to_string());
    good[0] = serde_json::to_string(&header).unwrap();
    let e = parse((good.join("\n") + "\n").as_bytes(), "k.awstop").unwrap_err().to_string();
    assert!(e.contains("line 1") && e.contains("hex"), "{e}");
    let _ = std::fs::remove_file(path);
    let _ = std::fs::remove_file(keyfile);
}

#[test]
fn times_outside_this_century_are_refused() {
    let (path, _) = sample("times", true);
    let good = lines(&path);
    for far in [
        "+262142-12-31T23:59:59.999999999Z",
        "1970-01-01T00:00:00Z",
        "2100-01-01T00:00:00Z",
    ] {
        let mut bad = good.clone();
        let mut v: serde_json::Value = serde_json::from_str(&bad[2]).unwrap();
        v["at"] = serde_json::Value::String(far.into());
        bad[2] = serde_json::to_string(&v).unwrap();
        rechain(&mut bad);
        let rec = parse_lines(&bad);
        assert!(
            matches!(&rec.problem, Some(Problem::Malformed { line: 3, reason }) if reason.contains("2100")),
            "{far}: {:?}",
            rec.problem
        );
        assert_eq!(
            rec.records.len(),
            1,
            "nothing past the bad line is returned"
        );
        let mut header = good.clone();
        let mut h: serde_json::Value = serde_json::from_str(&header[0]).unwrap();
        h["started_at"] = serde_json::Value::String(far.into());
        header[0] = serde_json::to_string(&h).unwrap();
        assert!(parse((header.join("\n") + "\n").as_bytes(), "h.awstop").is_err());
    }
    let _ = std::fs::remove_file(path);
}

#[test]
fn a_message_time_outside_this_century_is_refused_too() {
    let (path, _) = sample("msgtimes", true);
    let good = lines(&path);
    let i = good
        .iter()
        .position(|l| l.contains("\"Loaded\""))
        .expect("a Loaded record");
    let mut bad = good.clone();
    let mut v: serde_json::Value = serde_json::from_str(&bad[i]).unwrap();
    v["msg"]["Loaded"]["fetched_at"] = serde_json::Value::String("+262142-12-31T23:59:59Z".into());
    bad[i] = serde_json::to_string(&v).unwrap();
    rechain(&mut bad);
    let rec = parse_lines(&bad);
    assert!(
        matches!(&rec.problem, Some(Problem::Malformed { line, reason }) if *line == i + 1 && reason.contains("2100")),
        "{:?}",
        rec.problem
    );
    let _ = std::fs::remove_file(path);
}

/// Counts the bytes handed out: how far a reader went into a file.
struct Counted(
    std::io::Cursor<Vec<u8>>,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
);
impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.read(buf)?;
        self.1.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

#[test]
fn reading_stops_at_the_first_broken_line() {
    let (path, _) = sample("stop", true);
    let good = lines(&path);
    let mut text = format!("{}\n", good[0]);
    let filler = r#"{"prev":"0","at":"2026-11-22T14:03:20Z","msg":{"Notice":"x"}}"#;
    while text.len() < 8 << 20 {
        text.push_str(filler);
        text.push('\n');
    }
    let read = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let src = Counted(std::io::Cursor::new(text.into_bytes()), read.clone());
    let r = Reader::new(Box::new(BufReader::new(src)), "big.awstop".into()).unwrap();
    let s = r.finish();
    assert!(
        matches!(
            s.problem,
            Some(Problem::Chain { line: 2, .. }) | Some(Problem::Malformed { line: 2, .. })
        ),
        "{:?}",
        s.problem
    );
    assert!(read.load(std::sync::atomic::Ordering::Relaxed) < 1 << 20);
    let _ = std::fs::remove_file(path);
}

#[test]
fn compressed_files_are_zstd_to_their_last_byte() {
    let path = temp("junk.awstop.zst");
    let (plain, n) = sample("junkplain", true);
    let text = std::fs::read(&plain).unwrap();
    let mut z = Vec::new();
    for line in text.split_inclusive(|b| *b == b'\n') {
        z.extend(zstd::stream::encode_all(line, 3).unwrap());
    }
    std::fs::write(&path, &z).unwrap();
    let rec = read(&path).unwrap();
    assert_eq!((rec.records.len(), rec.problem.clone()), (n, None));
    // Junk after the last frame is a problem, not a warning.
    let mut junk = z.clone();
    junk.extend_from_slice(b"junk after the frames");
    std::fs::write(&path, &junk).unwrap();
    let rec = read(&path).unwrap();
    assert!(
        matches!(rec.problem, Some(Problem::Malformed { .. })),
        "{:?}",
        rec.problem
    );
    // A plain recording, or garbage, named .zst says what it is.
    std::fs::write(&path, &text).unwrap();
    let e = Reader::open(&path).err().unwrap().to_string();
    assert!(e.contains("plain recording"), "{e}");
    std::fs::write(&path, b"\x00garbage").unwrap();
    let e = Reader::open(&path).err().unwrap().to_string();
    assert!(e.contains("not zstd"), "{e}");
    for p in [path, plain] {
        let _ = std::fs::remove_file(p);
    }
}

#[test]
fn junk_after_the_end_and_endless_lines_are_problems() {
    let (path, _) = sample("junk", true);
    let good = lines(&path);
    let mut text = good.join("\n") + "\n";
    text.push_str("junk without a newline");
    let rec = parse(text.as_bytes(), "j.awstop").unwrap();
    assert!(
        matches!(rec.problem, Some(Problem::AfterEnd { .. })),
        "{:?}",
        rec.problem
    );
    let mut text = good.join("\n") + "\n";
    text.push_str("{\"prev\":\"x\"}\n");
    let rec = parse(text.as_bytes(), "j.awstop").unwrap();
    assert!(rec.problem.is_some());
    // A header line with no end: refused before it can fill memory.
    let endless = vec![b'{'; crate::record::MAX_HEADER + 10];
    assert!(parse(&endless, "z.awstop").unwrap_err().to_string().contains("line 1"));
    let _ = std::fs::remove_file(path);
}

#[test]
fn signatures_cover_checkpoints_of_long_recordings() {
    let path = temp("long");
    let demo = DemoAccount::new(7, 3, 60);
    let mut w = Writer::create(
        &path,
        crate::record::Header::new(None, vec![], at()),
        key(),
        true,
    )
    .unwrap();
    let msg = demo.messages_at(at()).remove(0);
    for i in 0..250 {
        w.record(at() + chrono::Duration::seconds(i), &msg).unwrap();
    }
    w.finish(at()).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let checkpoints = text
        .lines()
        .filter(|l| l.contains("\"sig\"") && !l.contains("\"end\""))
        .count();
    assert!(checkpoints >= 2, "{checkpoints}");
    let s = Reader::open(&path).unwrap().finish();
    assert_eq!(
        (s.records, s.signed, s.ended, s.problem),
        (250, 250, true, None)
    );
    // Cut after a checkpoint: what came before it is still signed.
    let cut: Vec<&str> = text.lines().take(120).collect();
    let rec = parse((cut.join("\n") + "\n").as_bytes(), "cut.awstop").unwrap();
    assert!(!rec.ended && rec.summary.signed > 0 && rec.summary.signed < rec.summary.records);
    let _ = std::fs::remove_file(path);
}
