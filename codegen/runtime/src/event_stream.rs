//! Event streams (`application/vnd.amazon.eventstream`): the binary
//! message framing, and [`EventReceiver`], which reads the events of a
//! streaming output one by one as they arrive (copied verbatim into each
//! generated crate that has an event stream by codegen; the source lives in
//! `codegen/runtime/src/event_stream.rs`).

use std::fmt;
use std::future::poll_fn;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes, BytesMut};
use futures_core::Stream;

use crate::error::{ErrorMetadata, Unhandled, UnhandledKind};
use crate::primitives::ByteStream;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The largest message accepted: a 16 MiB payload and 128 KiB of headers,
/// with the prelude and checksums.
const MAX_MESSAGE: usize = 16 * 1024 * 1024 + 128 * 1024 + 16;
const PRELUDE: usize = 12;

/// The value of an event stream message header.
#[derive(Clone, Debug, PartialEq)]
pub enum HeaderValue {
    Bool(bool),
    Byte(i8),
    Short(i16),
    Int(i32),
    Long(i64),
    Bytes(Bytes),
    String(String),
    /// Milliseconds since the Unix epoch.
    Timestamp(i64),
    Uuid([u8; 16]),
}

/// One event stream message: its headers and payload.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    headers: Vec<(String, HeaderValue)>,
    payload: Bytes,
}

impl Message {
    /// The headers, in the order received.
    pub fn headers(&self) -> &[(String, HeaderValue)] {
        &self.headers
    }

    /// The value of header `name`.
    pub fn header(&self, name: &str) -> Option<&HeaderValue> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// The value of a string header.
    pub fn string_header(&self, name: &str) -> Option<&str> {
        match self.header(name) {
            Some(HeaderValue::String(text)) => Some(text),
            _ => None,
        }
    }

    pub fn payload(&self) -> &Bytes {
        &self.payload
    }

    /// Reads one message from the front of `buffer` (removing it):
    /// `Ok(None)` when the buffer does not hold a whole message yet.
    pub fn decode(buffer: &mut BytesMut) -> Result<Option<Message>, BoxError> {
        if buffer.len() < PRELUDE {
            return Ok(None);
        }
        let total = u32::from_be_bytes([buffer[0], buffer[1], buffer[2], buffer[3]]) as usize;
        let headers_len = u32::from_be_bytes([buffer[4], buffer[5], buffer[6], buffer[7]]) as usize;
        let prelude_crc = u32::from_be_bytes([buffer[8], buffer[9], buffer[10], buffer[11]]);
        if crc32fast::hash(&buffer[..8]) != prelude_crc {
            return Err("event stream message: the prelude checksum does not match".into());
        }
        if !(PRELUDE + 4..=MAX_MESSAGE).contains(&total) || headers_len > total - PRELUDE - 4 {
            return Err(format!("event stream message: invalid lengths (total {total}, headers {headers_len})").into());
        }
        if buffer.len() < total {
            return Ok(None);
        }
        let message_crc = u32::from_be_bytes([buffer[total - 4], buffer[total - 3], buffer[total - 2], buffer[total - 1]]);
        if crc32fast::hash(&buffer[..total - 4]) != message_crc {
            return Err("event stream message: the message checksum does not match".into());
        }
        let message = buffer.split_to(total).freeze();
        let mut headers_bytes = &message[PRELUDE..PRELUDE + headers_len];
        let mut headers = Vec::new();
        while headers_bytes.has_remaining() {
            headers.push(read_header(&mut headers_bytes)?);
        }
        let payload = message.slice(PRELUDE + headers_len..total - 4);
        Ok(Some(Message { headers, payload }))
    }

    /// The message in its binary form (for tests and custom transports);
    /// `None` when a header name is longer than 255 bytes or a header value
    /// longer than 65,535 bytes, which the format cannot carry.
    pub fn encode(headers: &[(&str, HeaderValue)], payload: &[u8]) -> Option<Vec<u8>> {
        Self::encode_parts(headers.iter().map(|(name, value)| (*name, value)), payload)
    }

