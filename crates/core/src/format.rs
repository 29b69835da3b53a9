//! Human-readable numbers, durations and ages, shared by panes and reports.

use crate::model::Timestamp;

/// A duration in seconds as `45s`, `12m05s`, `3h07m` or `2d04h`.
pub fn duration(seconds: i64) -> String {
    let seconds = seconds.max(0);
    match seconds {
        0..60 => format!("{seconds}s"),
        60..3600 => format!("{}m{:02}s", seconds / 60, seconds % 60),
        3600..86_400 => format!("{}h{:02}m", seconds / 3600, (seconds % 3600) / 60),
        _ => format!("{}d{:02}h", seconds / 86_400, (seconds % 86_400) / 3600),
    }
}

/// A deadline as `5s` or `12m05s` (see [`duration`]), or `300ms` below a second.
pub fn deadline(limit: std::time::Duration) -> String {
    if limit < std::time::Duration::from_secs(1) {
        return format!("{}ms", limit.as_millis());
    }
    duration(i64::try_from(limit.as_secs()).unwrap_or(i64::MAX))
}

/// Parses an age typed by the operator: `90s`, `30m`, `2h`, `1d`, or a bare number of minutes.
pub fn parse_age_seconds(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let expected = || format!("\"{text}\" is not an age; expected e.g. 90s, 30m, 2h or 1d");
    let (number, unit_seconds) = match text.char_indices().last() {
        Some((index, 's')) => (&text[..index], 1),
        Some((index, 'm')) => (&text[..index], 60),
        Some((index, 'h')) => (&text[..index], 3600),
        Some((index, 'd')) => (&text[..index], 86_400),
        Some(_) => (text, 60),
        None => return Err(expected()),
    };
    let amount: u64 = number.parse().map_err(|_| expected())?;
    Ok(amount.saturating_mul(unit_seconds))
}

/// An age as the shortest exact form the prompt accepts back: `30m`, `1h`, `90s`.
pub fn age_input(seconds: u64) -> String {
    match seconds {
        s if s % 86_400 == 0 && s > 0 => format!("{}d", s / 86_400),
        s if s % 3600 == 0 && s > 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 && s > 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// Seconds from `earlier` to `later` (0 if `earlier` is in the future).
pub fn seconds_between(earlier: Timestamp, later: Timestamp) -> i64 {
    (later - earlier).num_seconds().max(0)
}

/// `HH:MM:SS` in UTC.
pub fn clock(at: Timestamp) -> String {
    at.format("%H:%M:%S").to_string()
}

/// A value with its unit, with as many decimals as its size deserves.
pub fn value(value: f64, unit: &str) -> String {
    let number = if value.abs() >= 100.0 {
        format!("{value:.0}")
    } else if value.abs() >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    };
    match unit {
        "%" => format!("{number}%"),
        "" | "count" => number,
        unit => format!("{number} {unit}"),
    }
}

/// Bytes as `512 B`, `1.2 KB`, `3.4 MB`, `5.6 GB`.
pub fn bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut size = bytes as f64 / 1000.0;
    let mut unit = 0;
    while size >= 1000.0 && unit < UNITS.len() - 1 {
        size /= 1000.0;
        unit += 1;
    }
    format!("{size:.1} {}", UNITS[unit])
}

/// `text` cut to `width` characters with an ellipsis.
pub fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// A query or log message on one line: newlines and runs of spaces folded, and nothing
/// that could steer the terminal (see [`printable`]).
pub fn one_line(text: &str) -> String {
    printable(&text.split_whitespace().collect::<Vec<_>>().join(" ")).into_owned()
}

/// `text` without what a terminal would act on rather than show: control characters (an
/// escape sequence in a query or a log line must not move the cursor or retitle the window)
/// and the Unicode direction controls, which make a line read in an order other than the
/// one stored (a `U+202E` can make `rm` of one pid look like another).
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(steers_the_terminal) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| if steers_the_terminal(c) { '�' } else { c })
        .collect()
}

