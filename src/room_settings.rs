//! Settings a room owns (Lambda: the duration percentile, how cold starts
//! are read), carried by the core without knowing their types.
//!
//! A room declares each of its settings once, as a [`Setting`]: its name
//! (the `--flag` and the key in the room's `[section]` of the config file),
//! its help, its default and how its text is checked and stored. The command
//! line, the config file, `--help` and `config --default` are all built from
//! those declarations, so a new setting touches no shared file. The room
//! takes its value back out by type; column titles may name a setting in
//! braces (`{percentile} ms`) and get its text.

use std::any::{Any, TypeId};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;

/// One setting a room declares.
pub struct Setting {
    /// The flag (`--percentile`) and the key in the room's config section.
    pub name: &'static str,
    /// What the flag's value looks like in `--help` (`pNN`).
    pub value_name: &'static str,
    /// One line for `--help` and the default config file.
    pub help: &'static str,
    /// The text the setting has when neither flag nor file gives one.
    pub default: &'static str,
    /// Whether it only changes how AWS is read: then it has no effect on the
    /// demo account or a replay, and giving it there is refused.
    pub live_only: bool,
    /// Where older config files said it (`section`, `key`); still read.
    pub formerly: Option<(&'static str, &'static str)>,
    /// Checks the text and stores the typed value the room reads.
    pub set: fn(&mut RoomSettings, &str) -> Result<(), String>,
}

impl fmt::Debug for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Setting({})", self.name)
    }
}

/// Cloned for every table a frame draws: one `Arc` to copy, written only
/// while the command line and config are read.
#[derive(Clone, Default)]
pub struct RoomSettings(Arc<Inner>);

#[derive(Clone, Default)]
struct Inner {
    typed: HashMap<TypeId, Arc<dyn Any + Send + Sync>>,
    /// Each setting's text as given, by name: what titles and `--help` show.
    texts: BTreeMap<&'static str, String>,
}

impl RoomSettings {
    /// With `value` as the setting of its type (replacing any before).
    pub fn with<T: Any + Send + Sync>(mut self, value: T) -> RoomSettings {
        self.store(value);
        self
    }

    /// Keeps `value` as the setting of its type.
    pub fn store<T: Any + Send + Sync>(&mut self, value: T) {
        Arc::make_mut(&mut self.0)
            .typed
            .insert(TypeId::of::<T>(), Arc::new(value));
    }

    /// The setting of type `T`, or its default when none was given.
    pub fn get<T: Any + Send + Sync + Clone + Default>(&self) -> T {
        self.0
            .typed
            .get(&TypeId::of::<T>())
            .and_then(|v| v.downcast_ref::<T>())
            .cloned()
            .unwrap_or_default()
    }

    /// Sets `setting` from its text: checked, stored typed and as text.
    pub fn apply(&mut self, setting: &Setting, text: &str) -> Result<(), String> {
        (setting.set)(self, text)?;
        Arc::make_mut(&mut self.0)
            .texts
            .insert(setting.name, text.to_string());
        Ok(())
    }

    /// Every declared setting at its default.
    pub fn defaults<'a>(settings: impl IntoIterator<Item = &'a Setting>) -> RoomSettings {
        let mut s = RoomSettings::default();
        for setting in settings {
            // A default that fails its own check is a bug the tests catch.
            let _ = s.apply(setting, setting.default);
        }
        s
    }

    /// The text of the setting `name`, if it was set.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.0.texts.get(name).map(String::as_str)
    }

    /// `title` with every `{name}` of a set setting replaced by its text in
    /// capitals, as column titles are (`{percentile} ms` → `P99 ms`).
    pub fn title(&self, title: &str) -> String {
        if !title.contains('{') {
            return title.to_string();
        }
        let mut t = title.to_string();
        for (name, text) in &self.0.texts {
            t = t.replace(&format!("{{{name}}}"), &text.to_ascii_uppercase());
        }
        t
    }
}

impl fmt::Debug for RoomSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RoomSettings({:?})", self.0.texts)
    }
}

impl PartialEq for RoomSettings {
    /// Two are the same when every setting's text is: the typed values follow from them.
    fn eq(&self, other: &Self) -> bool {
        self.0.texts == other.0.texts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Default, PartialEq)]
    enum Method {
        #[default]
        Auto,
        Filter,
    }

    fn set_method(s: &mut RoomSettings, text: &str) -> Result<(), String> {
        s.store(match text {
            "auto" => Method::Auto,
            "filter" => Method::Filter,
            _ => return Err("expected auto or filter".into()),
        });
        Ok(())
    }

    const METHOD: Setting = Setting {
        name: "method",
        value_name: "HOW",
        help: "how",
        default: "auto",
        formerly: None,
        live_only: false,
        set: set_method,
    };

    #[test]
    fn a_room_reads_what_was_set_for_its_type_or_the_default() {
        let none = RoomSettings::default();
        assert_eq!(none.get::<Method>(), Method::Auto);
        let set = none.clone().with(Method::Filter).with(7u32);
        assert_eq!(set.get::<Method>(), Method::Filter);
        assert_eq!(set.get::<u32>(), 7);
        assert_eq!(set.clone().with(Method::Auto).get::<Method>(), Method::Auto);
        assert_eq!(none.get::<u32>(), 0);
    }

    #[test]
    fn a_setting_is_checked_stored_typed_and_named_in_titles() {
        let mut s = RoomSettings::defaults([&METHOD]);
        assert_eq!(s.text("method"), Some("auto"));
        assert_eq!(s.title("{method} ms"), "AUTO ms");
        s.apply(&METHOD, "filter").unwrap();
        assert_eq!(s.get::<Method>(), Method::Filter);
        assert_eq!(s.title("{method} ms · {other}"), "FILTER ms · {other}");
        assert_eq!(s.apply(&METHOD, "nope").unwrap_err(), "expected auto or filter");
        // A refused text leaves the setting as it was.
        assert_eq!((s.get::<Method>(), s.text("method")), (Method::Filter, Some("filter")));
    }
}
