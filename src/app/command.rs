//! The `:` command line: pane names, their aliases and a few verbs, each
//! reachable by any unique prefix, with Tab completion.

use super::model::Pane;

/// What a command line asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Pane(Pane),
    Quit,
    Help,
    Refresh,
    /// Every account watched, over the Overview.
    Accounts,
    /// What changed in the window, over the Overview.
    Changes,
}

/// Every word the command line knows, with what it does.
fn words() -> Vec<(String, Command)> {
    let mut out: Vec<(String, Command)> = ["quit", "q", "q!", "exit"]
        .iter()
        .map(|w| (w.to_string(), Command::Quit))
        .collect();
    out.extend(["help", "?"].iter().map(|w| (w.to_string(), Command::Help)));
    out.extend(
        ["refresh", "r"]
            .iter()
            .map(|w| (w.to_string(), Command::Refresh)),
    );
    out.extend(
        ["accounts", "acct"]
            .iter()
            .map(|w| (w.to_string(), Command::Accounts)),
    );
    out.extend(
        ["changes", "chg"]
            .iter()
            .map(|w| (w.to_string(), Command::Changes)),
    );
    out.extend(
        ["overview", "o", "home", "0"]
            .iter()
            .map(|w| (w.to_string(), Command::Pane(Pane::Overview))),
    );
    for k in crate::services::ServiceKind::ALL {
        let r = k.room();
        let p = Command::Pane(Pane::Room(*k));
        out.push((r.name().to_string(), p));
        out.extend(r.aliases().iter().map(|a| (a.to_string(), p)));
    }
    out
}

/// The command `text` names: exactly, or as the prefix of words that all mean
/// the same thing (`:lam` is `:lambda`).
pub fn resolve(text: &str) -> Result<Command, String> {
    let t = text.trim().to_ascii_lowercase();
    if let Some((_, c)) = words().into_iter().find(|(w, _)| *w == t) {
        return Ok(c);
    }
    let hits = candidates(&t);
    match hits.as_slice() {
        [(_, one)] => Ok(*one),
        [] => Err(format!("unknown command :{text} (try {})", suggestions())),
        _ => {
            let names: Vec<&str> = hits.iter().map(|(w, _)| w.as_str()).collect();
            Err(format!(
                ":{text} could be :{} (type more, or Tab)",
                names.join(" :")
            ))
        }
    }
}

/// The commands `text` is a prefix of, each once, by the first of its words
/// it begins (a room's name before its aliases).
pub fn candidates(text: &str) -> Vec<(String, Command)> {
    let t = text.trim().to_ascii_lowercase();
    let mut out: Vec<(String, Command)> = Vec::new();
    for (w, c) in words() {
        if w.starts_with(&t) && !out.iter().any(|(_, k)| *k == c) {
            out.push((w, c));
        }
    }
    out
}

fn suggestions() -> String {
    let mut names: Vec<String> = crate::services::ServiceKind::ALL
        .iter()
        .map(|k| format!(":{}", k.name()))
        .collect();
    names.extend([":overview".to_string(), ":quit".to_string()]);
    names.join(" ")
}

/// Tab: the one word `text` starts, or the longest prefix all its candidates share.
pub fn complete(text: &str) -> String {
    let t = text.to_ascii_lowercase();
    let hits: Vec<String> = words()
        .into_iter()
        .map(|(w, _)| w)
        .filter(|w| w.starts_with(&t) && w.len() > 1)
        .collect();
    let Some(first) = hits.first() else {
        return text.to_string();
    };
    let mut common = first.clone();
    for h in &hits[1..] {
        let n = common
            .chars()
            .zip(h.chars())
            .take_while(|(a, b)| a == b)
            .count();
        common = common.chars().take(n).collect();
    }
    if common.len() < t.len() {
        text.to_string()
    } else {
        common
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::ServiceKind;

    #[test]
    fn prefixes_and_aliases_name_panes() {
        let lambda = Command::Pane(Pane::Room(ServiceKind::Lambda));
        assert_eq!(resolve("lam"), Ok(lambda));
        assert_eq!(resolve("fn"), Ok(lambda));
        assert_eq!(resolve("LAMBDA"), Ok(lambda));
        assert_eq!(
            resolve("svc"),
            Ok(Command::Pane(Pane::Room(ServiceKind::Ecs)))
        );
        assert_eq!(
            resolve("tasks"),
            Ok(Command::Pane(Pane::Room(ServiceKind::Ecs)))
        );
        assert_eq!(
            resolve("jobs"),
            Ok(Command::Pane(Pane::Room(ServiceKind::Batch)))
        );
        assert_eq!(resolve("q"), Ok(Command::Quit));
        assert_eq!(resolve("ov"), Ok(Command::Pane(Pane::Overview)));
        assert!(resolve("nosuch")
            .unwrap_err()
            .contains("unknown command :nosuch"));
        assert_eq!(complete("lam"), "lambda");
        assert_eq!(complete("ov"), "overview");
        assert_eq!(complete("zz"), "zz");
    }
}
