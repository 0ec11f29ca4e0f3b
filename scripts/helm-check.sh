#!/usr/bin/env bash
# Chart checks: helm lint --strict, helm template for the default values and for the values files in
# helm/ci/, the rendered manifests validated against the Kubernetes API schemas (kubernetes-validate,
# from PyPI, schemas bundled, no network), the Kafka TLS/SASL wiring of every pod template checked,
# the manifests scanned by the security linter checkov (PyPI, pinned, its Kubernetes checks), the
# verify CronJob's args checked against the '# expect-args:' line of each values file, and the bad
# values files (helm/ci/bad-*.yaml) rejected with the error each one names.
# helm is built from its Go module (helm.sh/helm/v3) once and cached, like weaviate-server; checkov
# is installed once into its own virtualenv in the same cache. With CI=true a linter that cannot be
# installed fails the check; elsewhere it is skipped, loudly.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
TOOLS="${TOOLS_CACHE:-$HOME/.cache/weaviate-sync}"
HELM_VERSION="${HELM_VERSION:-v3.22.0}"
CACHE="$TOOLS/helm/$HELM_VERSION"
HELM="$CACHE/helm"
if [[ ! -x "$HELM" ]]; then
  echo "[helm-check] building helm $HELM_VERSION (first time only)" >&2
  mkdir -p "$CACHE"
  CGO_ENABLED=0 GOBIN="$CACHE" go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >&2
fi
command -v kubernetes-validate >/dev/null || python3 -m pip install -q --disable-pip-version-check kubernetes-validate==1.37.0

# leak_render: the chart rendered with a secret value for the ITs' leak check (also alone, with
# --leak-render, which the leak check runs when a plain `./mvnw verify` came without this script).
leak_render() {
# Secrets never leak (issue 13): the chart rendered with secret values set, its NOTES included, for
# the ITs' leak check (SecretsLeakCheck scans target/helm-check/with-secrets for the values in
# target/it-secrets.txt, where they are registered here). The Secret, which must hold them, is left out.
LEAK="$ROOT/target/helm-check/with-secrets"
rm -rf "$LEAK" && mkdir -p "$LEAK"
python3 - "$OUT/secret-values.yaml" "$ROOT/target/it-secrets.txt" <<'PY'
import json, sys, uuid
# The only secret the chart still takes as a value (Kafka's SASL password comes from an existing
# Secret by secretKeyRef and is never in values or manifests).
key = "helm-check-api-key-%s" % uuid.uuid4()
with open(sys.argv[2], "a") as f: f.write(key + "\n")
open(sys.argv[1], "w").write("secrets:\n  existingSecret: \"\"\n  weaviateApiKey: %s\n" % json.dumps(key))
PY
cp -r "$CHART" "$OUT/leak-chart"
cat > "$OUT/leak-chart/templates/zz-leak-check-notes.yaml" <<'TPL'
apiVersion: v1
kind: ConfigMap
metadata: {name: leak-check-notes}
data:
  NOTES.txt: {{ include (print $.Template.BasePath "/NOTES.txt") . | quote }}
TPL
if "$HELM" template weaviate-sync "$OUT/leak-chart" -f helm/ci/all-on.yaml -f "$OUT/secret-values.yaml" > "$OUT/with-secrets.yaml" \
   && n="$(python3 - "$OUT/with-secrets.yaml" "$LEAK" "$(tail -n1 "$ROOT/target/it-secrets.txt")" <<'PY'
import sys, yaml
notes, kept, held = None, [], False
for text in open(sys.argv[1]).read().split("\n---\n"):
    doc = yaml.safe_load(text)
    if not doc: continue
    if doc["kind"] == "ConfigMap" and doc["metadata"]["name"] == "leak-check-notes": notes = doc["data"]["NOTES.txt"]
    elif doc["kind"] == "Secret": held = held or sys.argv[3] in text
    else: kept.append(text)
if notes is None or not held: sys.exit("no NOTES, or no Secret holding the values: nothing to check")
open(sys.argv[2] + "/NOTES.txt", "w").write(notes)
open(sys.argv[2] + "/manifests.yaml", "w").write("\n---\n".join(kept) + "\n")
print(len(kept))
PY
)"; then
  echo "ok   rendered with secret values for the leak check: target/helm-check/with-secrets (NOTES.txt, $n manifests; the Secret holding them left out)"
