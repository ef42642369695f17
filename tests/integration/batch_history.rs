//! Batch reads finished jobs one page deep: a queue that keeps days of
//! SUCCEEDED and FAILED jobs costs the same calls a refresh as a quiet one,
//! and says that its counts are floors. Mocked: moto answers in one page.

use aws_sdk_batch::operation::*;
use aws_sdk_batch::types::*;
use aws_smithy_mocks::{mock, mock_client, RuleMode};

use awstop::app::msg::{DataMsg, Payload, ServiceKind};
use awstop::services::live::RegionClients;
use awstop::services::Batch;

use crate::common::no_metrics;

fn summary(id: &str, status: JobStatus) -> JobSummary {
    JobSummary::builder()
        .job_id(id)
        .job_name(id)
        .status(status)
        .created_at(1_764_000_000_000)
        .build()
}

#[test]
fn finished_jobs_are_read_one_page_deep_and_their_counts_say_so() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let envs = mock!(aws_sdk_batch::Client::describe_compute_environments).then_output(|| {
            describe_compute_environments::DescribeComputeEnvironmentsOutput::builder().build()
        });
        let queues = mock!(aws_sdk_batch::Client::describe_job_queues).then_output(|| {
            describe_job_queues::DescribeJobQueuesOutput::builder()
                .job_queues(
                    JobQueueDetail::builder()
                        .job_queue_name("etl")
                        .job_queue_arn("arn:aws:batch:eu-west-1:123456789012:job-queue/etl")
                        .state(JqState::Enabled)
                        .priority(1)
                        .build(),
                )
                .build()
        });
        // Days of successes: every page says there is another.
        let succeeded = mock!(aws_sdk_batch::Client::list_jobs)
            .match_requests(|r| {
                r.job_status() == Some(&JobStatus::Succeeded) && r.next_token().is_none()
            })
            .then_output(|| {
                list_jobs::ListJobsOutput::builder()
                    .job_summary_list(summary("s1", JobStatus::Succeeded))
                    .job_summary_list(summary("s2", JobStatus::Succeeded))
                    .next_token("older")
                    .build()
            });
        let older = mock!(aws_sdk_batch::Client::list_jobs)
            .match_requests(|r| {
                r.job_status() == Some(&JobStatus::Succeeded) && r.next_token().is_some()
            })
            .then_output(|| {
                list_jobs::ListJobsOutput::builder()
                    .job_summary_list(summary("s0", JobStatus::Succeeded))
                    .build()
            });
        let failed = mock!(aws_sdk_batch::Client::list_jobs)
            .match_requests(|r| r.job_status() == Some(&JobStatus::Failed))
            .then_output(|| {
                list_jobs::ListJobsOutput::builder()
                    .job_summary_list(summary("f1", JobStatus::Failed))
                    .build()
            });
        // Live jobs are still listed whole, page after page.
        let running_1 = mock!(aws_sdk_batch::Client::list_jobs)
            .match_requests(|r| {
                r.job_status() == Some(&JobStatus::Running) && r.next_token().is_none()
            })
            .then_output(|| {
                list_jobs::ListJobsOutput::builder()
                    .job_summary_list(summary("r1", JobStatus::Running))
                    .next_token("p2")
                    .build()
            });
        let running_2 = mock!(aws_sdk_batch::Client::list_jobs)
            .match_requests(|r| {
                r.job_status() == Some(&JobStatus::Running) && r.next_token() == Some("p2")
            })
            .then_output(|| {
                list_jobs::ListJobsOutput::builder()
                    .job_summary_list(summary("r2", JobStatus::Running))
                    .build()
            });
        let others = mock!(aws_sdk_batch::Client::list_jobs)
            .then_output(|| list_jobs::ListJobsOutput::builder().build());
        let client = mock_client!(
            aws_sdk_batch,
            RuleMode::MatchAny,
            [&envs, &queues, &succeeded, &older, &failed, &running_1, &running_2, &others]
        );
        let live = crate::common::mock_live(vec![
            RegionClients::new("eu-west-1", no_metrics()).with::<Batch>(client)
        ]);
        let msgs = ServiceKind::Batch
            .room()
            .once(&live, &live.regions[0])
            .await;
        let Some(DataMsg::Loaded {
            payload: Payload::Batch(d),
            ..
        }) = msgs.first()
        else {
            panic!("{msgs:?}")
        };
        assert_eq!(
            (succeeded.num_calls(), older.num_calls()),
            (1, 0),
            "finished jobs: one page"
        );
        assert_eq!(failed.num_calls(), 1);
        assert_eq!((running_1.num_calls(), running_2.num_calls()), (1, 1));
        let q = &d.queues[0];
        assert_eq!(q.count("SUCCEEDED"), 2);
        assert_eq!(q.count("RUNNING"), 2);
        assert_eq!(q.more, vec!["SUCCEEDED".to_string()]);
        assert_eq!(q.count_text("SUCCEEDED"), "2+");
        assert_eq!(q.count_text("FAILED"), "1");
    });
}
