#!/usr/bin/env python3
"""Drives a moto server for awstop's integration tests.

    ctl.py URL configure          server settings the tests rely on
    ctl.py URL seed SCENARIO      seed an account; print the seeded truth as JSON
    ctl.py URL recorder start     record every request from now on
    ctl.py URL recorder ops       stop recording; print the operations seen as JSON
    ctl.py URL recorder functions stop recording; print the functions each GetMetricData asked for
    ctl.py URL recorder peek      the same, while recording goes on
    ctl.py URL function-in REGION NAME   one more function, in another region
    ctl.py URL org N CLOSED       an organization of N member accounts, the last CLOSED of them closed; print its truth
    ctl.py URL function-in-account ID NAME   a function in member account ID, created through its role
    ctl.py URL key-in-account ID USER   an IAM user's access key in member account ID; print it
    ctl.py URL week-over-week     functions with metrics now and the same minutes 7 days ago; print both sums
    ctl.py URL week-over-week-rooms   APIs and ECS services with metrics now and 7 days ago; print both

The truth printed by `seed` is what an independent client (boto3) reads back,
plus the metric sums computed from the values the seed put in.
"""
import base64
import datetime as dt
import io
import json
import sys
import urllib.parse
import zipfile

import boto3
import requests

SECRET = "SECRET-VALUE-7f3a9c"  # must never appear in anything awstop prints


def clients(url, region="us-east-1"):
    kw = dict(endpoint_url=url, region_name=region, aws_access_key_id="testing", aws_secret_access_key="testing")
    return {name: boto3.client(name, **kw) for name in ["iam", "lambda", "cloudwatch", "ecs", "ec2", "batch", "logs", "eks", "ecr", "emr",
                                                       "sqs", "apigateway", "apigatewayv2", "kinesis"]}


def configure(url):
    requests.post(url + "/moto-api/config", json={"lambda": {"use_docker": False}, "batch": {"use_docker": False}}).raise_for_status()
    # Without this every DescribeTasks moves each task one step toward STOPPED.
    requests.post(url + "/moto-api/state-manager/set-transition",
                  json={"model_name": "ecs::task", "transition": {"progression": "manual", "times": 1000000}}).raise_for_status()


def zip_code():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("app.py", "def handler(event, context):\n    return 1\n")
    return buf.getvalue()


def minute_ago(now, k):
    return now - dt.timedelta(minutes=k) + dt.timedelta(seconds=10)


def seed_lambda(c, n_functions, minutes, with_metrics):
    role = c["iam"].create_role(RoleName="lambda-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    code = zip_code()
    now = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)
    truth = {}
    runtimes = ["python3.12", "nodejs20.x", "java21"]
    for i in range(n_functions):
        name = "orders-api" if i == 0 else f"fn-{i:04d}"
        cfg = dict(FunctionName=name, Runtime=runtimes[i % 3], Role=role, Handler="app.handler", Code={"ZipFile": code},
                   MemorySize=[128, 512, 1024][i % 3], Timeout=[3, 30, 900][i % 3], Architectures=[["x86_64"], ["arm64"]][i % 2],
                   Environment={"Variables": {"DB_PASSWORD": SECRET, "LOG_LEVEL": "info"}})
        c["lambda"].create_function(**cfg)
        if i >= with_metrics:
            # No datapoints: CloudWatch's way of saying "not invoked".
            truth[name] = {"runtime": cfg["Runtime"], "memory_mb": cfg["MemorySize"], "timeout_s": cfg["Timeout"],
                           "architecture": cfg["Architectures"][0], "package_type": "Zip", "invocations": 0.0,
                           "errors": 0.0, "throttles": 0.0, "duration_avg_ms": None, "duration_max_ms": None,
                           "concurrent_max": 0.0}
            continue
        inv = [(10 + i % 7) * k for k in range(1, minutes + 1)]
        err = [k % 3 for k in range(1, minutes + 1)]
        dur = [20.0 + 5 * k + i for k in range(1, minutes + 1)]
        data = []
        for k in range(minutes):
            dims = [{"Name": "FunctionName", "Value": name}]
            t = minute_ago(now, k + 1)
            data += [
                {"MetricName": "Invocations", "Dimensions": dims, "Timestamp": t, "Value": inv[k]},
                {"MetricName": "Errors", "Dimensions": dims, "Timestamp": t, "Value": err[k]},
                {"MetricName": "Duration", "Dimensions": dims, "Timestamp": t, "Value": dur[k]},
                {"MetricName": "ConcurrentExecutions", "Dimensions": dims, "Timestamp": t, "Value": 1 + k % 4},
            ]
        for chunk in range(0, len(data), 500):
            c["cloudwatch"].put_metric_data(Namespace="AWS/Lambda", MetricData=data[chunk:chunk + 500])
        truth[name] = {
            "runtime": cfg["Runtime"], "memory_mb": cfg["MemorySize"], "timeout_s": cfg["Timeout"],
            "architecture": cfg["Architectures"][0], "package_type": "Zip",
            "invocations": float(sum(inv)), "errors": float(sum(err)), "throttles": 0.0,
            "duration_avg_ms": round(sum(a * b for a, b in zip(inv, dur)) / sum(inv), 2),
            "duration_max_ms": max(dur), "concurrent_max": float(max(1 + k % 4 for k in range(minutes))),
        }
    return truth


def seed_logs(c, function, now):
    """REPORT records in every form at known times, plus noise; returns the truth."""
    group = f"/aws/lambda/{function}"
    c["logs"].create_log_group(logGroupName=group)
    c["logs"].create_log_stream(logGroupName=group, logStreamName="2026/11/22/[$LATEST]0f1e2d3c")
    base = int((now - dt.timedelta(minutes=5)).timestamp() * 1000)
    lines = [
        "START RequestId: 11111111-aaaa Version: $LATEST",
        "REPORT RequestId: 11111111-aaaa\tDuration: 12.50 ms\tBilled Duration: 13 ms\tMemory Size: 512 MB\tMax Memory Used: 70 MB\tInit Duration: 200.50 ms\t",
        "END RequestId: 11111111-aaaa",
        "REPORT RequestId: 22222222-bbbb\tDuration: 3.10 ms\tBilled Duration: 4 ms\tMemory Size: 512 MB\tMax Memory Used: 71 MB\t",
        "2026-11-22T14:00:00.000Z\t33333333\tINFO\tprocessed order 42, REPORT follows",
        "REPORT RequestId: 33333333-cccc\tDuration: 2.90 ms\tBilled Duration: 3 ms\tMemory Size: 512 MB\tMax Memory Used: 71 MB\t",
        '{"time":"2026-11-22T14:00:01.000Z","type":"platform.report","record":{"requestId":"44444444-dddd","metrics":{"durationMs":20.0,"billedDurationMs":21,"memorySizeMB":512,"maxMemoryUsedMB":80,"initDurationMs":300.0},"status":"success"}}',
        '{"time":"2026-11-22T14:00:02.000Z","type":"platform.start","record":{"requestId":"55555555-eeee"}}',
        "REPORT RequestId: 66666666-ffff\tDuration: 5.00 ms\tBilled Duration: 90 ms\tMemory Size: 512 MB\tMax Memory Used: 120 MB\tRestore Duration: 100.00 ms\tBilled Restore Duration: 40 ms\t",
        "REPORT RequestId: 77777777-0000\tDuration: 30000.00 ms\tBilled Duration: 30000 ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB\tStatus: timeout\t\nXRAY TraceId: 1-5e1b4151-5ac6c58f5b5d\tSegmentId: 2b3c\tSampled: true",
        "REPORT RequestId: 88888888-1111\tDuration: 4.00 ms\tBilled Duration: 5 ms\tMemory Size: 512 MB\tMax Memory Used: 71 MB\t",
        "REPORT RequestId: 99999999-2222\tDuration: not-a-number",
    ]
    events = [{"timestamp": base + i * 10_000, "message": m} for i, m in enumerate(lines)]
    c["logs"].put_log_events(logGroupName=group, logStreamName="2026/11/22/[$LATEST]0f1e2d3c", logEvents=events)
    # Cold: 200.5 (init), 300.0 (JSON init), 100.0 (the restore alone, not the duration after it).
    return {"count": 3, "records": 7, "rate_pct": round(100 * 3 / 7, 3), "init_p50_ms": 200.5, "init_max_ms": 300.0}