else
  echo "FAIL render with secret values for the leak check"; fail=1
fi
}

CHART=helm/weaviate-sync
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
fail=0
if [[ "${1:-}" == "--leak-render" ]]; then
  leak_render
  exit "$fail"
fi
CHECKOV_VERSION="${CHECKOV_VERSION:-3.3.30}"
CHECKOV_VENV="$TOOLS/checkov/$CHECKOV_VERSION/venv"
CHECKOV="$CHECKOV_VENV/bin/checkov"
# No calls home: no update check, no download of Prisma Cloud guidelines (--skip-download below).
export CKV_SKIP_PACKAGE_UPDATE_CHECK=true
if [[ "$("$CHECKOV" --version 2>/dev/null)" != "$CHECKOV_VERSION" ]]; then
  echo "[helm-check] installing checkov $CHECKOV_VERSION into $CHECKOV_VENV (first time only)" >&2
  rm -rf "$CHECKOV_VENV"
  { python3 -m venv "$CHECKOV_VENV" \
      && "$CHECKOV_VENV/bin/pip" install -q --disable-pip-version-check "checkov==$CHECKOV_VERSION"; } >&2 \
    || rm -rf "$CHECKOV_VENV"
fi
lint=on
if [[ "$("$CHECKOV" --version 2>/dev/null)" != "$CHECKOV_VERSION" ]]; then
  if [[ "${CI:-}" == "true" ]]; then
    echo "FAIL checkov $CHECKOV_VERSION could not be installed: the security linter must run in CI"; exit 1
  fi
  echo "SKIP SECURITY LINTER: checkov $CHECKOV_VERSION could not be installed (with CI=true this fails)"
  lint=off
fi

# Checks skipped on purpose, each with its reason (printed with the results).
declare -A SKIP_REASON=(
  [CKV_K8S_35]="secrets as env vars: the worker reads its settings from the environment and Kafka takes sasl.jaas.config and ssl.truststore.password as strings, so they arrive through secretKeyRef env vars (never as values in the manifest); the truststore itself is a read-only file mount"
  [CKV_K8S_43]="image digest: the image is built and pushed by the user's pipeline, so these values cannot know its digest; image.digest pins it, and helm/ci/all-on.yaml sets one, where this check runs"
)

