#!/usr/bin/env bash
# Chart checks: helm lint --strict, helm template for the default values and for the values files in
# helm/ci/, the rendered manifests validated against the Kubernetes API schemas (kubernetes-validate,
# from PyPI, schemas bundled, no network), and the bad values files rejected.
# helm is built from its Go module (helm.sh/helm/v3) once and cached, like weaviate-server.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
HELM_VERSION="${HELM_VERSION:-v3.22.0}"
CACHE="${TOOLS_CACHE:-$HOME/.cache/weaviate-sync}/helm/$HELM_VERSION"
HELM="$CACHE/helm"
if [[ ! -x "$HELM" ]]; then
  echo "[helm-check] building helm $HELM_VERSION (first time only)" >&2
  mkdir -p "$CACHE"
  CGO_ENABLED=0 GOBIN="$CACHE" go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >&2
fi
command -v kubernetes-validate >/dev/null || python3 -m pip install -q --disable-pip-version-check kubernetes-validate==1.37.0
CHART=helm/weaviate-sync
OUT="$(mktemp -d)"
fail=0
for values in "" helm/ci/all-on.yaml helm/ci/autoscaling.yaml helm/ci/hpa.yaml; do
  name="${values:-default}"
  args=(); [[ -n "$values" ]] && args=(-f "$values")
  "$HELM" lint --strict "$CHART" "${args[@]}" >/dev/null || { echo "FAIL lint $name"; fail=1; continue; }
  "$HELM" template t "$CHART" "${args[@]}" > "$OUT/$(basename "$name" .yaml).yaml" || { echo "FAIL template $name"; fail=1; continue; }
  # Custom resources (ServiceMonitor, ScaledObject) have no schema in the Kubernetes API: warned, not failed.
  if kubernetes-validate --strict --quiet "$OUT/$(basename "$name" .yaml).yaml"; then
    echo "ok   $name: lint, template, $(grep -c '^kind:' "$OUT/$(basename "$name" .yaml).yaml") manifests valid"
  else
    echo "FAIL validate $name"; fail=1
  fi
done
# The release name most users type: its Service is called weaviate-sync, and Kubernetes would put
# WEAVIATE_SYNC_PORT & co. into every pod that has service links on. Every pod spec must turn them off.
"$HELM" template weaviate-sync "$CHART" -f helm/ci/all-on.yaml > "$OUT/release-weaviate-sync.yaml"
pods="$(python3 - "$OUT/release-weaviate-sync.yaml" <<'PY'
import sys, yaml
bad, n = [], 0
for doc in yaml.safe_load_all(open(sys.argv[1])):
    if not doc: continue
    spec = doc.get("spec", {})
    tpl = spec.get("template") or spec.get("jobTemplate", {}).get("spec", {}).get("template")
    if not tpl: continue
    n += 1
    if tpl["spec"].get("enableServiceLinks") is not False:
        bad.append(doc["kind"] + "/" + doc["metadata"]["name"])
print(n if not bad else "missing in " + ", ".join(bad))
PY
)"
if [[ "$pods" =~ ^[0-9]+$ && "$pods" -gt 0 ]]; then
  echo "ok   release weaviate-sync: enableServiceLinks: false in all $pods pod templates"
else
  echo "FAIL release weaviate-sync: enableServiceLinks: false $pods"; fail=1
fi
for bad in helm/ci/bad-*.yaml; do
  if "$HELM" lint --strict "$CHART" -f "$bad" >/dev/null 2>&1 && "$HELM" template t "$CHART" -f "$bad" >/dev/null 2>&1; then
    echo "FAIL $bad was accepted"; fail=1
  else
    echo "ok   $bad rejected: $("$HELM" template t "$CHART" -f "$bad" 2>&1 | grep -m1 -E 'Error|error' | cut -c1-120)"
  fi
done
rm -rf "$OUT"
if [[ $fail -ne 0 ]]; then echo "helm-check: FAILED"; exit 1; fi
echo "helm-check: all passed"