# What anyone allowed to stop a task can plant in its reason: a window title
# (OSC 0), a clipboard write (OSC 52), a colour change and a right-to-left
# override that makes "txt.exe" read as "exe.txt".
HOSTILE = "\x1b]0;PWNED\x07\x1b]52;c;cHduZWQ=\x07\x1b[31mred evil\u202etxt.exe"


def seed_ecs(c, services, tasks_per_service, stopped_per_service, task_size, reason="Essential container in task exited"):
    ecs, ec2 = c["ecs"], c["ec2"]
    ecs.create_cluster(clusterName="web", capacityProviders=["FARGATE", "FARGATE_SPOT"])
    ecs.create_cluster(clusterName="jobs")
    ecs.register_task_definition(family="app", containerDefinitions=[{
        "name": "app", "image": "nginx", "memory": task_size[1], "cpu": task_size[0], "essential": True,
        "environment": [{"name": "DB_PASSWORD", "value": SECRET}]}])
    utilisation = {}
    for cluster in ["web", "jobs"]:
        instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
        ecs.register_container_instance(cluster=cluster, instanceIdentityDocument=json.dumps({"instanceId": instance}))
    for i in range(services):
        cluster = "web" if i % 2 == 0 else "jobs"
        name = f"svc-{i:03d}"
        ecs.create_service(cluster=cluster, serviceName=name, taskDefinition="app", desiredCount=tasks_per_service)
        started = []
        for n in range(0, tasks_per_service + stopped_per_service, 10):
            count = min(10, tasks_per_service + stopped_per_service - n)
            started += ecs.run_task(cluster=cluster, taskDefinition="app", count=count, group=f"service:{name}",
                                    launchType="EC2", overrides={"containerOverrides": [{"name": "app", "environment": [{"name": "TOKEN", "value": SECRET}]}]})["tasks"]
        for t in started[:stopped_per_service]:
            ecs.stop_task(cluster=cluster, task=t["taskArn"], reason=reason)
        # Container Insights-style service utilisation, one minute ago.
        now = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)
        dims = [{"Name": "ClusterName", "Value": cluster}, {"Name": "ServiceName", "Value": name}]
        c["cloudwatch"].put_metric_data(Namespace="AWS/ECS", MetricData=[
            {"MetricName": "CPUUtilization", "Dimensions": dims, "Timestamp": minute_ago(now, 1), "Value": 10.5 + i},
            {"MetricName": "MemoryUtilization", "Dimensions": dims, "Timestamp": minute_ago(now, 1), "Value": 40.4 + i},
        ])
        utilisation[name] = {"cpu_pct": 10.5 + i, "memory_pct": round(40.4 + i, 1)}
    # Ground truth as boto3 reads it back: tasks by last status per service.
    truth = {}
    for cluster in ecs.list_clusters()["clusterArns"]:
        name = cluster.rsplit("/", 1)[-1]
        arns = set()
        for status in ["RUNNING", "STOPPED"]:
            for page in ecs.get_paginator("list_tasks").paginate(cluster=cluster, desiredStatus=status):
                arns.update(page["taskArns"])
        by = {}
        arns = sorted(arns)
        for k in range(0, len(arns), 100):
            for t in ecs.describe_tasks(cluster=cluster, tasks=arns[k:k + 100])["tasks"]:
                svc = (t.get("group") or "").removeprefix("service:") or None
                key = f"{svc}/{t['lastStatus']}"
                by[key] = by.get(key, 0) + 1
        services_ = []
        for page in ecs.get_paginator("list_services").paginate(cluster=cluster):
            services_ += [a.rsplit("/", 1)[-1] for a in page["serviceArns"]]
        truth[name] = {"tasks": by, "services": sorted(services_), "utilisation": {s: utilisation[s] for s in services_}}
    return truth


def seed_batch(c, queues, jobs_per_queue):
    batch = c["batch"]
    role = c["iam"].create_role(RoleName="batch-service", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    ce = batch.create_compute_environment(computeEnvironmentName="spot-ce", type="UNMANAGED", state="ENABLED", serviceRole=role)
    batch.register_job_definition(jobDefinitionName="nightly", type="container", containerProperties={
        "image": "busybox", "vcpus": 1, "memory": 128, "command": ["true"], "environment": [{"name": "TOKEN", "value": SECRET}]})
    for i in range(queues):
        q = f"queue-{i:02d}"
        batch.create_job_queue(jobQueueName=q, state="ENABLED", priority=10 - i,
                               computeEnvironmentOrder=[{"order": 1, "computeEnvironment": ce["computeEnvironmentArn"]}])
        for j in range(jobs_per_queue):
            batch.submit_job(jobName=f"job-{j}", jobQueue=q, jobDefinition="nightly")
    truth = {}
    for q in batch.describe_job_queues()["jobQueues"]:
        counts = {}
        for s in ["SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED"]:
            n = 0
            for page in batch.get_paginator("list_jobs").paginate(jobQueue=q["jobQueueName"], jobStatus=s):
                n += len(page["jobSummaryList"])
            counts[s] = n
        truth[q["jobQueueName"]] = counts
    return truth


SCENARIOS = {
    # A small account for correctness checks.
    "basic": dict(functions=3, minutes=10, with_metrics=3, services=3, tasks=2, stopped=1, task_size=(256, 512), queues=2, jobs=3),
    # The shape the benchmark prices: 1,000 functions, 50 services with 500 tasks,
    # 10 queues. Tasks are tiny so one container instance per cluster holds them,
    # and only 100 functions get datapoints: moto scans every datapoint per query.
    # More functions than fit on a screen.
    "wide": dict(functions=100, minutes=2, with_metrics=100, services=1, tasks=1, stopped=0, task_size=(2, 4), queues=1, jobs=1),
    # The basic account, with escape codes in every stopped task's reason.
    "hostile": dict(functions=1, minutes=2, with_metrics=1, services=1, tasks=1, stopped=2, task_size=(256, 512), queues=1, jobs=1, reason=HOSTILE),
    "bench": dict(functions=1000, minutes=2, with_metrics=100, services=50, tasks=10, stopped=0, task_size=(2, 4), queues=10, jobs=2),
    # The account of the first-impressions figures the dashboard is held to:
    # 1,000 functions, 5 services of 4 tasks, one job queue.
    "first-rows": dict(functions=1000, minutes=2, with_metrics=100, services=5, tasks=4, stopped=0, task_size=(2, 4), queues=1, jobs=2),
}


def manifest(layers):
    return json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 7023,
                   "digest": "sha256:" + "c" * 64},
        "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 32654 + i,
                    "digest": "sha256:" + (f"{layer:x}" * 64)[:64]} for i, layer in enumerate(layers)],
    })


