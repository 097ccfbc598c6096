//! Signing the events an operation sends (copied verbatim into each
//! generated crate that sends events; the source lives in
//! `codegen/runtime/src/event_signing.rs`).
//!
//! The request's own SigV4 signature states the payload hash
//! `STREAMING-AWS4-HMAC-SHA256-EVENTS` and seeds a chain: each message is
//! sent inside an envelope whose `:chunk-signature` signs its bytes, its
//! `:date` and the signature before it, and an envelope with an empty
//! payload ends the stream. aws-sigv4 computes the signatures.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_core::Stream;

use crate::auth::EventSigning;
use crate::event_stream::{HeaderValue, Message};
use crate::primitives::ByteStream;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The request body of encoded messages `body`, each wrapped in its signed
/// envelope, followed by the final empty envelope.
pub(crate) fn sign_events(body: ByteStream, signing: EventSigning) -> ByteStream {
    let prior = signing.seed.clone();
    ByteStream::from_stream(Signed { body, signing, prior, buffer: BytesMut::new(), ended: false })
}

struct Signed {
    body: ByteStream,
    signing: EventSigning,
    /// The signature of the last envelope (first, the request's).
    prior: String,
    /// Bytes of a message not yet complete.
    buffer: BytesMut,
    ended: bool,
}

impl Signed {
    /// The envelope of `message` (`None`: the final, empty one).
    fn envelope(&mut self, message: Option<&Message>) -> Result<Bytes, BoxError> {
        use aws_sigv4::event_stream::{sign_empty_message, sign_message, SigningParams};
        let identity = self.signing.credentials.clone().into();
        let params: SigningParams<'_> = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.signing.region)
            .name(&self.signing.name)
            .time((self.signing.now)())
            .settings(())
            .build()?;
        // aws-sigv4 traces what it signs, which may be `@sensitive`: it
        // runs with no subscriber, as the request's signing does.
        let signed = tracing::dispatcher::with_default(&tracing::Dispatch::none(), || match message {
            Some(message) => sign_message(&to_aws(message), &self.prior, &params),
            None => sign_empty_message(&self.prior, &params),
        })?;
        let (envelope, signature) = signed.into_parts();
        self.prior = signature;
        Ok(Bytes::from(from_aws(&envelope).to_bytes()?))
    }
}

impl Stream for Signed {
    type Item = Result<Bytes, BoxError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.ended {
                return Poll::Ready(None);
            }
            match Message::decode(&mut this.buffer) {
                Ok(Some(message)) => {
                    let envelope = this.envelope(Some(&message));
                    // A message that cannot be signed ends the body.
                    this.ended = envelope.is_err();
                    return Poll::Ready(Some(envelope));
                }
                Ok(None) => {}
                Err(error) => {
                    this.ended = true;
                    return Poll::Ready(Some(Err(error)));
                }
            }
            match Pin::new(&mut this.body).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => this.buffer.extend_from_slice(&chunk),
                Poll::Ready(Some(Err(error))) => {
                    this.ended = true;
                    return Poll::Ready(Some(Err(error.into())));
                }
                Poll::Ready(None) => {
                    this.ended = true;
                    if !this.buffer.is_empty() {
                        return Poll::Ready(Some(Err("an event was cut short".into())));
                    }
                    return Poll::Ready(Some(this.envelope(None)));
                }
            }
        }
    }
}

