//! Paginators (`smithy.api#paginated`): the pages of an operation as a
//! `futures_core::Stream`, and their items as another (copied verbatim into
//! each generated crate with paginated operations; the source lives in
//! `codegen/runtime/src/pagination.rs`).
//!
//! Both streams also have an inherent `next()`, so that no stream
//! combinator crate is needed to read them.

use std::collections::{HashSet, VecDeque};
use std::future::poll_fn;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::transport::BoxFuture;

/// Calls the operation with a token (`None` for the first page).
pub(crate) type Fetch<O, E> = Box<dyn FnMut(Option<String>) -> BoxFuture<'static, Result<O, E>> + Send>;

/// The pages of a paginated operation. It ends after a page without a next
/// token, with an empty token, or with a token it has already seen (a
/// service that repeats a token would otherwise loop forever), and after
/// the first error.
pub struct PageStream<O, E> {
    fetch: Fetch<O, E>,
    token_of: fn(&O) -> Option<String>,
    pending: Option<BoxFuture<'static, Result<O, E>>>,
    seen: HashSet<String>,
    started: bool,
    done: bool,
}

impl<O, E> PageStream<O, E> {
    pub(crate) fn new(fetch: Fetch<O, E>, token_of: fn(&O) -> Option<String>) -> Self {
        PageStream { fetch, token_of, pending: None, seen: HashSet::new(), started: false, done: false }
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

impl<O, E> Unpin for PageStream<O, E> {}

impl<O, E> Stream for PageStream<O, E> {
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
                Some(token) if !token.is_empty() && self.seen.insert(token.clone()) => {
                    let next = (self.fetch)(Some(token));
                    self.pending = Some(next);
                }
                _ => self.done = true,
            },
        }
        Poll::Ready(Some(result))
    }
}

/// The items of every page, in order.
pub struct ItemStream<O, T, E> {
    pages: PageStream<O, E>,
    items_of: fn(O) -> Vec<T>,
    buffer: VecDeque<T>,
}

impl<O, T, E> ItemStream<O, T, E> {
    // Unused in a crate whose paginators have no items.
    #[allow(dead_code)]
    pub(crate) fn new(pages: PageStream<O, E>, items_of: fn(O) -> Vec<T>) -> Self {
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

impl<O, T, E> Unpin for ItemStream<O, T, E> {}

impl<O, T, E> Stream for ItemStream<O, T, E> {
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
}