def seed_containers(c):
    """EKS clusters with node groups and Fargate profiles; ECR repositories with images."""
    eks, ecr, ec2 = c["eks"], c["ecr"], c["ec2"]
    role = c["iam"].create_role(RoleName="eks-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    for name, version, groups, profiles in [
        ("prod", "1.30", [("general", "ON_DEMAND", ["m6i.large"], (2, 3, 6)), ("spot", "SPOT", ["m5.xlarge", "m5a.xlarge"], (0, 2, 10))], ["default"]),
        ("staging", "1.29", [("general", "ON_DEMAND", ["t3.large"], (1, 1, 2))], []),
    ]:
        eks.create_cluster(name=name, version=version, roleArn=role, resourcesVpcConfig={"subnetIds": [subnet]})
        for g, cap, types, (lo, want, hi) in groups:
            eks.create_nodegroup(clusterName=name, nodegroupName=g, subnets=[subnet], nodeRole=role, capacityType=cap,
                                 instanceTypes=types, scalingConfig={"minSize": lo, "desiredSize": want, "maxSize": hi})
        for p in profiles:
            eks.create_fargate_profile(clusterName=name, fargateProfileName=p, podExecutionRoleArn=role,
                                       selectors=[{"namespace": "default"}, {"namespace": "batch"}])
    truth = {"eks": {}, "ecr": {}}
    for name in eks.list_clusters()["clusters"]:
        cl = eks.describe_cluster(name=name)["cluster"]
        groups = {}
        for g in eks.list_nodegroups(clusterName=name)["nodegroups"]:
            ng = eks.describe_nodegroup(clusterName=name, nodegroupName=g)["nodegroup"]
            groups[g] = {"version": ng.get("version"), "status": ng["status"], "capacity_type": ng.get("capacityType"),
                         "instance_types": ng.get("instanceTypes", []), "desired": ng["scalingConfig"]["desiredSize"],
                         "min": ng["scalingConfig"]["minSize"], "max": ng["scalingConfig"]["maxSize"]}
        profiles = {}
        for p in eks.list_fargate_profiles(clusterName=name)["fargateProfileNames"]:
            fp = eks.describe_fargate_profile(clusterName=name, fargateProfileName=p)["fargateProfile"]
            profiles[p] = sorted(s["namespace"] for s in fp["selectors"])
        truth["eks"][name] = {"version": cl["version"], "status": cl["status"], "nodegroups": groups, "fargate": profiles}
    for repo, scan, images in [("web", True, [("v1", [1, 2]), ("v2", [1, 3])]), ("worker", False, [("v7", [4, 5, 6])])]:
        ecr.create_repository(repositoryName=repo, imageScanningConfiguration={"scanOnPush": scan}, imageTagMutability="IMMUTABLE")
        for tag, layers in images:
            ecr.put_image(repositoryName=repo, imageManifest=manifest(layers), imageTag=tag)
    for r in ecr.describe_repositories()["repositories"]:
        imgs = {}
        for i in ecr.describe_images(repositoryName=r["repositoryName"])["imageDetails"]:
            imgs[i["imageDigest"]] = sorted(i.get("imageTags", []))
        truth["ecr"][r["repositoryName"]] = {"uri": r["repositoryUri"], "scan_on_push": r["imageScanningConfiguration"]["scanOnPush"], "images": imgs}
    return truth


def seed_images(c):
    """One ECR repository of three images, and an ECS service whose task runs
    the last one pushed; the order moto lists the images in, and each tag's digest."""
    ecr, ecs, ec2 = c["ecr"], c["ecs"], c["ec2"]
    uri = ecr.create_repository(repositoryName="web")["repository"]["repositoryUri"]
    for tag, layers in [("v1", [1, 2]), ("v2", [1, 3]), ("v3", [1, 4])]:
        ecr.put_image(repositoryName="web", imageManifest=manifest(layers), imageTag=tag)
    ecs.create_cluster(clusterName="prod")
    ecs.register_task_definition(family="web", containerDefinitions=[{
        "name": "web", "image": f"{uri}:v3", "memory": 512, "cpu": 256, "essential": True}])
    instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    ecs.register_container_instance(cluster="prod", instanceIdentityDocument=json.dumps({"instanceId": instance}))
    ecs.create_service(cluster="prod", serviceName="web", taskDefinition="web", desiredCount=1)
    ecs.run_task(cluster="prod", taskDefinition="web", count=1, group="service:web", launchType="EC2")
    listed = ecr.describe_images(repositoryName="web")["imageDetails"]
    return {"uri": uri, "order": [i["imageTags"][0] for i in listed],
            "digests": {i["imageTags"][0]: i["imageDigest"] for i in listed}}


