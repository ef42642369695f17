//! `--profile a,b,'prod-*'`: profile names and globs over the profiles of
//! the shared config file (`[default]`, `[profile NAME]`) and credentials
//! file (`[NAME]`), at `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE`
//! when set, as the SDK reads them.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq)]
pub enum ProfileError {
    /// A glob that names no profile: most likely a typo, never "no accounts".
    NoMatch {
        glob: String,
        searched: Vec<PathBuf>,
    },
    /// A plain name that neither file defines. Left to the SDK, it would
    /// quietly fall back on environment credentials and watch the wrong account.
    Unknown {
        name: String,
        searched: Vec<PathBuf>,
    },
    Unreadable {
        path: PathBuf,
        reason: String,
    },
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let files = |s: &[PathBuf]| {
            s.iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" or ")
        };
        match self {
            ProfileError::NoMatch { glob, searched } => {
                write!(
                    f,
                    "--profile '{glob}' matches no profile in {}",
                    files(searched)
                )
            }
            ProfileError::Unknown { name, searched } => {
                write!(
                    f,
                    "--profile '{name}' is not a profile in {}",
                    files(searched)
                )
            }
            ProfileError::Unreadable { path, reason } => {
                write!(f, "{}: cannot read: {reason}", path.display())
            }
        }
    }
}

impl std::error::Error for ProfileError {}

/// The profiles a shared config file defines, in file order, each once.
/// `[profile NAME]` and `[default]` (or `[profile default]`) are profiles;
/// `[sso-session X]`, `[services X]` and the like are not.
pub fn config_profiles(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for header in headers(text) {
        let name = if header == "default" {
            Some("default")
        } else {
            header
                .strip_prefix("profile")
                .filter(|rest| rest.starts_with(char::is_whitespace))
                .map(str::trim)
        };
        if let Some(n) = name.filter(|n| !n.is_empty()) {
            push_once(&mut out, n);
        }
    }
    out
}

/// The profiles a shared credentials file defines: every `[NAME]`.
pub fn credentials_profiles(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for header in headers(text) {
        if !header.is_empty() {
            push_once(&mut out, header);
        }
    }
    out
}

/// Section headers, trimmed: `[ profile  prod ]` gives `profile  prod`.
/// Comments (`#`, `;`) and indented lines (sub-properties) are skipped.
fn headers(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter_map(|line| {
        if line.starts_with(char::is_whitespace) {
            return None;
        }
        let rest = line.trim_end().strip_prefix('[')?;
        let close = rest.find(']')?;
        Some(rest[..close].trim())
    })
}

fn push_once(out: &mut Vec<String>, name: &str) {
    if !out.iter().any(|o| o == name) {
        out.push(name.to_string());
    }
}

/// Both files' profiles, sorted, each once.
pub fn known_profiles(config: &str, credentials: &str) -> Vec<String> {
    let mut all = config_profiles(config);
    for p in credentials_profiles(credentials) {
        push_once(&mut all, &p);
    }
    all.sort();
    all
}

/// The shared config file and the shared credentials file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedFiles {
    pub config: PathBuf,
    pub credentials: PathBuf,
}

/// Where the SDK reads the two files: the environment's paths, else `~/.aws/`.
pub fn shared_files() -> SharedFiles {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    shared_files_with(|var| std::env::var(var).ok(), &home)
}

/// [`shared_files`] with the environment and home folder given.
pub fn shared_files_with(env: impl Fn(&str) -> Option<String>, home: &Path) -> SharedFiles {
    let at = |var: &str, default: &str| match env(var) {
        Some(v) if !v.trim().is_empty() => expand_home(&v, home),
        _ => home.join(".aws").join(default),
    };
    SharedFiles {
        config: at("AWS_CONFIG_FILE", "config"),
        credentials: at("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
    }
}

fn expand_home(path: &str, home: &Path) -> PathBuf {
    match path.strip_prefix("~/") {
        Some(rest) => home.join(rest),
        None => PathBuf::from(path),
    }
}

/// A file's text; a missing file is an empty one (the SDK treats it so).
fn read(path: &Path) -> Result<String, ProfileError> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(ProfileError::Unreadable {
            path: path.to_path_buf(),
            reason: e.to_string(),
        }),
    }
}

