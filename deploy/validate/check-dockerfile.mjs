#!/usr/bin/env node
// A static check of deploy/Dockerfile, for a machine without a Docker engine:
//
//   node check-dockerfile.mjs [--expect-fail] [--root DIR] [--binaries DIR] [--manifest FILE]... DOCKERFILE
//   (--manifest: rendered manifests whose runAsUser must be the image's USER; repeatable)
//
//   - multi-stage: a build stage FROM debian:bookworm, the final stage FROM debian:bookworm-slim;
//   - the build stage installs what scripts/bootstrap lists, less the packages only the tests and
//     the local run need (TEST_ONLY below), configures Release without tests and benchmarks, and
//     builds teams-report-server and teams-report;
//   - the final stage installs no build packages (compilers, -dev, cmake, ...), uses
//     --no-install-recommends and removes the apt lists, copies both binaries from the build stage
//     into /usr/local/bin, runs as a numeric non-root USER (the runAsUser of the manifests, when
//     given), and has an exec-form ENTRYPOINT of /usr/local/bin/teams-report-server;
//   - with --binaries DIR (a build tree holding server/teams-report-server and
//     client/teams-report): every Debian package that provides a library the binaries link
//     directly is installed in the final stage (or is part of bookworm-slim itself);
//   - the repository's .dockerignore keeps the build trees, .git and node_modules out of the
//     context.
// --expect-fail inverts the result, as in validate.mjs: it passes only when the file is rejected
// for every "# expect: TEXT" reason it lists.
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { parseAllDocuments } from "yaml";

// In scripts/bootstrap for the tests, the benchmarks, the fuzzers and scripts/run, not for
// building the two binaries.
const TEST_ONLY = new Map([
  ["postgresql-15", "the tests' and scripts/run's database"],
  ["postgresql-client-15", "psql for scripts and benchmarks"],
  ["libgtest-dev", "tests (TEAMS_BUILD_TESTS=OFF)"],
  ["libgmock-dev", "tests (TEAMS_BUILD_TESTS=OFF)"],
  ["libbenchmark-dev", "benchmarks (TEAMS_BUILD_BENCH=OFF)"],
  ["clang-14", "fuzzers (TEAMS_BUILD_FUZZ is off)"],
  ["libclang-rt-14-dev", "fuzzers and sanitizers"],
  ["clang-format", "formatting"],
  ["git", "not needed: the context is copied, not cloned"],
  ["openssl", "scripts (key generation)"],
  ["bc", "scripts (benchmark arithmetic)"],
  ["chromium", "the browser test of the HTML report"],
  ["libpng-dev", "the browser test (decodes its screenshot)"],
  ["fonts-dejavu-core", "the browser test (fonts for the screenshot)"],
]);
const BUILD_PACKAGE = /^(build-essential|cmake|make|ninja-build|gcc(-[0-9]+)?|g\+\+(-[0-9]+)?|cpp|clang.*|llvm.*|pkg-config|pkgconf|protobuf-compiler.*|git|curl|wget|postgresql(-[0-9]+)?|postgresql-client(-[0-9]+)?|libgtest.*|libgmock.*|libbenchmark.*)$|-dev$/;
// Packages of bookworm-slim itself (priority required), which the final stage need not install.
const IN_BASE_IMAGE = new Set(["libc6", "libgcc-s1", "libstdc++6", "zlib1g"]);
const BINARIES = ["server/teams-report-server", "client/teams-report"];

const args = process.argv.slice(2);
let expectFail = false;
let root = process.cwd();
let binaries = null;
let dockerfile = null;
const manifests = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--expect-fail") expectFail = true;
  else if (a === "--root") root = args[++i];
  else if (a === "--binaries") binaries = args[++i];
  else if (a === "--manifest") manifests.push(args[++i]);
  else if (a.startsWith("--")) { console.error(`check-dockerfile.mjs: unknown option ${a}`); process.exit(2); }
  else dockerfile = a;
}
if (!dockerfile) { console.error("usage: node check-dockerfile.mjs [--expect-fail] [--root DIR] [--binaries DIR] [--manifest FILE]... DOCKERFILE"); process.exit(2); }

