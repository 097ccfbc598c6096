//! [`ByteStream`]: a body that is sent or received in chunks, for members
//! the model marks `@streaming` (copied verbatim into each generated crate
//! by codegen; the source lives in `codegen/runtime/src/byte_stream.rs`).

use std::fmt;
use std::future::{poll_fn, Future};
use std::io::SeekFrom;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type BoxStream = Pin<Box<dyn Stream<Item = Result<Bytes, BoxError>> + Send>>;

/// A body that is sent or received in chunks, never held whole in memory
/// unless you ask for it: the payload of a download (read it with
/// [`next`](Self::next) or as a [`Stream`]) or of an upload (build it
/// from bytes, from a file or part of one with
/// [`from_path`](Self::from_path) and
/// [`from_path_range`](Self::from_path_range), or from any `Stream` of
/// chunks with [`from_stream`](Self::from_stream)).
///
/// A body built from bytes or from a file can be sent again (a file is
/// reopened), so its requests are retried like any other; a body built
/// from a stream is sent once, and a request that fails after it started
/// is not retried.
pub struct ByteStream {
    inner: Inner,
}

enum Inner {
    Bytes(Bytes),
    /// The stream sits behind a lock only so that `ByteStream` is `Sync`
    /// (inputs are shared while a request is sent); reading it through
    /// `&mut self` never locks.
    Stream { stream: Mutex<Option<BoxStream>>, length: Option<u64> },
    /// `length` bytes of a file from `offset`, opened when the body is read.
    File { path: PathBuf, offset: u64, length: u64 },
    /// A body sent through `map` (an encoding computed on the way, such as
    /// `aws-chunked` with a checksum trailer): each send maps the inner
    /// body afresh, so it is replayable when the inner body is.
    Mapped { inner: Box<ByteStream>, map: Map, length: u64 },
}

/// How a mapped body is made from the inner body, for each send.
type Map = std::sync::Arc<dyn Fn(ByteStream) -> ByteStream + Send + Sync>;

/// Reading a [`ByteStream`] failed: the connection broke, the uploaded
/// stream failed, or the stream had already been sent.
#[derive(Debug)]
pub struct ByteStreamError {
    source: BoxError,
}

impl fmt::Display for ByteStreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The cause is the `source()` (print the chain with
        // `crate::error::DisplayErrorContext`).
        f.write_str("reading the body failed")
    }
}

impl ByteStreamError {
    /// Wraps a stream's error, unless it already is one (a body read
    /// through another `ByteStream`): one layer says "reading the body
    /// failed", not two.
    fn wrap(source: BoxError) -> Self {
        match source.downcast::<ByteStreamError>() {
            Ok(inner) => *inner,
            Err(source) => ByteStreamError { source },
        }
    }
}

impl std::error::Error for ByteStreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.source.as_ref())
    }
}