/// `--profile` against the files the SDK reads: the names it selects, in order.
pub fn select_from_files(list: &str) -> Result<Vec<String>, ProfileError> {
    select_in(list, &shared_files())
}

/// `--profile` against these two files.
pub fn select_in(list: &str, files: &SharedFiles) -> Result<Vec<String>, ProfileError> {
    let known = known_profiles(&read(&files.config)?, &read(&files.credentials)?);
    select(
        list,
        &known,
        &[files.config.clone(), files.credentials.clone()],
    )
}

/// The profiles a `--profile` list selects from `known`: plain names in the
/// order given, each glob's matches in `known`'s (sorted) order where the
/// glob stands, each profile once. `searched` names the files in errors.
pub fn select(
    list: &str,
    known: &[String],
    searched: &[PathBuf],
) -> Result<Vec<String>, ProfileError> {
    let mut out = Vec::new();
    for word in list.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        if is_glob(word) {
            let matched: Vec<&String> = known.iter().filter(|k| glob_match(word, k)).collect();
            if matched.is_empty() {
                return Err(ProfileError::NoMatch {
                    glob: word.to_string(),
                    searched: searched.to_vec(),
                });
            }
            for m in matched {
                push_once(&mut out, m);
            }
        } else if known.iter().any(|k| k == word) {
            push_once(&mut out, word);
        } else {
            return Err(ProfileError::Unknown {
                name: word.to_string(),
                searched: searched.to_vec(),
            });
        }
    }
    Ok(out)
}

fn is_glob(word: &str) -> bool {
    word.contains(['*', '?', '['])
}

