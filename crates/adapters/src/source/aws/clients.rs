//! The SDK clients of one environment: the full default credential chain (environment,
//! profiles, SSO, credential_process, web identity, IMDS), the environment's profile, region
//! and optional endpoint (moto, LocalStack), standard retries and explicit timeouts so a hung
//! API never stalls a pane.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};

/// How to reach AWS for one environment.
#[derive(Debug, Clone, Default)]
pub struct AwsSettings {
    pub region: String,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
    /// Fixed credentials (tests against moto); None uses the default chain.
    pub static_credentials: Option<(String, String)>,
    /// Attempts per call, the first included; 1 turns retries off (tests).
    pub max_attempts: u32,
    /// Longest wait for one attempt of one call; `ATTEMPT_TIMEOUT` when None.
    pub attempt_timeout: Option<Duration>,
    /// The profile names an `mfa_serial`: credential errors then say how to get session
    /// credentials, since the SDK cannot prompt for the code.
    pub profile_needs_mfa: bool,
    /// A role assumed from the credentials above (a customer's account).
    pub assume_role: Option<AssumeRole>,
}

/// A role to assume (AssumeRole, AWS Security Token Service API Reference).
#[derive(Debug, Clone, Default)]
pub struct AssumeRole {
    pub role_arn: String,
    pub external_id: Option<String>,
    /// `RoleSessionName`, shown in the account's CloudTrail.
    pub session_name: String,
}

/// Whether `profile` in the AWS config file (`$AWS_CONFIG_FILE`, else `~/.aws/config`)
/// names an `mfa_serial`.
pub fn profile_needs_mfa(profile: &str) -> bool {
    let path = std::env::var_os("AWS_CONFIG_FILE")
        .map(std::path::PathBuf::from)
        .or_else(|| directories::BaseDirs::new().map(|dirs| dirs.home_dir().join(".aws/config")));
    path.and_then(|path| std::fs::read_to_string(path).ok())
        .is_some_and(|text| mfa_serial_in(&text, profile))
}

