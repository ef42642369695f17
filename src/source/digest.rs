//! The stage between the sources and the screen: every refresh passes
//! through it on its own thread, where each room digests it
//! (`Room::digest`) against the room's memory of the scope's last read, so
//! the screen's thread takes the result instead of a pass over every row.
//! Recordings are unchanged: a digest is never written.

use std::any::Any;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::mpsc;

use crate::services::msg::{DataMsg, ReplayMsg};
use crate::services::room::DigestCtx;
use crate::services::scope::Scope;
use crate::services::{ServiceKind, Settings};

/// Stages are numbered so that a digest is never taken against another
/// stage's count of reads.
static STAGES: AtomicU64 = AtomicU64::new(1);

pub struct Digester {
    settings: Settings,
    stage: u64,
    memory: HashMap<(ServiceKind, Scope), Option<Box<dyn Any + Send>>>,
}

impl Digester {
    pub fn new(settings: Settings) -> Self {
        Digester {
            settings,
            stage: STAGES.fetch_add(1, Ordering::Relaxed),
            memory: HashMap::new(),
        }
    }

    /// Digests `msg` in place: a refresh gains its digest; a replay that
    /// starts over forgets every read, as the screen does.
    pub fn digest(&mut self, msg: &mut DataMsg) {
        match msg {
            DataMsg::Loaded {
                account,
                region,
                fetched_at,
                payload,
            } => {
                let scope = Scope::new(account, region);
                let kind = payload.kind();
                let memory = self.memory.entry((kind, scope.clone())).or_default();
                let cx = DigestCtx {
                    settings: &self.settings,
                    fetched_at: *fetched_at,
                    stage: self.stage,
                };
                kind.room().digest(&scope, payload, memory, &cx);
            }
            DataMsg::Replay(ReplayMsg::Restart) => self.memory.clear(),
            _ => {}
        }
    }
}

