//! Settings a room owns (Lambda: how its cold starts are read), carried by
//! the core without knowing their types. The command line and the config
//! file put a room's setting in by its type; the room takes it out by the
//! same type, or its `Default` when none was given. So the core never names
//! a room's setting, and a new one touches no shared struct.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

#[derive(Clone, Default)]
pub struct RoomSettings(HashMap<TypeId, Arc<dyn Any + Send + Sync>>);

impl RoomSettings {
    /// With `value` as the setting of its type (replacing any before).
    pub fn with<T: Any + Send + Sync>(mut self, value: T) -> RoomSettings {
        self.0.insert(TypeId::of::<T>(), Arc::new(value));
        self
    }

    /// The setting of type `T`, or its default when none was given.
    pub fn get<T: Any + Send + Sync + Clone + Default>(&self) -> T {
        self.0
            .get(&TypeId::of::<T>())
            .and_then(|v| v.downcast_ref::<T>())
            .cloned()
            .unwrap_or_default()
    }
}

impl fmt::Debug for RoomSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RoomSettings({} set)", self.0.len())
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
}
