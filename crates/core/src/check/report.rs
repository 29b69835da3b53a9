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
}

/// The report in `format`.
pub fn render(
    format: Format,
    environment: &str,
    generated_at: Timestamp,
    results: &[CheckResult],
) -> String {
    match format {
        Format::Text => text(environment, generated_at, results),
        Format::Markdown => markdown(environment, generated_at, results),
        Format::Json => {
            let report = JsonReport {
                environment,
                generated_at: generated_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                status: overall(results),
                checks: results,
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
