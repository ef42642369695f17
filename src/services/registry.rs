//! The registry macro: from one `module: Room` line per service it declares
//! the room's module and derives every per-service list awstop has. All the
//! matches it writes name every room, so none can fall through to another.

/// `rooms! { lambda: Lambda, kinesis: Kinesis }` declares `pub mod lambda;`
/// and `pub mod kinesis;` and generates, in that order:
/// - `ServiceKind`: one variant per room (serialized as the room's name);
/// - `Payload`: what a room's source sends, one variant per room (the
///   variant names are part of the recording format);
/// - `RoomView`: a room's own views, for the panes' drill-down stacks;
/// - `Feeds`: every room's data with its per-region freshness, and the facts
///   rooms publish for each other;
/// - `$crate::services::room::Registered` for each room: its kind and where its data and views live;
/// - `each`: visits every room in order with its type.
macro_rules! rooms {
    ($($module:ident : $Room:ident),+ $(,)?) => {
        $(pub mod $module;)+
        $(pub use $module::$Room;)+

        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "lowercase")]
        pub enum ServiceKind {
            $($Room),+
        }

        impl ServiceKind {
            /// Every room, in registry order.
            pub const ALL: &'static [ServiceKind] = &[$(ServiceKind::$Room),+];

            /// The room behind this kind.
            pub fn room(self) -> &'static dyn $crate::services::DynRoom {
                match self {
                    $(ServiceKind::$Room => &$crate::services::adapter::Adapter::<$Room>::NEW),+
                }
            }
        }

        /// What a source sends for one room and region.
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        pub enum Payload {
            $($Room(<$Room as $crate::services::Room>::Data)),+
        }

        impl Payload {
            pub fn kind(&self) -> ServiceKind {
                match self {
                    $(Payload::$Room(_) => ServiceKind::$Room),+
                }
            }
        }

        /// A view inside one room's pane (a list, a drill-down, a detail).
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum RoomView {
            $($Room(<$Room as $crate::services::Room>::View)),+
        }

        impl RoomView {
            pub fn kind(&self) -> ServiceKind {
                match self {
                    $(RoomView::$Room(_) => ServiceKind::$Room),+
                }
            }
        }

        /// Every room's data, each with how fresh it is per region.
        #[derive(Debug, Default)]
        pub struct Feeds {
            $($module: $crate::services::Feed<<$Room as $crate::services::Room>::State>,)+
            /// What the rooms publish for each other (`services::joins`).
            pub board: $crate::services::joins::Board,
        }

        impl Feeds {
            pub fn scopes(&self, kind: ServiceKind) -> &std::collections::BTreeMap<$crate::services::scope::Scope, $crate::services::RegionStatus> {
                match kind {
                    $(ServiceKind::$Room => &self.$module.scopes),+
                }
            }

            pub fn scopes_mut(&mut self, kind: ServiceKind) -> &mut std::collections::BTreeMap<$crate::services::scope::Scope, $crate::services::RegionStatus> {
                match kind {
                    $(ServiceKind::$Room => &mut self.$module.scopes),+
                }
            }

            /// One room's data.
            pub fn get<S: $crate::services::room::Registered>(&self) -> &$crate::services::Feed<S::State> {
                S::feed(self)
            }
        }

        $(
            impl $crate::services::room::Registered for $Room {
                const KIND: ServiceKind = ServiceKind::$Room;
                fn feed(f: &Feeds) -> &$crate::services::Feed<Self::State> {
                    &f.$module
                }
                fn feed_mut(f: &mut Feeds) -> &mut $crate::services::Feed<Self::State> {
                    &mut f.$module
                }
                #[allow(irrefutable_let_patterns)]
                fn view(v: &RoomView) -> Option<&Self::View> {
                    if let RoomView::$Room(x) = v { Some(x) } else { None }
                }
                fn wrap_view(v: Self::View) -> RoomView {
                    RoomView::$Room(v)
                }
                #[allow(irrefutable_let_patterns)]
                fn payload(p: Payload) -> Option<Self::Data> {
                    if let Payload::$Room(d) = p { Some(d) } else { None }
                }
                fn wrap(d: Self::Data) -> Payload {
                    Payload::$Room(d)
                }
                #[allow(irrefutable_let_patterns)]
                fn payload_ref(p: &Payload) -> Option<&Self::Data> {
                    if let Payload::$Room(d) = p { Some(d) } else { None }
                }
                #[allow(irrefutable_let_patterns)]
                fn payload_mut(p: &mut Payload) -> Option<&mut Self::Data> {
                    if let Payload::$Room(d) = p { Some(d) } else { None }
                }
            }
        )+

        /// Calls `v.room::<R>()` for every room, in registry order.
        pub fn each<V: $crate::services::room::Visit>(v: &mut V) {
            $(v.room::<$Room>();)+
        }
    };
}

pub(crate) use rooms;