def seed_emr(c):
    """Two EMR clusters: one kept WAITING and idle for half an hour, one with
    steps (moto never moves their states), and what boto3 reads back."""
    emr, cw = c["emr"], c["cloudwatch"]
    now = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)
    groups = [
        {"Name": "master", "InstanceRole": "MASTER", "Market": "ON_DEMAND", "InstanceType": "m5.xlarge", "InstanceCount": 1},
        {"Name": "core", "InstanceRole": "CORE", "Market": "SPOT", "InstanceType": "m5.xlarge", "InstanceCount": 2, "BidPrice": "0.10"},
    ]
    step = lambda name: {"Name": name, "ActionOnFailure": "CONTINUE",
                         "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["spark-submit", f"s3://jobs/{name}.py"]}}
    # Cluster configurations can carry passwords: they must never leave the source.
    secret_config = [{"Classification": "hive-site", "Properties": {"javax.jdo.option.ConnectionPassword": SECRET}}]
    idle = emr.run_job_flow(Name="spark-nightly", ReleaseLabel="emr-7.1.0", JobFlowRole="EMR_EC2_DefaultRole",
                            ServiceRole="EMR_DefaultRole", Configurations=secret_config,
                            Instances={"InstanceGroups": groups, "KeepJobFlowAliveWhenNoSteps": True})["JobFlowId"]
    busy = emr.run_job_flow(Name="etl-hourly", ReleaseLabel="emr-6.15.0", JobFlowRole="EMR_EC2_DefaultRole",
                            ServiceRole="EMR_DefaultRole", Steps=[step("extract"), step("aggregate")],
                            Instances={"InstanceGroups": groups[:1], "KeepJobFlowAliveWhenNoSteps": True})["JobFlowId"]
    # IsIdle every five minutes: idle for the last 30 minutes on one, busy on the other.
    for cluster, value in [(idle, 1.0), (busy, 0.0)]:
        dims = [{"Name": "JobFlowId", "Value": cluster}]
        cw.put_metric_data(Namespace="AWS/ElasticMapReduce", MetricData=[
            {"MetricName": m, "Dimensions": dims, "Timestamp": now - dt.timedelta(minutes=5 * k), "Value": v}
            for k in range(7)
            for m, v in [("IsIdle", value), ("AppsRunning", 0.0 if value else 3.0), ("YARNMemoryAvailablePercentage", 100.0 if value else 42.0)]
        ])
    truth = {}
    for summary in emr.list_clusters()["Clusters"]:
        cid = summary["Id"]
        cl = emr.describe_cluster(ClusterId=cid)["Cluster"]
        truth[cid] = {
            "name": cl["Name"], "state": cl["Status"]["State"], "release_label": cl.get("ReleaseLabel"),
            "groups": sorted([g["InstanceGroupType"], g.get("Market", "ON_DEMAND"), g["InstanceType"], g["RequestedInstanceCount"], g["RunningInstanceCount"]]
                             for g in emr.list_instance_groups(ClusterId=cid)["InstanceGroups"]),
            "steps": [[st["Name"], st["Status"]["State"]] for st in emr.list_steps(ClusterId=cid)["Steps"]],
            "idle": cid == idle,
        }
    return {"clusters": truth, "secret": SECRET}


def seed_apis(c):
    """Functions behind a REST, an HTTP and a WebSocket API, fed by SQS (one
    mapping disabled) and Kinesis, one invokable by S3; API Gateway metrics
    with the right dimensions (v1: ApiName+Stage, 5XXError; v2: ApiId+Stage,
    5xx; WebSocket: ApiId+Stage, ConnectCount and MessageCount)."""
    lam, cw, v1, v2 = c["lambda"], c["cloudwatch"], c["apigateway"], c["apigatewayv2"]
    role = c["iam"].create_role(RoleName="api-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    arns = {}
    for name in ["orders-api", "cart-service", "queue-worker", "image-resize"]:
        arns[name] = lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="app.handler",
                                         Code={"ZipFile": zip_code()})["FunctionArn"]
    queues = {}
    for q in ["jobs", "dead-letters"]:
        url = c["sqs"].create_queue(QueueName=q)["QueueUrl"]
        queues[q] = c["sqs"].get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    lam.create_event_source_mapping(EventSourceArn=queues["jobs"], FunctionName="queue-worker", BatchSize=5, Enabled=True)
    lam.create_event_source_mapping(EventSourceArn=queues["dead-letters"], FunctionName="queue-worker", BatchSize=1, Enabled=False)
    c["kinesis"].create_stream(StreamName="clickstream", ShardCount=1)
    stream = c["kinesis"].describe_stream(StreamName="clickstream")["StreamDescription"]["StreamARN"]
    lam.create_event_source_mapping(EventSourceArn=stream, FunctionName="orders-api", BatchSize=100,
                                    StartingPosition="LATEST", Enabled=True)
    lam.add_permission(FunctionName="image-resize", StatementId="s3", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::uploads")
    region = "us-east-1"
    uri = lambda fn: f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arns[fn]}/invocations"
    rest = v1.create_rest_api(name="orders", endpointConfiguration={"types": ["REGIONAL"]})["id"]
    root = [r for r in v1.get_resources(restApiId=rest)["items"] if r["path"] == "/"][0]["id"]
    res = v1.create_resource(restApiId=rest, parentId=root, pathPart="orders")["id"]
    for method in ["GET", "POST"]:
        v1.put_method(restApiId=rest, resourceId=res, httpMethod=method, authorizationType="NONE")
        v1.put_integration(restApiId=rest, resourceId=res, httpMethod=method, type="AWS_PROXY",
                           integrationHttpMethod="POST", uri=uri("orders-api"))
    deployment = v1.create_deployment(restApiId=rest)["id"]
    # Stage variables often hold secrets: they must never leave the source.
    v1.create_stage(restApiId=rest, stageName="prod", deploymentId=deployment, variables={"DB_PASSWORD": SECRET})
    http = v2.create_api(Name="storefront", ProtocolType="HTTP")["ApiId"]
    integ = v2.create_integration(ApiId=http, IntegrationType="AWS_PROXY", IntegrationUri=arns["cart-service"],
                                  PayloadFormatVersion="2.0")["IntegrationId"]
    v2.create_route(ApiId=http, RouteKey="GET /cart", Target=f"integrations/{integ}")
    v2.create_stage(ApiId=http, StageName="$default", StageVariables={"TOKEN": SECRET})
    ws = v2.create_api(Name="live", ProtocolType="WEBSOCKET", RouteSelectionExpression="$request.body.action")["ApiId"]
    ws_integ = v2.create_integration(ApiId=ws, IntegrationType="AWS_PROXY", IntegrationUri=arns["queue-worker"])["IntegrationId"]
    v2.create_route(ApiId=ws, RouteKey="$default", Target=f"integrations/{ws_integ}")
    v2.create_stage(ApiId=ws, StageName="production")
    now = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)
    data_v1, data_v2 = [], []
    for k in range(1, 6):
        t = minute_ago(now, k)
        d1 = [{"Name": "ApiName", "Value": "orders"}, {"Name": "Stage", "Value": "prod"}]
        d2 = [{"Name": "ApiId", "Value": http}, {"Name": "Stage", "Value": "$default"}]
        data_v1 += [{"MetricName": "Count", "Dimensions": d1, "Timestamp": t, "Value": 100.0},
                    {"MetricName": "4XXError", "Dimensions": d1, "Timestamp": t, "Value": 2.0},
                    {"MetricName": "5XXError", "Dimensions": d1, "Timestamp": t, "Value": 5.0 if k == 1 else 0.0},
                    {"MetricName": "Latency", "Dimensions": d1, "Timestamp": t, "Value": 50.0},
                    {"MetricName": "IntegrationLatency", "Dimensions": d1, "Timestamp": t, "Value": 40.0}]
        data_v2 += [{"MetricName": "Count", "Dimensions": d2, "Timestamp": t, "Value": 20.0},
                    {"MetricName": "4xx", "Dimensions": d2, "Timestamp": t, "Value": 1.0},
                    {"MetricName": "5xx", "Dimensions": d2, "Timestamp": t, "Value": 0.0},
                    {"MetricName": "Latency", "Dimensions": d2, "Timestamp": t, "Value": 12.0},
                    {"MetricName": "IntegrationLatency", "Dimensions": d2, "Timestamp": t, "Value": 10.0}]
    data_ws = []
    for k in range(1, 6):
        t = minute_ago(now, k)
        d3 = [{"Name": "ApiId", "Value": ws}, {"Name": "Stage", "Value": "production"}]
        data_ws += [{"MetricName": "ConnectCount", "Dimensions": d3, "Timestamp": t, "Value": 3.0},
                    {"MetricName": "MessageCount", "Dimensions": d3, "Timestamp": t, "Value": 30.0},
                    {"MetricName": "ClientError", "Dimensions": d3, "Timestamp": t, "Value": 1.0},
                    {"MetricName": "ExecutionError", "Dimensions": d3, "Timestamp": t, "Value": 2.0 if k == 1 else 0.0}]
    cw.put_metric_data(Namespace="AWS/ApiGateway", MetricData=data_ws)
    cw.put_metric_data(Namespace="AWS/ApiGateway", MetricData=data_v1)
    cw.put_metric_data(Namespace="AWS/ApiGateway", MetricData=data_v2)
    mappings = {}
    for m in lam.list_event_source_mappings()["EventSourceMappings"]:
        fn = m["FunctionArn"].split(":function:")[1].split(":")[0]
        mappings.setdefault(fn, []).append({"source": m["EventSourceArn"], "state": m["State"], "batch_size": m.get("BatchSize")})
    return {
        "secret": SECRET,
        "mappings": mappings,
        "rest": {"id": rest, "name": "orders", "stage": "prod", "requests": 500.0, "errors_4xx": 10.0, "errors_5xx": 5.0,
                 "latency_avg_ms": 50.0, "integration_latency_avg_ms": 40.0, "routes": {"GET /orders": "orders-api", "POST /orders": "orders-api"}},
        "websocket": {"id": ws, "name": "live", "stage": "production", "connects": 15.0, "messages": 150.0,
                      "client_errors": 5.0, "execution_errors": 2.0, "routes": {"$default": "queue-worker"}},
        "http": {"id": http, "name": "storefront", "stage": "$default", "requests": 100.0, "errors_4xx": 5.0, "errors_5xx": 0.0,
                 "latency_avg_ms": 12.0, "integration_latency_avg_ms": 10.0, "routes": {"GET /cart": "cart-service"}},
    }


