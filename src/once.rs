//! Headless output: one snapshot as JSON (the contract), as plain tables or
//! as CSV. Tables and CSV come from the rooms' column specs, the same ones the
//! dashboard draws.

use std::fmt::Write;

use crate::app::model::Model;
use crate::app::tables::ctx;
use crate::export::{Cells, Section, SectionColumn};
use crate::snapshot::Snapshot;

pub fn json(s: &Snapshot) -> String {
    let mut buf = Vec::new();
    let out = match serialize(s, &mut buf) {
        Ok(()) => String::from_utf8(buf).unwrap_or_default(),
        Err(e) => format!("{{\"error\":\"{e}\"}}"),
    };
    let mut out = json_safe(out);
    out.push('\n');
    out
}

/// The snapshot as JSON, written as it is produced: a 10,000-function
/// document is never held whole in memory (nor copied to be made safe).
pub fn write_json(s: &Snapshot, w: impl std::io::Write) -> std::io::Result<()> {
    let mut safe = SafeJson {
        inner: std::io::BufWriter::new(w),
        carry: Vec::new(),
    };
    serialize(s, &mut safe).map_err(std::io::Error::other)?;
    std::io::Write::write_all(&mut safe, b"\n")?;
    std::io::Write::flush(&mut safe)
}

fn serialize(s: &impl serde::Serialize, w: impl std::io::Write) -> serde_json::Result<()> {
    s.serialize(&mut serde_json::Serializer::with_formatter(
        w,
        NoNegativeZero::default(),
    ))
}

/// Pretty JSON in which `-0.0` is written `0.0`: a sum of nothing is zero,
/// and readers that compare strings or signs should never see a negative zero.
#[derive(Default)]
struct NoNegativeZero<'a>(serde_json::ser::PrettyFormatter<'a>);

impl serde_json::ser::Formatter for NoNegativeZero<'_> {
    fn write_f64<W: ?Sized + std::io::Write>(&mut self, w: &mut W, v: f64) -> std::io::Result<()> {
        // -0.0 == 0.0, so this keeps every other value as it is.
        self.0.write_f64(w, if v == 0.0 { 0.0 } else { v })
    }
    fn write_f32<W: ?Sized + std::io::Write>(&mut self, w: &mut W, v: f32) -> std::io::Result<()> {
        self.0.write_f32(w, if v == 0.0 { 0.0 } else { v })
    }
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// Escapes DEL, the C1 controls and the bidirectional controls on the way
/// through; a character split between two writes waits for the rest.
struct SafeJson<W: std::io::Write> {
    inner: W,
    carry: Vec<u8>,
}

/// Where the last whole UTF-8 character of `b` ends.
fn whole_chars(b: &[u8]) -> usize {
    for back in 1..=b.len().min(3) {
        let i = b.len() - back;
        let lead = b[i];
        if lead & 0xc0 == 0x80 {
            continue;
        }
        let need = match lead {
            0xf0.. => 4,
            0xe0.. => 3,
            0xc0.. => 2,
            _ => 1,
        };
        return if back < need { i } else { b.len() };
    }
    b.len()
}

