//! Amazon API Gateway: REST, HTTP and WebSocket APIs with their stages'
//! requests, 4XX and 5XX, latency and what API Gateway adds on top of the
//! backend, and every route with the Lambda function behind it.

pub mod cost;
mod price_list;
mod changes;
mod demo;
pub mod domain;
mod fetch_http;
mod fetch_rest;
mod live;
mod metrics;
mod overview;
mod pane;
mod snapshot;
mod tables;
mod weekago;

use std::time::Duration;

pub use domain::{Api, ApiGatewayData, Route, Stage, StageMetrics};
pub use live::Clients;

use crate::export::file_safe;
use crate::services::feed::Retired;
use crate::services::scope::{replace_scope, Scope, Scoped};
use crate::services::joins::{function_key, ApiRoute, ApiRoutes, Board, Jump, Topic};
use crate::services::room::Room;
use crate::table::{all, SectionVisitor, TableVisitor};
use crate::services::Settings;

pub struct ApiGateway;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum View {
    Apis,
    /// The API's detail with its routes as the table.
    Api { at: Scope, id: String },
}

impl Room for ApiGateway {
    const INFO: crate::services::RoomInfo = crate::services::RoomInfo {
        name: "apigateway",
        prices: &[cost::PRICES],
        label: "API GW",
        badge: "APIGW",
        aliases: &["api", "apis", "apigw", "gateway", "routes"],
        // APIs and routes change on deployments; the metrics are per minute and
        // read with the same refresh.
        interval: Duration::from_secs(120),
        min_interval: (Duration::from_secs(60), "API Gateway metrics are per minute; faster only spends the API rate"),
        // API Gateway's management API is authorised by HTTP verb: every read,
        // v1 and v2 alike, is `apigateway:GET`.
        iam_actions: &[
            "apigateway:GET",
            // The account's own anomaly detectors of stage metrics, read
            // to use their bands; never created.
            "cloudwatch:DescribeAnomalyDetectors",
        ],
        reads: &[Topic::FunctionErrors],
        publishes: &[Topic::ApiRoutes],
        ..crate::services::RoomInfo::DEFAULT
    };

    type Data = ApiGatewayData;
    type State = ApiGatewayData;
    type View = View;
    type Snapshot = snapshot::ApiGatewayOut;

    fn merge(state: &mut ApiGatewayData, scope: &Scope, mut data: ApiGatewayData, only: bool, retired: &mut Vec<Retired>) {
        // A family whose list failed keeps its rows from before.
        if !data.unread.is_empty() {
            let kept = state
                .apis
                .iter()
                .filter(|a| a.in_scope(scope) && data.unread.iter().any(|u| u == domain::family(&a.protocol)))
                .cloned();
            data.apis.extend(kept);
            data.apis.sort_by(|a, b| a.id.cmp(&b.id));
        }
        replace_scope(&mut state.apis, data.apis, scope, only, retired);
    }

    fn root() -> View {
        View::Apis
    }

    fn changes(state: &ApiGatewayData, scope: &Scope, data: &ApiGatewayData, cx: &crate::services::room::ChangeCtx) -> Vec<crate::changes::Change> {
        changes::changes(state, scope, data, cx)
    }

    /// A change names an API by its ID: its detail.
    fn open(key: &str, at: Option<&Scope>) -> Option<View> {
        Some(View::Api { at: at.cloned().unwrap_or_default(), id: key.to_string() })
    }

    fn holds(state: &ApiGatewayData, account: &str, region: &str, key: &str) -> Option<bool> {
        Some(state.apis.iter().any(|a| a.id == key && a.region == region && a.account() == account))
    }

    fn loading(state: &ApiGatewayData) -> Option<String> {
        let stages = state.apis.iter().flat_map(|a| &a.stages);
        let (n, waiting) = stages.fold((0, 0), |(n, w), s| (n + 1, w + usize::from(s.metrics.pending)));
        crate::services::room::still_loading("stage metrics", waiting, n)
    }

    /// The APIs on screen (or the one open) have their stages read first.
    fn visible(view: &View, on_screen: Vec<String>) -> Vec<String> {
        match view {
            View::Apis => on_screen,
            View::Api { at, id } => vec![crate::services::msg::scoped(at, id)],
        }
    }

    /// A route's Lambda function opens in the Lambda pane.
    fn elsewhere(state: &ApiGatewayData, view: &View, key: &str) -> Option<Jump> {
        let View::Api { at, id } = view else { return None };
        let route = state.api(at, id)?.routes.as_ref()?.iter().find(|r| r.key == key)?;
        Some(Jump {
            room: "lambda",
            key: route.function.clone()?,
            at: Some(at.clone()),
        })
    }