impl ByteStream {
    /// A body held in memory.
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        ByteStream { inner: Inner::Bytes(bytes.into()) }
    }

    /// A body read from `stream`, chunk by chunk, of unknown length (sent
    /// with chunked transfer encoding).
    pub fn from_stream<S, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<BoxError>,
    {
        Self::stream(stream, None)
    }

    /// A body read from `stream` that yields exactly `length` bytes (sent
    /// with a `Content-Length`; some operations require one).
    pub fn from_stream_with_length<S, E>(stream: S, length: u64) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<BoxError>,
    {
        Self::stream(stream, Some(length))
    }

    /// A stream whose length is already checked (or unknown): the length
    /// is reported, not enforced again.
    pub(crate) fn from_checked_stream<S, E>(stream: S, length: Option<u64>) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<BoxError>,
    {
        let stream: BoxStream = Box::pin(MapErr(Box::pin(stream)));
        ByteStream { inner: Inner::Stream { stream: Mutex::new(Some(stream)), length } }
    }

    fn stream<S, E>(stream: S, length: Option<u64>) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<BoxError>,
    {
        match length {
            // The declared length goes out as `Content-Length`: a stream that
            // yields more or fewer bytes fails instead of being cut short.
            Some(length) => {
                let exact = Exactly { inner: MapErr(Box::pin(stream)), remaining: length, done: false };
                Self::from_checked_stream(exact, Some(length))
            }
            None => Self::from_checked_stream(stream, None),
        }
    }

    /// `inner` as `map` turns it, each time it is sent; the result yields
    /// exactly `length` bytes.
    #[allow(dead_code)] // Used by the crates with flexible checksums.
    pub(crate) fn mapped(inner: ByteStream, length: u64, map: impl Fn(ByteStream) -> ByteStream + Send + Sync + 'static) -> Self {
        ByteStream { inner: Inner::Mapped { inner: Box::new(inner), map: std::sync::Arc::new(map), length } }
    }

    /// The whole file at `path`, read in chunks when the body is sent.
    /// It must be a regular file (its length is known before sending).
    pub async fn from_path(path: impl AsRef<Path>) -> std::io::Result<Self> {
        let path = path.as_ref().to_path_buf();
        let length = regular_file_length(&path).await?;
        Ok(ByteStream { inner: Inner::File { path, offset: 0, length } })
    }

    /// `length` bytes of the file at `path` from byte `offset` (one part
    /// of a multipart upload), read in chunks when the body is sent. Fails
    /// when the file is shorter than `offset + length`.
    pub async fn from_path_range(path: impl AsRef<Path>, offset: u64, length: u64) -> std::io::Result<Self> {
        let path = path.as_ref().to_path_buf();
        let size = regular_file_length(&path).await?;
        if offset.checked_add(length).is_none_or(|end| end > size) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("{}: bytes {offset}..+{length} are beyond its end ({size} bytes)", path.display()),
            ));
        }
        Ok(ByteStream { inner: Inner::File { path, offset, length } })
    }

    /// The body's length, when it is known before reading it: always for
    /// bytes and files; for a download, the response's `Content-Length`.
    pub fn content_length(&self) -> Option<u64> {
        match &self.inner {
            Inner::Bytes(bytes) => Some(bytes.len() as u64),
            Inner::Stream { length, .. } => *length,
            Inner::File { length, .. } | Inner::Mapped { length, .. } => Some(*length),
        }
    }

    /// The whole body, when it is held in memory (built from bytes).
    pub fn as_bytes(&self) -> Option<&Bytes> {
        match &self.inner {
            Inner::Bytes(bytes) => Some(bytes),
            Inner::Stream { .. } | Inner::File { .. } | Inner::Mapped { .. } => None,
        }
    }

    /// The next chunk; `None` at the end of the body.
    pub async fn next(&mut self) -> Option<Result<Bytes, ByteStreamError>> {
        poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Reads the rest of the body into memory.
    pub async fn collect(mut self) -> Result<Bytes, ByteStreamError> {
        if let Inner::Bytes(bytes) = &mut self.inner {
            return Ok(std::mem::take(bytes));
        }
        let mut buffer = Vec::with_capacity(self.content_length().unwrap_or(0).min(1 << 24) as usize);
        while let Some(chunk) = self.next().await {
            buffer.extend_from_slice(&chunk?);
        }
        Ok(buffer.into())
    }

    /// Whether sending this body again sends the same bytes (so a failed
    /// request may be retried).
    pub(crate) fn is_replayable(&self) -> bool {
        match &self.inner {
            Inner::Bytes(_) | Inner::File { .. } => true,
            Inner::Stream { .. } => false,
            Inner::Mapped { inner, .. } => inner.is_replayable(),
        }
    }

    /// The body to send: the same bytes, or the stream itself, which moves
    /// out (a second take yields an error when read).
    pub(crate) fn take_for_send(&self) -> ByteStream {
        match &self.inner {
            Inner::Bytes(bytes) => ByteStream::new(bytes.clone()),
            Inner::Stream { stream, length } => {
                let taken = stream.lock().unwrap_or_else(PoisonError::into_inner).take();
                let taken = taken.unwrap_or_else(|| Box::pin(AlreadySent(false)));
                ByteStream { inner: Inner::Stream { stream: Mutex::new(Some(taken)), length: *length } }
            }
            Inner::File { path, offset, length } => {
                ByteStream { inner: Inner::File { path: path.clone(), offset: *offset, length: *length } }
            }
            Inner::Mapped { inner, map, .. } => map(inner.take_for_send()),
        }
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, ByteStreamError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        // A file is opened when it is first read.
        if let Inner::File { path, offset, length } = &this.inner {
            let file = FileStream::new(path.clone(), *offset, *length);
            let stream: BoxStream = Box::pin(MapErr(Box::pin(file)));
            this.inner = Inner::Stream { stream: Mutex::new(Some(stream)), length: Some(*length) };
        }
        // A mapped body is mapped when it is first read.
        if let Inner::Mapped { inner, map, .. } = &mut this.inner {
            let mapped = map(std::mem::take(&mut **inner));
            this.inner = mapped.inner;
            return Pin::new(this).poll_next(cx);
        }
        match &mut this.inner {
            Inner::File { .. } | Inner::Mapped { .. } => Poll::Ready(None),
            Inner::Bytes(bytes) if bytes.is_empty() => Poll::Ready(None),
            Inner::Bytes(bytes) => Poll::Ready(Some(Ok(std::mem::take(bytes)))),
            Inner::Stream { stream, .. } => {
                let slot = stream.get_mut().unwrap_or_else(PoisonError::into_inner);
                let Some(inner) = slot else { return Poll::Ready(None) };
                match inner.as_mut().poll_next(cx) {
                    Poll::Ready(Some(Ok(chunk))) if chunk.is_empty() => {
                        // Empty chunks say nothing: look for the next one.
                        cx.waker().wake_by_ref();
                        Poll::Pending
                    }
                    Poll::Ready(Some(result)) => Poll::Ready(Some(result.map_err(ByteStreamError::wrap))),
                    Poll::Ready(None) => {
                        // Never poll an ended stream again.
                        *slot = None;
                        Poll::Ready(None)
                    }
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.inner {
            Inner::Bytes(bytes) => (usize::from(!bytes.is_empty()), Some(usize::from(!bytes.is_empty()))),
            Inner::Stream { .. } | Inner::File { .. } | Inner::Mapped { .. } => (0, None),
        }
    }
}

impl Default for ByteStream {
    /// An empty body.
    fn default() -> Self {
        ByteStream::new(Bytes::new())
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.inner, self.content_length()) {
            (Inner::Bytes(bytes), _) => write!(f, "ByteStream({} bytes)", bytes.len()),
            (Inner::Stream { .. }, Some(length)) => write!(f, "ByteStream(stream of {length} bytes)"),
            (Inner::Stream { .. }, None) => f.write_str("ByteStream(stream)"),
            (Inner::Mapped { inner, length, .. }, _) => write!(f, "ByteStream({inner:?} sent as {length} bytes)"),
            (Inner::File { path, offset, length }, _) => {
                write!(f, "ByteStream({}, {length} bytes from byte {offset})", path.display())
            }
        }
    }
}

impl From<Bytes> for ByteStream {
    fn from(bytes: Bytes) -> Self {
        ByteStream::new(bytes)
    }
}

impl From<Vec<u8>> for ByteStream {
    fn from(bytes: Vec<u8>) -> Self {
        ByteStream::new(bytes)
    }
}

impl From<&'static [u8]> for ByteStream {
    fn from(bytes: &'static [u8]) -> Self {
        ByteStream::new(bytes)
    }
}

impl From<String> for ByteStream {
    fn from(text: String) -> Self {
        ByteStream::new(text)
    }
}

impl From<&'static str> for ByteStream {
    fn from(text: &'static str) -> Self {
        ByteStream::new(text)
    }
}

