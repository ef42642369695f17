//! A moto server on a free 127.0.0.1 port, started and stopped by the test that
//! uses it, and the awstop binary pointed at it.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use serde_json::Value;

pub fn venv(bin: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let path = root.join(".venv/bin").join(bin);
    assert!(
        path.exists(),
        "{} is missing: run scripts/test, which installs moto into .venv",
        path.display()
    );
    path
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub struct Moto {
    child: Child,
    pub url: String,
    /// Holds moto's request log; removed when moto is.
    _recording: super::Scratch,
}

impl Moto {
    pub fn start() -> Moto {
        Self::start_with_env(&[])
    }

    pub fn start_with_env(env: &[(&str, &str)]) -> Moto {
        // Port 0: moto binds a free port itself and says which, so no other
        // test can take it between a probe and the bind.
        // Each server its own request log: tests run side by side, and a
        // shared file would mix (and reset) each other's requests.
        let folder = super::scratch("awstop-moto-recording-");
        let recording = folder.join("requests");
        // moto_server with its recorder's writes kept whole (tests/moto/server.py).
        let server = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/moto/server.py");
        let mut child = Command::new(venv("python"))
            .arg(&server)
            .args(["-H", "127.0.0.1", "-p", "0"])
            .env("MOTO_RECORDER_FILEPATH", &recording)
            .envs(env.iter().copied())
            .current_dir(&*folder)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start moto_server");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead;
            let mut sent = false;
            // Keep draining so moto never blocks on a full pipe.
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                if !sent {
                    if let Some(rest) = line.split("Running on http://127.0.0.1:").nth(1) {
                        let port: String =
                            rest.chars().take_while(|c| c.is_ascii_digit()).collect();
                        sent = tx.send(port).is_ok();
                    }
                }
            }
        });
        let mut moto = Moto {
            child,
            url: String::new(),
            _recording: folder,
        };
        let port = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("moto did not say which port it listens on");
        moto.url = format!("http://127.0.0.1:{port}");
        moto.ctl(&["configure"]);
        moto
    }

    pub fn ctl(&self, args: &[&str]) -> String {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/moto/ctl.py");
        let out = Command::new(venv("python"))
            .arg(script)
            .arg(&self.url)
            .args(args)
            .output()
            .expect("run ctl.py");
        assert!(
            out.status.success(),
            "ctl.py {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn seed(&self, scenario: &str) -> Value {
        serde_json::from_str(&self.ctl(&["seed", scenario])).expect("seed truth is JSON")
    }

    /// The operations moto saw while `f` ran.
    pub fn recorded<T>(&self, f: impl FnOnce() -> T) -> (T, Vec<String>) {
        self.ctl(&["recorder", "start"]);
        let out = f();
        let ops: Vec<String> = serde_json::from_str(&self.ctl(&["recorder", "ops"])).unwrap();
        (out, ops)
    }

    /// Credentials and settings that keep the SDK away from this machine's own AWS setup.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        isolated_env()
    }

    pub fn awstop(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_awstop"));
        cmd.args(["--endpoint-url", &self.url, "--region", "us-east-1"])
            .args(args);
        awstop_env(&mut cmd);
        cmd.output().expect("run awstop")
    }

    /// `--once` against moto. moto cannot compute percentiles, so a snapshot
    /// with that one gap exits 3 ("partly read"); nothing else may be missing.
    pub fn once(&self) -> (Value, Output) {
        let out = self.awstop(&["--once", "--format", "json", "--cold-starts", "filter"]);
        let snap: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        // moto cannot compute percentiles, serves some rooms not at all
        // (`unserved`) and has no v2 API Gateway deployments (404): those
        // failures, and only those, are expected.
        let only_percentile = snap["errors"].as_array().is_some_and(|e| {
            !e.is_empty()
                && e.iter().all(|x| {
                    (x["operation"] == "GetMetricData"
                        && x["message"].as_str().unwrap_or("").contains("p99"))
                        || of_unserved(x)
                        || (x["service"] == "apigateway" && x["operation"] == "GetDeployments" && x["kind"] == "not_found")
                })
        });
        assert!(
            out.status.success() || (out.status.code() == Some(3) && only_percentile),
            "awstop failed ({:?}): {} {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr),
            snap["errors"]
        );
        (
            serde_json::from_slice(&out.stdout).expect("snapshot is JSON"),
            out,
        )
    }
}

