//! `--tag Key=Value`: which resources belong to the environment.

use super::Tags;

/// One `Key=Value` a resource must carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagFilter {
    pub key: String,
    pub value: String,
}

/// Tag keys are 1 to 128 characters and values 0 to 256 ("Tag naming limits and
/// requirements", Tagging AWS resources and Tag Editor user guide).
const MAX_KEY_CHARS: usize = 128;
const MAX_VALUE_CHARS: usize = 256;

impl TagFilter {
    /// Parses `Key=Value` (the value may be empty: AWS allows empty tag values).
    pub fn parse(text: &str) -> Result<Self, String> {
        let Some((key, value)) = text.split_once('=') else {
            return Err(format!(
                "--tag \"{text}\" has no '='; expected Key=Value, e.g. --tag customer=acme"
            ));
        };
        if key.is_empty() {
            return Err(format!(
                "--tag \"{text}\" has an empty key; expected Key=Value, e.g. --tag customer=acme"
            ));
        }
        if key.chars().count() > MAX_KEY_CHARS {
            return Err(format!(
                "--tag key \"{key}\" is longer than AWS allows ({MAX_KEY_CHARS} characters)"
            ));
        }
        if value.chars().count() > MAX_VALUE_CHARS {
            return Err(format!(
                "--tag value of \"{key}\" is longer than AWS allows ({MAX_VALUE_CHARS} characters)"
            ));
        }
        Ok(Self {
            key: key.to_owned(),
            value: value.to_owned(),
        })
    }
}

impl std::fmt::Display for TagFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={}", self.key, self.value)
    }
}

/// Whether `tags` carry every filter (tag keys and values are case-sensitive). No filter
/// matches everything: the whole account is the environment.
pub fn matches_all(tags: &Tags, filters: &[TagFilter]) -> bool {
    filters.iter().all(|filter| {
        tags.iter()
            .any(|(k, v)| *k == filter.key && *v == filter.value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_is_key_equals_value_and_every_filter_must_match() {
        let filter = TagFilter::parse("customer=acme").unwrap();
        assert_eq!(
            (filter.key.as_str(), filter.value.as_str()),
            ("customer", "acme")
        );
        assert_eq!(TagFilter::parse("owner=").unwrap().value, "");
        assert_eq!(TagFilter::parse("url=a=b").unwrap().value, "a=b");
        let tags: Tags = vec![
            ("customer".into(), "acme".into()),
            ("env".into(), "prod".into()),
        ];
        let env = TagFilter::parse("env=prod").unwrap();
        assert!(matches_all(&tags, &[filter.clone(), env.clone()]));
        assert!(!matches_all(
            &tags,
            &[TagFilter::parse("env=Prod").unwrap()]
        ));
        assert!(!matches_all(&Vec::new(), &[filter]));
        assert!(matches_all(&Vec::new(), &[]));
    }

    #[test]
    fn a_malformed_filter_says_what_is_wrong() {
        assert_eq!(
            TagFilter::parse("customer").unwrap_err(),
            "--tag \"customer\" has no '='; expected Key=Value, e.g. --tag customer=acme"
        );
        assert_eq!(
            TagFilter::parse("=acme").unwrap_err(),
            "--tag \"=acme\" has an empty key; expected Key=Value, e.g. --tag customer=acme"
        );
        let long = format!("{}=x", "k".repeat(129));
        assert!(
            TagFilter::parse(&long)
                .unwrap_err()
                .contains("128 characters")
        );
    }
}
