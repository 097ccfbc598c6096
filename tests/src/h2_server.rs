//! A loopback HTTP/2 server (h2c, prior knowledge, on 127.0.0.1) for the
//! end-to-end tests of sending event streams: it checks the SigV4
//! signature of each request, then reads the body as
//! `application/vnd.amazon.eventstream` frames, checks the chained
//! signature of every message with its own code ([`ChainVerifier`]: hmac
//! and sha2, from the specification, not the client's signer), and hands
//! the inner messages to a [`Handler`] whose answers go back at once, while
//! the client is still sending. [`Fault`]s make it misbehave on purpose.
//! What it saw is kept as one [`StreamRecord`] per request.
//!
//! The frames are decoded with `aws-smithy-eventstream`, the official
//! codec, which the generated clients do not use.
//!
//! [`raw_h2_throughput`] measures the floor: the same chunks through
//! hyper's bare HTTP/2 client, no signing, no framing.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_smithy_eventstream::frame::{read_message_from, write_message_to};
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use bytes::{Bytes, BytesMut};
use h2::Reason;
use sha2::{Digest, Sha256};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use crate::server::Recorded;
use crate::sigv4;

/// The payload hash an event-stream request signs (`x-amz-content-sha256`).
pub const EVENTS_PAYLOAD: &str = "STREAMING-AWS4-HMAC-SHA256-EVENTS";

/// The longest message the server reads (the protocol's limit: 16 MiB).
pub const MAX_MESSAGE_LENGTH: usize = 16 * 1024 * 1024;

/// The path of the raw (unsigned, unframed) requests of [`raw_h2_throughput`].
pub const RAW_PATH: &str = "/raw";

/// How long a stream may last at most; how long the server waits for a
/// stalled client to give up.
const STREAM_LIMIT: Duration = Duration::from_secs(120);

/// What the server answers to each inner message.
#[derive(Clone)]
pub enum Handler {
    /// For the `n`-th (from 1) inner message of `:event-type` `AudioEvent`,
    /// an event `TranscriptEvent` with the JSON payload
    /// `{"Transcript":"chunk n of m bytes"}` (`m` the audio's length).
    Transcriber,
    /// Nothing: the response ends when the request does.
    Silent,
    /// The messages this function returns for the `n`-th (from 1) inner
    /// message, sent as they are.
    Custom(Answer),
}

/// A [`Handler::Custom`] function.
pub type Answer = Arc<dyn Fn(usize, &Message) -> Vec<Message> + Send + Sync>;

impl std::fmt::Debug for Handler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Handler::Transcriber => f.write_str("Transcriber"),
            Handler::Silent => f.write_str("Silent"),
            Handler::Custom(_) => f.write_str("Custom"),
        }
    }
}

/// A misbehaviour, after the given number of verified inner messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Stops reading the request body (its flow-control window runs out:
    /// the client's sends stall) until the client resets the stream or
    /// closes the connection.
    StopReadingAfter(usize),
    /// Closes the connection with GOAWAY (INTERNAL_ERROR) when the next
    /// frame arrives (the answers to the N-th have gone out).
    GoAwayAfter(usize),
    /// Resets the stream (RST_STREAM INTERNAL_ERROR) when the next frame
    /// arrives.
    ResetAfter(usize),
    /// Sends a frame whose prelude CRC is wrong, then goes on reading.
    CorruptFrameAfter(usize),
    /// Sends a prelude (its CRC right) that declares a message of 24 MiB,
    /// over the protocol's limit, then goes on reading.
    OverlongMessageAfter(usize),
}

impl Fault {
    fn after(self) -> usize {
        match self {
            Fault::StopReadingAfter(n)
            | Fault::GoAwayAfter(n)
            | Fault::ResetAfter(n)
            | Fault::CorruptFrameAfter(n)
            | Fault::OverlongMessageAfter(n) => n,
        }
    }
}

/// How the server behaves.
#[derive(Clone, Debug)]
pub struct Options {
    pub region: String,
    pub service: String,
    /// The keys the requests are signed with ([`sigv4::KEY_ID`], [`sigv4::SECRET`]).
    pub key_id: String,
    pub secret: String,
    pub handler: Handler,
    pub fault: Option<Fault>,
    /// The request body's flow-control window (HTTP/2's default, 65 535
    /// bytes, unless set): what the client can send unread.
    pub window: u32,
}

impl Options {
    /// A transcriber for `service` in `region`, signed with [`sigv4::SECRET`].
    pub fn transcriber(region: &str, service: &str) -> Options {
        Options {
            region: region.to_owned(),
            service: service.to_owned(),
            key_id: sigv4::KEY_ID.to_owned(),
            secret: sigv4::SECRET.to_owned(),
            handler: Handler::Transcriber,
            fault: None,
            window: 65_535,
        }
    }

    pub fn with_fault(mut self, fault: Fault) -> Options {
        self.fault = Some(fault);
        self
    }

    pub fn with_handler(mut self, handler: Handler) -> Options {
        self.handler = handler;
        self
    }
}

/// An inner message the server verified.
#[derive(Debug, Clone)]
pub struct Received {
    /// Its `:event-type` (empty if it had none).
    pub event_type: String,
    /// The length of its payload.
    pub payload_len: usize,
    /// When its frame was verified.
    pub at: Instant,
}

/// What the server saw of one request.
#[derive(Debug, Clone, Default)]
pub struct StreamRecord {
    pub version: http::Version,
    pub method: String,
    /// Path and query.
    pub target: String,
    /// Header names in lower case (`host` from `:authority` if not sent).
    pub headers: Vec<(String, String)>,
    /// Why the request's own signature was refused, if it was.
    pub authorization_failure: Option<String>,
    /// The inner messages whose chained signature checked out, in order.
    pub events: Vec<Received>,
    /// The final empty signed frame arrived.
    pub final_frame: bool,
    /// Everything that was wrong: a signature, a frame, a missing final frame.
    pub failures: Vec<String>,
    /// The stream ended from the client's side before its end: the reset's
    /// reason, or the connection's error.
    pub client_reset: Option<String>,
    /// Messages the server sent back.
    pub sent: usize,
    /// The server is done with the stream.
    pub finished: bool,
}

