//! Where each region's functions lie in the room's one list: every refresh
//! of a region replaces one run of rows, so the runs are kept as the list
//! changes instead of found by reading every row. With each run's digest
//! (`digest::Digest::ids`) they find a function by its key without a pass
//! over 50,000 rows: the joins with the API routes read only the few
//! functions routes invoke.

use std::ops::Range;

use super::domain::Function;
use super::LambdaState;
use crate::services::feed::{retire, Retired};
use crate::scope::Scoped;
use crate::services::joins::place_key;
use crate::services::scope::{replace_scope, Scope};

#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub scope: Scope,
    /// `joins::place_key` of the scope.
    pub place: u64,
    pub rows: Range<usize>,
}

/// The runs, in list order; `None` when not known (rows put in another way
/// than `merge`), and then every join reads every row, as before.
#[derive(Debug, Default)]
pub struct Runs(pub Option<Vec<Run>>);

/// Replaces `scope`'s rows with `new`, keeping the runs.
pub fn merge(state: &mut LambdaState, scope: &Scope, new: Vec<Function>, only: bool, retired: &mut Vec<Retired>) {
    let n = new.len();
    // Keyed as the joins key a row, by the account and region it carries.
    let place = match new.first() {
        Some(f) if scope.account.is_empty() => place_key(&f.account, &f.region),
        _ => place_key(&scope.account, &scope.region),
    };
    let run = |start: usize| Run {
        scope: scope.clone(),
        place,
        rows: start..start + n,
    };
    let known = match state.runs.0.take() {
        Some(runs) => Some(runs),
        None if state.functions.is_empty() => Some(Vec::new()),
        None => None,
    };
    if only {
        replace_scope(&mut state.functions, new, scope, true, retired);
        state.runs.0 = Some(vec![run(0)]);
        return;
    }
    let Some(mut runs) = known else {
        replace_scope(&mut state.functions, new, scope, false, retired);
        return;
    };
    if let Some(k) = runs.iter().position(|r| r.scope == *scope) {
        let gone = runs.remove(k).rows;
        // Out of the list as one block; freed after the frame.
        let old: Vec<Function> = state.functions.drain(gone.clone()).collect();
        retire(retired, old);
        for r in runs.iter_mut().filter(|r| r.rows.start >= gone.end) {
            r.rows = r.rows.start - gone.len()..r.rows.end - gone.len();
        }
    }
    let start = state.functions.len();
    // The scope's rows are gone: the new ones are appended, marked with
    // their account as `replace_scope` marks them.
    let mut new = new;
    if !scope.account.is_empty() {
        for f in &mut new {
            f.set_account(&scope.account);
        }
    }
    state.functions.append(&mut new);
    runs.push(run(start));
    let covered: usize = runs.iter().map(|r| r.rows.len()).sum();
    state.runs.0 = (covered == state.functions.len()).then_some(runs);
}

/// Finds functions by key (`joins::function_key`) through the runs and
/// their digests.
pub struct Index<'a> {
    state: &'a LambdaState,
}

impl<'a> Index<'a> {
    /// `None` unless every run's rows came with a digest of them.
    pub fn of(state: &'a LambdaState) -> Option<Self> {
        let runs = state.runs.0.as_ref()?;
        runs.iter()
            .all(|r| state.digests.get(&r.scope).is_some_and(|d| d.priced.rows == r.rows.len()))
            .then_some(Index { state })
    }

    /// The row of the function keyed `key`, if there is one.
    pub fn row(&self, key: &(u64, u64)) -> Option<usize> {
        let runs = self.state.runs.0.as_ref()?;
        runs.iter().filter(|r| r.place == key.0).find_map(|r| {
            let i = r.rows.start + *self.state.digests.get(&r.scope)?.ids.get(&key.1)? as usize;
            let f = self.state.functions.get(i)?;
            (f.name_id() == key.1).then_some(i)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(region: &str, names: &[&str]) -> Vec<Function> {
        names
            .iter()
            .map(|n| Function {
                name: (*n).into(),
                region: region.into(),
                ..Default::default()
            })
            .collect()
    }

    /// What the runs say, checked against the rows themselves.
    fn check(state: &LambdaState) {
        let runs = state.runs.0.as_ref().expect("runs known");
        for (i, f) in state.functions.iter().enumerate() {
            let r = runs.iter().find(|r| r.rows.contains(&i)).expect("every row in a run");
            assert!(f.in_scope(&r.scope), "row {i} ({}) outside its run's scope", f.name);
        }
        assert_eq!(runs.iter().map(|r| r.rows.len()).sum::<usize>(), state.functions.len());
    }

    #[test]
    fn runs_follow_regions_replaced_added_and_emptied() {
        let (a, b, c) = (Scope::new("", "us-east-1"), Scope::new("", "eu-west-1"), Scope::new("222222222222", "us-east-1"));
        let mut state = LambdaState::default();
        let mut retired = Vec::new();
        merge(&mut state, &a, rows("us-east-1", &["a1", "a2"]), true, &mut retired);
        check(&state);
        merge(&mut state, &b, rows("eu-west-1", &["b1", "b2", "b3"]), false, &mut retired);
        merge(&mut state, &c, rows("us-east-1", &["c1"]), false, &mut retired);
        check(&state);
        // The first region again, now with three rows: the others move up.
        merge(&mut state, &a, rows("us-east-1", &["a1", "a2", "a3"]), false, &mut retired);
        check(&state);
        merge(&mut state, &b, Vec::new(), false, &mut retired);
        check(&state);
        let names: Vec<&str> = state.functions.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["c1", "a1", "a2", "a3"]);
        // Rows put in another way: the runs are not guessed.
        state.functions.push(rows("us-east-1", &["x"]).remove(0));
        state.runs.0 = None;
        merge(&mut state, &b, rows("eu-west-1", &["b9"]), false, &mut retired);
        assert!(state.runs.0.is_none());
    }
}