const problems = [];
const notes = [];
const text = fs.readFileSync(dockerfile, "utf8");
const expectations = [...text.matchAll(/^# expect: (.+)$/gm)].map((m) => m[1].trim());

// ---- Parse: instructions with continuations joined, comments dropped -----------------------
const instructions = [];
{
  let buf = "";
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\r$/, "");
    if (buf === "" && /^\s*#/.test(line)) continue;
    if (buf !== "" && /^\s*#/.test(line)) continue; // comment lines inside a continuation
    if (/\\\s*$/.test(line)) { buf += line.replace(/\\\s*$/, " "); continue; }
    buf += line;
    if (buf.trim() !== "") {
      const m = /^\s*([A-Za-z]+)\s+([\s\S]*)$/.exec(buf.trim());
      if (m) instructions.push({ op: m[1].toUpperCase(), arg: m[2].trim() });
    }
    buf = "";
  }
}

const globalArgs = {};
const stages = [];
for (const ins of instructions) {
  if (ins.op === "ARG" && stages.length === 0) {
    const [k, v] = ins.arg.split("=");
    globalArgs[k.trim()] = (v ?? "").trim().replace(/^"|"$/g, "");
    continue;
  }
  if (ins.op === "FROM") {
    const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.arg);
    const image = (m?.[1] ?? "").replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, v) => globalArgs[v] ?? "");
    stages.push({ image, name: m?.[2] ?? String(stages.length), index: stages.length, ins: [] });
    continue;
  }
  if (stages.length > 0) stages[stages.length - 1].ins.push(ins);
}

function aptInstalls(stage) {
  const out = [];
  for (const ins of stage.ins.filter((x) => x.op === "RUN")) {
    for (const seg of ins.arg.split(/&&|;|\|\|/)) {
      const words = seg.trim().split(/\s+/);
      const at = words.findIndex((w, i) => (w === "apt-get" || w === "apt") && words.slice(i + 1).includes("install"));
      if (at < 0) continue;
      const rest = words.slice(words.indexOf("install", at) + 1);
      out.push({
        ins,
        packages: rest.filter((w) => !w.startsWith("-")).map((w) => w.replace(/=.*$/, "")),
        noRecommends: rest.includes("--no-install-recommends"),
        cleans: /rm -rf \/var\/lib\/apt\/lists/.test(ins.arg),
      });
    }
  }
  return out;
}

if (stages.length < 2) problems.push(`needs at least two stages (build, runtime), has ${stages.length}`);
const build = stages[0];
const final = stages[stages.length - 1];

if (build && stages.length >= 2) {
  if (!/^debian:bookworm(-[0-9]{8})?(@sha256:[0-9a-f]{64})?$/.test(build.image)) problems.push(`build stage: FROM ${build.image || "(unresolved)"}, expected debian:bookworm`);
  const installed = new Set(aptInstalls(build).flatMap((x) => x.packages));
  const bootstrap = path.join(root, "scripts", "bootstrap");
  if (fs.existsSync(bootstrap)) {
    const block = /packages=\(([\s\S]*?)\)/.exec(fs.readFileSync(bootstrap, "utf8"));
    const listed = (block?.[1] ?? "").split(/\s+/).filter((w) => w && !w.startsWith("#"));
    for (const p of listed) {
      if (!installed.has(p) && !TEST_ONLY.has(p)) problems.push(`build stage: does not install ${p}, which scripts/bootstrap lists (add it, or list it in TEST_ONLY in check-dockerfile.mjs with the reason)`);
    }
    for (const p of installed) if (!listed.includes(p)) notes.push(`build stage installs ${p}, which scripts/bootstrap does not list`);
  } else {
    notes.push("scripts/bootstrap not found: build packages not compared");
  }
  const runs = build.ins.filter((x) => x.op === "RUN").map((x) => x.arg).join(" && ");
  const configure = /cmake\s+-S\s+\.\s+-B\s+(\S+)([^&]*)/.exec(runs);
  if (!configure) problems.push("build stage: no `cmake -S . -B <dir>` configure step");
  else {
    for (const flag of ["-DCMAKE_BUILD_TYPE=Release", "-DTEAMS_BUILD_TESTS=OFF", "-DTEAMS_BUILD_BENCH=OFF"]) {
      if (!configure[2].split(/\s+/).includes(flag)) problems.push(`build stage: cmake configure lacks ${flag}`);
    }
  }
  const buildStep = /cmake\s+--build\s+\S+[^&]*--target\s+([^&]*)/.exec(runs);
  const targets = (buildStep?.[1] ?? "").split(/\s+/);
  for (const t of ["teams-report-server", "teams-report"]) if (!targets.includes(t)) problems.push(`build stage: cmake --build does not build target ${t}`);
}

