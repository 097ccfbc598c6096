//! Sending events: the `streaming` fixture's client (a Transcribe-shaped
//! service) with the test transport, each event's signed envelope checked
//! by the tests crate's own verifier, and end to end over HTTP/2 (h2c on
//! loopback) against `tests::h2_server`, which checks every signature as
//! it reads and streams transcripts back while the audio is still coming.

use std::time::{Duration, SystemTime};

use bytes::BytesMut;
use fixture_streaming::config::RetryConfig;
use fixture_streaming::error::DisplayErrorContext;
use fixture_streaming::event_stream::{EventSender, HeaderValue, Message, SendError};
use fixture_streaming::testing::{TestClock, TestTransport};
use fixture_streaming::types::{AudioEvent, AudioStream, ConfigurationEvent, Note, NoteStream};
use fixture_streaming::{Client, Config};

/// 2024-03-01T12:00:00Z.
fn start() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_709_294_400)
}

fn client(transport: &TestTransport, clock: &TestClock) -> Client {
    let config = Config::builder()
        .region("us-west-2")
        .static_credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .endpoint_url("https://streaming.example.com")
        .http_client(transport.clone())
        .time_source(clock.clone())
        .sleep_impl(clock.clone())
        .retry_config(RetryConfig::disabled())
        .build();
    Client::new(config)
}

/// Every message of an event stream body.
fn messages(body: &[u8]) -> Vec<Message> {
    let mut buffer = BytesMut::from(body);
    let mut all = Vec::new();
    while let Some(message) = Message::decode(&mut buffer).expect("a well-formed message") {
        all.push(message);
    }
    assert!(buffer.is_empty(), "no bytes after the last message");
    all
}

fn note(text: &str, priority: i32) -> NoteStream {
    NoteStream::Note(Note::builder().text(text).priority(priority).build())
}

