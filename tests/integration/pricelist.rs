//! GetProducts answered by mocked clients with real-shaped products (moto
//! has no Price List), through the paging, the parsing, the price file, the
//! cache and the book.

use aws_sdk_pricing::operation::get_products::GetProductsOutput;
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use chrono::NaiveDate;

use awstop::cost::book::{PriceBook, PriceSection};
use awstop::cost::pricelist::{apply, cached, fetch, read_region, Client, Skip};

/// A product as GetProducts returns it: one JSON string of the shape the
/// Price List documents (product, serviceCode, terms, version,
/// publicationDate), its Reserved terms left out.
fn entry(service: &str, sku: &str, attrs: &[(&str, &str)], tiers: &[(&str, &str)], unit: &str) -> String {
    let mut a = serde_json::Map::new();
    a.insert("servicecode".into(), service.into());
    for (k, v) in attrs {
        a.insert((*k).into(), (*v).into());
    }
    let term = format!("{sku}.JRTCKXETXF");
    let dims: serde_json::Map<String, serde_json::Value> = tiers
        .iter()
        .enumerate()
        .map(|(i, (begin, usd))| {
            (
                format!("{term}.6YS6EN2CT{i}"),
                serde_json::json!({
                    "unit": unit,
                    "endRange": "Inf",
                    "description": "a rate",
                    "appliesTo": [],
                    "rateCode": format!("{term}.6YS6EN2CT{i}"),
                    "beginRange": begin,
                    "pricePerUnit": { "USD": usd }
                }),
            )
        })
        .collect();
    serde_json::json!({
        "product": { "productFamily": "Compute", "attributes": a, "sku": sku },
        "serviceCode": service,
        "terms": { "OnDemand": { term.clone(): {
            "priceDimensions": dims,
            "sku": sku,
            "effectiveDate": "2026-12-01T00:00:00Z",
            "offerTermCode": "JRTCKXETXF",
            "termAttributes": {}
        } } },
        "version": "20261201190418",
        "publicationDate": "2026-12-01T19:04:18Z"
    })
    .to_string()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 6).unwrap()
}

fn sections() -> Vec<&'static PriceSection> {
    awstop::services::price_sections()
}

/// A product of eu-west-1 with one on-demand rate.
fn eu(service: &str, sku: &str, usage: &str, usd: &str, extra: &[(&str, &str)]) -> String {
    let mut attrs = vec![("regionCode", "eu-west-1"), ("usagetype", usage)];
    attrs.extend_from_slice(extra);
    entry(service, sku, &attrs, &[("0", usd)], "Hrs")
}

fn out(entries: Vec<String>, next: Option<&str>) -> GetProductsOutput {
    GetProductsOutput::builder()
        .set_price_list(Some(entries))
        .set_next_token(next.map(str::to_string))
        .format_version("aws_v1")
        .build()
}

