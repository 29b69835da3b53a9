//! Issue 15, item 4: the certificates the load balancers' listeners present and those the
//! config names, described by ACM, read through the real SDK from moto and from AWS-shaped
//! answers (SNI certificates over pages, a renewal waiting on validation, an IAM server
//! certificate, a refusal).

use crate::support;

use aws_sdk_elasticloadbalancingv2::types::{
    Action, ActionTypeEnum, Certificate as ListenerCertificate, ProtocolEnum,
};
use opsdeck::source::CertificateSource;
use opsdeck::source::aws::{AwsScope, AwsSource, CertificateScope};
use support::aws::{clients, clients_for};
use support::aws_shaped::{Answer, AwsShaped, json, xml};
use support::moto::MotoServer;

fn scope(load_balancers: &[&str], certificate_arns: &[&str]) -> AwsScope {
    AwsScope {
        certificates: CertificateScope {
            load_balancers: load_balancers.iter().map(|s| (*s).to_owned()).collect(),
            certificate_arns: certificate_arns.iter().map(|s| (*s).to_owned()).collect(),
        },
        ..AwsScope::default()
    }
}

/// An imported certificate (20 days left) on the portal's HTTPS listener in moto: found
/// through DescribeLoadBalancers, DescribeListeners and DescribeListenerCertificates, then
/// described by ACM with its expiry and type; the same certificate named in the config is
/// listed once, with both places.
#[tokio::test]
async fn a_listener_certificate_is_found_and_described_by_acm() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let Some(pki) = support::http_peer::Certificates::new() else {
        return;
    };
    let clients = clients(&moto).await;
    let (cert, key) = pki.signed_leaf("portal.basecoat.example", 20);
    let imported = clients
        .acm
        .import_certificate()
        .certificate(aws_smithy_types::Blob::new(std::fs::read(cert).unwrap()))
        .private_key(aws_smithy_types::Blob::new(std::fs::read(key).unwrap()))
        .send()
        .await
        .unwrap();
    let certificate_arn = imported.certificate_arn().unwrap().to_owned();

    let ec2 = support::aws::ec2(&moto).await;
    let subnets: Vec<String> = ec2
        .describe_subnets()
        .send()
        .await
        .unwrap()
        .subnets()
        .iter()
        .filter_map(|s| s.subnet_id().map(str::to_owned))
        .take(2)
        .collect();
    let vpc = ec2.describe_vpcs().send().await.unwrap().vpcs()[0]
        .vpc_id()
        .unwrap()
        .to_owned();
    let balancer = clients
        .elb
        .create_load_balancer()
        .name("basecoat-portal")
        .set_subnets(Some(subnets))
        .send()
        .await
        .unwrap();
    let balancer_arn = balancer.load_balancers()[0]
        .load_balancer_arn()
        .unwrap()
        .to_owned();
    let target_group = clients
        .elb
        .create_target_group()
        .name("basecoat-portal-tls")
        .protocol(ProtocolEnum::Http)
        .port(80)
        .vpc_id(vpc)
        .send()
        .await
        .unwrap();
    clients
        .elb
        .create_listener()
        .load_balancer_arn(&balancer_arn)
        .protocol(ProtocolEnum::Https)
        .port(443)
        .certificates(
            ListenerCertificate::builder()
                .certificate_arn(&certificate_arn)
                .build(),
        )
        .default_actions(
            Action::builder()
                .r#type(ActionTypeEnum::Forward)
                .target_group_arn(target_group.target_groups()[0].target_group_arn().unwrap())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let dimension = balancer_arn
        .split_once(":loadbalancer/")
        .map(|(_, rest)| rest.to_owned())
        .unwrap();

    let source = AwsSource::new(clients, scope(&[&dimension], &[&certificate_arn]));
    let certificates = source.certificates().await.unwrap();
    assert_eq!(certificates.len(), 1, "listed once: {certificates:?}");
    let found = &certificates[0];
    assert_eq!(found.arn, certificate_arn);
    assert_eq!(found.kind, "IMPORTED");
    assert_eq!(found.status, "ISSUED");
    let days = found.days_left(chrono::Utc::now()).unwrap();
    assert!((19..=20).contains(&days), "{days} days left");
    assert_eq!(found.found_at, ["listener basecoat-portal:443", "config"]);
    assert!(
        found.renewal_needs_someone(),
        "ACM cannot renew an imported one"
    );
}