#[tokio::test]
async fn events_are_framed_signed_in_a_chain_and_ended_by_an_empty_envelope() {
    let transport = TestTransport::new();
    transport.respond(200, r#"{"Count": 3}"#);
    let clock = TestClock::new(start());
    let notes = vec![note("first", 1), note("second", 2), note("third", 3)];
    let output = client(&transport, &clock).send_notes().board("kitchen").notes(notes).send().await.unwrap();
    assert_eq!(output.count, Some(3));
    let request = &transport.requests()[0];
    assert_eq!(request.uri().path(), "/notes/kitchen");
    assert_eq!(request.headers()["content-type"], "application/vnd.amazon.eventstream");
    assert_eq!(request.headers()["x-amz-content-sha256"], "STREAMING-AWS4-HMAC-SHA256-EVENTS");
    let authorization = request.headers()["authorization"].to_str().unwrap();
    assert!(authorization.contains("SignedHeaders=") && authorization.contains("x-amz-content-sha256"), "{authorization}");
    let seed = authorization.rsplit("Signature=").next().unwrap().to_owned();
    let envelopes = messages(request.body());
    assert_eq!(envelopes.len(), 4, "three events and the final empty envelope");
    assert!(envelopes[3].payload().is_empty());
    // The tests crate's verifier (hmac and sha2 from the specification)
    // over the official codec's reading of the body.
    let mut verifier = tests::h2_server::ChainVerifier::new(tests::sigv4::SECRET, "us-west-2", "transcribe", seed);
    let mut body = bytes::Bytes::copy_from_slice(request.body());
    while !body.is_empty() {
        let frame = aws_smithy_eventstream::frame::read_message_from(&mut body).expect("a frame");
        verifier.verify(&frame).expect("every envelope's signature chains from the request's");
    }
    assert_eq!(verifier.frames(), 3);
    assert!(verifier.ended(), "the final empty envelope is signed too");
    for (n, envelope) in envelopes[..3].iter().enumerate() {
        let inner = messages(envelope.payload());
        let inner = &inner[0];
        assert_eq!(inner.string_header(":message-type"), Some("event"));
        assert_eq!(inner.string_header(":event-type"), Some("Note"));
        assert_eq!(inner.string_header(":content-type"), Some("application/json"));
        assert_eq!(inner.header("Priority"), Some(&HeaderValue::Int(n as i32 + 1)));
        let text = ["first", "second", "third"][n];
        let json: serde_json::Value = serde_json::from_slice(inner.payload()).unwrap();
        assert_eq!(json, serde_json::json!({ "Text": text }), "the header member stays out of the payload");
    }
}

#[tokio::test]
async fn a_channel_feeds_events_while_the_call_runs_and_a_closed_call_refuses_more() {
    let transport = TestTransport::new();
    transport.respond(200, r#"{"Count": 2}"#);
    // Tokio's clock: the call waits for the producer, which the test
    // clock's instant timeouts would not allow.
    let client = Client::new(
        Config::builder()
            .region("us-west-2")
            .static_credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
            .endpoint_url("https://streaming.example.com")
            .http_client(transport.clone())
            .build(),
    );
    let (sender, sink) = EventSender::channel(1);
    let producer = tokio::spawn(async move {
        sink.send(note("a", 1)).await.unwrap();
        sink.send(note("b", 2)).await.unwrap();
        // Dropping the sink ends the stream.
    });
    let call = client.send_notes().board("b").notes(sender).send();
    let (output, produced) = tokio::join!(call, producer);
    produced.unwrap();
    assert_eq!(output.unwrap().count, Some(2));
    assert_eq!(messages(transport.requests()[0].body()).len(), 3);

    // A call that fails before reading the events drops them: the sink says so.
    let (sender, sink) = EventSender::channel(4);
    let refused = client.send_notes().board("").notes(sender).send().await;
    assert!(refused.is_err(), "an empty label is refused before sending");
    assert!(sink.is_closed());
    assert!(matches!(sink.send(note("late", 9)).await, Err(SendError::Closed)));
}

#[tokio::test]
async fn a_failing_source_or_an_unknown_event_fails_the_call_with_the_cause() {
    let transport = TestTransport::new();
    transport.respond(200, "{}");
    let clock = TestClock::new(start());
    let client = client(&transport, &clock);
    let chunks: Vec<Result<AudioStream, std::io::Error>> = vec![
        Ok(AudioStream::AudioEvent(AudioEvent::builder().audio_chunk(vec![1u8; 16]).build())),
        Err(std::io::Error::other("the microphone was unplugged")),
    ];
    let failed = client
        .start_transcription()
        .language_code("en-US")
        .audio_stream(EventSender::from_results(Iter(chunks.into_iter())))
        .send()
        .await
        .expect_err("the source failed");
    let text = format!("{}", DisplayErrorContext(&failed));
    assert!(text.contains("the microphone was unplugged"), "{text}");

    // Events carry headers and payloads of each kind.
    let configuration = AudioStream::ConfigurationEvent(ConfigurationEvent::builder().channel(2).label("left").build());
    let message = fixture_streaming::event_stream::EventMarshal::marshal(&configuration).unwrap();
    assert_eq!(message.header("Channel"), Some(&HeaderValue::Int(2)));
    assert_eq!(message.string_header(":event-type"), Some("ConfigurationEvent"));
    let audio = AudioStream::AudioEvent(AudioEvent::builder().audio_chunk(vec![7u8; 3]).build());
    let message = fixture_streaming::event_stream::EventMarshal::marshal(&audio).unwrap();
    assert_eq!(message.string_header(":content-type"), Some("application/octet-stream"));
    assert_eq!(message.payload().as_ref(), &[7, 7, 7]);
    // An event too large for the format is refused, not sent.
    let huge = AudioStream::AudioEvent(AudioEvent::builder().audio_chunk(vec![0u8; 17 * 1024 * 1024]).build());
    let (sender, sink) = EventSender::channel(1);
    drop(sender);
    assert!(matches!(sink.send(huge).await, Err(SendError::Invalid(_))));
}

/// A transport that answers at once with a response whose events never
/// come, and holds the request without ever reading its body: a service
/// that stopped taking events (HTTP/2 flow control).
#[derive(Debug, Default)]
struct Stalled {
    held: std::sync::Mutex<Vec<fixture_streaming::transport::StreamingRequest>>,
}

impl fixture_streaming::transport::HttpClient for Stalled {
    fn send(
        &self,
        _request: fixture_streaming::transport::HttpRequest,
    ) -> fixture_streaming::transport::BoxFuture<'_, Result<fixture_streaming::transport::HttpResponse, fixture_streaming::transport::TransportError>> {
        Box::pin(std::future::pending())
    }

    fn send_streaming(
        &self,
        request: fixture_streaming::transport::StreamingRequest,
    ) -> fixture_streaming::transport::BoxFuture<'_, Result<fixture_streaming::transport::StreamingResponse, fixture_streaming::transport::TransportError>> {
        self.held.lock().unwrap().push(request);
        let silent = fixture_streaming::primitives::ByteStream::from_stream(Silent);
        let response = http::Response::builder()
            .status(200)
            .header("content-type", "application/vnd.amazon.eventstream")
            .body(silent)
            .unwrap();
        Box::pin(async move { Ok(response) })
    }
}