/// eu-west-1's answers: Lambda over two pages, with a product of another
/// kind and one that is not JSON among them; Fargate, EKS and three EC2
/// products (one of them Windows, which is not ours).
fn client() -> Client {
    let lambda1 = mock!(aws_sdk_pricing::Client::get_products)
        .match_requests(|r| r.service_code() == Some("AWSLambda") && r.next_token().is_none())
        .then_output(|| {
            out(
                vec![
                    eu("AWSLambda", "B5V2RNHAWGVJBZD3", "EU-Request", "0.0000002000", &[]),
                    entry(
                        "AWSLambda",
                        "SGGKTWDV7PGMPPSJ",
                        &[("regionCode", "eu-west-1"), ("usagetype", "EU-Lambda-GB-Second")],
                        &[("6000000000", "0.0000150000"), ("0", "0.0000166667")],
                        "Lambda-GB-Second",
                    ),
                    eu("AWSLambda", "EDGE1", "EU-Lambda-Edge-Request", "0.0000006000", &[]),
                    "{\"product\": truncated".to_string(),
                ],
                Some("page-2"),
            )
        });
    let lambda2 = mock!(aws_sdk_pricing::Client::get_products)
        .match_requests(|r| r.service_code() == Some("AWSLambda") && r.next_token() == Some("page-2"))
        .then_output(|| {
            out(
                vec![eu("AWSLambda", "ARM1", "EU-Lambda-GB-Second-ARM", "0.0000133334", &[])],
                None,
            )
        });
    let fargate = mock!(aws_sdk_pricing::Client::get_products)
        .match_requests(|r| r.service_code() == Some("AmazonECS"))
        .then_output(|| {
            out(
                vec![
                    eu("AmazonECS", "K4EXFQ5YFQCP98EN", "EU-Fargate-vCPU-Hours:perCPU", "0.0404800000", &[]),
                    eu("AmazonECS", "UP5ETC3QSW2QZGEY", "EU-Fargate-GB-Hours", "0.0044450000", &[]),
                    eu("AmazonECS", "KXC9CEUQGJQPNZPY", "EU-Fargate-ARM-vCPU-Hours:perCPU", "0.0323800000", &[]),
                    eu("AmazonECS", "MGJ5EB5GSHR8QZDF", "EU-Fargate-ARM-GB-Hours", "0.0035600000", &[]),
                    eu("AmazonECS", "WIN1", "EU-Fargate-Windows-vCPU-Hours:perCPU", "0.09", &[]),
                ],
                None,
            )
        });
    let eks = mock!(aws_sdk_pricing::Client::get_products)
        .match_requests(|r| r.service_code() == Some("AmazonEKS"))
        .then_output(|| {
            out(
                vec![
                    eu("AmazonEKS", "EKS1", "EU-AmazonEKS-Hours:perCluster", "0.1000000000", &[]),
                    eu("AmazonEKS", "EKS2", "EU-AmazonEKS-Hours:extendedSupport", "0.5000000000", &[]),
                ],
                None,
            )
        });
    let ec2 = mock!(aws_sdk_pricing::Client::get_products)
        .match_requests(|r| {
            r.service_code() == Some("AmazonEC2")
                && r.filters().iter().any(|f| f.field() == "operatingSystem" && f.value() == "Linux")
        })
        .then_output(|| {
            let box_usage = |sku: &str, t: &str, vcpu: &str, usd: &str, op: &str| {
                eu(
                    "AmazonEC2",
                    sku,
                    &format!("EU-BoxUsage:{t}"),
                    usd,
                    &[("instanceType", t), ("vcpu", vcpu), ("operation", op)],
                )
            };
            out(
                vec![
                    box_usage("FP7Z96TTU3VFSX2H", "m5.large", "2", "0.1070000000", "RunInstances"),
                    box_usage("M6I1", "m6i.large", "2", "0.1070000000", "RunInstances"),
                    box_usage("WIN2", "m5.large", "2", "0.1990000000", "RunInstances:0002"),
                    box_usage("BAD1", "m5\"\n[x]", "2", "0.1", "RunInstances"),
                ],
                None,
            )
        });
    // API Gateway's requests, tiered as the list writes them: REST and HTTP
    // with their volume tiers, a cache's hours (not ours), no WebSocket
    // message (its APIs stay `?`).
    let apigateway = mock!(aws_sdk_pricing::Client::get_products)
        .match_requests(|r| r.service_code() == Some("AmazonApiGateway"))
        .then_output(|| {
            let calls = |sku: &str, usage: &str, op: &str, tiers: &[(&str, &str)]| {
                entry(
                    "AmazonApiGateway",
                    sku,
                    &[("regionCode", "eu-west-1"), ("usagetype", usage), ("operation", op)],
                    tiers,
                    "Requests",
                )
                .replace("\"Compute\"", "\"API Calls\"")
            };
            out(
                vec![
                    calls(
                        "RESTEU1",
                        "EU-ApiGatewayRequest",
                        "ApiGatewayRequest",
                        &[("333000000", "0.0000028000"), ("0", "0.0000035000"), ("20000000000", "0.0000015100")],
                    ),
                    calls(
                        "HTTPEU1",
                        "EU-ApiGatewayHttpRequest",
                        "ApiGatewayHttpApi",
                        &[("0", "0.0000011100"), ("300000000", "0.0000010000")],
                    ),
                    eu("AmazonApiGateway", "CACHE1", "EU-ApiGatewayCacheUsage:0.5GB", "0.0200000000", &[]),
                ],
                None,
            )
        });
    // EMR's fee on each instance type, asked for EMR on EC2 only: m6i.large
    // (which EC2 also prices), r5.xlarge (which it does not, here), and an
    // EMR on EKS product a service ignoring the filters would send.
    let emr = mock!(aws_sdk_pricing::Client::get_products)
        .match_requests(|r| {
            r.service_code() == Some("ElasticMapReduce")
                && r.filters().iter().any(|f| f.field() == "productFamily" && f.value() == "Elastic Map Reduce Instance")
                && r.filters().iter().any(|f| f.field() == "softwareType" && f.value() == "EMR")
        })
        .then_output(|| {
            let fee = |sku: &str, t: &str, software: &str, usd: &str| {
                eu(
                    "ElasticMapReduce",
                    sku,
                    &format!("EU-BoxUsage:{t}"),
                    usd,
                    &[("instanceType", t), ("softwareType", software), ("instanceFamily", "General purpose")],
                )
                .replace("\"Compute\"", "\"Elastic Map Reduce Instance\"")
            };
            out(
                vec![
                    fee("EMR1", "m6i.large", "EMR", "0.0270000000"),
                    fee("EMR2", "r5.xlarge", "EMR", "0.0630000000"),
                    fee("EKS3", "m6i.large", "EMR-EKS", "0.0100000000"),
                ],
                None,
            )
        });
    Client::new(mock_client!(
        aws_sdk_pricing,
        RuleMode::MatchAny,
        [&lambda1, &lambda2, &fargate, &eks, &ec2, &apigateway, &emr]
    ))
}