impl StreamRecord {
    /// The number of inner messages verified.
    pub fn verified(&self) -> usize {
        self.events.len()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// The server; it stops when dropped.
pub struct H2Server {
    addr: SocketAddr,
    streams: Arc<Mutex<Vec<StreamRecord>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for H2Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

type Streams = Arc<Mutex<Vec<StreamRecord>>>;

impl H2Server {
    /// Listens on 127.0.0.1 (a free port), for up to 64 connections.
    pub async fn start(options: Options) -> H2Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
        let addr = listener.local_addr().expect("bound");
        let streams: Streams = Arc::default();
        let shared = streams.clone();
        let options = Arc::new(options);
        let task = tokio::spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            for _ in 0..64 {
                let Ok((socket, _)) = listener.accept().await else { break };
                let _ = socket.set_nodelay(true);
                connections.spawn(connection(socket, options.clone(), shared.clone()));
            }
            while connections.join_next().await.is_some() {}
        });
        H2Server { addr, streams, task }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`, the endpoint to give a client.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// What the server saw so far, one record per request.
    pub fn streams(&self) -> Vec<StreamRecord> {
        self.streams.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Waits (at most `limit`) until `n` streams are finished, and returns
    /// the records.
    pub async fn finished(&self, n: usize, limit: Duration) -> Vec<StreamRecord> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if self.streams().iter().filter(|s| s.finished).count() >= n {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        self.streams()
    }
}

async fn connection(socket: TcpStream, options: Arc<Options>, streams: Streams) {
    let mut builder = h2::server::Builder::new();
    builder.initial_window_size(options.window).initial_connection_window_size(options.window.max(65_535));
    let Ok(mut connection) = builder.handshake::<_, Bytes>(Lingering(Some(socket))).await else { return };
    let (goaway, mut goaways) = mpsc::channel::<Reason>(1);
    let mut tasks = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            accepted = connection.accept() => match accepted {
                Some(Ok((request, respond))) => {
                    let index = {
                        let mut streams = streams.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                        streams.push(StreamRecord::default());
                        streams.len() - 1
                    };
                    let stream = Stream { index, streams: streams.clone(), options: options.clone(), goaway: goaway.clone() };
                    tasks.spawn(async move {
                        let record = stream.clone_handle();
                        if tokio::time::timeout(STREAM_LIMIT, stream.serve(request, respond)).await.is_err() {
                            record.update(|r| r.failures.push("the stream outlived the server's limit".into()));
                        }
                        record.update(|r| r.finished = true);
                    });
                }
                _ => break,
            },
            Some(reason) = goaways.recv() => connection.abrupt_shutdown(reason),
        }
    }
    // The streams see the connection's end.
    let _ = tokio::time::timeout(Duration::from_secs(5), async { while tasks.join_next().await.is_some() {} }).await;
}

/// A connection closed with a lingering close: once h2 is done with it,
/// it reads (and drops) what the client still sends, for up to two
/// seconds, until the client closes its side. Closing a socket with bytes
/// unread resets the connection, and a reset can make the client lose what
/// it had not read yet: the GOAWAY of [`Fault::GoAwayAfter`].
struct Lingering(Option<TcpStream>);

impl Lingering {
    fn socket(&mut self) -> std::io::Result<&mut TcpStream> {
        self.0.as_mut().ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotConnected))
    }
}

impl tokio::io::AsyncRead for Lingering {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        match self.get_mut().socket() {
            Ok(socket) => std::pin::Pin::new(socket).poll_read(cx, buf),
            Err(e) => std::task::Poll::Ready(Err(e)),
        }
    }
}

impl tokio::io::AsyncWrite for Lingering {
    fn poll_write(self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>, buf: &[u8]) -> std::task::Poll<std::io::Result<usize>> {
        match self.get_mut().socket() {
            Ok(socket) => std::pin::Pin::new(socket).poll_write(cx, buf),
            Err(e) => std::task::Poll::Ready(Err(e)),
        }
    }

    fn poll_flush(self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<std::io::Result<()>> {
        match self.get_mut().socket() {
            Ok(socket) => std::pin::Pin::new(socket).poll_flush(cx),
            Err(e) => std::task::Poll::Ready(Err(e)),
        }
    }

    fn poll_shutdown(self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<std::io::Result<()>> {
        match self.get_mut().socket() {
            Ok(socket) => std::pin::Pin::new(socket).poll_shutdown(cx),
            Err(e) => std::task::Poll::Ready(Err(e)),
        }
    }
}

impl Drop for Lingering {
    fn drop(&mut self) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (Some(mut socket), Ok(runtime)) = (self.0.take(), tokio::runtime::Handle::try_current()) else { return };
        runtime.spawn(async move {
            let _ = socket.shutdown().await;
            let mut buffer = [0u8; 4096];
            let _ = tokio::time::timeout(Duration::from_secs(2), async {
                while let Ok(1..) = socket.read(&mut buffer).await {}
            })
            .await;
        });
    }
}

/// One request being served.
struct Stream {
    index: usize,
    streams: Streams,
    options: Arc<Options>,
    goaway: mpsc::Sender<Reason>,
}

impl Stream {
    fn clone_handle(&self) -> Stream {
        Stream { index: self.index, streams: self.streams.clone(), options: self.options.clone(), goaway: self.goaway.clone() }
    }

    fn update(&self, f: impl FnOnce(&mut StreamRecord)) {
        let mut streams = self.streams.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut streams[self.index]);
    }

    fn fail(&self, failure: String) {
        self.update(|r| r.failures.push(failure));
    }

    async fn serve(self, request: http::Request<h2::RecvStream>, mut respond: h2::server::SendResponse<Bytes>) {
        let (parts, body) = request.into_parts();
        let mut headers: Vec<(String, String)> = parts
            .headers
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        if !headers.iter().any(|(n, _)| n == "host") {
            if let Some(authority) = parts.uri.authority() {
                headers.push(("host".into(), authority.to_string()));
            }
        }
        let target = parts.uri.path_and_query().map(|p| p.to_string()).unwrap_or_else(|| "/".into());
        let recorded = Recorded { method: parts.method.to_string(), target: target.clone(), headers: headers.clone(), body: Vec::new(), connection: 0 };
        self.update(|r| {
            r.version = parts.version;
            r.method = parts.method.to_string();
            r.target = target.clone();
            r.headers = headers;
        });
        if parts.uri.path() == RAW_PATH {
            return raw(&recorded, body, respond).await;
        }
        let seed = check_authorization(&recorded, &self.options);
        // The head goes before the body is read: the client reads events
        // while it sends.
        let head = http::Response::builder()
            .status(200)
            .header("content-type", "application/vnd.amazon.eventstream")
            .body(())
            .expect("a valid head");
        let Ok(mut send) = respond.send_response(head, false) else { return };
        let seed = match seed {
            Ok(seed) => seed,
            Err(reason) => {
                self.update(|r| r.authorization_failure = Some(reason.clone()));
                refuse(&mut send, "InvalidSignatureException", &reason);
                return drain(body).await;
            }
        };
        let options = &self.options;
        let mut verifier = ChainVerifier::new(&options.secret, &options.region, &options.service, seed);
        let mut body = body;
        let mut buffer = BytesMut::new();
        let mut fault = options.fault;
        loop {
            let chunk = match body.data().await {
                None => break,
                Some(Ok(chunk)) => chunk,
                Some(Err(error)) => {
                    self.update(|r| r.client_reset = Some(error.to_string()));
                    return;
                }
            };
            buffer.extend_from_slice(&chunk);
            let mut stop_reading = false;
            // Every complete frame in the buffer (a chunk can hold many, or part of one).
            while buffer.len() >= 4 {
                let total = u32::from_be_bytes([buffer[0], buffer[1], buffer[2], buffer[3]]) as usize;
                if !(16..=MAX_MESSAGE_LENGTH).contains(&total) {
                    let reason = format!("a frame declares {total} bytes, outside 16 to {MAX_MESSAGE_LENGTH}");
                    self.fail(reason.clone());
                    refuse(&mut send, "SerializationException", &reason);
                    return drain(body).await;
                }
                if buffer.len() < total {
                    break;
                }
                // A GOAWAY or a reset discards what is queued: they come
                // when the whole frame after the N-th has arrived (a
                // connection closed with bytes unread is reset, and the client
                // may lose the GOAWAY), once the answers
                // to the N-th have gone.
                match fault.filter(|f| f.after() == verifier.frames()) {
                    Some(Fault::GoAwayAfter(_)) => {
                        let _ = self.goaway.send(Reason::INTERNAL_ERROR).await;
                        // Dropping the stream now would reset it (CANCEL)
                        // before the GOAWAY: it ends with the connection.
                        let _ = tokio::time::timeout(Duration::from_secs(10), std::future::poll_fn(|cx| send.poll_reset(cx))).await;
                        drop(body);
                        return;
                    }
                    Some(Fault::ResetAfter(_)) => {
                        send.send_reset(Reason::INTERNAL_ERROR);
                        return;
                    }
                    _ => {}
                }
                let frame = buffer.split_to(total).freeze();
                let verified = read_message_from(frame)
                    .map_err(|e| format!("frame {}: not an event-stream message: {e}", verifier.frames() + 1))
                    .and_then(|outer| verifier.verify(&outer));
                let inner = match verified {
                    Ok(Verified::Final) => {
                        self.update(|r| r.final_frame = true);
                        continue;
                    }
                    Ok(Verified::Event(inner)) => inner,
                    Err(reason) => {
                        self.fail(reason.clone());
                        refuse(&mut send, "InvalidSignatureException", &reason);
                        return drain(body).await;
                    }
                };
                let event_type = header_string(&inner, ":event-type").unwrap_or_default();
                let received = Received { event_type, payload_len: inner.payload().len(), at: Instant::now() };
                self.update(|r| r.events.push(received));
                let n = verifier.frames();
                let answers = match &options.handler {
                    Handler::Transcriber => transcribe(n, &inner),
                    Handler::Silent => Vec::new(),
                    Handler::Custom(f) => f(n, &inner),
                };
                for answer in answers {
                    if send.send_data(encode(&answer), false).is_err() {
                        return;
                    }
                    self.update(|r| r.sent += 1);
                }
                match fault.filter(|f| f.after() == n) {
                    None | Some(Fault::GoAwayAfter(_) | Fault::ResetAfter(_)) => {}
                    Some(Fault::StopReadingAfter(_)) => stop_reading = true,
                    Some(Fault::CorruptFrameAfter(_)) => {
                        let mut bytes = encode(&transcript(n, "corrupt")).to_vec();
                        bytes[8] ^= 0xff;
                        let _ = send.send_data(Bytes::from(bytes), false);
                        fault = None;
                    }
                    Some(Fault::OverlongMessageAfter(_)) => {
                        let _ = send.send_data(overlong_prelude(), false);
                        fault = None;
                    }
                }
            }
            if stop_reading {
                // The chunk's window is never given back: the client's
                // sends stall until it gives up on the stream.
                let ended = tokio::time::timeout(STREAM_LIMIT, std::future::poll_fn(|cx| send.poll_reset(cx))).await;
                let reason = match ended {
                    Ok(Ok(reason)) => format!("reset: {reason:?}"),
                    Ok(Err(error)) => error.to_string(),
                    Err(_) => "the client never gave up".to_owned(),
                };
                self.update(|r| r.client_reset = Some(reason));
                return;
            }
            let _ = body.flow_control().release_capacity(chunk.len());
        }
        let final_frame = self.streams.lock().unwrap_or_else(std::sync::PoisonError::into_inner)[self.index].final_frame;
        if !buffer.is_empty() {
            let reason = format!("the body ends inside a frame ({} bytes left)", buffer.len());
            self.fail(reason.clone());
            return refuse(&mut send, "SerializationException", &reason);
        }
        if !final_frame {
            let reason = "the body ended without the final empty signed frame".to_owned();
            self.fail(reason.clone());
            return refuse(&mut send, "InvalidSignatureException", &reason);
        }
        let _ = send.send_data(Bytes::new(), true);
    }
}

/// Checks the request's `Authorization` with the independent SigV4 over
/// [`EVENTS_PAYLOAD`]; its signature is the seed of the chain.
fn check_authorization(request: &Recorded, options: &Options) -> Result<String, String> {
    let sent = request.header("authorization").ok_or("no Authorization header")?;
    match request.header("x-amz-content-sha256") {
        Some(EVENTS_PAYLOAD) => {}
        other => return Err(format!("x-amz-content-sha256 is {other:?}, not {EVENTS_PAYLOAD}")),
    }
    if request.header("x-amz-date").is_none() {
        return Err("no x-amz-date header".into());
    }
    let expected = sign_with(request, options);
    if sent != expected {
        return Err(format!("the request's signature does not match: sent {sent:?}, expected {expected:?}"));
    }
    let seed = sent.rsplit("Signature=").next().unwrap_or_default();
    Ok(seed.to_owned())
}

fn sign_with(request: &Recorded, options: &Options) -> String {
    let keys = (options.key_id.as_str(), options.secret.as_str());
    sigv4::authorization_with_payload_and_keys(request, &options.region, &options.service, EVENTS_PAYLOAD, keys)
}

/// Answers with an error message (`:message-type: error`) and ends the
/// response (a reset would discard what is queued: the caller reads the
/// rest of the request instead, [`drain`]).
fn refuse(send: &mut h2::SendStream<Bytes>, code: &str, reason: &str) {
    let error = Message::new(Bytes::new())
        .add_header(Header::new(":message-type", HeaderValue::String("error".into())))
        .add_header(Header::new(":error-code", HeaderValue::String(code.to_owned().into())))
        .add_header(Header::new(":error-message", HeaderValue::String(reason.chars().take(2000).collect::<String>().into())));
    let _ = send.send_data(encode(&error), true);
}

/// Reads the rest of a request body and drops it.
async fn drain(mut body: h2::RecvStream) {
    while let Some(Ok(chunk)) = body.data().await {
        let _ = body.flow_control().release_capacity(chunk.len());
    }
}

/// The transcriber's answer to the `n`-th inner message.
fn transcribe(n: usize, inner: &Message) -> Vec<Message> {
    if header_string(inner, ":event-type").as_deref() != Some("AudioEvent") {
        return Vec::new();
    }
    vec![transcript(n, &format!("chunk {n} of {} bytes", inner.payload().len()))]
}

/// An event `TranscriptEvent` with `{"Transcript": text}`.
pub fn transcript(_n: usize, text: &str) -> Message {
    let payload = format!("{{\"Transcript\":{}}}", json_string(text));
    Message::new(Bytes::from(payload))
        .add_header(Header::new(":message-type", HeaderValue::String("event".into())))
        .add_header(Header::new(":event-type", HeaderValue::String("TranscriptEvent".into())))
        .add_header(Header::new(":content-type", HeaderValue::String("application/json".into())))
}

fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A message's frame.
pub fn encode(message: &Message) -> Bytes {
    let mut buffer = Vec::new();
    write_message_to(message, &mut buffer).expect("a message the server builds encodes");
    Bytes::from(buffer)
}

/// A prelude that declares a 24 MiB message with no headers, its CRC right.
fn overlong_prelude() -> Bytes {
    let mut prelude = Vec::with_capacity(12);
    prelude.extend_from_slice(&(24u32 * 1024 * 1024).to_be_bytes());
    prelude.extend_from_slice(&0u32.to_be_bytes());
    let crc = crc32fast::hash(&prelude);
    prelude.extend_from_slice(&crc.to_be_bytes());
    Bytes::from(prelude)
}

/// A string header of a message.
pub fn header_string(message: &Message, name: &str) -> Option<String> {
    let header = message.headers().iter().find(|h| h.name().as_str() == name)?;
    header.value().as_string().ok().map(|s| s.as_str().to_owned())
}

/// What a verified frame carried.
#[derive(Debug)]
pub enum Verified {
    /// An inner message.
    Event(Message),
    /// The final empty frame: the end of the events.
    Final,
}

/// Checks the chained signatures of an event stream's frames, from the
/// request's signature on: each frame is an envelope with the headers
/// `:date` (a timestamp) and `:chunk-signature` (32 bytes), and the
/// encoded inner message as its payload (nothing, for the final frame).
/// The signature is HMAC-SHA256, under the signing key of the frame's day,
/// of
///
/// ```text
/// AWS4-HMAC-SHA256-PAYLOAD
/// <:date as YYYYMMDDTHHMMSSZ>
/// <YYYYMMDD>/<region>/<service>/aws4_request
/// <the previous signature, hex>
/// <hex SHA-256 of the :date header alone, encoded>
/// <hex SHA-256 of the payload>
/// ```
pub struct ChainVerifier {
    secret: String,
    region: String,
    service: String,
    previous: String,
    frames: usize,
    ended: bool,
}

impl ChainVerifier {
    /// A chain whose first frame follows `seed`, the request's signature (hex).
    pub fn new(secret: &str, region: &str, service: &str, seed: impl Into<String>) -> ChainVerifier {
        ChainVerifier {
            secret: secret.to_owned(),
            region: region.to_owned(),
            service: service.to_owned(),
            previous: seed.into(),
            frames: 0,
            ended: false,
        }
    }

    /// The frames verified so far, the final one excluded.
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// Whether the final empty frame was verified.
    pub fn ended(&self) -> bool {
        self.ended
    }

    /// Checks the next frame; its signature becomes the previous one.
    pub fn verify(&mut self, frame: &Message) -> Result<Verified, String> {
        let number = self.frames + 1;
        if self.ended {
            return Err(format!("frame {number} follows the final empty frame"));
        }
        let mut date = None;
        let mut signature = None;
        for header in frame.headers() {
            match (header.name().as_str(), header.value()) {
                (":date", HeaderValue::Timestamp(t)) => date = Some(*t),
                (":chunk-signature", HeaderValue::ByteArray(b)) => signature = Some(b.clone()),
                (name, value) => return Err(format!("frame {number}: unexpected envelope header {name} = {value:?}")),
            }
        }
        let date = date.ok_or(format!("frame {number}: no :date timestamp header"))?;
        let signature = signature.ok_or(format!("frame {number}: no :chunk-signature byte-array header"))?;
        let millis = date.to_millis().map_err(|e| format!("frame {number}: :date out of range: {e}"))?;
        let amz_date = amz_date(date.secs()).ok_or(format!("frame {number}: :date out of range"))?;
        let day = &amz_date[..8];
        // The `:date` header alone, encoded: name length, name, type 8
        // (timestamp), milliseconds since the epoch, big-endian.
        let mut date_header = vec![5u8];
        date_header.extend_from_slice(b":date");
        date_header.push(8);
        date_header.extend_from_slice(&millis.to_be_bytes());
        let string_to_sign = format!(
            "AWS4-HMAC-SHA256-PAYLOAD\n{amz_date}\n{day}/{}/{}/aws4_request\n{}\n{}\n{}",
            self.region,
            self.service,
            self.previous,
            sigv4::hex(&Sha256::digest(&date_header)),
            sigv4::hex(&Sha256::digest(frame.payload()))
        );
        let key = sigv4::signing_key(&self.secret, day, &self.region, &self.service);
        let expected = sigv4::hex(&sigv4::hmac(&key, &string_to_sign));
        let sent = sigv4::hex(&signature);
        if sent != expected {
            return Err(format!("frame {number}: the chunk signature does not match (sent {sent}, expected {expected})"));
        }
        self.previous = expected;
        if frame.payload().is_empty() {
            self.ended = true;
            return Ok(Verified::Final);
        }
        self.frames = number;
        read_message_from(frame.payload().clone())
            .map(Verified::Event)
            .map_err(|e| format!("frame {number}: the payload is not a message: {e}"))
    }
}

/// `YYYYMMDDTHHMMSSZ` of seconds since the epoch.
fn amz_date(secs: i64) -> Option<String> {
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    // The civil date of a day count (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    if !(0..=9999).contains(&y) {
        return None;
    }
    Some(format!("{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60))
}

/// Serves a raw request: counts the body's bytes and answers 8 bytes (the
/// count, big-endian) for each `x-raw-chunk-size` bytes received.
async fn raw(request: &Recorded, mut body: h2::RecvStream, mut respond: h2::server::SendResponse<Bytes>) {
    let chunk_size = request.header("x-raw-chunk-size").and_then(|v| v.parse::<usize>().ok()).filter(|n| *n > 0).unwrap_or(32 * 1024);
    let Ok(mut send) = respond.send_response(http::Response::new(()), false) else { return };
    let mut received = 0usize;
    let mut acked = 0u64;
    while let Some(Ok(chunk)) = body.data().await {
        received += chunk.len();
        let _ = body.flow_control().release_capacity(chunk.len());
        while received / chunk_size > acked as usize {
            acked += 1;
            if send.send_data(Bytes::copy_from_slice(&acked.to_be_bytes()), false).is_err() {
                return;
            }
        }
    }
    let _ = send.send_data(Bytes::new(), true);
}

/// How [`raw_h2_throughput`] sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawMode {
    /// As fast as the connection takes them: throughput.
    Pipelined,
    /// Each chunk once the previous one was acknowledged: the latency of one.
    LockStep,
}

/// What [`raw_h2_throughput`] measured.
#[derive(Debug, Clone)]
pub struct RawThroughput {
    pub chunks: usize,
    pub chunk_size: usize,
    /// From the request sent to the last acknowledgement.
    pub elapsed: Duration,
    /// For each chunk, from handing it to hyper to its acknowledgement.
    pub latencies: Vec<Duration>,
}

impl RawThroughput {
    pub fn chunks_per_second(&self) -> f64 {
        self.chunks as f64 / self.elapsed.as_secs_f64()
    }

    pub fn mean_latency(&self) -> Duration {
        let total: Duration = self.latencies.iter().sum();
        total / self.latencies.len().max(1) as u32
    }

    pub fn median_latency(&self) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        sorted.get(sorted.len() / 2).copied().unwrap_or_default()
    }
}

/// A request body fed from a channel.
struct ChannelBody(mpsc::Receiver<Bytes>);

impl http_body::Body for ChannelBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        self.get_mut().0.poll_recv(cx).map(|chunk| chunk.map(|c| Ok(http_body::Frame::data(c))))
    }
}

