// The harness's helpers for the event stream cases of a service whose
// operations send events: build.rs appends them to the harness.

use crate::harness::same;

/// The message `event` becomes on the wire: sent through an
/// `EventSender` as the client sends it, read back as one message.
#[allow(dead_code)]
pub(crate) async fn sent_event<T>(event: T) -> Result<crate::event_stream::Message, String>
where
    T: crate::event_stream::EventMarshal + Send + 'static,
{
    let sender = crate::event_stream::EventSender::from_events([event]);
    let config = crate::config::Config::builder().build();
    let bytes = sender.take_for_send(&config).collect().await.map_err(|e| format!("sending the event failed: {e:?}"))?;
    one_message(&bytes)
}

/// The message a modeled exception becomes.
#[allow(dead_code)]
pub(crate) fn sent_exception<T: crate::event_stream::EventMarshal>(error: &T::Error) -> Result<crate::event_stream::Message, String> {
    let message = T::marshal_error(error).map_err(|e| format!("the exception cannot be sent: {e}"))?;
    one_message(&message.to_bytes().map_err(|e| e.to_string())?)
}

fn one_message(bytes: &[u8]) -> Result<crate::event_stream::Message, String> {
    let mut buffer = ::bytes::BytesMut::from(bytes);
    let message = crate::event_stream::Message::decode(&mut buffer)
        .map_err(|e| format!("not an event stream message: {e}"))?
        .ok_or("not a whole message")?;
    if !buffer.is_empty() {
        return Err(format!("{} bytes after the message", buffer.len()));
    }
    Ok(message)
}

/// Compares a message with the case's bytes: the same headers (in any
/// order) and the same payload (as JSON when the case's body is JSON).
#[allow(dead_code)]
pub(crate) fn same_message(actual: &crate::event_stream::Message, expected_base64: &str, json: bool) -> Result<(), String> {
    let bytes = crate::primitives::base64_decode(expected_base64).ok_or("the case's bytes are not base64")?;
    let expected = one_message(&bytes).map_err(|e| format!("the case's bytes: {e}"))?;
    let sorted = |m: &crate::event_stream::Message| {
        let mut headers = m.headers().to_vec();
        headers.sort_by(|a, b| a.0.cmp(&b.0));
        headers
    };
    same("headers", &sorted(actual), &sorted(&expected))?;
    if json {
        let parse = |payload: &[u8]| serde_json::from_slice::<serde_json::Value>(payload).map_err(|e| format!("payload: {e}"));
        same("payload", &parse(actual.payload())?, &parse(expected.payload())?)
    } else {
        same("payload", actual.payload(), expected.payload())
    }
}
