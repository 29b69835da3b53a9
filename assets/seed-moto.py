#!/usr/bin/env python3
"""Seeds a moto server like the basecoat portal, for trying a live environment without AWS.

    pip install 'moto[server]'            # brings boto3 too
    moto_server -H 127.0.0.1 -p 5001 &
    cargo run --release --example moto-front -- --listen 5000 --moto 5001 &
    python3 assets/seed-moto.py           # or: --endpoint http://127.0.0.1:5000
    opsdeck --config assets/opsdeck.example.toml --env local-moto

(moto-front translates CloudWatch's RPC v2 CBOR, which opsdeck's SDK speaks and moto does not
serve; every other call passes through it unchanged.)

What it makes: a launch template and a 3/5/20 Auto Scaling group behind an ALB target group
and listener, 30 minutes of ALB, EC2 and ECS metrics, an alarm in ALARM, the application log group
with ERROR and INFO lines, and the ECS cluster prod with services web (4) and worker (2).
"""

import argparse
import datetime
import json
import os

import boto3

LB_DIMENSION = "app/basecoat-portal/50dc6c495c0c9188"
GROUP = "basecoat-portal-asg"
LOG_GROUP = "/aws/basecoat-portal/application"


def client(service, endpoint):
    return boto3.client(
        service,
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def seed_fleet(endpoint):
    ec2 = client("ec2", endpoint)
    elb = client("elbv2", endpoint)
    autoscaling = client("autoscaling", endpoint)
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"] if s["VpcId"] == vpc]
    balancer = elb.create_load_balancer(Name="basecoat-portal", Subnets=subnets[:2])
    target_group = elb.create_target_group(
        Name="basecoat-portal", Protocol="HTTP", Port=80, VpcId=vpc
    )["TargetGroups"][0]["TargetGroupArn"]
    elb.create_listener(
        LoadBalancerArn=balancer["LoadBalancers"][0]["LoadBalancerArn"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": target_group}],
    )
    template = ec2.create_launch_template(
        LaunchTemplateName="basecoat-portal",
        LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t3.medium"},
    )["LaunchTemplate"]["LaunchTemplateId"]
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=GROUP,
        LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"},
        MinSize=3,
        MaxSize=20,
        DesiredCapacity=5,
        VPCZoneIdentifier=",".join(subnets),
        TargetGroupARNs=[target_group],
    )


def seed_metrics_and_alarm(endpoint):
    cloudwatch = client("cloudwatch", endpoint)
    now = datetime.datetime.now(datetime.timezone.utc)
    lb = [{"Name": "LoadBalancer", "Value": LB_DIMENSION}]
    asg = [{"Name": "AutoScalingGroupName", "Value": GROUP}]
    for minutes_ago in range(30, 0, -1):
        at = now - datetime.timedelta(minutes=minutes_ago)
        wave = (30 - minutes_ago) / 30
        cloudwatch.put_metric_data(
            Namespace="AWS/ApplicationELB",
            MetricData=[
                {"MetricName": "TargetResponseTime", "Dimensions": lb, "Timestamp": at,
                 "Value": 0.18 + 0.25 * wave},
                {"MetricName": "RequestCount", "Dimensions": lb, "Timestamp": at,
                 "Value": 12000},
                {"MetricName": "HTTPCode_Target_5XX_Count", "Dimensions": lb, "Timestamp": at,
                 "Value": 6 + 40 * wave},
                {"MetricName": "HTTPCode_Target_4XX_Count", "Dimensions": lb, "Timestamp": at,
                 "Value": 300},
            ],
        )
        for service, cpu, memory in (("web", 55 + 30 * wave, 70 + 22 * wave), ("worker", 35, 48)):
            ecs = [{"Name": "ClusterName", "Value": "prod"}, {"Name": "ServiceName", "Value": service}]
            cloudwatch.put_metric_data(
                Namespace="AWS/ECS",
                MetricData=[
                    {"MetricName": "CPUUtilization", "Dimensions": ecs, "Timestamp": at, "Value": cpu},
                    {"MetricName": "MemoryUtilization", "Dimensions": ecs, "Timestamp": at,
                     "Value": memory},
                ],
            )
        cloudwatch.put_metric_data(
            Namespace="AWS/EC2",
            MetricData=[{"MetricName": "CPUUtilization", "Dimensions": asg, "Timestamp": at,
                         "Value": 45 + 45 * wave}],
        )
    cloudwatch.put_metric_alarm(
        AlarmName="basecoat-portal-cpu-high",
        Namespace="AWS/EC2",
        MetricName="CPUUtilization",
        Dimensions=asg,
        Statistic="Average",
        Period=60,
        EvaluationPeriods=3,
        Threshold=85.0,
        ComparisonOperator="GreaterThanThreshold",
    )
    cloudwatch.set_alarm_state(
        AlarmName="basecoat-portal-cpu-high",
        StateValue="ALARM",
        StateReason="Threshold Crossed: 3 datapoints were greater than the threshold (85.0).",
    )


def seed_logs(endpoint):
    logs = client("logs", endpoint)
    logs.create_log_group(logGroupName=LOG_GROUP)
    logs.create_log_stream(logGroupName=LOG_GROUP, logStreamName="i-0abc")
    now = int(datetime.datetime.now(datetime.timezone.utc).timestamp() * 1000)
    lines = [
        (300, "INFO", "portal-web", "GET /health 200"),
        (240, "ERROR", "portal-api", "pool exhausted: remaining connection slots are reserved"),
        (150, "INFO", "portal-api", "POST /orders 201"),
        (90, "ERROR", "worker", "job send_invoice_email failed: connection reset by peer"),
        (30, "ERROR", "portal-web", "upstream timed out while reading response header"),
    ]
    logs.put_log_events(
        logGroupName=LOG_GROUP,
        logStreamName="i-0abc",
        logEvents=[
            {"timestamp": now - seconds * 1000,
             "message": json.dumps({"level": level, "service": service, "message": text})}
            for seconds, level, service, text in lines
        ],
    )


def seed_ecs(endpoint):
    ec2 = client("ec2", endpoint)
    ecs = client("ecs", endpoint)
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    group = ec2.describe_security_groups()["SecurityGroups"][0]["GroupId"]
    ecs.create_cluster(clusterName="prod")
    for name, desired in (("web", 4), ("worker", 2)):
        definition = ecs.register_task_definition(
            family=f"basecoat-{name}",
            networkMode="awsvpc",
            containerDefinitions=[{"name": name, "image": f"basecoat/{name}:1", "memory": 512}],
        )["taskDefinition"]["taskDefinitionArn"]
        ecs.create_service(
            cluster="prod",
            serviceName=name,
            taskDefinition=definition,
            desiredCount=desired,
            networkConfiguration={"awsvpcConfiguration": {
                "subnets": [subnet], "securityGroups": [group]}},
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", default=os.environ.get("MOTO_ENDPOINT", "http://127.0.0.1:5000"))
    endpoint = parser.parse_args().endpoint
    seed_fleet(endpoint)
    seed_metrics_and_alarm(endpoint)
    seed_logs(endpoint)
    seed_ecs(endpoint)
    print(f"seeded {endpoint}: {GROUP} 3/5/20, target group, ALB metrics, alarm, logs, ECS prod")


if __name__ == "__main__":
    main()