#[tokio::test]
async fn a_region_is_read_page_by_page_into_a_price_file_the_book_reads() {
    let (text, skipped) = read_region(&client(), "eu-west-1", &sections(), today()).await.unwrap();
    // The second page's ARM rate was read: the section is whole.
    assert!(text.contains("usd-per-gb-second-arm64 = 0.0000133334"), "{text}");
    assert!(text.contains("usd-per-million-requests = 0.2\n"), "{text}");
    assert!(text.contains("usd-per-gb-second-x86-64 = 0.0000166667"), "{text}");
    assert!(text.contains("usd-per-cluster-hour-extended = 0.6\n"), "{text}");
    assert!(text.contains("\"m6i.large\" = 0.107\n") && text.contains("usd-per-vcpu-hour = 0.0535\n"), "{text}");
    assert!(text.contains("date = \"2026-12-06\""), "{text}");
    // API Gateway: each protocol's first tier, per million; no WebSocket
    // price was given, so none is written.
    assert!(text.contains("usd-per-million-rest-requests = 3.5\n"), "{text}");
    assert!(text.contains("usd-per-million-http-requests = 1.11\n"), "{text}");
    assert!(!text.contains("websocket"), "{text}");
    // EMR: the fee beside the type's EC2 rate; a type EC2 did not price is left out.
    assert!(text.contains("\"m6i.large\" = { ec2 = 0.107, emr = 0.027 }\n"), "{text}");
    assert!(!text.contains("r5.xlarge"), "{text}");
    // Lambda@Edge, Fargate on Windows, EC2 on Windows, a type name that is
    // not one, API Gateway's cache and EMR on EKS are not ours; the truncated
    // entry is not JSON.
    assert_eq!(skipped.count(Skip::Unknown), 6, "{skipped:?}");
    assert_eq!(skipped.count(Skip::NotJson), 1, "{skipped:?}");
    assert!(!text.contains("[x]"), "{text}");

    let book = PriceBook::builtin(&sections());
    assert!(book.list(&[("price list eu-west-1".into(), text)], &sections()).is_empty());
    assert!(book.is_listed("eu-west-1") && !book.is_listed("us-east-1"));
    let eu = book.region("eu-west-1").unwrap();
    assert_eq!(eu.label_of("lambda"), "eu-west-1 price list 2026-12-06");
    assert_eq!(eu.label_of("ec2"), "eu-west-1 price list 2026-12-06");
    // EC2's rates are the list's, not the bundle's (its label says so above).
    assert_eq!(eu.ec2.as_ref().unwrap().instance_rate("m6i.large"), Some(0.107));
    // API Gateway and EMR from the list too.
    assert_eq!(eu.label_of("apigateway"), "eu-west-1 price list 2026-12-06");
    assert_eq!(eu.label_of("emr"), "eu-west-1 price list 2026-12-06");
    let api = eu.priced::<awstop::services::apigateway::cost::ApiGatewayPrices>("API Gateway").unwrap();
    assert_eq!(
        (api.usd_per_million_rest_requests, api.usd_per_million_http_requests, api.usd_per_million_websocket_messages),
        (Some(3.5), Some(1.11), None)
    );
    let emr = eu.priced::<awstop::services::emr::cost::EmrPrices>("EMR").unwrap();
    assert_eq!(emr.instance_types.len(), 1);
    assert_eq!((emr.instance_types["m6i.large"].ec2, emr.instance_types["m6i.large"].emr), (0.107, 0.027));
    // Other regions keep their bundle; a second read does not replace the first.
    assert_eq!(book.region("us-east-1").unwrap().label(), "us-east-1 bundled 2026-11");
    assert_eq!(book.list(&[("x".into(), "region = \"eu-west-1\"\ndate = \"2026-12-07\"\n".into())], &sections()).len(), 1);
}

