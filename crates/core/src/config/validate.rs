//! Values checked as they are read, so the parser reports a bad one at its line and column:
//! numbers that would switch an alert off, and AWS settings that would only fail deep inside
//! an SDK at run time.

use serde::{Deserialize, Deserializer, de::Error};

/// A limit that is a real number. NaN compares false with everything, so `warn = nan` would
/// pass every value and silence the alert; an infinite limit can never be crossed.
pub fn finite<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    let value = f64::deserialize(deserializer)?;
    finite_value(value).map_err(D::Error::custom)
}

/// [`finite`] for an optional limit.
pub fn finite_option<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    Option::<f64>::deserialize(deserializer)?
        .map(finite_value)
        .transpose()
        .map_err(D::Error::custom)
}

fn finite_value(value: f64) -> Result<f64, String> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(format!(
            "{value} is not a usable limit: a limit must be a finite number (NaN and inf would switch the alert off)"
        ))
    }
}

/// An AWS region name as the SDK's endpoint rules expect it (`us-east-1`, `eu-central-2`,
/// `us-gov-west-1`, `cn-north-1`): a typo here otherwise surfaces as a DNS failure per poll.
pub fn region<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let name = String::deserialize(deserializer)?;
    if is_region_name(&name) {
        Ok(name)
    } else {
        Err(D::Error::custom(format!(
            "\"{name}\" is not an AWS region name; expected one like us-east-1 or eu-west-2"
        )))
    }
}

/// Lower-case words joined by dashes, the last one a number: `us-east-1`.
pub fn is_region_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    let Some((number, words)) = parts.split_last() else {
        return false;
    };
    words.len() >= 2
        && words
            .iter()
            .all(|word| !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase()))
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// An endpoint override (moto, LocalStack, a VPC endpoint): an absolute http or https URL
/// with a host and nothing after the path.
pub fn endpoint_url<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    let Some(text) = Option::<String>::deserialize(deserializer)? else {
        return Ok(None);
    };
    endpoint_problem(&text)
        .map_or(Ok(Some(text.clone())), |problem| {
            Err(format!("endpoint_url \"{text}\" {problem}"))
        })
        .map_err(D::Error::custom)
}

/// Health URLs: absolute http(s) URLs with a host, each given once.
pub fn health_urls<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    let urls = Vec::<String>::deserialize(deserializer)?;
    for (index, text) in urls.iter().enumerate() {
        if let Some(problem) = health_url_problem(text) {
            return Err(D::Error::custom(format!(
                "health_urls: \"{text}\" {problem}"
            )));
        }
        if urls[..index].contains(text) {
            return Err(D::Error::custom(format!(
                "health_urls: \"{text}\" is listed twice"
            )));
        }
    }
    Ok(urls)
}

/// An IAM role ARN: `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME` (AssumeRole, AWS Security
/// Token Service API Reference: `RoleArn` is an ARN of 20 to 2048 characters).
pub fn role_arn<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let Some(text) = Option::<String>::deserialize(deserializer)? else {
        return Ok(None);
    };
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    let is_role = parts.len() == 6
        && parts[0] == "arn"
        && parts[2] == "iam"
        && parts[3].is_empty()
        && parts[4].len() == 12
        && parts[4].chars().all(|c| c.is_ascii_digit())
        && parts[5]
            .strip_prefix("role/")
            .is_some_and(|name| !name.is_empty());
    if !is_role || !(20..=2048).contains(&text.len()) {
        return Err(D::Error::custom(format!(
            "role_arn: \"{text}\" is not an IAM role ARN; expected one like arn:aws:iam::123456789012:role/OpsdeckReadOnly"
        )));
    }
    Ok(Some(text))
}

/// An AWS account id: 12 digits (MetricDataQuery `AccountId`, Amazon CloudWatch API
/// Reference: "The ID of the account where the metrics are located").
pub fn account_id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let Some(text) = Option::<String>::deserialize(deserializer)? else {
        return Ok(None);
    };
    if text.len() != 12 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(D::Error::custom(format!(
            "metrics_account_id: \"{text}\" is not an AWS account id; expected 12 digits, e.g. 210987654321"
        )));
    }
    Ok(Some(text))
}

/// A role session name: 2 to 64 of letters, digits and `_+=,.@-` (AssumeRole,
/// `RoleSessionName`, AWS Security Token Service API Reference).
pub fn role_session_name<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    let Some(text) = Option::<String>::deserialize(deserializer)? else {
        return Ok(None);
    };
    let allowed = |c: char| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c);
    if !(2..=64).contains(&text.len()) || !text.chars().all(allowed) {
        return Err(D::Error::custom(format!(
            "role_session_name: \"{text}\" must be 2 to 64 letters, digits or _+=,.@-"
        )));
    }
    Ok(Some(text))
}