const LOAD_BALANCERS: &str = r#"<DescribeLoadBalancersResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><DescribeLoadBalancersResult><LoadBalancers><member><LoadBalancerArn>arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/basecoat-portal/50dc6c495c0c9188</LoadBalancerArn><LoadBalancerName>basecoat-portal</LoadBalancerName><Type>application</Type><Scheme>internet-facing</Scheme></member></LoadBalancers></DescribeLoadBalancersResult><ResponseMetadata><RequestId>6b1c0000-0000-4000-8000-000000000001</RequestId></ResponseMetadata></DescribeLoadBalancersResponse>"#;

/// DescribeListeners (Elastic Load Balancing API Reference): a plain HTTP listener (no
/// certificate) and the HTTPS one, whose `Certificates` holds the default certificate only.
const LISTENERS: &str = r#"<DescribeListenersResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><DescribeListenersResult><Listeners><member><ListenerArn>arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/basecoat-portal/50dc6c495c0c9188/80aa</ListenerArn><LoadBalancerArn>arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/basecoat-portal/50dc6c495c0c9188</LoadBalancerArn><Port>80</Port><Protocol>HTTP</Protocol></member><member><ListenerArn>arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/basecoat-portal/50dc6c495c0c9188/443bb</ListenerArn><LoadBalancerArn>arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/basecoat-portal/50dc6c495c0c9188</LoadBalancerArn><Port>443</Port><Protocol>HTTPS</Protocol><Certificates><member><CertificateArn>arn:aws:acm:us-east-1:123456789012:certificate/default-1</CertificateArn></member></Certificates></member></Listeners></DescribeListenersResult><ResponseMetadata><RequestId>6b1c0000-0000-4000-8000-000000000002</RequestId></ResponseMetadata></DescribeListenersResponse>"#;

/// DescribeListenerCertificates, two pages: the default certificate (listed twice, as the
/// reference says: once with `IsDefault` true and once false), an SNI one, then on the
/// second page an IAM server certificate.
fn listener_certificates(page: u32) -> String {
    let (members, next) = if page == 1 {
        (
            "<member><CertificateArn>arn:aws:acm:us-east-1:123456789012:certificate/default-1</CertificateArn><IsDefault>true</IsDefault></member><member><CertificateArn>arn:aws:acm:us-east-1:123456789012:certificate/default-1</CertificateArn><IsDefault>false</IsDefault></member><member><CertificateArn>arn:aws:acm:us-east-1:123456789012:certificate/sni-2</CertificateArn><IsDefault>false</IsDefault></member>",
            "<NextMarker>page-2</NextMarker>",
        )
    } else {
        (
            "<member><CertificateArn>arn:aws:iam::123456789012:server-certificate/legacy-portal</CertificateArn><IsDefault>false</IsDefault></member>",
            "",
        )
    };
    format!(
        r#"<DescribeListenerCertificatesResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><DescribeListenerCertificatesResult><Certificates>{members}</Certificates>{next}</DescribeListenerCertificatesResult><ResponseMetadata><RequestId>6b1c0000-0000-4000-8000-00000000000{page}</RequestId></ResponseMetadata></DescribeListenerCertificatesResponse>"#
    )
}