/// A body that never yields.
struct Silent;

impl futures_core::Stream for Silent {
    type Item = Result<bytes::Bytes, std::io::Error>;

    fn poll_next(self: std::pin::Pin<&mut Self>, _cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<Self::Item>> {
        std::task::Poll::Pending
    }
}

#[tokio::test]
async fn a_sink_waits_no_longer_than_the_attempt_timeout_when_the_service_takes_nothing() {
    use fixture_streaming::config::TimeoutConfig;
    let limit = Duration::from_millis(300);
    let client = Client::new(
        Config::builder()
            .region("us-west-2")
            .static_credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
            .endpoint_url("https://streaming.example.com")
            .http_client(Stalled::default())
            .timeout_config(TimeoutConfig::standard().with_attempt_timeout(Some(limit)))
            .retry_config(RetryConfig::disabled())
            .build(),
    );
    let (sender, sink) = EventSender::channel(2);
    // The response's head arrives: the call returns, its stream silent.
    let output = client.start_transcription().language_code("en-US").audio_stream(sender).send().await.unwrap();
    let started = std::time::Instant::now();
    let chunk = || AudioStream::AudioEvent(AudioEvent::builder().audio_chunk(vec![0u8; 1024]).build());
    let mut outcome = Ok(());
    for _ in 0..10 {
        outcome = tokio::time::timeout(Duration::from_secs(10), sink.send(chunk())).await.expect("bounded by the sink itself");
        if outcome.is_err() {
            break;
        }
    }
    match outcome {
        Err(SendError::Stalled(waited)) => assert_eq!(waited, limit),
        other => panic!("expected a stall, got {other:?}"),
    }
    let waited = started.elapsed();
    assert!(waited >= limit && waited < Duration::from_secs(5), "{waited:?}");
    drop(output);
}

/// A stream over an iterator (the tests crate does not depend on `futures`).
struct Iter<I>(I);

impl<I: Iterator + Unpin> futures_core::Stream for Iter<I> {
    type Item = I::Item;

