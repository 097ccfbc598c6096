//! A small HTTP/1.1 server on 127.0.0.1 for end-to-end tests: it answers
//! from a script of replies, in order, and records every request it gets.
//! One request per connection (`Connection: close`).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with the next request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Answers with this status, headers and body.
    Respond { status: u16, headers: Vec<(String, String)>, body: Vec<u8> },
    /// Reads the request and never answers (for timeouts).
    Hang,
    /// Answers with a body of `length` bytes (byte `i` is [`pattern`]`(i)`),
    /// written in chunks of `chunk` bytes; after the first chunk it waits
    /// for `gate`, so a client that waits for the whole body before
    /// handing over the first bytes never gets them.
    Stream { status: u16, headers: Vec<(String, String)>, length: usize, chunk: usize, gate: Arc<tokio::sync::Notify> },
}

/// The byte at `offset` of a [`Reply::Stream`] body.
pub fn pattern(offset: usize) -> u8 {
    (offset % 251) as u8
}

impl Reply {
    /// A JSON reply with a request id.
    pub fn json(status: u16, body: &str) -> Reply {
        Reply::Respond {
            status,
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("x-amzn-requestid".into(), format!("req-{status}")),
            ],
            body: body.as_bytes().to_vec(),
        }
    }

    /// A JSON error reply with an `X-Amzn-Errortype` header.
    pub fn error(status: u16, code: &str, message: &str) -> Reply {
        let mut reply = Reply::json(status, &format!(r#"{{"message": "{message}"}}"#));
        if let Reply::Respond { headers, .. } = &mut reply {
            headers.push(("x-amzn-errortype".into(), format!("{code}:http://internal.amazon.com/coral/com.amazonaws.omics/")));
        }
        reply
    }
}

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// The request target: path and query, exactly as sent.
    pub target: String,
    /// Header names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

pub struct TestServer {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Recorded>>>,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    /// Starts serving `replies` (then 500s) on an ephemeral port.
    pub async fn start(replies: Vec<Reply>) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local addr");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(std::collections::VecDeque::from(replies)));
        let recorded = requests.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                let (recorded, script) = (recorded.clone(), script.clone());
                tokio::spawn(async move {
                    let _ = serve(stream, recorded, script).await;
                });
            }
        });
        TestServer { addr, requests, task }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://localhost:<port>`.
    pub fn url(&self) -> String {
        format!("http://localhost:{}", self.port())
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("requests").clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut stream: TcpStream,
    recorded: Arc<Mutex<Vec<Recorded>>>,
    script: Arc<Mutex<std::collections::VecDeque<Reply>>>,
) -> std::io::Result<()> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_owned();
    let target = request_line.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    recorded.lock().expect("requests").push(Recorded { method, target, headers, body });
    let reply = script.lock().expect("script").pop_front();
    match reply {
        Some(Reply::Hang) => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok(())
        }
        Some(Reply::Respond { status, headers, body }) => write_response(&mut stream, status, &headers, &body).await,
        Some(Reply::Stream { status, headers, length, chunk, gate }) => {
            write_head(&mut stream, status, &headers, length).await?;
            let mut offset = 0;
            while offset < length {
                let end = (offset + chunk).min(length);
                let bytes: Vec<u8> = (offset..end).map(pattern).collect();
                stream.write_all(&bytes).await?;
                stream.flush().await?;
                if offset == 0 {
                    gate.notified().await;
                }
                offset = end;
            }
            stream.shutdown().await
        }
        None => write_response(&mut stream, 500, &[], b"no reply scripted").await,
    }
}

/// The status line and headers of a response whose body is `length` bytes.
async fn write_head(stream: &mut TcpStream, status: u16, headers: &[(String, String)], length: usize) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {status} Status\r\ncontent-length: {length}\r\nconnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await
}

async fn write_response(stream: &mut TcpStream, status: u16, headers: &[(String, String)], body: &[u8]) -> std::io::Result<()> {
    write_head(stream, status, headers, body.len()).await?;
    stream.write_all(body).await?;
    stream.shutdown().await
}