/// The length of the regular file at `path` (a pipe or device has none).
async fn regular_file_length(path: &Path) -> std::io::Result<u64> {
    let metadata = tokio::fs::metadata(path).await?;
    if !metadata.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("{} is not a regular file: send it with ByteStream::from_stream", path.display()),
        ));
    }
    Ok(metadata.len())
}

/// A stream that must yield exactly `remaining` more bytes.
struct Exactly<S> {
    inner: S,
    remaining: u64,
    /// After an error or the end: nothing more, and the inner stream is
    /// never polled again.
    done: bool,
}

impl<S: Stream<Item = Result<Bytes, BoxError>> + Unpin> Stream for Exactly<S> {
    type Item = Result<Bytes, BoxError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        let polled = Pin::new(&mut this.inner).poll_next(cx);
        let item = match polled {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Some(Ok(chunk))) => match this.remaining.checked_sub(chunk.len() as u64) {
                Some(left) => {
                    this.remaining = left;
                    return Poll::Ready(Some(Ok(chunk)));
                }
                None => Some(Err("the stream yields more bytes than its declared length".into())),
            },
            Poll::Ready(None) if this.remaining > 0 => {
                Some(Err(format!("the stream ended {} bytes short of its declared length", this.remaining).into()))
            }
            Poll::Ready(other) => other,
        };
        this.done = item.as_ref().is_none_or(|result| result.is_err());
        Poll::Ready(item)
    }
}