def seed(url, scenario):
    if scenario == "apis":
        json.dump(seed_apis(clients(url)), sys.stdout)
        return
    if scenario == "emr":
        json.dump(seed_emr(clients(url)), sys.stdout)
        return
    if scenario == "containers":
        json.dump(seed_containers(clients(url)), sys.stdout)
        return
    if scenario == "images":
        json.dump(seed_images(clients(url)), sys.stdout)
        return
    s = SCENARIOS[scenario]
    c = clients(url)
    truth = {"secret": SECRET, "lambda": seed_lambda(c, s["functions"], s["minutes"], s["with_metrics"])}
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    truth["cold_starts"] = {"orders-api": seed_logs(c, "orders-api", now)}
    # Batch first: moto creates an ECS cluster for each compute environment,
    # and the ECS truth must include it.
    truth["batch"] = seed_batch(c, s["queues"], s["jobs"])
    truth["ecs"] = seed_ecs(c, s["services"], s["tasks"], s["stopped"], s["task_size"],
                           s.get("reason", "Essential container in task exited"))
    json.dump(truth, sys.stdout)


SERVICES = {"monitoring": "cloudwatch", "lambda": "lambda", "ecs": "ecs", "batch": "batch", "sts": "sts", "logs": "logs",
            "eks": "eks", "ecr": "ecr", "elasticmapreduce": "emr", "lightsail": "lightsail",
            "apigateway": "apigateway", "sqs": "sqs", "cloudtrail": "cloudtrail"}
# REST operations are named by method and path.
REST = [
    ("lambda", "GET", "/2015-03-31/functions", "ListFunctions"),
    ("lambda", "GET", "/2015-03-31/event-source-mappings", "ListEventSourceMappings"),
    ("lambda", "GET", "/2015-03-31/functions/", "GetFunction"),
    ("lambda", "POST", "/2015-03-31/functions", "CreateFunction"),
    ("lambda", "PUT", "/2015-03-31/functions/", "UpdateFunction"),
    ("lambda", "DELETE", "/2015-03-31/functions/", "DeleteFunction"),
    ("lambda", "POST", "/2015-03-31/functions/", "Invoke"),
    ("batch", "POST", "/v1/", None),
]


def eks_operation(method, path):
    """EKS is REST: the operation is in the method and the path's shape."""
    parts = [p for p in path.split("/") if p]
    kinds = {"node-groups": "Nodegroup", "fargate-profiles": "FargateProfile", "addons": "Addon", "updates": "Update"}
    verb = {"GET": "Describe", "POST": "Create", "DELETE": "Delete", "PUT": "Update"}.get(method, method)
    if parts[:1] != ["clusters"]:
        return f"eks.UNKNOWN {method} {path}"
    if len(parts) == 1:
        return "eks.ListClusters" if method == "GET" else "eks.CreateCluster"
    if len(parts) == 2:
        return f"eks.{verb}Cluster"
    kind = kinds.get(parts[2], parts[2])
    if len(parts) == 3:
        plural = {"Nodegroup": "Nodegroups", "FargateProfile": "FargateProfiles", "Addon": "Addons", "Update": "Updates"}
        return f"eks.List{plural.get(kind, kind)}" if method == "GET" else f"eks.Create{kind}"
    return f"eks.{verb}{kind}"


def apigateway_operation(method, path):
    """API Gateway is REST: v1 under /restapis, v2 under /v2/apis."""
    parts = [p for p in path.split("/") if p]
    verb = {"GET": "Get", "POST": "Create", "PUT": "Put", "PATCH": "Update", "DELETE": "Delete"}.get(method, method)
    if parts[:2] == ["v2", "apis"]:
        kinds = {2: "Apis", 4: parts[3].capitalize() if len(parts) > 3 else ""}
        if len(parts) == 2:
            return f"apigatewayv2.{verb}Apis" if method == "GET" else "apigatewayv2.CreateApi"
        if len(parts) == 3:
            return f"apigatewayv2.{verb}Api"
        return f"apigatewayv2.{verb}{kinds.get(len(parts), parts[3].capitalize())}"
    if parts[:1] == ["restapis"]:
        if len(parts) == 1:
            return "apigateway.GetRestApis" if method == "GET" else "apigateway.CreateRestApi"
        if len(parts) == 2:
            return f"apigateway.{verb}RestApi"
        return f"apigateway.{verb}{parts[2].capitalize()}"
    return f"apigateway.UNKNOWN {method} {path}"


