//! `opsdeck journal`: reading the audit journal back, filtered and formatted.

use super::journal::{Entry, Phase};
use crate::model::Timestamp;

/// Parses `--since`: an RFC 3339 time, or an age such as `45s`, `30m`, `2h`, `7d` before `now`.
pub fn parse_since(text: &str, now: Timestamp) -> Result<Timestamp, String> {
    if let Ok(time) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(time.with_timezone(&chrono::Utc));
    }
    let expected = || {
        format!(
            "--since \"{text}\": expected a time such as 2026-11-22T09:00:00Z or an age such as 30m, 2h, 7d"
        )
    };
    let unit = text.chars().last().ok_or_else(expected)?;
    let amount: i64 = text[..text.len() - unit.len_utf8()]
        .parse()
        .map_err(|_| expected())?;
    let seconds_per_unit = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        _ => return Err(expected()),
    };
    if amount < 0 {
        return Err(expected());
    }
    amount
        .checked_mul(seconds_per_unit)
        .and_then(chrono::Duration::try_seconds)
        .and_then(|age| now.checked_sub_signed(age))
        .ok_or_else(|| {
            format!("--since \"{text}\" reaches back further than a date can; give a smaller age")
        })
}

/// The entries of `environment` (all if None) at or after `since` (all if None).
pub fn select<'a>(
    entries: &'a [Entry],
    environment: Option<&str>,
    since: Option<Timestamp>,
) -> Vec<&'a Entry> {
    entries
        .iter()
        .filter(|entry| environment.is_none_or(|name| entry.actor.environment == name))
        .filter(|entry| since.is_none_or(|since| entry.time >= since))
        .collect()
}

/// One entry as a line of text.
pub fn text_line(entry: &Entry) -> String {
    let changes: Vec<String> = entry
        .changes
        .iter()
        .map(|change| format!("{} {} -> {}", change.what, change.before, change.after))
        .collect();
    let head = format!(
        "{}  {:<7}  {}  {}  {}",
        entry.time.format("%Y-%m-%dT%H:%M:%SZ"),
        match entry.phase {
            Phase::Intent => "intent",
            Phase::Outcome => "outcome",
        },
        entry.actor.environment,
        entry.action,
        entry.target
    );
    match entry.phase {
        Phase::Intent => format!(
            "{head}  {}  by {}{}",
            changes.join(", "),
            entry.actor.identity,
            if entry.affected.is_empty() {
                String::new()
            } else {
                format!("  ({} affected)", entry.affected.len())
            }
        ),
        Phase::Outcome => format!(
            "{head}  {}: {}{}",
            entry.result.as_deref().unwrap_or("?"),
            entry.detail.as_deref().unwrap_or(""),
            entry
                .request_id
                .as_ref()
                .map_or_else(String::new, |id| format!("  request {id}"))
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> Timestamp {
        chrono::Utc
            .with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn since_takes_times_and_ages() {
        assert_eq!(
            parse_since("2h", now()),
            Ok(now() - chrono::Duration::hours(2))
        );
        assert_eq!(
            parse_since("30m", now()),
            Ok(now() - chrono::Duration::minutes(30))
        );
        assert_eq!(
            parse_since("2026-11-23T08:00:00Z", now()),
            Ok(now() - chrono::Duration::hours(1))
        );
    }

    #[test]
    fn bad_since_says_what_is_expected() {
        for bad in ["", "yesterday", "5w", "-3h", "h"] {
            let error = parse_since(bad, now()).unwrap_err();
            assert!(error.contains("expected a time such as"), "{bad}: {error}");
        }
    }

    #[test]
    fn an_age_past_the_calendar_is_refused() {
        for absurd in ["99999999999h", "9223372036854775807s", "999999999999d"] {
            let error = parse_since(absurd, now()).unwrap_err();
            assert!(error.contains("reaches back further"), "{absurd}: {error}");
        }
    }
}
