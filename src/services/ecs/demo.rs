//! The demo's ECS account: three clusters and a dozen services whose tasks walk
//! through the real lifecycle states as the clock moves.

use chrono::{DateTime, TimeZone, Utc};

use super::domain::{Cluster, Container, ContainerInstance, EcsData, Service, ServiceEvent, ServiceWeekAgo, Task};
use super::Ecs;
use crate::hash::{hash, hex, str_id, unit};
use crate::services::room::{DemoCtx, RoomDemo};

impl RoomDemo for Ecs {
    type Spec = EcsSpec;
    fn spec(cx: &DemoCtx) -> EcsSpec {
        spec(cx.scale)
    }
    fn data(
        spec: &EcsSpec,
        cx: &DemoCtx,
        now: DateTime<Utc>,
        _detail: Option<&std::collections::HashSet<String>>,
    ) -> EcsData {
        ecs_at(spec, cx.seed, &cx.region, now)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Behaviour {
    Steady,
    /// A new deployment every 20 minutes, replacing one task at a time.
    Rolling,
    /// Rolled to a new task definition every `CYCLE` seconds; three minutes
    /// later its essential container is OOM-killed about two minutes after
    /// each start for 35 minutes, then about ten minutes after.
    CrashLoop,
    /// Half the desired tasks wait for capacity that never comes.
    Unplaceable,
}

#[derive(Debug, Clone)]
struct SvcSpec {
    cluster: usize,
    name: String,
    launch: &'static str,
    capacity_provider: Option<&'static str>,
    desired: u32,
    behaviour: Behaviour,
    cpu: u32,
    memory: u32,
    load: f64,
}

#[derive(Debug, Clone)]
pub struct EcsSpec {
    clusters: Vec<(String, Vec<&'static str>, u32)>,
    services: Vec<SvcSpec>,
}

const STOPPED_KEPT_S: i64 = 30 * 60;
const ROLL_EVERY: i64 = 1200;
const CRASH_EVERY: i64 = 150;
const LIFE: i64 = 2 * 86_400;
/// The crash loop's rollouts: at `ROLLOUT_AT` seconds of every `CYCLE`
/// (minute 30 of the hour; at the demo's usual 14:03 that is six minutes
/// before orders-api's code update), the heavy crashing from `HEAVY_AT` for
/// `HEAVY_LEN`. A cycle holds `CRASH_GENS` task generations per slot:
/// `SHORT_GENS` short ones, then two long ones.
const CYCLE: i64 = 3600;
const ROLLOUT_AT: i64 = 1800;
const HEAVY_AT: i64 = ROLLOUT_AT + 180;
const SHORT_GENS: i64 = 14;
const HEAVY_LEN: i64 = SHORT_GENS * CRASH_EVERY;
const CRASH_GENS: i64 = SHORT_GENS + 2;
/// AWS lists stopped tasks for about an hour; the crash loop keeps that
/// much, so the minutes before its rollout are there to compare.
const CRASHED_KEPT_S: i64 = 60 * 60;

fn spec(scale: usize) -> EcsSpec {
    use Behaviour::*;
    let mut clusters = vec![
        (
            "web-fargate".to_string(),
            vec!["FARGATE", "FARGATE_SPOT"],
            0,
        ),
        ("jobs-ec2".to_string(), vec!["jobs-ec2-asg"], 3),
        ("mixed".to_string(), vec!["FARGATE", "mixed-asg"], 2),
    ];
    let s = |cluster, name: &str, launch, cp, desired, behaviour, cpu, memory, load| SvcSpec {
        cluster,
        name: name.to_string(),
        launch,
        capacity_provider: cp,
        desired,
        behaviour,
        cpu,
        memory,
        load,
    };
    let mut services = vec![
        s(
            0,
            "api",
            "FARGATE",
            Some("FARGATE"),
            4,
            Rolling,
            512,
            1024,
            41.0,
        ),
        s(
            0,
            "frontend",
            "FARGATE",
            Some("FARGATE"),
            3,
            Steady,
            256,
            512,
            22.0,
        ),
        s(
            0,
            "worker",
            "FARGATE",
            Some("FARGATE_SPOT"),
            2,
            Steady,
            1024,
            2048,
            67.0,
        ),
        s(
            0,
            "checkout",
            "FARGATE",
            Some("FARGATE"),
            2,
            CrashLoop,
            512,
            512,
            35.0,
        ),
        s(1, "ingest", "EC2", None, 3, Steady, 1024, 2048, 58.0),
        s(1, "scheduler", "EC2", None, 1, Steady, 256, 512, 8.0),
        s(1, "metrics-agent", "EC2", None, 3, Steady, 128, 256, 4.0),
        s(
            1,
            "reporting",
            "EC2",
            None,
            4,
            Unplaceable,
            2048,
            8192,
            72.0,
        ),
        s(2, "legacy-api", "EC2", None, 2, Steady, 512, 1024, 31.0),
        s(
            2,
            "queue-consumer",
            "FARGATE",
            Some("FARGATE"),
            2,
            Steady,
            256,
            512,
            47.0,
        ),
        s(
            2,
            "cron-runner",
            "FARGATE",
            Some("FARGATE_SPOT"),
            1,
            Steady,
            256,
            512,
            12.0,
        ),
        s(2, "search", "EC2", None, 2, Steady, 1024, 4096, 55.0),
    ];
    // Scaled-up demos add fleets of ordinary services, about one task for every
    // two functions, so benchmarks see a realistic task count.
    let base: u32 = services.iter().map(|s| s.desired).sum();
    let mut extra = (scale as u32 / 2).saturating_sub(base);
    let mut n = 0;
    while extra > 0 {
        let cluster = clusters.len();
        clusters.push((format!("fleet-{:02}", cluster - 2), vec!["FARGATE"], 0));
        for _ in 0..20 {
            if extra == 0 {
                break;
            }
            let desired = extra.min(5);
            extra -= desired;
            n += 1;
            services.push(s(
                cluster,
                &format!("svc-{n:04}"),
                "FARGATE",
                Some("FARGATE"),
                desired,
                Steady,
                256,
                512,
                20.0 + (n % 50) as f64,
            ));
        }
    }
    EcsSpec { clusters, services }
}

/// When task generation `g` of a slot was created, and when it is told to stop.
fn schedule(svc: &SvcSpec, off: i64, slot: u32, g: i64) -> (i64, Option<i64>) {
    let slot = slot as i64;
    match svc.behaviour {
        Behaviour::Steady => (g * LIFE + off, Some((g + 1) * LIFE + off + 45)),
        Behaviour::Rolling => {
            let at = |g: i64| g * ROLL_EVERY + off + 60 + slot * 90;
            (at(g), Some(at(g + 1) + 45))
        }
        Behaviour::CrashLoop => {
            // Anchored to the clock, not the service's offset: the rollout
            // is planted at a known minute (docs/changes.md).
            let (cycle, i) = (g.div_euclid(CRASH_GENS), g.rem_euclid(CRASH_GENS));
            let base = cycle * CYCLE + HEAVY_AT;
            // Half a generation apart, the two slots are never both down:
            // one task always runs (and shows which image checkout runs).
            if i < SHORT_GENS {
                let c = base + i * CRASH_EVERY + slot * (CRASH_EVERY / 2);
                (c, Some(c + 120))
            } else {
                // The long-lived tasks crash 375 s apart, never two in five
                // minutes; the last gives way to the next rollout's first.
                let c = base + HEAVY_LEN + (i - SHORT_GENS) * 750 + slot * 375;
                (c, Some((c + 600).min(base + CYCLE + slot * (CRASH_EVERY / 2))))
            }
        }
        Behaviour::Unplaceable if slot >= 2 => (g * 3600 + off, None),
        Behaviour::Unplaceable => (g * LIFE + off, None),
    }
}

fn period(svc: &SvcSpec, slot: u32) -> i64 {
    match svc.behaviour {
        Behaviour::Steady => LIFE,
        Behaviour::Unplaceable if slot < 2 => LIFE,
        Behaviour::Rolling => ROLL_EVERY,
        Behaviour::CrashLoop => CYCLE,
        Behaviour::Unplaceable => 3600,
    }
}

/// The task definition revision (past 40) a task generation runs: the crash
/// loop's generations run their cycle's rollout.
fn revision(svc: &SvcSpec, g: i64) -> i64 {
    match svc.behaviour {
        Behaviour::CrashLoop => g.div_euclid(CRASH_GENS).rem_euclid(100),
        _ => g.rem_euclid(100),
    }
}

fn ts(s: i64) -> Option<DateTime<Utc>> {
    Utc.timestamp_opt(s, 0).single()
}

fn task_at(
    svc: &SvcSpec,
    seed: u64,
    slot: u32,
    g: i64,
    created: i64,
    stop: Option<i64>,
    now: i64,
    deployment: &str,
) -> Task {
    let id = hex(&[seed, str_id(&svc.name), slot as u64, g as u64], 32);
    let mut t = Task {
        id,
        service: Some(svc.name.as_str().into()),
        task_definition: compact_str::format_compact!("{}:{}", svc.name, 40 + revision(svc, g)),
        launch_type: svc.launch.into(),
        capacity_provider: svc.capacity_provider.map(Into::into),
        cpu: Some(compact_str::ToCompactString::to_compact_string(&svc.cpu)),
        memory: Some(compact_str::ToCompactString::to_compact_string(&svc.memory)),
        // Graviton for the API and the workers, as a cost-minded team runs them.
        architecture: (svc.launch == "FARGATE")
            .then(|| if matches!(svc.name.as_str(), "api" | "worker") { "arm64" } else { "x86_64" }.into()),
        desired_status: "RUNNING".into(),
        ..Default::default()
    };
    let container = |status: &str| Container {
        name: svc.name.as_str().into(),
        last_status: status.into(),
        exit_code: None,
        reason: None,
        image: None,
        image_digest: None,
    };
    match stop {
        Some(s) if now >= s => {
            let q = now - s;
            t.desired_status = "STOPPED".into();
            t.started_at = ts(created + 38);
            let (code, reason, exit, creason) = match svc.behaviour {
                Behaviour::CrashLoop => (
                    "EssentialContainerExited",
                    "Essential container in task exited".to_string(),
                    137,
                    Some("OutOfMemoryError: Container killed due to memory usage".to_string()),
                ),
                _ => (
                    "ServiceSchedulerInitiated",
                    format!("Scaling activity initiated by (deployment {deployment})"),
                    0,
                    None,
                ),
            };
            t.stop_code = Some(code.into());
            t.stopped_reason = Some(reason);
            t.last_status = match q {
                0..=9 => "DEACTIVATING",
                10..=19 => "STOPPING",
                20..=29 => "DEPROVISIONING",
                _ => "STOPPED",
            }
            .into();
            if q >= 30 {
                t.stopped_at = ts(s + 30);
            }
            // One container: a pushed-to vector would reserve four.
            t.containers = vec![Container {
                exit_code: Some(exit),
                reason: creason,
                ..container("STOPPED")
            }];
        }
        _ => {
            let q = now - created;
            t.last_status =
                if stop.is_none() && svc.behaviour == Behaviour::Unplaceable && slot >= 2 {
                    "PROVISIONING"
                } else {
                    match q {
                        i64::MIN..=14 => "PROVISIONING",
                        15..=29 => "PENDING",
                        30..=37 => "ACTIVATING",
                        _ => "RUNNING",
                    }
                }
                .into();
            if t.last_status == "RUNNING" {
                t.started_at = ts(created + 38);
                t.health = Some("HEALTHY".into());
            }
            t.containers = vec![container(if t.last_status == "RUNNING" {
                "RUNNING"
            } else {
                "PENDING"
            })];
        }
    }
    t
}

fn service_at(svc: &SvcSpec, seed: u64, now: i64) -> (Service, Vec<Task>) {
    let off = (hash(&[seed, str_id(&svc.name)]) % period(svc, 0) as u64) as i64;
    let deployment_no = (now - off).div_euclid(ROLL_EVERY);
    let deployment = format!(
        "ecs-svc/{:019}",
        hash(&[seed, str_id(&svc.name), deployment_no as u64]) % 10_000_000_000_000_000_000
    );
    let mut tasks = Vec::new();
    let kept = if svc.behaviour == Behaviour::CrashLoop { CRASHED_KEPT_S } else { STOPPED_KEPT_S };
    for slot in 0..svc.desired {
        let mut g = match svc.behaviour {
            Behaviour::CrashLoop => (now.div_euclid(CYCLE) + 1) * CRASH_GENS,
            _ => (now - off).div_euclid(period(svc, slot)) + 1,
        };
        // Walk back through this slot's generations until they stopped too long ago.
        for _ in 0..40 {
            let (created, stop) = schedule(svc, off, slot, g);
            g -= 1;
            if created > now {
                continue;
            }
            if let Some(s) = stop {
                if now - (s + 30) > kept {
                    break;
                }
            }
            tasks.push(task_at(
                svc,
                seed,
                slot,
                g + 1,
                created,
                stop,
                now,
                &deployment,
            ));
            if stop.is_none() {
                break; // a task that never stops has no older generations to show
            }
        }
    }
    let count = |f: &dyn Fn(&Task) -> bool| tasks.iter().filter(|t| f(t)).count() as u32;
    let running = count(&|t| t.last_status == "RUNNING");
    let pending = count(&|t| t.is_starting());
    let crashed = count(&|t| t.stop_code.as_deref() == Some("EssentialContainerExited"));
    // The crash loop's latest rollout: its PRIMARY deployment's createdAt.
    let rollout_no = (now - ROLLOUT_AT).div_euclid(CYCLE);
    let crash_loop = svc.behaviour == Behaviour::CrashLoop;
    let rolling = svc.behaviour == Behaviour::Rolling
        && (now - off).rem_euclid(ROLL_EVERY) < 60 + svc.desired as i64 * 90 + 60;
    let minute = (now / 60) as u64;
    let jitter_at = |minute: u64, k| (unit(&[seed, str_id(&svc.name), minute, k]) - 0.5) * 12.0;
    let jitter = |k| jitter_at(minute, k);
    let mut events = Vec::new();
    let last_event = |every: i64| now - (now - off).rem_euclid(every);
    match svc.behaviour {
        Behaviour::Unplaceable => events.push(ServiceEvent {
            at: ts(last_event(300)).unwrap_or_default(),
            message: format!("(service {}) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance {}) has insufficient memory available. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.", svc.name, hex(&[seed, 1], 32)),
        }),
        Behaviour::CrashLoop => events.push(ServiceEvent {
            at: ts(last_event(CRASH_EVERY)).unwrap_or_default(),
            message: format!("(service {}) has started 1 tasks: (task {}).", svc.name, tasks.first().map(|t| t.id.as_str()).unwrap_or("")),
        }),
        _ if rolling => events.push(ServiceEvent {
            at: ts(last_event(90)).unwrap_or_default(),
            message: format!("(service {}) has started 1 tasks: (task {}).", svc.name, tasks.first().map(|t| t.id.as_str()).unwrap_or("")),
        }),
        _ => events.push(ServiceEvent {
            at: ts(last_event(6 * 3600)).unwrap_or_default(),
            message: format!("(service {}) has reached a steady state.", svc.name),
        }),
    }
    let memory_base = if svc.behaviour == Behaviour::CrashLoop { 93.0 } else { svc.load * 1.2 };
    let service = Service {
        name: svc.name.clone(),
        status: "ACTIVE".into(),
        launch_type: svc.launch.into(),
        capacity_provider: svc.capacity_provider.map(str::to_string),
        desired: svc.desired,
        running,
        pending,
        rollout_state: Some(if rolling { "IN_PROGRESS" } else { "COMPLETED" }.into()),
        deployments: if rolling { 2 } else { 1 },
        task_definition: format!(
            "{}:{}",
            svc.name,
            40 + if crash_loop { rollout_no } else { deployment_no }.rem_euclid(100)
        ),
        deployed_at: crash_loop.then(|| ts(rollout_no * CYCLE + ROLLOUT_AT)).flatten(),
        metrics_pending: false,
        // Last week's same minute from the same seed: as loaded as now.
        week_ago: (running > 0).then(|| {
            let then = minute - crate::baseline::WEEK.num_minutes() as u64;
            ServiceWeekAgo {
                cpu_pct: Some(((svc.load + jitter_at(then, 1)).clamp(0.5, 99.0) * 10.0).round() / 10.0),
                memory_pct: Some(((memory_base + jitter_at(then, 2)).clamp(1.0, 99.9) * 10.0).round() / 10.0),
            }
        }),
        // The demo account has no anomaly detectors.
        band: None,
        cpu_pct: (running > 0)
            .then(|| ((svc.load + jitter(1)).clamp(0.5, 99.0) * 10.0).round() / 10.0),
        memory_pct: (running > 0).then(|| ((memory_base + jitter(2)).clamp(1.0, 99.9) * 10.0).round() / 10.0),
        events,
        rollout_events: Vec::new(),
        recently_stopped: crashed,
        image: None,
        usage: None,
        tasks_say: None,
    };
    (service, tasks)
}

fn ecs_at(spec: &EcsSpec, seed: u64, region: &str, now: DateTime<Utc>) -> EcsData {
    let now_s = now.timestamp();
    let mut clusters: Vec<Cluster> = spec
        .clusters
        .iter()
        .map(|(name, cps, _)| Cluster {
            name: name.clone(),
            region: region.to_string(),
            status: "ACTIVE".into(),
            capacity_providers: cps.iter().map(|c| c.to_string()).collect(),
            ..Default::default()
        })
        .collect();
    for svc in &spec.services {
        let (service, mut tasks) = service_at(svc, seed, now_s);
        // Started from the demo account's images, which the ECR demo lists.
        let repo = crate::source::demo_images::repo_for(&svc.name);
        for t in &mut tasks {
            let at = t.started_at.unwrap_or(now);
            let v = crate::source::demo_images::running_version(seed, repo, at);
            for k in &mut t.containers {
                k.image = Some(crate::source::demo_images::demo_image(region, repo, v));
                k.image_digest = Some(crate::source::demo_images::demo_digest(seed, repo, v));
            }
        }
        let c = &mut clusters[svc.cluster];
        c.services.push(service);
        c.tasks.extend(tasks);
    }
    // A cluster's tasks grew service by service: the doubling's spare room
    // would be held as long as the read.
    for c in &mut clusters {
        c.tasks.shrink_to_fit();
    }
    for (i, (_, _, instances)) in spec.clusters.iter().enumerate() {
        let c = &mut clusters[i];
        for n in 0..*instances {
            let on_this: Vec<&Task> = c
                .tasks
                .iter()
                .filter(|t| {
                    t.launch_type == "EC2"
                        && t.last_status == "RUNNING"
                        && hash(&[str_id(&t.id)]) % *instances as u64 == n as u64
                })
                .collect();
            let cpu: i64 = on_this
                .iter()
                .filter_map(|t| t.cpu.as_deref()?.parse::<i64>().ok())
                .sum();
            let mem: i64 = on_this
                .iter()
                .filter_map(|t| t.memory.as_deref()?.parse::<i64>().ok())
                .sum();
            c.container_instances.push(ContainerInstance {
                id: hex(&[seed, i as u64, n as u64, 77], 32),
                ec2_instance_id: Some(format!("i-{}", hex(&[seed, i as u64, n as u64, 78], 17))),
                status: "ACTIVE".into(),
                agent_connected: true,
                running_tasks: on_this.len() as u32,
                pending_tasks: 0,
                cpu_remaining: (4096 - cpu).max(0),
                memory_remaining_mb: (15_576 - mem).max(0),
                cpu_registered: Some(4096),
            });
        }
    }
    EcsData { clusters }
}