/// Certificate ARNs: ACM's (`arn:aws:acm:REGION:ACCOUNT:certificate/ID`, any partition),
/// each given once.
pub fn certificate_arns<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<String>, D::Error> {
    let arns = Vec::<String>::deserialize(deserializer)?;
    for (index, text) in arns.iter().enumerate() {
        let parts: Vec<&str> = text.splitn(6, ':').collect();
        let is_acm = parts.len() == 6
            && parts[0] == "arn"
            && parts[2] == "acm"
            && parts[5].starts_with("certificate/");
        if !is_acm {
            return Err(D::Error::custom(format!(
                "certificate_arns: \"{text}\" is not an ACM certificate ARN; expected one like arn:aws:acm:us-east-1:123456789012:certificate/ID"
            )));
        }
        if arns[..index].contains(text) {
            return Err(D::Error::custom(format!(
                "certificate_arns: \"{text}\" is listed twice"
            )));
        }
    }
    Ok(arns)
}

/// What is wrong with `text` as a health URL, if anything.
fn health_url_problem(text: &str) -> Option<&'static str> {
    let Ok(url) = url::Url::parse(text) else {
        return Some("is not a URL; expected one like https://portal.example.com/health");
    };
    if !matches!(url.scheme(), "http" | "https") {
        return Some("must start with http:// or https://");
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Some("has no host");
    }
    None
}

/// What is wrong with `text` as an endpoint URL, if anything.
pub fn endpoint_problem(text: &str) -> Option<&'static str> {
    let Ok(url) = url::Url::parse(text) else {
        return Some("is not a URL; expected one like http://127.0.0.1:5000 or https://host");
    };
    if !matches!(url.scheme(), "http" | "https") {
        return Some("must start with http:// or https://");
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Some("has no host");
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Some("must not carry a query or fragment");
    }
    None
}

/// Load balancers as CloudWatch's `LoadBalancer` dimension names them. "CloudWatch metrics
/// for your Application Load Balancer": the dimension is `app/NAME/ID`, the final portion of
/// the load balancer's ARN; a full ARN is turned into it, a bare name is refused with the fix
/// (the ID cannot be guessed), and so is a Network Load Balancer (AWS/NetworkELB has other
/// metrics).
pub fn load_balancers<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    Vec::<String>::deserialize(deserializer)?
        .iter()
        .map(|given| load_balancer_dimension(given))
        .collect::<Result<_, _>>()
        .map_err(D::Error::custom)
}

/// The `app/NAME/ID` of `given` (that, or an ARN), or what is wrong with it.
pub fn load_balancer_dimension(given: &str) -> Result<String, String> {
    let dimension = given
        .split_once(":loadbalancer/")
        .filter(|(prefix, _)| {
            prefix.starts_with("arn:") && prefix.contains(":elasticloadbalancing:")
        })
        .map_or(given, |(_, rest)| rest);
    let parts: Vec<&str> = dimension.split('/').collect();
    match parts.as_slice() {
        ["app", name, id]
            if !name.is_empty() && !id.is_empty() && id.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            Ok(dimension.to_owned())
        }
        ["net", ..] => Err(format!(
            "load balancer \"{given}\" is a Network Load Balancer; opsdeck charts Application Load Balancers (app/NAME/ID)"
        )),
        _ => Err(format!(
            "load balancer \"{given}\" is not app/NAME/ID (CloudWatch needs the ID too): give its ARN or the part after loadbalancer/ (aws elbv2 describe-load-balancers --names NAME --query 'LoadBalancers[0].LoadBalancerArn')"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_balancers_become_their_cloudwatch_dimension() {
        assert_eq!(
            load_balancer_dimension("app/basecoat-portal/50dc6c495c0c9188"),
            Ok("app/basecoat-portal/50dc6c495c0c9188".to_owned())
        );
        assert_eq!(
            load_balancer_dimension(
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/basecoat-portal/50dc6c495c0c9188"
            ),
            Ok("app/basecoat-portal/50dc6c495c0c9188".to_owned())
        );
        assert!(
            load_balancer_dimension("basecoat-portal")
                .unwrap_err()
                .contains("is not app/NAME/ID")
        );
        assert!(
            load_balancer_dimension("net/dns/50dc6c495c0c9188")
                .unwrap_err()
                .contains("Network Load Balancer")
        );
    }

    #[test]
    fn region_names() {
        for good in [
            "us-east-1",
            "eu-central-2",
            "us-gov-west-1",
            "cn-north-1",
            "il-central-1",
        ] {
            assert!(is_region_name(good), "{good}");
        }
        for bad in [
            "",
            "us-east",
            "US-EAST-1",
            "us_east_1",
            "useast1",
            "us-east-1a",
            "us--1",
        ] {
            assert!(!is_region_name(bad), "{bad}");
        }
    }

    #[test]
    fn endpoint_urls() {
        assert_eq!(endpoint_problem("http://127.0.0.1:5000"), None);
        assert_eq!(
            endpoint_problem("https://monitoring.us-east-1.amazonaws.com"),
            None
        );
        assert!(endpoint_problem("127.0.0.1:5000").is_some());
        assert!(endpoint_problem("localhost").is_some());
        assert!(endpoint_problem("ftp://host").is_some());
        assert!(endpoint_problem("http://host/?a=1").is_some());
    }
}