fn steers_the_terminal(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// A replica's lag: whole seconds, as RDS reports `ReplicaLag` ("4 s", "301 s").
pub fn seconds_lag(seconds: f64) -> String {
    format!("{seconds:.0} s")
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
    let seconds = parse_age_seconds(text).map_err(|_| bad())?;
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

    #[test]
    fn deadlines_read_like_durations_and_keep_milliseconds() {
        use std::time::Duration;
        assert_eq!(deadline(Duration::from_secs(30)), "30s");
        assert_eq!(deadline(Duration::from_secs(90)), "1m30s");
        assert_eq!(deadline(Duration::from_millis(300)), "300ms");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(-5), "0s");
        assert_eq!(duration(45), "45s");
        assert_eq!(duration(725), "12m05s");
        assert_eq!(duration(3600 * 3 + 7 * 60), "3h07m");
        assert_eq!(duration(86_400 * 2 + 3600 * 4), "2d04h");
    }

    #[test]
    fn values_carry_units() {
        assert_eq!(value(0.123, "%"), "0.12%");
        assert_eq!(value(512.4, "ms"), "512 ms");
        assert_eq!(value(42.0, "count"), "42.0");
        assert_eq!(bytes(1_234_567), "1.2 MB");
        assert_eq!(bytes(999), "999 B");
    }

    #[test]
    fn ages_parse_and_print_back() {
        assert_eq!(parse_age_seconds("30m"), Ok(1800));
        assert_eq!(parse_age_seconds("2h"), Ok(7200));
        assert_eq!(parse_age_seconds("90s"), Ok(90));
        assert_eq!(parse_age_seconds("1d"), Ok(86_400));
        assert_eq!(parse_age_seconds("5"), Ok(300));
        assert_eq!(age_input(1800), "30m");
        assert_eq!(age_input(3600), "1h");
        assert_eq!(age_input(90), "90s");
        for bad in ["", "m", "soon", "-5m", "1.5h"] {
            assert!(parse_age_seconds(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn nothing_that_steers_the_terminal_gets_through() {
        assert_eq!(printable("plain text"), "plain text");
        assert_eq!(printable("a\x1b[2Jb"), "a�[2Jb");
        assert_eq!(printable("pid 12\u{202E}34"), "pid 12�34");
        assert_eq!(printable("x\u{2066}y\u{2069}"), "x�y�");
        assert_eq!(printable("tab\there"), "tab�here");
        assert_eq!(one_line("SELECT 1 \x07-- bell"), "SELECT 1 �-- bell");
    }

    #[test]
    fn truncation_marks_the_cut() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
        assert_eq!(one_line("SELECT\n  1,\n\t2"), "SELECT 1, 2");
    }

    #[test]
    fn a_window_is_an_age_or_the_latest_clock_time() {
        let now = clock_at(9, 0);
        assert_eq!(
            window_start("12h", now),
            Ok(now - chrono::Duration::hours(12))
        );
        assert_eq!(
            window_start("since 18:00", now),
            Ok(clock_at(18, 0) - chrono::Duration::days(1)),
            "18:00 has not come yet today"
        );
        assert_eq!(window_start("since 06:30", now), Ok(clock_at(6, 30)));
        assert_eq!(
            window_start("since 06:30 yesterday", now),
            Ok(clock_at(6, 30) - chrono::Duration::days(1))
        );
        assert_eq!(
            window_start("since 18:00 yesterday", now),
            Ok(clock_at(18, 0) - chrono::Duration::days(1))
        );
        let error = window_start("last night", now).unwrap_err();
        assert!(
            error.contains("cannot read the window \"last night\""),
            "{error}"
        );
        let error = window_start("30d", now).unwrap_err();
        assert!(error.contains("at most 14 days"), "{error}");
    }

    fn clock_at(hour: u32, minute: u32) -> Timestamp {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 30)
            .and_then(|day| day.and_hms_opt(hour, minute, 0))
            .expect("valid")
            .and_utc()
    }
}
