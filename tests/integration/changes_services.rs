//! What changed, as AWS shows it where moto does not: an ECS rollout with
//! its new PRIMARY and the old ACTIVE deployment still draining, the service
//! events of a failed rollout, and the crashed tasks that rose after it; and
//! Enter on a change in `:changes`, which opens the resource's detail; and
//! Batch's job definitions, read by the names its jobs carry over every page.

use aws_smithy_mocks::{mock, mock_client, RuleMode};
use chrono::{Duration, Utc};

use awstop::app::model::{Model, Pane, SourceLabel, View};
use awstop::app::msg::{DataMsg, Msg, ServiceKind};
use awstop::app::update::update;
use awstop::services::live::RegionClients;
use awstop::services::Ecs;

const CLUSTER_ARN: &str = "arn:aws:ecs:eu-west-1:123456789012:cluster/web";

fn at(t: chrono::DateTime<Utc>) -> aws_smithy_types::DateTime {
    aws_smithy_types::DateTime::from_secs(t.timestamp())
}

/// `web/checkout` rolled from checkout:7 to checkout:8 at `deployed`: the
/// new PRIMARY deployment is still rolling out beside the old ACTIVE one,
/// whose tasks drain; ECS's events say the rollout failed a minute ago, and
/// one of three hours ago completed. Its tasks crashed now and then before
/// the rollout and every minute or so after it.
fn ecs_rollout(deployed: chrono::DateTime<Utc>) -> aws_sdk_ecs::Client {
    use aws_sdk_ecs::operation::*;
    use aws_sdk_ecs::types::{Deployment, DeploymentRolloutState, Service, ServiceEvent, Task, TaskStopCode};
    let clusters = mock!(aws_sdk_ecs::Client::list_clusters)
        .then_output(|| list_clusters::ListClustersOutput::builder().cluster_arns(CLUSTER_ARN).build());
    let describe = mock!(aws_sdk_ecs::Client::describe_clusters).then_output(|| {
        describe_clusters::DescribeClustersOutput::builder()
            .clusters(
                aws_sdk_ecs::types::Cluster::builder()
                    .cluster_arn(CLUSTER_ARN)
                    .cluster_name("web")
                    .status("ACTIVE")
                    .build(),
            )
            .build()
    });
    let services = mock!(aws_sdk_ecs::Client::list_services).then_output(|| {
        list_services::ListServicesOutput::builder()
            .service_arns("arn:aws:ecs:eu-west-1:123456789012:service/web/checkout")
            .build()
    });
    let now = Utc::now();
    let service = mock!(aws_sdk_ecs::Client::describe_services).then_output(move || {
        let td = |n: u32| format!("arn:aws:ecs:eu-west-1:123456789012:task-definition/checkout:{n}");
        let event = |t: chrono::DateTime<Utc>, id: &str, msg: &str| {
            ServiceEvent::builder().id(id).created_at(at(t)).message(msg).build()
        };
        describe_services::DescribeServicesOutput::builder()
            .services(
                Service::builder()
                    .service_name("checkout")
                    .cluster_arn(CLUSTER_ARN)
                    .status("ACTIVE")
                    .desired_count(2)
                    .running_count(1)
                    .pending_count(1)
                    .task_definition(td(8))
                    .deployments(
                        Deployment::builder()
                            .id("ecs-svc/2222222222222222222")
                            .status("PRIMARY")
                            .task_definition(td(8))
                            .desired_count(2)
                            .running_count(0)
                            .failed_tasks(9)
                            .created_at(at(deployed))
                            .updated_at(at(now - Duration::minutes(1)))
                            .rollout_state(DeploymentRolloutState::InProgress)
                            .rollout_state_reason("ECS deployment ecs-svc/2222222222222222222 in progress.")
                            .build(),
                    )
                    .deployments(
                        Deployment::builder()
                            .id("ecs-svc/1111111111111111111")
                            .status("ACTIVE")
                            .task_definition(td(7))
                            .desired_count(1)
                            .running_count(1)
                            .created_at(at(now - Duration::hours(3)))
                            .updated_at(at(deployed))
                            .rollout_state(DeploymentRolloutState::Completed)
                            .build(),
                    )
                    .events(event(now - Duration::seconds(30), "e4", "(service checkout) has started 1 tasks: (task 0a1b2c3d)."))
                    .events(event(
                        now - Duration::minutes(1),
                        "e3",
                        "(service checkout) (deployment ecs-svc/2222222222222222222) deployment failed: tasks failed to start.",
                    ))
                    .events(event(now - Duration::minutes(2), "e2", "(service checkout) has started 1 tasks: (task 9f8e7d6c)."))
                    .events(event(
                        now - Duration::hours(3),
                        "e1",
                        "(service checkout) (deployment ecs-svc/1111111111111111111) deployment completed.",
                    ))
                    .build(),
            )
            .build()
    });
    // Minutes from the rollout each task crashed at.
    let crashed: Vec<i64> = vec![-13, -7, 3, 4, 5, 5, 6, 7, 8, 9, 10, 11];
    let arns: Vec<String> = (0..crashed.len()).map(|i| format!("arn:aws:ecs:eu-west-1:123456789012:task/web/t{i:02}")).collect();
    let listed = arns.clone();
    let tasks = mock!(aws_sdk_ecs::Client::list_tasks)
        .then_output(move || list_tasks::ListTasksOutput::builder().set_task_arns(Some(listed.clone())).build());
    let described = mock!(aws_sdk_ecs::Client::describe_tasks).then_output(move || {
        let mut out = describe_tasks::DescribeTasksOutput::builder();
        for (arn, min) in arns.iter().zip(&crashed) {
            let stopped = deployed + Duration::minutes(*min) + Duration::seconds(10);
            out = out.tasks(
                Task::builder()
                    .task_arn(arn)
                    .group("service:checkout")
                    .task_definition_arn(format!("arn:aws:ecs:eu-west-1:123456789012:task-definition/checkout:{}", if *min < 0 { 7 } else { 8 }))
                    .last_status("STOPPED")
                    .desired_status("STOPPED")
                    .started_at(at(stopped - Duration::seconds(90)))
                    .stopped_at(at(stopped))
                    .stop_code(TaskStopCode::EssentialContainerExited)
                    .stopped_reason("Essential container in task exited")
                    .build(),
            );
        }
        out.build()
    });
    let instances = mock!(aws_sdk_ecs::Client::list_container_instances)
        .then_output(|| list_container_instances::ListContainerInstancesOutput::builder().build());
    mock_client!(
        aws_sdk_ecs,
        RuleMode::MatchAny,
        [&clusters, &describe, &services, &service, &tasks, &described, &instances]
    )
}

