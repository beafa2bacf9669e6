#!/usr/bin/env bash
# Offline checks of deploy/ (no Docker engine needed; deploy/compose-test runs it for real). Exits non-zero when any
# check fails; prints each check.
#   bash deploy/check.sh
# Checks:
#   - docker-compose 1.29 `config -q` on deploy/docker-compose.yml, plain, with every profile and with
#     deploy/docker-compose.offline.yml and deploy/docker-compose.ha.yml
#   - the compose model: no top-level name:, nodes scalable (no container_name, no published ports), healthchecks on
#     /health/ready, restart policies, depends_on conditions, KAFKA_CREATE_TOPICS=false, Kafka image = pom's version;
#     secure defaults: published ports on 127.0.0.1, no Grafana password default nor anonymous access, analyzer CPUs
#     = ANALYZER_WORKERS and a state volume per replica
#   - deploy/.env.example documents every ${VAR} of the compose file and validates with it
#   - topic-init's topic list and partition/config rules against dev.crawlocr.common.Topics
#   - Prometheus config and Grafana provisioning (YAML) and dashboard (JSON) parse and agree with each other
#   - Dockerfiles (nodes and crawlctl): one identical build stage (poms, then sources), base images from ARGs with
#     pinned defaults, no BuildKit-only syntax, non-root USER, HEALTHCHECK, jar name = the pom's finalName, analyzer's
#     Tesseract packages and OMP_THREAD_LIMIT=1; dockerfile-utils lint when npm can provide it
#   - deploy/images: local base Dockerfiles on local bases, non-root Kafka/PostgreSQL/Prometheus, and the offline
#     override naming the images build-bases.sh builds (Kafka at the pom's version)
#   - .dockerignore keeps every Maven module; shell scripts pass bash -n (and shellcheck when installed)
set -uo pipefail

deploy=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$deploy")
cd "$root" || exit 1

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "  ok    $1"; }
bad() {
  failed=$((failed + 1))
  echo "  FAIL  $1"
  if [ -n "${2:-}" ]; then
    while IFS= read -r l; do echo "        $l"; done <<<"$2"
  fi
}
# check "description" command...: ok when the command exits 0; its output is shown on failure.
check() {
  local what=$1 out
  shift
  if out=$("$@" 2>&1); then ok "$what"; else bad "$what" "$out"; fi
}

echo "deploy/check.sh: offline checks of deploy/"

if ! command -v docker-compose >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "  ..    installing Debian's docker-compose"
    { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose; }; } >/dev/null 2>&1
  fi
fi
compose_file=deploy/docker-compose.yml
if command -v docker-compose >/dev/null 2>&1; then
  # An empty environment file keeps a developer's deploy/.env out of the check.
  empty_env=$(mktemp)
  trap 'rm -f "$empty_env"' EXIT
  dc() { docker-compose --env-file "$empty_env" -f "$compose_file" "$@"; }
  check "docker-compose config -q ($(docker-compose version --short 2>/dev/null))" dc config -q
  check "docker-compose --profile monitoring --profile tools config -q" dc --profile monitoring --profile tools config -q
  resolved=$(dc --profile monitoring --profile tools --profile demo config 2>/dev/null)
  check "docker-compose config -q with deploy/.env.example" \
    docker-compose --env-file deploy/.env.example -f "$compose_file" --profile monitoring --profile tools --profile demo config -q
  check "docker-compose config -q with deploy/docker-compose.offline.yml" \
    dc -f deploy/docker-compose.offline.yml --profile monitoring --profile tools --profile demo config -q
  resolved_offline=$(dc -f deploy/docker-compose.offline.yml --profile monitoring --profile tools --profile demo config 2>/dev/null)
  check "docker-compose config -q with deploy/docker-compose.ha.yml" dc -f deploy/docker-compose.ha.yml --profile tools config -q
  check "docker-compose config -q with the offline override and deploy/docker-compose.ha.yml" \
    dc -f deploy/docker-compose.offline.yml -f deploy/docker-compose.ha.yml --profile tools config -q
else
  bad "docker-compose is not installed (apt-get install docker-compose)"
  resolved=""
  resolved_offline=""
fi

