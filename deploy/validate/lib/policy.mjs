// The deployment policy, over the objects one overlay renders. Every rule returns messages of the
// form "<Kind>/<name> <where>: <what is wrong>"; an empty list means the overlay passes.
//
// Workload rules (Deployment, StatefulSet, DaemonSet, Job, CronJob; init containers included):
//   - every container has resources.requests and resources.limits for cpu and memory, requests
//     not above limits;
//   - runs as non-root (runAsNonRoot true, runAsUser not 0), readOnlyRootFilesystem true,
//     allowPrivilegeEscalation false, not privileged, capabilities drop ALL and add nothing;
//     the pod uses the RuntimeDefault (or a Localhost) seccomp profile and no host namespaces;
//   - the image has a tag or digest, and the tag is not "latest";
//   - long-running workloads: readiness and liveness probes on every (non-init) container, a
//     gRPC probe on a port the container declares, a preStop sleep, and
//     terminationGracePeriodSeconds > preStop sleep + the server's drain seconds + its shutdown
//     grace seconds (the time calls still running get after the drain);
//   - Jobs: backoffLimit, activeDeadlineSeconds and ttlSecondsAfterFinished set.
// teams-report-server containers also have their configuration checked (listen address matching
// the probes and ports, --migrate off, a database URL, a token key, key files on mounted volumes,
// metrics reachable where Prometheus is told to scrape) and the references between objects
// (ConfigMaps, Secrets, ServiceAccounts, Services, HPA, PDB, NetworkPolicy) are resolved.
// Profile "prod" adds: >= 3 replicas (HPA minimum), a PodDisruptionBudget, no HS256 key, verified
// TLS to PostgreSQL; profile "dev" requires every referenced Secret to be rendered.

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"]);
const LONG_RUNNING = new Set(["Deployment", "StatefulSet", "DaemonSet"]);
const NAMESPACED_EXEMPT = new Set(["Namespace"]);
const SERVER_BINARY = "teams-report-server";
const DEFAULT_DRAIN_SECONDS = 10; // --drain-seconds default
const DEFAULT_SHUTDOWN_GRACE_SECONDS = 10; // --shutdown-grace-seconds default
const DEFAULT_GRACE_SECONDS = 30; // Kubernetes default terminationGracePeriodSeconds

const id = (o) => `${o.kind}/${o.metadata?.name ?? "?"}`;

// ---- Small helpers -------------------------------------------------------------------------

// Kubernetes quantities ("500m", "2", "256Mi", "1G", "1e3") as numbers, or NaN.
export function parseQuantity(q) {
  if (typeof q === "number") return q;
  if (typeof q !== "string") return NaN;
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(q.trim());
  if (!m) return NaN;
  const factor = {
    undefined: 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
    Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
  }[m[2]];
  return Number(m[1]) * factor;
}

function podTemplateOf(o) {
  if (o.kind === "CronJob") return o.spec?.jobTemplate?.spec?.template;
  return o.spec?.template;
}

function labelsMatch(selector, labels) {
  if (!selector || typeof selector !== "object") return false;
  const entries = Object.entries(selector);
  if (entries.length === 0) return false;
  return entries.every(([k, v]) => labels?.[k] === v);
}