def operation(rec):
    headers = {k.lower(): v for k, v in rec.get("headers", {}).items()}
    scope = headers.get("authorization", "").split("Credential=")[-1].split("/")
    service = SERVICES.get(scope[3] if len(scope) > 3 else "", "unknown")
    target = headers.get("x-amz-target")
    if target:
        return f"{service}.{target.rsplit('.', 1)[-1]}"
    body = rec.get("body") or ""
    if rec.get("body_encoded"):
        body = base64.b64decode(body).decode("utf-8", "replace")
    url = urllib.parse.urlparse(rec.get("url", ""))
    params = urllib.parse.parse_qs(url.query)
    params.update(urllib.parse.parse_qs(body) if "=" in body and not body.startswith("{") else {})
    if "Action" in params:
        return f"{service}.{params['Action'][0]}"
    method, path = rec.get("method", ""), url.path
    if service == "eks":
        return eks_operation(method, path)
    if service == "apigateway":
        return apigateway_operation(method, path)
    if service == "lambda" and method == "GET" and path.endswith("/policy"):
        return "lambda.GetPolicy"
    if service == "lambda" and method == "GET" and path.endswith("/versions"):
        return "lambda.ListVersionsByFunction"
    if service == "lambda" and method == "GET" and path.endswith("/aliases"):
        return "lambda.ListAliases"
    for svc, m, prefix, name in REST:
        if svc == service and m == method and (path == prefix or path.startswith(prefix)):
            if svc == "batch":
                return f"batch.{path.removeprefix('/v1/')}"
            if name == "ListFunctions" and path.rstrip("/") != prefix:
                continue
            return f"{service}.{name}"
    return f"{service}.UNKNOWN {method} {path}"


def requested_functions(rec):
    """FunctionName dimensions asked for by one GetMetricData request."""
    body = rec.get("body") or ""
    if rec.get("body_encoded"):
        body = base64.b64decode(body).decode("utf-8", "replace")
    if body.startswith("{"):
        try:
            json.loads(body)
        except ValueError:
            return []
        found = []

        def walk(v):
            if isinstance(v, dict):
                if v.get("Name") == "FunctionName" and "Value" in v:
                    found.append(v["Value"])
                for x in v.values():
                    walk(x)
            elif isinstance(v, list):
                for x in v:
                    walk(x)
        walk(json.loads(body))
        return found
    params = urllib.parse.parse_qs(body)
    names = [k for k, v in params.items() if v == ["FunctionName"]]
    return [params[k.replace(".Name", ".Value")][0] for k in names if k.replace(".Name", ".Value") in params]


def recorder(url, action):
    if action == "start":
        requests.post(url + "/moto-api/recorder/reset-recording").raise_for_status()
        requests.post(url + "/moto-api/recorder/start-recording").raise_for_status()
        return
    if action != "peek":
        requests.post(url + "/moto-api/recorder/stop-recording").raise_for_status()
    text = requests.get(url + "/moto-api/recorder/download-recording").text
    recs = []
    for line in text.splitlines():
        try:
            recs.append(json.loads(line))
        except ValueError:
            pass  # a line still being written while we peek
    if action in ("functions", "peek"):
        # Per GetMetricData call: the functions whose metrics it asked for.
        json.dump([sorted(set(requested_functions(r))) for r in recs if operation(r) == "cloudwatch.GetMetricData"], sys.stdout)
        return
    json.dump([operation(r) for r in recs], sys.stdout)


def function_in(url, region, name):
    c = clients(url, region)
    role = c["iam"].create_role(RoleName=f"role-{name}", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    c["lambda"].create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="app.handler", Code={"ZipFile": zip_code()})


ORG_ROLE = "OrganizationAccountAccessRole"