    fn poll_next(self: std::pin::Pin<&mut Self>, _cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<I::Item>> {
        std::task::Poll::Ready(self.get_mut().0.next())
    }
}

// End to end over HTTP/2.

use tests::h2_server::{Fault, H2Server, Handler, Options};
use fixture_streaming::types::TranscriptStream;

const REGION: &str = "us-west-2";

/// A client of the server, through the default transport (hyper, HTTP/2
/// for this operation), with `attempt` as its attempt timeout.
fn h2_client(server: &H2Server, attempt: Duration) -> Client {
    use fixture_streaming::config::TimeoutConfig;
    Client::new(
        Config::builder()
            .region(REGION)
            .static_credentials(tests::sigv4::KEY_ID, tests::sigv4::SECRET)
            .endpoint_url(server.url())
            .timeout_config(TimeoutConfig::standard().with_attempt_timeout(Some(attempt)))
            .retry_config(RetryConfig::disabled())
            .build(),
    )
}

fn audio(n: usize, len: usize) -> AudioStream {
    AudioStream::AudioEvent(AudioEvent::builder().audio_chunk(vec![(n % 251) as u8; len]).build())
}

/// Bounds every wait of these tests.
async fn bounded<F: std::future::Future>(what: &str, future: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(20), future).await.unwrap_or_else(|_| panic!("{what} did not finish"))
}

#[tokio::test]
async fn audio_streams_in_while_transcripts_stream_out_over_http2_every_signature_checked() {
    let server = H2Server::start(Options::transcriber(REGION, "transcribe")).await;
    let client = h2_client(&server, Duration::from_secs(10));
    let (audio_in, sink) = EventSender::channel(1);
    let mut output = bounded("the call", client.start_transcription().language_code("en-US").audio_stream(audio_in).send())
        .await
        .expect("the response's head");
    // Lock step: each chunk goes out only once the previous one's
    // transcript came back, which works only if both directions flow at
    // once on the one HTTP/2 stream.
    const CHUNKS: usize = 40;
    const CHUNK: usize = 32 * 1024;
    let mut transcripts = Vec::new();
    for n in 1..=CHUNKS {
        bounded("a send", sink.send(audio(n, CHUNK))).await.expect("the service takes the chunk");
        match bounded("a transcript", output.transcript_stream.recv()).await {
            Ok(Some(TranscriptStream::TranscriptEvent(event))) => transcripts.push(event.transcript.unwrap_or_default()),
            other => panic!("transcript {n}: {other:?}"),
        }
    }
    drop(sink);
    assert!(matches!(bounded("the end", output.transcript_stream.recv()).await, Ok(None)), "the stream ends after the audio");
    let expected: Vec<String> = (1..=CHUNKS).map(|n| format!("chunk {n} of {CHUNK} bytes")).collect();
    assert_eq!(transcripts, expected);
    let record = server.finished(1, Duration::from_secs(10)).await.remove(0);
    assert_eq!(record.version, http::Version::HTTP_2);
    assert_eq!(record.authorization_failure, None, "the request's own signature");
    assert_eq!(record.failures, Vec::<String>::new());
    assert_eq!(record.verified(), CHUNKS, "every chunk's chained signature checked out");
    assert!(record.events.iter().all(|e| e.event_type == "AudioEvent" && e.payload_len == CHUNK));
    assert!(record.final_frame, "the empty signed frame ends the stream");
    assert_eq!(record.header("x-amz-language-code"), Some("en-US"));
    assert_eq!(record.header("content-type"), Some("application/vnd.amazon.eventstream"));
}

#[tokio::test]
async fn a_service_that_stops_reading_stalls_the_sink_for_the_attempt_timeout_and_dropping_ends_the_stream() {
    let server = H2Server::start(Options::transcriber(REGION, "transcribe").with_fault(Fault::StopReadingAfter(2))).await;
    let limit = Duration::from_millis(500);
    let client = h2_client(&server, limit);
    let (audio_in, sink) = EventSender::channel(2);
    let output = bounded("the call", client.start_transcription().language_code("en-US").audio_stream(audio_in).send()).await.unwrap();
    let mut outcome = Ok(());
    // 64 KiB of window and the buffers take a few chunks; then the sink waits.
    for n in 1..=200 {
        outcome = bounded("a send", sink.send(audio(n, 32 * 1024))).await;
        if outcome.is_err() {
            break;
        }
    }
    assert!(matches!(outcome, Err(SendError::Stalled(waited)) if waited == limit), "{outcome:?}");
    drop(sink);
    drop(output);
    // Dropping the call's output closes its connection: the server sees the
    // stream end from the client's side.
    let record = server.finished(1, Duration::from_secs(10)).await.remove(0);
    assert!(record.client_reset.is_some(), "{record:?}");
    assert!(record.failures.is_empty(), "{:?}", record.failures);
    assert!(record.verified() >= 2);
}

/// The first error of the output stream, after any transcripts: its kind
/// and its text with every cause.
async fn first_error(
    output: &mut fixture_streaming::operation::start_transcription::StartTranscriptionOutput,
) -> (fixture_streaming::error::UnhandledKind, String) {
    for _ in 0..1000 {
        match bounded("an event", output.transcript_stream.recv()).await {
            Ok(Some(_)) => continue,
            Ok(None) => panic!("the stream ended without an error"),
            Err(fixture_streaming::types::TranscriptStreamError::Unhandled(error)) => {
                return (error.kind(), format!("{}", DisplayErrorContext(&error)))
            }
            Err(other) => panic!("not a transport or response error: {other:?}"),
        }
    }
    panic!("no error in 1000 events")
}

#[tokio::test]
async fn goaway_reset_and_damaged_frames_mid_stream_are_typed_errors_never_hangs() {
    use fixture_streaming::error::UnhandledKind;
    for (fault, kind) in [
        (Fault::GoAwayAfter(2), UnhandledKind::Transport),
        (Fault::ResetAfter(2), UnhandledKind::Transport),
        (Fault::CorruptFrameAfter(2), UnhandledKind::Response),
        (Fault::OverlongMessageAfter(2), UnhandledKind::Response),
    ] {
        let server = H2Server::start(Options::transcriber(REGION, "transcribe").with_fault(fault)).await;
        let client = h2_client(&server, Duration::from_secs(5));
        let (audio_in, sink) = EventSender::channel(4);
        let mut output = bounded("the call", client.start_transcription().language_code("en-US").audio_stream(audio_in).send())
            .await
            .unwrap();
        let producer = tokio::spawn(async move {
            for n in 1..=20 {
                if sink.send(audio(n, 1024)).await.is_err() {
                    return n;
                }
            }
            21
        });
        let (actual, text) = first_error(&mut output).await;
        assert_eq!(actual, kind, "{fault:?}: {text}");
        drop(output);
        let stopped_at = bounded("the producer", producer).await.unwrap();
        assert!(stopped_at > 2, "{fault:?}: the first chunks went through ({stopped_at})");
    }
}

#[tokio::test]
async fn an_event_the_model_does_not_know_is_kept_and_an_exception_ends_the_stream() {
    let answer: tests::h2_server::Answer = std::sync::Arc::new(|n, _inner| {
        use aws_smithy_types::event_stream::{Header, HeaderValue as H, Message as M};
        let event = |kind: &str, payload: &str| {
            M::new(bytes::Bytes::from(payload.to_owned()))
                .add_header(Header::new(":message-type", H::String("event".into())))
                .add_header(Header::new(":event-type", H::String(kind.to_owned().into())))
                .add_header(Header::new(":content-type", H::String("application/json".into())))
        };
        match n {
            1 => vec![event("Mystery", r#"{"x":1}"#)],
            2 => vec![M::new(bytes::Bytes::from_static(br#"{"Message":"no such language"}"#))
                .add_header(Header::new(":message-type", H::String("exception".into())))
                .add_header(Header::new(":exception-type", H::String("BadRequestException".into())))
                .add_header(Header::new(":content-type", H::String("application/json".into())))],
            _ => Vec::new(),
        }
    });
    let server = H2Server::start(Options::transcriber(REGION, "transcribe").with_handler(Handler::Custom(answer))).await;
    let client = h2_client(&server, Duration::from_secs(5));
    let (audio_in, sink) = EventSender::channel(4);
    let mut output = bounded("the call", client.start_transcription().language_code("en-US").audio_stream(audio_in).send()).await.unwrap();
    sink.send(audio(1, 16)).await.unwrap();
    match bounded("an event", output.transcript_stream.recv()).await {
        Ok(Some(TranscriptStream::Unknown(member))) => assert_eq!(member.name(), "Mystery"),
        other => panic!("expected the unknown event kept: {other:?}"),
    }
    sink.send(audio(2, 16)).await.unwrap();
    match bounded("an event", output.transcript_stream.recv()).await {
        Err(fixture_streaming::types::TranscriptStreamError::BadRequestException(e)) => {
            assert_eq!(e.message.as_deref(), Some("no such language"))
        }
        other => panic!("expected the modeled exception: {other:?}"),
    }
}