undocumented=$(comm -23 <(grep -oE '\$\{[A-Z0-9_]+' "$compose_file" | cut -c3- | sort -u) \
  <(sed -n 's/^\([A-Z0-9_]*\)=.*/\1/p' deploy/.env.example | sort -u))
if [ -z "$undocumented" ]; then
  ok "every \${VAR} of the compose file is documented in deploy/.env.example"
else
  bad "compose variables missing from deploy/.env.example" "$undocumented"
fi

kafka_version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' pom.xml | head -n 1)
modules=$(sed -n 's:.*<module>\(.*\)</module>.*:\1:p' pom.xml | tr '\n' ' ')

# Structural checks in Python (YAML/JSON parsing); each result line is "ok <what>" or "FAIL <what>: <why>".
# Any python3 with PyYAML will do; Debian's docker-compose brings python3-yaml to /usr/bin/python3.
py=python3
for candidate in python3 /usr/bin/python3; do
  if "$candidate" -c 'import yaml' >/dev/null 2>&1; then py=$candidate; break; fi
done
py_out=$(RESOLVED="$resolved" RESOLVED_OFFLINE="$resolved_offline" KAFKA_VERSION="$kafka_version" MODULES="$modules" "$py" - <<'PY' 2>&1
import glob, json, os, re, sys
try:
    import yaml
except ImportError:
    print("FAIL python3 has no yaml module (pip install pyyaml, or apt-get install python3-yaml)")
    sys.exit(0)

def ok(what): print("ok " + what)
def fail(what, why): print("FAIL " + what + ": " + why)

NODES = {"fetcher": "fetcher-node", "analyzer": "analyzer-node", "writer": "writer-node"}

# --- compose file, as written and as resolved by docker-compose
raw_text = open("deploy/docker-compose.yml").read()
raw = yaml.safe_load(raw_text)
if "name" in raw:
    fail("compose file has no top-level name:", "docker-compose 1.29 rejects it")
else:
    ok("compose file has no top-level name:")
model = yaml.safe_load(os.environ["RESOLVED"]) if os.environ["RESOLVED"].strip() else raw
services = model.get("services", {})
want = {"kafka", "postgres", "topic-init", "fetcher", "analyzer", "writer", "prometheus", "grafana", "crawlctl", "demo", "console"}
missing = want - set(services)
(fail("services present", "missing " + ", ".join(sorted(missing))) if missing else ok("services present: " + " ".join(sorted(want))))

problems = []
for svc, module in NODES.items():
    s = services.get(svc, {})
    if "container_name" in s: problems.append(svc + " has container_name")
    if s.get("ports"): problems.append(svc + " publishes host ports")
    hc = " ".join(map(str, (s.get("healthcheck") or {}).get("test", [])))
    if "/health/ready" not in hc: problems.append(svc + " healthcheck does not probe /health/ready")
    if s.get("restart") not in ("always", "unless-stopped", "on-failure"): problems.append(svc + " has no restart policy")
    env = s.get("environment") or {}
    if isinstance(env, list): env = dict(e.split("=", 1) if "=" in e else (e, None) for e in env)
    if str(env.get("KAFKA_BOOTSTRAP_SERVERS")) != "kafka:9092": problems.append(svc + " KAFKA_BOOTSTRAP_SERVERS is not kafka:9092")
    if str(env.get("KAFKA_CREATE_TOPICS")).lower() != "false": problems.append(svc + " KAFKA_CREATE_TOPICS is not false")
    if str(env.get("OPS_PORT")) != "8080": problems.append(svc + " OPS_PORT is not 8080")
    deps = s.get("depends_on") or {}
    if not isinstance(deps, dict) or deps.get("kafka", {}).get("condition") != "service_healthy" \
            or deps.get("topic-init", {}).get("condition") != "service_completed_successfully":
        problems.append(svc + " does not wait for a healthy kafka and a completed topic-init")
    build = s.get("build") or {}
    df = build.get("dockerfile", "") if isinstance(build, dict) else ""
    if not df.endswith("deploy/docker/%s.Dockerfile" % svc): problems.append(svc + " builds from " + repr(df))
writer_env = services.get("writer", {}).get("environment") or {}
for key in ("DATABASE_URL", "DATABASE_USER", "DATABASE_PASSWORD"):
    if key not in writer_env: problems.append("writer has no " + key)
if (services.get("writer", {}).get("depends_on") or {}).get("postgres", {}).get("condition") != "service_healthy":
    problems.append("writer does not wait for a healthy postgres")
if str((services.get("analyzer", {}).get("environment") or {}).get("OMP_THREAD_LIMIT")) != "1":
    problems.append("analyzer OMP_THREAD_LIMIT is not 1")
(fail("nodes scalable, healthchecked, restarted, configured by env", "; ".join(problems)) if problems
 else ok("nodes scalable, healthchecked on /health/ready, restart policies, depends_on conditions, env config"))

kv = os.environ["KAFKA_VERSION"]
images = {svc: services.get(svc, {}).get("image", "") for svc in ("kafka", "topic-init")}
bad_images = {k: v for k, v in images.items() if v != "apache/kafka:" + kv}
(fail("kafka images pinned to the pom's kafka.version " + kv, str(bad_images)) if bad_images or not kv
 else ok("kafka and topic-init use apache/kafka:" + kv + " (pom kafka.version)"))
kenv = services.get("kafka", {}).get("environment") or {}
need = {"KAFKA_PROCESS_ROLES": "broker,controller", "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1", "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR": "1",
        "KAFKA_DEFAULT_REPLICATION_FACTOR": "1"}
wrong = [k for k, v in need.items() if str(kenv.get(k)) != v]
listeners = str(kenv.get("KAFKA_ADVERTISED_LISTENERS", ""))
if "PLAINTEXT://kafka:9092" not in listeners or ":9094" not in listeners: wrong.append("KAFKA_ADVERTISED_LISTENERS " + listeners)
ports = " ".join(map(str, services.get("kafka", {}).get("ports", [])))
if "9094" not in ports: wrong.append("kafka does not publish 9094")
(fail("kafka: KRaft single node, replication 1, internal and host listeners", "; ".join(wrong)) if wrong
 else ok("kafka: KRaft single node, replication 1, listeners kafka:9092 and localhost:9094"))
for svc, profile in (("prometheus", "monitoring"), ("grafana", "monitoring"), ("crawlctl", "tools"), ("demo", "demo"), ("console", "console")):
    if profile not in (services.get(svc, {}).get("profiles") or []):
        fail(svc + " in profile " + profile, "profiles: " + str(services.get(svc, {}).get("profiles")))
        break
else:
    ok("prometheus and grafana only in profile monitoring, crawlctl in profile tools, demo in profile demo, console in profile console")

# Secure defaults: loopback ports, a Grafana password the user sets, no anonymous viewers, bounded analyzer CPUs.
problems = []
for svc in ("kafka", "postgres", "prometheus", "grafana", "console"):
    for port in services.get(svc, {}).get("ports", []):
        if not str(port).startswith("127.0.0.1:"): problems.append("%s publishes %s beyond 127.0.0.1" % (svc, port))
genv = services.get("grafana", {}).get("environment") or {}
if str(genv.get("GF_SECURITY_ADMIN_PASSWORD") or "") != "": problems.append("grafana has a default admin password")
if "GF_SECURITY_ADMIN_PASSWORD" not in " ".join(map(str, services.get("grafana", {}).get("entrypoint") or [])):
    problems.append("grafana does not refuse to start without GRAFANA_ADMIN_PASSWORD")
if str(genv.get("GF_AUTH_ANONYMOUS_ENABLED")).lower() != "false": problems.append("grafana allows anonymous users by default")
console = services.get("console", {})
if str((console.get("environment") or {}).get("CONSOLE_TOKEN") or "") != "": problems.append("console has a default token")
if "--token-env CONSOLE_TOKEN" not in " ".join(map(str, console.get("command") or [])):
    problems.append("console does not require the token CONSOLE_TOKEN")
analyzer = services.get("analyzer", {})
aenv = analyzer.get("environment") or {}
if str(analyzer.get("cpus")) not in (str(aenv.get("ANALYZER_WORKERS")), str(aenv.get("ANALYZER_WORKERS")) + ".0"):
    problems.append("analyzer cpus %s is not ANALYZER_WORKERS %s" % (analyzer.get("cpus"), aenv.get("ANALYZER_WORKERS")))
state = str(aenv.get("ANALYZER_STATE_DIR"))
if state not in [str(v) for v in analyzer.get("volumes") or []]:
    problems.append("ANALYZER_STATE_DIR %s is not an anonymous volume of each analyzer replica" % state)
(fail("secure defaults", "; ".join(problems)) if problems
 else ok("secure defaults: ports on 127.0.0.1, no Grafana password or console token default, no anonymous Grafana, analyzer cpus = "
         "ANALYZER_WORKERS, a state volume per analyzer replica"))

# --- topic-init against common's Topics
topics_java = open("common/src/main/java/dev/crawlocr/common/Topics.java").read()
consts = dict(re.findall(r'public static final String (\w+) = "(crawl\.[\w.-]+)"', topics_java))
script = open("deploy/kafka/create-topics.sh").read()
rows = {m.group(1): (m.group(2), m.group(3)) for m in re.finditer(r'^\s*"(crawl\.[\w.-]+)\s+(\S+)\s+(\S+)"\s*$', script, re.M)}
problems = []
if set(consts.values()) != set(rows):
    problems.append("Topics.java has %s, create-topics.sh has %s" % (sorted(consts.values()), sorted(rows)))
single = {consts.get(c) for c in re.findall(r'topic\.equals\((\w+)\)', topics_java.split("partitionsFor", 1)[-1].split("}", 1)[0])}
for name, (parts, configs) in rows.items():
    if name in single and parts != "1": problems.append(name + " must have 1 partition")
    if name not in single and parts != "$partitions": problems.append(name + " must use $partitions")
compact = {consts.get(c) for c in re.findall(r'case ([\w, ]+) -> Map\.of\("cleanup\.policy", "compact"\)', topics_java) for c in [x.strip() for x in c.split(",")]}
capped = set()
for group in re.findall(r'case ([\w, ]+) -> Map\.of\("max\.message\.bytes"', topics_java):
    capped |= {consts.get(c.strip()) for c in group.split(",")}
for name, (parts, configs) in rows.items():
    if (name in compact) != ("cleanup.policy=compact" in configs): problems.append(name + " compaction differs from Topics.configsFor")
    if (name in capped) != ("max.message.bytes=" in configs): problems.append(name + " max.message.bytes differs from Topics.configsFor")
m = re.search(r'KAFKA_TOPIC_PARTITIONS:-(\d+)', script)
if not m or int(m.group(1)) < 24: problems.append("default partitions below 24")
(fail("topic-init matches common Topics (names, partitions, configs)", "; ".join(problems)) if problems
 else ok("topic-init creates all %d topics of Topics.java; 1 partition for %s; compact %s; image cap on %s"
         % (len(rows), ",".join(sorted(single)), ",".join(sorted(compact)), ",".join(sorted(capped)))))

# --- Prometheus and Grafana
try:
    prom = yaml.safe_load(open("deploy/monitoring/prometheus.yml"))
    jobs = {j["job_name"]: j for j in prom["scrape_configs"]}
    problems = []
    for svc in NODES:
        sd = (jobs.get(svc) or {}).get("dns_sd_configs") or [{}]
        if svc not in sd[0].get("names", []) or sd[0].get("port") != 8080:
            problems.append(svc + " is not scraped through dns_sd_configs on port 8080")
    (fail("prometheus.yml scrapes every node", "; ".join(problems)) if problems
     else ok("prometheus.yml parses; dns_sd_configs for fetcher, analyzer, writer on :8080"))
except Exception as e:
    fail("prometheus.yml parses", repr(e))

try:
    ds = yaml.safe_load(open("deploy/monitoring/grafana/provisioning/datasources/prometheus.yml"))
    prov = yaml.safe_load(open("deploy/monitoring/grafana/provisioning/dashboards/crawlocr.yml"))
    uid = ds["datasources"][0]["uid"]
    dash_dir = prov["providers"][0]["options"]["path"]
    mounts = " ".join(map(str, services.get("grafana", {}).get("volumes", [])))
    if dash_dir not in mounts: raise ValueError("dashboard path %s is not mounted into grafana" % dash_dir)
    ok("grafana provisioning parses (datasource uid %s, dashboards from %s)" % (uid, dash_dir))
except Exception as e:
    fail("grafana provisioning parses", repr(e))
    uid = None

try:
    dash = json.load(open("deploy/monitoring/grafana/dashboards/crawlocr.json"))
    problems, exprs, ids = [], [], []
    for p in dash["panels"]:
        ids.append(p["id"])
        if p["type"] == "row": continue
        if uid and p.get("datasource", {}).get("uid") != uid: problems.append("panel %r uses another datasource" % p["title"])
        if not p.get("targets"): problems.append("panel %r has no query" % p["title"])
        exprs += [t["expr"] for t in p.get("targets", [])]
    if len(ids) != len(set(ids)): problems.append("duplicate panel ids")
    text = " ".join(exprs)
    for e in exprs:
        if e.count("(") != e.count(")") or e.count("{") != e.count("}") or e.count("[") != e.count("]"):
            problems.append("unbalanced brackets in " + e)
    # Every crawlocr metric a panel queries must be named somewhere in src/main (Micrometer name, dots -> _).
    meters = set()
    for d, _, files in os.walk("."):
        if "/src/main/" not in d + "/" or "/target" in d: continue
        for f in files:
            if f.endswith(".java"):
                meters |= {m.replace(".", "_") for m in re.findall(r'"((?:pipeline|fetcher|analyzer|writer)\.[a-z0-9.]+)"', open(os.path.join(d, f)).read())}
    absent = [m for m in NODES if not os.path.isdir("%s-node/src/main" % m)]
    for name in sorted(set(re.findall(r'\b((?:pipeline|fetcher|analyzer|writer)_[a-z0-9_]+)', text))):
        if name.split("_")[0] in absent: continue
        base = re.sub(r'(_seconds)?(_total|_bucket|_sum|_count|_max)?$', '', name)
        if base not in meters and name not in meters:
            problems.append("metric %s is not named in any module's src/main (renamed?)" % name)
    for metric in ("pipeline_records_consumed_total", "pipeline_records_inflight", "pipeline_partitions_paused",
                   "pipeline_records_deadlettered_total", "jvm_memory_used_bytes"):
        if metric not in text: problems.append("no panel shows " + metric)
    (fail("grafana dashboard", "; ".join(problems)) if problems
     else ok("grafana dashboard parses: %d panels, %d queries, metric names found in the code%s"
             % (len(ids), len(exprs), " (no sources yet: %s)" % ", ".join(absent) if absent else "")))
except Exception as e:
    fail("grafana dashboard parses", repr(e))

# --- Dockerfiles
def dockerfile(path):
    """(logical lines without comments, ARG defaults declared before the first FROM) of a Dockerfile."""
    text = open(path).read()
    lines = [l.strip() for l in re.sub(r"\\\n", " ", text).splitlines() if l.strip() and not l.strip().startswith("#")]
    args = {}
    for l in lines:
        if l.upper().startswith("FROM "): break
        m = re.match(r"ARG (\w+)=(\S+)$", l)
        if m: args[m.group(1)] = m.group(2)
    return text, lines, args

def base_images(path, lines, args, problems):
    """The FROM images of a Dockerfile with the ARG defaults filled in; flags unpinned or unresolvable ones."""
    images = []
    for f in [l for l in lines if l.upper().startswith("FROM ")]:
        image = re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: args.get(m.group(1) or m.group(2), "$?"), f.split()[1])
        if image.lower() == "build": continue
        if "$?" in image: problems.append(path + ": FROM %s has no ARG default before the first FROM" % f.split()[1])
        elif ":" not in image or image.endswith(":latest"): problems.append(path + ": base image not pinned: " + image)
        images.append(image)
    return images