if (final && stages.length >= 2) {
  if (!/^debian:bookworm(-[0-9]{8})?-slim(@sha256:[0-9a-f]{64})?$/.test(final.image)) problems.push(`final stage: FROM ${final.image || "(unresolved)"}, expected debian:bookworm-slim`);
  const installs = aptInstalls(final);
  const finalPackages = new Set(installs.flatMap((x) => x.packages));
  for (const p of finalPackages) if (BUILD_PACKAGE.test(p)) problems.push(`final stage: installs build package ${p}`);
  for (const x of installs) {
    if (!x.noRecommends) problems.push("final stage: apt-get install without --no-install-recommends");
    if (!x.cleans) problems.push("final stage: apt lists not removed (rm -rf /var/lib/apt/lists/*) in the installing RUN");
  }
  if (!finalPackages.has("ca-certificates")) problems.push("final stage: does not install ca-certificates (TLS to PostgreSQL and sslmode=verify-full)");
  const users = final.ins.filter((x) => x.op === "USER");
  const user = users.length > 0 ? users[users.length - 1].arg : null;
  let uid = null;
  if (user === null) problems.push("final stage: no USER (the image would run as root)");
  else {
    const m = /^([0-9]+)(?::([0-9]+))?$/.exec(user);
    if (!m) problems.push(`final stage: USER ${user} must be numeric (uid[:gid]) so that runAsNonRoot can verify it`);
    else if (Number(m[1]) === 0 || Number(m[2] ?? 1) === 0) problems.push(`final stage: USER ${user} is root`);
    else uid = Number(m[1]);
  }
  for (const ins of final.ins) {
    if (ins.op === "ADD" && /https?:\/\//.test(ins.arg)) problems.push("final stage: ADD of a URL (fetch nothing at build time)");
    if (ins.op === "RUN" && /\b(curl|wget)\b/.test(ins.arg)) problems.push("final stage: RUN uses curl/wget");
  }
  const copies = final.ins.filter((x) => x.op === "COPY" && new RegExp(`--from=(${build.name}|${build.index})\\b`).test(x.arg));
  for (const bin of BINARIES) {
    const name = path.basename(bin);
    const ok = copies.some((c) => {
      const parts = c.arg.split(/\s+/).filter((w) => !w.startsWith("--"));
      const dest = parts[parts.length - 1];
      return parts.slice(0, -1).some((s) => s.endsWith(`/${bin}`)) && (dest === "/usr/local/bin/" || dest === `/usr/local/bin/${name}`);
    });
    if (!ok) problems.push(`final stage: does not COPY --from=${build.name} .../${bin} into /usr/local/bin/`);
  }
  const entry = final.ins.filter((x) => x.op === "ENTRYPOINT").pop();
  let entryArgs = null;
  try { entryArgs = entry ? JSON.parse(entry.arg) : null; } catch { entryArgs = null; }
  if (!Array.isArray(entryArgs)) problems.push("final stage: ENTRYPOINT must be in exec form, [\"/usr/local/bin/teams-report-server\"]");
  else if (entryArgs[0] !== "/usr/local/bin/teams-report-server") problems.push(`final stage: ENTRYPOINT runs ${entryArgs[0]}, expected /usr/local/bin/teams-report-server`);

  // The manifests run the image as the same user.
  if (uid !== null) {
    for (const file of manifests) {
      for (const doc of parseAllDocuments(fs.readFileSync(file, "utf8"))) {
        const o = doc.toJS();
        const pod = o?.spec?.template?.spec ?? o?.spec?.jobTemplate?.spec?.template?.spec;
        if (!pod) continue;
        const podUid = pod.securityContext?.runAsUser;
        for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
          const u = c.securityContext?.runAsUser ?? podUid;
          if (u !== undefined && u !== uid) problems.push(`${path.basename(file)}: ${o.kind}/${o.metadata?.name} container "${c.name}" runs as uid ${u}, the image's USER is ${uid}`);
        }
      }
    }
  }

  // Linkage: the final stage provides every library the binaries need.
  if (binaries !== null) {
    const found = BINARIES.map((b) => path.join(binaries, b)).filter((f) => fs.existsSync(f));
    if (found.length < BINARIES.length) {
      notes.push(`linkage not checked: ${BINARIES.filter((b) => !fs.existsSync(path.join(binaries, b))).join(", ")} not built in ${binaries}`);
    } else {
      const needed = new Map(); // package -> libraries
      for (const f of found) {
        const direct = new Set([...execFileSync("readelf", ["-d", f], { encoding: "utf8" }).matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]));
        for (const line of execFileSync("ldd", [f], { encoding: "utf8" }).split("\n")) {
          const m = /^\s*(\S+)\s+=>\s+(\S+)/.exec(line);
          if (!m || !direct.has(m[1])) continue;
          if (m[2] === "not") { problems.push(`${path.basename(f)}: ${m[1]} not found on this machine (ldd)`); continue; }
          const real = fs.realpathSync(m[2]);
          let owner = null;
          for (const candidate of [real, m[2]]) {
            try { owner = execFileSync("dpkg", ["-S", candidate], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).split(":")[0].trim(); break; } catch { /* next */ }
          }
          if (owner === null) { notes.push(`${m[1]}: no Debian package owns ${real}`); continue; }
          if (!needed.has(owner)) needed.set(owner, new Set());
          needed.get(owner).add(m[1]);
        }
      }
      for (const [pkg, libs] of needed) {
        if (!finalPackages.has(pkg) && !IN_BASE_IMAGE.has(pkg)) problems.push(`final stage: does not install ${pkg}, which provides ${[...libs].join(", ")} linked by the binaries`);
      }
      notes.push(`linkage: ${needed.size} packages provide the libraries the binaries link, all in the final stage or bookworm-slim`);
    }
  }
}

