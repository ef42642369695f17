//! The real binary in a real pseudo-terminal: start, navigate, resize, quit, and
//! the terminal is given back as it was found, also after a panic.

use crate::common::pty::Session;
use crate::common::FROZEN;

fn row(screen: &str, n: usize) -> String {
    screen.lines().nth(n).unwrap_or("").to_string()
}

#[test]
fn navigate_resize_and_quit() {
    let mut s = Session::start(&["--demo", "--demo-clock", FROZEN], 30, 120);
    s.wait_for("the Lambda pane with data", |sc| {
        sc.contains("Lambda functions") && sc.contains("payments-webhook")
    });
    assert!(s.parser.screen().alternate_screen());

    // Sort by name (three columns left of INVOC), then go to the top.
    s.send("<<<g");
    s.wait_for("rows sorted by name", |sc| {
        sc.contains("NAME↑")
            && row(sc, 4).starts_with("ab-assign")
            && row(sc, 5).starts_with("audit-logger")
    });

    // Filter, then drill into the only match and back out.
    s.send("/pay");
    s.wait_for("the live filter", |sc| {
        sc.contains("1 rows") && sc.contains("payments-webhook")
    });
    s.send("\r\r");
    s.wait_for("the function detail", |sc| {
        sc.contains("Function payments-webhook") && sc.contains("Last cold starts")
    });
    s.send("\x1b");
    s.wait_for("the list again", |sc| {
        sc.contains("Lambda functions") && sc.contains("1 rows")
    });
    s.send("\x1b");
    s.wait_for("the filter cleared", |sc| sc.contains("of 40 ·"));

    // Jump to ECS with a k9s-style command.
    s.send(":ecs\r");
    s.wait_for("the ECS pane", |sc| {
        sc.contains("ECS clusters") && sc.contains("web-fargate")
    });

    // Shrink to 80x24: everything is redrawn to fit.
    s.resize(24, 80);
    s.wait_for("a redraw at 80x24", |sc| {
        sc.lines().count() <= 24 && row(sc, 23).contains("?:help")
    });
    s.send("?");
    s.wait_for("the help screen", |sc| {
        sc.contains("Keys (Esc or ? to close)")
    });
    s.send("q");
    let status = s.exit();
    assert!(status.success(), "exit status {status:?}");
    assert!(
        s.left_alternate_screen(),
        "the alternate screen was not left"
    );
    assert!(!s.parser.screen().alternate_screen());
}

#[test]
fn ctrl_c_quits_from_a_prompt() {
    let mut s = Session::start(&["--demo", "--demo-clock", FROZEN], 24, 80);
    s.wait_for("the Lambda rows", |sc| sc.contains("of 40 ·"));
    s.send("/abc");
    s.wait_for("the filter prompt", |sc| sc.contains("/abc"));
    s.send("\x03");
    let status = s.exit();
    assert!(status.success(), "exit status {status:?}");
    assert!(s.left_alternate_screen());
}

#[test]
fn the_terminal_is_restored_after_a_panic() {
    let mut s = Session::start(
        &[
            "--demo",
            "--demo-clock",
            FROZEN,
            "--panic-after-first-frame",
        ],
        24,
        80,
    );
    let status = s.exit();
    assert!(!status.success());
    assert!(
        s.left_alternate_screen(),
        "a panic left the alternate screen on"
    );
    let raw = String::from_utf8_lossy(&s.raw);
    assert!(raw.contains("\x1b[?25h"), "the cursor was left hidden");
    assert!(raw.contains("panic requested by --panic-after-first-frame"));
}

#[test]
fn demo_live_tail_marks_cold_starts() {
    let mut s = Session::start(&["--demo", "--demo-clock", FROZEN], 32, 120);
    // Rows, not just the title: keys typed while loading would filter nothing.
    s.wait_for("the Lambda rows", |sc| {
        sc.contains("Lambda functions") && sc.contains("of 40 ·")
    });
    s.send("/image-resize\r\r");
    s.wait_for("the function", |sc| {
        sc.contains("Function image-resize") && sc.contains("(t: live tail)")
    });
    s.send("t");
    s.wait_for("REPORT lines", |sc| {
        sc.contains("Live tail (t stops)") && sc.contains(" ms  billed ")
    });
    s.send("t");
    s.wait_for("the cold-start list again", |sc| {
        sc.contains("Last cold starts")
    });
    s.send("q");
    assert!(s.exit().success());
}

#[test]
fn a_bad_theme_stops_before_the_screen_is_taken() {
    let folder = crate::common::scratch("awstop-bad-theme-");
    let theme = folder.join("theme.toml");
    std::fs::write(&theme, "[slots]\nok = { fg = \"mauve\" }\n").unwrap();
    let mut s = Session::start(&["--demo", "--theme", theme.to_str().unwrap()], 24, 80);
    let status = s.exit();
    assert_eq!(status.exit_code(), 2);
    let raw = String::from_utf8_lossy(&s.raw);
    assert!(
        raw.contains(&format!("awstop: {}:2:", theme.display())) && raw.contains("unknown colour"),
        "{raw}"
    );
    assert!(
        !raw.contains("\x1b[?1049h"),
        "the alternate screen was entered"
    );
    // A good one draws.
    let mut s = Session::start(
        &[
            "--demo",
            "--demo-clock",
            FROZEN,
            "--theme",
            "solarized-dark",
            "--pane",
            "ecs",
        ],
        24,
        80,
    );
    s.wait_for("the ECS pane first", |sc| sc.contains("ECS clusters"));
    s.send("q");
    assert!(s.exit().success());
}
