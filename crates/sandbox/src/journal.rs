//! The request journal (C49): the newest requests to Leyr's routes, at most
//! [`JOURNAL_CAPACITY`], each as its method, route template, status, error codes, duration and
//! injected fault. Never an id, a query value, a header value or a body: a request that matched
//! no route is kept without a route.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use leyr_domain::ports::Clock;
use leyr_domain::time::in_stockholm;
use serde::Serialize;

use crate::faults::InjectedFault;
use crate::problem::ErrorCodes;

/// How many requests the journal keeps; older ones are forgotten.
pub const JOURNAL_CAPACITY: usize = 10_000;

/// One request, as the journal keeps it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct JournalEntry {
    /// When it arrived, RFC 3339 in Stockholm time, from the sandbox's clock.
    pub(crate) time: String,
    pub(crate) method: String,
    /// The route template, e.g. `/api/emrs/{emr}/care-units/{care_unit_id}/appointments`;
    /// `null` when no route matched (the path itself may hold ids).
    pub(crate) route: Option<String>,
    pub(crate) status: u16,
    pub(crate) error_codes: Vec<String>,
    /// Wall time spent answering, in milliseconds.
    pub(crate) duration_ms: f64,
    /// The fault injected, by kind (`service_unavailable`, ...), if any.
    pub(crate) fault: Option<&'static str>,
}

/// The journal. Cheap to clone; clones share it.
#[derive(Clone)]
pub(crate) struct Journal {
    entries: Arc<Mutex<VecDeque<JournalEntry>>>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal")
            .field("entries", &self.lock().len())
            .finish()
    }
}

impl Journal {
    pub(crate) fn new(clock: Arc<dyn Clock>) -> Self {
        Self {
            entries: Arc::new(Mutex::new(VecDeque::with_capacity(1024))),
            clock,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<JournalEntry>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn push(&self, entry: JournalEntry) {
        let mut entries = self.lock();
        if entries.len() == JOURNAL_CAPACITY {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    /// The newest `limit` entries, newest first.
    pub(crate) fn newest(&self, limit: usize) -> Vec<JournalEntry> {
        self.lock().iter().rev().take(limit).cloned().collect()
    }

    pub(crate) fn clear(&self) {
        self.lock().clear();
    }
}

/// The middleware that writes each request of Leyr's routes to the journal.
pub(crate) async fn record(
    State(journal): State<Journal>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let time = leyr_wire::mapping::format_time(&in_stockholm(&journal.clock.now()));
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned());
    let response = next.run(request).await;
    let error_codes = response
        .extensions()
        .get::<ErrorCodes>()
        .map(|codes| codes.0.clone())
        .unwrap_or_default();
    let fault = response
        .extensions()
        .get::<InjectedFault>()
        .map(|fault| fault.0);
    journal.push(JournalEntry {
        time,
        method,
        route,
        status: response.status().as_u16(),
        error_codes,
        duration_ms: started.elapsed().as_secs_f64() * 1000.0,
        fault,
    });
    response
}

#[cfg(test)]
mod tests {
    use leyr_in_memory::ManualClock;

    use super::*;

    fn entry(status: u16) -> JournalEntry {
        JournalEntry {
            time: "2024-03-25T07:30:00+01:00".to_owned(),
            method: "GET".to_owned(),
            route: None,
            status,
            error_codes: Vec::new(),
            duration_ms: 0.0,
            fault: None,
        }
    }

    #[test]
    fn the_journal_keeps_the_newest_ten_thousand_newest_first() {
        let journal = Journal::new(Arc::new(ManualClock::default()));
        for n in 0..JOURNAL_CAPACITY + 50 {
            journal.push(entry(u16::try_from(n % 600).unwrap()));
        }
        let kept = journal.newest(usize::MAX);
        assert_eq!(kept.len(), JOURNAL_CAPACITY);
        let last = JOURNAL_CAPACITY + 49;
        assert_eq!(kept[0].status, u16::try_from(last % 600).unwrap());
        assert_eq!(kept[JOURNAL_CAPACITY - 1].status, 50);
        assert_eq!(journal.newest(3).len(), 3);
        journal.clear();
        assert!(journal.newest(10).is_empty());
    }
}
