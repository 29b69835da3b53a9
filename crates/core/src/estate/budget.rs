//! The estate's API budget: how often it may read every environment and stay within the calls
//! an hour a team allows it (an account's API rate limits are shared by every tool and person
//! using it, and DescribeAlarms, for one, is limited for the whole account).

use std::time::Duration;

/// The reading interval that keeps the estate within `budget_per_minute` calls: `base`, or
/// longer when reading every environment that often would make more calls than the budget.
/// `calls_per_read` holds each environment's latest read's count.
pub fn budgeted_interval(
    base: Duration,
    calls_per_read: &[u32],
    budget_per_minute: Option<u64>,
) -> Duration {
    let Some(budget) = budget_per_minute.filter(|budget| *budget > 0) else {
        return base;
    };
    let calls_per_round: u64 = calls_per_read.iter().map(|calls| u64::from(*calls)).sum();
    // Rounds a minute the budget pays for, and so the seconds each round must last.
    let seconds = (calls_per_round * 60).div_ceil(budget);
    base.max(Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interval_stretches_only_past_the_budget() {
        let minute = Duration::from_secs(60);
        // 50 environments of 40 calls a read, each read once a minute: 2,000 calls a minute.
        let estate = [40; 50];
        assert_eq!(budgeted_interval(minute, &estate, None), minute);
        assert_eq!(budgeted_interval(minute, &estate, Some(3_000)), minute);
        // 1,000 a minute allowed: every two minutes.
        assert_eq!(
            budgeted_interval(minute, &estate, Some(1_000)),
            Duration::from_secs(120)
        );
        // Rounded up, never over: 2,000 calls a round, 700 a minute -> 172 s (0.35 rounds).
        assert_eq!(
            budgeted_interval(minute, &estate, Some(700)),
            Duration::from_secs(172)
        );
        assert_eq!(budgeted_interval(minute, &[], Some(1)), minute);
    }
}