#[tokio::test]
async fn a_denied_read_leaves_the_bundle_and_a_region_without_one_gets_the_list() {
    let denied = mock!(aws_sdk_pricing::Client::get_products).then_error(|| {
        aws_sdk_pricing::operation::get_products::GetProductsError::generic(
            aws_smithy_types::error::ErrorMetadata::builder()
                .code("AccessDeniedException")
                .message("not authorized to perform: pricing:GetProducts")
                .build(),
        )
    });
    let c = Client::new(mock_client!(aws_sdk_pricing, RuleMode::MatchAny, [&denied]));
    let e = read_region(&c, "eu-west-1", &sections(), today()).await.unwrap_err().to_string();
    assert!(e.contains("AccessDenied"), "{e}");
    let t = tempfile::tempdir().unwrap();
    let files = fetch(&c, &["eu-west-1".to_string()], &sections(), Some(t.path()), today()).await;
    assert!(files.is_empty());
    assert_eq!(std::fs::read_dir(t.path()).unwrap().count(), 0, "nothing cached");

    // sa-east-1 has no bundled file: the list alone prices it, and what it
    // does not price says so.
    let text = read_region(&client(), "eu-west-1", &sections(), today())
        .await
        .unwrap()
        .0
        .replace("eu-west-1", "sa-east-1");
    let book = PriceBook::builtin(&sections());
    assert!(book.region("sa-east-1").is_err());
    book.list(&[("price list sa-east-1".into(), text)], &sections());
    let sa = book.region("sa-east-1").unwrap();
    assert_eq!(sa.label_of("eks"), "sa-east-1 price list 2026-12-06");
    assert_eq!(sa.label_of("apigateway"), "sa-east-1 price list 2026-12-06");
    use awstop::services::apigateway::{cost, domain};
    let api = |protocol: &str| domain::Api {
        region: "sa-east-1".into(),
        protocol: protocol.into(),
        stages: vec![domain::Stage {
            metrics: domain::StageMetrics { requests: Some(1e6), messages: Some(1e6), ..Default::default() },
            ..Default::default()
        }],
        ..Default::default()
    };
    let rest = cost::estimate(&api("REST"), &book, 60);
    assert_eq!(rest.per_hour(), Some(3.5));
    assert!(rest.basis().ends_with("sa-east-1 price list 2026-12-06"), "{}", rest.basis());
    let ws = cost::estimate(&api("WEBSOCKET"), &book, 60);
    assert_eq!(ws.basis(), "no API Gateway WebSocket message price for sa-east-1 in price list");
}

