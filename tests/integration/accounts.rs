//! Naming and reaching many accounts: an organization in moto reached
//! through its member role, and, through a fake STS, a denied account and a
//! slow one that hold up no other.

use std::collections::BTreeSet;
use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::config::Credentials;
use aws_smithy_runtime_api::client::http::{
    http_client_fn, HttpConnector, HttpConnectorFuture, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_types::body::SdkBody;
use serde_json::Value;

use awstop::accounts::{
    org, resolve_all, targets, AccountEntry, AccountError, How, Naming, NamingError, OrgRole,
    ResolveOptions, Resolved, SharedFiles, Target,
};

use crate::common::moto::Moto;

const ROLE: &str = "OrganizationAccountAccessRole";

async fn moto_config(url: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(url)
        .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
        .load()
        .await
}

fn by_id(got: &[Resolved]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = got
        .iter()
        .map(|r| {
            let a = r
                .result
                .as_ref()
                .unwrap_or_else(|e| panic!("{}: {e}", r.name()));
            (a.id.clone(), a.name.clone())
        })
        .collect();
    v.sort();
    v
}

fn active(truth: &Value, except: &[&str]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = truth["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["state"] == "ACTIVE" && !except.contains(&a["id"].as_str().unwrap()))
        .map(|a| {
            (
                a["id"].as_str().unwrap().to_string(),
                a["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

async fn functions(config: &SdkConfig) -> BTreeSet<String> {
    aws_sdk_lambda::Client::new(config)
        .list_functions()
        .send()
        .await
        .unwrap()
        .functions()
        .iter()
        .filter_map(|f| f.function_name().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn org_role_reaches_every_active_account_as_itself() {
    let moto = Moto::start();
    // Four members, the last closed: three ACTIVE members and the management account.
    let truth: Value = serde_json::from_str(&moto.ctl(&["org", "4", "1"])).unwrap();
    let mgmt = truth["management"].as_str().unwrap().to_string();
    let accounts = truth["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 5, "{truth}");
    let members: Vec<&str> = accounts
        .iter()
        .filter(|a| a["state"] == "ACTIVE" && a["id"] != mgmt.as_str())
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(members.len(), 3);
    let base = moto_config(&moto.url).await;
    let opts = ResolveOptions::default();
    let naming = Naming {
        org: Some(OrgRole {
            role: ROLE.into(),
            ..OrgRole::default()
        }),
        ..Naming::default()
    };

    let got = resolve_all(targets(&base, &naming, &opts).await.unwrap(), &opts).await;
    // Every ACTIVE account, with the ID STS gives through its own credentials
    // and the name Organizations gives; the closed one is not asked at all.
    assert_eq!(by_id(&got), active(&truth, &[]));
    for r in &got {
        let a = r.result.as_ref().unwrap();
        assert_eq!(r.target.expected_id.as_deref(), Some(a.id.as_str()));
        if a.id == mgmt {
            // The caller's own account: its current credentials, no role.
            assert_eq!(a.how, How::Default);
            assert!(!a.caller_arn.contains("assumed-role"), "{}", a.caller_arn);
        } else {
            assert_eq!(a.how, How::OrgRole(ROLE.into()));
            assert!(
                a.caller_arn
                    .contains(&format!("{}:assumed-role/{ROLE}/awstop", a.id)),
                "{}",
                a.caller_arn
            );
        }
    }
    assert_eq!(
        got[0].result.as_ref().unwrap().id,
        mgmt,
        "the caller's account comes first"
    );

    // Excluded accounts are not tried.
    let naming = Naming {
        org: Some(OrgRole {
            role: ROLE.into(),
            exclude: vec![members[1].to_string(), mgmt.clone()],
            ..OrgRole::default()
        }),
        ..Naming::default()
    };
    let got_less = resolve_all(targets(&base, &naming, &opts).await.unwrap(), &opts).await;
    assert_eq!(by_id(&got_less), active(&truth, &[members[1], &mgmt]));

    // Each account's config is really that account: a function created in
    // one member is seen through that member's config only.
    moto.ctl(&["function-in-account", members[0], "only-in-first"]);
    let config_of = |id: &str| {
        got.iter()
            .find_map(|r| r.result.as_ref().ok().filter(|a| a.id == id))
            .unwrap()
            .clone()
    };
    let first = config_of(members[0]);
    assert_eq!(
        functions(&first.config).await,
        BTreeSet::from(["only-in-first".to_string()])
    );
    assert_eq!(
        functions(&first.config_in("us-east-1")).await.len(),
        1,
        "the same account in a region given again"
    );
    assert!(functions(&config_of(members[2]).config).await.is_empty());
    assert!(functions(&config_of(&mgmt).config).await.is_empty());
}

#[tokio::test]
async fn list_accounts_reads_every_page() {
    let moto = Moto::start();
    let truth: Value = serde_json::from_str(&moto.ctl(&["org", "4", "1"])).unwrap();
    let base = moto_config(&moto.url).await;
    let counter = awstop::aws::client::CallCounter::default();
    let client = aws_sdk_organizations::Client::from_conf(
        aws_sdk_organizations::config::Builder::from(&base)
            .interceptor(counter.clone())
            .build(),
    );
    // Two accounts a page: five accounts take three pages.
    let listed = org::active_members(&client, 2, None).await.unwrap();
    let mut got: Vec<(String, String)> = listed
        .iter()
        .map(|m| (m.id.clone(), m.name.clone()))
        .collect();
    got.sort();
    assert_eq!(got, active(&truth, &[]));
    assert_eq!(
        counter.snapshot().calls.get("organizations.ListAccounts"),
        Some(&3)
    );
}

#[tokio::test]
async fn an_organization_with_nothing_to_watch_is_an_error() {
    // No organization at all: moto lists no account, which never means "watch nothing".
    let moto = Moto::start();
    let base = moto_config(&moto.url).await;
    let opts = ResolveOptions::default();
    let org_role = |exclude: Vec<String>| Naming {
        org: Some(OrgRole {
            role: ROLE.into(),
            exclude,
            ..OrgRole::default()
        }),
        ..Naming::default()
    };
    let err = targets(&base, &org_role(vec![]), &opts).await.unwrap_err();
    assert_eq!(
        err,
        NamingError::NoAccounts {
            listed: 0,
            excluded: 0
        }
    );
    // Every account excluded: the same, with the count.
    let truth: Value = serde_json::from_str(&moto.ctl(&["org", "1", "0"])).unwrap();
    let all: Vec<String> = truth["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect();
    let err = targets(&base, &org_role(all), &opts).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the organization lists 2 ACTIVE accounts, 2 of them excluded: nothing to watch"
    );
}

/// STS as a fake server: AssumeRole into account 2222… is refused, into
/// 3333… answers after five minutes, into any other gives credentials whose
/// key names the account; GetCallerIdentity answers with the account the
/// signing key names (`testing` is 999999999999).
#[derive(Debug, Clone)]
struct FakeSts;

const DENIED: &str = "222222222222";
const SLOW: &str = "333333333333";

fn xml(status: u16, body: String) -> HttpResponse {
    HttpResponse::new(status.try_into().unwrap(), SdkBody::from(body))
}

impl HttpConnector for FakeSts {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let body = request
            .body()
            .bytes()
            .map(|b| String::from_utf8_lossy(b).to_string())
            .unwrap_or_default();
        let auth = request
            .headers()
            .get("authorization")
            .unwrap_or("")
            .to_string();
        HttpConnectorFuture::new(async move {
            if body.contains("Action=AssumeRole") {
                let account: String = ["111111111111", DENIED, SLOW]
                    .into_iter()
                    .find(|a| body.contains(a))
                    .unwrap_or("444444444444")
                    .to_string();
                if account == DENIED {
                    return Ok(xml(403, format!(
                        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::999999999999:user/ops is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::{DENIED}:role/{ROLE}</Message></Error><RequestId>r1</RequestId></ErrorResponse>"
                    )));
                }
                if account == SLOW {
                    tokio::time::sleep(Duration::from_secs(300)).await;
                }
                return Ok(xml(200, format!(
                    "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult><Credentials><AccessKeyId>ASIA{account}</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA:awstop</AssumedRoleId><Arn>arn:aws:sts::{account}:assumed-role/{ROLE}/awstop</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>r2</RequestId></ResponseMetadata></AssumeRoleResponse>"
                )));
            }
            let account = auth
                .split("Credential=ASIA")
                .nth(1)
                .map(|r| r.chars().take(12).collect::<String>())
                .unwrap_or_else(|| "999999999999".into());
            Ok(xml(200, format!(
                "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:sts::{account}:assumed-role/{ROLE}/awstop</Arn><UserId>AROA:awstop</UserId><Account>{account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r3</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
            )))
        })
    }
}

async fn fake_config() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
        .http_client(http_client_fn(|_, _| SharedHttpConnector::new(FakeSts)))
        .load()
        .await
}

async fn role_target(base: &SdkConfig, account: &str) -> Target {
    Target::role(
        base,
        &format!("arn:aws:iam::{account}:role/{ROLE}"),
        None,
        None,
        How::OrgRole(ROLE.into()),
        Some(format!("acct-{account}")),
    )
    .await
}

#[tokio::test(start_paused = true)]
async fn a_denied_account_fails_alone_and_a_slow_one_holds_up_nobody() {
    let base = fake_config().await;
    let targets = vec![
        role_target(&base, SLOW).await,
        role_target(&base, DENIED).await,
        role_target(&base, "111111111111").await,
        Target::current(&base),
    ];
    let opts = ResolveOptions {
        timeout: Duration::from_secs(2),
        ..ResolveOptions::default()
    };
    let start = tokio::time::Instant::now();
    let got = resolve_all(targets, &opts).await;
    // The whole resolution took the slow account's time limit, not its five minutes.
    assert_eq!(start.elapsed(), Duration::from_secs(2));
    assert_eq!(got.len(), 4);

    let slow = &got[0];
    assert_eq!(
        slow.result.as_ref().unwrap_err(),
        &AccountError::Timeout {
            after: Duration::from_secs(2)
        }
    );
    assert_eq!(
        slow.id(),
        Some(SLOW),
        "a failed row still names its account"
    );
    assert_eq!(slow.name(), format!("acct-{SLOW}"));

    let denied = &got[1];
    let Err(AccountError::RoleDenied { role_arn, message }) = &denied.result else {
        panic!("not a refused role: {:?}", denied.result);
    };
    assert_eq!(role_arn, &format!("arn:aws:iam::{DENIED}:role/{ROLE}"));
    assert!(
        message.contains("is not authorized to perform: sts:AssumeRole"),
        "{message}"
    );
    assert!(
        denied.took < Duration::from_millis(100),
        "{:?}",
        denied.took
    );

    let ok = got[2].result.as_ref().unwrap();
    assert_eq!(
        (ok.id.as_str(), ok.name.as_str()),
        ("111111111111", "acct-111111111111")
    );
    assert!(
        got[2].took < Duration::from_millis(100),
        "{:?}",
        got[2].took
    );
    assert_eq!(got[3].result.as_ref().unwrap().id, "999999999999");
}

#[tokio::test(start_paused = true)]
async fn at_most_the_bound_are_asked_at_once() {
    let base = fake_config().await;
    let mut slow = Vec::new();
    for _ in 0..4 {
        slow.push(role_target(&base, SLOW).await);
    }
    // Four slow accounts, two at a time, two seconds each: four seconds.
    let opts = ResolveOptions {
        timeout: Duration::from_secs(2),
        concurrency: 2,
        ..ResolveOptions::default()
    };
    let start = tokio::time::Instant::now();
    let got = resolve_all(slow, &opts).await;
    assert_eq!(start.elapsed(), Duration::from_secs(4));
    assert!(got.iter().all(|r| r.took == Duration::from_secs(2)));
}

#[tokio::test(start_paused = true)]
async fn one_account_reached_twice_is_kept_once() {
    let base = fake_config().await;
    let t = vec![
        role_target(&base, "111111111111").await,
        Target {
            name: Some("again".into()),
            ..role_target(&base, "111111111111").await
        },
        Target::current(&base),
    ];
    let got = resolve_all(t, &ResolveOptions::default()).await;
    let ids: Vec<&str> = got.iter().filter_map(|r| r.id()).collect();
    assert_eq!(ids, ["111111111111", "999999999999"]);
    assert_eq!(got[0].name(), "acct-111111111111");
}

/// `iam-policy --stackset` is a template CloudFormation can read (parsed
/// here by PyYAML with its intrinsic-function tags), whose role trusts only
/// the account named in its parameter and grants exactly the read actions.
#[test]
fn the_stackset_template_grants_the_member_role_exactly_the_read_only_policy() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_awstop"))
        .args(["iam-policy", "--stackset"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // CloudFormation's own linter (cfn-lint, installed with moto) reads it
    // against the resource specification: types, properties, policy shape.
    let dir = crate::common::scratch("awstop-stackset-");
    let file = dir.join("awstop-member-role.yaml");
    std::fs::write(&file, &out.stdout).unwrap();
    let lint = std::process::Command::new(crate::common::moto::venv("cfn-lint")).arg(&file).output().unwrap();
    assert!(
        lint.status.success(),
        "cfn-lint: {}{}",
        String::from_utf8_lossy(&lint.stdout),
        String::from_utf8_lossy(&lint.stderr)
    );
    // Each `!Tag value` becomes `{"Tag": value}`, as CloudFormation's JSON
    // form spells it (`Fn::Sub`), so the test sees what the tags wrap.
    let script = r#"
import json, sys, yaml
class L(yaml.SafeLoader): pass
def tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode): v = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode): v = loader.construct_sequence(node, deep=True)
    else: v = loader.construct_mapping(node, deep=True)
    return {suffix: v}
L.add_multi_constructor("!", tag)
print(json.dumps(yaml.load(sys.stdin, Loader=L)))
"#;
    let mut py = std::process::Command::new(crate::common::moto::venv("python"))
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    py.stdin.take().unwrap().write_all(&out.stdout).unwrap();
    let parsed = py.wait_with_output().unwrap();
    assert!(parsed.status.success(), "not YAML: {}", String::from_utf8_lossy(&parsed.stderr));
    let t: Value = serde_json::from_slice(&parsed.stdout).unwrap();
    assert_eq!(t["Parameters"]["ManagementAccountId"]["AllowedPattern"], "^[0-9]{12}$");
    let role = &t["Resources"]["AwstopReadRole"];
    assert_eq!(role["Type"], "AWS::IAM::Role");
    let props = &role["Properties"];
    assert_eq!(props["RoleName"], serde_json::json!({"Ref": "RoleName"}));
    let trust = props["AssumeRolePolicyDocument"]["Statement"].as_array().unwrap();
    assert_eq!(trust.len(), 1, "{trust:?}");
    assert_eq!(trust[0]["Action"], "sts:AssumeRole");
    assert_eq!(
        trust[0]["Principal"]["AWS"],
        serde_json::json!({"Sub": "arn:${AWS::Partition}:iam::${ManagementAccountId}:root"})
    );
    let policies = props["Policies"].as_array().unwrap();
    assert_eq!(policies.len(), 1);
    let statements = policies[0]["PolicyDocument"]["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 1);
    assert_eq!(statements[0]["Effect"], "Allow");
    assert_eq!(statements[0]["Resource"], "*");
    let listed: Vec<&str> = statements[0]["Action"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    assert_eq!(listed, awstop::policy::actions());
    assert!(listed.iter().all(|a| awstop::policy::is_read(a.split_once(':').unwrap().1)), "{listed:?}");
    // The docs send users to the command, not to a copy that can fall behind.
    let doc = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/accounts.md")).unwrap();
    assert!(doc.contains("awstop iam-policy --stackset > awstop-member-role.yaml"));
    assert!(!doc.contains("- Sid: AwstopReadOnly"), "docs/accounts.md keeps a copy of the template");
}

#[tokio::test]
async fn profiles_org_and_entries_combine_each_account_once() {
    let moto = Moto::start();
    let truth: Value = serde_json::from_str(&moto.ctl(&["org", "2", "0"])).unwrap();
    let mgmt = truth["management"].as_str().unwrap().to_string();
    let members: Vec<String> = truth["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .filter(|id| *id != mgmt)
        .collect();
    // Long-term keys of a user in each member: what a profile holds.
    let key = |account: &str, user: &str| -> Value {
        serde_json::from_str(&moto.ctl(&["key-in-account", account, user])).unwrap()
    };
    let (a, b) = (key(&members[0], "alice"), key(&members[1], "bob"));
    let dir = crate::common::scratch("awstop-accounts-profiles-");
    let files = SharedFiles {
        config: dir.join("config"),
        credentials: dir.join("credentials"),
    };
    std::fs::write(
        &files.config,
        "[profile team-a]\nregion = us-east-1\n[sso-session corp]\n",
    )
    .unwrap();
    std::fs::write(
        &files.credentials,
        format!(
            "[team-a]\naws_access_key_id = {}\naws_secret_access_key = {}\n[team-b]\naws_access_key_id = {}\naws_secret_access_key = {}\n[unused]\naws_access_key_id = x\n",
            a["id"].as_str().unwrap(),
            a["secret"].as_str().unwrap(),
            b["id"].as_str().unwrap(),
            b["secret"].as_str().unwrap()
        ),
    )
    .unwrap();
    let profiles = awstop::accounts::profiles::select_in("team-*", &files).unwrap();
    assert_eq!(profiles, ["team-a", "team-b"]);

    let base = moto_config(&moto.url).await;
    let opts = ResolveOptions::default();
    let naming = Naming {
        profiles,
        org: Some(OrgRole {
            role: ROLE.into(),
            ..OrgRole::default()
        }),
        // The same profile again, as a config entry: tried once.
        entries: vec![AccountEntry {
            name: "b-again".into(),
            profile: Some("team-b".into()),
            role_arn: None,
            external_id: None,
        }],
        profile_files: Some(files),
    };
    let t = targets(&base, &naming, &opts).await.unwrap();
    // Two profiles, the organization's three accounts; the entry's profile was already there.
    assert_eq!(t.len(), 5);
    let got = resolve_all(t, &opts).await;
    // Each profile reached its own member account, not the base credentials'
    // account; the organization's roles into those members were the same
    // accounts again, and the first way stays.
    let seen: Vec<(String, How)> = got
        .iter()
        .map(|r| {
            let acct = r.result.as_ref().unwrap();
            (acct.id.clone(), acct.how.clone())
        })
        .collect();
    assert_eq!(
        seen,
        [
            (members[0].clone(), How::Profile("team-a".into())),
            (members[1].clone(), How::Profile("team-b".into())),
            (mgmt.clone(), How::Default),
        ]
    );
    assert_eq!(got[0].name(), "team-a");
    assert!(got[0]
        .result
        .as_ref()
        .unwrap()
        .caller_arn
        .ends_with(":user/alice"));
}
