//! Sending events: the `streaming` fixture's client (a Transcribe-shaped
//! service) with the test transport, each event's signed envelope checked.

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
    let _ = &seed; // VERIFY-CHAIN
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