impl<W: std::io::Write> SafeJson<W> {
    fn write_whole(&mut self, b: &[u8]) -> std::io::Result<()> {
        let Ok(text) = std::str::from_utf8(b) else {
            return self.inner.write_all(b);
        };
        let mut start = 0;
        for (i, c) in text.char_indices() {
            if c != '\n' && crate::fmt::is_control(c) {
                self.inner.write_all(&b[start..i])?;
                write!(self.inner, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        self.inner.write_all(&b[start..])
    }
}

impl<W: std::io::Write> std::io::Write for SafeJson<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let joined;
        let data = if self.carry.is_empty() {
            buf
        } else {
            let mut d = std::mem::take(&mut self.carry);
            d.extend_from_slice(buf);
            joined = d;
            &joined[..]
        };
        let cut = whole_chars(data);
        self.write_whole(&data[..cut])?;
        self.carry = data[cut..].to_vec();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let rest = std::mem::take(&mut self.carry);
        self.inner.write_all(&rest)?;
        self.inner.flush()
    }
}

/// serde_json escapes C0 controls; DEL, the C1 controls (which some
/// terminals act on) and the bidirectional controls are escaped here too.
/// They can only occur inside JSON strings, where `\uXXXX` means the same
/// character.
pub fn json_safe(s: String) -> String {
    if !s.chars().any(crate::fmt::is_control) {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if crate::fmt::is_control(c) && c != '\n' {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Every room's tables, then the errors.
fn sections(m: &Model, cells: Cells) -> Vec<Section> {
    let cx = ctx(m);
    let mut out: Vec<Section> = crate::services::ServiceKind::ALL
        .iter()
        .flat_map(|k| k.room().sections(&m.data.feeds, &cx, cells))
        .collect();
    out.push(errors(m, cells));
    out
}

fn errors(m: &Model, cells: Cells) -> Section {
    let col = |key: &'static str| SectionColumn {
        title: key.to_ascii_uppercase(),
        key,
        numeric: false,
        shown: true,
    };
    let d = &m.data;
    let errors = d
        .account_error
        .iter()
        .chain(crate::services::ServiceKind::ALL.iter().flat_map(|k| {
            d.feeds
                .scopes(*k)
                .values()
                .filter_map(|s| s.error.as_ref())
        }));
    Section {
        name: "errors".into(),
        columns: ["service", "region", "operation", "message"]
            .map(col)
            .to_vec(),
        rows: errors
            .map(|e| {
                vec![
                    e.service.clone(),
                    e.region.clone(),
                    e.operation.clone(),
                    e.message.clone(),
                ]
            })
            .collect(),
        cells,
    }
}

pub fn table(m: &Model, s: &Snapshot) -> String {
    let mut o = String::new();
    let acct = s.account.id.as_deref().unwrap_or("?");
    let _ = writeln!(
        o,
        "awstop {} snapshot of {acct} ({}) at {}, window {} min",
        s.source,
        s.account.regions.join(","),
        s.taken_at.to_rfc3339(),
        s.window_minutes
    );
    for sec in sections(m, Cells::Shown) {
        if sec.name == "errors" && sec.rows.is_empty() {
            continue;
        }
        let _ = write!(o, "\n{}\n{}", sec.name.to_ascii_uppercase(), sec.table());
    }
    crate::fmt::escape_controls_keeping_lines(&o)
}

/// One CSV section per table, each after a `# name` line and separated by a
/// blank line; unknown values are empty cells, times RFC 3339.
pub fn csv(m: &Model) -> String {
    let mut out = String::new();
    for sec in sections(m, Cells::Exact) {
        if !out.is_empty() {
            out.push('\n');
        }
        let _ = write!(out, "# {}\n{}", sec.name, sec.csv());
    }
    out
}

#[cfg(test)]
mod safe_json_tests {
    use std::io::Write;

    use super::SafeJson;

    #[test]
    fn del_and_c1_controls_are_escaped_even_split_across_writes() {
        let mut out = Vec::new();
        {
            let mut w = SafeJson {
                inner: &mut out,
                carry: Vec::new(),
            };
            // "a", DEL, "b", U+009B (CSI) split between two writes, "é" (C3 A9) kept.
            w.write_all(b"a\x7fb\xc2").unwrap();
            w.write_all(b"\x9bc\xc3\xa9 \xc2\xa0").unwrap();
            w.flush().unwrap();
        }
        assert_eq!(String::from_utf8(out).unwrap(), "a\\u007fb\\u009bcé \u{a0}");
    }

    #[test]
    fn negative_zero_is_written_as_zero() {
        #[derive(serde::Serialize)]
        struct S {
            a: f64,
            b: Vec<f32>,
            c: f64,
        }
        let mut out = Vec::new();
        super::serialize(
            &S {
                a: -0.0,
                b: vec![-0.0, -1.5],
                c: 0.25,
            },
            &mut out,
        )
        .unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(!out.contains("-0.0"), "{out}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"a": 0.0, "b": [0.0, -1.5], "c": 0.25})
        );
    }

    #[test]
    fn bidi_controls_are_escaped_even_split_across_writes() {
        let text = "\"evil\u{202e}txt.exe \u{2066}x\u{2069} \u{200f} \u{61c} — ok\"";
        for split in 0..text.len() {
            let mut out = Vec::new();
            {
                let mut w = SafeJson {
                    inner: &mut out,
                    carry: Vec::new(),
                };
                w.write_all(&text.as_bytes()[..split]).unwrap();
                w.write_all(&text.as_bytes()[split..]).unwrap();
                w.flush().unwrap();
            }
            let out = String::from_utf8(out).unwrap();
            assert_eq!(
                out, "\"evil\\u202etxt.exe \\u2066x\\u2069 \\u200f \\u061c — ok\"",
                "split at {split}"
            );
            let back: String = serde_json::from_str(&out).unwrap();
            assert_eq!(back, text.trim_matches('"'));
        }
        assert!(!super::json_safe(text.to_string()).contains('\u{202e}'));
    }
}