/// Shell-style matching of a whole name: `*` any run, `?` one character,
/// `[abc]` / `[a-z]` / `[!x]` one of a set.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // Iterative with one backtrack point: linear enough for profile names.
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    star = Some((pi, ni));
                    pi += 1;
                    continue;
                }
                '?' => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                '[' => {
                    if let Some((ok, next)) = class(&p, pi, n[ni]) {
                        if ok {
                            pi = next;
                            ni += 1;
                            continue;
                        }
                    } else if n[ni] == '[' {
                        // An unclosed '[' is a plain character.
                        pi += 1;
                        ni += 1;
                        continue;
                    }
                }
                c if c == n[ni] => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, sn)) => {
                pi = sp + 1;
                ni = sn + 1;
                star = Some((sp, sn + 1));
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Whether `c` is in the class opening at `p[at]`, and where the pattern
/// goes on; `None` when the class is not closed.
fn class(p: &[char], at: usize, c: char) -> Option<(bool, usize)> {
    let mut i = at + 1;
    let negate = matches!(p.get(i), Some('!') | Some('^'));
    if negate {
        i += 1;
    }
    let mut hit = false;
    let mut first = true;
    while i < p.len() {
        if p[i] == ']' && !first {
            return Some((hit != negate, i + 1));
        }
        if i + 2 < p.len() && p[i + 1] == '-' && p[i + 2] != ']' {
            hit |= p[i] <= c && c <= p[i + 2];
            i += 3;
        } else {
            hit |= p[i] == c;
            i += 1;
        }
        first = false;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "\
# a comment [profile nope]
[default]
region = eu-west-1

[profile prod-eu]
role_arn = arn:aws:iam::111111111111:role/R
source_profile = default
[ profile  prod-us ]
  s3 =
    max_concurrent_requests = 10
[profile staging]
sso_session = corp
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
[services local]
[profilex]
; [profile commented]
[profile default]
";

    const CREDENTIALS: &str = "\
[default]
aws_access_key_id = AKIA
[prod-legacy]
aws_access_key_id = AKIB
[sandbox-1]
[sandbox-2]
";

    fn known() -> Vec<String> {
        known_profiles(CONFIG, CREDENTIALS)
    }

    #[test]
    fn profiles_come_from_both_files_and_only_profile_sections() {
        assert_eq!(
            config_profiles(CONFIG),
            ["default", "prod-eu", "prod-us", "staging"]
        );
        assert_eq!(
            credentials_profiles(CREDENTIALS),
            ["default", "prod-legacy", "sandbox-1", "sandbox-2"]
        );
        assert_eq!(
            known(),
            [
                "default",
                "prod-eu",
                "prod-legacy",
                "prod-us",
                "sandbox-1",
                "sandbox-2",
                "staging"
            ]
        );
    }

    #[test]
    fn names_and_globs_select_in_order_each_profile_once() {
        let files = [PathBuf::from("/c"), PathBuf::from("/k")];
        assert_eq!(
            select("staging, prod-*,prod-us", &known(), &files).unwrap(),
            ["staging", "prod-eu", "prod-legacy", "prod-us"]
        );
        assert_eq!(
            select("sandbox-?", &known(), &files).unwrap(),
            ["sandbox-1", "sandbox-2"]
        );
        assert_eq!(
            select("sandbox-[!1]", &known(), &files).unwrap(),
            ["sandbox-2"]
        );
        assert_eq!(select("*", &known(), &files).unwrap().len(), 7);
    }

    #[test]
    fn a_glob_matching_nothing_is_an_error_naming_the_glob_and_files() {
        let files = [
            PathBuf::from("/home/u/.aws/config"),
            PathBuf::from("/home/u/.aws/credentials"),
        ];
        let e = select("prod-*,dev-*", &known(), &files).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--profile 'dev-*' matches no profile in /home/u/.aws/config or /home/u/.aws/credentials"
        );
        let e = select("prod-eu,stagng", &known(), &files).unwrap_err();
        assert!(
            matches!(e, ProfileError::Unknown { ref name, .. } if name == "stagng"),
            "{e}"
        );
    }

    #[test]
    fn globs_match_whole_names() {
        assert!(glob_match("prod-*", "prod-eu"));
        assert!(glob_match("prod-*", "prod-"));
        assert!(!glob_match("prod-*", "preprod-eu"));
        assert!(glob_match("*-eu", "prod-eu"));
        assert!(glob_match("*a*b*", "xaybz") && !glob_match("*a*b", "xaybz"));
        assert!(glob_match("p?od", "prod") && !glob_match("p?od", "pod"));
        assert!(glob_match("team[0-9]", "team7") && !glob_match("team[0-9]", "teamx"));
        assert!(glob_match("a[", "a["));
    }

    #[test]
    fn the_environment_moves_the_files() {
        let home = Path::new("/home/u");
        assert_eq!(
            shared_files_with(|_| None, home),
            SharedFiles {
                config: PathBuf::from("/home/u/.aws/config"),
                credentials: PathBuf::from("/home/u/.aws/credentials"),
            }
        );
        let moved = shared_files_with(
            |v| match v {
                "AWS_CONFIG_FILE" => Some("~/alt/config".into()),
                "AWS_SHARED_CREDENTIALS_FILE" => Some("/etc/aws/creds".into()),
                _ => None,
            },
            home,
        );
        assert_eq!(
            moved,
            SharedFiles {
                config: PathBuf::from("/home/u/alt/config"),
                credentials: PathBuf::from("/etc/aws/creds"),
            }
        );
    }

    #[test]
    fn select_in_reads_both_files_and_a_missing_one_is_empty() {
        let folder = tempfile::Builder::new().prefix("awstop-profiles-").tempdir().unwrap();
        let dir = folder.path();
        let files = SharedFiles {
            config: dir.join("config"),
            credentials: dir.join("credentials"),
        };
        std::fs::write(&files.config, CONFIG).unwrap();
        std::fs::write(&files.credentials, CREDENTIALS).unwrap();
        assert_eq!(
            select_in("prod-*", &files).unwrap(),
            ["prod-eu", "prod-legacy", "prod-us"]
        );
        std::fs::remove_file(&files.credentials).unwrap();
        assert_eq!(select_in("prod-*", &files).unwrap(), ["prod-eu", "prod-us"]);
        let e = select_in("sandbox-*", &files).unwrap_err();
        assert!(
            e.to_string()
                .contains(&files.credentials.display().to_string()),
            "{e}"
        );
    }
}
