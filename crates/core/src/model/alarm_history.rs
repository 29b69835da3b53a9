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

/// One of opsdeck's own incidents of the environment, open now or resolved within the
/// window: the morning check's "verify resolution of any previously active incidents".
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct IncidentNote {
    pub id: String,
    /// `SEV-1`, `SEV-2`, ...
    pub severity: String,
    pub title: String,
    pub declared_at: Timestamp,
    /// When it was resolved; None while it is open.
    pub resolved_at: Option<Timestamp>,
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
}