def org(url, n, closed):
    """The caller becomes the management account of an organization of n
    members; the last `closed` members are closed (SUSPENDED). Prints every
    account as Organizations lists it, and the management account's ID."""
    kw = dict(endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
    o = boto3.client("organizations", **kw)
    mgmt = o.create_organization(FeatureSet="ALL")["Organization"]["MasterAccountId"]
    ids = []
    for i in range(n):
        status = o.create_account(Email=f"member-{i + 1}@example.com", AccountName=f"member-{i + 1}")["CreateAccountStatus"]
        ids.append(status["AccountId"])
    for acct in ids[n - closed:]:
        o.close_account(AccountId=acct)
    accounts = [{"id": a["Id"], "name": a["Name"], "state": a.get("State", a["Status"])}
                for page in o.get_paginator("list_accounts").paginate() for a in page["Accounts"]]
    json.dump({"management": mgmt, "accounts": accounts}, sys.stdout)


def function_in_account(url, account, name):
    """A function created with credentials from the member account's role."""
    kw = dict(endpoint_url=url, region_name="us-east-1")
    sts = boto3.client("sts", aws_access_key_id="testing", aws_secret_access_key="testing", **kw)
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{ORG_ROLE}", RoleSessionName="seed")["Credentials"]
    as_member = dict(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                     aws_session_token=creds["SessionToken"], **kw)
    who = boto3.client("sts", **as_member).get_caller_identity()["Account"]
    assert who == account, (who, account)
    role = boto3.client("iam", **as_member).create_role(RoleName=f"role-{name}", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    boto3.client("lambda", **as_member).create_function(FunctionName=name, Runtime="python3.12", Role=role,
                                                         Handler="app.handler", Code={"ZipFile": zip_code()})


def member_session(url, account):
    kw = dict(endpoint_url=url, region_name="us-east-1")
    sts = boto3.client("sts", aws_access_key_id="testing", aws_secret_access_key="testing", **kw)
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{ORG_ROLE}", RoleSessionName="seed")["Credentials"]
    return dict(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"], **kw)


def service_in_account(url, account, cluster, service):
    """An ECS cluster with one service, created in the member account."""
    ecs = boto3.client("ecs", **member_session(url, account))
    ecs.create_cluster(clusterName=cluster)
    ecs.register_task_definition(family="app", containerDefinitions=[{
        "name": "app", "image": "nginx", "memory": 512, "cpu": 256, "essential": True}])
    ecs.create_service(cluster=cluster, serviceName=service, taskDefinition="app", desiredCount=0)


def changes(url, step):
    """What changes look like in moto. `before`: functions, an ECS service and
    REST APIs `quiet-api` and `shipped-api` (one deployment each) as they
    stand; `fresh`: one function more and a new deployment of `shipped-api`
    (moto stamps its createdDate); `update`: new code for
    `deployed-fn` (moto moves its CodeSha256, not its LastModified) and the
    service `shop/web` moved to a new task definition (moto moves the
    service's taskDefinition but keeps the old PRIMARY deployment).
    Batch and EMR: `before`, a queue whose jobs run `steady:1` and `etl:1`,
    and a cluster `changes-emr` with the step `extract` and 2 core
    instances; `fresh`, `etl:2` registered and a job on it, and the step
    `aggregate` added; `update`, `etl:2` registered with no job on it yet,
    and the core group asked for 5 (moto runs them at once, never RESIZING)."""
    c = clients(url)
    batch, emr = c["batch"], c["emr"]
    def job_definition(name):
        batch.register_job_definition(jobDefinitionName=name, type="container", containerProperties={
            "image": "busybox", "vcpus": 1, "memory": 128, "command": ["true"], "environment": [{"name": "TOKEN", "value": SECRET}]})
    def emr_step(name):
        return {"Name": name, "ActionOnFailure": "CONTINUE", "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["spark-submit", f"s3://jobs/{name}.py"]}}
    def emr_cluster():
        return [x["Id"] for x in emr.list_clusters()["Clusters"] if x["Name"] == "changes-emr"][0]
    def function(name):
        try:
            role = c["iam"].create_role(RoleName="changes-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        except c["iam"].exceptions.EntityAlreadyExistsException:
            role = c["iam"].get_role(RoleName="changes-role")["Role"]["Arn"]
        c["lambda"].create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="app.handler",
                                    Code={"ZipFile": zip_code()})
    def task_definition(image):
        return c["ecs"].register_task_definition(family="web", containerDefinitions=[{
            "name": "web", "image": image, "memory": 512, "cpu": 256, "essential": True}])["taskDefinition"]["taskDefinitionArn"]
    if step == "before":
        for name in ["deployed-fn", "quiet-fn"]:
            function(name)
        c["ecs"].create_cluster(clusterName="shop")
        c["ecs"].create_service(cluster="shop", serviceName="web", taskDefinition=task_definition("nginx:1"), desiredCount=0)
        c["ecs"].create_service(cluster="shop", serviceName="quiet", taskDefinition=task_definition("nginx:1"), desiredCount=0)
        for name in ["quiet-api", "shipped-api"]:
            api = c["apigateway"].create_rest_api(name=name)["id"]
            root = c["apigateway"].get_resources(restApiId=api)["items"][0]["id"]
            c["apigateway"].put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
            c["apigateway"].put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
            c["apigateway"].create_deployment(restApiId=api, stageName="prod")
        role = c["iam"].create_role(RoleName="changes-batch", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        ce = batch.create_compute_environment(computeEnvironmentName="changes-ce", type="UNMANAGED", state="ENABLED", serviceRole=role)
        batch.create_job_queue(jobQueueName="changes-q", state="ENABLED", priority=1,
                               computeEnvironmentOrder=[{"order": 1, "computeEnvironment": ce["computeEnvironmentArn"]}])
        for name in ["steady", "etl"]:
            job_definition(name)
            batch.submit_job(jobName=f"{name}-job", jobQueue="changes-q", jobDefinition=name)
        groups = [
            {"Name": "master", "InstanceRole": "MASTER", "Market": "ON_DEMAND", "InstanceType": "m5.xlarge", "InstanceCount": 1},
            {"Name": "core", "InstanceRole": "CORE", "Market": "ON_DEMAND", "InstanceType": "m5.xlarge", "InstanceCount": 2},
        ]
        emr.run_job_flow(Name="changes-emr", ReleaseLabel="emr-7.1.0", JobFlowRole="EMR_EC2_DefaultRole", ServiceRole="EMR_DefaultRole",
                         Steps=[emr_step("extract")], Instances={"InstanceGroups": groups, "KeepJobFlowAliveWhenNoSteps": True})
    elif step == "fresh":
        function("fresh-fn")
        api = [a["id"] for a in c["apigateway"].get_rest_apis()["items"] if a["name"] == "shipped-api"][0]
        c["apigateway"].create_deployment(restApiId=api, stageName="prod")
        job_definition("etl")
        batch.submit_job(jobName="etl-job-2", jobQueue="changes-q", jobDefinition="etl:2")
        emr.add_job_flow_steps(JobFlowId=emr_cluster(), Steps=[emr_step("aggregate")])
    elif step == "update":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("app.py", "def handler(event, context):\n    return 2\n")
        c["lambda"].update_function_code(FunctionName="deployed-fn", ZipFile=buf.getvalue())
        c["ecs"].update_service(cluster="shop", service="web", taskDefinition=task_definition("nginx:2"))
        job_definition("etl")
        core = [g for g in emr.list_instance_groups(ClusterId=emr_cluster())["InstanceGroups"] if g["InstanceGroupType"] == "CORE"][0]
        emr.modify_instance_groups(ClusterId=emr_cluster(), InstanceGroups=[{"InstanceGroupId": core["Id"], "InstanceCount": 5}])
    elif step == "versions":
        # `versioned-fn` (a secret in its environment, which every version
        # carries): version 1 behind the alias `live`, then new code as
        # version 2 and `live` moved to it.
        lam = c["lambda"]
        lam.create_function(FunctionName="versioned-fn", Runtime="python3.12", Role=c["iam"].create_role(
            RoleName="versions-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"], Handler="app.handler",
            Code={"ZipFile": zip_code()}, Environment={"Variables": {"TOKEN": SECRET}})
        lam.publish_version(FunctionName="versioned-fn")
        lam.create_alias(FunctionName="versioned-fn", Name="live", FunctionVersion="1")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("app.py", "def handler(event, context):\n    return 2\n")
        lam.update_function_code(FunctionName="versioned-fn", ZipFile=buf.getvalue())
        lam.publish_version(FunctionName="versioned-fn")
        lam.update_alias(FunctionName="versioned-fn", Name="live", FunctionVersion="2")
        print(SECRET)
    else:
        raise SystemExit(f"changes: unknown step {step}")


def week_over_week(url):
    """Three functions with datapoints in the last ten minutes and in the
    same minutes seven days earlier: `spiking` has twenty times last week's
    errors (20 against 1) at the same traffic, `steady` is busy and as busy
    as last week, `fresh` had nothing last week. Prints, for each, the sums
    over those minutes now and a week ago (Duration: the plain mean of the
    values put, which is what the Average statistic of single samples is)."""
    c = clients(url)
    role = c["iam"].create_role(RoleName="wow-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    now = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)
    week = dt.timedelta(days=7)
    minutes = 10
    # name: (invocations, errors, durations) a minute now, then a week ago (None: no data).
    plan = {
        "spiking": ((30, [2] * minutes, 40.0), (30, [1] + [0] * (minutes - 1), 40.0)),
        "steady": ((600, [6] * minutes, 120.0), (600, [6] * minutes, 118.0)),
        "fresh": ((20, [1] * minutes, 15.0), None),
    }
    truth = {}
    for name, (now_plan, week_plan) in plan.items():
        c["lambda"].create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="app.handler",
                                    Code={"ZipFile": zip_code()})
        truth[name] = {}
        for label, p, shift in (("now", now_plan, dt.timedelta(0)), ("week_ago", week_plan, week)):
            if p is None:
                truth[name][label] = {"invocations": 0.0, "errors": 0.0, "throttles": 0.0, "duration_avg_ms": None}
                continue
            inv, errs, dur = p
            dims = [{"Name": "FunctionName", "Value": name}]
            durs = [dur + k for k in range(minutes)]
            data = []
            for k in range(minutes):
                t = minute_ago(now, k + 1) - shift
                data += [
                    {"MetricName": "Invocations", "Dimensions": dims, "Timestamp": t, "Value": inv},
                    {"MetricName": "Errors", "Dimensions": dims, "Timestamp": t, "Value": errs[k]},
                    {"MetricName": "Throttles", "Dimensions": dims, "Timestamp": t, "Value": 0},
                    {"MetricName": "Duration", "Dimensions": dims, "Timestamp": t, "Value": durs[k]},
                ]
            c["cloudwatch"].put_metric_data(Namespace="AWS/Lambda", MetricData=data)
            truth[name][label] = {"invocations": float(inv * minutes), "errors": float(sum(errs)), "throttles": 0.0,
                                  "duration_avg_ms": round(sum(durs) / minutes, 2)}
    json.dump(truth, sys.stdout)


def week_over_week_rooms(url):
    """A REST API `orders` (stage prod) whose 5XX are twenty times last
    week's (20 against 1) at the same traffic, an HTTP API `storefront` as
    busy as last week; ECS services `web/api`, its CPU far above last
    week's, and `web/worker`, steady. Datapoints in the last ten minutes
    and the same minutes seven days earlier (ECS: one a minute ago, the
    newest minute of its five). Prints, for each, its figures now and a
    week ago as the snapshot has them."""
    c = clients(url)
    v1, v2, cw, ecs = c["apigateway"], c["apigatewayv2"], c["cloudwatch"], c["ecs"]
    rest = v1.create_rest_api(name="orders", endpointConfiguration={"types": ["REGIONAL"]})["id"]
    root = [r for r in v1.get_resources(restApiId=rest)["items"] if r["path"] == "/"][0]["id"]
    v1.put_method(restApiId=rest, resourceId=root, httpMethod="GET", authorizationType="NONE")
    v1.put_integration(restApiId=rest, resourceId=root, httpMethod="GET", type="MOCK")
    deployment = v1.create_deployment(restApiId=rest)["id"]
    v1.create_stage(restApiId=rest, stageName="prod", deploymentId=deployment)
    http = v2.create_api(Name="storefront", ProtocolType="HTTP")["ApiId"]
    v2.create_stage(ApiId=http, StageName="$default")
    now = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)
    week = dt.timedelta(days=7)
    minutes = 10
    # (dims, metric names, per minute now, per minute a week ago): requests, 4xx, 5xx (list), latency.
    plan = {
        "orders/prod": ([{"Name": "ApiName", "Value": "orders"}, {"Name": "Stage", "Value": "prod"}],
                        ("Count", "4XXError", "5XXError", "Latency"),
                        (100.0, 1.0, [2.0] * minutes, 50.0), (100.0, 1.0, [1.0] + [0.0] * (minutes - 1), 48.0)),
        "storefront/$default": ([{"Name": "ApiId", "Value": http}, {"Name": "Stage", "Value": "$default"}],
                                ("Count", "4xx", "5xx", "Latency"),
                                (300.0, 3.0, [1.0] * minutes, 20.0), (290.0, 3.0, [1.0] * minutes, 21.0)),
    }
    truth = {"apis": {}, "ecs": {}}
    for name, (dims, names, now_plan, week_plan) in plan.items():
        truth["apis"][name] = {}
        for label, (req, e4, e5, lat), shift in (("now", now_plan, dt.timedelta(0)), ("week_ago", week_plan, week)):
            data = []
            for k in range(minutes):
                t = minute_ago(now, k + 1) - shift
                for metric, value in zip(names, (req, e4, e5[k], lat)):
                    data.append({"MetricName": metric, "Dimensions": dims, "Timestamp": t, "Value": value})
            cw.put_metric_data(Namespace="AWS/ApiGateway", MetricData=data)
            truth["apis"][name][label] = {"requests": req * minutes, "errors_4xx": e4 * minutes, "errors_5xx": sum(e5),
                                          "latency_avg_ms": lat}
    ecs.create_cluster(clusterName="web")
    ecs.register_task_definition(family="app", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 512, "essential": True}])
    for service, (cpu_now, cpu_week, mem_now, mem_week) in {"api": (85.0, 30.0, 50.0, 48.0), "worker": (40.0, 38.0, 61.0, 60.0)}.items():
        ecs.create_service(cluster="web", serviceName=service, taskDefinition="app", desiredCount=0)
        dims = [{"Name": "ClusterName", "Value": "web"}, {"Name": "ServiceName", "Value": service}]
        for (cpu, mem), shift in (((cpu_now, mem_now), dt.timedelta(0)), ((cpu_week, mem_week), week)):
            t = minute_ago(now, 1) - shift
            cw.put_metric_data(Namespace="AWS/ECS", MetricData=[
                {"MetricName": "CPUUtilization", "Dimensions": dims, "Timestamp": t, "Value": cpu},
                {"MetricName": "MemoryUtilization", "Dimensions": dims, "Timestamp": t, "Value": mem},
            ])
        truth["ecs"][f"web/{service}"] = {"now": {"cpu_pct": cpu_now, "memory_pct": mem_now},
                                          "week_ago": {"cpu_pct": cpu_week, "memory_pct": mem_week}}
    json.dump(truth, sys.stdout)


def key_in_account(url, account, user):
    """Long-term keys of a user in the member account: what a profile holds."""
    iam = boto3.client("iam", **member_session(url, account))
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    json.dump({"id": key["AccessKeyId"], "secret": key["SecretAccessKey"]}, sys.stdout)


if __name__ == "__main__":
    url, cmd, *rest = sys.argv[1:]
    {
        "configure": lambda: configure(url),
        "seed": lambda: seed(url, rest[0]),
        "recorder": lambda: recorder(url, rest[0]),
        "function-in": lambda: function_in(url, rest[0], rest[1]),
        "org": lambda: org(url, int(rest[0]), int(rest[1])),
        "function-in-account": lambda: function_in_account(url, rest[0], rest[1]),
        "key-in-account": lambda: key_in_account(url, rest[0], rest[1]),
        "changes": lambda: changes(url, rest[0]),
        "week-over-week": lambda: week_over_week(url),
        "week-over-week-rooms": lambda: week_over_week_rooms(url),
        "service-in-account": lambda: service_in_account(url, rest[0], rest[1], rest[2]),
    }[cmd]()