    /// [`encode`](Self::encode) of headers by reference.
    fn encode_parts<'a>(headers: impl Iterator<Item = (&'a str, &'a HeaderValue)>, payload: &[u8]) -> Option<Vec<u8>> {
        let mut encoded_headers = Vec::new();
        for (name, value) in headers {
            encoded_headers.push(u8::try_from(name.len()).ok()?);
            encoded_headers.extend_from_slice(name.as_bytes());
            match value {
                HeaderValue::Bool(true) => encoded_headers.push(0),
                HeaderValue::Bool(false) => encoded_headers.push(1),
                HeaderValue::Byte(b) => {
                    encoded_headers.push(2);
                    encoded_headers.extend_from_slice(&b.to_be_bytes());
                }
                HeaderValue::Short(s) => {
                    encoded_headers.push(3);
                    encoded_headers.extend_from_slice(&s.to_be_bytes());
                }
                HeaderValue::Int(i) => {
                    encoded_headers.push(4);
                    encoded_headers.extend_from_slice(&i.to_be_bytes());
                }
                HeaderValue::Long(l) => {
                    encoded_headers.push(5);
                    encoded_headers.extend_from_slice(&l.to_be_bytes());
                }
                HeaderValue::Bytes(bytes) => {
                    encoded_headers.push(6);
                    encoded_headers.extend_from_slice(&u16::try_from(bytes.len()).ok()?.to_be_bytes());
                    encoded_headers.extend_from_slice(bytes);
                }
                HeaderValue::String(text) => {
                    encoded_headers.push(7);
                    encoded_headers.extend_from_slice(&u16::try_from(text.len()).ok()?.to_be_bytes());
                    encoded_headers.extend_from_slice(text.as_bytes());
                }
                HeaderValue::Timestamp(millis) => {
                    encoded_headers.push(8);
                    encoded_headers.extend_from_slice(&millis.to_be_bytes());
                }
                HeaderValue::Uuid(uuid) => {
                    encoded_headers.push(9);
                    encoded_headers.extend_from_slice(uuid);
                }
            }
        }
        let total = PRELUDE + encoded_headers.len() + payload.len() + 4;
        let mut out = Vec::with_capacity(total);
        out.extend_from_slice(&(total as u32).to_be_bytes());
        out.extend_from_slice(&(encoded_headers.len() as u32).to_be_bytes());
        let prelude_crc = crc32fast::hash(&out);
        out.extend_from_slice(&prelude_crc.to_be_bytes());
        out.extend_from_slice(&encoded_headers);
        out.extend_from_slice(payload);
        let crc = crc32fast::hash(&out);
        out.extend_from_slice(&crc.to_be_bytes());
        Some(out)
    }
}

fn read_header(bytes: &mut &[u8]) -> Result<(String, HeaderValue), BoxError> {
    let truncated = || -> BoxError { "event stream message: a header is truncated".into() };
    let need = |bytes: &&[u8], n: usize| if bytes.remaining() >= n { Ok(()) } else { Err(truncated()) };
    need(bytes, 1)?;
    let name_len = bytes.get_u8() as usize;
    need(bytes, name_len + 1)?;
    let name = String::from_utf8(bytes[..name_len].to_vec()).map_err(|_| "event stream message: a header name is not UTF-8")?;
    bytes.advance(name_len);
    let value = match bytes.get_u8() {
        0 => HeaderValue::Bool(true),
        1 => HeaderValue::Bool(false),
        2 => {
            need(bytes, 1)?;
            HeaderValue::Byte(bytes.get_i8())
        }
        3 => {
            need(bytes, 2)?;
            HeaderValue::Short(bytes.get_i16())
        }
        4 => {
            need(bytes, 4)?;
            HeaderValue::Int(bytes.get_i32())
        }
        5 => {
            need(bytes, 8)?;
            HeaderValue::Long(bytes.get_i64())
        }
        kind @ (6 | 7) => {
            need(bytes, 2)?;
            let len = bytes.get_u16() as usize;
            need(bytes, len)?;
            let value = bytes[..len].to_vec();
            bytes.advance(len);
            if kind == 6 {
                HeaderValue::Bytes(value.into())
            } else {
                HeaderValue::String(String::from_utf8(value).map_err(|_| "event stream message: a string header is not UTF-8")?)
            }
        }
        8 => {
            need(bytes, 8)?;
            HeaderValue::Timestamp(bytes.get_i64())
        }
        9 => {
            need(bytes, 16)?;
            let mut uuid = [0u8; 16];
            bytes.copy_to_slice(&mut uuid);
            HeaderValue::Uuid(uuid)
        }
        other => return Err(format!("event stream message: unknown header type {other}").into()),
    };
    Ok((name, value))
}

