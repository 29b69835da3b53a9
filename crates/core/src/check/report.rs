//! The health check report as text (a terminal or cron mail), Markdown (the team channel) or
//! JSON (machines), and the exit status a script acts on.

use std::fmt::Write as _;

use serde::Serialize;

use super::{CheckResult, Status, overall};
use crate::model::Timestamp;

/// The report's output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Json,
}

impl Format {
    /// Parses `text`, `markdown` or `json`.
    pub fn parse(name: &str) -> Result<Self, String> {
        match name {
            "text" => Ok(Self::Text),
            "markdown" | "md" => Ok(Self::Markdown),
            "json" => Ok(Self::Json),
            other => Err(format!(
                "unknown format \"{other}\"; expected text, markdown or json"
            )),
        }
    }
}

/// Exit status: 0 all pass, 1 any warn, 2 any fail or unknown.
pub fn exit_code(results: &[CheckResult]) -> i32 {
    match overall(results) {
        Status::Skip | Status::Pass => 0,
        Status::Warn => 1,
        Status::Fail | Status::Unknown => 2,
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    environment: &'a str,
    generated_at: String,
    status: Status,
    checks: &'a [CheckResult],
    #[serde(skip_serializing_if = "Option::is_none")]
    morning: Option<super::morning::MorningJson<'a>>,
}

/// The report in `format`.
pub fn render(
    format: Format,
    environment: &str,
    generated_at: Timestamp,
    results: &[CheckResult],
) -> String {
    render_with_morning(format, environment, generated_at, results, None)
}

/// The report in `format`, with the overnight and 12-hour trend sections after the checks
/// when `morning` is given. They never change the exit status: the checks judge now.
pub fn render_with_morning(
    format: Format,
    environment: &str,
    generated_at: Timestamp,
    results: &[CheckResult],
    morning: Option<&super::morning::Morning>,
) -> String {
    let sections = |markdown| {
        morning.map_or_else(String::new, |morning| {
            super::morning::render(morning, generated_at, markdown)
        })
    };
    match format {
        Format::Text => text(environment, generated_at, results) + &sections(false),
        Format::Markdown => markdown(environment, generated_at, results) + &sections(true),
        Format::Json => {
            let report = JsonReport {
                environment,
                generated_at: generated_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                status: overall(results),
                checks: results,
                morning: morning.map(|morning| morning.json(generated_at)),
            };
            serde_json::to_string_pretty(&report).unwrap_or_default() + "\n"
        }
    }
}

fn text(environment: &str, at: Timestamp, results: &[CheckResult]) -> String {
    let mut out = format!(
        "opsdeck health check: {environment} at {} UTC: {}\n\n",
        at.format("%Y-%m-%d %H:%M:%S"),
        overall(results).as_str().to_uppercase()
    );
    for result in results {
        let _ = writeln!(
            out,
            "{} {:<7} {:<40} {:<38} {}",
            result.status.symbol(),
            result.status.as_str(),
            result.title,
            result.observed,
            result.threshold
        );
        if result.status > Status::Pass {
            for line in &result.evidence {
                let _ = writeln!(out, "          - {line}");
            }
            let _ = writeln!(out, "          runbook: {}", result.runbook);
        }
    }
    out
}

fn markdown(environment: &str, at: Timestamp, results: &[CheckResult]) -> String {
    let counts = |status| results.iter().filter(|r| r.status == status).count();
    let mut out = format!(
        "**Health check {environment}** {} UTC: **{}** ({} pass, {} warn, {} fail, {} unknown, {} skipped)\n\n",
        at.format("%Y-%m-%d %H:%M"),
        overall(results).as_str().to_uppercase(),
        counts(Status::Pass),
        counts(Status::Warn),
        counts(Status::Fail),
        counts(Status::Unknown),
        counts(Status::Skip)
    );
    out.push_str("| | Check | Observed | Threshold |\n| --- | --- | --- | --- |\n");
    for result in results {
        let _ = writeln!(
            out,
            "| {} {} | {} | {} | {} |",
            result.status.symbol(),
            result.status.as_str(),
            result.title,
            result.observed.replace('|', "\\|"),
            result.threshold
        );
    }
    let attention: Vec<&CheckResult> = results.iter().filter(|r| r.status > Status::Pass).collect();
    if !attention.is_empty() {
        out.push_str("\nNeeds attention:\n");
        for result in attention {
            let _ = writeln!(
                out,
                "- **{}** ({}; runbook: {}): {}",
                result.title,
                result.status.as_str(),
                result.runbook,
                result.evidence.join("; ")
            );
        }
    }
    out
}

/// One environment of an estate check: its checks, or why it could not be checked at all.
pub type EnvironmentOutcome = Result<Vec<CheckResult>, String>;

/// An environment's overall status: one that could not be checked is unknown.
fn status_of(outcome: &EnvironmentOutcome) -> Status {
    match outcome {
        Ok(results) => overall(results),
        Err(_) => Status::Unknown,
    }
}

/// Exit status of an estate check: the worst environment's.
pub fn estate_exit_code(environments: &[(String, EnvironmentOutcome)]) -> i32 {
    environments
        .iter()
        .map(|(_, outcome)| match outcome {
            Ok(results) => exit_code(results),
            Err(_) => 2,
        })
        .max()
        .unwrap_or(0)
}

/// `3 pass, 1 warn, 2 fail, 0 unknown; worst: Response time p99`, or why it was not checked.
fn summary_of(outcome: &EnvironmentOutcome) -> String {
    let results = match outcome {
        Ok(results) => results,
        Err(why) => return format!("not checked: {why}"),
    };
    let counts = |status| results.iter().filter(|r| r.status == status).count();
    let worst = results
        .iter()
        .filter(|r| r.status > Status::Pass)
        .max_by_key(|r| r.status)
        .map_or_else(String::new, |r| format!("; worst: {}", r.title));
    format!(
        "{} pass, {} warn, {} fail, {} unknown{worst}",
        counts(Status::Pass),
        counts(Status::Warn),
        counts(Status::Fail),
        counts(Status::Unknown)
    )
}

#[derive(Serialize)]
struct JsonEnvironment<'a> {
    environment: &'a str,
    status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    checks: Option<&'a [CheckResult]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    morning: Option<super::morning::MorningJson<'a>>,
}

