use super::*;

fn t(s: i64) -> DateTime<Utc> {
    "2026-11-22T14:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::seconds(s)
}

fn line() -> Timeline {
    Timeline::new(vec![t(0), t(0), t(10), t(20), t(20), t(60)], t(0))
}

#[test]
fn opens_at_the_first_moment_and_plays() {
    let tl = line();
    assert_eq!(
        (tl.pos, tl.clock, tl.playing, tl.speed()),
        (2, t(0), true, 1)
    );
}

#[test]
fn playing_applies_what_the_clock_passed_at_the_chosen_speed() {
    let mut tl = line();
    assert_eq!(tl.advance(Duration::seconds(5)), Change::None);
    assert_eq!(tl.advance(Duration::seconds(5)), Change::Forward(2..3));
    tl.faster();
    tl.faster();
    assert_eq!(tl.speed(), 5);
    assert_eq!(tl.advance(Duration::seconds(2)), Change::Forward(3..5));
    assert_eq!(tl.clock, t(20));
    assert_eq!(tl.advance(Duration::seconds(60)), Change::Forward(5..6));
    assert!(!tl.playing, "stops at the end");
    assert_eq!(tl.clock, t(60));
    tl.toggle();
    assert_eq!((tl.pos, tl.clock, tl.playing), (2, t(0), true));
    for _ in 0..10 {
        tl.faster();
    }
    assert_eq!(tl.speed(), 60);
    for _ in 0..10 {
        tl.slower();
    }
    assert_eq!(tl.speed(), 1);
}

#[test]
fn paused_means_still() {
    let mut tl = line();
    tl.toggle();
    assert_eq!(tl.advance(Duration::seconds(600)), Change::None);
    assert_eq!(tl.clock, t(0));
}

#[test]
fn steps_move_one_record_and_back_rebuilds() {
    let mut tl = line();
    assert_eq!(tl.step_forward(), Change::Forward(2..3));
    assert_eq!(tl.clock, t(10));
    assert!(!tl.playing);
    assert_eq!(tl.step_back(), Change::Rebuild);
    assert_eq!((tl.pos, tl.clock), (2, t(0)));
    tl.step_back();
    tl.step_back();
    assert_eq!(tl.pos, 0);
    assert_eq!(tl.step_back(), Change::None);
}

#[test]
fn jumps_go_either_way() {
    let mut tl = line();
    assert_eq!(tl.jump(t(30)), Change::Forward(2..5));
    assert_eq!(tl.jump(t(5)), Change::Rebuild);
    assert_eq!(tl.pos, 2);
    assert_eq!(tl.jump(t(-5)), Change::Rebuild);
    assert_eq!(tl.pos, 0);
    assert_eq!(tl.jump(t(3600)), Change::Forward(0..6));
}

#[test]
fn out_of_order_records_stop_the_count() {
    let tl = Timeline::new(vec![t(0), t(30), t(10)], t(0));
    assert_eq!(tl.count_until(t(20)), 1);
    assert_eq!(tl.count_until(t(30)), 3);
}
