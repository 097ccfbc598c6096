//! Paginators (`smithy.api#paginated`): the pages of an operation as a
//! `futures_core::Stream`, and their items as another (copied verbatim into
//! each generated crate with paginated operations; the source lives in
//! `codegen/runtime/src/pagination.rs`).
//!
//! Both streams also have an inherent `next()`, so that no stream
//! combinator crate is needed to read them.

use std::collections::{HashMap, HashSet, VecDeque};
use std::future::poll_fn;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::transport::BoxFuture;

/// Calls the operation with a token (`None` for the first page).
pub(crate) type Fetch<O, E, K = String> = Box<dyn FnMut(Option<K>) -> BoxFuture<'static, Result<O, E>> + Send>;

/// A pagination token: a string, or (DynamoDB's `LastEvaluatedKey`) a map.
pub trait PageToken: Clone + PartialEq + Send + 'static {
    /// Whether the token is empty, which ends the pages like no token.
    fn is_empty(&self) -> bool;

    /// The token as text, when it is text: the tokens seen are then kept
    /// in a hash set (others are compared one by one).
    fn as_text(&self) -> Option<&str> {
        None
    }
}

impl PageToken for String {
    fn is_empty(&self) -> bool {
        String::is_empty(self)
    }

    fn as_text(&self) -> Option<&str> {
        Some(self)
    }
}

impl<V: Clone + PartialEq + Send + 'static> PageToken for HashMap<String, V> {
    fn is_empty(&self) -> bool {
        HashMap::is_empty(self)
    }
}

/// The pages of a paginated operation. It ends after a page without a next
/// token, with an empty token, or with a token it has already seen (a
/// service that repeats a token would otherwise loop forever), and after
/// the first error.
pub struct PageStream<O, E, K = String> {
    fetch: Fetch<O, E, K>,
    token_of: fn(&O) -> Option<K>,
    pending: Option<BoxFuture<'static, Result<O, E>>>,
    seen_text: HashSet<String>,
    seen: Vec<K>,
    started: bool,
    done: bool,
}

impl<O, E, K: PageToken> PageStream<O, E, K> {
    pub(crate) fn new(fetch: Fetch<O, E, K>, token_of: fn(&O) -> Option<K>) -> Self {
        PageStream { fetch, token_of, pending: None, seen_text: HashSet::new(), seen: Vec::new(), started: false, done: false }
    }

    /// Remembers `token`; false if it was seen before.
    fn first_time(&mut self, token: &K) -> bool {
        match token.as_text() {
            Some(text) => self.seen_text.insert(text.to_owned()),
            None if self.seen.contains(token) => false,
            None => {
                self.seen.push(token.clone());
                true
            }
        }
    }

    /// The next page, or `None` at the end.
    pub async fn next(&mut self) -> Option<Result<O, E>> {
        poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Every page, or the first error.
    pub async fn collect_pages(mut self) -> Result<Vec<O>, E> {
        let mut pages = Vec::new();
        while let Some(page) = self.next().await {
            pages.push(page?);
        }
        Ok(pages)
    }
}

impl<O, E, K> Unpin for PageStream<O, E, K> {}

impl<O, E, K: PageToken> Stream for PageStream<O, E, K> {
    type Item = Result<O, E>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        if self.pending.is_none() {
            if self.started {
                return Poll::Ready(None);
            }
            self.started = true;
            let first = (self.fetch)(None);
            self.pending = Some(first);
        }
        let Some(pending) = self.pending.as_mut() else { return Poll::Ready(None) };
        let result = match pending.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(result) => result,
        };
        self.pending = None;
        match &result {
            Err(_) => self.done = true,
            Ok(page) => match (self.token_of)(page) {
                Some(token) if !token.is_empty() && self.first_time(&token) => {
                    let next = (self.fetch)(Some(token));
                    self.pending = Some(next);
                }
                _ => self.done = true,
            },
        }
        Poll::Ready(Some(result))
    }
}

/// The items of every page, in order: a list's items (`Option`s for a
/// sparse list, whose `null`s are kept), or a map's entries as
/// `(key, value)` pairs, in the map's own order within a page.
pub struct ItemStream<O, T, E, K = String> {
    pages: PageStream<O, E, K>,
    items_of: fn(O) -> Vec<T>,
    buffer: VecDeque<T>,
}

impl<O, T, E, K: PageToken> ItemStream<O, T, E, K> {
    // Unused in a crate whose paginators have no items.
    #[allow(dead_code)]
    pub(crate) fn new(pages: PageStream<O, E, K>, items_of: fn(O) -> Vec<T>) -> Self {
        ItemStream { pages, items_of, buffer: VecDeque::new() }
    }