/// Reads a header of an event member (`@eventHeader`) as its type.
#[allow(dead_code)]
pub(crate) fn header_as<T: FromHeader>(message: &Message, name: &str) -> Result<Option<T>, BoxError> {
    match message.header(name) {
        None => Ok(None),
        Some(value) => T::from_header(value).map(Some).ok_or_else(|| format!("event header `{name}` has the wrong type: {value:?}").into()),
    }
}

/// Types an `@eventHeader` member can have.
#[allow(dead_code)]
pub(crate) trait FromHeader: Sized {
    fn from_header(value: &HeaderValue) -> Option<Self>;
}

macro_rules! from_header {
    ($($t:ty => $variant:ident),*) => {$(
        impl FromHeader for $t {
            fn from_header(value: &HeaderValue) -> Option<Self> {
                match value {
                    HeaderValue::$variant(v) => Some(v.clone()),
                    _ => None,
                }
            }
        }
    )*};
}

from_header!(bool => Bool, i8 => Byte, i16 => Short, i32 => Int, i64 => Long, String => String);

impl FromHeader for crate::primitives::Blob {
    fn from_header(value: &HeaderValue) -> Option<Self> {
        match value {
            HeaderValue::Bytes(bytes) => Some(crate::primitives::Blob::new(bytes.to_vec())),
            _ => None,
        }
    }
}

/// A timestamp header, in milliseconds since the Unix epoch.
#[allow(dead_code)]
pub(crate) struct Millis(pub(crate) i64);

impl FromHeader for Millis {
    fn from_header(value: &HeaderValue) -> Option<Self> {
        match value {
            HeaderValue::Timestamp(millis) => Some(Millis(*millis)),
            _ => None,
        }
    }
}

/// A union of events that a stream carries; the generated event unions
/// implement it.
pub trait EventUnion: Sized {
    /// The modeled exceptions the stream can end with, and `Unhandled`.
    type Error: From<Unhandled>;

    /// Reads an event message of type `event_type`.
    fn event(event_type: &str, message: &Message) -> Result<Self, BoxError>;

    /// Reads an exception message of type `exception_type`: `None` when
    /// the model does not list it.
    fn exception(exception_type: &str, message: &Message) -> Option<Result<Self::Error, BoxError>>;
}

/// The events of a streaming output, read as they arrive: call
/// [`recv`](Self::recv) until it returns `Ok(None)`, or use it as a
/// `futures_core::Stream`. An exception from the service ends the stream
/// with an error.
pub struct EventReceiver<T> {
    body: ByteStream,
    buffer: BytesMut,
    finished: bool,
    _events: PhantomData<fn() -> T>,
}

impl<T> EventReceiver<T> {
    pub(crate) fn new(body: ByteStream) -> Self {
        EventReceiver { body, buffer: BytesMut::new(), finished: false, _events: PhantomData }
    }
}

impl<T> Default for EventReceiver<T> {
    /// A stream without events.
    fn default() -> Self {
        Self::new(ByteStream::default())
    }
}

impl<T> crate::json::Fallback for EventReceiver<T> {
    fn fallback() -> Self {
        Self::default()
    }
}

impl<T> fmt::Debug for EventReceiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EventReceiver(..)")
    }
}

fn unhandled(kind: UnhandledKind, meta: ErrorMetadata, source: impl Into<BoxError>) -> Unhandled {
    Unhandled::new(kind, meta, Some(source.into()))
}

impl<T: EventUnion> EventReceiver<T> {
    /// The next event; `Ok(None)` at the end of the stream.
    pub async fn recv(&mut self) -> Result<Option<T>, T::Error> {
        poll_fn(|cx| self.poll_recv(cx)).await.transpose()
    }

    fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, T::Error>>> {
        loop {
            if self.finished {
                return Poll::Ready(None);
            }
            match Message::decode(&mut self.buffer) {
                // The RPC protocols (awsJson) send the output's head as an
                // `initial-response` event first; an output whose only
                // member is its stream has nothing in it.
                Ok(Some(message))
                    if message.string_header(":message-type") == Some("event")
                        && message.string_header(":event-type") == Some("initial-response") =>
                {
                    continue
                }
                Ok(Some(message)) => return Poll::Ready(Some(self.read(message))),
                Ok(None) => {}
                Err(error) => {
                    self.finished = true;
                    return Poll::Ready(Some(Err(unhandled(UnhandledKind::Response, ErrorMetadata::default(), error).into())));
                }
            }
            match Pin::new(&mut self.body).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => self.buffer.extend_from_slice(&chunk),
                Poll::Ready(Some(Err(error))) => {
                    self.finished = true;
                    return Poll::Ready(Some(Err(unhandled(UnhandledKind::Transport, ErrorMetadata::default(), error).into())));
                }
                Poll::Ready(None) => {
                    self.finished = true;
                    if self.buffer.is_empty() {
                        return Poll::Ready(None);
                    }
                    let error = "the event stream ended in the middle of a message";
                    return Poll::Ready(Some(Err(unhandled(UnhandledKind::Response, ErrorMetadata::default(), error).into())));
                }
            }
        }
    }

    fn read(&mut self, message: Message) -> Result<T, T::Error> {
        let malformed = |what: &str| -> T::Error {
            unhandled(UnhandledKind::Response, ErrorMetadata::default(), format!("an event stream message without a string `{what}` header")).into()
        };
        let Some(message_type) = message.string_header(":message-type") else {
            self.finished = true;
            return Err(malformed(":message-type"));
        };
        match message_type {
            "event" => {
                let Some(event_type) = message.string_header(":event-type") else {
                    self.finished = true;
                    return Err(malformed(":event-type"));
                };
                T::event(event_type, &message).map_err(|e| {
                    self.finished = true;
                    unhandled(UnhandledKind::Response, ErrorMetadata::default(), format!("cannot read the `{event_type}` event: {e}")).into()
                })
            }
            "exception" => {
                self.finished = true;
                let exception_type = message.string_header(":exception-type").unwrap_or_default().to_owned();
                match T::exception(&exception_type, &message) {
                    Some(Ok(error)) => Err(error),
                    Some(Err(e)) => {
                        let meta = ErrorMetadata::new(Some(exception_type.clone()), None, None, None);
                        Err(unhandled(UnhandledKind::Response, meta, format!("cannot read the `{exception_type}` exception: {e}")).into())
                    }
                    None => {
                        let text = String::from_utf8_lossy(message.payload()).into_owned();
                        let payload = crate::json::document(message.payload()).unwrap_or(crate::primitives::Document::Null);
                        let string = |key| crate::json::string(&payload, key).map(str::to_owned);
                        let message = string("message").or_else(|| string("Message"));
                        let meta = ErrorMetadata::new(Some(exception_type), message, None, None);
                        Err(unhandled(UnhandledKind::Service, meta, text).into())
                    }
                }
            }
            other => {
                self.finished = true;
                let code = message.string_header(":error-code").map(str::to_owned);
                let text = message.string_header(":error-message").map(str::to_owned);
                // The code and message are in `meta`, which `Display` shows:
                // the source says only what kind of message it was.
                let what = format!("the event stream failed (an `{other}` message)");
                let meta = ErrorMetadata::new(code, text, None, None);
                Err(unhandled(UnhandledKind::Service, meta, what).into())
            }
        }
    }
}

impl<T: EventUnion> Stream for EventReceiver<T> {
    type Item = Result<T, T::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_recv(cx)
    }
}

/// A union of events a caller sends; the generated event unions of
/// operations that send events implement it.
pub trait EventMarshal: Sized {
    /// The modeled exceptions of the stream, and `Unhandled`.
    type Error;

    /// The event as an unsigned message (`:message-type: event`).
    fn marshal(&self) -> Result<Message, BoxError>;