def buildkit_only(path, text, problems):
    """The classic builder (Docker without BuildKit) must build every Dockerfile."""
    for pattern, what in ((r"^\s*#\s*syntax\s*=", "a # syntax= line"), (r"--mount=", "RUN --mount"),
                          (r"--link\b", "COPY --link"), (r"--chmod=", "COPY/ADD --chmod"), (r"<<-?\s*['\"]?[A-Z]+", "a heredoc")):
        if re.search(pattern, text, re.M): problems.append(path + ": uses %s, which needs BuildKit" % what)

problems = []
stages = {}
modules = os.environ["MODULES"].split()
for svc, module in dict(NODES, crawlctl="crawlctl").items():
    path = "deploy/docker/%s.Dockerfile" % svc
    try:
        text, lines, args = dockerfile(path)
    except OSError as e:
        problems.append(str(e)); continue
    buildkit_only(path, text, problems)
    froms = [l for l in lines if l.upper().startswith("FROM ")]
    if len(froms) < 2 or not re.match(r"FROM \S+ AS build$", froms[0], re.I):
        problems.append(path + ": not a multi-stage build starting with FROM ... AS build")
    images = base_images(path, lines, args, problems)
    if not args.get("BUILD_IMAGE", "").startswith("maven:") or not args.get("RUNTIME_IMAGE", "").startswith("eclipse-temurin:"):
        problems.append(path + ": ARG BUILD_IMAGE and RUNTIME_IMAGE must default to the public maven and eclipse-temurin images")
    m = re.search(r"^# --- The build stage.*?^# --- end of the build stage$", text, re.M | re.S)
    if not m:
        problems.append(path + ": no '# --- The build stage' ... '# --- end of the build stage' section"); continue
    stage = stages[path] = m.group(0)
    for mod in ["."] + modules:
        copy = "COPY pom.xml ./" if mod == "." else "COPY %s/pom.xml %s/" % (mod, mod)
        if copy not in stage: problems.append(path + ": the build stage does not copy %s (the reactor needs every module's pom)" % copy.split()[1])
    mvn = re.findall(r"mvn -B -q -ntp (-o )?-T 2 -pl fetcher-node,analyzer-node,writer-node,crawlctl -am package -Dmaven.test.skip=true", stage)
    if mvn != ["", "-o "]:
        problems.append(path + ": the build stage must run Maven twice: on the poms (dependencies), then offline on the sources")
    final = lines[lines.index(froms[-1]):]
    users = [l.split()[1] for l in final if l.upper().startswith("USER ")]
    if not users or users[-1].split(":")[0] in ("root", "0"): problems.append(path + ": final stage does not run as a non-root USER")
    if svc in NODES and not any(l.upper().startswith("HEALTHCHECK ") and "/health/ready" in l for l in final):
        problems.append(path + ": no HEALTHCHECK on /health/ready")
    pom = open("%s/pom.xml" % module).read()
    fn = re.search(r"<finalName>([^<]+)</finalName>", pom)
    if not fn or "%s/target/%s.jar" % (module, fn.group(1)) not in stage:
        problems.append(path + ": the build stage does not collect %s/target/<finalName>.jar of %s/pom.xml" % (module, module))
    elif not any(l.startswith("COPY --from=build /out/%s" % (fn.group(1) + ".jar" if svc in NODES else "crawlctl/")) for l in final):
        problems.append(path + ": the final stage does not copy its own jar from the build stage")
    if svc == "analyzer":
        for needle in ("libtesseract5", "tesseract-ocr-eng", "tesseract-ocr-kor", "OMP_THREAD_LIMIT=1"):
            if needle not in text: problems.append(path + ": missing " + needle)
