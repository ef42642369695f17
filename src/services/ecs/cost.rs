//! What a service's running tasks cost: Fargate vCPU-hours and GB-hours by
//! architecture (Spot at the configured discount, said to be an assumption),
//! or, on EC2 container instances, its share of their registered CPU, since
//! the instances are billed as EC2 and not by the task.

use super::domain::{EcsData, Service, Task};
use crate::cost::{Estimate, PriceBook};

/// A running task's size and where it runs: what its price is read from.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskSize {
    pub vcpu: f64,
    pub gb: f64,
    /// `None`: the task does not say (priced as x86_64, and the basis says so).
    pub arm: Option<bool>,
    pub spot: bool,
    pub fargate: bool,
}

/// A service's running tasks, joined from its cluster on every refresh.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Usage {
    pub region: String,
    pub tasks: Vec<TaskSize>,
    /// CPU units registered by the cluster's active container instances.
    pub registered_cpu: Option<f64>,
}

fn size(t: &Task) -> Option<TaskSize> {
    let units = |v: &Option<compact_str::CompactString>| v.as_deref()?.parse::<f64>().ok();
    let fargate = t.launch_type == "FARGATE"
        || t.capacity_provider.as_deref().is_some_and(|c| c.starts_with("FARGATE"));
    Some(TaskSize {
        vcpu: units(&t.cpu)? / 1024.0,
        gb: units(&t.memory)? / 1024.0,
        arm: t.architecture.as_deref().map(|a| a == "arm64"),
        spot: t.capacity_provider.as_deref() == Some("FARGATE_SPOT"),
        fargate,
    })
}

pub fn join(state: &mut EcsData) {
    for c in &mut state.clusters {
        let registered: f64 = c
            .container_instances
            .iter()
            .filter(|i| i.status == "ACTIVE")
            .filter_map(|i| i.cpu_registered)
            .map(|v| v as f64)
            .sum();
        for s in &mut c.services {
            let tasks = c
                .tasks
                .iter()
                .filter(|t| t.last_status == "RUNNING" && t.service.as_deref() == Some(s.name.as_str()))
                .filter_map(size)
                .collect();
            s.usage = Some(Usage {
                region: c.region.clone(),
                tasks,
                registered_cpu: (registered > 0.0).then_some(registered),
            });
        }
    }
}

/// Task sizes as ECS writes them: 0.25 vCPU, 0.5 GB, 30 GB.
fn num(v: f64) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// "3 tasks × 0.5 vCPU × 1 GB", or the totals when the sizes differ.
fn sizes(tasks: &[&TaskSize]) -> String {
    let (v, g): (f64, f64) = tasks.iter().fold((0.0, 0.0), |(v, g), t| (v + t.vcpu, g + t.gb));
    let n = tasks.len();
    let word = if n == 1 { "task" } else { "tasks" };
    if tasks.windows(2).all(|w| w[0].vcpu == w[1].vcpu && w[0].gb == w[1].gb) {
        format!("{n} {word} × {} vCPU × {} GB", num(tasks[0].vcpu), num(tasks[0].gb))
    } else {
        format!("{n} {word}, {} vCPU and {} GB in all", num(v), num(g))
    }
}