#[tokio::test]
async fn answers_are_cached_and_a_fresh_cache_is_read_instead() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("prices");
    let regions = vec!["eu-west-1".to_string()];
    let (files, missing) = cached(Some(&dir), &regions, today());
    assert!(files.is_empty() && missing == regions);
    let read = fetch(&client(), &missing, &sections(), Some(&dir), today()).await;
    assert_eq!(read.len(), 1);
    let (files, missing) = cached(Some(&dir), &regions, today());
    assert!(missing.is_empty());
    assert_eq!(files[0].1, read[0].1);
    assert!(files[0].0.ends_with("eu-west-1.toml"), "{}", files[0].0);
    // Thirty-one days on it is stale: read again.
    let later = today() + chrono::Days::new(31);
    let (files, missing) = cached(Some(&dir), &regions, later);
    assert!(files.is_empty() && missing == regions);
    // A cache the book refuses is said, and the bundle stays.
    let book = PriceBook::builtin(&sections());
    apply(&book, &vec![("bad.toml".into(), "region = \"eu-west-1\"\ndate = 3\n".into())], &sections());
    assert!(!book.is_listed("eu-west-1"));
    assert_eq!(book.region("eu-west-1").unwrap().label(), "eu-west-1 bundled 2026-10");
}

#[test]
fn a_users_file_keeps_its_region() {
    let t = tempfile::tempdir().unwrap();
    let f = t.path().join("mine.toml");
    std::fs::write(&f, "region = \"eu-west-1\"\ndate = \"2026-10\"\n[eks]\nusd-per-cluster-hour-standard = 0.08\nusd-per-cluster-hour-extended = 0.5\n").unwrap();
    let book = PriceBook::builtin(&sections()).with_user(Some(&f), None, &sections()).unwrap();
    let text = "region = \"eu-west-1\"\ndate = \"2026-12-06\"\n[eks]\nusd-per-cluster-hour-standard = 0.1\nusd-per-cluster-hour-extended = 0.6\n";
    book.list(&[("price list eu-west-1".into(), text.into())], &sections());
    assert!(book.region("eu-west-1").unwrap().label().contains("mine.toml"));
    // The book it was made from is not touched by this one's list.
    assert!(!PriceBook::builtin(&sections()).is_listed("eu-west-1"));
}

/// `price-file` (what scripts/prices runs) where the Price List cannot be
/// reached: one line naming the failure and a non-zero exit, nothing on
/// stdout for the script to write into a price file.
#[test]
fn price_file_that_cannot_reach_the_list_fails_in_one_line() {
    let port = crate::common::moto::free_port();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_awstop"));
    crate::common::moto::awstop_env(&mut cmd);
    let out = cmd
        .env("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}"))
        .args(["price-file", "--region", "eu-west-1"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(out.stdout.is_empty());
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("awstop: ") && !err.contains("panicked"), "{err}");
    // A region awstop does not know is refused before any call.
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_awstop"));
    crate::common::moto::awstop_env(&mut cmd);
    let out = cmd.args(["price-file", "--region", "../etc"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
}