if len(set(stages.values())) > 1:
    problems.append("the build stages of %s differ (they must be identical, so that one Maven run serves all four images)"
                    % ", ".join(sorted(stages)))
(fail("Dockerfiles", "; ".join(problems)) if problems
 else ok("Dockerfiles (3 nodes + crawlctl): one identical two-step Maven build stage copying every pom, bases from ARGs "
         "pinned to maven/eclipse-temurin, no BuildKit-only syntax, non-root USER, node HEALTHCHECKs, jar = pom finalName, "
         "analyzer Tesseract eng+kor"))

# --- the local base images (deploy/images) and the offline override
problems = []
build_bases = open("deploy/images/build-bases.sh").read()
for path in sorted(glob.glob("deploy/images/*/Dockerfile")):
    text, lines, args = dockerfile(path)
    buildkit_only(path, text, problems)
    for image in base_images(path, lines, args, problems):
        if not image.startswith("crawlocr/base-"): problems.append(path + ": builds on %s, not on a local base image" % image)
    name = path.split("/")[2]
    users = [l.split()[1] for l in lines if l.upper().startswith("USER ")]
    if name in ("kafka", "postgres", "prometheus") and (not users or users[-1].split(":")[0] in ("root", "0")):
        problems.append(path + ": does not run as a non-root USER")
    if "images/%s/Dockerfile" % name not in build_bases and '"$images/$1/Dockerfile"' not in build_bases:
        problems.append(path + ": not built by deploy/images/build-bases.sh")