    /// The routes in front of each function, for its triggers.
    fn publish(state: &ApiGatewayData, board: &mut Board) {
        let mut out = ApiRoutes::default();
        for api in &state.apis {
            for r in api.routes.iter().flatten() {
                if let Some(f) = r.function.as_deref() {
                    out.by_function.entry(function_key(&api.account, &api.region, f)).or_default().push(ApiRoute {
                        api: api.name.clone(),
                        api_id: api.id.clone(),
                        route: r.key.clone(),
                    });
                }
            }
        }
        board.api_routes = out;
    }

    /// Each route's function's errors, as the functions' room publishes them.
    fn join(state: &mut ApiGatewayData, board: &Board) {
        for api in &mut state.apis {
            for r in api.routes.iter_mut().flatten() {
                r.errors = r
                    .function
                    .as_deref()
                    .and_then(|f| board.function_errors.get(&api.account, &api.region, f));
            }
        }
    }

    fn child(_state: &ApiGatewayData, view: &View, row: &crate::table::RowId) -> Option<View> {
        match view {
            View::Apis => Some(View::Api {
                at: row.at.clone().unwrap_or_default(),
                id: row.key.clone(),
            }),
            View::Api { .. } => None,
        }
    }

    fn title(state: &Self::State, view: &View) -> String {
        match view {
            View::Apis => "API Gateway APIs".into(),
            View::Api { at, id } => crate::services::room::named("API", state.api(at, id).map(|a| a.name.as_str()), id),
        }
    }

    fn crumb(state: &Self::State, view: &View) -> String {
        match view {
            View::Apis => String::new(),
            View::Api { at, id } => state.api(at, id).map_or(id, |a| &a.name).clone(),
        }
    }

    fn export_name(view: &View) -> String {
        file_safe(&match view {
            View::Apis => "apigateway-apis".to_string(),
            View::Api { id, .. } => format!("apigateway-{id}-routes"),
        })
    }

    fn table<'a, V: TableVisitor<'a>>(state: &'a ApiGatewayData, view: &View, v: V) -> Option<V::Out> {
        match view {
            View::Apis => Some(v.visit(all(&state.apis))),
            // An API that left the data is an empty table, not no table.
            View::Api { at, id } => Some(v.visit(match state.api(at, id) {
                Some(a) => all(a.routes.as_deref().unwrap_or(&[])).context("region", &a.region).context("api", &a.id),
                None => all(&[]),
            })),
        }
    }

    fn sections<'a, V: SectionVisitor<'a>>(state: &'a ApiGatewayData, v: &mut V) {
        v.visit("apis", all(&state.apis));
        for a in &state.apis {
            v.visit("stages", all(&a.stages).context("region", &a.region).context("api", &a.id));
        }
        for a in &state.apis {
            v.visit("routes", all(a.routes.as_deref().unwrap_or(&[])).context("region", &a.region).context("api", &a.id));
        }
    }

    /// Five series a stage, and REST's window percentile; last week's four
    /// figures of the REST and HTTP stages of the APIs on screen (of every
    /// API with `--metrics all`) every 15 minutes.
    fn watch_metrics_per_hour(state: &ApiGatewayData, cx: &crate::services::room::WatchCtx) -> f64 {
        let queries: usize = state
            .apis
            .iter()
            .map(|a| a.stages.len() * if a.protocol == "REST" { metrics::PER_STAGE } else { metrics::PER_STAGE - 1 })
            .sum();
        let shown = if cx.settings.metrics_all { state.apis.len() } else { cx.on_screen };
        let compared: usize = state.apis.iter().take(shown).filter(|a| a.protocol != "WEBSOCKET").map(|a| a.stages.len()).sum();
        let week = (compared * metrics::WEEK_PER_STAGE) as f64 * cx.per_hour(crate::baseline::REFRESH);
        queries as f64 * cx.refreshes() + week
    }

    fn snapshot(state: &ApiGatewayData, settings: &Settings) -> snapshot::ApiGatewayOut {
        snapshot::apigateway(state, settings)
    }

    fn unusual(state: &ApiGatewayData) -> Vec<crate::baseline::Unusual> {
        weekago::unusual(&state.apis)
    }

    fn cost(state: &ApiGatewayData, settings: &Settings) -> Option<crate::cost::RoomCost> {
        let apis = state.apis.iter();
        let estimates: Vec<_> = apis.map(|a| cost::estimate(a, &settings.prices, settings.window)).collect();
        Some(crate::cost::RoomCost::of(&estimates))
    }

    fn cost_by_account(state: &ApiGatewayData, settings: &Settings) -> Vec<(String, crate::cost::RoomCost)> {
        let apis = state.apis.iter();
        crate::cost::RoomCost::by_account(apis.map(|a| (&*a.account, cost::estimate(a, &settings.prices, settings.window))))
    }
}