/// Boxes a stream's errors.
struct MapErr<S>(Pin<Box<S>>);

impl<S, E> Stream for MapErr<S>
where
    S: Stream<Item = Result<Bytes, E>>,
    E: Into<BoxError>,
{
    type Item = Result<Bytes, BoxError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().0.as_mut().poll_next(cx).map(|item| item.map(|result| result.map_err(Into::into)))
    }
}

/// Reads part of a file in chunks: opens it, seeks to `offset`, then reads
/// until `remaining` bytes have been read (a shorter file is an error).
struct FileStream {
    state: FileState,
    offset: u64,
    remaining: u64,
}

enum FileState {
    Opening(Pin<Box<dyn Future<Output = std::io::Result<tokio::fs::File>> + Send>>),
    Seeking(tokio::fs::File, bool),
    Reading(tokio::fs::File),
    Done,
}

/// The size of the chunks read from files.
const FILE_CHUNK: u64 = 64 * 1024;

impl FileStream {
    fn new(path: PathBuf, offset: u64, length: u64) -> Self {
        let open = async move { tokio::fs::File::open(&path).await };
        FileStream { state: FileState::Opening(Box::pin(open)), offset, remaining: length }
    }
}

impl Stream for FileStream {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        use tokio::io::{AsyncRead, AsyncSeek, ReadBuf};
        let this = self.get_mut();
        loop {
            let state = std::mem::replace(&mut this.state, FileState::Done);
            match state {
                FileState::Done => return Poll::Ready(None),
                FileState::Opening(mut open) => match open.as_mut().poll(cx) {
                    Poll::Pending => {
                        this.state = FileState::Opening(open);
                        return Poll::Pending;
                    }
                    Poll::Ready(Err(error)) => return Poll::Ready(Some(Err(error))),
                    Poll::Ready(Ok(file)) => this.state = FileState::Seeking(file, false),
                },
                FileState::Seeking(mut file, started) => {
                    if !started {
                        if let Err(error) = Pin::new(&mut file).start_seek(SeekFrom::Start(this.offset)) {
                            return Poll::Ready(Some(Err(error)));
                        }
                    }
                    match Pin::new(&mut file).poll_complete(cx) {
                        Poll::Pending => {
                            this.state = FileState::Seeking(file, true);
                            return Poll::Pending;
                        }
                        Poll::Ready(Err(error)) => return Poll::Ready(Some(Err(error))),
                        Poll::Ready(Ok(_)) => this.state = FileState::Reading(file),
                    }
                }
                FileState::Reading(mut file) => {
                    if this.remaining == 0 {
                        return Poll::Ready(None);
                    }
                    let mut buffer = vec![0u8; this.remaining.min(FILE_CHUNK) as usize];
                    let mut read = ReadBuf::new(&mut buffer);
                    match Pin::new(&mut file).poll_read(cx, &mut read) {
                        Poll::Pending => {
                            this.state = FileState::Reading(file);
                            return Poll::Pending;
                        }
                        Poll::Ready(Err(error)) => return Poll::Ready(Some(Err(error))),
                        Poll::Ready(Ok(())) => {
                            let n = read.filled().len();
                            if n == 0 {
                                let error = std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "the file became shorter while it was sent");
                                return Poll::Ready(Some(Err(error)));
                            }
                            this.remaining -= n as u64;
                            buffer.truncate(n);
                            this.state = FileState::Reading(file);
                            return Poll::Ready(Some(Ok(buffer.into())));
                        }
                    }
                }
            }
        }
    }
}

/// What a stream that was already sent yields: one error, then the end.
struct AlreadySent(bool);

impl Stream for AlreadySent {
    type Item = Result<Bytes, BoxError>;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.0 {
            return Poll::Ready(None);
        }
        self.0 = true;
        Poll::Ready(Some(Err("the body is a stream that was already sent; it cannot be sent again".into())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        let mut future = std::pin::pin!(future);
        loop {
            if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                return output;
            }
        }
    }

