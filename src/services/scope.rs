//! Rows that belong to a scope (`crate::scope`): how a refresh of one
//! account in one region replaces only its own rows.


pub use crate::scope::{AccountBook, AccountInfo, HowNamed, Scope, Scoped};

use super::feed::{retire, Retired};

/// `scope`'s rows of `list` replaced by `new`, each marked with its account:
/// a swap when it is the only scope (10,000 rows are not moved), else a
/// filter and an append.
pub fn replace_scope<T: Scoped + Send + 'static>(
    list: &mut Vec<T>,
    mut new: Vec<T>,
    scope: &Scope,
    only: bool,
    retired: &mut Vec<Retired>,
) {
    if !scope.account.is_empty() {
        for x in &mut new {
            x.set_account(&scope.account);
        }
    }
    if only {
        // A read collected page by page keeps its doubling's spare room for
        // as long as it is shown; shrinking a block in place copies nothing.
        new.shrink_to_fit();
        let old = std::mem::replace(list, new);
        retire(retired, old);
    } else {
        list.retain(|x| !x.in_scope(scope));
        list.extend(new);
    }
}

/// `scope`'s entries of a small list replaced by `new` (nothing worth retiring).
pub fn replace_small<T: Scoped>(list: &mut Vec<T>, mut new: Vec<T>, scope: &Scope) {
    list.retain(|x| !x.in_scope(scope));
    for x in &mut new {
        x.set_account(&scope.account);
    }
    list.append(&mut new);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[derive(Debug, Clone, PartialEq)]
    struct Row {
        account: Arc<str>,
        region: String,
        n: u32,
    }
    crate::scoped!(Row);

    fn row(region: &str, n: u32) -> Row {
        Row {
            account: Arc::from(""),
            region: region.into(),
            n,
        }
    }

    #[test]
    fn a_scope_replaces_only_its_own_rows_and_marks_their_account() {
        let mut list = Vec::new();
        let mut retired = Vec::new();
        let a = Scope::new("111111111111", "us-east-1");
        let b = Scope::new("222222222222", "us-east-1");
        replace_scope(&mut list, vec![row("us-east-1", 1)], &a, true, &mut retired);
        replace_scope(&mut list, vec![row("us-east-1", 2), row("us-east-1", 3)], &b, false, &mut retired);
        assert_eq!(list.len(), 3);
        assert_eq!(&*list[0].account, "111111111111");
        // The same region of another account is untouched by a refresh of `a`.
        replace_scope(&mut list, vec![row("us-east-1", 4)], &a, false, &mut retired);
        let mut got: Vec<(String, u32)> = list.iter().map(|r| (r.account.to_string(), r.n)).collect();
        got.sort();
        assert_eq!(
            got,
            vec![
                ("111111111111".into(), 4),
                ("222222222222".into(), 2),
                ("222222222222".into(), 3)
            ]
        );
    }
}