NAMESPACE=weaviate-sync   # rendered into a namespace of its own, as installed (CKV_K8S_21: not "default")
cases=("")
for f in helm/ci/*.yaml; do [[ "$(basename "$f")" == bad-* ]] || cases+=("$f"); done
rendered=()
for values in "${cases[@]}"; do
  name="${values:-default}"
  file="$OUT/$(basename "$name" .yaml).yaml"
  args=(--namespace "$NAMESPACE"); [[ -n "$values" ]] && args+=(-f "$values")
  "$HELM" lint --strict "$CHART" "${args[@]}" >/dev/null || { echo "FAIL lint $name"; fail=1; continue; }
  "$HELM" template t "$CHART" "${args[@]}" > "$file" || { echo "FAIL template $name"; fail=1; continue; }
  # Custom resources (ServiceMonitor, ScaledObject) have no schema in the Kubernetes API: warned, not failed.
  if kubernetes-validate --strict --quiet "$file"; then
    echo "ok   $name: lint, template, $(grep -c '^kind:' "$file") manifests valid"
    rendered+=("$file")
  else
    echo "FAIL validate $name"; fail=1
  fi
done

# The release name most users type: its Service is called weaviate-sync, and Kubernetes would put
# WEAVIATE_SYNC_PORT & co. into every pod that has service links on. Every pod spec must turn them off.
"$HELM" template weaviate-sync "$CHART" -f helm/ci/all-on.yaml > "$OUT/release-weaviate-sync.yaml"
# Per pod template: service links off; env names unique; every $(VAR) names a variable defined above
# it (Kubernetes leaves it as literal text otherwise); SASL_* has a JAAS config; the truststore sits on
# a read-only Secret mount; the DLQ Job and the verify CronJob get exactly the worker's Kafka settings
# (the CronJob also its WEAVIATE_SYNC_* settings and API key), but pod labels the worker's selector does
# not match, and, with NetworkPolicies rendered, a policy of their own that admits no ingress; no
# ConfigMap anywhere.
python3 - "$OUT/release-weaviate-sync.yaml" "${rendered[@]}" <<'PY' || fail=1
import os, re, sys, yaml
bad, pods, first = [], 0, True
for path in sys.argv[1:]:
    case = os.path.basename(path)
    kafka_env, app_env, selectors, pod_labels = {}, {}, [], {}
    docs = [d for d in yaml.safe_load_all(open(path)) if d]
    policies = [d["spec"] for d in docs if d["kind"] == "NetworkPolicy"]
    for doc in docs:
        kind, name = doc["kind"], doc["metadata"]["name"]
        if kind == "ConfigMap": bad.append(f"{case}: {kind}/{name} (settings and secrets go to env, never to a ConfigMap)")
        spec = doc.get("spec", {})
        tpl = spec.get("template") or spec.get("jobTemplate", {}).get("spec", {}).get("template")
        if not tpl: continue
        pods += 1
        pod, where = tpl["spec"], f"{case}: {kind}/{name}"
        labels = tpl["metadata"].get("labels", {})
        if kind in ("Deployment", "StatefulSet"): selectors.append(spec["selector"]["matchLabels"])
        else: pod_labels[where] = labels
        if policies:  # every pod under a policy; the Jobs' pods under one that admits nothing
            mine = [p for p in policies if all(labels.get(k) == v for k, v in p["podSelector"].get("matchLabels", {}).items())]
            if not mine: bad.append(f"{where}: no NetworkPolicy selects its pods")
            elif kind not in ("Deployment", "StatefulSet") and any(p.get("ingress") or "Ingress" not in p["policyTypes"] for p in mine):
                bad.append(f"{where}: a NetworkPolicy admits ingress to its pods")
        if pod.get("enableServiceLinks") is not False: bad.append(f"{where}: enableServiceLinks is not false")
        vols = {v["name"]: v for v in pod.get("volumes", [])}
        for c in pod["containers"]:
            env, seen = {}, set()
            for e in c.get("env", []):
                if e["name"] in seen: bad.append(f"{where}: env {e['name']} twice")
                for ref in re.findall(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", e.get("value", "")):
                    if ref not in seen: bad.append(f"{where}: env {e['name']} uses $({ref}) before it is defined")
                seen.add(e["name"]); env[e["name"]] = e
            protocol = env.get("KAFKA_SECURITY_PROTOCOL", {}).get("value", "PLAINTEXT")
            if protocol.startswith("SASL_") and "KAFKA_SASL_JAAS_CONFIG" not in env:
                bad.append(f"{where}: {protocol} without KAFKA_SASL_JAAS_CONFIG")
            loc = env.get("KAFKA_SSL_TRUSTSTORE_LOCATION", {}).get("value")
            if loc:
                mounts = [m for m in c.get("volumeMounts", []) if loc.startswith(m["mountPath"].rstrip("/") + "/")]
                if not (mounts and mounts[0].get("readOnly") and "secret" in vols.get(mounts[0]["name"], {})):
                    bad.append(f"{where}: truststore {loc} is not on a read-only Secret mount")
            kafka_env[kind] = {k: v for k, v in env.items() if k.startswith(("KAFKA_", "SASL_")) and k != "KAFKA_STATE_DIR"}
            app_env[kind] = {k: v for k, v in env.items() if k.startswith("WEAVIATE_SYNC_")
                             and k not in ("WEAVIATE_SYNC_ADMIN_PORT", "WEAVIATE_SYNC_SHUTDOWN_GRACE_MS")}
    for where, labels in pod_labels.items():  # a PodDisruptionBudget on the worker must not count them
        if any(all(labels.get(k) == v for k, v in sel.items()) for sel in selectors):
            bad.append(f"{where}: its pods match the worker's selector")
    worker = kafka_env.get("Deployment") or kafka_env.get("StatefulSet")
    if "Job" in kafka_env and worker != kafka_env["Job"]: bad.append(f"{case}: the DLQ Job's Kafka settings differ from the worker's")
    if "CronJob" in kafka_env:
        if worker != kafka_env["CronJob"]: bad.append(f"{case}: the verify CronJob's Kafka settings differ from the worker's")
        if (app_env.get("Deployment") or app_env.get("StatefulSet")) != app_env["CronJob"]:
            bad.append(f"{case}: the verify CronJob's WEAVIATE_SYNC_* settings differ from the worker's")
    if first:  # the release named weaviate-sync
        if pods == 0: bad.append(f"{case}: no pod templates rendered")
        if not bad: print(f"ok   release weaviate-sync: enableServiceLinks: false in all {pods} pod templates")
    first = False
if bad:
    print("FAIL pod templates:\n  " + "\n  ".join(bad)); sys.exit(1)
print(f"ok   Kafka TLS/SASL wiring, NetworkPolicies and no ConfigMap: {pods} pod templates in {len(sys.argv) - 1} renderings")
PY

# The scheduled verify: a values file with a line '# expect-args: [...]' (JSON) must render exactly one
# CronJob running exactly those args, as a one-shot Job without the admin port; any other case none.
for values in "${cases[@]}"; do
  name="$(basename "${values:-default}" .yaml)"
  [[ -f "$OUT/$name.yaml" ]] || continue
  python3 - "$OUT/$name.yaml" "$(sed -n 's/^# expect-args: //p' "${values:-/dev/null}")" <<'PY' || fail=1
import json, os, sys, yaml
path, expect = sys.argv[1], sys.argv[2]
case = os.path.basename(path)
def fail(msg): print(f"FAIL {case}: {msg}"); sys.exit(1)
jobs = [d for d in yaml.safe_load_all(open(path)) if d and d["kind"] == "CronJob"]
if not expect:
    if jobs: fail("a CronJob rendered, but its values file has no '# expect-args:'")
    sys.exit(0)
expect = json.loads(expect)
if len(jobs) != 1: fail(f"{len(jobs)} CronJobs rendered, expected 1 running {expect}")
job = jobs[0]["spec"]["jobTemplate"]["spec"]
pod = job["template"]["spec"]
c = pod["containers"][0]
env = {e["name"]: e.get("value") for e in c.get("env", [])}
bad = [m for m, ok in [
    (f"args {c.get('args')}, expected {expect}", c.get("args") == expect),
    (f"backoffLimit {job.get('backoffLimit')}, expected 0", job.get("backoffLimit") == 0),
    (f"restartPolicy {pod.get('restartPolicy')}, expected Never", pod.get("restartPolicy") == "Never"),
    (f"WEAVIATE_SYNC_ADMIN_PORT {env.get('WEAVIATE_SYNC_ADMIN_PORT')}, expected -1", env.get("WEAVIATE_SYNC_ADMIN_PORT") == "-1"),
    (f"automountServiceAccountToken {pod.get('automountServiceAccountToken')}", pod.get("automountServiceAccountToken") is False),
] if not ok]
if bad: fail(f"CronJob/{jobs[0]['metadata']['name']}: " + "; ".join(bad))
print(f"ok   {case}: CronJob/{jobs[0]['metadata']['name']} \"{jobs[0]['spec']['schedule']}\" runs {json.dumps(c['args'])}")
PY
done

# run_checkov FILE SKIPS... -> a line "passed failed distinct-check-ids", then one line per failure.
run_checkov() {
  local file="$1"; shift
  local skip; skip="$(IFS=,; echo "$*")"
  "$CHECKOV" -f "$file" --framework kubernetes --skip-download -o json ${skip:+--skip-check "$skip"} \
    > "$file.checkov.json" 2> "$file.checkov.err" || true
  python3 - "$file.checkov.json" "$file.checkov.err" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except ValueError:
    print("ERROR checkov gave no JSON: " + open(sys.argv[2]).read()[-2000:]); sys.exit(0)
if isinstance(d, list): d = next(x for x in d if x.get("check_type") == "kubernetes")
r = d.get("results", {})
p, f, pe = r.get("passed_checks", []), r.get("failed_checks", []), r.get("parsing_errors", [])
print(len(p), len(f) + len(pe), len({c["check_id"] for c in p + f}))
for c in f: print(f"  {c['check_id']} {c['check_name']}: {c['resource']}")
for e in pe: print(f"  parsing error: {e}")
PY
}

if [[ $lint == on ]]; then
  for file in "${rendered[@]}"; do
    name="$(basename "$file" .yaml)"
    skips=(CKV_K8S_35)
    grep -q '^ *image: ".*@sha256:' "$file" || skips+=(CKV_K8S_43)
    result="$(run_checkov "$file" "${skips[@]}")"
    read -r passed failed ids <<<"$(head -n1 <<<"$result")"
    if [[ "$passed" =~ ^[0-9]+$ && "$failed" == 0 && "$passed" -ge 50 ]]; then
      echo "ok   checkov $CHECKOV_VERSION $name: $passed passed, 0 failed ($ids distinct checks; skipped: ${skips[*]})"
    else
      echo "FAIL checkov $CHECKOV_VERSION $name: $result"; fail=1
    fi
  done
  for id in "${!SKIP_REASON[@]}"; do echo "     skipped $id: ${SKIP_REASON[$id]}"; done
  # The linter must still bite: the default manifests with the container hardening and the token
  # opt-out taken out have to fail the same run.
  python3 - "$OUT/default.yaml" > "$OUT/canary.yaml" <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
for d in docs:
    pod = d.get("spec", {}).get("template", {}).get("spec")
    if pod:
        pod.pop("automountServiceAccountToken", None)
        for c in pod["containers"]: c.pop("securityContext", None)
print(yaml.safe_dump_all(docs))
PY
  result="$(run_checkov "$OUT/canary.yaml" CKV_K8S_35 CKV_K8S_43)"
  read -r _ failed _ <<<"$(head -n1 <<<"$result")"
  flagged="$(tail -n +2 <<<"$result" | awk '{print $1}' | sort -u | tr '\n' ' ')"
  if [[ "$failed" =~ ^[0-9]+$ && "$failed" -gt 0 && "$flagged" == *CKV_K8S_20* && "$flagged" == *CKV_K8S_38* ]]; then
    echo "ok   checkov bites: without securityContext and automountServiceAccountToken: false the default fails $failed checks (${flagged% })"
  else
    echo "FAIL checkov did not flag the stripped manifests: $result"; fail=1
  fi
fi

for bad in helm/ci/bad-*.yaml; do
  expect="$(sed -n 's/^# expect: //p' "$bad")"
  if "$HELM" lint --strict "$CHART" -f "$bad" >/dev/null 2>&1 && "$HELM" template t "$CHART" -f "$bad" >/dev/null 2>&1; then
    echo "FAIL $bad was accepted"; fail=1
    continue
  fi
  err="$("$HELM" template t "$CHART" -f "$bad" 2>&1 || true)"
  if [[ -z "$expect" || "$err" != *"$expect"* ]]; then
    echo "FAIL $bad rejected, but not with '# expect: $expect':"; echo "$err" | head -n 8; fail=1
  else
    echo "ok   $bad rejected: $expect"
  fi
done
leak_render
if [[ $fail -ne 0 ]]; then echo "helm-check: FAILED"; exit 1; fi
if [[ $lint == off ]]; then echo "helm-check: all passed, but the security linter was SKIPPED"; exit 0; fi
echo "helm-check: all passed"
