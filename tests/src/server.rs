//! A small HTTP/1.1 server on 127.0.0.1 for end-to-end tests: it answers
//! from a script of replies, in order, and records every request it gets.
//! One request per connection (`Connection: close`), or, started with
//! [`TestServer::start_keep_alive`], as many as the client sends on it
//! until a reply closes it. Some replies are hostile on purpose: raw bytes
//! that are not HTTP, a connection closed without an answer, a body larger
//! than any client should read.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
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
    /// Writes these bytes as the whole response, then closes the connection.
    Raw(Vec<u8>),
    /// Reads the request and closes the connection without a word, as a
    /// server does with a keep-alive connection it had decided to close.
    Close,
    /// Answers with a body of `length` bytes (as [`Reply::Stream`]), with a
    /// `Content-Length` or, if `declared` is false, delimited by the end of
    /// the connection; counts the body bytes it manages to write
    /// ([`TestServer::body_bytes_written`]) until the client hangs up.
    Large { status: u16, length: usize, declared: bool },
    /// Waits this long after reading the request, then replies as `then`
    /// (for requests that must be in flight together).
    Delay { by: Duration, then: Box<Reply> },
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
    /// Which connection it came on: 0 for the first the server accepted.
    pub connection: usize,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

pub struct TestServer {
    addr: SocketAddr,
    state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

/// What the connections of a server share.
struct State {
    requests: Mutex<Vec<Recorded>>,
    script: Mutex<std::collections::VecDeque<Reply>>,
    keep_alive: bool,
    /// How many requests a keep-alive connection answers before it closes
    /// on the next one, silently.
    per_connection: usize,
    /// Whether a keep-alive connection closes as soon as it has answered
    /// `per_connection` requests, without waiting for the next.
    close_when_idle: bool,
    connections: AtomicUsize,
    written: AtomicUsize,
    /// See [`TestServer::hold_upload`].
    upload_gate: Mutex<Option<UploadGate>>,
}

/// Holds the body of the next request with a body: once `after` bytes of
/// it have arrived, the server notifies `received` and reads no further
/// until `resume` is notified.
struct UploadGate {
    after: usize,
    received: Arc<tokio::sync::Notify>,
    resume: Arc<tokio::sync::Notify>,
}

/// The most requests one keep-alive connection serves (a bound on the loop).
const MAX_REQUESTS_PER_CONNECTION: usize = 1000;

impl TestServer {
    /// Starts serving `replies` (then 500s) on an ephemeral port, one
    /// request per connection.
    pub async fn start(replies: Vec<Reply>) -> TestServer {
        Self::start_with(replies, false, usize::MAX, false).await
    }

    /// Starts serving `replies` (then 500s), keeping each connection open
    /// for the next request after a [`Reply::Respond`] (no `Connection:
    /// close`): each connection answers `per_connection` requests, then
    /// reads the next one and closes without a word, as a server whose idle
    /// timeout has passed (that request takes no reply from the script). A
    /// [`Reply::Close`] closes it sooner.
    pub async fn start_keep_alive(replies: Vec<Reply>, per_connection: usize) -> TestServer {
        Self::start_with(replies, true, per_connection, false).await
    }

    /// As [`start_keep_alive`](Self::start_keep_alive), but a connection
    /// closes (silently: its answers say nothing of it) as soon as it has
    /// answered `per_connection` requests, while the client holds it idle:
    /// the request that would follow never reaches the server.
    pub async fn start_closing_idle(replies: Vec<Reply>, per_connection: usize) -> TestServer {
        Self::start_with(replies, true, per_connection, true).await
    }

