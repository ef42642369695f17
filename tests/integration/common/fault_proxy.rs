//! A loopback HTTP proxy in front of moto that injects faults on demand:
//! throttling or 5xx for one service, or latency for every request.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    None,
    /// Requests whose X-Amz-Target starts with the prefix get HTTP 400 ThrottlingException.
    Throttle(&'static str),
    /// Requests whose X-Amz-Target starts with the prefix get HTTP 503.
    Unavailable(&'static str),
    /// Every response waits this long first.
    Delay(Duration),
    /// AWS's paging where moto answers a listing whole: requests whose
    /// X-Amz-Target is `target` and whose body has no `by` (they list, not
    /// name) get the first `keep` items of the answer's `list` and a
    /// `nextToken`.
    Page {
        target: &'static str,
        by: &'static str,
        list: &'static str,
        keep: usize,
    },
}

pub struct FaultProxy {
    pub url: String,
    fault: Arc<Mutex<Fault>>,
    stop: Arc<AtomicBool>,
    port: u16,
}

/// ECS speaks awsJson1.1 with this target prefix.
pub const ECS: &str = "AmazonEC2ContainerServiceV20141113";

impl FaultProxy {
    pub fn start(upstream: &str) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let upstream = upstream.trim_start_matches("http://").to_string();
        let fault = Arc::new(Mutex::new(Fault::None));
        let stop = Arc::new(AtomicBool::new(false));
        let (f, s) = (fault.clone(), stop.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(conn) = conn else { continue };
                let (f, up) = (f.clone(), upstream.clone());
                std::thread::spawn(move || {
                    let _ = serve(conn, &up, &f);
                });
            }
        });
        FaultProxy {
            url: format!("http://127.0.0.1:{port}"),
            fault,
            stop,
            port,
        }
    }

    pub fn set(&self, f: Fault) {
        *self.fault.lock().unwrap() = f;
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so its thread ends.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn read_request(conn: &mut TcpStream) -> std::io::Result<Option<(String, Vec<u8>)>> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 4096];
    let head_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        let n = conn.read(&mut byte)?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&byte[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let len = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
        })
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        let n = conn.read(&mut byte)?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&byte[..n]);
    }
    Ok(Some((head, body)))
}

fn target(head: &str) -> String {
    head.lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .starts_with("x-amz-target:")
                .then(|| l[13..].trim().to_string())
        })
        .unwrap_or_default()
}

fn serve(mut conn: TcpStream, upstream: &str, fault: &Mutex<Fault>) -> std::io::Result<()> {
    let Some((head, body)) = read_request(&mut conn)? else {
        return Ok(());
    };
    let fault = fault.lock().unwrap().clone();
    let t = target(&head);
    match fault {
        Fault::Throttle(p) if t.starts_with(p) => {
            let body = r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#;
            write!(conn, "HTTP/1.1 400 Bad Request\r\nContent-Type: application/x-amz-json-1.1\r\nx-amzn-ErrorType: ThrottlingException\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())?;
            return Ok(());
        }
        Fault::Unavailable(p) if t.starts_with(p) => {
            let body = r#"{"__type":"ServerException","message":"Service Unavailable"}"#;
            write!(conn, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())?;
            return Ok(());
        }
        Fault::Delay(d) => std::thread::sleep(d),
        _ => {}
    }
    // Forward with one request per connection: simple and enough for tests.
    let mut up = TcpStream::connect(upstream)?;
    let head: String = head
        .split("\r\n")
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .collect::<Vec<_>>()
        .join("\r\n");
    let head = head.trim_end_matches("\r\n").to_string() + "\r\nConnection: close\r\n\r\n";
    up.write_all(head.as_bytes())?;
    up.write_all(&body)?;
    let mut resp = Vec::new();
    up.read_to_end(&mut resp)?;
    if let Fault::Page { target, by, list, keep } = fault {
        let names = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .is_some_and(|b| b.get(by).is_some());
        if t == target && !names {
            resp = first_page(&resp, list, keep);
        }
    }
    conn.write_all(&resp)?;
    conn.shutdown(Shutdown::Both)
}

/// The response with only the first `keep` items of its JSON body's `list`
/// and a `nextToken`; as it was when it is not such a response.
fn first_page(resp: &[u8], list: &str, keep: usize) -> Vec<u8> {
    let Some(end) = resp.windows(4).position(|w| w == b"\r\n\r\n") else {
        return resp.to_vec();
    };
    let head = String::from_utf8_lossy(&resp[..end]).to_string();
    let Ok(mut body) = serde_json::from_slice::<serde_json::Value>(&resp[end + 4..]) else {
        return resp.to_vec();
    };
    let Some(items) = body.get_mut(list).and_then(|v| v.as_array_mut()) else {
        return resp.to_vec();
    };
    items.truncate(keep);
    body["nextToken"] = "page-2".into();
    let body = serde_json::to_vec(&body).unwrap();
    let head: Vec<String> = head
        .split("\r\n")
        .map(|l| {
            if l.to_ascii_lowercase().starts_with("content-length:") {
                format!("Content-Length: {}", body.len())
            } else {
                l.to_string()
            }
        })
        .collect();
    let mut out = (head.join("\r\n") + "\r\n\r\n").into_bytes();
    out.extend_from_slice(&body);
    out
}
