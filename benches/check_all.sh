#!/usr/bin/env bash
# Wall time of `opsdeck check --all` over 20 environments (read concurrently, four at a time)
# next to checking the same 20 one after another (`opsdeck check --env NAME` each), against
# moto seeded like the basecoat portal. Each environment reads the Auto Scaling group, its
# targets, the ECS services, the log group and the instance details; CloudWatch's RPC v2 CBOR
# is not served by a bare moto (the tests put a translating front before it), so metrics and
# alarms are left out of these environments.
# Usage: benches/check_all.sh [RUNS]   (default 3; needs pip install 'moto[server]' and a
# release build)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
environments=20
cargo build --release --locked >/dev/null 2>&1
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
dir=$(mktemp -d /tmp/opsdeck-checkall-XXXX)
moto_port=$(free_port)
moto_server -H 127.0.0.1 -p "$moto_port" >"$dir/moto.log" 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 50); do curl -s "http://127.0.0.1:$moto_port/moto-api/" >/dev/null && break; sleep 0.1; done
endpoint="http://127.0.0.1:$moto_port"
python3 assets/seed-moto.py --endpoint "$endpoint" >/dev/null
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE
for i in $(seq -w 1 "$environments"); do
  cat >>"$dir/config.toml" <<TOML
[environments.customer-$i]
region = "us-east-1"
endpoint_url = "$endpoint"
auto_scaling_groups = ["basecoat-portal-asg"]
log_groups = ["/aws/basecoat-portal/application"]
ecs_cluster = "prod"
ecs_services = ["web", "worker"]
aws_health = false

TOML
done
bin=target/release/opsdeck
ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
concurrent=(); sequential=()
for _ in $(seq 1 "$runs"); do
  start=$(ms)
  XDG_CONFIG_HOME=/nonexistent "$bin" check --config "$dir/config.toml" --all --format json >"$dir/all.json" || true
  concurrent+=($(( $(ms) - start )))
  start=$(ms)
  for i in $(seq -w 1 "$environments"); do
    XDG_CONFIG_HOME=/nonexistent "$bin" check --config "$dir/config.toml" --env "customer-$i" --format json >/dev/null || true
  done
  sequential+=($(( $(ms) - start )))
done
checked=$(python3 -c "import json,sys; print(len(json.load(open('$dir/all.json'))['environments']))")
echo "environments checked by --all: $checked"
echo "check --all ($environments environments, 4 at a time): median $(printf '%s\n' "${concurrent[@]}" | median) ms (runs: ${concurrent[*]})"
echo "one after another ($environments x check --env):   median $(printf '%s\n' "${sequential[@]}" | median) ms (runs: ${sequential[*]})"
