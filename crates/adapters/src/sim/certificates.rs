//! The demo's ACM certificates: the portal load balancer's (the one its health URL presents,
//! 41 days left, renewed by ACM in time) and an imported one for the API that ACM cannot
//! renew, far enough from expiry to pass.

use crate::model::{Certificate, Timestamp};

/// The certificates at `now`.
pub fn certificates(now: Timestamp) -> Vec<Certificate> {
    let days = chrono::Duration::days;
    vec![
        Certificate {
            arn: "arn:aws:acm:us-east-1:123456789012:certificate/4f3c2a1b-0d9e-4c8b-9a7f-1e2d3c4b5a60"
                .to_owned(),
            domain: "portal.basecoat.example".to_owned(),
            not_after: Some(now + days(41)),
            status: "ISSUED".to_owned(),
            kind: "AMAZON_ISSUED".to_owned(),
            renewal_status: None,
            in_use_by: vec![
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/basecoat-portal/50dc6c495c0c9188"
                    .to_owned(),
            ],
            found_at: vec!["listener basecoat-portal:443".to_owned()],
        },
        Certificate {
            arn: "arn:aws:acm:us-east-1:123456789012:certificate/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
                .to_owned(),
            domain: "api.basecoat.example".to_owned(),
            not_after: Some(now + days(52)),
            status: "ISSUED".to_owned(),
            kind: "IMPORTED".to_owned(),
            renewal_status: None,
            in_use_by: vec![
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/basecoat-portal/50dc6c495c0c9188"
                    .to_owned(),
            ],
            found_at: vec!["listener basecoat-portal:443".to_owned()],
        },
    ]
}
