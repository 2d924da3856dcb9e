#!/usr/bin/env node
// Validates rendered Kubernetes manifests offline: the schema of every object (kubernetes-models,
// plus unknown fields) and the deployment policy (lib/policy.mjs).
//
//   node validate.mjs [--profile dev|prod] [--label NAME] FILE...
//       FILE is a multi-document YAML file (e.g. `kubectl kustomize deploy/k8s/overlays/prod`
//       output, or "-" for stdin). All files together are one deployment. Exit 0 when valid, 1
//       with one line per problem otherwise, 2 on usage errors.
//   node validate.mjs --expect-fail [--profile P] FILE
//       The negative test: exit 0 only if FILE is rejected AND every "# expect: TEXT" line in it
//       names (a substring of) one of the problems found. A fixture that passed, or failed for
//       other reasons than it promises, exits 1.
import fs from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { validateObject } from "./lib/schema.mjs";
import { checkPolicy } from "./lib/policy.mjs";

function usage(msg) {
  if (msg) console.error(`validate.mjs: ${msg}`);
  console.error("usage: node validate.mjs [--expect-fail] [--profile dev|prod] [--label NAME] FILE...");
  process.exit(2);
}

const args = process.argv.slice(2);
let profile = null;
let label = null;
let expectFail = false;
const files = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--profile") profile = args[++i] ?? usage("--profile needs a value");
  else if (a === "--label") label = args[++i] ?? usage("--label needs a value");
  else if (a === "--expect-fail") expectFail = true;
  else if (a === "-h" || a === "--help") usage();
  else if (a.startsWith("--")) usage(`unknown option ${a}`);
  else files.push(a);
}
if (files.length === 0) usage("no input files");
if (profile !== null && !["dev", "prod"].includes(profile)) usage(`unknown profile ${profile}`);
label ??= files.map((f) => path.relative(process.cwd(), f) || f).join(" ");

const problems = [];
const objects = [];
const expectations = [];
for (const file of files) {
  const text = fs.readFileSync(file === "-" ? 0 : file, "utf8");
  for (const m of text.matchAll(/^# expect: (.+)$/gm)) expectations.push(m[1].trim());
  const docs = parseAllDocuments(text);
  for (const [i, doc] of docs.entries()) {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) problems.push(`${file} document ${i + 1}: YAML: ${e.message}`);
      continue;
    }
    const obj = doc.toJS();
    if (obj === null || obj === undefined) continue;
    if (typeof obj !== "object" || Array.isArray(obj)) {
      problems.push(`${file} document ${i + 1}: not a Kubernetes object`);
      continue;
    }
    const name = `${obj.kind ?? "?"}/${obj.metadata?.name ?? "?"}`;
    for (const p of await validateObject(obj)) problems.push(`${name} schema: ${p}`);
    objects.push(obj);
  }
}
if (objects.length === 0) problems.push("no Kubernetes objects found");

const { problems: policyProblems, externalSecrets } = checkPolicy(objects, { profile });
problems.push(...policyProblems);

if (expectFail) {
  if (problems.length === 0) {
    console.error(`FAIL ${label}: expected to be rejected, but it passed`);
    process.exit(1);
  }
  const missing = expectations.filter((e) => !problems.some((p) => p.includes(e)));
  if (missing.length > 0) {
    console.error(`FAIL ${label}: rejected, but not for every expected reason. Missing:`);
    for (const m of missing) console.error(`  expected: ${m}`);
    console.error("Problems found:");
    for (const p of problems) console.error(`  ${p}`);
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
const kinds = [...new Set(objects.map((o) => o.kind))].length;
const ext = externalSecrets.length > 0 ? `; Secrets to create before deploying: ${externalSecrets.join(", ")}` : "";
console.log(`ok   ${label}: ${objects.length} objects (${kinds} kinds) valid, policy passed${ext}`);