offline = yaml.safe_load(os.environ["RESOLVED_OFFLINE"]) if os.environ["RESOLVED_OFFLINE"].strip() else {}
osvc = offline.get("services", {})
for svc in ("kafka", "topic-init"):
    if osvc.get(svc, {}).get("image") != "crawlocr/kafka:" + kv:
        problems.append("offline %s image %r is not crawlocr/kafka:%s (the pom's kafka.version)" % (svc, osvc.get(svc, {}).get("image"), kv))
for svc in ("postgres", "prometheus"):
    image = osvc.get(svc, {}).get("image", "")
    if not image.startswith("crawlocr/") or image not in build_bases:
        problems.append("offline %s image %r is not one build-bases.sh builds" % (svc, image))
for svc in list(NODES) + ["crawlctl", "demo"]:
    bargs = (osvc.get(svc, {}).get("build") or {}).get("args") or {}
    for arg in ("BUILD_IMAGE", "RUNTIME_IMAGE"):
        image = str(bargs.get(arg, ""))
        if not image.startswith("crawlocr/base-") or image not in build_bases:
            problems.append("offline %s build arg %s=%r is not a base image build-bases.sh builds" % (svc, arg, image))
if "crawlocr/kafka:$version" not in build_bases or "<kafka.version>" not in build_bases:
    problems.append("build-bases.sh does not tag its Kafka image with the pom's kafka.version")