#[derive(Serialize)]
struct JsonEstate<'a> {
    generated_at: String,
    status: Status,
    environments: Vec<JsonEnvironment<'a>>,
}

/// The estate report: a summary line per environment first (worst first), then each
/// environment's own report, with its overnight and 12-hour trend sections where `mornings`
/// has them (by environment name).
pub fn render_estate(
    format: Format,
    generated_at: Timestamp,
    environments: &[(String, EnvironmentOutcome)],
    mornings: &std::collections::BTreeMap<String, super::morning::Morning>,
) -> String {
    let worst = environments
        .iter()
        .map(|(_, outcome)| status_of(outcome))
        .max()
        .unwrap_or(Status::Skip);
    let mut ordered: Vec<&(String, EnvironmentOutcome)> = environments.iter().collect();
    ordered.sort_by_key(|(_, outcome)| std::cmp::Reverse(status_of(outcome)));
    match format {
        Format::Json => {
            let report = JsonEstate {
                generated_at: generated_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                status: worst,
                environments: ordered
                    .iter()
                    .map(|(name, outcome)| JsonEnvironment {
                        environment: name,
                        status: status_of(outcome),
                        error: outcome.as_ref().err().map(String::as_str),
                        checks: outcome.as_ref().ok().map(Vec::as_slice),
                        morning: mornings.get(name).map(|morning| morning.json(generated_at)),
                    })
                    .collect(),
            };
            serde_json::to_string_pretty(&report).unwrap_or_default() + "\n"
        }
        Format::Text | Format::Markdown => {
            let markdown = format == Format::Markdown;
            let mut out = if markdown {
                format!(
                    "**Estate health check** {} UTC: **{}** ({} environments)\n\n| | Environment | Checks |\n| --- | --- | --- |\n",
                    generated_at.format("%Y-%m-%d %H:%M"),
                    worst.as_str().to_uppercase(),
                    environments.len()
                )
            } else {
                format!(
                    "opsdeck estate health check at {} UTC: {} ({} environments)\n\n",
                    generated_at.format("%Y-%m-%d %H:%M:%S"),
                    worst.as_str().to_uppercase(),
                    environments.len()
                )
            };
            for (name, outcome) in &ordered {
                let status = status_of(outcome);
                let summary = summary_of(outcome);
                let _ = if markdown {
                    writeln!(
                        out,
                        "| {} {} | {name} | {} |",
                        status.symbol(),
                        status.as_str(),
                        summary.replace('|', "\\|")
                    )
                } else {
                    writeln!(
                        out,
                        "{} {:<7} {name:<24} {summary}",
                        status.symbol(),
                        status.as_str()
                    )
                };
            }
            for (name, outcome) in &ordered {
                out.push('\n');
                match outcome {
                    Ok(results) => out.push_str(&render_with_morning(
                        format,
                        name,
                        generated_at,
                        results,
                        mornings.get(name),
                    )),
                    Err(why) => {
                        let _ = writeln!(out, "{name}: not checked: {why}");
                    }
                }
            }
            out
        }
    }
}

#[cfg(test)]
mod estate_tests {
    use super::*;

    fn result(id: &'static str, status: Status) -> CheckResult {
        crate::check::result_for_test(id, "Response time p99", status)
    }

    #[test]
    fn the_worst_environment_leads_and_sets_the_exit_status() {
        let environments = vec![
            (
                "acme-prod".to_owned(),
                Ok(vec![result("cpu", Status::Pass)]),
            ),
            ("globex-prod".to_owned(), Err("cannot reach AWS".to_owned())),
            (
                "initech-prod".to_owned(),
                Ok(vec![result("cpu", Status::Warn)]),
            ),
        ];
        assert_eq!(estate_exit_code(&environments), 2);
        let text = render_estate(
            Format::Text,
            Timestamp::default(),
            &environments,
            &Default::default(),
        );
        let summary: Vec<&str> = text.lines().skip(2).take(3).collect();
        assert!(
            summary[0].contains("globex-prod")
                && summary[0].contains("not checked: cannot reach AWS"),
            "{text}"
        );
        assert!(
            summary[1].contains("initech-prod") && summary[1].contains("worst: Response time p99"),
            "{text}"
        );
        assert!(
            summary[2].contains("acme-prod") && summary[2].contains("1 pass"),
            "{text}"
        );
        let json: serde_json::Value = serde_json::from_str(&render_estate(
            Format::Json,
            Timestamp::default(),
            &environments,
            &Default::default(),
        ))
        .unwrap_or_default();
        assert_eq!(json["status"], "unknown");
        assert_eq!(json["environments"][0]["error"], "cannot reach AWS");
        assert_eq!(estate_exit_code(&environments[..1]), 0);
    }
}