function labelSelectorMatches(sel, labels) {
  if (!sel) return false;
  if (!sel.matchLabels && !sel.matchExpressions) return true; // {} selects everything
  if (sel.matchLabels && !Object.entries(sel.matchLabels).every(([k, v]) => labels?.[k] === v)) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = labels && Object.prototype.hasOwnProperty.call(labels, e.key);
    const val = labels?.[e.key];
    if (e.operator === "In" && !(has && e.values.includes(val))) return false;
    if (e.operator === "NotIn" && has && e.values.includes(val)) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

function imageBase(image) {
  const noDigest = String(image).split("@")[0];
  const lastSlash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  const repo = colon > lastSlash ? noDigest.slice(0, colon) : noDigest;
  return repo.slice(repo.lastIndexOf("/") + 1);
}

function imageTag(image) {
  const s = String(image);
  if (s.includes("@sha256:")) return { digest: true, tag: null };
  const lastSlash = s.lastIndexOf("/");
  const colon = s.lastIndexOf(":");
  return { digest: false, tag: colon > lastSlash ? s.slice(colon + 1) : null };
}

// "--drain-seconds=5" / "--drain-seconds 5" -> TEAMS_REPORT_DRAIN_SECONDS=5.
function flagsFromArgs(args) {
  const out = {};
  for (let i = 0; i < (args ?? []).length; i++) {
    const a = String(args[i]);
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(a);
    if (!m) continue;
    const env = "TEAMS_REPORT_" + m[1].toUpperCase().replace(/-/g, "_");
    if (m[2] !== undefined) out[env] = m[2];
    else if (i + 1 < args.length && !String(args[i + 1]).startsWith("--")) out[env] = String(args[++i]);
    else out[env] = "true";
  }
  return out;
}

// The seconds a preStop hook waits, or null when it is not a plain sleep.
function preStopSeconds(preStop) {
  if (!preStop) return 0;
  if (preStop.sleep && Number.isInteger(preStop.sleep.seconds)) return preStop.sleep.seconds;
  const cmd = preStop.exec?.command;
  if (Array.isArray(cmd)) {
    if (cmd.length === 2 && /(^|\/)sleep$/.test(cmd[0]) && /^[0-9]+$/.test(String(cmd[1]))) return Number(cmd[1]);
    if (cmd.length === 3 && /(^|\/)(ba)?sh$/.test(cmd[0]) && cmd[1] === "-c") {
      const m = /^\s*sleep\s+([0-9]+)\s*$/.exec(String(cmd[2]));
      if (m) return Number(m[1]);
    }
  }
  return null;
}

function listenPort(address) {
  const m = /:([0-9]+)$/.exec(String(address ?? ""));
  return m ? Number(m[1]) : null;
}

function listenHost(address) {
  const s = String(address ?? "");
  return s.slice(0, s.lastIndexOf(":")).replace(/^\[|\]$/g, "");
}

// ---- The check -----------------------------------------------------------------------------

export function checkPolicy(objects, { profile = null } = {}) {
  const problems = [];
  const add = (o, where, msg) => problems.push(`${id(o)}${where ? " " + where : ""}: ${msg}`);
  const byKind = (k) => objects.filter((o) => o.kind === k);
  const named = (k, n) => objects.find((o) => o.kind === k && o.metadata?.name === n);
  const externalSecrets = new Set();

  // Namespaces: one, and the rendered Namespace if there is one.
  const namespaces = new Set(objects.filter((o) => !NAMESPACED_EXEMPT.has(o.kind)).map((o) => o.metadata?.namespace ?? ""));
  if (namespaces.size > 1) problems.push(`objects are spread over several namespaces: ${[...namespaces].join(", ") || "(none)"}`);
  if (namespaces.has("")) problems.push("some objects have no namespace (the overlay should set one)");

  // Effective environment of a container: envFrom ConfigMaps, then env, then command-line flags.
  function containerEnv(o, c, where) {
    const env = {};
    for (const src of c.envFrom ?? []) {
      if (src.configMapRef) {
        const cm = named("ConfigMap", src.configMapRef.name);
        if (!cm) {
          if (!src.configMapRef.optional) add(o, where, `envFrom ConfigMap "${src.configMapRef.name}" is not in the rendered output`);
          continue;
        }
        for (const [k, v] of Object.entries(cm.data ?? {})) env[(src.prefix ?? "") + k] = String(v);
      }
      if (src.secretRef) {
        if (named("Secret", src.secretRef.name)) continue;
        externalSecrets.add(src.secretRef.name);
      }
    }
    for (const e of c.env ?? []) {
      if (e.value !== undefined) env[e.name] = String(e.value);
      else if (e.valueFrom?.configMapKeyRef) {
        const ref = e.valueFrom.configMapKeyRef;
        const cm = named("ConfigMap", ref.name);
        if (!cm) { if (!ref.optional) add(o, where, `env ${e.name}: ConfigMap "${ref.name}" is not in the rendered output`); continue; }
        if (!(ref.key in (cm.data ?? {}))) { if (!ref.optional) add(o, where, `env ${e.name}: ConfigMap "${ref.name}" has no key "${ref.key}"`); continue; }
        env[e.name] = String(cm.data[ref.key]);
      } else if (e.valueFrom?.secretKeyRef) {
        if (!named("Secret", e.valueFrom.secretKeyRef.name)) externalSecrets.add(e.valueFrom.secretKeyRef.name);
        env[e.name] = "<secret>";
      }
    }
    return { ...env, ...flagsFromArgs(c.args) };
  }

  for (const o of objects.filter((x) => WORKLOAD_KINDS.has(x.kind))) {
    const template = podTemplateOf(o);
    const pod = template?.spec;
    if (!pod) { add(o, "", "has no pod template"); continue; }
    const podSc = pod.securityContext ?? {};
    const longRunning = LONG_RUNNING.has(o.kind);

    // Labels.
    for (const l of ["app.kubernetes.io/name", "app.kubernetes.io/component", "app.kubernetes.io/part-of"]) {
      if (!o.metadata?.labels?.[l]) add(o, "metadata.labels", `missing ${l}`);
      if (!template.metadata?.labels?.[l]) add(o, "pod template labels", `missing ${l}`);
    }

    // Pod-level security.
    for (const h of ["hostNetwork", "hostPID", "hostIPC"]) if (pod[h] === true) add(o, "pod", `${h} must not be true`);
    if (pod.automountServiceAccountToken !== false) add(o, "pod", "automountServiceAccountToken must be false (the server uses no Kubernetes API)");
    if (pod.serviceAccountName && !named("ServiceAccount", pod.serviceAccountName)) {
      add(o, "pod", `serviceAccountName "${pod.serviceAccountName}" is not in the rendered output`);
    }

    // Volumes: references resolve; mount paths for the key-file checks below.
    const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
    const secretRefs = [];
    for (const v of pod.volumes ?? []) {
      if (v.secret) secretRefs.push([v.secret.secretName, v.secret.optional]);
      if (v.configMap && !named("ConfigMap", v.configMap.name) && !v.configMap.optional) {
        add(o, `volume ${v.name}`, `ConfigMap "${v.configMap.name}" is not in the rendered output`);
      }
      for (const s of v.projected?.sources ?? []) {
        if (s.secret) secretRefs.push([s.secret.name, s.secret.optional]);
        if (s.configMap && !named("ConfigMap", s.configMap.name) && !s.configMap.optional) {
          add(o, `volume ${v.name}`, `ConfigMap "${s.configMap.name}" is not in the rendered output`);
        }
      }
    }
    for (const [name] of secretRefs) if (!named("Secret", name)) externalSecrets.add(name);

    // Jobs.
    if (o.kind === "Job" || o.kind === "CronJob") {
      const js = o.kind === "CronJob" ? o.spec?.jobTemplate?.spec : o.spec;
      for (const f of ["backoffLimit", "activeDeadlineSeconds", "ttlSecondsAfterFinished"]) {
        if (!Number.isInteger(js?.[f])) add(o, "spec", `${f} must be set`);
      }
      if (!["Never", "OnFailure"].includes(pod.restartPolicy)) add(o, "pod", "restartPolicy must be Never or OnFailure");
    }

    const all = [
      ...(pod.initContainers ?? []).map((c, i) => ({ c, init: true, i })),
      ...(pod.containers ?? []).map((c, i) => ({ c, init: false, i })),
    ];
    if ((pod.containers ?? []).length === 0) add(o, "pod", "has no containers");
    let budget = 0; // the longest preStop + drain + shutdown grace of the pod's containers

    for (const { c, init, i } of all) {
      const where = `${init ? "initContainer" : "container"} ${c.name ? `"${c.name}"` : `#${i}`}`;
      const sc = c.securityContext ?? {};

      // Resources.
      for (const kind of ["requests", "limits"]) {
        for (const r of ["cpu", "memory"]) {
          if (c.resources?.[kind]?.[r] === undefined) add(o, where, `missing resources.${kind}.${r}`);
        }
      }
      for (const r of ["cpu", "memory"]) {
        const req = parseQuantity(c.resources?.requests?.[r]);
        const lim = parseQuantity(c.resources?.limits?.[r]);
        if (!Number.isNaN(req) && !Number.isNaN(lim) && req > lim) add(o, where, `resources.requests.${r} exceeds resources.limits.${r}`);
      }

      // Security context.
      const runAsNonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
      const runAsUser = sc.runAsUser ?? podSc.runAsUser;
      if (runAsNonRoot !== true) add(o, where, "securityContext.runAsNonRoot must be true (in the container or the pod)");
      if (runAsUser === 0) add(o, where, "runAsUser must not be 0");
      if (sc.readOnlyRootFilesystem !== true) add(o, where, "securityContext.readOnlyRootFilesystem must be true");
      if (sc.allowPrivilegeEscalation !== false) add(o, where, "securityContext.allowPrivilegeEscalation must be false");
      if (sc.privileged === true) add(o, where, "securityContext.privileged must not be true");
      if (!(sc.capabilities?.drop ?? []).includes("ALL")) add(o, where, "securityContext.capabilities.drop must include ALL");
      if ((sc.capabilities?.add ?? []).length > 0) add(o, where, "securityContext.capabilities.add must be empty");
      const seccomp = sc.seccompProfile?.type ?? podSc.seccompProfile?.type;
      if (!["RuntimeDefault", "Localhost"].includes(seccomp)) add(o, where, "seccompProfile must be RuntimeDefault or Localhost (in the container or the pod)");

      // Image.
      if (!c.image) add(o, where, "has no image");
      else {
        const t = imageTag(c.image);
        if (!t.digest && (t.tag === null || t.tag === "latest")) add(o, where, `image "${c.image}" must have a tag other than latest, or a digest`);
      }

      // Volume mounts resolve.
      for (const m of c.volumeMounts ?? []) if (!volumes.has(m.name)) add(o, where, `volumeMount "${m.name}" has no volume`);

      // Probes and lifecycle of long-running containers.
      const ports = new Map((c.ports ?? []).map((p) => [p.containerPort, p]));
      const portNames = new Map((c.ports ?? []).filter((p) => p.name).map((p) => [p.name, p.containerPort]));
      if (longRunning && !init) {
        for (const probe of ["readinessProbe", "livenessProbe"]) {
          const p = c[probe];
          if (!p) { add(o, where, `missing ${probe}`); continue; }
          if (p.grpc && !ports.has(p.grpc.port)) add(o, where, `${probe}.grpc.port ${p.grpc.port} is not a declared containerPort`);
          for (const k of ["httpGet", "tcpSocket"]) {
            const port = p[k]?.port;
            if (port !== undefined && !(ports.has(port) || portNames.has(port))) add(o, where, `${probe}.${k}.port ${port} is not a declared containerPort`);
          }
        }
        const pre = c.lifecycle?.preStop;
        const preSeconds = preStopSeconds(pre);
        if (!pre) add(o, where, "missing lifecycle.preStop (a short sleep, so that endpoints drop the pod before SIGTERM)");
        else if (preSeconds === null) add(o, where, "lifecycle.preStop must be a plain sleep (exec [\"/bin/sleep\", \"N\"] or sleep.seconds) so the shutdown budget can be checked");
        const env = containerEnv(o, c, where);
        const seconds = (k, dflt) => {
          const v = env[`TEAMS_REPORT_${k}`];
          if (v === undefined) return dflt;
          if (!/^[0-9]+$/.test(v)) { add(o, where, `TEAMS_REPORT_${k} "${v}" is not a number of seconds`); return dflt; }
          return Number(v);
        };
        const drain = seconds("DRAIN_SECONDS", DEFAULT_DRAIN_SECONDS);
        const shutdownGrace = seconds("SHUTDOWN_GRACE_SECONDS", DEFAULT_SHUTDOWN_GRACE_SECONDS);
        budget = Math.max(budget, (preSeconds ?? 0) + drain + shutdownGrace);
      }

      // teams-report-server configuration.
      const isServerImage = c.image && imageBase(c.image) === "teams-report" && !(c.command?.length > 0);
      if (!init && isServerImage) {
        const env = containerEnv(o, c, where);
        const flag = (k) => env[`TEAMS_REPORT_${k}`];
        const isMigrate = (c.args ?? [])[0] === "migrate";
        if (!flag("DB_URL")) add(o, where, "TEAMS_REPORT_DB_URL (--db-url) is not set");
        if (env.PGPASSFILE && !(c.volumeMounts ?? []).some((m) => env.PGPASSFILE.startsWith(m.mountPath.replace(/\/?$/, "/")))) {
          add(o, where, `PGPASSFILE ${env.PGPASSFILE} is not on a mounted volume`);
        }
        if (!isMigrate && longRunning) {
          const listen = flag("LISTEN");
          const grpcPort = c.readinessProbe?.grpc?.port;
          if (!listen) add(o, where, "TEAMS_REPORT_LISTEN (--listen) is not set: the default 127.0.0.1:50051 is unreachable in a pod");
          else {
            if (["127.0.0.1", "localhost", "::1"].includes(listenHost(listen))) add(o, where, `TEAMS_REPORT_LISTEN ${listen} listens on loopback only`);
            if (grpcPort !== undefined && listenPort(listen) !== grpcPort) add(o, where, `TEAMS_REPORT_LISTEN ${listen} does not match the gRPC probe port ${grpcPort}`);
            if (!ports.has(listenPort(listen))) add(o, where, `TEAMS_REPORT_LISTEN port ${listenPort(listen)} is not a declared containerPort`);
          }
          if (flag("MIGRATE") !== "off") add(o, where, "TEAMS_REPORT_MIGRATE must be off (the migration Job applies migrations, as the schema owner)");
          const keyFiles = ["JWT_HS256_SECRET_FILE", "JWT_PUBLIC_KEY_FILE", "PAGE_TOKEN_SECRET_FILE", "TLS_CERT_FILE", "TLS_KEY_FILE", "TLS_CLIENT_CA_FILE"];
          if (!flag("JWT_HS256_SECRET_FILE") && !flag("JWT_PUBLIC_KEY_FILE")) add(o, where, "no token key: set TEAMS_REPORT_JWT_PUBLIC_KEY_FILE (or, for development, TEAMS_REPORT_JWT_HS256_SECRET_FILE)");
          for (const k of keyFiles) {
            const file = flag(k);
            if (file && !(c.volumeMounts ?? []).some((m) => file.startsWith(m.mountPath.replace(/\/?$/, "/")))) add(o, where, `TEAMS_REPORT_${k} ${file} is not on a mounted volume`);
          }
          // Scraping.
          const ann = template.metadata?.annotations ?? {};
          if (ann["prometheus.io/scrape"] === "true") {
            const metrics = flag("METRICS_LISTEN");
            const scrapePort = Number(ann["prometheus.io/port"]);
            if (!metrics) add(o, where, "pods are annotated for scraping but TEAMS_REPORT_METRICS_LISTEN is not set (default is loopback)");
            else {
              if (["127.0.0.1", "localhost", "::1"].includes(listenHost(metrics))) add(o, where, `TEAMS_REPORT_METRICS_LISTEN ${metrics} is loopback only, Prometheus cannot scrape it`);
              if (listenPort(metrics) !== scrapePort) add(o, where, `prometheus.io/port ${ann["prometheus.io/port"]} does not match TEAMS_REPORT_METRICS_LISTEN ${metrics}`);
            }
            if (!ports.has(scrapePort)) add(o, where, `prometheus.io/port ${ann["prometheus.io/port"]} is not a declared containerPort`);
          }
          // More than one replica: page tokens must verify on every replica.
          const hpa = byKind("HorizontalPodAutoscaler").find((h) => h.spec?.scaleTargetRef?.kind === o.kind && h.spec?.scaleTargetRef?.name === o.metadata?.name);
          const maxReplicas = hpa ? hpa.spec?.maxReplicas : o.spec?.replicas ?? 1;
          if (maxReplicas > 1 && !flag("PAGE_TOKEN_SECRET_FILE")) add(o, where, "more than one replica needs TEAMS_REPORT_PAGE_TOKEN_SECRET_FILE (a shared page-token key)");
          if (profile === "prod") {
            if (flag("JWT_HS256_SECRET_FILE")) add(o, where, "production must not accept HS256 tokens: remove TEAMS_REPORT_JWT_HS256_SECRET_FILE (docs/security.md)");
            if (!flag("JWT_PUBLIC_KEY_FILE")) add(o, where, "production needs TEAMS_REPORT_JWT_PUBLIC_KEY_FILE (RS256/ES256 JWKS)");
          }
        }
        if (profile === "prod") {
          for (const k of ["DB_URL", "DB_READ_URL"]) {
            const url = flag(k);
            if (!url) continue;
            const sslmode = /[?&]sslmode=([a-z-]+)/.exec(url)?.[1];
            if (!["verify-full", "verify-ca"].includes(sslmode)) add(o, where, `TEAMS_REPORT_${k} must use sslmode=verify-full (or verify-ca) in production`);
          }
        }
        if (isMigrate && longRunning) add(o, where, "runs `migrate` in a long-running workload; migrations belong in a Job");
      }
    }

    if (longRunning) {
      const grace = pod.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
      if (!(grace > budget)) {
        add(o, "pod", `terminationGracePeriodSeconds ${grace} must exceed preStop sleep + drain seconds + shutdown grace seconds (${budget})`);
      }
    }
    if (profile === "dev") {
      for (const [name, optional] of secretRefs) if (!optional && !named("Secret", name)) add(o, "pod", `Secret "${name}" is not rendered (the dev overlay generates every Secret)`);
    }
  }

  // Deployments: replicas, autoscaler, disruption budget, Services, NetworkPolicy.
  for (const d of byKind("Deployment")) {
    const podLabels = d.spec?.template?.metadata?.labels ?? {};
    if (!labelSelectorMatches(d.spec?.selector, podLabels)) add(d, "spec.selector", "does not match the pod template labels");
    const hpa = byKind("HorizontalPodAutoscaler").find((h) => h.spec?.scaleTargetRef?.kind === "Deployment" && h.spec?.scaleTargetRef?.name === d.metadata?.name);
    if (hpa && d.spec?.replicas !== undefined) add(d, "spec.replicas", "is set although HorizontalPodAutoscaler/" + hpa.metadata.name + " owns the replica count (every apply would reset it)");
    const minReplicas = hpa ? hpa.spec?.minReplicas ?? 1 : d.spec?.replicas ?? 1;
    if (hpa && !(hpa.spec?.maxReplicas >= minReplicas)) add(hpa, "spec", "maxReplicas is below minReplicas");
    const pdb = byKind("PodDisruptionBudget").find((p) => labelSelectorMatches(p.spec?.selector, podLabels));
    if (profile === "prod") {
      if (minReplicas < 3) add(d, "", `production needs at least 3 replicas (HPA minReplicas or spec.replicas), has ${minReplicas}`);
      if (!hpa) add(d, "", "production needs a HorizontalPodAutoscaler");
      if (!pdb) add(d, "", "production needs a PodDisruptionBudget");
    }
    if (pdb) {
      const { minAvailable, maxUnavailable } = pdb.spec ?? {};
      if (typeof minAvailable === "number" && minAvailable >= minReplicas) add(pdb, "spec.minAvailable", `${minAvailable} leaves no room for a voluntary disruption at ${minReplicas} replicas`);
      if (maxUnavailable === 0 || maxUnavailable === "0%") add(pdb, "spec.maxUnavailable", "0 blocks every node drain");
    }
    const grpcPorts = (d.spec?.template?.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).filter((p) => p.name === "grpc"));
    if (grpcPorts.length > 0) {
      const services = byKind("Service").filter((s) => labelsMatch(s.spec?.selector, podLabels));
      if (!services.some((s) => s.spec?.clusterIP === "None")) add(d, "", "no headless Service (clusterIP: None) selects its pods, for client-side load balancing");
      if (!services.some((s) => s.spec?.clusterIP !== "None" && (s.spec?.type ?? "ClusterIP") === "ClusterIP")) add(d, "", "no ClusterIP Service selects its pods");
    }
    const netpols = byKind("NetworkPolicy").filter((n) => labelSelectorMatches(n.spec?.podSelector, podLabels));
    if (netpols.length === 0) add(d, "", "no NetworkPolicy selects its pods");
    for (const n of netpols) {
      const types = n.spec?.policyTypes ?? [];
      if (!types.includes("Ingress") || !types.includes("Egress")) add(n, "spec.policyTypes", "must include both Ingress and Egress");
      const ingressPorts = new Set((n.spec?.ingress ?? []).flatMap((r) => (r.ports ?? []).map((p) => p.port)));
      for (const p of grpcPorts) if (!ingressPorts.has(p.containerPort) && !ingressPorts.has("grpc")) add(n, "spec.ingress", `does not admit the gRPC port ${p.containerPort}`);
      for (const r of n.spec?.ingress ?? []) if (!r.ports || r.ports.length === 0) add(n, "spec.ingress", "a rule without ports admits every port");
      const egressPorts = new Set((n.spec?.egress ?? []).flatMap((r) => (r.ports ?? []).map((p) => p.port)));
      for (const p of [53, 5432]) if (!egressPorts.has(p)) add(n, "spec.egress", `does not allow port ${p} (${p === 53 ? "DNS" : "PostgreSQL"})`);
    }
  }

  // Services: selectors select something, target ports exist.
  for (const s of byKind("Service")) {
    const pods = objects.filter((o) => WORKLOAD_KINDS.has(o.kind) && labelsMatch(s.spec?.selector, podTemplateOf(o)?.metadata?.labels));
    if (pods.length === 0) { add(s, "spec.selector", "selects no pods of this deployment"); continue; }
    for (const p of s.spec?.ports ?? []) {
      const target = p.targetPort ?? p.port;
      const found = pods.some((o) => (podTemplateOf(o).spec.containers ?? []).some((c) => (c.ports ?? []).some((cp) => cp.name === target || cp.containerPort === target)));
      if (!found) add(s, `port ${p.name ?? p.port}`, `targetPort ${target} is not a port of the selected pods`);
    }
  }
  for (const h of byKind("HorizontalPodAutoscaler")) {
    const ref = h.spec?.scaleTargetRef ?? {};
    if (!named(ref.kind, ref.name)) add(h, "spec.scaleTargetRef", `${ref.kind}/${ref.name} is not in the rendered output`);
  }
  for (const p of byKind("PodDisruptionBudget")) {
    if (!objects.some((o) => LONG_RUNNING.has(o.kind) && labelSelectorMatches(p.spec?.selector, podTemplateOf(o)?.metadata?.labels))) add(p, "spec.selector", "selects no pods of this deployment");
  }

  return { problems: [...new Set(problems)], externalSecrets: [...externalSecrets].sort() };
}