/// DescribeCertificate (AWS Certificate Manager API Reference), `NotAfter` in epoch seconds
/// as the JSON protocol sends timestamps.
fn described(arn: &str, domain: &str, days_left: i64, renewal: &str) -> String {
    let not_after = chrono::Utc::now().timestamp() + days_left * 86_400 + 3600;
    format!(
        r#"{{"Certificate":{{"CertificateArn":"{arn}","DomainName":"{domain}","Status":"ISSUED","Type":"AMAZON_ISSUED","NotAfter":{not_after},"InUseBy":["arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/basecoat-portal/50dc6c495c0c9188"],"RenewalEligibility":"ELIGIBLE","RenewalSummary":{{"RenewalStatus":"{renewal}","UpdatedAt":1796000000}}}}}}"#
    )
}

/// The listeners' certificates as the API reference shapes them: only HTTPS/TLS listeners
/// asked, every page of DescribeListenerCertificates read, the default certificate kept
/// once, an SNI certificate whose DNS-validated renewal waits on someone, and an IAM server
/// certificate (which ACM does not know) listed without an expiry.
#[tokio::test]
async fn sni_certificates_pages_and_a_stuck_renewal_are_read() {
    let server = AwsShaped::start().await;
    server.answer("DescribeLoadBalancers", vec![xml(LOAD_BALANCERS)]);
    server.answer("DescribeListeners", vec![xml(LISTENERS)]);
    server.answer(
        "DescribeListenerCertificates",
        vec![
            xml(&listener_certificates(1)),
            xml(&listener_certificates(2)),
        ],
    );
    server.answer(
        "DescribeCertificate",
        vec![
            json(&described(
                "arn:aws:acm:us-east-1:123456789012:certificate/default-1",
                "portal.basecoat.example",
                41,
                "SUCCESS",
            )),
            json(&described(
                "arn:aws:acm:us-east-1:123456789012:certificate/sni-2",
                "shop.basecoat.example",
                12,
                "PENDING_VALIDATION",
            )),
        ],
    );
    let source = AwsSource::new(
        clients_for(&server.endpoint).await,
        scope(&["app/basecoat-portal/50dc6c495c0c9188"], &[]),
    );
    let certificates = source.certificates().await.unwrap();
    let now = chrono::Utc::now();
    let seen: Vec<(&str, Option<i64>, bool)> = certificates
        .iter()
        .map(|c| {
            (
                c.domain.as_str(),
                c.days_left(now),
                c.renewal_needs_someone(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("portal.basecoat.example", Some(41), false),
            ("shop.basecoat.example", Some(12), true),
            ("legacy-portal", None, false),
        ]
    );
    assert_eq!(
        certificates[1].renewal_status.as_deref(),
        Some("PENDING_VALIDATION")
    );
    assert_eq!(certificates[0].found_at, ["listener basecoat-portal:443"]);
    let asked = server.requests("DescribeLoadBalancers");
    assert!(
        asked[0].contains("Names.member.1=basecoat-portal"),
        "{}",
        asked[0]
    );
    let pages = server.requests("DescribeListenerCertificates");
    assert_eq!(pages.len(), 2, "both pages, for the HTTPS listener only");
    assert!(pages[0].contains("443bb"), "{}", pages[0]);
    assert!(pages[1].contains("Marker=page-2"), "{}", pages[1]);
    assert_eq!(
        server.requests("DescribeCertificate").len(),
        2,
        "each ACM certificate described once; the IAM one not asked of ACM"
    );
}

/// A policy without `acm:DescribeCertificate` is the source's error, naming it (ACM's JSON
/// error, `AccessDeniedException`).
#[tokio::test]
async fn a_refused_description_names_the_permission() {
    let server = AwsShaped::start().await;
    server.answer(
        "DescribeCertificate",
        vec![Answer {
            status: 400,
            ..json(
                r#"{"__type":"AccessDeniedException","message":"User: arn:aws:sts::123456789012:assumed-role/ReadOnly/jane is not authorized to perform: acm:DescribeCertificate"}"#,
            )
        }],
    );
    let source = AwsSource::new(
        clients_for(&server.endpoint).await,
        scope(
            &[],
            &["arn:aws:acm:us-east-1:123456789012:certificate/default-1"],
        ),
    );
    let error = source.certificates().await.unwrap_err();
    assert_eq!(error.message, "no permission: acm:DescribeCertificate");
}
