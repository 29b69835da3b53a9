//! The ERROR tail: FilterLogEvents for each log group, continued from that group's own newest
//! line.
//!
//! "FilterLogEvents" (Amazon CloudWatch Logs API Reference): events come sorted by timestamp,
//! oldest first; a page "might only be partially full, or even empty" while a `nextToken`
//! says more remain. Events are searchable once ingested, which can be after later-stamped
//! events of the same or another group were. So each group keeps its own cursor, every read
//! starts [`OVERLAP_MS`] before it (the overlap is deduplicated by event id), the read is
//! capped by events rather than pages, and when more matched than the cap the tail skips to
//! the newest lines and says which span it did not show.

use std::collections::{HashMap, VecDeque};

use aws_sdk_cloudwatchlogs::Client;

use super::errors::classify;
use crate::model::{LogLine, TailGap, Timestamp};
use crate::source::{SourceError, SourceErrorKind};

/// Newest tail lines kept, across groups.
const LINES_KEPT: usize = 200;
/// Each read starts this long before the group's newest line: lines ingested late are still
/// found, and read twice at most (deduplicated).
const OVERLAP_MS: i64 = 2 * 60_000;
/// Events read per group and poll. Past this the oldest unread lines are skipped.
const EVENTS_PER_POLL: usize = 1_000;
/// Pages read per group and poll, however few events they held: bounds the calls when pages
/// come back empty with a `nextToken`.
const PAGES_PER_POLL: usize = 30;
/// `limit` per FilterLogEvents page.
const PAGE_SIZE: i32 = 500;
/// When a group matched more than [`EVENTS_PER_POLL`], the tail reads again from this long
/// before now, so what it shows is the newest.
const NEWEST_SPAN_MS: i64 = 60_000;

/// The kept lines and each group's cursor.
#[derive(Debug, Default)]
pub struct Tail {
    lines: VecDeque<LogLine>,
    cursors: HashMap<String, Cursor>,
    gap: Option<TailGap>,
}

/// Where a group's next read starts, and the ids read inside the overlap.
#[derive(Debug, Default)]
struct Cursor {
    newest_ms: i64,
    /// Event id -> timestamp, for the events at or after `newest_ms - OVERLAP_MS`.
    seen: HashMap<String, i64>,
}

/// One group's read: lines oldest first, and whether more matched than were read.
struct Read {
    lines: Vec<LogLine>,
    more: bool,
}

impl Tail {
    /// Where `group`'s next read starts: the overlap before its newest line, not before the
    /// window.
    pub fn start_ms(&self, group: &str, window_start_ms: i64) -> i64 {
        self.cursors.get(group).map_or(window_start_ms, |cursor| {
            (cursor.newest_ms - OVERLAP_MS).max(window_start_ms)
        })
    }

    /// Takes `group`'s lines not seen before into the tail.
    pub fn absorb(&mut self, group: &str, lines: Vec<LogLine>) {
        let cursor = self.cursors.entry(group.to_owned()).or_default();
        for line in lines {
            let at = line.timestamp.timestamp_millis();
            if cursor.seen.insert(line.id.clone(), at).is_some() {
                continue;
            }
            cursor.newest_ms = cursor.newest_ms.max(at);
            self.lines.push_back(line);
        }
        let keep_from = cursor.newest_ms - OVERLAP_MS;
        cursor.seen.retain(|_, at| *at >= keep_from);
        let mut lines: Vec<LogLine> = self.lines.drain(..).collect();
        lines.sort_by(|a, b| b.timestamp.cmp(&a.timestamp).then(b.id.cmp(&a.id)));
        lines.truncate(LINES_KEPT);
        self.lines = lines.into();
    }

    /// Records that `group`'s lines between `from_ms` and `to_ms` were not all read, and moves
    /// its cursor past them.
    pub fn skipped(&mut self, group: &str, from_ms: i64, to_ms: i64) {
        let cursor = self.cursors.entry(group.to_owned()).or_default();
        cursor.newest_ms = cursor.newest_ms.max(to_ms);
        self.gap = Some(TailGap {
            log_group: group.to_owned(),
            from: timestamp_ms(from_ms),
            to: timestamp_ms(to_ms),
        });
    }

    /// The kept lines, newest first.
    pub fn lines(&self) -> Vec<LogLine> {
        self.lines.iter().cloned().collect()
    }

    /// The span not shown, while it is inside the window.
    pub fn gap(&self, window_start_ms: i64) -> Option<TailGap> {
        self.gap
            .clone()
            .filter(|gap| gap.to.timestamp_millis() >= window_start_ms)
    }
}