#[tokio::test]
async fn an_ecs_rollout_and_its_failure_are_changes_and_the_crashes_after_it_name_it() {
    let deployed = Utc::now() - Duration::minutes(20);
    let region = RegionClients::new("eu-west-1", crate::common::no_metrics()).with::<Ecs>(ecs_rollout(deployed));
    let live = crate::common::mock_live(vec![region]);
    let msgs = ServiceKind::Ecs.room().once(&live, &live.regions[0]).await;
    assert!(msgs.iter().any(|m| matches!(m, DataMsg::Loaded { .. })), "{msgs:?}");
    let mut m = Model::new(SourceLabel::Live, Utc::now());
    for msg in msgs {
        update(&mut m, Msg::Data(msg));
    }
    let snap = serde_json::to_value(awstop::snapshot::from_model(&m, 60)).unwrap();
    let changes: Vec<(&str, &str, &str)> = snap["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["resource"].as_str().unwrap(), c["action"].as_str().unwrap(), c["at"].as_str().unwrap()))
        .collect();
    let time = |t: chrono::DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let failed = time(Utc::now() - Duration::minutes(1));
    // The new PRIMARY's createdAt, and the event that says it failed; the
    // completion of three hours ago is older than the window.
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert_eq!(changes[0].0, "web/checkout");
    assert_eq!(changes[0].1, "RolloutFailed");
    assert!(changes[0].2 <= failed.as_str(), "{changes:?}");
    assert_eq!(changes[1], ("web/checkout", "Deployment", time(deployed).as_str()));
    for c in snap["changes"].as_array().unwrap() {
        assert_eq!((c["service"].as_str(), c["region"].as_str(), c["source"].as_str()), (Some("ecs"), Some("eu-west-1"), Some("service_api")));
    }
    // The crashes rose after the rollout, not after the failure (already risen).
    let suspects = snap["suspects"].as_array().unwrap();
    assert_eq!(suspects.len(), 1, "{suspects:?}");
    let s = &suspects[0];
    assert_eq!((s["service"].as_str(), s["resource"].as_str()), (Some("ecs"), Some("web/checkout")));
    assert_eq!(s["metric"], "crashed_tasks_5m");
    assert_eq!(s["change"]["action"], "Deployment");
    assert_eq!(s["change"]["at"].as_str(), Some(time(deployed).as_str()));
    let (before, after) = (s["before"].as_f64().unwrap(), s["after"].as_f64().unwrap());
    assert!(before <= 1.0 && after >= 3.0, "{before} -> {after}");
}

fn select(m: &mut Model, resource: &str) {
    use awstop::app::keymap::Action::{Down, Top};
    let i = m.data.changes_now().position(|c| c.resource == resource).unwrap_or_else(|| panic!("{resource} changed"));
    crate::common::act(m, &[Top]);
    for _ in 0..i {
        crate::common::act(m, &[Down]);
    }
}

#[test]
fn enter_on_a_change_opens_its_resource_or_says_it_is_gone() {
    use awstop::app::keymap::Action::{Back, Enter, StartCommand, Submit};
    use crate::common::{act, demo_model, screen, typed};
    let mut m = demo_model(80, 24);
    let open_changes = |m: &mut Model| {
        act(m, &[StartCommand]);
        typed(m, "changes");
        act(m, &[Submit]);
        assert_eq!(m.view(), &View::Changes);
    };
    open_changes(&mut m);
    select(&mut m, "orders-api");
    let s = screen(&m);
    act(&mut m, &[Enter]);
    assert_eq!(m.ui.pane, Pane::Room(ServiceKind::Lambda), "{s}");
    let detail = screen(&m);
    assert!(detail.contains("Function orders-api"), "{detail}");
    // Its change, listed under the graphs it is marked on.
    let line = detail.lines().find(|l| l.contains("13:36:00")).unwrap_or_else(|| panic!("{detail}"));
    assert!(line.contains("Modified") && line.contains("service API"), "{line}");
    assert!(detail.contains("Changes  (│ on the graphs)"), "{detail}");
    // Esc: the room's list.
    act(&mut m, &[Back]);
    assert_eq!(m.view(), &Pane::Room(ServiceKind::Lambda).root());

    // An ECS rollout opens the service's tasks.
    open_changes(&mut m);
    select(&mut m, "web-fargate/checkout");
    act(&mut m, &[Enter]);
    assert_eq!(m.ui.pane, Pane::Room(ServiceKind::Ecs));
    let tasks = screen(&m);
    assert!(tasks.contains("Tasks of checkout"), "{tasks}");
    // The service has no graphs: its rollout is listed under its tasks.
    let line = tasks.lines().find(|l| l.contains("13:30:00")).unwrap_or_else(|| panic!("{tasks}"));
    assert!(line.contains("Deployment") && line.contains("service API"), "{line}");
    assert!(tasks.contains("Changes") && !tasks.contains("on the graphs"), "{tasks}");

    // A change to a function no longer there: a line, and `:changes` stays.
    m.data.changes.add(vec![awstop::changes::Change {
        at: m.data.now - Duration::minutes(1),
        account: String::new(),
        region: "us-east-1".into(),
        service: "lambda".into(),
        resource: "deleted-fn".into(),
        action: "UpdateFunctionCode".into(),
        actor: None,
        source: awstop::changes::ChangeSource::Refresh,
    }]);
    open_changes(&mut m);
    select(&mut m, "deleted-fn");
    let s = screen(&m);
    let row = s.lines().find(|l| l.contains("deleted-fn")).unwrap_or_else(|| panic!("{s}"));
    assert!(row.contains("UpdateFunctionCode"), "{row}");
    act(&mut m, &[Enter]);
    assert_eq!(m.view(), &View::Changes);
    assert_eq!(m.ui.message.as_deref(), Some("deleted-fn is no longer in Lambda (us-east-1)"));
    assert!(screen(&m).contains("deleted-fn is no longer in Lambda (us-east-1)"));
}

/// (resource, action, at) of the snapshot's changes of `service`.
fn changes_of(msgs: Vec<DataMsg>, service: &str) -> Vec<(String, String, String)> {
    assert!(msgs.iter().any(|m| matches!(m, DataMsg::Loaded { .. })), "{msgs:?}");
    let mut m = Model::new(SourceLabel::Live, Utc::now());
    for msg in msgs {
        update(&mut m, Msg::Data(msg));
    }
    let snap = serde_json::to_value(awstop::snapshot::from_model(&m, 60)).unwrap();
    let s = |c: &serde_json::Value, k: &str| c[k].as_str().unwrap().to_string();
    snap["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["service"] == service)
        .inspect(|c| assert_eq!(c["source"], "service_api"))
        .map(|c| (s(c, "resource"), s(c, "action"), s(c, "at")))
        .collect()
}

fn time(t: chrono::DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// EKS (moto answers ListUpdates with a 404): the cluster `prod` updated
/// to a new version 30 minutes ago and three days ago, its node group `ng`
/// updated 10 minutes ago, an update that failed. Each list and describe
/// answers only for the owner it is asked about.
#[tokio::test]
async fn eks_updates_inside_the_window_are_changes_with_how_they_ended() {
    use aws_sdk_eks::operation::*;
    use aws_sdk_eks::types::{Cluster, Nodegroup, Update, UpdateStatus, UpdateType};
    let now = Utc::now();
    let (cluster_at, group_at, old_at) = (now - Duration::minutes(30), now - Duration::minutes(10), now - Duration::days(3));
    let list = mock!(aws_sdk_eks::Client::list_clusters).then_output(|| list_clusters::ListClustersOutput::builder().clusters("prod").build());
    let describe = mock!(aws_sdk_eks::Client::describe_cluster).then_output(|| {
        describe_cluster::DescribeClusterOutput::builder()
            .cluster(Cluster::builder().name("prod").version("1.31").build())
            .build()
    });
    let groups = mock!(aws_sdk_eks::Client::list_nodegroups).then_output(|| list_nodegroups::ListNodegroupsOutput::builder().nodegroups("ng").build());
    let group = mock!(aws_sdk_eks::Client::describe_nodegroup).then_output(|| {
        describe_nodegroup::DescribeNodegroupOutput::builder()
            .nodegroup(Nodegroup::builder().nodegroup_name("ng").version("1.31").build())
            .build()
    });
    let profiles = mock!(aws_sdk_eks::Client::list_fargate_profiles).then_output(|| list_fargate_profiles::ListFargateProfilesOutput::builder().build());
    let addons = mock!(aws_sdk_eks::Client::list_addons).then_output(|| list_addons::ListAddonsOutput::builder().build());
    let cluster_updates = mock!(aws_sdk_eks::Client::list_updates)
        .match_requests(|r| r.name() == Some("prod") && r.nodegroup_name().is_none())
        .then_output(|| list_updates::ListUpdatesOutput::builder().update_ids("u-new").update_ids("u-old").build());
    let group_updates = mock!(aws_sdk_eks::Client::list_updates)
        .match_requests(|r| r.name() == Some("prod") && r.nodegroup_name() == Some("ng"))
        .then_output(|| list_updates::ListUpdatesOutput::builder().update_ids("u-ng").build());
    let update = |id: &'static str, group: Option<&'static str>, status: UpdateStatus, t: chrono::DateTime<Utc>| {
        mock!(aws_sdk_eks::Client::describe_update)
            .match_requests(move |r| r.update_id() == Some(id) && r.nodegroup_name() == group)
            .then_output(move || {
                describe_update::DescribeUpdateOutput::builder()
                    .update(Update::builder().id(id).r#type(UpdateType::VersionUpdate).status(status.clone()).created_at(at(t)).build())
                    .build()
            })
    };
    let new = update("u-new", None, UpdateStatus::Successful, cluster_at);
    let old = update("u-old", None, UpdateStatus::Successful, old_at);
    let ng = update("u-ng", Some("ng"), UpdateStatus::Failed, group_at);
    let client = mock_client!(
        aws_sdk_eks,
        RuleMode::MatchAny,
        [&list, &describe, &groups, &group, &profiles, &addons, &cluster_updates, &group_updates, &new, &old, &ng]
    );
    let region = RegionClients::new("eu-west-1", crate::common::no_metrics()).with::<awstop::services::Eks>(client);
    let live = crate::common::mock_live(vec![region]);
    let msgs = ServiceKind::Eks.room().once(&live, &live.regions[0]).await;
    let got = changes_of(msgs, "eks");
    let want = [
        ("prod/ng", "UpdateNodegroupVersion", time(group_at)),
        ("prod/ng", "UpdateNodegroupVersion Failed", time(group_at)),
        ("prod", "UpdateClusterVersion", time(cluster_at)),
    ];
    let want: Vec<(String, String, String)> = want.iter().map(|(r, a, t)| (r.to_string(), a.to_string(), t.clone())).collect();
    let mut sorted = got.clone();
    sorted.sort_by(|a, b| b.2.cmp(&a.2).then(a.1.cmp(&b.1)));
    assert_eq!(sorted, want, "{got:?}");
    // Each owner's updates were asked of it: the old one described, not kept.
    assert_eq!((new.num_calls(), old.num_calls(), ng.num_calls()), (1, 1, 1));
}

/// HTTP APIs' deployments (moto answers v2 GetDeployments with a 404): one
/// of 20 minutes ago is a change, one of two days ago is not.
#[tokio::test]
async fn http_api_deployments_inside_the_window_are_changes() {
    use aws_sdk_apigatewayv2::operation::*;
    use aws_sdk_apigatewayv2::types::{Api, Deployment, ProtocolType, Stage};
    let now = Utc::now();
    let (recent, old) = (now - Duration::minutes(20), now - Duration::days(2));
    let rest_apis = mock!(aws_sdk_apigateway::Client::get_rest_apis)
        .then_output(|| aws_sdk_apigateway::operation::get_rest_apis::GetRestApisOutput::builder().build());
    let rest = mock_client!(aws_sdk_apigateway, RuleMode::MatchAny, [&rest_apis]);
    let apis = mock!(aws_sdk_apigatewayv2::Client::get_apis).then_output(|| {
        get_apis::GetApisOutput::builder()
            .items(Api::builder().api_id("h1").name("storefront").protocol_type(ProtocolType::Http).build())
            .build()
    });
    let stages = mock!(aws_sdk_apigatewayv2::Client::get_stages)
        .then_output(|| get_stages::GetStagesOutput::builder().items(Stage::builder().stage_name("$default").build()).build());
    let integrations = mock!(aws_sdk_apigatewayv2::Client::get_integrations).then_output(|| get_integrations::GetIntegrationsOutput::builder().build());
    let routes = mock!(aws_sdk_apigatewayv2::Client::get_routes).then_output(|| get_routes::GetRoutesOutput::builder().build());
    let deployments = mock!(aws_sdk_apigatewayv2::Client::get_deployments)
        .match_requests(|r| r.api_id() == Some("h1"))
        .then_output(move || {
            get_deployments::GetDeploymentsOutput::builder()
                .items(Deployment::builder().deployment_id("d-old").created_date(at(old)).build())
                .items(Deployment::builder().deployment_id("d-new").created_date(at(recent)).build())
                .build()
        });
    let http = mock_client!(aws_sdk_apigatewayv2, RuleMode::MatchAny, [&apis, &stages, &integrations, &routes, &deployments]);
    let region = RegionClients::new("eu-west-1", crate::common::no_metrics())
        .with::<awstop::services::ApiGateway>(awstop::services::apigateway::Clients { rest, http });
    let live = crate::common::mock_live(vec![region]);
    let msgs = ServiceKind::ApiGateway.room().once(&live, &live.regions[0]).await;
    let got = changes_of(msgs, "apigateway");
    assert_eq!(got, [("h1".to_string(), "CreateDeployment".to_string(), time(recent))]);
    assert_eq!(deployments.num_calls(), 1, "once a refresh per API");
}

/// A deployment of the demo's `orders` API, opened from `:changes`: marked
/// on the busiest stage's graphs at its minute and listed under them; on a
/// short terminal, where the graphs give way to the routes, still listed.
#[test]
fn an_api_deployment_is_marked_on_the_api_graphs_and_listed_under_them() {
    use awstop::app::keymap::Action::{Enter, StartCommand, Submit};
    use crate::common::{act, demo_model, screen, typed};
    for (w, h, graphs) in [(160, 48, true), (80, 24, false)] {
        let mut m = demo_model(w, h);
        let snap = serde_json::to_value(awstop::snapshot::from_model(&m, 60)).unwrap();
        let orders = snap["apigateway"]["apis"].as_array().unwrap().iter().find(|a| a["name"] == "orders").unwrap().clone();
        let id = orders["id"].as_str().unwrap().to_string();
        let at = m.data.now - Duration::minutes(10);
        m.data.changes.add(vec![awstop::changes::Change {
            at,
            account: String::new(),
            region: orders["region"].as_str().unwrap().into(),
            service: "apigateway".into(),
            resource: id.clone(),
            action: "CreateDeployment".into(),
            actor: None,
            source: awstop::changes::ChangeSource::ServiceApi,
        }]);
        act(&mut m, &[StartCommand]);
        typed(&mut m, "changes");
        act(&mut m, &[Submit]);
        select(&mut m, &id);
        act(&mut m, &[Enter]);
        assert_eq!(m.ui.pane, Pane::Room(ServiceKind::ApiGateway));
        let s = screen(&m);
        assert!(s.contains("API orders"), "{s}");
        let line = s.lines().find(|l| l.contains(&at.format("%H:%M:%S ").to_string())).unwrap_or_else(|| panic!("{s}"));
        assert!(line.contains("CreateDeployment") && line.contains("service API"), "{line}");
        let lines: Vec<&str> = s.lines().collect();
        let title = lines.iter().position(|l| l.contains("requests · ")).map(|i| lines[i + 1]);
        if graphs {
            assert!(s.contains("Changes  (│ on the graphs)"), "{s}");
            // Nothing else in the graph's row draws that mark.
            assert!(title.is_some_and(|bars| bars.contains('│')), "{s}");
        } else {
            assert!(title.is_none() && s.contains("Changes"), "{s}");
        }
    }
}

/// A Batch account whose queue `etl` ran `nightly:6` then `nightly:7`
/// (ListJobs names a job's definition by ARN), with `newest` the newest
/// ACTIVE revision of `nightly`, over two pages of DescribeJobDefinitions.
/// DescribeJobDefinitions answers only for `nightly`: asking for any other
/// name, or for the whole list, fails the read.
fn batch_revisions(newest: i32, moved: chrono::DateTime<Utc>) -> (aws_sdk_batch::Client, aws_smithy_mocks::Rule, aws_smithy_mocks::Rule) {
    use aws_sdk_batch::operation::*;
    use aws_sdk_batch::types::{JobDefinition, JobQueueDetail, JobSummary};
    let ces = mock!(aws_sdk_batch::Client::describe_compute_environments)
        .then_output(|| describe_compute_environments::DescribeComputeEnvironmentsOutput::builder().build());
    let queues = mock!(aws_sdk_batch::Client::describe_job_queues).then_output(|| {
        describe_job_queues::DescribeJobQueuesOutput::builder()
            .job_queues(JobQueueDetail::builder().job_queue_name("etl").state("ENABLED".into()).status("VALID".into()).priority(1).build())
            .build()
    });
    let ms = |t: chrono::DateTime<Utc>| t.timestamp_millis();
    let jobs = mock!(aws_sdk_batch::Client::list_jobs)
        .match_requests(|r| r.job_status().map(|s| s.as_str()) == Some("SUCCEEDED"))
        .then_output(move || {
            let job = |id: &str, rev: i32, at: chrono::DateTime<Utc>| {
                JobSummary::builder()
                    .job_id(id)
                    .job_name(id)
                    .status("SUCCEEDED".into())
                    .job_definition(format!("arn:aws:batch:eu-west-1:123456789012:job-definition/nightly:{rev}"))
                    .created_at(ms(at))
                    .build()
            };
            list_jobs::ListJobsOutput::builder()
                .job_summary_list(job("j-new", 7, moved))
                .job_summary_list(job("j-old", 6, moved - Duration::minutes(10)))
                .build()
        });
    let other_jobs = mock!(aws_sdk_batch::Client::list_jobs).then_output(|| list_jobs::ListJobsOutput::builder().build());
    let def = |rev: i32| {
        JobDefinition::builder()
            .job_definition_name("nightly")
            .job_definition_arn(format!("arn:aws:batch:eu-west-1:123456789012:job-definition/nightly:{rev}"))
            .revision(rev)
            .status("ACTIVE")
            .r#type("container")
            .build()
    };
    let asks = |r: &describe_job_definitions::DescribeJobDefinitionsInput| {
        r.job_definition_name() == Some("nightly") && r.status() == Some("ACTIVE") && r.max_results() == Some(100)
    };
    let first = mock!(aws_sdk_batch::Client::describe_job_definitions)
        .match_requests(move |r| asks(r) && r.next_token().is_none())
        .then_output(move || {
            describe_job_definitions::DescribeJobDefinitionsOutput::builder()
                .job_definitions(def(5))
                .job_definitions(def(newest))
                .next_token("page-2")
                .build()
        });
    let second = mock!(aws_sdk_batch::Client::describe_job_definitions)
        .match_requests(move |r| asks(r) && r.next_token() == Some("page-2"))
        .then_output(move || describe_job_definitions::DescribeJobDefinitionsOutput::builder().job_definitions(def(6)).build());
    let client = mock_client!(aws_sdk_batch, RuleMode::MatchAny, [&ces, &queues, &jobs, &other_jobs, &first, &second]);
    (client, first, second)
}

#[tokio::test]
async fn batch_jobs_moving_to_a_revision_and_one_registered_between_reads_are_changes() {
    let moved = Utc::now() - Duration::minutes(20);
    let mut m = Model::new(SourceLabel::Live, Utc::now());
    let read = |newest: i32| {
        let (client, first, second) = batch_revisions(newest, moved);
        let region = RegionClients::new("eu-west-1", crate::common::no_metrics()).with::<awstop::services::Batch>(client);
        (crate::common::mock_live(vec![region]), first, second)
    };
    let (live, first, second) = read(7);
    let msgs = ServiceKind::Batch.room().once(&live, &live.regions[0]).await;
    assert!(msgs.iter().all(|m| matches!(m, DataMsg::Loaded { .. })), "{msgs:?}");
    // Both pages of the one definition the jobs name, and nothing else.
    assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
    for msg in msgs {
        update(&mut m, Msg::Data(msg));
    }
    let rows = |m: &Model| -> Vec<(String, String, String)> {
        let snap = serde_json::to_value(awstop::snapshot::from_model(m, 60)).unwrap();
        let s = |c: &serde_json::Value, k: &str| c[k].as_str().unwrap().to_string();
        snap["changes"].as_array().unwrap().iter().map(|c| (s(c, "resource"), s(c, "action"), s(c, "source"))).collect()
    };
    let row = |action: &str, source: &str| ("nightly".to_string(), action.to_string(), source.to_string());
    assert_eq!(rows(&m), [row("Revision 6 → 7 (etl)", "service_api")]);
    // The same answers again: nothing new. Then nightly:8, registered with no job on it.
    let (live, _, _) = read(7);
    for msg in ServiceKind::Batch.room().once(&live, &live.regions[0]).await {
        update(&mut m, Msg::Data(msg));
    }
    assert_eq!(rows(&m), [row("Revision 6 → 7 (etl)", "service_api")]);
    let (live, _, _) = read(8);
    for msg in ServiceKind::Batch.room().once(&live, &live.regions[0]).await {
        update(&mut m, Msg::Data(msg));
    }
    assert_eq!(rows(&m), [row("RegisterJobDefinition 8 (etl)", "refresh"), row("Revision 6 → 7 (etl)", "service_api")]);
}

/// Whether the graph titled `title` (its bars on the line under it) marks a
/// change: the marker where the bar is blank, the bar reversed where not.
fn graph_marked(buf: &ratatui::buffer::Buffer, title: &str) -> bool {
    let s = crate::common::text(buf);
    // The title as a graph's: its peak follows it.
    let at = |l: &str| {
        l.match_indices(title)
            .find(|(b, _)| l[b + title.len()..].trim_start().starts_with("peak"))
            .map(|(b, _)| l[..b].chars().count() as u16)
    };
    let Some((y, x0)) = s.lines().enumerate().find_map(|(y, l)| at(l).map(|x| (y, x))) else { return false };
    let y = y as u16 + 1;
    // The graph's half: from its title to the middle of the line or its end.
    let half = buf.area.width / 2;
    let end = if x0 < half { half } else { buf.area.width };
    (x0..end).any(|x| {
        let c = &buf[(x, y)];
        c.symbol() == "│" || c.modifier.contains(ratatui::style::Modifier::REVERSED)
    })
}

/// The demo's EKS node-group update and EMR resize, and an operation of a
/// Lightsail instance, marked on their details' graphs and listed under
/// them; on a short terminal, where the graphs give way, still listed.
#[test]
fn eks_emr_and_lightsail_details_mark_their_changes_on_their_graphs() {
    use awstop::app::keymap::Action::{Down, Enter, Pane as To};
    use awstop::services::{lightsail, RoomView};
    use crate::common::{act, buffer, demo_model, text, EKS, EMR, LIGHTSAIL};
    let theme = awstop::theme::Theme::dark();
    for (w, h, graphs) in [(160, 48, true), (80, 24, false)] {
        // EKS: the update of prod's node group general, 42 minutes ago.
        let mut m = demo_model(w, h);
        act(&mut m, &[To(EKS), Down, Enter]);
        let buf = buffer(&m, &theme);
        let s = text(&buf);
        assert!(s.contains("Cluster prod"), "{s}");
        let line = s.lines().find(|l| l.contains("UpdateNodegroupConfig general")).unwrap_or_else(|| panic!("{s}"));
        assert!(line.contains("service API"), "{line}");
        assert_eq!(s.contains("Changes  (│ on the graphs)"), graphs, "{s}");
        assert_eq!(graph_marked(&buf, "API requests") && graph_marked(&buf, "5XX"), graphs, "{s}");

        // EMR: etl-hourly's task group asking for 8 while 6 run, seen at the read.
        let mut m = demo_model(w, h);
        act(&mut m, &[To(EMR), Enter]);
        let buf = buffer(&m, &theme);
        let s = text(&buf);
        assert!(s.contains("Cluster etl-hourly"), "{s}");
        assert_eq!(s.contains("Changes  (│ on the graphs)"), graphs, "{s}");
        let listed = s.lines().any(|l| l.contains("Resize task 6 → 8") || l.contains("AddStep hourly-aggregate"));
        assert!(listed, "{s}");
        assert_eq!(graph_marked(&buf, "apps running") && graph_marked(&buf, "idle (1 = idle)"), graphs, "{s}");

        // Lightsail: the demo has no operations; one planted 10 minutes ago.
        let mut m = demo_model(w, h);
        act(&mut m, &[To(LIGHTSAIL), Down, Enter]);
        let name = match m.view() {
            View::Room(RoomView::Lightsail(lightsail::View::Instance { name, .. })) => name.clone(),
            v => panic!("{v:?}"),
        };
        let at = m.data.now - Duration::minutes(10);
        m.data.changes.add(vec![awstop::changes::Change {
            at,
            account: String::new(),
            region: awstop::source::demo::REGION.into(),
            service: "lightsail".into(),
            resource: name.clone(),
            action: "RebootInstance".into(),
            actor: None,
            source: awstop::changes::ChangeSource::ServiceApi,
        }]);
        let buf = buffer(&m, &theme);
        let s = text(&buf);
        let line = s.lines().find(|l| l.contains(&at.format("%H:%M:%S ").to_string())).unwrap_or_else(|| panic!("{s}"));
        assert!(line.contains("RebootInstance") && line.contains("service API"), "{line}");
        // Lightsail's two graphs fit even the short terminal.
        assert!(s.contains("Changes  (│ on the graphs)"), "{s}");
        assert!(graph_marked(&buf, "CPU %"), "{s}");
    }
}
