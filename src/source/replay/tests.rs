use super::*;
use crate::app::model::{Model, Pane, SourceLabel};
use crate::app::msg::Msg;
use crate::app::update;
use crate::services::msg::ReplayStatus;

fn t(s: i64) -> DateTime<Utc> {
    "2026-11-22T14:00:00Z".parse::<DateTime<Utc>>().unwrap() + chrono::Duration::seconds(s)
}

/// A demo recording of three full refreshes a minute apart; the records'
/// receive times, and how many records a refresh is; the folder it is in,
/// removed with the value.
fn recording(name: &str) -> (Recording, usize, tempfile::TempDir) {
    use crate::source::demo::DemoAccount;
    let demo = DemoAccount::new(42, 10, 60);
    let dir = tempfile::Builder::new().prefix(&format!("awstop-{name}-")).tempdir().unwrap();
    let path = dir.path().join("demo.awstop");
    let key = ed25519_dalek::SigningKey::from_bytes(&[3u8; 32]);
    let header = crate::record::Header::new(None, vec![], t(0));
    let mut w = crate::record::writer::Writer::create(&path, header, key, true).unwrap();
    let mut times = Vec::new();
    let mut round = 0;
    for i in 0..3 {
        let msgs = demo.messages_at(t(i * 60));
        round = msgs.len();
        for m in msgs {
            w.record(t(i * 60), &m).unwrap();
            times.push(t(i * 60));
        }
    }
    w.finish(t(180)).unwrap();
    let trust = Trust {
        broken: false,
        unsigned: false,
        verified: times.len(),
    };
    let rec = Recording {
        path,
        times,
        started_at: t(0),
        trust,
        keep_going: false,
        span: (t(0), t(180)),
    };
    (rec, round, dir)
}

/// Feeds `m` what the replay sends, as the dashboard does, until it stands
/// where `want` says; whether a restart held the frames on the way.
async fn until(
    rx: &mut mpsc::Receiver<DataMsg>,
    m: &mut Model,
    want: impl Fn(&ReplayStatus) -> bool,
) -> (ReplayStatus, bool) {
    let mut held = false;
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("the replay answers")
            .expect("the replay goes on");
        let at = match &msg {
            DataMsg::Replay(ReplayMsg::At(s)) => Some(s.clone()),
            _ => None,
        };
        update(m, Msg::Data(msg));
        held |= m.settling;
        if let Some(s) = at.filter(|s| want(s)) {
            assert!(!m.settling, "where it stands ends the hold");
            return (s, held);
        }
    }
}

#[tokio::test]
async fn going_back_shows_exactly_what_going_forward_showed() {
    let (rec, round, _dir) = recording("replay-source");
    let (tx, mut rx) = mpsc::channel(16);
    let (cmd_tx, cmd_rx) = mpsc::channel(8);
    tokio::spawn(run(rec, tx, cmd_rx));
    let timeline = |c| {
        let tx = cmd_tx.clone();
        async move { tx.send(SourceCmd::Timeline(c)).await.unwrap() }
    };
    let mut m = Model::new(SourceLabel::Replay, t(0));
    let json = |m: &Model| crate::once::json(&crate::snapshot::from_model(m, 60));

    // It opens at its first moment with everything recorded then, playing.
    let (s, _) = until(&mut rx, &mut m, |_| true).await;
    assert_eq!((s.clock, s.position, s.total), (t(0), round, 3 * round));
    assert!(s.playing);
    timeline(TimelineCmd::PlayPause).await;
    until(&mut rx, &mut m, |s| !s.playing).await;

    // A minute names all of it: what was recorded in it is shown.
    timeline(TimelineCmd::Jump("14:01".into())).await;
    let (s, held) = until(&mut rx, &mut m, |s| s.position == 2 * round).await;
    assert_eq!(s.clock, t(120) - chrono::Duration::milliseconds(1));
    assert!(!held, "forward plays on top of what is shown");
    let forward = json(&m);
    // The wall clock does not move a replay's time.
    update(&mut m, Msg::Tick(Utc::now()));
    assert_eq!(m.data.now, s.clock);

    timeline(TimelineCmd::Jump("14:02".into())).await;
    until(&mut rx, &mut m, |s| s.position == 3 * round).await;
    assert_ne!(json(&m), forward);

    // What the viewer set survives going back.
    m.ui.pane = Pane::Overview;
    m.ui.height = 40;
    timeline(TimelineCmd::Jump("14:01".into())).await;
    let (s, held) = until(&mut rx, &mut m, |s| s.position == 2 * round).await;
    assert_eq!(s.clock, t(120) - chrono::Duration::milliseconds(1));
    assert!(held, "a rebuild draws nothing until it is whole");
    assert_eq!(json(&m), forward);
    assert_eq!((m.ui.pane, m.ui.height), (Pane::Overview, 40));

    // One record back is a rebuild too, and lands one record short.
    timeline(TimelineCmd::StepBack).await;
    let (s, held) = until(&mut rx, &mut m, |_| true).await;
    assert_eq!(s.position, 2 * round - 1);
    assert!(held);
}

#[tokio::test]
async fn a_time_that_is_not_one_or_outside_is_said_in_the_footer() {
    let (rec, round, _dir) = recording("replay-notice");
    let (tx, mut rx) = mpsc::channel(16);
    let (cmd_tx, cmd_rx) = mpsc::channel(8);
    tokio::spawn(run(rec, tx, cmd_rx));
    let mut m = Model::new(SourceLabel::Replay, t(0));
    until(&mut rx, &mut m, |_| true).await;
    cmd_tx
        .send(SourceCmd::Timeline(TimelineCmd::Jump("nonsense".into())))
        .await
        .unwrap();
    // Commands are served in order: the notice comes before the next status.
    cmd_tx
        .send(SourceCmd::Timeline(TimelineCmd::PlayPause))
        .await
        .unwrap();
    until(&mut rx, &mut m, |s| !s.playing).await;
    let said = m.ui.message.clone().unwrap_or_default();
    assert!(said.contains("is not a time"), "{said}");
    cmd_tx
        .send(SourceCmd::Timeline(TimelineCmd::Jump("15:00".into())))
        .await
        .unwrap();
    let (s, _) = until(&mut rx, &mut m, |s| s.clock == t(180)).await;
    assert_eq!(s.position, 3 * round, "held at its end");
    // The notice follows the status that moved there.
    let msg = rx.recv().await.unwrap();
    update(&mut m, Msg::Data(msg));
    let said = m.ui.message.clone().unwrap_or_default();
    assert!(
        said.starts_with("15:00 is outside the recording (2026-11-22T14:00:00Z to 2026-11-22T14:03:00Z): showing its end"),
        "{said}"
    );
}