(fail("local base images and deploy/docker-compose.offline.yml", "; ".join(problems)) if problems
 else ok("deploy/images: every Dockerfile builds on a local base (pinned ARG), classic builder only, Kafka/PostgreSQL/Prometheus "
         "non-root; the offline override uses crawlocr/kafka:%s and the bases build-bases.sh builds" % kv))

# --- .dockerignore keeps the reactor buildable
try:
    ignored = [l.strip().strip("/") for l in open(".dockerignore") if l.strip() and not l.startswith("#")]
    lost = [m for m in os.environ["MODULES"].split() + ["pom.xml"] if m in ignored]
    (fail(".dockerignore keeps every Maven module", "ignores " + ", ".join(lost)) if lost
     else ok(".dockerignore keeps pom.xml and every module; ignores " + " ".join(ignored)))
except OSError as e:
    fail(".dockerignore exists", str(e))
PY
)
while IFS= read -r line; do
  case "$line" in
    ok\ *) ok "${line#ok }" ;;
    FAIL\ *) bad "${line#FAIL }" ;;
    *) [ -n "$line" ] && bad "python check: $line" ;;
  esac
done <<<"$py_out"

scripts=(deploy/kafka/create-topics.sh deploy/check.sh deploy/compose-test deploy/images/build-bases.sh
  deploy/images/kafka/bin/kafka-run-class.sh deploy/images/kafka/docker/run deploy/images/postgres/docker-entrypoint.sh)
