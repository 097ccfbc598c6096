//! Sending events, measured (run by `bench/events.sh`, in release): a
//! stream of 32 KiB audio-like chunks through the `streaming` fixture's
//! generated client over HTTP/2 to the loopback server of
//! `tests::h2_server`, which checks each event's chained signature and
//! answers each with a transcript; against the same chunks through
//! hyper's bare HTTP/2 client to the same server (no framing, no signing,
//! no checking: the floor on this machine). Prints Markdown table rows.

use std::time::{Duration, Instant};

use fixture_streaming::config::RetryConfig;
use fixture_streaming::event_stream::EventSender;
use fixture_streaming::types::{AudioEvent, AudioStream, TranscriptStream};
use fixture_streaming::{Client, Config};
use tests::h2_server::{raw_h2_throughput, H2Server, Options, RawMode};

const CHUNK: usize = 32 * 1024;
const PIPELINED: usize = 2000;
const LOCK_STEP: usize = 500;

fn client(server: &H2Server) -> Client {
    Client::new(
        Config::builder()
            .region("us-west-2")
            .static_credentials(tests::sigv4::KEY_ID, tests::sigv4::SECRET)
            .endpoint_url(server.url())
            .retry_config(RetryConfig::disabled())
            .build(),
    )
}

fn chunk() -> AudioStream {
    AudioStream::AudioEvent(AudioEvent::builder().audio_chunk((0..CHUNK).map(|i| (i % 251) as u8).collect::<Vec<u8>>()).build())
}

/// `n` chunks as fast as they go (a producer task feeding the sink), the
/// transcripts read as they come: the time to the last transcript.
async fn pipelined(server: &H2Server, n: usize) -> Duration {
    let (audio, sink) = EventSender::channel(8);
    let start = Instant::now();
    let mut output = client(server).start_transcription().language_code("en-US").audio_stream(audio).send().await.expect("call");
    let producer = tokio::spawn(async move {
        for _ in 0..n {
            sink.send(chunk()).await.expect("sent");
        }
    });
    let mut seen = 0;
    while seen < n {
        match output.transcript_stream.recv().await.expect("transcript") {
            Some(TranscriptStream::TranscriptEvent(_)) => seen += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    let elapsed = start.elapsed();
    producer.await.expect("producer");
    elapsed
}

/// `n` chunks, each sent once the previous one's transcript came back: the
/// round trip of each.
async fn lock_step(server: &H2Server, n: usize) -> Vec<Duration> {
    let (audio, sink) = EventSender::channel(1);
    let mut output = client(server).start_transcription().language_code("en-US").audio_stream(audio).send().await.expect("call");
    let mut round_trips = Vec::with_capacity(n);
    for _ in 0..n {
        let event = chunk();
        let sent = Instant::now();
        sink.send(event).await.expect("sent");
        match output.transcript_stream.recv().await.expect("transcript") {
            Some(TranscriptStream::TranscriptEvent(_)) => round_trips.push(sent.elapsed()),
            other => panic!("unexpected {other:?}"),
        }
    }
    round_trips
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let server = H2Server::start(Options::transcriber("us-west-2", "transcribe")).await;
        // Warm up both paths (connections, allocations).
        let _ = pipelined(&server, 50).await;
        let _ = raw_h2_throughput(server.addr(), 50, CHUNK, RawMode::Pipelined).await.expect("raw");
        let mut ours = Vec::new();
        let mut raw = Vec::new();
        for _ in 0..3 {
            ours.push(pipelined(&server, PIPELINED).await);
            raw.push(raw_h2_throughput(server.addr(), PIPELINED, CHUNK, RawMode::Pipelined).await.expect("raw").elapsed);
        }
        let (ours, raw) = (median(ours), median(raw));
        let rate = |d: Duration| PIPELINED as f64 / d.as_secs_f64();
        println!(
            "| events sent per second, {PIPELINED} chunks of 32 KiB over HTTP/2 on loopback, each signed, checked and answered (raw: hyper's bare h2, same server, nothing framed, signed or checked) | {:.0} | {:.0} (raw) | {:.2} |",
            rate(ours),
            rate(raw),
            rate(ours) / rate(raw)
        );
        let ours = median(lock_step(&server, LOCK_STEP).await);
        let raw = raw_h2_throughput(server.addr(), LOCK_STEP, CHUNK, RawMode::LockStep).await.expect("raw").median_latency();
        println!(
            "| round trip of one 32 KiB event and its answer, lock step, median of {LOCK_STEP} (added latency per event: {:.0} µs) | {:.0} µs | {:.0} µs (raw) | {:.2} |",
            ours.saturating_sub(raw).as_secs_f64() * 1e6,
            ours.as_secs_f64() * 1e6,
            raw.as_secs_f64() * 1e6,
            ours.as_secs_f64() / raw.as_secs_f64()
        );
    });
}