/// The rooms moto serves nothing of, in registry order. moto routes a
/// request by its signing name, which is the IAM prefix of the room's
/// actions, to the backend whose host pattern matches
/// `{name}.{region}.amazonaws.com`; a room no backend matches gets a 500
/// for every call. Asked of the pinned moto itself, so a room added to the
/// registry, or a service moto learns, needs no list here.
pub fn unserved() -> &'static [&'static str] {
    static UNSERVED: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    UNSERVED.get_or_init(|| {
        let prefixes = |k: &awstop::services::ServiceKind| -> std::collections::BTreeSet<&'static str> {
            k.room().info().iam_actions.iter().filter_map(|a| a.split_once(':')).map(|(p, _)| p).collect()
        };
        let all: std::collections::BTreeSet<&str> = awstop::services::ServiceKind::ALL.iter().flat_map(prefixes).collect();
        let script = "import sys\nfrom moto.backend_index import backend_url_patterns as b\n\
                      for p in sys.argv[1:]:\n    \
                      print(p) if any(r.match(f'https://{p}.us-east-1.amazonaws.com') for _, r in b) else None\n";
        let out = Command::new(venv("python")).arg("-c").arg(script).args(&all).output().expect("ask moto its backends");
        assert!(out.status.success(), "moto's backends: {}", String::from_utf8_lossy(&out.stderr));
        let served: std::collections::BTreeSet<String> = String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect();
        // A moto that serves none of them was asked wrongly, not lacking all.
        assert!(!served.is_empty(), "moto serves none of {all:?}");
        awstop::services::ServiceKind::ALL
            .iter()
            .filter(|k| prefixes(k).iter().all(|p| !served.contains(*p)))
            .map(|k| k.name())
            .collect()
    })
}

/// A snapshot's error that is a call to a room moto does not serve.
pub fn of_unserved(e: &Value) -> bool {
    e["service"].as_str().is_some_and(|s| unserved().contains(&s))
}

/// `--once` exits 0 when the snapshot has no errors and 3 when it has some
/// (4 only when nothing was read at all).
pub fn assert_exit_matches_errors(out: &Output, snap: &Value) {
    let errors = snap["errors"].as_array().map_or(0, |e| e.len());
    let code = out.status.code();
    if errors == 0 {
        assert_eq!(code, Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    } else {
        assert!(
            matches!(code, Some(3) | Some(4)),
            "{code:?} with errors {}",
            snap["errors"]
        );
    }
}

pub fn isolated_env() -> Vec<(&'static str, String)> {
    let nowhere = crate::common::no_aws_config();
    vec![
        ("AWS_ACCESS_KEY_ID", "testing".into()),
        ("AWS_SECRET_ACCESS_KEY", "testing".into()),
        (
            "AWS_CONFIG_FILE",
            nowhere.join("config").display().to_string(),
        ),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            nowhere.join("credentials").display().to_string(),
        ),
        ("AWS_EC2_METADATA_DISABLED", "true".into()),
        no_user_config(),
        (
            "XDG_STATE_HOME",
            crate::common::state_home()
                .display()
                .to_string(),
        ),
    ]
}

pub fn awstop_env(cmd: &mut Command) {
    for k in [
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
    ] {
        cmd.env_remove(k);
    }
    cmd.envs(isolated_env());
}

/// No awstop configuration from this machine.
pub fn no_user_config() -> (&'static str, String) {
    (
        "XDG_CONFIG_HOME",
        crate::common::no_config_home()
            .display()
            .to_string(),
    )
}

impl Drop for Moto {
    fn drop(&mut self) {
        // Our own child, by its PID: never a pattern match on other processes.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
