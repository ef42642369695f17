//! Service rooms. Everything about one AWS service lives in its own folder
//! (domain types, live fetch, demo generator, tables, pane, overview,
//! snapshot section, IAM actions, refresh interval); the line below is the
//! only place that lists them. Service kinds, payloads, pane numbers, `:`
//! names, intervals, pollers, snapshot keys and the IAM policy all follow from
//! it, in this order. See docs/adding-a-service.md.

pub mod account_cost;
mod adapter;
#[cfg(test)]
pub mod change_tests;
pub mod feed;
pub mod intervals;
pub mod joins;
pub mod live;
pub mod msg;
pub mod poller;
mod registry;
mod room_info;
pub mod room;
pub mod scope;
pub mod scroll;
pub mod streamed;
pub mod turns;
pub mod weekago;

registry::rooms! {
    lambda: Lambda,
    ecs: Ecs,
    batch: Batch,
    eks: Eks,
    ecr: Ecr,
    emr: Emr,
    lightsail: Lightsail,
    apigateway: ApiGateway,
    apprunner: AppRunner,
}

pub use adapter::DynRoom;
pub use feed::{Feed, RegionStatus, Retired, RETIRED_MAX};
pub use intervals::Intervals;
pub use room_info::RoomInfo;
pub use room::{Room, RoomDemo, RoomLive, RoomUi, Settings};

impl ServiceKind {
    /// The room of a name given on the command line, in the config or after `:`.
    pub fn from_name(name: &str) -> Option<ServiceKind> {
        let name = name.to_ascii_lowercase();
        ServiceKind::ALL.iter().copied().find(|k| {
            let r = k.room();
            r.name() == name || r.aliases().contains(&name.as_str())
        })
    }

    pub fn name(self) -> &'static str {
        self.room().name()
    }

    pub fn label(self) -> &'static str {
        self.room().label()
    }

    /// Position in the registry: panes are numbered from it.
    pub fn index(self) -> usize {
        ServiceKind::ALL
            .iter()
            .position(|k| *k == self)
            .unwrap_or_default()
    }
}

/// Every room's own settings, with the room that declares them, in registry order.
pub fn settings() -> impl Iterator<Item = (ServiceKind, &'static crate::room_settings::Setting)> {
    ServiceKind::ALL
        .iter()
        .flat_map(|k| k.room().info().settings.iter().map(move |s| (*k, s)))
}

/// Every room's own section of the price files.
pub fn price_sections() -> Vec<&'static crate::cost::book::PriceSection> {
    ServiceKind::ALL.iter().flat_map(|k| k.room().info().prices).collect()
}

/// The repository's price files, every room's section read, parsed once.
pub fn builtin_prices() -> &'static std::sync::Arc<crate::cost::PriceBook> {
    static BOOK: std::sync::OnceLock<std::sync::Arc<crate::cost::PriceBook>> =
        std::sync::OnceLock::new();
    BOOK.get_or_init(|| std::sync::Arc::new(crate::cost::PriceBook::builtin(&price_sections())))
}

/// Every room's settings at their defaults.
pub fn default_settings() -> crate::room_settings::RoomSettings {
    crate::room_settings::RoomSettings::defaults(settings().map(|(_, s)| s))
}

/// Every room's name, for help texts and error messages: "lambda, ecs, batch, eks, ecr, emr or lightsail".
pub fn names_or() -> String {
    let names: Vec<&str> = ServiceKind::ALL.iter().map(|k| k.name()).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_serde_agrees_with_them() {
        let mut seen = std::collections::HashSet::new();
        for k in ServiceKind::ALL {
            let r = k.room();
            assert!(seen.insert(r.name()), "{} twice", r.name());
            for a in r.aliases() {
                assert!(seen.insert(a), "{a} twice");
            }
            let json = serde_json::to_string(k).unwrap();
            assert_eq!(json, format!("\"{}\"", r.name()));
            assert_eq!(ServiceKind::from_name(r.name()), Some(*k));
            assert_eq!(k.room().kind(), *k);
        }
        // "lambda, ecs, …, apigateway or apprunner": read back, every room in order.
        let all = names_or();
        let (rest, last) = all.rsplit_once(" or ").unwrap();
        let read: Vec<&str> = rest.split(", ").chain([last]).collect();
        let names: Vec<&str> = ServiceKind::ALL.iter().map(|k| k.name()).collect();
        assert!(names.len() > 2);
        assert_eq!(read, names);
        assert!(all.starts_with("lambda, ecs, "), "{all}");
    }
}