/// Sends `chunks` chunks of `chunk_size` bytes through hyper's bare HTTP/2
/// client (h2c, one stream, no signing, no framing) to `server`, which
/// acknowledges each: the floor an event-stream client's figures compare
/// against on this machine.
pub async fn raw_h2_throughput(server: SocketAddr, chunks: usize, chunk_size: usize, mode: RawMode) -> Result<RawThroughput, String> {
    let socket = TcpStream::connect(server).await.map_err(|e| format!("connecting: {e}"))?;
    let _ = socket.set_nodelay(true);
    let (mut sender, connection) =
        hyper::client::conn::http2::handshake(hyper_util::rt::TokioExecutor::new(), hyper_util::rt::TokioIo::new(socket))
            .await
            .map_err(|e| format!("handshake: {e}"))?;
    let connection = tokio::spawn(connection);
    let (chunk_tx, chunk_rx) = mpsc::channel::<Bytes>(4);
    let request = http::Request::post(format!("http://{server}{RAW_PATH}"))
        .header("x-raw-chunk-size", chunk_size.to_string())
        .body(ChannelBody(chunk_rx))
        .map_err(|e| e.to_string())?;
    let payload = Bytes::from((0..chunk_size).map(|i| (i % 251) as u8).collect::<Vec<u8>>());
    let start = Instant::now();
    let sent_at: Arc<Mutex<Vec<Instant>>> = Arc::new(Mutex::new(Vec::with_capacity(chunks)));
    let (acked_tx, mut acked_rx) = mpsc::channel::<()>(chunks.max(1));
    let producer = {
        let sent_at = sent_at.clone();
        let payload = payload.clone();
        tokio::spawn(async move {
            for i in 0..chunks {
                if mode == RawMode::LockStep && i > 0 && acked_rx.recv().await.is_none() {
                    return;
                }
                sent_at.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(Instant::now());
                if chunk_tx.send(payload.clone()).await.is_err() {
                    return;
                }
            }
        })
    };
    let response = sender.send_request(request).await.map_err(|e| format!("request: {e}"))?;
    let mut body = response.into_body();
    let mut latencies = Vec::with_capacity(chunks);
    let mut pending = Vec::new();
    while latencies.len() < chunks {
        let frame = std::future::poll_fn(|cx| hyper::body::Body::poll_frame(std::pin::Pin::new(&mut body), cx)).await;
        let data = match frame {
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) => data,
                Err(_) => continue,
            },
            Some(Err(e)) => return Err(format!("response: {e}")),
            None => return Err(format!("the response ended after {} of {chunks} acknowledgements", latencies.len())),
        };
        pending.extend_from_slice(&data);
        while pending.len() >= 8 {
            pending.drain(..8);
            let i = latencies.len();
            let sent = sent_at.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(i).copied().unwrap_or(start);
            latencies.push(sent.elapsed());
            let _ = acked_tx.try_send(());
        }
    }
    let elapsed = start.elapsed();
    let _ = producer.await;
    drop(body);
    drop(sender);
    connection.abort();
    Ok(RawThroughput { chunks, chunk_size, elapsed, latencies })
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use aws_credential_types::Credentials;
    use aws_sigv4::event_stream::{sign_empty_message, sign_message, SigningParams};
    use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
    use bytes::{Bytes, BytesMut};
    use tokio::sync::mpsc;

    use super::*;

    const REGION: &str = "us-west-2";
    const SERVICE: &str = "transcribe";
    const SEED: &str = "9a0c3b7d6a3a0f1e2e1e67a3c1b1f2a5b7c3d9e0f1a2b3c4d5e6f708192a3b4c";

    fn audio(n: u8, len: usize) -> Message {
        Message::new(Bytes::from(vec![n; len]))
            .add_header(Header::new(":message-type", HeaderValue::String("event".into())))
            .add_header(Header::new(":event-type", HeaderValue::String("AudioEvent".into())))
            .add_header(Header::new(":content-type", HeaderValue::String("application/octet-stream".into())))
    }

    /// The envelopes of `inners` (and the final empty one), signed by
    /// aws-sigv4 from `seed`, a second apart.
    fn sign_chain(seed: &str, inners: &[Message], with_final: bool) -> Vec<Message> {
        let identity = Credentials::new(sigv4::KEY_ID, sigv4::SECRET, None, None, "test").into();
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_466_600);
        let mut previous = seed.to_owned();
        let mut frames = Vec::new();
        for i in 0..inners.len() + usize::from(with_final) {
            let params: SigningParams<'_> = aws_sigv4::sign::v4::SigningParams::builder()
                .identity(&identity)
                .region(REGION)
                .name(SERVICE)
                .time(start + Duration::from_millis(1500 * i as u64))
                .settings(())
                .build()
                .expect("all set");
            let signed = match inners.get(i) {
                Some(inner) => sign_message(inner, &previous, &params),
                None => sign_empty_message(&previous, &params),
            };
            let (frame, signature) = signed.expect("signs").into_parts();
            previous = signature;
            frames.push(frame);
        }
        frames
    }

    fn verifier(seed: &str) -> ChainVerifier {
        ChainVerifier::new(sigv4::SECRET, REGION, SERVICE, seed)
    }

    #[test]
    fn the_verifier_accepts_the_chain_aws_sigv4_signs() {
        let inners = [audio(1, 100), audio(2, 32 * 1024), audio(3, 1)];
        let frames = sign_chain(SEED, &inners, true);
        let mut chain = verifier(SEED);
        for (frame, inner) in frames.iter().zip(&inners) {
            match chain.verify(frame) {
                Ok(Verified::Event(message)) => assert_eq!(&message, inner),
                other => panic!("{other:?}"),
            }
        }
        assert!(matches!(chain.verify(&frames[3]), Ok(Verified::Final)));
        assert_eq!((chain.frames(), chain.ended()), (3, true));
        // Nothing may follow the final frame.
        let error = chain.verify(&frames[0]).unwrap_err();
        assert!(error.contains("follows the final empty frame"), "{error}");
        assert_eq!(amz_date(1_796_466_600).as_deref(), Some("20261205T103000Z"));
        assert_eq!(amz_date(951_782_400).as_deref(), Some("20000229T000000Z"));
    }

    #[test]
    fn the_verifier_refuses_a_tampered_payload_a_broken_chain_and_reordered_frames() {
        let inners = [audio(1, 100), audio(2, 200), audio(3, 300)];
        let frames = sign_chain(SEED, &inners, true);
        // One byte of the second payload changed.
        let mut payload = frames[1].payload().to_vec();
        let last = payload.len() - 5;
        payload[last] ^= 1;
        let tampered = Message::new_from_parts(frames[1].headers().to_vec(), payload);
        let mut chain = verifier(SEED);
        assert!(chain.verify(&frames[0]).is_ok());
        let error = chain.verify(&tampered).unwrap_err();
        assert!(error.starts_with("frame 2: the chunk signature does not match"), "{error}");
        // Another seed: the first frame does not follow it.
        let error = verifier(&SEED.replace('9', "8")).verify(&frames[0]).unwrap_err();
        assert!(error.starts_with("frame 1: the chunk signature does not match"), "{error}");
        // Frames out of order.
        let mut chain = verifier(SEED);
        assert!(chain.verify(&frames[0]).is_ok());
        assert!(chain.verify(&frames[2]).unwrap_err().starts_with("frame 2: "));
        // The final frame early: the chain breaks there.
        assert!(verifier(SEED).verify(&frames[3]).is_err());
        // Another :date than the one signed.
        let mut headers = frames[0].headers().to_vec();
        for header in &mut headers {
            if header.name().as_str() == ":date" {
                let HeaderValue::Timestamp(t) = header.value() else { unreachable!() };
                *header = Header::new(":date", HeaderValue::Timestamp(aws_smithy_types::DateTime::from_secs(t.secs() + 1)));
            }
        }
        let redated = Message::new_from_parts(headers, frames[0].payload().clone());
        assert!(verifier(SEED).verify(&redated).is_err());
        // An envelope without its signature, or with a header more.
        let unsigned = Message::new(frames[0].payload().clone());
        assert!(verifier(SEED).verify(&unsigned).unwrap_err().contains("no :date"));
        let extra = frames[0].clone().add_header(Header::new("x", HeaderValue::Bool(true)));
        assert!(verifier(SEED).verify(&extra).unwrap_err().contains("unexpected envelope header x"));
    }

    /// An event-stream request to `server`, signed with the independent
    /// SigV4; its body is fed from the returned channel.
    async fn open(server: &H2Server, tamper: bool) -> (mpsc::Sender<Bytes>, hyper::body::Incoming, String) {
        let (chunks, body, seed, _connection) = open_connection(server, tamper).await;
        (chunks, body, seed)
    }

    /// [`open`], and the task of the client's connection.
    async fn open_connection(server: &H2Server, tamper: bool) -> (mpsc::Sender<Bytes>, hyper::body::Incoming, String, tokio::task::JoinHandle<()>) {
        let socket = TcpStream::connect(server.addr()).await.unwrap();
        let (mut sender, connection) =
            hyper::client::conn::http2::handshake(hyper_util::rt::TokioExecutor::new(), hyper_util::rt::TokioIo::new(socket)).await.unwrap();
        let connection = tokio::spawn(async move {
            let _ = connection.await;
        });
        let (headers, seed) = signed_head(server, tamper);
        let mut request = http::Request::post(format!("http://{}/stream", server.addr()));
        for (name, value) in &headers {
            request = request.header(name, value);
        }
        let (chunks, receiver) = mpsc::channel(1);
        let request = request.body(ChannelBody(receiver)).unwrap();
        let response = sender.send_request(request).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "application/vnd.amazon.eventstream");
        (chunks, response.into_body(), seed, connection)
    }

    /// The headers of an event-stream request to `server`, signed with
    /// the independent SigV4, and the signature (the chain's seed).
    fn signed_head(server: &H2Server, tamper: bool) -> (Vec<(String, String)>, String) {
        let host = server.addr().to_string();
        let mut recorded = Recorded {
            method: "POST".into(),
            target: "/stream".into(),
            headers: vec![
                ("host".into(), host.clone()),
                ("content-type".into(), "application/vnd.amazon.eventstream".into()),
                ("x-amz-content-sha256".into(), EVENTS_PAYLOAD.into()),
                ("x-amz-date".into(), "20261205T103000Z".into()),
                ("authorization".into(), "AWS4-HMAC-SHA256 SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date,".into()),
            ],
            body: Vec::new(),
            connection: 0,
        };
        let mut authorization = sigv4::authorization_with_payload(&recorded, REGION, SERVICE, EVENTS_PAYLOAD);
        if tamper {
            authorization = authorization.replace("Credential=", "Credential=X");
        }
        recorded.headers.pop();
        let seed = authorization.rsplit("Signature=").next().unwrap().to_owned();
        recorded.headers.push(("authorization".into(), authorization));
        (recorded.headers, seed)
    }

    /// The next message of a response body.
    async fn next(body: &mut hyper::body::Incoming, buffer: &mut BytesMut) -> Option<Result<Message, String>> {
        loop {
            if buffer.len() >= 12 {
                let total = u32::from_be_bytes([buffer[0], buffer[1], buffer[2], buffer[3]]) as usize;
                if total > MAX_MESSAGE_LENGTH {
                    return Some(Err(format!("declares {total} bytes")));
                }
                if buffer.len() >= total {
                    return Some(read_message_from(buffer.split_to(total).freeze()).map_err(|e| e.to_string()));
                }
            }
            let frame = std::future::poll_fn(|cx| hyper::body::Body::poll_frame(std::pin::Pin::new(&mut *body), cx)).await;
            match frame {
                None => return None,
                Some(Err(e)) => {
                    // The whole chain: hyper's layer says little of the cause.
                    let mut text = format!("body: {e}");
                    let mut cause = std::error::Error::source(&e);
                    while let Some(error) = cause {
                        text.push_str(&format!(": {error}"));
                        cause = error.source();
                    }
                    return Some(Err(text));
                }
                Some(Ok(frame)) => buffer.extend_from_slice(&frame.into_data().unwrap_or_default()),
            }
        }
    }

    async fn within<T>(future: impl std::future::Future<Output = T>) -> T {
        tokio::time::timeout(Duration::from_secs(30), future).await.expect("the test finishes in time")
    }

    #[tokio::test]
    async fn transcripts_come_back_while_the_audio_is_still_sent() {
        within(async {
            let server = H2Server::start(Options::transcriber(REGION, SERVICE)).await;
            let (chunks, mut body, seed) = open(&server, false).await;
            let inners: Vec<Message> = (1..=3).map(|n| audio(n, 32 * 1024)).collect();
            let frames = sign_chain(&seed, &inners, true);
            let mut buffer = BytesMut::new();
            for (n, frame) in frames.iter().take(3).enumerate() {
                chunks.send(encode(frame)).await.unwrap();
                // The next chunk goes only once this one's transcript is back.
                let transcript = next(&mut body, &mut buffer).await.unwrap().unwrap();
                assert_eq!(header_string(&transcript, ":event-type").as_deref(), Some("TranscriptEvent"));
                assert_eq!(header_string(&transcript, ":message-type").as_deref(), Some("event"));
                let expected = format!("{{\"Transcript\":\"chunk {} of 32768 bytes\"}}", n + 1);
                assert_eq!(transcript.payload(), expected.as_bytes());
            }
            chunks.send(encode(&frames[3])).await.unwrap();
            drop(chunks);
            assert!(next(&mut body, &mut buffer).await.is_none(), "the response ends with the request");
            let records = server.finished(1, Duration::from_secs(5)).await;
            let record = &records[0];
            assert_eq!(record.failures, Vec::<String>::new());
            assert_eq!((record.version, record.verified(), record.final_frame, record.sent), (http::Version::HTTP_2, 3, true, 3));
            assert_eq!(record.authorization_failure, None);
            assert!(record.events.iter().all(|e| e.event_type == "AudioEvent" && e.payload_len == 32 * 1024));
            assert_eq!((record.method.as_str(), record.target.as_str()), ("POST", "/stream"));
        })
        .await
    }

    /// Sends the frames, then reads the response to its end: the messages.
    async fn exchange(server: &H2Server, frames: impl Fn(&str) -> Vec<Message>, tamper: bool) -> Vec<Result<Message, String>> {
        let (chunks, mut body, seed) = open(server, tamper).await;
        for frame in frames(&seed) {
            if chunks.send(encode(&frame)).await.is_err() {
                break;
            }
        }
        drop(chunks);
        let mut buffer = BytesMut::new();
        let mut messages = Vec::new();
        for _ in 0..100 {
            match next(&mut body, &mut buffer).await {
                Some(message) => messages.push(message),
                None => break,
            }
        }
        messages
    }

    fn error_code(message: &Result<Message, String>) -> Option<String> {
        let message = message.as_ref().ok()?;
        (header_string(message, ":message-type").as_deref() == Some("error")).then(|| header_string(message, ":error-code")).flatten()
    }

    #[tokio::test]
    async fn a_missing_final_frame_a_bad_chunk_signature_and_a_bad_request_signature_are_refused() {
        within(async {
            let server = H2Server::start(Options::transcriber(REGION, SERVICE)).await;
            let inners: Vec<Message> = (1..=2).map(|n| audio(n, 10)).collect();
            // No final frame.
            let messages = exchange(&server, |seed| sign_chain(seed, &inners, false), false).await;
            assert_eq!(messages.len(), 3);
            assert_eq!(error_code(&messages[2]).as_deref(), Some("InvalidSignatureException"));
            // The second frame signed after another seed.
            let messages = exchange(&server, |seed| {
                let mut frames = sign_chain(seed, &inners, true);
                frames[1] = sign_chain(SEED, &inners, true).swap_remove(1);
                frames
            }, false)
            .await;
            assert_eq!(messages.len(), 2, "{messages:?}");
            assert_eq!(error_code(&messages[1]).as_deref(), Some("InvalidSignatureException"));
            // A request whose own signature is wrong: no event is read.
            let messages = exchange(&server, |seed| sign_chain(seed, &inners, true), true).await;
            assert_eq!(messages.len(), 1);
            assert_eq!(error_code(&messages[0]).as_deref(), Some("InvalidSignatureException"));
            let records = server.finished(3, Duration::from_secs(5)).await;
            assert_eq!(records[0].failures, ["the body ended without the final empty signed frame"]);
            assert_eq!(records[0].verified(), 2);
            assert!(records[1].failures[0].starts_with("frame 2: the chunk signature does not match"), "{:?}", records[1].failures);
            assert!(records[2].authorization_failure.as_deref().is_some_and(|f| f.contains("does not match")));
            assert_eq!(records[2].verified(), 0);
        })
        .await
    }

    /// Opens a stream with `fault` after one message, sends one audio
    /// frame, reads its transcript, and returns what the next read gives.
    async fn after_one_message(fault: Fault) -> (Option<Result<Message, String>>, H2Server, mpsc::Sender<Bytes>, Vec<Message>) {
        let server = H2Server::start(Options::transcriber(REGION, SERVICE).with_fault(fault)).await;
        let (chunks, mut body, seed) = open(&server, false).await;
        let inners: Vec<Message> = (1..=40).map(|n| audio(n, 32 * 1024)).collect();
        let frames = sign_chain(&seed, &inners, true);
        chunks.send(encode(&frames[0])).await.unwrap();
        let mut buffer = BytesMut::new();
        let first = next(&mut body, &mut buffer).await.unwrap().unwrap();
        assert_eq!(header_string(&first, ":event-type").as_deref(), Some("TranscriptEvent"));
        let _ = chunks.send(encode(&frames[1])).await;
        let then = next(&mut body, &mut buffer).await;
        (then, server, chunks, frames)
    }

    #[tokio::test]
    async fn faults_goaway_reset_corrupt_and_overlong_frames() {
        within(async {
            let (then, ..) = after_one_message(Fault::GoAwayAfter(1)).await;
            let error = then.unwrap().unwrap_err();
            // The GOAWAY names this stream as processed: h2 fails it when
            // the connection then closes.
            assert!(
                error.ends_with("stream closed because of a broken pipe") || error.ends_with("connection error received: unexpected internal error encountered"),
                "{error}"
            );
            let (then, ..) = after_one_message(Fault::ResetAfter(1)).await;
            let error = then.unwrap().unwrap_err();
            assert!(error.ends_with("stream error received: unexpected internal error encountered"), "{error}");
            let (then, ..) = after_one_message(Fault::CorruptFrameAfter(1)).await;
            let error = then.unwrap().unwrap_err();
            assert!(error.starts_with("prelude checksum"), "{error}");
            let (then, ..) = after_one_message(Fault::OverlongMessageAfter(1)).await;
            assert_eq!(then.unwrap().unwrap_err(), format!("declares {} bytes", 24 * 1024 * 1024));
        })
        .await
    }

    /// A request body of the chunks sent on a channel.
    struct Chunks(mpsc::Receiver<Bytes>);

    impl futures_core::Stream for Chunks {
        type Item = Result<Bytes, std::convert::Infallible>;
        fn poll_next(self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<Self::Item>> {
            self.get_mut().0.poll_recv(cx).map(|chunk| chunk.map(Ok))
        }
    }

    #[tokio::test]
    async fn a_server_that_stops_reading_stalls_the_sender_of_the_generated_transport() {
        use omics::transport::HttpClient;
        within(async {
            let server = H2Server::start(Options::transcriber(REGION, SERVICE).with_fault(Fault::StopReadingAfter(1))).await;
            let (headers, seed) = signed_head(&server, false);
            let (chunks, receiver) = mpsc::channel(1);
            let mut request = http::Request::post(format!("{}/stream", server.url()));
            for (name, value) in &headers {
                request = request.header(name, value);
            }
            let mut request = request.body(omics::primitives::ByteStream::from_stream(Chunks(receiver))).unwrap();
            *request.version_mut() = http::Version::HTTP_2;
            let response = omics::transport::HyperClient::new().send_streaming(request).await.unwrap();
            assert_eq!(response.version(), http::Version::HTTP_2);
            let inners: Vec<Message> = (1..=40).map(|n| audio(n, 32 * 1024)).collect();
            let frames = sign_chain(&seed, &inners, true);
            let mut accepted = 0;
            for frame in &frames {
                match tokio::time::timeout(Duration::from_millis(500), chunks.send(encode(frame))).await {
                    Ok(Ok(())) => accepted += 1,
                    Ok(Err(_)) => panic!("the stream closed"),
                    Err(_) => break,
                }
            }
            // A window of 64 KiB, the channel's one and hyper's one chunk.
            assert!((2..=6).contains(&accepted), "{accepted} frames of 32 KiB accepted");
            let record = &server.streams()[0];
            assert_eq!((record.verified(), record.finished, record.client_reset.clone()), (1, false, None));
            // The client gives up: dropping the response ends the stream
            // (and the connection it had to itself); the body is dropped.
            drop(response);
            let records = server.finished(1, Duration::from_secs(5)).await;
            assert!(records[0].client_reset.is_some(), "{records:?}");
            assert!(chunks.send(Bytes::from_static(b"more")).await.is_err(), "the request body is dropped");
        })
        .await
    }

    #[tokio::test]
    async fn the_raw_floor_counts_every_chunk() {
        within(async {
            let server = H2Server::start(Options::transcriber(REGION, SERVICE)).await;
            for mode in [RawMode::Pipelined, RawMode::LockStep] {
                let measured = raw_h2_throughput(server.addr(), 64, 32 * 1024, mode).await.unwrap();
                assert_eq!(measured.latencies.len(), 64);
                assert!(measured.chunks_per_second() > 0.0);
                assert!(measured.median_latency() <= measured.elapsed);
            }
            let records = server.finished(2, Duration::from_secs(5)).await;
            assert!(records.iter().all(|r| r.target == RAW_PATH && r.finished), "{records:?}");
        })
        .await
    }
}
