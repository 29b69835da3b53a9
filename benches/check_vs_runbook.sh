#!/usr/bin/env bash
# Wall time of `opsdeck check` (one concurrent poll of every source) next to the same reads
# done the runbooks' way: the `aws` CLI and `psql` commands run one after another, against the
# same peers (moto seeded like the basecoat portal, a throwaway PostgreSQL server).
# Usage: benches/check_vs_runbook.sh [RUNS]   (default 5; needs pip install 'moto[server]'
# awscli, the PostgreSQL server binaries and a release build; run as root or a user that may
# run initdb)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
command -v aws >/dev/null || { echo "needs the aws CLI: pip install awscli" >&2; exit 1; }
cargo build --release --locked >/dev/null 2>&1
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
bindir=$(pg_config --bindir 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | tail -1)
dir=$(mktemp -d /tmp/opsdeck-checkbench-XXXX)
pg_port=$(free_port); moto_port=$(free_port)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$dir"
moto_server -H 127.0.0.1 -p "$moto_port" >"$dir/moto.log" 2>&1 &
moto_pid=$!
cleanup() {
  kill "$moto_pid" 2>/dev/null || true
  as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
as_pg "$bindir/initdb" -D "$dir/data" --auth=trust -U postgres --no-sync >/dev/null
as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w start \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -c unix_socket_directories=$dir -c fsync=off" >/dev/null
for _ in $(seq 1 50); do curl -s "http://127.0.0.1:$moto_port/moto-api/" >/dev/null && break; sleep 0.1; done
endpoint="http://127.0.0.1:$moto_port"
python3 assets/seed-moto.py --endpoint "$endpoint" >/dev/null
export BENCH_DB_URL="postgresql://postgres@127.0.0.1:$pg_port/postgres?sslmode=disable"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true
cat >"$dir/config.toml" <<TOML
[environments.bench]
region = "us-east-1"
endpoint_url = "$endpoint"
auto_scaling_groups = ["basecoat-portal-asg"]
load_balancers = ["app/basecoat-portal/50dc6c495c0c9188"]
percentile_metrics = false
log_groups = ["/aws/basecoat-portal/application"]
ecs_cluster = "prod"
ecs_services = ["web", "worker"]
postgres_url_env = "BENCH_DB_URL"
TOML
tg_arn=$(aws --endpoint-url "$endpoint" elbv2 describe-target-groups --names basecoat-portal \
  --query 'TargetGroups[0].TargetGroupArn' --output text)

opsdeck_check() {
  target/release/opsdeck check --config "$dir/config.toml" --env bench --format json >/dev/null || true
}

# The runbooks' reads, one command after another, as an engineer pastes them.
runbook_way() {
  local aws=(aws --endpoint-url "$endpoint")
  local start end
  start=$(date -u -d '-3 hours' +%Y-%m-%dT%H:%M:%SZ); end=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  "${aws[@]}" autoscaling describe-auto-scaling-groups --auto-scaling-group-names basecoat-portal-asg \
    --query 'AutoScalingGroups[0].[MinSize,DesiredCapacity,MaxSize,Instances[*].[InstanceId,LifecycleState]]' >/dev/null
  "${aws[@]}" elbv2 describe-target-health --target-group-arn "$tg_arn" >/dev/null
  for metric in "AWS/ApplicationELB TargetResponseTime Average LoadBalancer=app/basecoat-portal/50dc6c495c0c9188" \
                "AWS/ApplicationELB HTTPCode_Target_5XX_Count Sum LoadBalancer=app/basecoat-portal/50dc6c495c0c9188" \
                "AWS/ApplicationELB HTTPCode_Target_4XX_Count Sum LoadBalancer=app/basecoat-portal/50dc6c495c0c9188" \
                "AWS/ApplicationELB RequestCount Sum LoadBalancer=app/basecoat-portal/50dc6c495c0c9188" \
                "AWS/EC2 CPUUtilization Average AutoScalingGroupName=basecoat-portal-asg" \
                "AWS/ECS CPUUtilization Average ClusterName=prod,ServiceName=web" \
                "AWS/ECS MemoryUtilization Average ClusterName=prod,ServiceName=web"; do
    read -r namespace name stat dims <<<"$metric"
    dimensions=$(echo "$dims" | tr ',' '\n' | sed 's/\(.*\)=\(.*\)/Name=\1,Value=\2/' | tr '\n' ' ')
    # shellcheck disable=SC2086
    "${aws[@]}" cloudwatch get-metric-statistics --namespace "$namespace" --metric-name "$name" \
      --dimensions $dimensions --start-time "$start" --end-time "$end" --period 60 --statistics "$stat" >/dev/null
  done
  "${aws[@]}" cloudwatch describe-alarms --state-value ALARM >/dev/null
  "${aws[@]}" ecs describe-services --cluster prod --services web worker >/dev/null
  query=$("${aws[@]}" logs start-query --log-group-name /aws/basecoat-portal/application \
    --start-time "$(date -d '-15 minutes' +%s)" --end-time "$(date +%s)" \
    --query-string 'fields @timestamp, @message | filter @level = "ERROR" | stats count() by @service' \
    --query queryId --output text)
  "${aws[@]}" logs get-query-results --query-id "$query" >/dev/null
  psql -qAt "$BENCH_DB_URL" -c "SELECT datname, state, count(*) FROM pg_stat_activity GROUP BY 1, 2" >/dev/null
  psql -qAt "$BENCH_DB_URL" -c "SELECT pid, now() - query_start, query FROM pg_stat_activity WHERE state = 'active' AND now() - query_start > interval '1 hour'" >/dev/null
  psql -qAt "$BENCH_DB_URL" -c "SELECT pid, usename, now() - state_change FROM pg_stat_activity WHERE state = 'idle' AND now() - state_change > interval '30 minutes'" >/dev/null
}

time_it() {
  local label=$1; shift
  local times=()
  for _ in $(seq 1 "$runs"); do
    local t0 t1
    t0=$(date +%s.%N); "$@"; t1=$(date +%s.%N)
    times+=("$(echo "$t1 - $t0" | bc)")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v label="$label" '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%s: median %.3f s (min %.3f, max %.3f, %d runs)\n", label, m, a[1], a[NR], NR}'
}

opsdeck_check  # warm caches once
ours=$(time_it "opsdeck check" opsdeck_check)
theirs=$(time_it "runbook commands (16 aws + 3 psql, sequential)" runbook_way)
echo "$ours"
echo "$theirs"
python3 - "$ours" "$theirs" <<'PY'
import re, sys
ours = float(re.search(r"median ([\d.]+)", sys.argv[1]).group(1))
theirs = float(re.search(r"median ([\d.]+)", sys.argv[2]).group(1))
print(f"ratio runbook / opsdeck (median): {theirs / ours:.1f}x")
PY