pub fn estimate(s: &Service, book: &PriceBook) -> Estimate {
    let Some(u) = &s.usage else {
        return Estimate::Unread;
    };
    if u.tasks.is_empty() {
        return if s.running_now() == 0 {
            Estimate::Usd { per_hour: 0.0, window: None, basis: "no running tasks".into() }
        } else {
            // Running by the service's count, but no task read to size them.
            Estimate::Unread
        };
    }
    let fargate: Vec<&TaskSize> = u.tasks.iter().filter(|t| t.fargate).collect();
    let ec2: Vec<&TaskSize> = u.tasks.iter().filter(|t| !t.fargate).collect();
    if fargate.is_empty() {
        let Some(registered) = u.registered_cpu else {
            return Estimate::Unpriced(format!(
                "{} on EC2 container instances, billed as EC2; their capacity was not read",
                sizes(&ec2)
            ));
        };
        let used: f64 = ec2.iter().map(|t| t.vcpu * 1024.0).sum();
        return Estimate::Share {
            pct: 100.0 * used / registered,
            basis: format!(
                "{} of the cluster's {} registered vCPU on EC2 container instances, billed as EC2",
                sizes(&ec2),
                num(registered / 1024.0)
            ),
        };
    }
    let r = match book.region(&u.region).and_then(|r| Ok((r.section(&r.fargate, "Fargate")?, r))) {
        Ok(x) => x,
        Err(why) => return Estimate::Unpriced(why.into()),
    };
    let (p, region) = r;
    let spot = book.spot_factor();
    let per_hour: f64 = fargate
        .iter()
        .map(|t| {
            let (cpu, gb) = if t.arm == Some(true) {
                (p.usd_per_vcpu_hour_arm64, p.usd_per_gb_hour_arm64)
            } else {
                (p.usd_per_vcpu_hour_x86_64, p.usd_per_gb_hour_x86_64)
            };
            (t.vcpu * cpu + t.gb * gb) * if t.spot { spot } else { 1.0 }
        })
        .sum();
    let arch = if fargate.iter().all(|t| t.arm == Some(true)) {
        "arm64"
    } else if fargate.iter().all(|t| t.arm == Some(false)) {
        "x86_64"
    } else if fargate.iter().all(|t| t.arm.is_none()) {
        "x86_64 (assumed: the tasks do not say)"
    } else {
        "x86_64 and arm64"
    };
    let spot_tasks = fargate.iter().filter(|t| t.spot).count();
    let spot_note = match spot_tasks {
        0 => String::new(),
        n => format!(
            ", {n} on Spot at {}% off (assumed)",
            num(book.spot_discount_pct)
        ),
    };
    let ec2_note = match ec2.len() {
        0 => String::new(),
        n => format!(", {n} more on EC2 not counted"),
    };
    Estimate::Usd {
        per_hour,
        window: None,
        basis: format!("{}, Fargate {arch}{spot_note}{ec2_note}, {}", sizes(&fargate), region.label_of("fargate")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::ecs::domain::{Cluster, ContainerInstance};

    fn task(svc: &str, cpu: u32, mem: u32, cp: &str, arch: Option<&str>) -> Task {
        Task {
            id: format!("{svc}-{cpu}-{cp}"),
            service: Some(svc.into()),
            last_status: "RUNNING".into(),
            launch_type: if cp.starts_with("FARGATE") { "FARGATE" } else { "EC2" }.into(),
            capacity_provider: Some(cp.into()),
            cpu: Some(cpu.to_string().into()),
            memory: Some(mem.to_string().into()),
            architecture: arch.map(Into::into),
            ..Default::default()
        }
    }

    fn priced(tasks: Vec<Task>, instances: Vec<ContainerInstance>) -> Estimate {
        let mut d = EcsData {
            clusters: vec![Cluster {
                name: "c".into(),
                region: "us-east-1".into(),
                services: vec![Service { name: "s".into(), running: tasks.len() as u32, ..Default::default() }],
                tasks,
                container_instances: instances,
                ..Default::default()
            }],
        };
        join(&mut d);
        estimate(&d.clusters[0].services[0], crate::services::builtin_prices())
    }

    fn hourly(e: &Estimate) -> f64 {
        e.per_hour().unwrap_or_else(|| panic!("not priced: {e:?}"))
    }

    #[test]
    fn fargate_tasks_are_priced_by_size_and_architecture() {
        // 3 × (0.5 vCPU × $0.04048 + 1 GB × $0.004445) = 3 × $0.024685 = $0.074055/h.
        let x86: Vec<Task> = (0..3).map(|_| task("s", 512, 1024, "FARGATE", Some("x86_64"))).collect();
        let e = priced(x86, vec![]);
        assert!((hourly(&e) - 0.074055).abs() < 1e-9, "{}", hourly(&e));
        assert!(e.basis().starts_with("3 tasks × 0.5 vCPU × 1 GB, Fargate x86_64"), "{}", e.basis());
        assert!(e.basis().ends_with("us-east-1 bundled 2026-11"), "{}", e.basis());
        // arm64: 0.5 × $0.03238 + 1 × $0.00356 = $0.01975 a task.
        let arm = priced(vec![task("s", 512, 1024, "FARGATE", Some("arm64"))], vec![]);
        assert!((hourly(&arm) - 0.01975).abs() < 1e-9, "{}", hourly(&arm));
    }

    #[test]
    fn spot_tasks_get_the_assumed_discount_and_say_so() {
        // 1 vCPU × 2 GB on Spot: (0.04048 + 2 × 0.004445) × 0.3 = $0.014811/h.
        let e = priced(vec![task("s", 1024, 2048, "FARGATE_SPOT", Some("x86_64"))], vec![]);
        assert!((hourly(&e) - 0.014811).abs() < 1e-9, "{}", hourly(&e));
        assert!(e.basis().contains("1 on Spot at 70% off (assumed)"), "{}", e.basis());
    }

    #[test]
    fn a_task_that_does_not_name_its_architecture_is_priced_as_x86_and_says_so() {
        let e = priced(vec![task("s", 256, 512, "FARGATE", None)], vec![]);
        assert!(e.basis().contains("assumed: the tasks do not say"), "{}", e.basis());
    }

    #[test]
    fn ec2_services_show_their_share_of_registered_cpu() {
        let instance = |cpu| ContainerInstance {
            status: "ACTIVE".into(),
            cpu_registered: Some(cpu),
            ..Default::default()
        };
        let tasks = vec![task("s", 1024, 2048, "asg", None), task("s", 1024, 2048, "asg", None)];
        let e = priced(tasks.clone(), vec![instance(4096), instance(4096)]);
        assert_eq!(e, Estimate::Share { pct: 25.0, basis: e.basis().to_string() });
        assert_eq!(e.cell(), "25%EC2");
        // Capacity not read: no share invented.
        assert_eq!(priced(tasks, vec![]).cell(), "?");
    }

    #[test]
    fn a_service_with_no_tasks_costs_nothing_but_unread_tasks_are_not_zero() {
        assert_eq!(priced(vec![], vec![]).per_hour(), Some(0.0));
        let s = Service { running: 2, ..Default::default() };
        assert_eq!(estimate(&s, crate::services::builtin_prices()), Estimate::Unread);
    }
}