/// Reads `group`'s lines matching `filter` from `start_ms` on, up to [`EVENTS_PER_POLL`].
async fn read(
    client: &Client,
    group: &str,
    filter: &str,
    start_ms: i64,
) -> Result<Read, SourceError> {
    let mut pages = client
        .filter_log_events()
        .log_group_name(group)
        .filter_pattern(filter)
        .start_time(start_ms)
        .limit(PAGE_SIZE)
        .into_paginator()
        .send();
    let mut lines = Vec::new();
    let mut pages_read = 0;
    while let Some(page) = pages.next().await {
        let page =
            page.map_err(|e| named_for(group, &classify(&e, "logs:FilterLogEvents", None)))?;
        for event in page.events() {
            let message = event.message().unwrap_or_default();
            let (service, text) = super::logs::service_and_text(message, group);
            lines.push(LogLine {
                id: event.event_id().unwrap_or_default().to_owned(),
                timestamp: timestamp_ms(event.timestamp().unwrap_or_default()),
                service,
                message: text,
            });
        }
        pages_read += 1;
        let more = page.next_token().is_some();
        if more && (lines.len() >= EVENTS_PER_POLL || pages_read >= PAGES_PER_POLL) {
            return Ok(Read { lines, more: true });
        }
    }
    Ok(Read { lines, more: false })
}

/// Reads `group` into `tail` since its cursor; when more matched than a poll reads, reads the
/// newest minute instead and records the span skipped.
pub async fn poll_group(
    client: &Client,
    group: &str,
    filter: &str,
    tail: &std::sync::Mutex<Tail>,
    window_start_ms: i64,
    now_ms: i64,
) -> Result<(), SourceError> {
    let start = super::logs::lock(tail).start_ms(group, window_start_ms);
    let first = read(client, group, filter, start).await?;
    if !first.more {
        super::logs::lock(tail).absorb(group, first.lines);
        return Ok(());
    }
    let newest_from = (now_ms - NEWEST_SPAN_MS).max(start);
    let newest = read(client, group, filter, newest_from).await?;
    let mut tail = super::logs::lock(tail);
    let read_up_to = first
        .lines
        .last()
        .map_or(start, |line| line.timestamp.timestamp_millis());
    tail.skipped(group, read_up_to, newest_from);
    tail.absorb(group, first.lines);
    tail.absorb(group, newest.lines);
    Ok(())
}

/// A missing log group's error names it (the tail reads one group a call).
fn named_for(group: &str, error: &SourceError) -> SourceError {
    if error.kind == SourceErrorKind::NotFound {
        SourceError::new(error.kind, format!("log group {group} not found"))
    } else {
        error.clone()
    }
}

fn timestamp_ms(ms: i64) -> Timestamp {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(id: &str, ms: i64) -> LogLine {
        LogLine {
            id: id.to_owned(),
            timestamp: timestamp_ms(ms),
            service: "web".to_owned(),
            message: id.to_owned(),
        }
    }

    #[test]
    fn each_line_is_kept_once_newest_first() {
        let mut tail = Tail::default();
        tail.absorb("/a", vec![line("a", 1_000), line("b", 2_000)]);
        tail.absorb("/a", vec![line("b", 2_000), line("c", 3_000)]);
        let ids: Vec<String> = tail.lines().into_iter().map(|l| l.id).collect();
        assert_eq!(ids, ["c", "b", "a"]);
    }

    #[test]
    fn each_group_continues_from_its_own_newest_line_with_an_overlap() {
        let mut tail = Tail::default();
        let window_start = 0;
        tail.absorb("/fast", vec![line("f", 900_000)]);
        tail.absorb("/slow", vec![line("s", 300_000)]);
        assert_eq!(tail.start_ms("/fast", window_start), 900_000 - OVERLAP_MS);
        assert_eq!(tail.start_ms("/slow", window_start), 300_000 - OVERLAP_MS);
        assert_eq!(tail.start_ms("/new", window_start), window_start);
        assert_eq!(tail.start_ms("/slow", 250_000), 250_000);
    }

    #[test]
    fn a_line_ingested_late_inside_the_overlap_is_taken_once() {
        let mut tail = Tail::default();
        tail.absorb("/a", vec![line("x", 100_000), line("z", 160_000)]);
        // Read again from 40 s: x and z again, and y, stamped before z but ingested after.
        tail.absorb(
            "/a",
            vec![line("x", 100_000), line("y", 150_000), line("z", 160_000)],
        );
        let ids: Vec<String> = tail.lines().into_iter().map(|l| l.id).collect();
        assert_eq!(ids, ["z", "y", "x"]);
    }

    #[test]
    fn a_skipped_span_is_named_until_it_leaves_the_window() {
        let mut tail = Tail::default();
        tail.skipped("/a", 100_000, 700_000);
        assert_eq!(tail.start_ms("/a", 0), 700_000 - OVERLAP_MS);
        let gap = tail.gap(0).expect("gap");
        assert_eq!(gap.log_group, "/a");
        assert_eq!(gap.from.timestamp_millis(), 100_000);
        assert!(tail.gap(700_001).is_none());
    }
}
