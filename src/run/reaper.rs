//! Frees the rows a refresh replaced, on one background thread that never
//! takes the CPU from the UI.
//!
//! Dropping 10,000 functions takes several milliseconds of allocator work. A
//! normal thread woken for it right after a frame preempts the UI thread on a
//! 2-core box: measured with `cargo bench --bench frame`, a 1 ms frame then
//! took 4 to 5 ms. Under SCHED_IDLE the kernel never lets a woken reaper
//! preempt anything, yet the policy is the fair scheduler's lowest weight, not
//! a starvation class, so on a box that is never idle it still finishes and
//! replaced rows cannot pile up.

use std::sync::mpsc::{channel, Sender};
use std::sync::OnceLock;

use crate::services::Retired;

static REAPER: OnceLock<Option<Sender<Vec<Retired>>>> = OnceLock::new();

/// Starts the reaper ahead of the first refresh, so that no frame pays for
/// creating a thread.
pub fn start() {
    REAPER.get_or_init(spawn);
}

/// glibc gives each thread that allocates under contention an arena of its
/// own and never hands one back: the demo's workers and the reaper kept
/// tens of megabytes of freed rows each at 50,000 functions (peak RSS 290 MB
/// with the default, 254 MB with one arena). Two arenas keep the UI thread
/// from waiting on the reaper's frees. Called first thing in `main`.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn few_arenas() {
    // SAFETY: sets a tunable before the threads that would use it exist.
    unsafe { libc::mallopt(libc::M_ARENA_MAX, 2) };
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn few_arenas() {}

/// Hands what a refresh freed back to the system: glibc keeps freed memory
/// below the top of each arena for reuse, so the dashboard's RSS would stay at
/// the peak of the largest refresh (old and new rows held at once).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn trim() {
    // SAFETY: no arguments but the padding to keep.
    unsafe { libc::malloc_trim(0) };
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim() {}

/// Hands `old` to the reaper thread; frees it here if that thread cannot run.
pub fn bury(old: Vec<Retired>) {
    if old.is_empty() {
        return;
    }
    // A failed send hands `old` back inside the error, which drops it here.
    if let Some(tx) = REAPER.get_or_init(spawn) {
        let _ = tx.send(old);
    }
}

fn spawn() -> Option<Sender<Vec<Retired>>> {
    let (tx, rx) = channel::<Vec<Retired>>();
    std::thread::Builder::new()
        .name("awstop-reaper".into())
        .spawn(move || {
            lower_priority();
            for old in rx {
                drop(old);
                trim();
            }
        })
        .ok()?;
    Some(tx)
}

#[cfg(target_os = "linux")]
fn lower_priority() {
    // The raw system call, because musl's sched_setscheduler wrapper is a stub.
    // On Linux, pid 0 names the calling thread only. A refusal leaves the
    // thread at nice 19 instead, which also rarely preempts.
    let param = libc::sched_param { sched_priority: 0 };
    // SAFETY: the kernel reads one sched_param from a pointer valid for the call.
    let idle = unsafe {
        libc::syscall(
            libc::SYS_sched_setscheduler,
            0,
            libc::SCHED_IDLE,
            &param as *const libc::sched_param,
        )
    };
    if idle != 0 {
        // SAFETY: plain integers only.
        let _ = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, 19) };
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::{sync_channel, SyncSender};
    use std::time::Duration;

    /// Reports, when dropped, which thread dropped it and its scheduling policy.
    struct Probe(SyncSender<(Option<String>, Option<i64>)>);

    impl Drop for Probe {
        fn drop(&mut self) {
            let name = std::thread::current().name().map(str::to_string);
            // Field 41 of /proc/<tid>/stat is the policy; the command name
            // before the fields is in parentheses and may hold spaces.
            let policy = std::fs::read_to_string("/proc/thread-self/stat")
                .ok()
                .and_then(|s| {
                    let rest = s.rsplit_once(')')?.1.to_string();
                    rest.split_whitespace().nth(38)?.parse().ok()
                });
            let _ = self.0.send((name, policy));
        }
    }

    #[test]
    fn replaced_rows_are_freed_on_the_idle_priority_thread() {
        let (tx, rx) = sync_channel(1);
        bury(vec![Box::new(Probe(tx))]);
        let (name, policy) = rx.recv_timeout(Duration::from_secs(10)).unwrap();
        assert_eq!(name.as_deref(), Some("awstop-reaper"));
        if cfg!(target_os = "linux") {
            assert_eq!(policy, Some(libc::SCHED_IDLE as i64));
        }
    }
}