/// Passes every message from `rx` to `tx`, digested, on a thread of its
/// own; it ends when either side closes.
pub fn spawn(mut rx: mpsc::Receiver<DataMsg>, tx: mpsc::Sender<DataMsg>, settings: Settings) {
    let mut d = Digester::new(settings);
    let spawned = std::thread::Builder::new().name("awstop-digest".into()).spawn(move || {
        while let Some(mut msg) = rx.blocking_recv() {
            d.digest(&mut msg);
            if tx.blocking_send(msg).is_err() {
                return;
            }
        }
    });
    // Without a thread the messages would never reach the screen: say so
    // rather than show a dashboard that never loads.
    if let Err(e) = spawned {
        eprintln!("awstop: could not start the digest thread: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::msg::Msg;
    use crate::app::update::update;
    use crate::app::Model;
    use crate::services::lambda::Lambda;
    use crate::services::Payload;
    use crate::source::demo::DemoAccount;
    use chrono::{DateTime, Duration, Utc};

    fn start() -> DateTime<Utc> {
        "2026-11-22T14:00:00Z".parse().unwrap()
    }

    fn model(demo: &DemoAccount) -> Model {
        let mut m = Model::with_settings(crate::app::model::SourceLabel::Demo, start(), Settings::default());
        for msg in demo.messages_at(start()) {
            update(&mut m, Msg::Data(msg));
        }
        m
    }

    fn changes(m: &Model) -> Vec<crate::changes::Change> {
        m.data.changes.within(chrono::DateTime::<Utc>::MIN_UTC).cloned().collect()
    }

    /// The story's next minutes of Lambda refreshes, from the demo's source.
    fn refreshes(demo: &DemoAccount, minutes: i64) -> Vec<DataMsg> {
        (1..=minutes).map(|i| demo.loaded(ServiceKind::Lambda, start() + Duration::minutes(i))).collect()
    }

    #[test]
    fn a_digested_refresh_leaves_the_screen_as_one_taken_without_it() {
        let mut demo = DemoAccount::new(7, 1000, 60);
        let (mut plain, mut staged) = (model(&demo), model(&demo));
        demo.start_at(start());
        let mut stage = Digester::new(staged.data.settings.clone());
        let mut taken = 0;
        for msg in refreshes(&demo, 40) {
            let mut digested = msg.clone();
            stage.digest(&mut digested);
            update(&mut plain, Msg::Data(msg));
            update(&mut staged, Msg::Data(digested));
            assert_eq!(changes(&staged), changes(&plain));
            assert_eq!(staged.data.burn, plain.data.burn);
            // The joins with the API routes, by key or by reading every row.
            let routes = |m: &Model| m.state::<Lambda>().functions.iter().map(|f| f.api_routes.clone()).collect::<Vec<_>>();
            assert_eq!(routes(&staged), routes(&plain));
            assert_eq!(staged.data.feeds.board.function_errors, plain.data.feeds.board.function_errors);
            assert!(!staged.data.feeds.board.function_errors.by_function.is_empty());
            let lambda = staged.state::<Lambda>();
            taken += usize::from(lambda.priced(&staged.data.settings.prices, 60).is_some());
        }
        // The story deployed something, so there was something to find…
        assert!(!changes(&plain).is_empty());
        // …and after the stage's first read (the screen held one it had not
        // seen) every refresh's cost came from its digest.
        assert_eq!(taken, 40);
    }

    /// A digest whose changes say something the rows do not, to see whether
    /// the screen took them.
    fn marked(msg: &mut DataMsg) {
        let DataMsg::Loaded { payload: Payload::Lambda(data), .. } = msg else { panic!("not a Lambda refresh") };
        let d = std::sync::Arc::get_mut(data.digest.0.as_mut().expect("digested")).unwrap();
        let mut c = d.changes.first().cloned().unwrap_or_else(|| crate::changes::Change {
            at: d.since,
            account: String::new(),
            region: String::new(),
            service: "lambda".into(),
            resource: String::new(),
            action: String::new(),
            actor: None,
            source: crate::changes::ChangeSource::Refresh,
        });
        c.action = "Marked".into();
        c.at = d.since + Duration::minutes(1);
        d.changes.push(c);
    }

    fn marked_in(m: &Model) -> bool {
        changes(m).iter().any(|c| c.action == "Marked")
    }

    #[test]
    fn changes_are_taken_from_a_digest_only_against_the_read_the_screen_holds() {
        let mut demo = DemoAccount::new(7, 500, 60);
        let mut m = model(&demo);
        demo.start_at(start());
        let mut stage = Digester::new(m.data.settings.clone());
        let msgs = refreshes(&demo, 4);
        // The stage's first read: the screen holds a read the stage never
        // saw, so its changes (found against nothing) are not taken.
        let mut first = msgs[0].clone();
        stage.digest(&mut first);
        marked(&mut first);
        update(&mut m, Msg::Data(first));
        assert!(!marked_in(&m), "a digest of another basis was taken");
        // The next read was compared with the one the screen now holds.
        let mut second = msgs[1].clone();
        stage.digest(&mut second);
        marked(&mut second);
        update(&mut m, Msg::Data(second));
        assert!(marked_in(&m), "a digest of the screen's own basis was not taken");
        // A read that reached the screen without the stage: the stage's
        // next digest compares with a read the screen no longer holds.
        let mut m2 = model(&demo);
        let mut stage2 = Digester::new(m2.data.settings.clone());
        let mut a = msgs[0].clone();
        stage2.digest(&mut a);
        update(&mut m2, Msg::Data(a));
        update(&mut m2, Msg::Data(msgs[1].clone()));
        let mut c = msgs[2].clone();
        stage2.digest(&mut c);
        marked(&mut c);
        update(&mut m2, Msg::Data(c));
        assert!(!marked_in(&m2), "a digest against a replaced read was taken");
    }

    #[test]
    fn a_replay_starting_over_forgets_every_read() {
        let demo = DemoAccount::new(7, 50, 60);
        let mut stage = Digester::new(Settings::default());
        let mut msg = demo.loaded(ServiceKind::Lambda, start());
        stage.digest(&mut msg.clone());
        stage.digest(&mut msg);
        let after = |m: &DataMsg| match m {
            DataMsg::Loaded { payload: Payload::Lambda(d), .. } => d.digest.0.as_ref().unwrap().after,
            _ => panic!(),
        };
        assert_eq!(after(&msg), 1);
        stage.digest(&mut DataMsg::Replay(ReplayMsg::Restart));
        let mut again = demo.loaded(ServiceKind::Lambda, start());
        stage.digest(&mut again);
        assert_eq!(after(&again), 0);
    }
}
