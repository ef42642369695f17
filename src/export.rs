//! Tables as text, from the rooms' column specs: the CSV of the table on
//! screen (`e`), and `--once --format csv|table`. CSV cells hold the exact
//! values the table sorts by (unrounded numbers, RFC 3339 times, ages in
//! seconds; empty when unknown); table cells hold what the TUI draws.

use chrono::SecondsFormat;

use crate::table::{Context, Ctx, Row, SectionVisitor, Table, Value};

/// Which text a section keeps for each cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cells {
    /// The exact values (CSV).
    Exact,
    /// What the TUI draws (the `--once` table).
    Shown,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SectionColumn {
    pub title: String,
    pub key: &'static str,
    pub numeric: bool,
    /// Drawn in tables; otherwise CSV only.
    pub shown: bool,
}

/// One table as rows of text.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub name: String,
    pub columns: Vec<SectionColumn>,
    pub rows: Vec<Vec<String>>,
    pub cells: Cells,
}

impl Section {
    /// The context labels first (region, cluster), then the row type's columns.
    pub fn new<T: Row>(
        name: impl Into<String>,
        context: &Context<'_>,
        cells: Cells,
        cx: &Ctx,
    ) -> Section {
        let mut columns: Vec<SectionColumn> = context
            .iter()
            .flatten()
            .map(|(key, _)| SectionColumn {
                title: key.to_ascii_uppercase(),
                key,
                numeric: false,
                shown: true,
            })
            .collect();
        columns.extend(order::<T>(cx).map(|c| SectionColumn {
            title: cx.title(c.title),
            key: c.key,
            numeric: c.numeric,
            shown: c.shown,
        }));
        Section {
            name: name.into(),
            columns,
            rows: Vec::new(),
            cells,
        }
    }

    pub fn push_rows<'a, T: Row>(
        &mut self,
        rows: impl Iterator<Item = &'a T>,
        context: &Context<'_>,
        cx: &Ctx,
    ) {
        for row in rows {
            let mut cells: Vec<String> = context
                .iter()
                .flatten()
                .map(|(_, v)| v.to_string())
                .collect();
            cells.extend(order::<T>(cx).map(|c| match self.cells {
                Cells::Exact => exact(c.value(row, cx)),
                Cells::Shown => (c.cell)(row, cx).text,
            }));
            self.rows.push(cells);
        }
    }

    /// Header and rows, quoted where CSV needs it.
    pub fn csv(&self) -> String {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        let _ = w.write_record(self.columns.iter().map(|c| c.key));
        for r in &self.rows {
            let _ = w.write_record(r.iter().map(|c| csv_safe(c)));
        }
        let bytes = w.into_inner().unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }

    /// The shown columns, each as wide as its widest cell: nothing is cut.
    pub fn table(&self) -> String {
        let keep: Vec<usize> = (0..self.columns.len())
            .filter(|i| self.columns[*i].shown)
            .collect();
        let width = |i: usize| {
            self.rows
                .iter()
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .chain([self.columns[i].title.chars().count()])
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = keep.iter().map(|i| width(*i)).collect();
        let line = |cells: Vec<&str>| {
            let mut out = String::new();
            for (k, (i, text)) in keep.iter().zip(cells).enumerate() {
                if k > 0 {
                    out.push(' ');
                }
                let pad = widths[k].saturating_sub(text.chars().count());
                if self.columns[*i].numeric {
                    out.extend(std::iter::repeat_n(' ', pad));
                    out.push_str(text);
                } else {
                    out.push_str(text);
                    if k + 1 < keep.len() {
                        out.extend(std::iter::repeat_n(' ', pad));
                    }
                }
            }
            out.truncate(out.trim_end().len());
            out.push('\n');
            out
        };
        let mut out = line(
            keep.iter()
                .map(|i| self.columns[*i].title.as_str())
                .collect(),
        );
        for r in &self.rows {
            out.push_str(&line(
                keep.iter()
                    .map(|i| r.get(*i).map_or("", String::as_str))
                    .collect(),
            ));
        }
        out
    }
}

/// Columns in export order: the CSV-only ones (region, times) lead, as the
/// context labels do, then the ones the table shows.
/// ACCOUNT only while several accounts are watched.
fn order<T: Row>(cx: &Ctx) -> impl Iterator<Item = &'static crate::table::Column<T>> {
    let several = cx.accounts.several();
    let cols = T::COLUMNS.iter().filter(move |c| several || !c.per_account);
    cols.clone()
        .filter(|c| !c.shown)
        .chain(cols.filter(|c| c.shown))
}

/// Control characters never reach a CSV file raw: a spreadsheet or a
/// terminal `cat` would act on them.
fn csv_safe(s: &str) -> String {
    crate::fmt::escape_controls(s)
}

/// The exact text of a value.
pub fn exact(v: Value<'_>) -> String {
    match v {
        Value::Num(Some(n)) => number(n),
        Value::Num(None) | Value::Time(None) => String::new(),
        Value::Text(t) => t.to_string(),
        Value::Owned(t) => t,
        Value::Time(Some(t)) => t.to_rfc3339_opts(SecondsFormat::AutoSi, true),
    }
}

/// Integers without a fraction, other numbers in full.
pub fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Collects a room's sections for `--once`, named `room.table`.
pub struct Sections<'c> {
    room: &'static str,
    cx: &'c Ctx,
    cells: Cells,
    out: Vec<Section>,
}

impl<'c> Sections<'c> {
    pub fn new(room: &'static str, cx: &'c Ctx, cells: Cells) -> Sections<'c> {
        Sections {
            room,
            cx,
            cells,
            out: Vec::new(),
        }
    }
    pub fn done(self) -> Vec<Section> {
        self.out
    }
}

impl<'a> SectionVisitor<'a> for Sections<'_> {
    fn visit<T: Row, F: Fn(&T) -> bool>(&mut self, name: &'static str, t: Table<'a, T, F>) {
        let full = format!("{}.{name}", self.room);
        let pos = match self.out.iter().position(|s| s.name == full) {
            Some(p) => p,
            None => {
                self.out
                    .push(Section::new::<T>(full, &t.context, self.cells, self.cx));
                self.out.len() - 1
            }
        };
        let cx = self.cx;
        self.out[pos].push_rows(t.items.iter().filter(|x| (t.keep)(x)), &t.context, cx);
    }
}

/// A name for a CSV file that is safe in any file system.
pub fn file_safe(raw: &str) -> String {
    raw.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_exact_and_integers_plain() {
        assert_eq!(number(3.0), "3");
        assert_eq!(number(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(exact(Value::Num(None)), "");
    }

    #[test]
    fn csv_quotes_and_never_carries_escape_codes() {
        let s = Section {
            name: "t".into(),
            columns: vec![SectionColumn {
                title: "A".into(),
                key: "a",
                numeric: false,
                shown: true,
            }],
            rows: vec![
                vec!["x,y".into()],
                vec!["say \"hi\"".into()],
                vec!["\u{1b}]0;PWNED\u{7}".into()],
            ],
            cells: Cells::Exact,
        };
        let csv = s.csv();
        assert_eq!(csv, "a\n\"x,y\"\n\"say \"\"hi\"\"\"\n\\x1b]0;PWNED\\x07\n");
    }
}
