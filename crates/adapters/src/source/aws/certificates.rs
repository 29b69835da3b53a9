//! The certificates the runbook's Certificate Renewal watches: those the environment's load
//! balancers present (DescribeLoadBalancers, DescribeListeners, DescribeListenerCertificates)
//! and those the config names, each described by ACM (DescribeCertificate).

use aws_sdk_elasticloadbalancingv2::types::ProtocolEnum;

use super::errors::classify;
use super::time::to_utc;
use crate::model::Certificate;
use crate::source::SourceError;

/// DescribeLoadBalancers (Elastic Load Balancing API Reference): `Names` takes at most 20.
const NAMES_PER_CALL: usize = 20;
/// DescribeListeners and DescribeListenerCertificates: `PageSize` "Valid Range: Minimum value
/// of 1. Maximum value of 400."
const PAGE_SIZE: i32 = 400;

/// What the certificate source reads.
#[derive(Debug, Clone, Default)]
pub struct CertificateScope {
    /// The load balancers as CloudWatch names them (`app/NAME/ID`).
    pub load_balancers: Vec<String>,
    /// Certificates named in the config (`certificate_arns`).
    pub certificate_arns: Vec<String>,
}

/// Every certificate found, once each, in the order found: the listeners' first.
pub async fn certificates(
    elb: &aws_sdk_elasticloadbalancingv2::Client,
    acm: &aws_sdk_acm::Client,
    scope: &CertificateScope,
) -> Result<Vec<Certificate>, SourceError> {
    let mut found: Vec<(String, String)> =
        listener_certificates(elb, &scope.load_balancers).await?;
    found.extend(
        scope
            .certificate_arns
            .iter()
            .map(|arn| (arn.clone(), "config".to_owned())),
    );
    let mut certificates: Vec<Certificate> = Vec::new();
    for (arn, place) in found {
        if let Some(known) = certificates.iter_mut().find(|c| c.arn == arn) {
            if !known.found_at.contains(&place) {
                known.found_at.push(place);
            }
            continue;
        }
        let mut certificate = describe(acm, &arn).await?;
        certificate.found_at.push(place);
        certificates.push(certificate);
    }
    Ok(certificates)
}

/// (certificate ARN, "listener NAME:PORT") for every HTTPS and TLS listener of the load
/// balancers. DescribeListeners' `Certificates` holds only the default certificate; the
/// listener's other certificates (SNI) come from DescribeListenerCertificates, which lists
/// the default one too.
async fn listener_certificates(
    elb: &aws_sdk_elasticloadbalancingv2::Client,
    load_balancers: &[String],
) -> Result<Vec<(String, String)>, SourceError> {
    let names: Vec<String> = load_balancers
        .iter()
        .filter_map(|dimension| dimension.split('/').nth(1).map(str::to_owned))
        .collect();
    let mut found = Vec::new();
    for chunk in names.chunks(NAMES_PER_CALL) {
        let mut pages = elb
            .describe_load_balancers()
            .set_names(Some(chunk.to_vec()))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page =
                page.map_err(|e| classify(&e, "elasticloadbalancing:DescribeLoadBalancers", None))?;
            for balancer in page.load_balancers() {
                let (Some(arn), Some(name)) =
                    (balancer.load_balancer_arn(), balancer.load_balancer_name())
                else {
                    continue;
                };
                found.extend(of_load_balancer(elb, arn, name).await?);
            }
        }
    }
    Ok(found)
}

async fn of_load_balancer(
    elb: &aws_sdk_elasticloadbalancingv2::Client,
    arn: &str,
    name: &str,
) -> Result<Vec<(String, String)>, SourceError> {
    let mut found = Vec::new();
    let mut pages = elb
        .describe_listeners()
        .load_balancer_arn(arn)
        .page_size(PAGE_SIZE)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page =
            page.map_err(|e| classify(&e, "elasticloadbalancing:DescribeListeners", None))?;
        for listener in page.listeners() {
            let secure = matches!(
                listener.protocol(),
                Some(ProtocolEnum::Https | ProtocolEnum::Tls)
            );
            let Some(listener_arn) = listener.listener_arn().filter(|_| secure) else {
                continue;
            };
            let place = format!("listener {name}:{}", listener.port().unwrap_or_default());
            let mut certificates = elb
                .describe_listener_certificates()
                .listener_arn(listener_arn)
                .page_size(PAGE_SIZE)
                .into_paginator()
                .send();
            while let Some(page) = certificates.next().await {
                let page = page.map_err(|e| {
                    classify(
                        &e,
                        "elasticloadbalancing:DescribeListenerCertificates",
                        None,
                    )
                })?;
                found.extend(
                    page.certificates()
                        .iter()
                        .filter_map(|c| c.certificate_arn())
                        .map(|arn| (arn.to_owned(), place.clone())),
                );
            }
        }
    }
    Ok(found)
}

/// One certificate as ACM describes it. A listener may also present an IAM server
/// certificate (`arn:aws:iam::…:server-certificate/…`), which ACM does not know: it is listed
/// with what its ARN says and no expiry.
async fn describe(acm: &aws_sdk_acm::Client, arn: &str) -> Result<Certificate, SourceError> {
    if !arn.starts_with("arn:aws:acm:") && arn.contains(":server-certificate/") {
        return Ok(Certificate {
            arn: arn.to_owned(),
            domain: arn.rsplit('/').next().unwrap_or(arn).to_owned(),
            not_after: None,
            status: "IAM server certificate (not in ACM)".to_owned(),
            kind: "IAM".to_owned(),
            renewal_status: None,
            in_use_by: Vec::new(),
            found_at: Vec::new(),
        });
    }
    let answer = acm
        .describe_certificate()
        .certificate_arn(arn)
        .send()
        .await
        .map_err(|e| classify(&e, "acm:DescribeCertificate", None))?;
    let detail = answer.certificate();
    Ok(Certificate {
        arn: arn.to_owned(),
        domain: detail
            .and_then(|d| d.domain_name())
            .unwrap_or_default()
            .to_owned(),
        not_after: detail.and_then(|d| d.not_after()).map(to_utc),
        status: detail
            .and_then(|d| d.status())
            .map_or_else(String::new, |s| s.as_str().to_owned()),
        kind: detail
            .and_then(|d| d.r#type())
            .map_or_else(String::new, |t| t.as_str().to_owned()),
        renewal_status: detail
            .and_then(|d| d.renewal_summary())
            .map(|r| r.renewal_status().as_str().to_owned()),
        in_use_by: detail.map(|d| d.in_use_by().to_vec()).unwrap_or_default(),
        found_at: Vec::new(),
    })
}
