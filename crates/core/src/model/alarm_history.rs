//! Alarm history: the state changes CloudWatch recorded (DescribeAlarmHistory, `StateUpdate`
//! items) and the episodes they make: what fired, when, for how long, whether it is resolved.
//! The runbook's morning check asks for "overnight alerts" and "verify resolution of any
//! previously active incidents".

use super::{AlarmState, Timestamp};

/// One recorded state change of an alarm.
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmStateChange {
    pub alarm: String,
    pub at: Timestamp,
    pub from: AlarmState,
    pub to: AlarmState,
    /// The new state's reason, as CloudWatch wrote it.
    pub reason: String,
}

/// One reading of the alarm history: the window it covers and what it found.
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmHistoryReading {
    pub since: Timestamp,
    pub changes: Result<Vec<AlarmStateChange>, String>,
}

/// One stretch of an alarm in ALARM within the window.
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmEpisode {
    pub alarm: String,
    /// When it went into ALARM; the window's start when it already was.
    pub fired_at: Timestamp,
    /// True when the alarm was in ALARM before the window began.
    pub firing_before: bool,
    /// When it left ALARM; None while it still is.
    pub resolved_at: Option<Timestamp>,
    pub reason: String,
}

impl AlarmEpisode {
    /// How long it has been (or was) in ALARM, to `now` while unresolved.
    pub fn seconds(&self, now: Timestamp) -> i64 {
        (self.resolved_at.unwrap_or(now) - self.fired_at)
            .num_seconds()
            .max(0)
    }
}

/// The episodes in `changes` (any order) between `since` and `now`, oldest first. An
/// alarm whose first change in the window leaves ALARM was firing when the window began.
pub fn episodes(changes: &[AlarmStateChange], since: Timestamp) -> Vec<AlarmEpisode> {
    let mut sorted: Vec<&AlarmStateChange> =
        changes.iter().filter(|change| change.at >= since).collect();
    sorted.sort_by_key(|change| change.at);
    let mut open: Vec<AlarmEpisode> = Vec::new();
    let mut done: Vec<AlarmEpisode> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for change in sorted {
        let first_seen = !seen.contains(&change.alarm.as_str());
        if first_seen {
            seen.push(&change.alarm);
        }
        let position = open.iter().position(|e| e.alarm == change.alarm);
        match (change.to == AlarmState::Alarm, position) {
            (true, None) => open.push(AlarmEpisode {
                alarm: change.alarm.clone(),
                fired_at: change.at,
                firing_before: false,
                resolved_at: None,
                reason: change.reason.clone(),
            }),
            (false, Some(index)) => {
                let mut episode = open.remove(index);
                episode.resolved_at = Some(change.at);
                done.push(episode);
            }
            (false, None) if first_seen && change.from == AlarmState::Alarm => {
                done.push(AlarmEpisode {
                    alarm: change.alarm.clone(),
                    fired_at: since,
                    firing_before: true,
                    resolved_at: Some(change.at),
                    reason: String::new(),
                });
            }
            _ => {}
        }
    }
    done.extend(open);
    done.sort_by_key(|episode| episode.fired_at);
    done
}

/// The start of a window written as an age (`12h`, `90m`, `2d`) or a clock time
/// (`since 18:00`, `18:00 yesterday`): the latest such time before `now`, UTC, or the day
/// before it with `yesterday`.
pub fn window_start(text: &str, now: Timestamp) -> Result<Timestamp, String> {
    let text = text.trim();
    let bad = || {
        format!(
            "cannot read the window \"{text}\"; write an age (12h, 90m, 2d) or a time \
             (\"since 18:00\", \"since 18:00 yesterday\", UTC)"
        )
    };
    let clock = text.strip_prefix("since").unwrap_or(text).trim();
    let (clock, yesterday) = match clock.strip_suffix("yesterday") {
        Some(rest) => (rest.trim(), true),
        None => (clock, false),
    };
    if let Ok(time) = chrono::NaiveTime::parse_from_str(clock, "%H:%M") {
        let today = now.date_naive().and_time(time).and_utc();
        let latest = if today <= now {
            today
        } else {
            today - chrono::Duration::days(1)
        };
        return Ok(if yesterday && latest.date_naive() == now.date_naive() {
            latest - chrono::Duration::days(1)
        } else {
            latest
        });
    }
    let seconds = crate::format::parse_age_seconds(text).map_err(|_| bad())?;
    let seconds = i64::try_from(seconds).map_err(|_| bad())?;
    if seconds == 0 || seconds > 14 * 24 * 3600 {
        // DescribeAlarmHistory keeps two weeks of history.
        return Err(format!(
            "the window \"{text}\" must be longer than nothing and at most 14 days (CloudWatch keeps alarm history two weeks)"
        ));
    }
    Ok(now - chrono::Duration::seconds(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hour: u32, minute: u32) -> Timestamp {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 30)
            .and_then(|day| day.and_hms_opt(hour, minute, 0))
            .expect("valid")
            .and_utc()
    }

    fn change(alarm: &str, at: Timestamp, from: AlarmState, to: AlarmState) -> AlarmStateChange {
        AlarmStateChange {
            alarm: alarm.to_owned(),
            at,
            from,
            to,
            reason: format!("{alarm} went {to:?}"),
        }
    }

    #[test]
    fn episodes_say_what_fired_when_for_how_long_and_whether_it_is_resolved() {
        use AlarmState::{Alarm, Ok};
        let since = at(0, 0);
        let changes = vec![
            change("p99", at(2, 10), Ok, Alarm),
            change("p99", at(2, 35), Alarm, Ok),
            change("db", at(7, 0), Ok, Alarm),
            // Firing when the window began, resolved at 01:00.
            change("memory", at(1, 0), Alarm, Ok),
            // Before the window: not counted.
            change("cpu", at(0, 0) - chrono::Duration::hours(2), Ok, Alarm),
        ];
        let found = episodes(&changes, since);
        let names: Vec<&str> = found.iter().map(|e| e.alarm.as_str()).collect();
        assert_eq!(names, ["memory", "p99", "db"]);
        assert!(found[0].firing_before);
        assert_eq!(found[0].fired_at, since);
        assert_eq!(found[1].seconds(at(9, 0)), 25 * 60);
        assert_eq!(found[1].resolved_at, Some(at(2, 35)));
        assert_eq!(found[2].resolved_at, None, "still firing");
        assert_eq!(found[2].seconds(at(9, 0)), 2 * 3600);
    }

    #[test]
    fn a_window_is_an_age_or_the_latest_clock_time() {
        let now = at(9, 0);
        assert_eq!(
            window_start("12h", now),
            Ok(now - chrono::Duration::hours(12))
        );
        assert_eq!(
            window_start("since 18:00", now),
            Ok(at(18, 0) - chrono::Duration::days(1)),
            "18:00 has not come yet today"
        );
        assert_eq!(window_start("since 06:30", now), Ok(at(6, 30)));
        assert_eq!(
            window_start("since 06:30 yesterday", now),
            Ok(at(6, 30) - chrono::Duration::days(1))
        );
        assert_eq!(
            window_start("since 18:00 yesterday", now),
            Ok(at(18, 0) - chrono::Duration::days(1))
        );
        let error = window_start("last night", now).unwrap_err();
        assert!(
            error.contains("cannot read the window \"last night\""),
            "{error}"
        );
        let error = window_start("30d", now).unwrap_err();
        assert!(error.contains("at most 14 days"), "{error}");
    }
}