fn to_aws(message: &Message) -> aws_smithy_types::event_stream::Message {
    use aws_smithy_types::event_stream::{Header, HeaderValue as Aws};
    let headers = message
        .headers()
        .iter()
        .map(|(name, value)| {
            let value = match value {
                HeaderValue::Bool(b) => Aws::Bool(*b),
                HeaderValue::Byte(b) => Aws::Byte(*b),
                HeaderValue::Short(s) => Aws::Int16(*s),
                HeaderValue::Int(i) => Aws::Int32(*i),
                HeaderValue::Long(l) => Aws::Int64(*l),
                HeaderValue::Bytes(b) => Aws::ByteArray(b.clone()),
                HeaderValue::String(s) => Aws::String(s.clone().into()),
                HeaderValue::Timestamp(millis) => Aws::Timestamp(aws_smithy_types::DateTime::from_millis(*millis)),
                HeaderValue::Uuid(u) => Aws::Uuid(u128::from_be_bytes(*u)),
            };
            Header::new(name.clone(), value)
        })
        .collect();
    aws_smithy_types::event_stream::Message::new_from_parts(headers, message.payload().clone())
}

/// The envelope aws-sigv4 built: only its `:chunk-signature` (bytes) and
/// `:date` (timestamp) headers, and the signed message as payload.
fn from_aws(envelope: &aws_smithy_types::event_stream::Message) -> Message {
    use aws_smithy_types::event_stream::HeaderValue as Aws;
    let headers = envelope
        .headers()
        .iter()
        .filter_map(|header| {
            let value = match header.value() {
                Aws::ByteArray(b) => HeaderValue::Bytes(b.clone()),
                Aws::Timestamp(t) => HeaderValue::Timestamp(t.to_millis().ok()?),
                _ => return None,
            };
            Some((header.name().as_str().to_owned(), value))
        })
        .collect();
    Message::new(headers, envelope.payload().clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::{Duration, UNIX_EPOCH};

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(future)
    }

    fn event(n: u8) -> Vec<u8> {
        Message::encode(&[(":message-type", HeaderValue::String("event".into()))], &[n; 5]).unwrap()
    }

    #[test]
    fn each_message_is_wrapped_and_the_stream_ends_with_an_empty_envelope() {
        let time = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let signing = EventSigning {
            credentials: aws_credential_types::Credentials::new("AKID", "SECRET", None, None, "test"),
            region: "us-east-1".into(),
            name: "transcribe".into(),
            seed: "00".repeat(32),
            now: Arc::new(move || time + Duration::from_millis(250)),
        };
        // Two messages split across chunks at odd places.
        let bytes = [event(1), event(2)].concat();
        let chunks: Vec<Result<Bytes, BoxError>> =
            vec![Ok(Bytes::copy_from_slice(&bytes[..7])), Ok(Bytes::copy_from_slice(&bytes[7..]))];
        let body = ByteStream::from_stream(Chunks(chunks.into_iter()));
        let all = block_on(sign_events(body, signing).collect()).unwrap();
        let mut buffer = BytesMut::from(&all[..]);
        let mut envelopes = Vec::new();
        while let Some(message) = Message::decode(&mut buffer).unwrap() {
            envelopes.push(message);
        }
        assert_eq!(envelopes.len(), 3);
        assert_eq!(envelopes[0].payload().as_ref(), &event(1)[..]);
        assert_eq!(envelopes[1].payload().as_ref(), &event(2)[..]);
        assert!(envelopes[2].payload().is_empty(), "the last envelope is empty");
        let mut signatures = Vec::new();
        for envelope in &envelopes {
            // Whole seconds: the signature's date has no fraction.
            assert_eq!(envelope.header(":date"), Some(&HeaderValue::Timestamp(1_700_000_000_000)));
            match envelope.header(":chunk-signature") {
                Some(HeaderValue::Bytes(signature)) => signatures.push(signature.clone()),
                other => panic!("no signature: {other:?}"),
            }
        }
        assert!(signatures.iter().all(|s| s.len() == 32));
        assert_ne!(signatures[0], signatures[1], "each signature chains the one before");
    }

    struct Chunks(std::vec::IntoIter<Result<Bytes, BoxError>>);

    impl Stream for Chunks {
        type Item = Result<Bytes, BoxError>;

        fn poll_next(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            Poll::Ready(self.get_mut().0.next())
        }
    }
}