    struct Chunks(Vec<Result<Bytes, BoxError>>);

    impl Stream for Chunks {
        type Item = Result<Bytes, BoxError>;
        fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            Poll::Ready(if self.0.is_empty() { None } else { Some(self.0.remove(0)) })
        }
    }

    #[test]
    fn bytes_are_one_chunk_and_replayable() {
        let body = ByteStream::from("hello");
        assert_eq!(body.content_length(), Some(5));
        assert!(body.is_replayable());
        let again = body.take_for_send();
        assert_eq!(block_on(again.collect()).unwrap(), Bytes::from("hello"));
        let mut body = body;
        assert_eq!(block_on(body.next()).unwrap().unwrap(), Bytes::from("hello"));
        assert!(block_on(body.next()).is_none());
        assert!(block_on(ByteStream::default().next()).is_none());
        assert_eq!(format!("{:?}", ByteStream::from("abc")), "ByteStream(3 bytes)");
    }

    #[test]
    fn streams_yield_chunks_skip_empty_ones_and_report_errors() {
        let chunks = vec![Ok(Bytes::from("ab")), Ok(Bytes::new()), Ok(Bytes::from("cd"))];
        let mut body = ByteStream::from_stream_with_length(Chunks(chunks), 4);
        assert_eq!(body.content_length(), Some(4));
        assert!(!body.is_replayable());
        assert_eq!(format!("{body:?}"), "ByteStream(stream of 4 bytes)");
        assert_eq!(block_on(body.next()).unwrap().unwrap(), Bytes::from("ab"));
        assert_eq!(block_on(body.next()).unwrap().unwrap(), Bytes::from("cd"));
        assert!(block_on(body.next()).is_none());

        let failing = ByteStream::from_stream(Chunks(vec![Ok(Bytes::from("x")), Err("disk on fire".into())]));
        let error = block_on(failing.collect()).unwrap_err();
        assert_eq!(error.to_string(), "reading the body failed");
        let source = std::error::Error::source(&error).expect("the stream's error is the source");
        assert_eq!(source.to_string(), "disk on fire");
    }

    #[test]
    fn a_body_read_through_another_body_fails_with_one_layer() {
        // As a download read through the attempt's idle timeout: the inner
        // body's error is not wrapped a second time.
        let inner = ByteStream::from_stream(Chunks(vec![Err("end of file before message length reached".into())]));
        let outer = ByteStream::from_stream(inner);
        let error = block_on(outer.collect()).unwrap_err();
        assert_eq!(
            crate::error::DisplayErrorContext(&error).to_string(),
            "reading the body failed: end of file before message length reached"
        );
    }

    #[test]
    fn a_declared_length_is_enforced() {
        let longer = ByteStream::from_stream_with_length(Chunks(vec![Ok(Bytes::from("abcdef"))]), 4);
        let chain = |error: ByteStreamError| crate::error::DisplayErrorContext(error).to_string();
        assert!(chain(block_on(longer.collect()).unwrap_err()).contains("more bytes than its declared length"));
        let shorter = ByteStream::from_stream_with_length(Chunks(vec![Ok(Bytes::from("ab"))]), 4);
        assert_eq!(
            chain(block_on(shorter.collect()).unwrap_err()),
            "reading the body failed: the stream ended 2 bytes short of its declared length"
        );
        let mut longer = ByteStream::from_stream_with_length(Chunks(vec![Ok(Bytes::from("abcdef")), Ok(Bytes::from("x"))]), 4);
        assert!(block_on(longer.next()).unwrap().is_err());
        assert!(block_on(longer.next()).is_none(), "nothing after the error");
    }

    #[test]
    fn a_stream_is_sent_once() {
        let body = ByteStream::from_stream(Chunks(vec![Ok(Bytes::from("once"))]));
        let first = body.take_for_send();
        assert_eq!(block_on(first.collect()).unwrap(), Bytes::from("once"));
        let second = body.take_for_send();
        let error = crate::error::DisplayErrorContext(block_on(second.collect()).unwrap_err()).to_string();
        assert!(error.contains("already sent"), "{error}");
    }
}