for script in "${scripts[@]}"; do
  check "bash -n $script" bash -n "$script"
done
check "sh -n deploy/images/debian/setup.sh" sh -n deploy/images/debian/setup.sh
if command -v shellcheck >/dev/null 2>&1; then
  check "shellcheck ${scripts[*]} deploy/images/debian/setup.sh" shellcheck -x "${scripts[@]}" deploy/images/debian/setup.sh
fi

# dockerfile-utils (the Dockerfile language server's linter), from the npm registry, cached per user.
lint_dir=${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/crawlocr/dockerfile-utils-0.16.3
lint="$lint_dir/node_modules/.bin/dockerfile-utils"
if [ ! -x "$lint" ] && command -v npm >/dev/null 2>&1; then
  mkdir -p "$lint_dir" && npm install --prefix "$lint_dir" --no-audit --no-fund --silent dockerfile-utils@0.16.3 >/dev/null 2>&1
fi
if [ -x "$lint" ]; then
  for f in deploy/docker/*.Dockerfile deploy/images/*/Dockerfile; do
    # Any diagnostic, warning or error, fails the check.
    out=$("$lint" lint "$f" 2>&1)
    if [ -z "$out" ]; then ok "dockerfile-utils lint $f"; else bad "dockerfile-utils lint $f" "$out"; fi
  done
else
  echo "  skip  dockerfile-utils lint (npm could not install dockerfile-utils@0.16.3)"
fi

echo "deploy-check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
