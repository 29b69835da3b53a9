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

/// A query or log message on one line: newlines and runs of spaces folded.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn truncation_marks_the_cut() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
        assert_eq!(one_line("SELECT\n  1,\n\t2"), "SELECT 1, 2");
    }
}