    /// The next item, or `None` at the end.
    pub async fn next(&mut self) -> Option<Result<T, E>> {
        poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Every item, or the first error.
    pub async fn collect_items(mut self) -> Result<Vec<T>, E> {
        let mut items = Vec::new();
        while let Some(item) = self.next().await {
            items.push(item?);
        }
        Ok(items)
    }
}

impl<O, T, E, K> Unpin for ItemStream<O, T, E, K> {}

impl<O, T, E, K: PageToken> Stream for ItemStream<O, T, E, K> {
    type Item = Result<T, E>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut self.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(Some(Ok(page))) => {
                    let items = (self.items_of)(page);
                    self.buffer.extend(items);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;
    use std::sync::{Arc, Mutex};

    /// Pages from a script of (token to return) per call; records the tokens asked.
    fn stream(script: Vec<Option<&'static str>>, asked: Arc<Mutex<Vec<Option<String>>>>) -> PageStream<(u32, Option<String>), String> {
        let mut calls = 0u32;
        let fetch: Fetch<(u32, Option<String>), String> = Box::new(move |token| {
            asked.lock().unwrap().push(token);
            let reply = script.get(calls as usize).copied();
            calls += 1;
            let n = calls;
            Box::pin(async move {
                match reply {
                    Some(next) => Ok((n, next.map(str::to_owned))),
                    None => Err("no more script".to_owned()),
                }
            })
        });
        PageStream::new(fetch, |page| page.1.clone())
    }

    fn block_on<F: Future>(future: F) -> F::Output {
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        let mut future = std::pin::pin!(future);
        loop {
            if let Poll::Ready(value) = future.as_mut().poll(&mut cx) {
                return value;
            }
        }
    }

    #[test]
    fn follows_tokens_until_none_empty_or_repeated() {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let pages = block_on(stream(vec![Some("a"), Some("b"), None], asked.clone()).collect_pages()).unwrap();
        assert_eq!(pages.iter().map(|p| p.0).collect::<Vec<_>>(), vec![1, 2, 3]);
        assert_eq!(*asked.lock().unwrap(), vec![None, Some("a".to_owned()), Some("b".to_owned())]);
        let pages = block_on(stream(vec![Some("a"), Some(""), Some("x")], Arc::default()).collect_pages()).unwrap();
        assert_eq!(pages.len(), 2, "an empty token ends the stream");
        let pages = block_on(stream(vec![Some("a"), Some("b"), Some("a"), Some("z")], Arc::default()).collect_pages()).unwrap();
        assert_eq!(pages.len(), 3, "a repeated token ends the stream");
    }

    #[test]
    fn errors_end_the_stream_and_items_flatten() {
        let mut pages = stream(vec![Some("a")], Arc::default());
        assert!(block_on(pages.next()).unwrap().is_ok());
        assert_eq!(block_on(pages.next()).unwrap(), Err("no more script".to_owned()));
        assert!(block_on(pages.next()).is_none());
        let items = ItemStream::new(stream(vec![Some("a"), Some("b"), None], Arc::default()), |page| vec![page.0; page.0 as usize]);
        assert_eq!(block_on(items.collect_items()).unwrap(), vec![1, 2, 2, 3, 3, 3]);
    }

    #[test]
    fn map_tokens_page_until_empty_or_repeated() {
        type Key = HashMap<String, u32>;
        let key = |n: u32| -> Key { HashMap::from([("id".to_owned(), n)]) };
        let script = [Some(key(1)), Some(key(2)), Some(key(1)), Some(key(3))];
        let asked = Arc::new(Mutex::new(Vec::new()));
        let log = asked.clone();
        let mut calls = 0usize;
        let fetch: Fetch<Option<Key>, String, Key> = Box::new(move |token| {
            log.lock().unwrap().push(token);
            let reply = script.get(calls).cloned().flatten();
            calls += 1;
            Box::pin(async move { Ok(reply) })
        });
        let pages = block_on(PageStream::new(fetch, |page: &Option<Key>| page.clone()).collect_pages()).unwrap();
        assert_eq!(pages.len(), 3, "the repeated key ends the stream");
        assert_eq!(*asked.lock().unwrap(), vec![None, Some(key(1)), Some(key(2))]);
        let fetch: Fetch<Option<Key>, String, Key> = Box::new(|_| Box::pin(async { Ok(Some(Key::new())) }));
        let pages = block_on(PageStream::new(fetch, |page: &Option<Key>| page.clone()).collect_pages()).unwrap();
        assert_eq!(pages.len(), 1, "an empty key ends the stream");
    }
}
