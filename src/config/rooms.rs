//! The rooms' sections of the config file (`[lambda]`), read before the rest
//! of the file: only the rooms know their keys, so the shared sections'
//! `deny_unknown_fields` would refuse them. Each is taken out of the parsed
//! document with its position, checked by the room's own `Setting`, and the
//! rest goes on to serde as before.

use toml::de::{DeTable, DeValue};

use crate::room_settings::{RoomSettings, Setting};
use crate::services::ServiceKind;

/// Takes every room setting out of `root`: from the room's own section, or
/// where an older file said it (`Setting::formerly`). Unknown keys in a
/// room's section and values its setting refuses are errors at their position.
pub fn take(file: &str, text: &str, root: &mut DeTable<'_>) -> Result<RoomSettings, String> {
    let at = |offset: usize| {
        let (line, col) = crate::theme::line_col(text, offset);
        format!("{file}:{line}:{col}")
    };
    let mut out = crate::services::default_settings();
    // Older spellings first, so the room's own section wins where both are given.
    for (_, setting) in crate::services::settings() {
        let Some((section, key)) = setting.formerly else { continue };
        let Some(table) = root.get_mut(section).and_then(|t| table_mut(t.get_mut())) else {
            continue;
        };
        let Some(value) = table.remove(key) else { continue };
        // An emptied section goes too: `[cold-starts]` is no section of today's file.
        if table.is_empty() {
            root.remove(section);
        }
        set(&mut out, setting, &value, &format!("{section}.{key}"), &at)?;
    }
    for k in ServiceKind::ALL {
        let settings = k.room().info().settings;
        let name = k.name();
        let Some(section) = root.remove(name) else { continue };
        let span = section.span();
        let DeValue::Table(table) = section.into_inner() else {
            return Err(format!("{}: {name} must be a table ([{name}])", at(span.start)));
        };
        for (key, value) in table.iter() {
            let key_text: &str = key.get_ref();
            let Some(setting) = settings.iter().find(|s| s.name == key_text) else {
                return Err(format!(
                    "{}: unknown key `{key_text}` in [{name}]: {}",
                    at(key.span().start),
                    if settings.is_empty() {
                        format!("{} has no settings", k.label())
                    } else {
                        format!("use {}", names(settings))
                    }
                ));
            };
            set(&mut out, setting, value, &format!("{name}.{key_text}"), &at)?;
        }
    }
    // Every other key must be a shared section: said here, so the message
    // names the rooms' sections too.
    for (key, _) in root.iter() {
        let key_text: &str = key.get_ref();
        if !super::SECTIONS.contains(&key_text) {
            let rooms: Vec<&str> = ServiceKind::ALL
                .iter()
                .filter(|k| !k.room().info().settings.is_empty())
                .map(|k| k.name())
                .collect();
            return Err(format!(
                "{}: unknown section `{key_text}`: use {} or a service's own: {}",
                at(key.span().start),
                super::SECTIONS.join(", "),
                rooms.join(", ")
            ));
        }
    }
    Ok(out)
}

fn table_mut<'a, 'i>(v: &'a mut DeValue<'i>) -> Option<&'a mut DeTable<'i>> {
    match v {
        DeValue::Table(t) => Some(t),
        _ => None,
    }
}

fn set(
    out: &mut RoomSettings,
    setting: &Setting,
    value: &toml::Spanned<DeValue<'_>>,
    what: &str,
    at: &dyn Fn(usize) -> String,
) -> Result<(), String> {
    let pos = at(value.span().start);
    let Some(text) = value.get_ref().as_str() else {
        return Err(format!("{pos}: {what} must be a string, like \"{}\"", setting.default));
    };
    out.apply(setting, text).map_err(|e| format!("{pos}: {what}: {e}"))
}

fn names(settings: &[Setting]) -> String {
    settings.iter().map(|s| s.name).collect::<Vec<_>>().join(" or ")
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    fn text(c: &Config, name: &str) -> String {
        c.rooms.text(name).unwrap_or_default().to_string()
    }

    #[test]
    fn a_rooms_section_sets_its_settings_and_older_spellings_still_read() {
        let c = Config::parse("c.toml", "[lambda]\npercentile = \"p90\"\ncold-starts = \"filter\"\n").unwrap();
        assert_eq!((text(&c, "percentile"), text(&c, "cold-starts")), ("p90".into(), "filter".into()));
        // Where files said them before rooms had sections.
        let c = Config::parse(
            "c.toml",
            "[metrics]\nwindow = 30\npercentile = \"p50\"\n[cold-starts]\nmethod = \"insights\"\n",
        )
        .unwrap();
        assert_eq!((text(&c, "percentile"), text(&c, "cold-starts")), ("p50".into(), "insights".into()));
        assert_eq!(c.metrics.window, 30);
        // The room's own section wins over the older spelling.
        let c = Config::parse("c.toml", "[metrics]\npercentile = \"p50\"\n[lambda]\npercentile = \"p75\"\n").unwrap();
        assert_eq!(text(&c, "percentile"), "p75");
        // Not given: the room's default.
        assert_eq!(text(&Config::parse("c.toml", "").unwrap(), "percentile"), "p99");
    }

    #[test]
    fn bad_room_settings_are_refused_at_their_position() {
        let cases = [
            ("[lambda]\npercentle = \"p90\"\n", "c.toml:2:1: unknown key `percentle` in [lambda]: use percentile or cold-starts"),
            ("[lambda]\npercentile = \"p100\"\n", "c.toml:2:14: lambda.percentile: expected a percentile like"),
            ("[lambda]\npercentile = 99\n", "c.toml:2:14: lambda.percentile must be a string, like \"p99\""),
            ("[cold-starts]\nmethod = \"fast\"\n", "c.toml:2:10: cold-starts.method: expected auto, insights or filter"),
            ("[metrics]\npercentile = \"p0\"\n", "c.toml:2:14: metrics.percentile: expected a percentile"),
            ("lambda = 3\n", "c.toml:1:10: lambda must be a table ([lambda])"),
            ("[ecs]\nfoo = 1\n", "c.toml:2:1: unknown key `foo` in [ecs]: ECS has no settings"),
            // A key the rooms do not own still goes to the shared sections' checks.
            ("[cold-starts]\nmethod = \"auto\"\nspeed = 1\n", "c.toml:1:2: unknown section `cold-starts`: use aws, refresh, metrics, ui, audit, cost, changes, org, accounts or a service's own: lambda"),
            ("[lamda]\npercentile = \"p90\"\n", "c.toml:1:2: unknown section `lamda`"),
        ];
        for (file, says) in cases {
            let e = Config::parse("c.toml", file).unwrap_err();
            assert!(e.starts_with(says), "{file:?}: {e}");
        }
    }
}