    /// A modeled exception as an unsigned message (`:message-type:
    /// exception`); `Unhandled` cannot be sent.
    fn marshal_error(error: &Self::Error) -> Result<Message, BoxError>;
}

/// The `:message-type`, `:event-type` (or `:exception-type`) and
/// `:content-type` headers of a message the client sends, then the
/// event's own headers.
#[allow(dead_code)]
pub(crate) fn outgoing(
    kind: &str,
    event_type: &str,
    content_type: Option<&'static str>,
    headers: Vec<(String, HeaderValue)>,
    payload: Vec<u8>,
) -> Message {
    let type_header = if kind == "exception" { ":exception-type" } else { ":event-type" };
    let mut all = Vec::with_capacity(headers.len() + 3);
    all.push((":message-type".to_owned(), HeaderValue::String(kind.to_owned())));
    all.push((type_header.to_owned(), HeaderValue::String(event_type.to_owned())));
    if let Some(content_type) = content_type {
        all.push((":content-type".to_owned(), HeaderValue::String(content_type.to_owned())));
    }
    all.extend(headers);
    Message { headers: all, payload: Bytes::from(payload) }
}

impl Message {
    /// A message of these headers and payload.
    pub fn new(headers: Vec<(String, HeaderValue)>, payload: impl Into<Bytes>) -> Message {
        Message { headers, payload: payload.into() }
    }

    /// [`Message::encode`] of this message.
    pub fn to_bytes(&self) -> Result<Vec<u8>, BoxError> {
        let headers = self.headers.iter().map(|(name, value)| (name.as_str(), value));
        let encoded = Message::encode_parts(headers, &self.payload).ok_or("an event header is too long for the event stream format")?;
        if encoded.len() > MAX_MESSAGE {
            return Err(format!("an event of {} bytes is longer than the event stream format allows", encoded.len()).into());
        }
        Ok(encoded)
    }
}

/// An event header's value, from an `@eventHeader` member.
#[allow(dead_code)]
pub(crate) trait ToHeader {
    fn to_header(&self) -> HeaderValue;
}

macro_rules! to_header {
    ($($t:ty => $variant:ident),*) => {$(
        impl ToHeader for $t {
            fn to_header(&self) -> HeaderValue {
                HeaderValue::$variant(self.clone().into())
            }
        }
    )*};
}

to_header!(bool => Bool, i8 => Byte, i16 => Short, i32 => Int, i64 => Long, String => String);

impl ToHeader for crate::primitives::Blob {
    fn to_header(&self) -> HeaderValue {
        HeaderValue::Bytes(Bytes::copy_from_slice(self.as_ref()))
    }
}

/// A stream of encoded messages, as the sender hands them to the request.
type MessageStream = Pin<Box<dyn Stream<Item = Result<Bytes, BoxError>> + Send>>;

/// The events an operation sends: built from a `Stream` of events
/// ([`from_stream`](Self::from_stream), [`from_results`](Self::from_results)),
/// from events at hand ([`from_events`](Self::from_events)), or as a
/// [`channel`](Self::channel) whose [`EventSink`] a producer (a microphone's
/// task, say) feeds while the call runs. Each event is framed and signed as
/// it is sent; the stream ends when the source ends or the sink is dropped.
///
/// The events are sent once: a call is not retried once they have started.
pub struct EventSender<T> {
    // Behind a lock only so that inputs are `Sync`; taken when sent.
    stream: std::sync::Mutex<Option<MessageStream>>,
    /// How long a channel's sink may wait for room, set from the client's
    /// configuration when the call starts.
    stall: Stall,
    _events: PhantomData<fn(T)>,
}

/// The sleep implementation and the attempt timeout of the call that
/// sends a channel's events.
type Stall = std::sync::Arc<std::sync::OnceLock<(std::sync::Arc<dyn crate::clock::AsyncSleep>, std::time::Duration)>>;

impl<T> fmt::Debug for EventSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EventSender(..)")
    }
}

impl<T> Default for EventSender<T> {
    /// No events: the stream ends at once.
    fn default() -> Self {
        EventSender::boxed(Box::pin(Iter(std::iter::empty())))
    }
}

impl<T> crate::json::Fallback for EventSender<T> {
    fn fallback() -> Self {
        Self::default()
    }
}