/// Whether the `[profile NAME]` (or `[default]`) section of an AWS config file sets
/// `mfa_serial`.
fn mfa_serial_in(config: &str, profile: &str) -> bool {
    let wanted = if profile == "default" {
        vec!["default".to_owned(), "profile default".to_owned()]
    } else {
        vec![format!("profile {profile}")]
    };
    let mut in_section = false;
    for line in config.lines().map(str::trim) {
        if let Some(header) = line.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
            let header = header.split_whitespace().collect::<Vec<_>>().join(" ");
            in_section = wanted.contains(&header);
        } else if in_section
            && line
                .split_once('=')
                .is_some_and(|(key, value)| key.trim() == "mfa_serial" && !value.trim().is_empty())
        {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::mfa_serial_in;

    #[test]
    fn an_mfa_serial_is_found_in_its_profile_only() {
        let config = "[default]\nregion = us-east-1\n\n[profile prod]\nrole_arn = arn:aws:iam::1:role/OnCall\nsource_profile = base\nmfa_serial = arn:aws:iam::1:mfa/jane\n\n[profile  staging ]\nregion = eu-west-1\n";
        assert!(mfa_serial_in(config, "prod"));
        assert!(!mfa_serial_in(config, "staging"));
        assert!(!mfa_serial_in(config, "default"));
        assert!(!mfa_serial_in(config, "missing"));
    }
}

/// Counts every attempt of every call the clients it is given to make (retries included:
/// each attempt is a request AWS meters and rate-limits), for the estate's calls per hour.
/// An interceptor's `read_before_attempt` hook ("Configuring interceptors in the AWS SDK for
/// Rust", AWS SDK for Rust Developer Guide) runs once per attempt.
#[derive(Debug, Clone, Default)]
pub struct CallCounter(Arc<AtomicU64>);

impl CallCounter {
    /// Attempts so far.
    pub fn total(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

impl Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "OpsdeckCallCounter"
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// One client per service, sharing one configuration.
#[derive(Debug, Clone)]
pub struct AwsClients {
    pub auto_scaling: aws_sdk_autoscaling::Client,
    pub elb: aws_sdk_elasticloadbalancingv2::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub sts: aws_sdk_sts::Client,
    pub ecs: aws_sdk_ecs::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub ec2: aws_sdk_ec2::Client,
    pub rds: aws_sdk_rds::Client,
    pub acm: aws_sdk_acm::Client,
    pub elasticache: aws_sdk_elasticache::Client,
    /// Performance Insights (the `pi` API, Performance Insights API Reference), for the
    /// database's load by wait and statement.
    pub pi: aws_sdk_pi::Client,
    /// AWS Health's endpoint is global, in us-east-1 (AWS Health User Guide, "Accessing the
    /// AWS Health API"), whatever the environment's Region.
    pub aws_health: aws_sdk_health::Client,
    pub settings: AwsSettings,
    /// Every attempt these clients make.
    pub calls: CallCounter,
}

impl AwsClients {
    /// The same clients with retries off, for changes (a change is never retried blindly;
    /// per AWS SDK for Rust Developer Guide, "Retries", the standard mode's attempts
    /// include the first, so 1 means no retry).
    /// They share this configuration's credentials provider and its cache: one sign-in, one
    /// refresh, for the panes and the actions alike.
    pub fn single_attempt(&self) -> Self {
        // Each client's own configuration (credentials, region, endpoint, timeouts) again,
        // with one attempt.
        macro_rules! once {
            ($client:expr, $sdk:ident) => {
                $sdk::Client::from_conf(
                    $client
                        .config()
                        .to_builder()
                        .retry_config(RetryConfig::standard().with_max_attempts(1))
                        .build(),
                )
            };
        }
        Self {
            auto_scaling: once!(self.auto_scaling, aws_sdk_autoscaling),
            elb: once!(self.elb, aws_sdk_elasticloadbalancingv2),
            cloudwatch: once!(self.cloudwatch, aws_sdk_cloudwatch),
            sts: once!(self.sts, aws_sdk_sts),
            ecs: once!(self.ecs, aws_sdk_ecs),
            logs: once!(self.logs, aws_sdk_cloudwatchlogs),
            ec2: once!(self.ec2, aws_sdk_ec2),
            rds: once!(self.rds, aws_sdk_rds),
            acm: once!(self.acm, aws_sdk_acm),
            elasticache: once!(self.elasticache, aws_sdk_elasticache),
            pi: once!(self.pi, aws_sdk_pi),
            aws_health: once!(self.aws_health, aws_sdk_health),
            settings: AwsSettings {
                max_attempts: 1,
                ..self.settings.clone()
            },
            // The clients above keep their interceptors, this counter among them.
            calls: self.calls.clone(),
        }
    }
}

/// Where the AWS Health API answers.
const AWS_HEALTH_REGION: &str = "us-east-1";

/// Connect timeout: a peer that does not answer a SYN is down.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// One attempt of one call.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// One call, all retries included.
const OPERATION_TIMEOUT: Duration = Duration::from_secs(25);

/// `base` with its credentials replaced by the role's: the SDK's AssumeRoleProvider calls
/// STS AssumeRole with the base credentials, caches the role's session credentials and
/// refreshes them before they expire, so each environment keeps its own.
async fn assuming(base: aws_config::SdkConfig, role: &AssumeRole) -> aws_config::SdkConfig {
    let mut provider = aws_config::sts::AssumeRoleProvider::builder(&role.role_arn)
        .session_name(&role.session_name)
        .configure(&base);
    if let Some(external_id) = &role.external_id {
        provider = provider.external_id(external_id);
    }
    let provider = provider.build().await;
    base.into_builder()
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(provider),
        )
        .build()
}

/// The HTTPS client every AWS call goes through, credential providers (SSO, STS, IMDS)
/// included: rustls on ring, the crypto library PostgreSQL's TLS already uses, so the build
/// carries one (the SDK's `default-https-client` would add aws-lc, a C build). Per the
/// aws-smithy-http-client documentation ("rustls-ring: Enable TLS provider based on rustls
/// using ring as the crypto provider"), the client the SDK builds by default otherwise.
pub fn https_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .build_https()
}

impl AwsClients {
    /// Loads the configuration and builds the clients.
    pub async fn new(settings: AwsSettings) -> Self {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(https_client())
            .region(Region::new(settings.region.clone()))
            .retry_config(RetryConfig::standard().with_max_attempts(settings.max_attempts.max(1)))
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(CONNECT_TIMEOUT)
                    .operation_attempt_timeout(settings.attempt_timeout.unwrap_or(ATTEMPT_TIMEOUT))
                    .operation_timeout(OPERATION_TIMEOUT)
                    .build(),
            );
        if let Some(profile) = &settings.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(endpoint) = &settings.endpoint_url {
            loader = loader.endpoint_url(endpoint);
        }
        if let Some((key, secret)) = &settings.static_credentials {
            loader = loader.credentials_provider(aws_credential_types::Credentials::new(
                key,
                secret,
                None,
                None,
                "opsdeck-static",
            ));
        }
        let mut config = loader.load().await;
        if let Some(role) = &settings.assume_role {
            config = assuming(config, role).await;
        }
        let calls = CallCounter::default();
        // Each client from the shared configuration, with the call counter.
        macro_rules! counted {
            ($sdk:ident) => {
                $sdk::Client::from_conf(
                    $sdk::config::Builder::from(&config)
                        .interceptor(calls.clone())
                        .build(),
                )
            };
        }
        Self {
            auto_scaling: counted!(aws_sdk_autoscaling),
            elb: counted!(aws_sdk_elasticloadbalancingv2),
            cloudwatch: counted!(aws_sdk_cloudwatch),
            sts: counted!(aws_sdk_sts),
            ecs: counted!(aws_sdk_ecs),
            logs: counted!(aws_sdk_cloudwatchlogs),
            ec2: counted!(aws_sdk_ec2),
            rds: counted!(aws_sdk_rds),
            acm: counted!(aws_sdk_acm),
            elasticache: counted!(aws_sdk_elasticache),
            pi: counted!(aws_sdk_pi),
            aws_health: aws_sdk_health::Client::from_conf(
                aws_sdk_health::config::Builder::from(&config)
                    .region(Region::new(AWS_HEALTH_REGION))
                    .interceptor(calls.clone())
                    .build(),
            ),
            calls,
            settings,
        }
    }
}