// The build context.
const ignoreFile = path.join(root, ".dockerignore");
if (!expectFail) {
  if (!fs.existsSync(ignoreFile)) problems.push(".dockerignore missing at the repository root (the context would include build trees and .git)");
  else {
    const patterns = fs.readFileSync(ignoreFile, "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
    for (const p of [".git", "build", ".local", "**/node_modules"]) if (!patterns.includes(p)) problems.push(`.dockerignore does not exclude ${p}`);
    // ...and keeps what the build needs: the root CMakeLists.txt and its unconditional subdirectories.
    const cmakeFile = path.join(root, "CMakeLists.txt");
    if (fs.existsSync(cmakeFile)) {
      let depth = 0;
      const needed = ["CMakeLists.txt"];
      for (const line of fs.readFileSync(cmakeFile, "utf8").split("\n")) {
        const l = line.replace(/#.*/, "").trim();
        if (/^if\s*\(/i.test(l)) depth++;
        else if (/^endif\s*\(/i.test(l)) depth--;
        const m = /^add_subdirectory\s*\(\s*([^\s)]+)/i.exec(l);
        if (m && depth === 0) needed.push(m[1]);
      }
      const negated = patterns.filter((p) => p.startsWith("!")).map((p) => p.slice(1));
      for (const dir of needed) {
        if (negated.includes(dir)) continue;
        const hit = patterns.find((p) => !p.startsWith("!") && (p === dir || p === `${dir}/` || p === "*" || p === "**" ||
          (p.includes("*") && new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*\*/g, ".*").replace(/(?<!\.)\*/g, "[^/]*")}$`).test(dir))));
        if (hit) problems.push(`.dockerignore pattern "${hit}" excludes ${dir}, which the build needs`);
      }
    }
  }
}

const label = path.relative(process.cwd(), dockerfile) || dockerfile;
if (expectFail) {
  const missing = expectations.filter((e) => !problems.some((p) => p.includes(e)));
  if (problems.length === 0 || missing.length > 0) {
    console.error(`FAIL ${label}: ${problems.length === 0 ? "expected to be rejected, but it passed" : "rejected, but not for every expected reason"}`);
    for (const m of missing) console.error(`  expected: ${m}`);
    for (const p of problems) console.error(`  found: ${p}`);
    process.exit(1);
  }
  console.log(`ok   ${label}: rejected as expected (${problems.length} problems, ${expectations.length} expected reasons all found)`);
  process.exit(0);
}
if (problems.length > 0) {
  console.error(`FAIL ${label}: ${problems.length} problem${problems.length === 1 ? "" : "s"}`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`ok   ${label}: ${stages.length} stages, final ${final.image} as uid ${final.ins.filter((x) => x.op === "USER").pop().arg}${notes.length ? "; " + notes.join("; ") : ""}`);
