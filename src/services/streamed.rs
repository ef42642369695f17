//! A snapshot section that is one list, each entry made as it is written:
//! the same JSON as a struct of one `Vec` field, without the whole list of
//! entries beside the rows they come from (at 50,000 functions, a third of
//! `--once`'s peak).

use serde::ser::{SerializeSeq, SerializeStruct, Serializer};
use serde::Serialize;

/// `{ field: [entry(row) for each row] }`, as `name` would serialize with
/// `#[derive(Serialize)]`.
pub struct Listed<'a, T, F> {
    pub name: &'static str,
    pub field: &'static str,
    pub rows: &'a [T],
    pub entry: F,
}

impl<T, O: Serialize, F: Fn(&T) -> O> Serialize for Listed<'_, T, F> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut out = s.serialize_struct(self.name, 1)?;
        out.serialize_field(self.field, &Entries(self))?;
        out.end()
    }
}

struct Entries<'b, 'a, T, F>(&'b Listed<'a, T, F>);

impl<T, O: Serialize, F: Fn(&T) -> O> Serialize for Entries<'_, '_, T, F> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let l = self.0;
        let mut seq = s.serialize_seq(Some(l.rows.len()))?;
        for row in l.rows {
            seq.serialize_element(&(l.entry)(row))?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Whole {
        items: Vec<Item>,
    }
    #[derive(Serialize)]
    struct Item {
        n: u32,
        text: String,
    }

    #[test]
    fn writes_what_the_whole_list_writes() {
        let rows = [3u32, 1, 4];
        let entry = |n: &u32| Item { n: *n * 2, text: format!("#{n}") };
        let whole = Whole { items: rows.iter().map(entry).collect() };
        let listed = Listed { name: "Whole", field: "items", rows: &rows, entry };
        assert_eq!(
            serde_json::to_string_pretty(&listed).unwrap(),
            serde_json::to_string_pretty(&whole).unwrap()
        );
        assert!(serde_json::to_string(&listed).unwrap().contains("\"#4\""));
        let none: [u32; 0] = [];
        let empty = Listed { name: "Whole", field: "items", rows: &none, entry };
        assert_eq!(serde_json::to_string_pretty(&empty).unwrap(), "{\n  \"items\": []\n}");
    }
}