/// A stream mapped item by item.
struct Map<S, F> {
    inner: S,
    map: F,
}

impl<S: Stream + Unpin, F: FnMut(S::Item) -> Result<Bytes, BoxError> + Unpin> Stream for Map<S, F> {
    type Item = Result<Bytes, BoxError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        Pin::new(&mut this.inner).poll_next(cx).map(|item| item.map(&mut this.map))
    }
}

fn encode<T: EventMarshal>(event: &T) -> Result<Bytes, BoxError> {
    Ok(Bytes::from(event.marshal()?.to_bytes()?))
}

impl<T: EventMarshal + 'static> EventSender<T> {
    /// Sends the events of `stream`, each as it comes.
    pub fn from_stream<S>(stream: S) -> Self
    where
        S: Stream<Item = T> + Send + 'static,
    {
        Self::boxed(Box::pin(Map { inner: Box::pin(stream), map: |event: T| encode(&event) }))
    }

    /// Sends the events of `stream`; an `Err` (the source failed: a
    /// microphone unplugged) ends the request and fails the call with it.
    pub fn from_results<S, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<T, E>> + Send + 'static,
        E: Into<BoxError>,
    {
        Self::boxed(Box::pin(Map {
            inner: Box::pin(stream),
            map: |item: Result<T, E>| encode(&item.map_err(|e| -> BoxError { SourceFailed(e.into()).into() })?),
        }))
    }

    /// Sends these events, then ends the stream.
    pub fn from_events(events: impl IntoIterator<Item = T>) -> Self
    where
        T: Send,
    {
        let encoded: Vec<Result<Bytes, BoxError>> = events.into_iter().map(|event| encode(&event)).collect();
        Self::boxed(Box::pin(Iter(encoded.into_iter())))
    }

    /// A sender fed through the returned [`EventSink`], which holds up to
    /// `buffer` events not yet sent (at least 1): `send` waits while it is
    /// full, so a producer goes at the pace of the network.
    pub fn channel(buffer: usize) -> (Self, EventSink<T>) {
        let (tx, rx) = tokio::sync::mpsc::channel(buffer.max(1));
        let sender = Self::boxed(Box::pin(Receiver(rx)));
        let stall = sender.stall.clone();
        (sender, EventSink { tx, stall, _events: PhantomData })
    }
}

impl<T> EventSender<T> {
    fn boxed(stream: MessageStream) -> Self {
        EventSender { stream: std::sync::Mutex::new(Some(stream)), stall: Stall::default(), _events: PhantomData }
    }

    /// The encoded events as a request body, moved out: a second call (a
    /// retry) yields a body that fails. A channel's sink then waits for
    /// room no longer than the configuration's attempt timeout.
    #[allow(dead_code)]
    pub(crate) fn take_for_send(&self, config: &crate::config::Config) -> ByteStream {
        if let Some(limit) = config.timeouts.attempt_timeout() {
            let _ = self.stall.set((config.sleep.clone(), limit));
        }
        let taken = self.stream.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        match taken {
            Some(stream) => ByteStream::from_stream(stream),
            None => ByteStream::from_stream(Iter(std::iter::once(Err::<Bytes, BoxError>("the events were already sent".into())))),
        }
    }
}

impl<T: EventMarshal + Send + 'static> From<Vec<T>> for EventSender<T> {
    fn from(events: Vec<T>) -> Self {
        Self::from_events(events)
    }
}

/// The source of events failed: the call ends with this error.
#[derive(Debug)]
pub struct SourceFailed(BoxError);

impl fmt::Display for SourceFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the source of the events failed")
    }
}

impl std::error::Error for SourceFailed {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

struct Iter<I>(I);

impl<I: Iterator<Item = Result<Bytes, BoxError>> + Unpin> Stream for Iter<I> {
    type Item = Result<Bytes, BoxError>;

    fn poll_next(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Poll::Ready(self.get_mut().0.next())
    }
}

struct Receiver(tokio::sync::mpsc::Receiver<Bytes>);

impl Stream for Receiver {
    type Item = Result<Bytes, BoxError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().0.poll_recv(cx).map(|item| item.map(Ok))
    }
}