    async fn start_with(replies: Vec<Reply>, keep_alive: bool, per_connection: usize, close_when_idle: bool) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local addr");
        let state = Arc::new(State {
            requests: Mutex::new(Vec::new()),
            script: Mutex::new(replies.into()),
            keep_alive,
            per_connection,
            close_when_idle,
            connections: AtomicUsize::new(0),
            written: AtomicUsize::new(0),
            upload_gate: Mutex::new(None),
        });
        let shared = state.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                let connection = shared.connections.fetch_add(1, Ordering::SeqCst);
                let state = shared.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, connection, state).await;
                });
            }
        });
        TestServer { addr, state, task }
    }

    /// How many connections the server has accepted.
    pub fn connections(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }

    /// How many body bytes [`Reply::Large`] replies have written so far.
    pub fn body_bytes_written(&self) -> usize {
        self.state.written.load(Ordering::SeqCst)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://localhost:<port>`.
    pub fn url(&self) -> String {
        format!("http://localhost:{}", self.port())
    }

    /// Holds the body of the next request that has one: when its first
    /// `after` bytes have arrived, `received` is notified and the server
    /// reads no more of it until `resume` is. A client that reads a whole
    /// file or stream before sending never gets past the hold, and a test
    /// can change what the client has not read yet.
    pub fn hold_upload(&self, after: usize, received: Arc<tokio::sync::Notify>, resume: Arc<tokio::sync::Notify>) {
        *self.state.upload_gate.lock().expect("upload gate") = Some(UploadGate { after, received, resume });
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.state.requests.lock().expect("requests").clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves the requests of one connection.
async fn serve(mut stream: TcpStream, connection: usize, state: Arc<State>) -> std::io::Result<()> {
    let mut buffer = Vec::new();
    for answered in 0..MAX_REQUESTS_PER_CONNECTION {
        let Some(request) = read_request(&mut stream, &mut buffer, connection, &state).await? else { return Ok(()) };
        state.requests.lock().expect("requests").push(request);
        if answered >= state.per_connection {
            return Ok(());
        }
        let mut reply = state.script.lock().expect("script").pop_front();
        if let Some(Reply::Delay { by, then }) = reply {
            tokio::time::sleep(by).await;
            reply = Some(*then);
        }
        let keep_alive = state.keep_alive;
        match reply {
            Some(Reply::Hang) => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return Ok(());
            }
            Some(Reply::Respond { status, headers, body }) => {
                write_head(&mut stream, status, &headers, Some(body.len()), keep_alive).await?;
                stream.write_all(&body).await?;
                if !keep_alive || (state.close_when_idle && answered + 1 >= state.per_connection) {
                    return stream.shutdown().await;
                }
            }
            Some(Reply::Stream { status, headers, length, chunk, gate }) => {
                write_head(&mut stream, status, &headers, Some(length), false).await?;
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
                return stream.shutdown().await;
            }
            Some(Reply::Raw(bytes)) => {
                stream.write_all(&bytes).await?;
                return stream.shutdown().await;
            }
            // Dropping the stream closes the connection.
            Some(Reply::Close) => return Ok(()),
            Some(Reply::Large { status, length, declared }) => {
                write_head(&mut stream, status, &[], declared.then_some(length), false).await?;
                let mut offset = 0;
                while offset < length {
                    let n = (64 * 1024).min(length - offset);
                    let chunk: Vec<u8> = (offset..offset + n).map(pattern).collect();
                    // Fails once the client has hung up.
                    stream.write_all(&chunk).await?;
                    state.written.fetch_add(n, Ordering::SeqCst);
                    offset += n;
                }
                return stream.shutdown().await;
            }
            // One delay at a time: a delayed delay is a test's mistake.
            Some(Reply::Delay { .. }) | None => {
                write_head(&mut stream, 500, &[], Some(17), false).await?;
                stream.write_all(b"no reply scripted").await?;
                return stream.shutdown().await;
            }
        }
    }
    Ok(())
}

/// Reads one request from `stream` (`buffer` holds what was read beyond
/// the previous one); `None` when the client closed the connection.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>, connection: usize, state: &State) -> std::io::Result<Option<Recorded>> {
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..n]);
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
    buffer.drain(..head_end + 4);
    let mut gate = if length > 0 { state.upload_gate.lock().expect("upload gate").take() } else { None };
    while buffer.len() < length {
        if let Some(held) = gate.take_if(|held| buffer.len() >= held.after) {
            held.received.notify_one();
            held.resume.notified().await;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let body: Vec<u8> = buffer.drain(..length.min(buffer.len())).collect();
    Ok(Some(Recorded { method, target, headers, body, connection }))
}

/// The status line and headers of a response whose body is `length` bytes
/// (or, without a length, ends with the connection).
async fn write_head(
    stream: &mut TcpStream,
    status: u16,
    headers: &[(String, String)],
    length: Option<usize>,
    keep_alive: bool,
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {status} Status\r\n");
    if let Some(length) = length {
        head.push_str(&format!("content-length: {length}\r\n"));
    }
    if !keep_alive {
        head.push_str("connection: close\r\n");
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await
}