/// Feeds an [`EventSender::channel`]: each event is framed here, so an event
/// the format cannot carry is refused at once; dropping the sink (or
/// [`close`](Self::close)) ends the stream of events.
pub struct EventSink<T> {
    tx: tokio::sync::mpsc::Sender<Bytes>,
    stall: Stall,
    _events: PhantomData<fn(T)>,
}

impl<T> fmt::Debug for EventSink<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EventSink(..)")
    }
}

impl<T> Clone for EventSink<T> {
    fn clone(&self) -> Self {
        EventSink { tx: self.tx.clone(), stall: self.stall.clone(), _events: PhantomData }
    }
}

/// Why an event was not sent.
#[derive(Debug)]
pub enum SendError {
    /// The call is over (it failed, finished, or was dropped): nothing
    /// more can be sent.
    Closed,
    /// The event cannot be framed (a header too long, a payload over the
    /// format's 16 MiB, a value the codec cannot write).
    Invalid(BoxError),
    /// The buffer stayed full for the whole attempt timeout: the service
    /// stopped taking events (HTTP/2 flow control) or the network stalled.
    /// The event was not sent; drop the sink and the call's output to end
    /// the call.
    Stalled(std::time::Duration),
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::Closed => f.write_str("the event stream is closed: the call has ended"),
            SendError::Invalid(_) => f.write_str("the event cannot be sent"),
            SendError::Stalled(limit) => write!(f, "the service took no event for {limit:?} (the attempt timeout)"),
        }
    }
}

impl std::error::Error for SendError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SendError::Closed | SendError::Stalled(_) => None,
            SendError::Invalid(e) => Some(&**e),
        }
    }
}

impl<T: EventMarshal> EventSink<T> {
    /// Sends one event, waiting while the buffer is full (for no longer
    /// than the client's attempt timeout once the call has started).
    pub async fn send(&self, event: T) -> Result<(), SendError> {
        let bytes = encode(&event).map_err(SendError::Invalid)?;
        self.send_bytes(bytes).await
    }

    async fn send_bytes(&self, bytes: Bytes) -> Result<(), SendError> {
        match self.stall.get() {
            None => self.tx.send(bytes).await.map_err(|_| SendError::Closed),
            Some((sleep, limit)) => match crate::clock::timeout(self.tx.send(bytes), *limit, &**sleep).await {
                Ok(sent) => sent.map_err(|_| SendError::Closed),
                Err(_) => Err(SendError::Stalled(*limit)),
            },
        }
    }

    /// Sends one of the stream's modeled exceptions (a client that reports
    /// its own failure as the model allows); the stream stays open until
    /// the sink is dropped.
    pub async fn send_error(&self, error: T::Error) -> Result<(), SendError> {
        let message = T::marshal_error(&error).map_err(SendError::Invalid)?;
        let bytes = Bytes::from(message.to_bytes().map_err(SendError::Invalid)?);
        self.send_bytes(bytes).await
    }

    /// Ends the stream of events (as dropping the sink does).
    pub fn close(self) {}

    /// Whether the call has ended, so that sending is pointless.
    pub fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_with_every_header_type() {
        let headers = [
            (":message-type", HeaderValue::String("event".into())),
            ("t", HeaderValue::Bool(true)),
            ("f", HeaderValue::Bool(false)),
            ("b", HeaderValue::Byte(-1)),
            ("s", HeaderValue::Short(2)),
            ("i", HeaderValue::Int(3)),
            ("l", HeaderValue::Long(4_000_000_000)),
            ("x", HeaderValue::Bytes(Bytes::from_static(b"\x00\x01"))),
            ("ts", HeaderValue::Timestamp(1_700_000_000_123)),
            ("u", HeaderValue::Uuid([7; 16])),
        ];
        let mut buffer = BytesMut::from(&Message::encode(&headers, b"{\"a\":1}").unwrap()[..]);
        buffer.extend_from_slice(&Message::encode(&[], b"").unwrap()[..5]);
        let message = Message::decode(&mut buffer).unwrap().unwrap();
        assert_eq!(message.payload().as_ref(), b"{\"a\":1}");
        assert_eq!(message.headers().len(), headers.len());
        for (name, value) in &headers {
            assert_eq!(message.header(name), Some(value));
        }
        assert_eq!(buffer.len(), 5, "the next message's first bytes stay");
        assert!(Message::decode(&mut buffer).unwrap().is_none(), "an incomplete message waits");
    }

    #[test]
    fn corrupt_messages_are_errors() {
        let good = Message::encode(&[("a", HeaderValue::Int(1))], b"payload").unwrap();
        for at in [2, 9, 14, good.len() - 6, good.len() - 1] {
            let mut bad = BytesMut::from(&good[..]);
            bad[at] ^= 0x40;
            assert!(Message::decode(&mut bad).is_err(), "a flipped bit at {at} is caught");
        }
        let mut huge = BytesMut::from(&good[..]);
        huge[0] = 0x7f;
        let crc = crc32fast::hash(&huge[..8]);
        huge[8..12].copy_from_slice(&crc.to_be_bytes());
        assert!(Message::decode(&mut huge).is_err(), "an oversized length is refused");
        assert!(Message::encode(&[(&"n".repeat(256), HeaderValue::Bool(true))], b"").is_none(), "a name too long");
    }

    /// A stream whose every event is unreadable and that models no exception.
    struct Nothing;

    impl EventUnion for Nothing {
        type Error = Unhandled;

        fn event(_event_type: &str, _message: &Message) -> Result<Self, BoxError> {
            Err("expected a JSON object".into())
        }

        fn exception(_exception_type: &str, _message: &Message) -> Option<Result<Unhandled, BoxError>> {
            None
        }
    }

    fn first_error(headers: &[(&str, HeaderValue)], payload: &[u8]) -> Unhandled {
        let body = ByteStream::new(Message::encode(headers, payload).unwrap());
        let mut receiver = EventReceiver::<Nothing>::new(body);
        let waker = std::task::Waker::noop();
        match receiver.poll_recv(&mut Context::from_waker(waker)) {
            Poll::Ready(Some(Err(error))) => error,
            _ => panic!("expected an error"),
        }
    }

    #[test]
    fn stream_errors_say_each_fact_once() {
        use crate::error::DisplayErrorContext;
        let error = first_error(
            &[
                (":message-type", HeaderValue::String("error".into())),
                (":error-code", HeaderValue::String("InternalFailure".into())),
                (":error-message", HeaderValue::String("it broke".into())),
            ],
            b"",
        );
        assert_eq!(error.to_string(), "service error: InternalFailure: it broke");
        assert_eq!(
            DisplayErrorContext(&error).to_string(),
            "service error: InternalFailure: it broke: the event stream failed (an `error` message)"
        );
        let error = first_error(&[(":message-type", HeaderValue::String("error".into()))], b"");
        assert_eq!(
            DisplayErrorContext(&error).to_string(),
            "service error: the event stream failed (an `error` message)"
        );
        let error = first_error(
            &[(":message-type", HeaderValue::String("event".into())), (":event-type", HeaderValue::String("tick".into()))],
            b"[]",
        );
        assert_eq!(error.to_string(), "unreadable response");
        assert_eq!(
            DisplayErrorContext(&error).to_string(),
            "unreadable response: cannot read the `tick` event: expected a JSON object"
        );
    }

    #[test]
    fn an_initial_response_event_is_not_an_event_of_the_stream() {
        let event = |event_type: &str, payload: &[u8]| {
            Message::encode(
                &[(":message-type", HeaderValue::String("event".into())), (":event-type", HeaderValue::String(event_type.into()))],
                payload,
            )
            .unwrap()
        };
        let body = [event("initial-response", b"{}"), event("tick", b"[]")].concat();
        let mut receiver = EventReceiver::<Nothing>::new(ByteStream::new(body));
        let waker = std::task::Waker::noop();
        match receiver.poll_recv(&mut Context::from_waker(waker)) {
            Poll::Ready(Some(Err(error))) => {
                let text = crate::error::DisplayErrorContext(&error).to_string();
                assert!(text.contains("the `tick` event"), "the first event read is `tick`: {text}");
            }
            _ => panic!("expected the `tick` event"),
        }
    }
}
